-- The forum service's records as the forum view and the dashboards read
-- them. Tables name no schema: they live in rm_forum (or its shadow).

CREATE TABLE forums (
    year        int PRIMARY KEY,
    date        date NOT NULL,
    venue       text NOT NULL,
    online_link text NOT NULL DEFAULT '',
    theme       text NOT NULL
);

CREATE TABLE sessions (
    year                int  NOT NULL,
    session_id          text NOT NULL,
    title               text NOT NULL,
    format              text NOT NULL,
    presenter_school_id text,
    presenter           text NOT NULL,
    capacity            int  NOT NULL,
    -- when the session was put on the programme, which lists in that order
    added_at            timestamptz,
    PRIMARY KEY (year, session_id)
);

-- Delegates registered for sessions. attended is null until recorded. A
-- registration id is unique within its session (the session's stream keeps
-- it so), not across sessions.
CREATE TABLE registrations (
    year            int         NOT NULL,
    session_id      text        NOT NULL,
    registration_id text        NOT NULL,
    person_id       text        NOT NULL,
    name            text        NOT NULL,
    kind            text        NOT NULL,
    school_id       text,
    waitlisted      boolean     NOT NULL,
    cancelled       boolean     NOT NULL DEFAULT false,
    attended        boolean,
    registered_at   timestamptz NOT NULL,
    PRIMARY KEY (year, session_id, registration_id)
);
CREATE INDEX registrations_school ON registrations (school_id, year);
-- The forum view lists a year's registrations session by session, first
-- come first.
CREATE INDEX registrations_session ON registrations (year, session_id, registered_at, registration_id);

-- Agreements due for renewal, on a forum's agenda: one per school, the
-- latest put there (as the forum's agenda keeps it).
CREATE TABLE renewals (
    year             int  NOT NULL,
    school_id        text NOT NULL,
    agreement_id     text NOT NULL,
    last_school_year int  NOT NULL,
    PRIMARY KEY (year, school_id, agreement_id)
);

CREATE TABLE practice (
    practice_id text PRIMARY KEY,
    school_id   text        NOT NULL,
    year        int         NOT NULL,
    title       text        NOT NULL,
    summary     text        NOT NULL,
    subject     text        NOT NULL,
    links       text[]      NOT NULL,
    shared_at   timestamptz NOT NULL
);
CREATE INDEX practice_school ON practice (school_id);
-- The forum view lists a year's practice newest first.
CREATE INDEX practice_year ON practice (year, shared_at DESC, practice_id DESC);

CREATE TABLE feedback (
    year          int   NOT NULL,
    respondent_id text  NOT NULL,
    school_id     text,
    ratings       jsonb NOT NULL,
    comments      jsonb NOT NULL,
    PRIMARY KEY (year, respondent_id)
);

-- Expressions of interest from schools outside the partnership.
-- status: pending, accepted, declined.
CREATE TABLE interests (
    interest_id    text PRIMARY KEY,
    school_name    text        NOT NULL,
    district       text        NOT NULL,
    level          text        NOT NULL,
    contact_name   text        NOT NULL,
    contact_email  text        NOT NULL,
    subjects       text[]      NOT NULL,
    places_offered int         NOT NULL,
    status         text        NOT NULL,
    review_reason  text,
    school_id      text,
    expressed_at   timestamptz NOT NULL,
    reviewed_at    timestamptz
);
CREATE INDEX interests_expressed ON interests (expressed_at, interest_id);
CREATE INDEX interests_status ON interests (status, expressed_at, interest_id);
