-- Who did what, when, in which role: one row per event of every service.
-- Payloads are not copied: history names what happened, the records hold it.
CREATE TABLE entries (
    service         text        NOT NULL,
    position        bigint      NOT NULL,
    stream_id       text        NOT NULL,
    version         bigint      NOT NULL,
    type            text        NOT NULL,
    occurred_at     timestamptz NOT NULL,
    actor_id        text        NOT NULL,
    actor_role      text        NOT NULL,
    actor_school_id text,
    correlation_id  uuid,
    PRIMARY KEY (service, position)
);
CREATE UNIQUE INDEX entries_stream ON entries (stream_id, version, service);
