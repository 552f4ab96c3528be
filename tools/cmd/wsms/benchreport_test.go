package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestBenchReportPairsFiguresWithTheirRawLimits(t *testing.T) {
	in := `goos: linux
BenchmarkAppend/raw-insert/batch=1-2         	   30612	    101178 ns/op	      10000 events/s
BenchmarkAppend/append/batch=1-2             	   11467	    331756 ns/op	      3000 events/s
BenchmarkAppend/raw-insert/batch=100-2       	    1363	   1794034 ns/op	     50000 events/s
BenchmarkAppend/append/batch=100-2           	    1839	   1331911 ns/op	     75000 events/s
BenchmarkRelay/raw-publish-async-2         	   80000	      6107 ns/op	    160000 events/s
BenchmarkRelay/raw-read-2                  	   80000	      4017 ns/op	    240000 events/s
BenchmarkRelay/relay-2                     	   80000	     10931 ns/op	     96000 events/s
PASS
`
	var out bytes.Buffer
	if err := benchReport(strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"append batch=1", "30% of raw-insert",
		"append batch=100", "150% of raw-insert",
		"relay", "60% of raw-publish-async", "40% of raw-read",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
	if strings.Count(got, "\n") != 5 {
		t.Errorf("want a title and four comparisons:\n%s", got)
	}
}

func TestBenchReportPutsLatencyPercentilesBesideTheRawLimitAndSaysWhetherTheTargetWasMet(t *testing.T) {
	in := `BenchmarkCommandToDashboard/raw-insert/rate=500-2         	       1	3000000000 ns/op	 499.0 ops/s	 1.100 p50-ms	 2.000 p95-ms	 4.000 p99-ms
BenchmarkCommandToDashboard/record-observation/rate=500-2 	       1	3000000000 ns/op	 497.0 ops/s	 6.000 p50-ms	 11.00 p95-ms	 20.00 p99-ms	 25.00 target-p99-ms
BenchmarkCommandToDashboard/record-observation/rate=100-2 	       1	3000000000 ns/op	 100.0 ops/s	 6.000 p50-ms	 11.00 p95-ms	 20.00 p99-ms
BenchmarkDashboardQuery/raw-select-1-2                    	       1	100000000 ns/op	 0.1000 p50-ms	 0.2000 p95-ms	 0.5000 p99-ms
BenchmarkDashboardQuery/facultyDashboard-2                	       1	100000000 ns/op	 8.000 p50-ms	 12.00 p95-ms	 15.00 p99-ms	 10.00 target-p99-ms
`
	var out bytes.Buffer
	if err := benchReport(strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"record-observation rate=500", "p99   20.00 ms at 497 ops/s =    5.0x p99 of raw-insert", "p99 4.00 ms at 499 ops/s",
		"p99   20.00 ms against the target of under 25 ms: met",
		"facultyDashboard", "p99   15.00 ms =   30.0x p99 of raw-select-1", "p99   15.00 ms against the target of under 10 ms: NOT met",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
	// rate=100 has no raw limit at its own rate in the input: nothing to
	// compare it with, and no target.
	if strings.Contains(got, "rate=100") {
		t.Errorf("a figure without a raw limit of the same rate was compared:\n%s", got)
	}
	if strings.Count(got, "\n") != 5 {
		t.Errorf("want a title, two comparisons and two verdicts:\n%s", got)
	}
}
