package projections

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are what the runner tells Prometheus about each projection: how
// many events it applied, where it stands in each service's log, how long
// its batches take, whether it is trying a failed event again, and whether
// an event stopped it. A nil *Metrics records
// nothing, so a runner without metrics needs no special case.
type Metrics struct {
	events   *prometheus.CounterVec
	position *prometheus.GaugeVec
	batch    *prometheus.HistogramVec
	stopped  *prometheus.GaugeVec
	poison   *prometheus.CounterVec
	retries  *prometheus.GaugeVec
}

// NewMetrics makes the projection metrics and registers them with reg (when
// reg is not nil). Registering twice with one registry panics, as
// prometheus.MustRegister does: make one Metrics per process.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wsms_projection_events_total",
			Help: "Events applied to a read model (a redelivered event, which changes nothing, is not counted).",
		}, []string{"projection", "service"}),
		position: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "wsms_projection_position",
			Help: "Position in the service's event log up to which the read model is built (its checkpoint).",
		}, []string{"projection", "service"}),
		batch: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "wsms_projection_batch_seconds",
			Help: "Time to apply one batch of events to a read model, in one transaction.",
			// From half a millisecond (one event) to a few seconds (a
			// large batch on a busy database).
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}, []string{"projection"}),
		stopped: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "wsms_projection_stopped",
			Help: "1 while the projection is stopped by an event it cannot apply (see projections.stops), else 0.",
		}, []string{"projection"}),
		poison: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wsms_projection_poison_events_total",
			Help: "Times the projection met an event it cannot apply and stopped.",
		}, []string{"projection"}),
		retries: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "wsms_projection_retrying",
			Help: "Services of the projection trying an event again after it failed with an error that may pass (a statement timeout, a lack of resources); it stops the projection as poison if it keeps failing.",
		}, []string{"projection"}),
	}
	if reg != nil {
		reg.MustRegister(m.events, m.position, m.batch, m.stopped, m.poison, m.retries)
	}
	return m
}

// applied records a batch that brought projection to position in service's
// log, applying n events in d.
func (m *Metrics) applied(projection, service string, n int, position int64, d time.Duration) {
	if m == nil {
		return
	}
	if n > 0 {
		m.events.WithLabelValues(projection, service).Add(float64(n))
	}
	m.position.WithLabelValues(projection, service).Set(float64(position))
	m.batch.WithLabelValues(projection).Observe(d.Seconds())
}

// at records where projection stands in service's log without a batch: at
// start, and after a rebuild.
func (m *Metrics) at(projection, service string, position int64) {
	if m == nil {
		return
	}
	m.position.WithLabelValues(projection, service).Set(float64(position))
}

// running records that projection is applying events (again).
func (m *Metrics) running(projection string) {
	if m == nil {
		return
	}
	m.stopped.WithLabelValues(projection).Set(0)
}

// halted records that projection stopped; poisoned says an event of its own
// stopped it here (rather than a stop found recorded by another process).
func (m *Metrics) halted(projection string, poisoned bool) {
	if m == nil {
		return
	}
	m.stopped.WithLabelValues(projection).Set(1)
	if poisoned {
		m.poison.WithLabelValues(projection).Inc()
	}
}

// retrying records that one more (delta 1) or one fewer (delta -1) of
// projection's services is trying a failed event again.
func (m *Metrics) retrying(projection string, delta float64) {
	if m == nil {
		return
	}
	m.retries.WithLabelValues(projection).Add(delta)
}
