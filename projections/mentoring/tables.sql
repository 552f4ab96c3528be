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
    opened_at                timestamptz NOT NULL,
    -- the last day of the practicum windows, and whether the record has
    -- fewer observations than the policy asks: both kept by a trigger
    last_window_day          date,
    short                    boolean     NOT NULL DEFAULT true
) WITH (fillfactor = 70);
CREATE INDEX records_school ON records (school_id, round_id);
CREATE INDEX records_round ON records (round_id);
CREATE INDEX records_student ON records (student_id);
CREATE INDEX records_mentor ON records (mentor_id);
CREATE INDEX records_tutor ON records (tutor_id);
-- Records that may put a student-teacher at risk, one index for each
-- reason: an open concern, too few observations (once the windows end), a
-- failing recommendation (the moderated one when there is one).
CREATE INDEX records_concerns ON records (round_id) WHERE open_concerns > 0;
CREATE INDEX records_short ON records (round_id, last_window_day) WHERE short;
CREATE INDEX records_failing ON records (round_id) WHERE COALESCE(moderated_recommendation, recommendation) = 'fail';

-- A round's records, and how many meet the observation minimum, kept by a
-- trigger for the faculty dashboard's coverage.
CREATE TABLE round_coverage (
    round_id        text PRIMARY KEY,
    records         int NOT NULL DEFAULT 0,
    meeting_minimum int NOT NULL DEFAULT 0
);

-- Triggers name their tables unqualified: the search path (the live schema
-- or a rebuild's shadow) decides which tables they read and write.
CREATE FUNCTION keep_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.windows IS DISTINCT FROM OLD.windows THEN
        NEW.last_window_day := (SELECT max((w->>'to')::date) FROM jsonb_array_elements(NEW.windows) w);
    END IF;
    NEW.short := (SELECT NEW.mentor_observations + NEW.teacher_observations < p.min_mentor_observations
                         OR NEW.tutor_observations < p.min_tutor_observations FROM policy p);
    RETURN NEW;
END
$$;
CREATE TRIGGER records_kept BEFORE INSERT OR UPDATE ON records FOR EACH ROW EXECUTE FUNCTION keep_record();

CREATE FUNCTION count_coverage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO round_coverage AS c (round_id, records, meeting_minimum) VALUES (NEW.round_id, 1, (NOT NEW.short)::int)
        ON CONFLICT (round_id) DO UPDATE SET records = c.records + 1, meeting_minimum = c.meeting_minimum + excluded.meeting_minimum;
    ELSE
        UPDATE round_coverage SET meeting_minimum = meeting_minimum + CASE WHEN NEW.short THEN -1 ELSE 1 END
        WHERE round_id = NEW.round_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER records_counted AFTER INSERT ON records FOR EACH ROW EXECUTE FUNCTION count_coverage();
CREATE TRIGGER records_recounted AFTER UPDATE ON records FOR EACH ROW
    WHEN (OLD.short IS DISTINCT FROM NEW.short) EXECUTE FUNCTION count_coverage();

-- A new policy changes which records are short of it.
CREATE FUNCTION policy_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- records_kept works short out again for every record updated.
    UPDATE records SET short = short;
    RETURN NULL;
END
$$;
CREATE TRIGGER policy_set AFTER INSERT OR UPDATE ON policy FOR EACH STATEMENT EXECUTE FUNCTION policy_changed();

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
