// Package bench holds the read side's benchmarks (command-to-dashboard
// latency at fixed command rates, dashboard queries at the scale the faculty
// runs, projection throughput) and what they share: a generated partnership
// of that scale, and latency percentiles reported beside the raw limits of
// the same machine, measured in the same run.
package bench

import (
	"slices"
	"testing"
	"time"
)

// Latencies collects how long each of many operations took.
type Latencies []time.Duration

// Percentile returns the latency that a share q (0 < q <= 1) of the
// operations took at most, by the nearest-rank method; 0 when there are
// none.
func (l Latencies) Percentile(q float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	s := slices.Clone(l)
	slices.Sort(s)
	rank := int(q*float64(len(s))+0.999999) - 1
	return s[min(max(rank, 0), len(s)-1)]
}

// Report reports p50, p95 and p99 in milliseconds as b's metrics, the form
// `wsms benchreport` reads.
func (l Latencies) Report(b *testing.B) {
	for _, p := range []struct {
		q    float64
		unit string
	}{{0.50, "p50-ms"}, {0.95, "p95-ms"}, {0.99, "p99-ms"}} {
		b.ReportMetric(float64(l.Percentile(p.q).Microseconds())/1000, p.unit)
	}
}

// Target reports the p99 a figure is meant to stay under, so that the
// report says whether it did; no benchmark fails on it, since timings
// depend on the machine.
func Target(b *testing.B, p99 time.Duration) {
	b.ReportMetric(float64(p99.Microseconds())/1000, "target-p99-ms")
}
