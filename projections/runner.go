package projections

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"

	"wsms/events"
	"wsms/platform/eventstore"
	"wsms/platform/relay"
)

// RunnerConfig says which streams a runner reads and how.
type RunnerConfig struct {
	// Namespace is the prefix of the services' streams and subjects
	// ("wsms").
	Namespace string
	// Batch is the most events applied in one transaction (default 256).
	Batch int
	// Metrics, when set, receives what the runner does.
	Metrics *Metrics
}

// Runner keeps projections' read models up to date with the services'
// streams.
//
// Each projection reads each of its services' streams through a durable
// pull consumer named after the projection. The consumer only delivers: the
// checkpoint in PostgreSQL, moved in the transaction of each batch, says
// what has been applied, and whenever the consumer disagrees with it (a new
// process, a failure, a rebuild) the consumer is made again from the
// checkpoint. One process at a time applies a projection's events of one
// service: it holds a session advisory lock while it consumes, and the
// others wait for it and take over when it goes. The lock is not what makes
// events apply exactly once (the checkpoint is); it keeps two processes
// from competing for the same messages.
//
// It uses nats.go's jetstream package directly, not a watermill router:
// a batch of many messages goes into one transaction and is acknowledged
// with one AckAll acknowledgement, the consumer is declared from the
// checkpoint rather than from wherever it stood, and a pull returns at once
// with what is waiting or with the first event to come. A watermill
// subscriber hands over one message at a time, each acknowledged on its
// own, which makes a transaction (and a commit) per event.
type Runner struct {
	db  *pgxpool.Pool
	js  jetstream.JetStream
	cfg RunnerConfig
	log *slog.Logger
	reg *events.Registry
}

