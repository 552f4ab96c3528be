-- The placement service's local copy of mentor training, fed by the
-- mentoring service's events: who may be assigned as a teacher-mentor.
-- One row per event, so a redelivered event changes nothing.
CREATE TABLE mentor_training (
    event_id       uuid PRIMARY KEY,
    teacher_id     text NOT NULL,
    certificate_id text NOT NULL,
    level          text NOT NULL,
    completed_on   date NOT NULL,
    expires_on     date
);
CREATE INDEX mentor_training_teacher ON mentor_training (teacher_id);
