-- The practicum windows of each placement round, copied from the placement
-- service's events by the process that opens mentoring records, so that a
-- record knows when its placement runs.
CREATE TABLE round_windows (
    round_id text  PRIMARY KEY,
    windows  jsonb NOT NULL
);