// NewRunner returns a runner that reads the streams through js and writes
// the read models through db.
func NewRunner(db *pgxpool.Pool, js jetstream.JetStream, cfg RunnerConfig, log *slog.Logger) *Runner {
	if cfg.Namespace == "" {
		cfg.Namespace = "wsms"
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 256
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Runner{db: db, js: js, cfg: cfg, log: log, reg: Registry()}
}

// Timings of the runner. They are not configurable: none of them is about
// the domain, and each is short enough for tests and long enough for a
// busy system.
const (
	// idleWait is how long one pull waits for an event when none is
	// waiting; an event arriving meanwhile is delivered at once.
	idleWait = 2 * time.Second
	// ackWait is how long the server waits for a batch's acknowledgement
	// before delivering it again.
	ackWait = 30 * time.Second
	// maxBackoff caps the pause after a failure.
	maxBackoff = 30 * time.Second
	// leaseCheck is how often a holder makes sure its lock's connection
	// is still alive.
	leaseCheck = 5 * time.Second
	// stopCheck is how often a running projection looks whether another
	// process stopped it.
	stopCheck = 5 * time.Second
	// streamWait is how often to look again for a stream not declared yet.
	streamWait = 2 * time.Second
)

// Run keeps the read models of ps up to date until ctx ends, and then
// returns nil. It first makes each read model current: a new one is
// created, and one built with other tables is rebuilt (see Rebuild) before
// live events are applied to it. Failures of PostgreSQL or NATS are waited
// out. An event a projection cannot apply stops that projection, in every
// process, until a process starts again (with fixed code, presumably): see
// Stopped. The other projections go on.
func (r *Runner) Run(ctx context.Context, ps ...Projection) error {
	names := map[string]bool{}
	for _, p := range ps {
		if err := p.validate(); err != nil {
			return err
		}
		if names[p.Name] {
			return fmt.Errorf("projection %s is given twice", p.Name)
		}
		names[p.Name] = true
	}
	var started time.Time
	for wait := time.Duration(0); ; {
		var err error
		if started, err = prepareStops(ctx, r.db); err == nil {
			break
		}
		wait = nextBackoff(wait)
		r.log.Warn("cannot prepare the projections schema; trying again", "err", err, "in", wait)
		if !sleep(ctx, wait) {
			return nil
		}
	}
	var wg sync.WaitGroup
	for _, p := range ps {
		pr := &projection{Projection: p, r: r, started: started, log: r.log.With("projection", p.Name)}
		wg.Go(func() { pr.run(ctx) })
	}
	wg.Wait()
	<-ctx.Done() // every projection stopped: the runner waits to be stopped too
	return nil
}

// projection is one projection being run.
type projection struct {
	Projection
	r   *Runner
	log *slog.Logger
	// started is when the runner started, by PostgreSQL's clock: a stop
	// recorded later was met by another process running the same code,
	// and this one stops too rather than try the event again.
	started time.Time
	halt    context.CancelFunc
	once    sync.Once
}

// run makes the read model current and then follows each service until ctx
// ends or the projection stops.
func (pr *projection) run(ctx context.Context) {
	ctx, pr.halt = context.WithCancel(ctx)
	defer pr.halt()
	if !pr.ready(ctx) {
		return
	}
	pr.r.cfg.Metrics.running(pr.Name)
	var wg sync.WaitGroup
	for _, s := range pr.Services {
		wg.Go(func() { pr.follow(ctx, s) })
	}
	wg.Wait()
}

// ready makes the live read model current, rebuilding it when it was built
// with other tables. It reports false when the projection cannot run.
func (pr *projection) ready(ctx context.Context) bool {
	tries := pr.retries()
	defer tries.clear()
	for wait := time.Duration(0); ; {
		err := Ensure(ctx, pr.r.db, pr.Projection)
		if errors.Is(err, ErrOutdated) {
			pr.log.Warn("the read model was built with other tables: rebuilding it before applying live events")
			err = rebuild(ctx, pr.r.db, pr.Projection, pr.logProgress(), rebuildHooks{before: pr.stillOutdated, poisoned: pr.poisoned})
			switch {
			case err == nil:
				pr.log.Info("read model rebuilt")
				continue // Ensure again: another process may have changed it since
			case errors.Is(err, errUpToDate):
				continue
			}
		}
		if err == nil {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		var failed *eventFailure
		if errors.As(err, &failed) {
			if poison := tries.fail(failed.event); poison != nil {
				err = poison
			}
		}
		var poison *PoisonError
		var elsewhere *stoppedElsewhere
		switch {
		case errors.As(err, &poison):
			pr.poisoned(ctx, poison) // records it, unless the rebuild did
			return false
		case errors.As(err, &elsewhere):
			pr.stoppedElsewhere(elsewhere, pr.log)
			return false
		}
		wait = nextBackoff(wait)
		pr.log.Error("cannot make the read model current; trying again", "err", err, "in", wait)
		if !sleep(ctx, wait) {
			return false
		}
	}
}

// stillOutdated tells a rebuild, once it holds the rebuild lock, whether
// the read model still needs it: another process may have rebuilt it
// meanwhile, or met an event it cannot apply.
func (pr *projection) stillOutdated(ctx context.Context) error {
	if err := Ensure(ctx, pr.r.db, pr.Projection); !errors.Is(err, ErrOutdated) {
		if err == nil {
			return errUpToDate
		}
		return err
	}
	stop, recent, err := stopOf(ctx, pr.r.db, pr.Name, pr.started)
	if err != nil {
		return err
	}
	if recent {
		return &stoppedElsewhere{stop}
	}
	return nil
}

// logProgress logs a rebuild's progress every few seconds.
func (pr *projection) logProgress() func(Progress) {
	var last time.Time
	return func(p Progress) {
		if time.Since(last) < 5*time.Second && p.Done < p.Total {
			return
		}
		last = time.Now()
		pr.log.Info("rebuilding", "done", p.Done, "total", p.Total, "events_per_second", int64(p.Rate))
	}
}

// follow applies service's events, waiting its turn behind another process,
// until ctx ends or the projection stops.
func (pr *projection) follow(ctx context.Context, service string) {
	log := pr.log.With("service", service)
	tries := pr.retries()
	defer tries.clear()
	var wait time.Duration
	for {
		progressed, err := pr.session(ctx, service, tries, log)
		if ctx.Err() != nil {
			return
		}
		var poison *PoisonError
		var elsewhere *stoppedElsewhere
		switch {
		case errors.As(err, &poison):
			pr.poisoned(ctx, poison) // recorded already; this only ends it
			return
		case errors.As(err, &elsewhere):
			pr.stoppedElsewhere(elsewhere, log)
			return
		case errors.Is(err, ErrOutdated):
			pr.stop(func() {
				log.Error("another process rebuilt the read model with other tables: this process leaves the projection to processes with that code", "err", err)
				pr.r.cfg.Metrics.halted(pr.Name, false)
			})
			return
		case undefined(err):
			// Its checkpoint went with it: the read model is built again
			// from the first event.
			log.Warn("the read model's schema is gone (dropped by an operator?): making it again", "err", err)
			if err = Ensure(ctx, pr.r.db, pr.Projection); err == nil {
				continue
			}
		}
		if progressed {
			wait = 0
		}
		wait = nextBackoff(wait)
		log.Warn("applying events interrupted; starting again from the checkpoint", "err", err, "in", wait)
		if !sleep(ctx, wait) {
			return
		}
	}
}

// Limits on trying again an event whose Apply fails with an error that may
// pass: past them, it is the event that fails, and it stops the projection
// as poison rather than be tried forever.
const (
	maxAttempts = 5
	maxRetrying = 2 * time.Minute
)

// retries counts the consecutive failures of one event (see eventFailure),
// and of a missing event (a gap that reading again from the checkpoint does
// not close).
type retries struct {
	m          *Metrics
	projection string
	// The event failing, how often it failed and since when; attempts is
	// zero when none is.
	service  string
	position int64
	attempts int
	since    time.Time
}

func (pr *projection) retries() *retries { return &retries{m: pr.r.cfg.Metrics, projection: pr.Name} }

// fail counts a failure of event, and returns it as a PoisonError naming
// the repeated error once it has failed maxAttempts times in a row, or
// again after maxRetrying.
func (r *retries) fail(event *PoisonError) *PoisonError {
	if r.attempts == 0 {
		r.m.retrying(r.projection, 1)
	}
	if r.attempts == 0 || event.Service != r.service || event.Position != r.position {
		r.service, r.position, r.attempts, r.since = event.Service, event.Position, 0, time.Now()
	}
	r.attempts++
	if r.attempts < maxAttempts && time.Since(r.since) < maxRetrying {
		return nil
	}
	poison := *event
	poison.Err = fmt.Errorf("failed %d times in a row over %s, with: %w",
		r.attempts, time.Since(r.since).Round(time.Millisecond), event.Err)
	r.clear()
	return &poison
}

// passed clears the count once service's checkpoint is past the event.
func (r *retries) passed(service string, checkpoint int64) {
	if r.attempts > 0 && service == r.service && checkpoint >= r.position {
		r.clear()
	}
}

func (r *retries) clear() {
	if r.attempts > 0 {
		r.m.retrying(r.projection, -1)
		r.attempts = 0
	}
}

// stop stops the projection in this process, once, then runs report. A
// session that calls it still holds its lock while report runs, though its
// context has ended.
func (pr *projection) stop(report func()) {
	pr.once.Do(func() {
		pr.halt()
		report()
	})
}

// stoppedElsewhere stops the projection here too.
func (pr *projection) stoppedElsewhere(e *stoppedElsewhere, log *slog.Logger) {
	pr.stop(func() {
		log.Warn("another process met an event this projection cannot apply: it stays stopped until a process starts again",
			"stopped_at_service", e.stop.Service, "position", e.stop.Position, "event", e.stop.EventID, "type", e.stop.Type, "err", e.stop.Err)
		pr.r.cfg.Metrics.halted(pr.Name, false)
	})
}

// poisoned stops the projection at an event it cannot apply, and records
// where, so that every process stops and the gateway can say why.
func (pr *projection) poisoned(ctx context.Context, poison *PoisonError) {
	pr.stop(func() {
		pr.log.Error("an event cannot be applied: the projection stops here until a process starts again",
			"service", poison.Service, "position", poison.Position, "event", poison.EventID, "type", poison.Type, "err", poison.Err)
		pr.r.cfg.Metrics.halted(pr.Name, true)
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := recordStop(ctx, pr.r.db, poison); err != nil {
			pr.log.Error("cannot record the stop in projections.stops", "err", err)
		}
	})
}

// session takes the lock of the projection's events of service and applies
// them until something fails. It reports whether it moved the checkpoint.
func (pr *projection) session(ctx context.Context, service string, tries *retries, log *slog.Logger) (progressed bool, err error) {
	l, err := takeLease(ctx, pr.r.db, leaseKey(pr.Projection, service))
	if err != nil {
		return false, fmt.Errorf("take the lock: %w", err)
	}
	defer l.close()
	ctx = l.ctx
	log.Debug("holding the lock; applying events")

	// What stopped the projection before, if anything: recorded by this
	// run (in another process), it holds here too; recorded before, it is
	// tried again and cleared once passed.
	prior, recent, err := stopOf(ctx, pr.r.db, pr.Name, pr.started)
	if err != nil {
		return false, err
	}
	if recent {
		return false, &stoppedElsewhere{prior}
	}
	if prior != nil && prior.Service != service {
		prior = nil // the loop of its service clears it
	}
	lastStopCheck := time.Now()

	checkpoints, err := Checkpoints(ctx, pr.r.db, pr.Projection)
	if err != nil {
		return false, err
	}
	checkpoint := checkpoints[service]
	pr.r.cfg.Metrics.at(pr.Name, service, checkpoint)
	if prior, err = pr.clearPassed(ctx, prior, checkpoint, log); err != nil {
		return false, err
	}
	// moved records that a batch brought the checkpoint to next.
	moved := func(next int64) error {
		if next <= checkpoint {
			return nil
		}
		progressed, checkpoint = true, next
		var err error
		prior, err = pr.clearPassed(ctx, prior, checkpoint, log)
		return err
	}

	stream := relay.StreamName(pr.r.cfg.Namespace, service)
	str, err := waitForStream(ctx, pr.r.js, stream, log)
	if err != nil {
		return false, err
	}
	info, err := str.Info(ctx)
	if err != nil {
		return false, fmt.Errorf("%s: %w", stream, err)
	}
	store := eventstore.New(pr.r.db, service)
	// An operator purged the stream of events the read model has not
	// read: the store, which is the truth, still holds them.
	if first := int64(info.State.FirstSeq); checkpoint+1 < first {
		log.Info("the stream no longer holds the events after the checkpoint; applying them from the event store",
			"checkpoint", checkpoint, "stream_starts_at", first)
		next, err := pr.fromStore(ctx, store, service, checkpoint, first-1, tries)
		if err := errors.Join(moved(next), err); err != nil {
			return progressed, err
		}
	}
	cons, err := pr.consumer(ctx, stream, checkpoint, true, log)
	if err != nil {
		return progressed, err
	}
	gaps := 0
	for {
		if time.Since(lastStopCheck) > stopCheck {
			stop, recent, err := stopOf(ctx, pr.r.db, pr.Name, pr.started)
			if err != nil {
				return progressed, err
			}
			if recent {
				return progressed, &stoppedElsewhere{stop}
			}
			lastStopCheck = time.Now()
		}
		msgs, err := fetch(ctx, cons, pr.r.cfg.Batch)
		if err != nil {
			return progressed, fmt.Errorf("fetch from %s: %w", stream, err)
		}
		if len(msgs) == 0 {
			continue
		}
		envs, err := decode(stream, msgs)
		var broken *streamError
		if errors.As(err, &broken) {
			return progressed, pr.stopAt(ctx, service, envs, broken.stop(pr.Name, service))
		}
		if err != nil {
			return progressed, err
		}
		next, err := pr.apply(ctx, service, envs, tries)
		var gap *GapError
		if errors.As(err, &gap) {
			// Redelivered messages can come after later ones: read
			// again from the checkpoint (the batch's events before the
			// gap were not committed either). Twice in a row, the event
			// is missing from the stream: that counts as its failure.
			if gaps++; gaps > 1 {
				if poison := tries.fail(pr.missing(ctx, store, gap)); poison != nil {
					return progressed, pr.stopAt(ctx, service, envs, poison)
				}
				return progressed, err
			}
			log.Info("events arrived out of order; reading again from the checkpoint", "err", err)
			if cons, err = pr.consumer(ctx, stream, checkpoint, false, log); err != nil {
				return progressed, err
			}
			continue
		}
		if err != nil {
			return progressed, err
		}
		gaps = 0
		// The consumer acknowledges everything up to the last message;
		// a lost acknowledgement only brings the batch again, and the
		// checkpoint skips it.
		_ = msgs[len(msgs)-1].Ack()
		if err := moved(next); err != nil {
			return progressed, err
		}
	}
}

// apply applies a batch of service's events to the live read model and
// returns the checkpoint after it. An event that cannot be applied, or that
// keeps failing, stops the projection right before it: apply then returns
// its *PoisonError.
func (pr *projection) apply(ctx context.Context, service string, envs []events.Envelope, tries *retries) (int64, error) {
	began := time.Now()
	next, n, err := batch(ctx, pr.r.db, pr.r.reg, pr.Projection, pr.Schema(), service, envs)
	var failed *eventFailure
	if errors.As(err, &failed) {
		if poison := tries.fail(failed.event); poison != nil {
			err = poison
		}
	}
	var poison *PoisonError
	if errors.As(err, &poison) {
		return 0, pr.stopAt(ctx, service, envs, poison)
	}
	if err != nil {
		return 0, err
	}
	tries.passed(service, next)
	pr.r.cfg.Metrics.applied(pr.Name, service, n, next, time.Since(began))
	return next, nil
}

// stopAt applies the events of envs before poison, which are sound (the
// read model stops right before the event, not before its batch), then
// stops the projection at poison and returns it. The stop is recorded
// before the session's lock goes, so that a process waiting for it finds
// the stop rather than trying the event again.
func (pr *projection) stopAt(ctx context.Context, service string, envs []events.Envelope, poison *PoisonError) error {
	n := slices.IndexFunc(envs, func(e events.Envelope) bool { return e.Position >= poison.Position })
	if n < 0 {
		n = len(envs)
	}
	if n > 0 {
		began := time.Now()
		if next, applied, err := batch(ctx, pr.r.db, pr.r.reg, pr.Projection, pr.Schema(), service, envs[:n]); err == nil {
			pr.r.cfg.Metrics.applied(pr.Name, service, applied, next, time.Since(began))
		}
	}
	pr.poisoned(ctx, poison)
	return poison
}

// fromStore applies service's events after checkpoint up to position upTo
// from the service's event store, a batch at a time, and returns the
// checkpoint it reached.
func (pr *projection) fromStore(ctx context.Context, store *eventstore.Store, service string, checkpoint, upTo int64, tries *retries) (int64, error) {
	for checkpoint < upTo {
		envs, err := store.ReadAfter(ctx, checkpoint, int(min(int64(pr.r.cfg.Batch), upTo-checkpoint)))
		if err != nil {
			return checkpoint, err
		}
		if len(envs) == 0 {
			return checkpoint, fmt.Errorf("the stream starts after position %d but the %s event store holds nothing after %d", upTo, service, checkpoint)
		}
		next, err := pr.apply(ctx, service, envs, tries)
		if err != nil {
			return checkpoint, err
		}
		checkpoint = next
	}
	return checkpoint, nil
}

// missing names the event the stream lacks after gap's checkpoint, as the
// store knows it when it can be read.
func (pr *projection) missing(ctx context.Context, store *eventstore.Store, gap *GapError) *PoisonError {
	m := &PoisonError{Projection: pr.Name, Service: gap.Service, Position: gap.Checkpoint + 1, Err: gap}
	if envs, err := store.ReadAfter(ctx, gap.Checkpoint, 1); err == nil && len(envs) == 1 {
		m.EventID, m.Type = envs[0].ID.String(), envs[0].Type
	}
	return m
}

// clearPassed deletes the record of a stop at prior once the checkpoint has
// passed it, and returns what is left to clear.
func (pr *projection) clearPassed(ctx context.Context, prior *PoisonError, checkpoint int64, log *slog.Logger) (*PoisonError, error) {
	if prior == nil || checkpoint < prior.Position {
		return prior, nil
	}
	_, err := pr.r.db.Exec(ctx, "DELETE FROM projections.stops WHERE projection = $1 AND service = $2 AND position <= $3",
		pr.Name, prior.Service, checkpoint)
	if err != nil {
		return prior, fmt.Errorf("clear the stop at %d: %w", prior.Position, err)
	}
	log.Info("the projection has passed the event that stopped it", "position", prior.Position, "event", prior.EventID)
	return nil, nil
}

// consumer returns the projection's durable consumer on stream, delivering
// from the event after checkpoint. With reuse, a consumer left by an earlier
// process is kept when it stands exactly at the checkpoint with nothing in
// flight; otherwise it is made again, since the checkpoint is the truth.
func (pr *projection) consumer(ctx context.Context, stream string, checkpoint int64, reuse bool, log *slog.Logger) (jetstream.Consumer, error) {
	want := jetstream.ConsumerConfig{
		Durable:       pr.Name,
		Description:   "Projection " + pr.Name + ": builds its read model in PostgreSQL schema " + pr.Schema() + ".",
		AckPolicy:     jetstream.AckAllPolicy,
		AckWait:       ackWait,
		MaxAckPending: 2 * pr.r.cfg.Batch,
		MaxDeliver:    -1,
		DeliverPolicy: jetstream.DeliverAllPolicy,
	}
	if checkpoint > 0 {
		want.DeliverPolicy, want.OptStartSeq = jetstream.DeliverByStartSequencePolicy, uint64(checkpoint)+1
	}
	if reuse {
		c, err := pr.r.js.Consumer(ctx, stream, pr.Name)
		switch {
		case err == nil:
			info := c.CachedInfo()
			if standsAt(info, want, checkpoint) {
				return c, nil
			}
			log.Info("the durable consumer does not stand at the checkpoint; making it again",
				"checkpoint", checkpoint, "ack_floor", info.AckFloor.Stream, "ack_pending", info.NumAckPending)
		case !errors.Is(err, jetstream.ErrConsumerNotFound):
			return nil, fmt.Errorf("consumer %s on %s: %w", pr.Name, stream, err)
		}
	}
	if err := pr.r.js.DeleteConsumer(ctx, stream, pr.Name); err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		return nil, fmt.Errorf("delete consumer %s on %s: %w", pr.Name, stream, err)
	}
	c, err := pr.r.js.CreateConsumer(ctx, stream, want)
	if err != nil {
		return nil, fmt.Errorf("create consumer %s on %s: %w", pr.Name, stream, err)
	}
	return c, nil
}

// standsAt tells whether the consumer of info, configured as want asks,
// delivers next the event after checkpoint, with nothing in flight. A
// consumer made from an earlier checkpoint has another start sequence, which
// no longer matters once it has acknowledged up to this one.
func standsAt(info *jetstream.ConsumerInfo, want jetstream.ConsumerConfig, checkpoint int64) bool {
	c := info.Config
	return info.AckFloor.Stream == uint64(checkpoint) && info.NumAckPending == 0 && info.NumRedelivered == 0 &&
		(c.DeliverPolicy == jetstream.DeliverAllPolicy || c.DeliverPolicy == jetstream.DeliverByStartSequencePolicy) &&
		c.AckPolicy == want.AckPolicy && c.AckWait == want.AckWait && c.MaxDeliver == want.MaxDeliver &&
		c.MaxAckPending == want.MaxAckPending && c.FilterSubject == "" && len(c.FilterSubjects) == 0
}

// waitForStream returns stream once it exists: its service's relay
// declares it.
func waitForStream(ctx context.Context, js jetstream.JetStream, stream string, log *slog.Logger) (jetstream.Stream, error) {
	for logged := false; ; logged = true {
		s, err := js.Stream(ctx, stream)
		if !errors.Is(err, jetstream.ErrStreamNotFound) {
			return s, err
		}
		if !logged {
			log.Info("waiting for the service's relay to declare its stream", "stream", stream)
		}
		if !sleep(ctx, streamWait) {
			return nil, ctx.Err()
		}
	}
}

// fetch returns the messages waiting, up to n, or when none is waiting the
// first one to arrive within idleWait, so that a lone event is applied at
// once and a busy stream in batches.
func fetch(ctx context.Context, cons jetstream.Consumer, n int) ([]jetstream.Msg, error) {
	b, err := cons.FetchNoWait(n)
	if err != nil {
		return nil, err
	}
	if msgs, err := drain(b); err != nil || len(msgs) > 0 {
		return msgs, err
	}
	wctx, cancel := context.WithTimeout(ctx, idleWait)
	defer cancel()
	if b, err = cons.Fetch(1, jetstream.FetchContext(wctx)); err != nil {
		return nil, err
	}
	msgs, err := drain(b)
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		err = nil // nothing came: not a failure
	}
	return msgs, err
}

