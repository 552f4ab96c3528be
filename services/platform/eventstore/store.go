// Package eventstore keeps a service's events in PostgreSQL, the system's
// source of truth: append to a stream with optimistic concurrency, load a
// stream, read the whole log in position order, remember idempotent
// commands, and keep the relay's checkpoint.
//
// Positions are handed out in commit order (see the head table in the
// migration), so a reader following positions can never pass an event that
// a slower transaction commits later.
package eventstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"wsms/events"
	"wsms/platform/errs"
)

// Store is the event store of one service, in its own PostgreSQL schema.
type Store struct {
	db      *pgxpool.Pool
	schema  string
	channel string
	sql     queries
}

// New returns the store kept in schema (already migrated).
func New(db *pgxpool.Pool, schema string) *Store {
	return &Store{db: db, schema: schema, channel: schema + "_events", sql: newQueries(pgx.Identifier{schema}.Sanitize())}
}

// Schema names the PostgreSQL schema the store lives in.
func (s *Store) Schema() string { return s.schema }

// Channel is the PostgreSQL notification channel signalled by every commit
// that appends events, so a relay need not poll.
func (s *Store) Channel() string { return s.channel }

// MaxEventBytes is the most data one event may carry: with its envelope it
// must fit in one NATS message (8 MiB in every deployment of the system).
const MaxEventBytes = 7 << 20

// Pending is an event decided but not yet recorded.
type Pending struct {
	Type string
	Data json.RawMessage
}

// Append asks to record events at the end of a stream.
type Append struct {
	StreamID string
	// ExpectedVersion is the stream version the events were decided on:
	// 0 for a stream that must not exist yet.
	ExpectedVersion int64
	Events          []Pending
	Actor           events.Actor
	CorrelationID   uuid.UUID
	CausationID     uuid.UUID
	OccurredAt      time.Time
	// IdempotencyKey, when set, makes the append happen at most once: a
	// second append under the key returns the first one's result.
	IdempotencyKey string
	// RequestHash identifies the command behind the key, so that a key
	// reused for a different command is refused rather than answered
	// with another command's result.
	RequestHash []byte
}

// Result says where an append left the stream.
type Result struct {
	StreamID string `json:"streamId"`
	Version  int64  `json:"version"`
	// Position of the last event appended: a reader that has reached it
	// sees the command's effects.
	Position int64 `json:"position"`
	// Replayed is true when an earlier command with the same idempotency
	// key had already appended, and nothing new was appended.
	Replayed bool `json:"replayed"`
	// Events are the envelopes appended (none when Replayed).
	Events []events.Envelope `json:"-"`
}

// Append records a.Events at the end of a.StreamID in a transaction of its
// own. A stream that moved past a.ExpectedVersion gives a CONFLICT error and
// writes nothing; a command already recorded under a.IdempotencyKey gives
// that command's result and writes nothing.
func (s *Store) Append(ctx context.Context, a Append) (Result, error) {
	// Sent as one batch outside any transaction, the statements run in one
	// implicit transaction that commits when the last succeeds: one round
	// trip, and a failure of any rolls back all.
	res, err := s.append(ctx, s.db, a)
	if errors.Is(err, errCommandRecorded) {
		return s.replay(ctx, a.IdempotencyKey, a.RequestHash)
	}
	if errs.Is(err, errs.Conflict) && a.IdempotencyKey != "" {
		// The writer that won may have been this very command, retried
		// concurrently: then its result is the answer, not a conflict.
		if r, ok, lookupErr := s.Remembered(ctx, a.IdempotencyKey, a.RequestHash); lookupErr != nil || ok {
			return r, lookupErr
		}
	}
	return res, err
}

// AppendTx records a.Events within tx, for a caller that writes more in the
// same transaction. Positions are held from here until tx ends: keep what
// follows short. The result is true only once tx commits.
func (s *Store) AppendTx(ctx context.Context, tx pgx.Tx, a Append) (Result, error) {
	return s.append(ctx, tx, a)
}

// batchSender runs a batch: a pool (one implicit transaction) or a
// transaction.
type batchSender interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

