-- advance_stream moves a stream from the version a writer decided on to its
-- new version, or raises WS409 when the stream is not at that version (it
-- exists already, moved on, or does not reach it). Raising, rather than
-- reporting no row, lets an append run as one batch in one round trip: the
-- error rolls back everything after it, and positions are held only while
-- the server works, never across a round trip to the client.
CREATE FUNCTION advance_stream(p_stream text, p_expected bigint, p_version bigint) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF p_expected = 0 THEN
        INSERT INTO streams (stream_id, version) VALUES (p_stream, p_version) ON CONFLICT DO NOTHING;
    ELSE
        UPDATE streams SET version = p_version WHERE stream_id = p_stream AND version = p_expected;
    END IF;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'stream % is not at version %', p_stream, p_expected USING ERRCODE = 'WS409';
    END IF;
END
$$;