func drain(b jetstream.MessageBatch) ([]jetstream.Msg, error) {
	var msgs []jetstream.Msg
	for m := range b.Messages() {
		msgs = append(msgs, m)
	}
	return msgs, b.Error()
}

// streamError says the stream is not the event store's log: a message is
// not an event, or sits at a stream sequence other than its position. It
// stops the projection there, as an event it cannot apply does.
type streamError struct {
	error
	seq         uint64
	id, subject string
}

func (e *streamError) Unwrap() error { return e.error }

// stop is the stop the message makes.
func (e *streamError) stop(projection, service string) *PoisonError {
	return &PoisonError{Projection: projection, Service: service, Position: int64(e.seq), EventID: e.id, Type: e.subject, Err: e}
}

// decode reads the events of msgs, checking that each sits at the stream
// sequence equal to its position, as the relay publishes them. With a
// *streamError it returns the events before the message at fault.
func decode(stream string, msgs []jetstream.Msg) ([]events.Envelope, error) {
	envs := make([]events.Envelope, len(msgs))
	for i, m := range msgs {
		md, err := m.Metadata()
		if err != nil {
			return nil, fmt.Errorf("%s: message metadata: %w", stream, err)
		}
		broken := &streamError{seq: md.Sequence.Stream, id: m.Headers().Get(jetstream.MsgIDHeader), subject: m.Subject()}
		if err := json.Unmarshal(m.Data(), &envs[i]); err != nil {
			broken.error = fmt.Errorf("%s sequence %d (%s) is not an event envelope: %w", stream, md.Sequence.Stream, m.Subject(), err)
			return envs[:i], broken
		}
		if md.Sequence.Stream != uint64(envs[i].Position) {
			broken.error = fmt.Errorf("%s sequence %d holds event %s at position %d: the stream is not a copy of the event store's log",
				stream, md.Sequence.Stream, envs[i].ID, envs[i].Position)
			return envs[:i], broken
		}
	}
	return envs, nil
}