func (s *Store) append(ctx context.Context, db batchSender, a Append) (Result, error) {
	if len(a.Events) == 0 {
		return Result{}, errors.New("append: no events")
	}
	envs := make([]events.Envelope, len(a.Events))
	ids := make([]uuid.UUID, len(a.Events))
	types := make([]string, len(a.Events))
	versions := make([]int32, len(a.Events))
	data := make([]string, len(a.Events))
	for i, p := range a.Events {
		if len(p.Data) > MaxEventBytes {
			// Refused on its merits, not a failure to retry: the same
			// command would decide the same event again.
			return Result{}, errs.Invalid("", "too_large", "the %s event this command records would be %d bytes, more than the %d an event may carry",
				p.Type, len(p.Data), MaxEventBytes)
		}
		n, err := events.ParseName(p.Type)
		if err != nil {
			return Result{}, fmt.Errorf("append to %s: %w", a.StreamID, err)
		}
		id, err := uuid.NewV7()
		if err != nil {
			return Result{}, err
		}
		ids[i], types[i], versions[i], data[i] = id, p.Type, int32(n.Version), string(p.Data)
		envs[i] = events.Envelope{
			ID: id, Type: p.Type, SchemaVersion: n.Version, StreamID: a.StreamID,
			StreamVersion: a.ExpectedVersion + int64(i) + 1, OccurredAt: a.OccurredAt, Actor: a.Actor,
			CorrelationID: a.CorrelationID, CausationID: a.CausationID, Data: p.Data,
		}
	}
	version := a.ExpectedVersion + int64(len(a.Events))

	b := &pgx.Batch{}
	b.Queue(s.sql.advanceStream, a.StreamID, a.ExpectedVersion, version)
	// Writers queue for the head in the lock manager, which wakes them one
	// at a time; waiting on the head row itself would wake every waiter at
	// each commit.
	b.Queue(s.sql.queueForHead, s.schema+"/head")
	var last int64
	b.Queue(s.sql.takePositions, len(a.Events)).QueryRow(func(row pgx.Row) error { return row.Scan(&last) })
	b.Queue(s.sql.insertEvents, ids, a.StreamID, a.ExpectedVersion, types, versions, a.OccurredAt,
		a.Actor.ID, string(a.Actor.Role), a.Actor.SchoolID, a.CorrelationID, a.CausationID, data)
	if a.IdempotencyKey != "" {
		b.Queue(s.sql.rememberCommand, a.IdempotencyKey, a.RequestHash, a.StreamID, version)
	}
	b.Queue(s.sql.notify, s.channel)
	br := db.SendBatch(ctx, b)
	// Close reads every result; a failed statement's error is the batch's.
	if err := br.Close(); err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) {
			switch {
			case pgErr.Code == "23505" && pgErr.ConstraintName == "commands_pkey":
				return Result{}, errCommandRecorded
			case pgErr.Code == "WS409" || pgErr.Code == "23505" && pgErr.ConstraintName == "events_stream_id_stream_version_key":
				err = conflict(a.StreamID, a.ExpectedVersion)
			}
		}
		return Result{}, fmt.Errorf("append to %s: %w", a.StreamID, err)
	}
	first := last - int64(len(envs)) + 1
	for i := range envs {
		envs[i].Position = first + int64(i)
	}
	return Result{StreamID: a.StreamID, Version: version, Position: last, Events: envs}, nil
}

// errCommandRecorded says another transaction recorded the same idempotency
// key first; Append answers with that transaction's result.
var errCommandRecorded = errors.New("command already recorded under its idempotency key")

func conflict(stream string, expected int64) error {
	if expected == 0 {
		return errs.Newf(errs.Conflict, "%s already exists", stream)
	}
	return errs.Newf(errs.Conflict, "%s was changed by someone else after version %d: reload it and try again", stream, expected)
}

// Remembered returns the result of the command recorded under key, if any.
// A key recorded for a different command (another hash) is a VALIDATION
// error on the idempotency key.
func (s *Store) Remembered(ctx context.Context, key string, hash []byte) (Result, bool, error) {
	var r Result
	var stored []byte
	err := s.db.QueryRow(ctx, s.sql.lookupCommand, key).Scan(&stored, &r.StreamID, &r.Version, &r.Position)
	if errors.Is(err, pgx.ErrNoRows) {
		return Result{}, false, nil
	}
	if err != nil {
		return Result{}, false, fmt.Errorf("look up command %q: %w", key, err)
	}
	if !bytes.Equal(stored, hash) {
		return Result{}, false, errs.Invalid("idempotencyKey", "unique", "key %q was already used for a different command", key)
	}
	r.Replayed = true
	return r, true, nil
}

func (s *Store) replay(ctx context.Context, key string, hash []byte) (Result, error) {
	r, ok, err := s.Remembered(ctx, key, hash)
	if err == nil && !ok {
		err = fmt.Errorf("command %q was recorded and then not found", key)
	}
	return r, err
}

// Load returns the events of a stream in version order; none for a stream
// that does not exist.
func (s *Store) Load(ctx context.Context, streamID string) ([]events.Envelope, error) {
	rows, err := s.db.Query(ctx, s.sql.loadStream, streamID)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", streamID, err)
	}
	envs, err := pgx.CollectRows(rows, scanEnvelope)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", streamID, err)
	}
	return envs, nil
}

// LoadAfter returns the events of a stream after version, in version order.
func (s *Store) LoadAfter(ctx context.Context, streamID string, version int64) ([]events.Envelope, error) {
	rows, err := s.db.Query(ctx, s.sql.loadAfter, streamID, version)
	if err != nil {
		return nil, fmt.Errorf("load %s after version %d: %w", streamID, version, err)
	}
	envs, err := pgx.CollectRows(rows, scanEnvelope)
	if err != nil {
		return nil, fmt.Errorf("load %s after version %d: %w", streamID, version, err)
	}
	return envs, nil
}

