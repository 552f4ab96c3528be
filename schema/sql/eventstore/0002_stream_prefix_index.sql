-- Loading every stream under a prefix (all offers of a placement round, say)
-- uses this index whatever the database's collation.
CREATE INDEX events_stream_prefix ON events (stream_id text_pattern_ops, stream_version);