// stoppedElsewhere says another process stopped the projection at an event
// since this runner started.
type stoppedElsewhere struct{ stop *PoisonError }

func (e *stoppedElsewhere) Error() string { return "stopped by another process: " + e.stop.Error() }

// lease is a session advisory lock held on a connection of its own, outside
// the pool. Its context ends when the connection is found broken (the lock
// is then gone, and another process may have it) or the lease is closed.
type lease struct {
	conn   *pgx.Conn
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
}

// takeLease waits until this process holds the lock key.
func takeLease(ctx context.Context, db *pgxpool.Pool, key int64) (*lease, error) {
	conn, err := lockedConn(ctx, db, key)
	if err != nil {
		return nil, err
	}
	l := &lease{conn: conn, done: make(chan struct{})}
	l.ctx, l.cancel = context.WithCancel(ctx)
	go l.watch()
	return l, nil
}

func (l *lease) watch() {
	defer close(l.done)
	tick := time.NewTicker(leaseCheck)
	defer tick.Stop()
	for {
		select {
		case <-l.ctx.Done():
			return
		case <-tick.C:
			// A server that stopped answering keeps no lock either.
			ctx, cancel := context.WithTimeout(l.ctx, leaseCheck)
			err := l.conn.Ping(ctx)
			cancel()
			if err != nil {
				l.cancel()
				return
			}
		}
	}
}

