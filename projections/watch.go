package projections

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Watcher follows how far every projection has read each service, from the
// notifications each batch sends, so the gateway can wait until a command
// shows in the read models (read-your-writes) and push live dashboards.
type Watcher struct {
	db  *pgxpool.Pool
	ps  []Projection
	log *slog.Logger

	mu      sync.Mutex
	reached map[[2]string]int64 // projection, service -> checkpoint
	changed chan struct{}       // closed at the next change, then replaced
}

// NewWatcher watches ps in db; Run must be running for it to see changes.
func NewWatcher(db *pgxpool.Pool, ps []Projection, log *slog.Logger) *Watcher {
	return &Watcher{db: db, ps: ps, log: log, reached: map[[2]string]int64{}, changed: make(chan struct{})}
}

// Run listens for notifications until ctx ends, reconnecting after any
// failure. Every reconnect, and every second without news, it reads the
// checkpoints again, so no missed notification leaves a waiter waiting.
func (w *Watcher) Run(ctx context.Context) error {
	for ctx.Err() == nil {
		err := w.listen(ctx)
		if ctx.Err() != nil {
			return nil
		}
		w.log.Warn("watching read models: listening again", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
	return nil
}

// unlistenWait bounds the UNLISTEN of a watcher that stops.
const unlistenWait = 3 * time.Second

func (w *Watcher) listen(ctx context.Context) error {
	conn, err := w.db.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN "+Notifications); err != nil {
		return err
	}
	defer func() {
		// The connection goes back to the pool not listening; a server
		// that does not answer must not hold up the shutdown, and the
		// connection is closed then, so the pool drops it.
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), unlistenWait)
		defer cancel()
		if _, err := conn.Exec(uctx, "UNLISTEN "+Notifications); err != nil {
			_ = conn.Conn().Close(uctx)
		}
	}()
	w.load(ctx)
	for {
		wait, cancel := context.WithTimeout(ctx, time.Second)
		n, err := conn.Conn().WaitForNotification(wait)
		cancel()
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil && wait.Err() != nil:
			w.load(ctx)
		case err != nil:
			return err
		default:
			w.note(n.Payload)
		}
	}
}

// load reads every checkpoint.
func (w *Watcher) load(ctx context.Context) {
	for _, p := range w.ps {
		cps, err := Checkpoints(ctx, w.db, p)
		if err != nil {
			// A projection not created yet has read nothing; a failed
			// read is tried again within a second.
			continue
		}
		for service, position := range cps {
			w.set(p.Name, service, position)
		}
	}
}

// note reads "<projection> <service> <position>".
func (w *Watcher) note(payload string) {
	f := strings.Fields(payload)
	if len(f) != 3 {
		return
	}
	position, err := strconv.ParseInt(f[2], 10, 64)
	if err == nil {
		w.set(f[0], f[1], position)
	}
}

func (w *Watcher) set(projection, service string, position int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	k := [2]string{projection, service}
	if w.reached[k] == position {
		return
	}
	// A rebuild's swap may move a checkpoint back to where the shadow
	// stood; the value read is the truth.
	w.reached[k] = position
	close(w.changed)
	w.changed = make(chan struct{})
}

// Changed is closed at the next change of any checkpoint.
func (w *Watcher) Changed() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.changed
}

// behind says how many of service's events up to position each projection
// reading it has still to apply, by name; empty once all have reached it.
func (w *Watcher) behind(service string, position int64) map[string]int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	late := map[string]int64{}
	for _, p := range w.ps {
		if reached := w.reached[[2]string{p.Name, service}]; slices.Contains(p.Services, service) && reached < position {
			late[p.Name] = position - reached
		}
	}
	return late
}

// LagError says which read models had not reached a position when a wait
// ended, how far behind each was, and, for one a poison event stopped, why.
type LagError struct {
	Service  string
	Position int64
	// Behind is how many events each late read model had still to apply.
	Behind map[string]int64
	Stops  []*PoisonError
}

func (e *LagError) Error() string {
	why := ""
	for _, stop := range e.Stops {
		why += "; " + stop.Error()
	}
	return fmt.Sprintf("the read models %s have not yet reached %s position %d%s",
		strings.Join(slices.Sorted(maps.Keys(e.Behind)), ", "), e.Service, e.Position, why)
}

// Wait returns once every projection reading service has reached position,
// or, when ctx ends first, a *LagError naming those that had not.
func (w *Watcher) Wait(ctx context.Context, service string, position int64) error {
	for {
		changed := w.Changed()
		late := w.behind(service, position)
		if len(late) == 0 {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			lag := &LagError{Service: service, Position: position, Behind: late}
			for name := range late {
				if stop, err := Stopped(context.WithoutCancel(ctx), w.db, name); err == nil && stop != nil {
					lag.Stops = append(lag.Stops, stop)
				}
			}
			return lag
		}
	}
}
