-- The placement service's records as the dashboards and the round view read
-- them. Tables name no schema: they live in rm_placements (or its shadow
-- during a rebuild).

-- Partner schools, as registered.
CREATE TABLE schools (
    school_id     text PRIMARY KEY,
    name          text        NOT NULL,
    district      text        NOT NULL,
    level         text        NOT NULL,
    contact_name  text        NOT NULL,
    contact_email text        NOT NULL,
    contact_phone text        NOT NULL DEFAULT '',
    registered_at timestamptz NOT NULL
);
-- The school list pages by name.
CREATE INDEX schools_name ON schools (name, school_id);

-- Partnership agreements: a renewal extends years; an ended one keeps its row.
CREATE TABLE agreements (
    agreement_id      text PRIMARY KEY,
    school_id         text    NOT NULL,
    first_school_year int     NOT NULL,
    years             int     NOT NULL,
    core_subjects     text[]  NOT NULL,
    min_places        int     NOT NULL,
    max_places        int     NOT NULL,
    english_kla       boolean NOT NULL,
    draft             boolean NOT NULL,
    ended_on          date,
    end_reason        text
);
CREATE INDEX agreements_school ON agreements (school_id);

-- Teachers a school named, and those it named teacher-mentors.
CREATE TABLE teachers (
    school_id       text   NOT NULL,
    teacher_id      text   NOT NULL,
    name            text   NOT NULL,
    email           text   NOT NULL,
    mentor_subjects text[] NOT NULL DEFAULT '{}',
    load_limit      int    NOT NULL DEFAULT 0,
    PRIMARY KEY (school_id, teacher_id)
);
CREATE INDEX teachers_teacher ON teachers (teacher_id);

-- Placement rounds. status: open, allocated, published, closed.
CREATE TABLE rounds (
    round_id            text PRIMARY KEY,
    name                text        NOT NULL,
    school_year         int         NOT NULL,
    windows             jsonb       NOT NULL,
    offer_deadline      date        NOT NULL,
    preference_deadline date        NOT NULL,
    max_preferences     int         NOT NULL,
    max_travel_minutes  int         NOT NULL,
    status              text        NOT NULL,
    opened_at           timestamptz NOT NULL,
    allocated_at        timestamptz,
    published_at        timestamptz,
    closed_at           timestamptz,
    -- the last allocation's AllocationSummary, as recorded
    summary             jsonb
);

-- A school's offer in a round (one row per school), and its places by subject.
CREATE TABLE offer_schools (
    round_id        text    NOT NULL,
    school_id       text    NOT NULL,
    school_name     text    NOT NULL,
    capacity        int     NOT NULL,
    warnings        text[]  NOT NULL,
    withdrawn       boolean NOT NULL DEFAULT false,
    withdraw_reason text,
    PRIMARY KEY (round_id, school_id)
);
CREATE INDEX offer_schools_school ON offer_schools (school_id);

CREATE TABLE offers (
    round_id   text   NOT NULL,
    school_id  text   NOT NULL,
    subject    text   NOT NULL,
    places     int    NOT NULL,
    mentor_ids text[] NOT NULL,
    PRIMARY KEY (round_id, school_id, subject)
);

-- Student-teachers registered for a round, with their latest preferences.
CREATE TABLE students (
    round_id      text        NOT NULL,
    student_id    text        NOT NULL,
    name          text        NOT NULL,
    email         text        NOT NULL,
    level         text        NOT NULL,
    subjects      text[]      NOT NULL,
    home_district text        NOT NULL,
    preferences   text[]      NOT NULL DEFAULT '{}',
    registered_at timestamptz NOT NULL,
    -- whether the round's last allocation covers the student (kept by the
    -- placements trigger): those registered after it have no placement
    allocated     boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (round_id, student_id)
);
CREATE INDEX students_student ON students (student_id);
-- The round view pages its registrations by name.
CREATE INDEX students_round_name ON students (round_id, name, student_id);

-- Each registered student's current outcome in the round's allocation.
-- status: proposed (allocated, not published), published, confirmed,
-- declined (waiting to be reallocated), unplaced.
CREATE TABLE placements (
    round_id        text    NOT NULL,
    student_id      text    NOT NULL,
    school_id       text,
    subject         text,
    rank            int,
    travel_minutes  int,
    status          text    NOT NULL,
    unplaced_reason text,
    overridden      boolean NOT NULL DEFAULT false,
    override_reason text,
    exception       text,
    mentor_id       text,
    -- the student's Explanation, as recorded
    explanation     jsonb,
    PRIMARY KEY (round_id, student_id)
);
CREATE INDEX placements_school ON placements (school_id, round_id);
CREATE INDEX placements_mentor ON placements (mentor_id);

-- Placements schools declined, kept after the student is reallocated.
CREATE TABLE declines (
    round_id    text        NOT NULL,
    student_id  text        NOT NULL,
    school_id   text        NOT NULL,
    -- the subject of the placement declined
    subject     text        NOT NULL,
    reason      text        NOT NULL,
    declined_at timestamptz NOT NULL,
    PRIMARY KEY (round_id, student_id, school_id)
);

-- Schools left out of a round's last allocation, and why.
CREATE TABLE ineligible_schools (
    round_id  text NOT NULL,
    school_id text NOT NULL,
    reason    text NOT NULL,
    PRIMARY KEY (round_id, school_id)
);

-- Student-teachers placed (allocated, published or confirmed) and confirmed
-- per round and subject, kept by a trigger as placements change (with
-- students.allocated), so the faculty dashboard reads a row per subject
-- instead of counting a round's placements on every request.
CREATE TABLE round_subjects (
    round_id  text NOT NULL,
    subject   text NOT NULL,
    placed    int  NOT NULL DEFAULT 0,
    confirmed int  NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, subject)
);

-- The trigger names its tables unqualified: the search path (the live schema
-- or a rebuild's shadow) decides which round_subjects it counts in.
CREATE FUNCTION count_placed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE students SET allocated = true WHERE round_id = NEW.round_id AND student_id = NEW.student_id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE students SET allocated = false WHERE round_id = OLD.round_id AND student_id = OLD.student_id;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD.subject IS NOT NULL THEN
        UPDATE round_subjects
        SET placed = placed - (OLD.status IN ('proposed', 'published', 'confirmed'))::int,
            confirmed = confirmed - (OLD.status = 'confirmed')::int
        WHERE round_id = OLD.round_id AND subject = OLD.subject;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.subject IS NOT NULL THEN
        INSERT INTO round_subjects AS r (round_id, subject, placed, confirmed)
        VALUES (NEW.round_id, NEW.subject, (NEW.status IN ('proposed', 'published', 'confirmed'))::int, (NEW.status = 'confirmed')::int)
        ON CONFLICT (round_id, subject) DO UPDATE
        SET placed = r.placed + excluded.placed, confirmed = r.confirmed + excluded.confirmed;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER placements_counted AFTER INSERT OR DELETE OR UPDATE OF subject, status ON placements
    FOR EACH ROW EXECUTE FUNCTION count_placed();

-- The round's student-teachers without a place, for the faculty dashboard.
CREATE INDEX placements_without_place ON placements (round_id) WHERE status IN ('unplaced', 'declined');
CREATE INDEX students_unallocated ON students (round_id) WHERE NOT allocated;