// close lets the lock go, by ending its session.
func (l *lease) close() {
	l.cancel()
	<-l.done
	_ = l.conn.Close(context.Background())
}

// lockedConn opens a connection of its own with db's settings and waits on
// it for the session advisory lock key. Closing the connection lets the
// lock go; so does the death of the process.
func lockedConn(ctx context.Context, db *pgxpool.Pool, key int64) (*pgx.Conn, error) {
	cfg := db.Config().ConnConfig.Copy()
	// A wait given up is cancelled on the server too: a session left
	// queued for the lock would take it later and hold it for nobody.
	cfg.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c, DeadlineDelay: 5 * time.Second}
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		_ = conn.Close(context.Background())
		return nil, err
	}
	return conn, nil
}

// leaseKey is the lock held by the process applying p's events of service.
func leaseKey(p Projection, service string) int64 {
	return hashKey("wsms projection " + p.Name + " service " + service)
}

func hashKey(s string) int64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return int64(h.Sum64())
}

// validName keeps a projection's name usable as a PostgreSQL schema and a
// JetStream consumer name alike.
var validName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,40}$`)

func (p Projection) validate() error {
	if !validName.MatchString(p.Name) {
		return fmt.Errorf("projection name %q: want lower-case letters, digits and underscores, starting with a letter", p.Name)
	}
	if strings.HasSuffix(p.Name, shadowSuffix) {
		return fmt.Errorf("projection name %q: a name ending in %q would be the schema a rebuild of projection %q builds in",
			p.Name, shadowSuffix, strings.TrimSuffix(p.Name, shadowSuffix))
	}
	if len(p.Services) == 0 {
		return fmt.Errorf("projection %s reads no service", p.Name)
	}
	if p.Apply == nil {
		return fmt.Errorf("projection %s has no Apply", p.Name)
	}
	return nil
}

// prepareStops makes the table recording stopped projections, and returns
// PostgreSQL's clock.
func prepareStops(ctx context.Context, db *pgxpool.Pool) (time.Time, error) {
	var now time.Time
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		// CREATE ... IF NOT EXISTS races with itself: processes starting
		// together take turns.
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", hashKey("wsms projections.stops")); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			CREATE SCHEMA IF NOT EXISTS projections;
			CREATE TABLE IF NOT EXISTS projections.stops (
				projection text PRIMARY KEY,
				service    text NOT NULL,
				position   bigint NOT NULL,
				event_id   text NOT NULL,
				event_type text NOT NULL,
				error      text NOT NULL,
				stopped_at timestamptz NOT NULL
			)`); err != nil {
			return err
		}
		return tx.QueryRow(ctx, "SELECT clock_timestamp()").Scan(&now)
	})
	return now, err
}

