-- The mentoring service's records as the dashboards and views read them.
-- Tables name no schema: they live in rm_mentoring (or its shadow).

-- The mentoring policy in force. Until the faculty sets one, the service
-- applies events/mentoring's DefaultPolicy; the projection adds that row
-- (and framework version 1, DefaultFramework) after these tables, so a count
-- against the minimum means what the service's rule means.
CREATE TABLE policy (
    singleton               boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    min_mentor_observations int NOT NULL,
    min_tutor_observations  int NOT NULL,
    amend_days              int NOT NULL
);

-- Published versions of the competency framework.
CREATE TABLE frameworks (
    version int PRIMARY KEY,
    name    text  NOT NULL,
    domains jsonb NOT NULL,
    scale   jsonb NOT NULL
);

-- Mentor training with its certificate.
CREATE TABLE trainings (
    teacher_id     text NOT NULL,
    certificate_id text NOT NULL,
    school_id      text NOT NULL,
    course         text NOT NULL,
    level          text NOT NULL,
    issuer         text NOT NULL,
    completed_on   date NOT NULL,
    expires_on     date,
    PRIMARY KEY (teacher_id, certificate_id)
);
CREATE INDEX trainings_school ON trainings (school_id);

-- A placement's mentoring record, with counters kept as events arrive so
-- the dashboards read one row per student-teacher.
CREATE TABLE records (
    record_id                text PRIMARY KEY,
    round_id                 text        NOT NULL,
    student_id               text        NOT NULL,
    school_id                text        NOT NULL,
    subject                  text        NOT NULL,
    windows                  jsonb       NOT NULL,
    mentor_id                text,
    tutor_id                 text,
    mentor_observations      int         NOT NULL DEFAULT 0,
    teacher_observations     int         NOT NULL DEFAULT 0,
    tutor_observations       int         NOT NULL DEFAULT 0,
    last_observed_on         date,
    unacknowledged           int         NOT NULL DEFAULT 0,
    open_concerns            int         NOT NULL DEFAULT 0,
    meetings                 int         NOT NULL DEFAULT 0,
    reflections              int         NOT NULL DEFAULT 0,
    recommendation           text,
    assessment_summary       text,
    assessed_by              text,
    minimum_override         text,
    assessed_at              timestamptz,
    moderated_recommendation text,
    moderation_adjusted      boolean,
    moderation_reason        text,
    moderated_by             text,
    moderated_at             timestamptz,
    opened_at                timestamptz NOT NULL
);
CREATE INDEX records_school ON records (school_id, round_id);
CREATE INDEX records_round ON records (round_id);
CREATE INDEX records_student ON records (student_id);
CREATE INDEX records_mentor ON records (mentor_id);
CREATE INDEX records_tutor ON records (tutor_id);

-- Lesson observations, as last amended.
CREATE TABLE observations (
    record_id             text        NOT NULL,
    observation_id        text        NOT NULL,
    observer_id           text        NOT NULL,
    observer_role         text        NOT NULL,
    co_observer_id        text,
    cosigned              boolean     NOT NULL DEFAULT false,
    recorded_on           date        NOT NULL,
    recorded_at           timestamptz NOT NULL,
    lesson_date           date        NOT NULL,
    class                 text        NOT NULL,
    subject               text        NOT NULL,
    topic                 text        NOT NULL,
    framework_version     int         NOT NULL,
    ratings               jsonb       NOT NULL,
    strengths             text        NOT NULL,
    areas_for_development text        NOT NULL,
    action_points         text[]      NOT NULL,
    amendments            int         NOT NULL DEFAULT 0,
    acknowledged_at       timestamptz,
    response              text,
    PRIMARY KEY (record_id, observation_id)
);

CREATE TABLE meetings (
    record_id  text   NOT NULL,
    meeting_id text   NOT NULL,
    mentor_id  text   NOT NULL,
    date       date   NOT NULL,
    minutes    int    NOT NULL,
    topics     text[] NOT NULL,
    targets    text[] NOT NULL,
    PRIMARY KEY (record_id, meeting_id)
);

CREATE TABLE reflections (
    record_id     text        NOT NULL,
    reflection_id text        NOT NULL,
    date          date        NOT NULL,
    text          text        NOT NULL,
    submitted_at  timestamptz NOT NULL,
    PRIMARY KEY (record_id, reflection_id)
);

CREATE TABLE concerns (
    record_id       text        NOT NULL,
    concern_id      text        NOT NULL,
    raised_by       text        NOT NULL,
    category        text        NOT NULL,
    severity        text        NOT NULL,
    description     text        NOT NULL,
    raised_at       timestamptz NOT NULL,
    resolved_at     timestamptz,
    resolution_note text,
    PRIMARY KEY (record_id, concern_id)
);
