-- One row per agreement, not per school: a school signs its next agreement
-- before the current one ends, and both count for the years they cover. An
-- agreement ended early covers the school years begun before ended_on.
CREATE TABLE partner_agreements (
    agreement_id text    PRIMARY KEY,
    school_id    text    NOT NULL,
    first_year   int     NOT NULL,
    years        int     NOT NULL,
    draft        boolean NOT NULL,
    ended_on     date
);
CREATE INDEX partner_agreements_school ON partner_agreements (school_id);
INSERT INTO partner_agreements (agreement_id, school_id, first_year, years, draft, ended_on)
    SELECT agreement_id, school_id, first_year, years, draft, CASE WHEN ended THEN DATE '2000-01-01' END
    FROM partner_schools WHERE agreement_id IS NOT NULL;
ALTER TABLE partner_schools DROP COLUMN agreement_id, DROP COLUMN first_year, DROP COLUMN years,
    DROP COLUMN draft, DROP COLUMN ended;
