package main

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// benchLine matches a Go benchmark result line and captures its name and
// its metrics, e.g. "BenchmarkAppend/append/batch=100-2  1839  1331911
// ns/op  75080 events/s".
var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

// metric matches one "value unit" pair of a result line.
var metric = regexp.MustCompile(`([0-9.]+) (\S+)`)

// figure is one sub-benchmark's result: Benchmark<parent>/<kind>[/<rest>].
type figure struct {
	parent, kind, rest string
	metrics            map[string]float64
}

func (f figure) raw() bool { return strings.HasPrefix(f.kind, "raw-") }

func (f figure) name() string { return strings.Trim(f.kind+" "+f.rest, " ") }

// achieved says the rate a fixed-rate figure reached (ops/s), if it has one.
func (f figure) achieved() string {
	if rate, ok := f.metrics["ops/s"]; ok {
		return fmt.Sprintf(" at %.0f ops/s", rate)
	}
	return ""
}

// benchReport reads `go test -bench` output and prints each figure beside
// the raw limits measured in the same run. A benchmark's sub-benchmarks
// named raw-* are limits; every other sub-benchmark with the same remaining
// path (batch=100, say) is compared with each of them: a rate in events/s
// as a share of the limit's rate, latency percentiles (p50-ms, p95-ms,
// p99-ms) as a multiple of the limit's p99. A figure that reports
// target-p99-ms is also told whether its p99 met the target.
func benchReport(in io.Reader, out io.Writer) error {
	var figures []figure
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		parts := strings.SplitN(m[1], "/", 3)
		if len(parts) < 2 {
			continue
		}
		f := figure{parent: strings.TrimPrefix(parts[0], "Benchmark"), kind: parts[1], metrics: map[string]float64{}}
		if len(parts) == 3 {
			f.rest = parts[2]
		}
		for _, mm := range metric.FindAllStringSubmatch(m[2], -1) {
			v, err := strconv.ParseFloat(mm[1], 64)
			if err != nil {
				return err
			}
			f.metrics[mm[2]] = v
		}
		_, rate := f.metrics["events/s"]
		_, p99 := f.metrics["p99-ms"]
		if rate || p99 {
			figures = append(figures, f)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	sort.SliceStable(figures, func(i, j int) bool { return figures[i].parent < figures[j].parent })
	fmt.Fprintln(out, "Each figure beside the raw limit measured in the same run:")
	for _, f := range figures {
		if f.raw() {
			continue
		}
		for _, raw := range figures {
			if raw.parent != f.parent || raw.rest != f.rest || !raw.raw() {
				continue
			}
			if rate, ok := f.metrics["events/s"]; ok {
				if limit, ok := raw.metrics["events/s"]; ok {
					fmt.Fprintf(out, "  %-18s %-22s %10.0f events/s = %4.0f%% of %-18s (%.0f events/s)\n",
						f.parent, f.name(), rate, 100*rate/limit, raw.kind, limit)
				}
			}
			if p99, ok := f.metrics["p99-ms"]; ok {
				if limit, ok := raw.metrics["p99-ms"]; ok {
					fmt.Fprintf(out, "  %-18s %-30s p50 %7.2f  p95 %7.2f  p99 %7.2f ms%s = %6.1fx p99 of %-16s (p50 %.2f  p95 %.2f  p99 %.2f ms%s)\n",
						f.parent, f.name(), f.metrics["p50-ms"], f.metrics["p95-ms"], p99, f.achieved(), p99/limit, raw.kind,
						raw.metrics["p50-ms"], raw.metrics["p95-ms"], limit, raw.achieved())
				}
			}
		}
		if target, ok := f.metrics["target-p99-ms"]; ok {
			verdict := "met"
			if f.metrics["p99-ms"] >= target {
				verdict = "NOT met"
			}
			fmt.Fprintf(out, "  %-18s %-30s p99 %7.2f ms against the target of under %g ms: %s\n", f.parent, f.name(), f.metrics["p99-ms"], target, verdict)
		}
	}
	return nil
}
