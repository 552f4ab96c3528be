-- The event store of one service. Applied with search_path set to the
-- service's schema (placement, mentoring, forum).

-- streams holds each stream's current version. Appending updates the row
-- from the version the writer expected, so of two writers on one stream
-- exactly one wins and the other sees no row to update: a conflict.
CREATE TABLE streams (
    stream_id text PRIMARY KEY,
    version   bigint NOT NULL CHECK (version > 0)
);

-- head hands out global positions. Appending updates its single row last in
-- the transaction and holds the row lock until commit, so positions are
-- given out in commit order, without gaps: a reader that has seen position
-- n has seen every committed event below n, and a rolled-back transaction
-- leaves no hole. This is the visibility horizon the relay relies on, and
-- it survives dump and restore because it is data, not transaction ids.
CREATE TABLE head (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    position  bigint  NOT NULL
);
INSERT INTO head VALUES (true, 0);

CREATE TABLE events (
    position        bigint      PRIMARY KEY,
    event_id        uuid        NOT NULL UNIQUE,
    stream_id       text        NOT NULL,
    stream_version  bigint      NOT NULL,
    type            text        NOT NULL,
    schema_version  int         NOT NULL,
    occurred_at     timestamptz NOT NULL,
    actor_id        text        NOT NULL,
    actor_role      text        NOT NULL,
    actor_school_id text        NOT NULL DEFAULT '',
    correlation_id  uuid        NOT NULL,
    causation_id    uuid        NOT NULL,
    -- json, not jsonb: the text is kept byte for byte as written.
    data            json        NOT NULL,
    UNIQUE (stream_id, stream_version)
);

-- commands remembers each idempotent command's outcome under its key, so a
-- retried command returns the first result and appends nothing. The key is
-- the primary key: two concurrent retries cannot both append.
CREATE TABLE commands (
    idempotency_key text        PRIMARY KEY,
    request_hash    bytea       NOT NULL,
    stream_id       text        NOT NULL,
    version         bigint      NOT NULL,
    position        bigint      NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now()
);

-- relay_checkpoints records, per relay, the last position JetStream has
-- acknowledged.
CREATE TABLE relay_checkpoints (
    relay      text        PRIMARY KEY,
    position   bigint      NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
