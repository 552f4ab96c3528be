-- The forum service's copy of the partnership's schools and agreements, from
-- the placement service's events: who should send a delegate to the forum,
-- and whose agreement is due for renewal.
CREATE TABLE partner_schools (
    school_id    text PRIMARY KEY,
    name         text    NOT NULL,
    agreement_id text,
    first_year   int,
    years        int,
    draft        boolean NOT NULL DEFAULT false,
    ended        boolean NOT NULL DEFAULT false
);
