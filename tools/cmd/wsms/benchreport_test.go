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
