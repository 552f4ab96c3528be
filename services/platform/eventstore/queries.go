package eventstore

import "fmt"

// queries are the store's statements, with the schema written in once.
type queries struct {
	advanceStream, queueForHead, takePositions, insertEvents, rememberCommand, notify             string
	lookupCommand, loadStream, loadAfter, loadPrefix, readAfter, head, checkpoint, saveCheckpoint string
}

const envelopeColumns = `position, event_id, stream_id, stream_version, type, schema_version, occurred_at,
	actor_id, actor_role, actor_school_id, correlation_id, causation_id, data`

func newQueries(schema string) queries {
	return queries{
		advanceStream: fmt.Sprintf(`SELECT %s.advance_stream($1, $2, $3)`, schema),
		// Taken after the stream row, so writers on one stream queue on the
		// stream and not on the head; held from here to commit.
		takePositions: fmt.Sprintf(`UPDATE %s.head SET position = position + $1 RETURNING position`, schema),
		queueForHead:  `SELECT pg_advisory_xact_lock(hashtext($1))`,
		insertEvents: fmt.Sprintf(`INSERT INTO %[1]s.events (`+envelopeColumns+`)
			SELECT h.position - cardinality($1::uuid[]) + e.n, e.id, $2, $3 + e.n, e.type, e.version, $6,
			       $7, $8, $9, $10, $11, e.data::json
			FROM %[1]s.head h,
			     unnest($1::uuid[], $4::text[], $5::int[], $12::text[]) WITH ORDINALITY AS e(id, type, version, data, n)`, schema),
		rememberCommand: fmt.Sprintf(`INSERT INTO %[1]s.commands (idempotency_key, request_hash, stream_id, version, position)
			SELECT $1, $2, $3, $4, position FROM %[1]s.head`, schema),
		notify:        `SELECT pg_notify($1, '')`,
		lookupCommand: fmt.Sprintf(`SELECT request_hash, stream_id, version, position FROM %s.commands WHERE idempotency_key = $1`, schema),
		loadStream:    fmt.Sprintf(`SELECT `+envelopeColumns+` FROM %s.events WHERE stream_id = $1 ORDER BY stream_version`, schema),
		loadAfter:     fmt.Sprintf(`SELECT `+envelopeColumns+` FROM %s.events WHERE stream_id = $1 AND stream_version > $2 ORDER BY stream_version`, schema),
		loadPrefix:    fmt.Sprintf(`SELECT `+envelopeColumns+` FROM %s.events WHERE stream_id LIKE $1 ORDER BY stream_id, stream_version`, schema),
		readAfter:     fmt.Sprintf(`SELECT `+envelopeColumns+` FROM %s.events WHERE position > $1 ORDER BY position LIMIT $2`, schema),
		head:          fmt.Sprintf(`SELECT position FROM %s.head`, schema),
		checkpoint:    fmt.Sprintf(`SELECT position FROM %s.relay_checkpoints WHERE relay = $1`, schema),
		saveCheckpoint: fmt.Sprintf(`INSERT INTO %s.relay_checkpoints (relay, position) VALUES ($1, $2)
			ON CONFLICT (relay) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`, schema),
	}
}