// recordStop records that poison stopped its projection.
func recordStop(ctx context.Context, db *pgxpool.Pool, poison *PoisonError) error {
	_, err := db.Exec(ctx, `
		INSERT INTO projections.stops (projection, service, position, event_id, event_type, error, stopped_at)
		VALUES ($1, $2, $3, $4, $5, $6, clock_timestamp())
		ON CONFLICT (projection) DO UPDATE SET service = EXCLUDED.service, position = EXCLUDED.position,
			event_id = EXCLUDED.event_id, event_type = EXCLUDED.event_type, error = EXCLUDED.error, stopped_at = EXCLUDED.stopped_at`,
		poison.Projection, poison.Service, poison.Position, poison.EventID, poison.Type, poison.Err.Error())
	return err
}

// Stopped returns the event that stopped the projection named name, or nil
// when it is not stopped. The projection stays stopped until a process
// starts running it again and gets past that event (the code was fixed), so
// the gateway can tell why a read model does not move.
func Stopped(ctx context.Context, db *pgxpool.Pool, name string) (*PoisonError, error) {
	stop, _, err := stopOf(ctx, db, name, time.Time{})
	return stop, err
}

// stopOf returns the recorded stop of the projection named name, if any,
// and whether it was recorded after since.
func stopOf(ctx context.Context, db *pgxpool.Pool, name string, since time.Time) (*PoisonError, bool, error) {
	s := PoisonError{Projection: name}
	var msg string
	var recent bool
	err := db.QueryRow(ctx, `SELECT service, position, event_id, event_type, error, stopped_at > $2
		FROM projections.stops WHERE projection = $1`, name, since).Scan(&s.Service, &s.Position, &s.EventID, &s.Type, &msg, &recent)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, false, nil
	case undefined(err):
		return nil, false, nil // no runner has run yet: nothing stopped
	case err != nil:
		return nil, false, fmt.Errorf("read the stop of %s: %w", name, err)
	}
	s.Err = errors.New(msg)
	return &s, recent, nil
}

// undefined tells the error of a table or schema that does not exist.
func undefined(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "42P01" || pgErr.Code == "3F000")
}

// nextBackoff doubles a pause, from a tenth of a second up to maxBackoff.
func nextBackoff(d time.Duration) time.Duration {
	return min(max(2*d, 100*time.Millisecond), maxBackoff)
}

// sleep waits d or until ctx ends, and reports whether ctx is still alive.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