// LoadPrefix returns the events of every stream whose id starts with
// prefix, by stream and version: all the offers of a round, say.
func (s *Store) LoadPrefix(ctx context.Context, prefix string) ([]events.Envelope, error) {
	like := strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(prefix) + "%"
	rows, err := s.db.Query(ctx, s.sql.loadPrefix, like)
	if err != nil {
		return nil, fmt.Errorf("load streams %s*: %w", prefix, err)
	}
	envs, err := pgx.CollectRows(rows, scanEnvelope)
	if err != nil {
		return nil, fmt.Errorf("load streams %s*: %w", prefix, err)
	}
	return envs, nil
}

// ReadAfter returns up to limit events with positions above after, in
// position order. Every committed event below the last one returned has
// been returned already or is returned now: there are no gaps to wait for.
func (s *Store) ReadAfter(ctx context.Context, after int64, limit int) ([]events.Envelope, error) {
	rows, err := s.db.Query(ctx, s.sql.readAfter, after, limit)
	if err != nil {
		return nil, fmt.Errorf("read %s after %d: %w", s.schema, after, err)
	}
	envs, err := pgx.CollectRows(rows, scanEnvelope)
	if err != nil {
		return nil, fmt.Errorf("read %s after %d: %w", s.schema, after, err)
	}
	return envs, nil
}

// Head returns the position of the last committed event (0 when none).
func (s *Store) Head(ctx context.Context) (int64, error) {
	var p int64
	err := s.db.QueryRow(ctx, s.sql.head).Scan(&p)
	return p, err
}

// Checkpoint returns the position a relay last recorded as published.
func (s *Store) Checkpoint(ctx context.Context, relay string) (int64, error) {
	var p int64
	err := s.db.QueryRow(ctx, s.sql.checkpoint, relay).Scan(&p)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return p, err
}

// SaveCheckpoint records that a relay has published up to position. The
// stream, not the checkpoint, says how far publication got (the relay reads
// the checkpoint only when an operator purged the stream), so the commit
// does not wait for the disk: a relay publishing one batch after another
// would otherwise wait for a flush after each.
func (s *Store) SaveCheckpoint(ctx context.Context, relay string, position int64) error {
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue("SET LOCAL synchronous_commit = off")
	b.Queue(s.sql.saveCheckpoint, relay, position)
	b.Queue("COMMIT")
	return s.db.SendBatch(ctx, b).Close()
}

// Listen holds a connection listening on the store's channel; Wait returns
// when an append commits or the timeout passes.
func (s *Store) Listen(ctx context.Context) (*Listener, error) {
	conn, err := s.db.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{s.channel}.Sanitize()); err != nil {
		conn.Release()
		return nil, err
	}
	return &Listener{conn: conn}, nil
}

// Listener wakes a reader when new events commit.
type Listener struct{ conn *pgxpool.Conn }

// Wait blocks until a notification arrives or timeout passes. A timeout is
// not an error: the caller reads anyway, so a lost notification costs at
// most one timeout.
func (l *Listener) Wait(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	_, err := l.conn.Conn().WaitForNotification(ctx)
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
		return nil
	}
	return err
}

// Close releases the listening connection. It is destroyed rather than
// returned to the pool, where it would keep listening.
func (l *Listener) Close() {
	_ = l.conn.Conn().Close(context.Background())
	l.conn.Release()
}

func scanEnvelope(row pgx.CollectableRow) (events.Envelope, error) {
	var e events.Envelope
	var role string
	// Scanned as bytes: PostgreSQL validated the JSON when it was written,
	// and scanning into json.RawMessage would parse it again.
	var data []byte
	err := row.Scan(&e.Position, &e.ID, &e.StreamID, &e.StreamVersion, &e.Type, &e.SchemaVersion, &e.OccurredAt,
		&e.Actor.ID, &role, &e.Actor.SchoolID, &e.CorrelationID, &e.CausationID, &data)
	e.Actor.Role, e.Data = events.Role(role), data
	return e, err
}

// Lead blocks until this process holds the lease named name, an advisory
// lock that at most one session holds at a time, and returns a listener on
// the lease's connection. The lease lasts until the listener is closed or its
// connection breaks, so of several replicas exactly one relays.
func (s *Store) Lead(ctx context.Context, name string, retry time.Duration) (*Listener, error) {
	l, err := s.Listen(ctx)
	if err != nil {
		return nil, err
	}
	for {
		var held bool
		if err := l.conn.QueryRow(ctx, "SELECT pg_try_advisory_lock(hashtext($1))", s.schema+"/"+name).Scan(&held); err != nil {
			l.Close()
			return nil, fmt.Errorf("take lease %s: %w", name, err)
		}
		if held {
			return l, nil
		}
		select {
		case <-ctx.Done():
			l.Close()
			return nil, ctx.Err()
		case <-time.After(retry):
		}
	}
}
