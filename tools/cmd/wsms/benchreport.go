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

// benchLine matches a Go benchmark result that reports events/s, e.g.
// "BenchmarkAppend/append/batch=100-2  1839  1331911 ns/op  75080 events/s".
var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+.*?([0-9.]+) events/s`)

// benchReport reads `go test -bench` output and prints each figure beside
// the raw limits measured in the same run. A benchmark's sub-benchmarks
// named raw-* are limits; every other sub-benchmark with the same remaining
// path (batch=100, say) is compared with each of them.
func benchReport(in io.Reader, out io.Writer) error {
	type figure struct {
		parent, kind, rest string
		rate               float64
	}
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
		rate, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			return err
		}
		f := figure{parent: strings.TrimPrefix(parts[0], "Benchmark"), kind: parts[1], rate: rate}
		if len(parts) == 3 {
			f.rest = parts[2]
		}
		figures = append(figures, f)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	sort.SliceStable(figures, func(i, j int) bool { return figures[i].parent < figures[j].parent })
	fmt.Fprintln(out, "Each figure beside the raw limit measured in the same run:")
	for _, f := range figures {
		if strings.HasPrefix(f.kind, "raw-") {
			continue
		}
		for _, raw := range figures {
			if raw.parent == f.parent && raw.rest == f.rest && strings.HasPrefix(raw.kind, "raw-") {
				fmt.Fprintf(out, "  %-18s %-22s %10.0f events/s = %4.0f%% of %-18s (%.0f events/s)\n",
					f.parent, strings.Trim(f.kind+" "+f.rest, " "), f.rate, 100*f.rate/raw.rate, raw.kind, raw.rate)
			}
		}
	}
	return nil
}
