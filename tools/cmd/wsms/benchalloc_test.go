package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"wsms/placement/allocation"
)

func TestParseCBCSolutionReadsStatusObjectiveAndValues(t *testing.T) {
	t.Parallel()
	// Given a solution file as CBC 2.10 writes it
	file := `Optimal - objective value 1524157764278312448.00000000
      0 x0              12345678           1.2345679e+11
**    1 x1         1.1111111e+08                       0
      2 x2                     0                   1e+14
`
	// When it is read
	sol, err := parseCBCSolution(strings.NewReader(file))
	// Then the status, objective and every column's value are there
	if err != nil {
		t.Fatal(err)
	}
	if sol.status != "Optimal" || sol.objective != 1524157764278312448 {
		t.Errorf("status %q, objective %f", sol.status, sol.objective)
	}
	want := map[string]float64{"x0": 12345678, "x1": 1.1111111e+08, "x2": 0}
	if len(sol.values) != len(want) {
		t.Errorf("values %v, want %v", sol.values, want)
	}
	for name, v := range want {
		if sol.values[name] != v {
			t.Errorf("%s = %g, want %g", name, sol.values[name], v)
		}
	}
}

func TestParseCBCSolutionKeepsStatusesOtherThanOptimal(t *testing.T) {
	t.Parallel()
	sol, err := parseCBCSolution(strings.NewReader("Stopped on time - objective value 3.00000000\n**       0 x0                     3                       0\n"))
	if err != nil {
		t.Fatal(err)
	}
	if sol.status != "Stopped on time" || sol.values["x0"] != 3 {
		t.Errorf("status %q, values %v", sol.status, sol.values)
	}
}

func TestParseCBCSolutionRefusesWhatItCannotRead(t *testing.T) {
	t.Parallel()
	for name, file := range map[string]string{
		"empty":          "",
		"no objective":   "Optimal\n",
		"bad objective":  "Optimal - objective value many\n",
		"short column":   "Optimal - objective value 1\n  0 x0 1\n",
		"bad value":      "Optimal - objective value 1\n  0 x0 one 0\n",
		"extra on a row": "Optimal - objective value 1\n  0 x0 1 0 7\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := parseCBCSolution(strings.NewReader(file)); err == nil {
				t.Errorf("no error for %q", file)
			}
		})
	}
}

func TestParseSizes(t *testing.T) {
	t.Parallel()
	got, err := parseSizes("2000x500, 10000x1500,50000x5000")
	if err != nil {
		t.Fatal(err)
	}
	want := []roundSize{{2000, 500}, {10000, 1500}, {50000, 5000}}
	if len(got) != len(want) {
		t.Fatalf("sizes %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("size %d is %v, want %v", i, got[i], want[i])
		}
	}
	for _, bad := range []string{"", "2000", "2000x", "x500", "0x5", "2000*500", "1x2,"} {
		if _, err := parseSizes(bad); err == nil {
			t.Errorf("no error for %q", bad)
		}
	}
}

// tinyLP is the LP of the most students placed in a round of one student
// and one school.
func tinyLP(t *testing.T) *allocation.LP {
	t.Helper()
	in := allocation.Instance{
		MaxPreferences:   1,
		MaxTravelMinutes: 60,
		Schools: []allocation.School{{ID: "a", Level: allocation.Primary, District: "north", Capacity: 1,
			Offers: []allocation.Offer{{Subject: "mathematics", Places: 1}}}},
		Students: []allocation.Student{{ID: "s", Level: allocation.Primary, District: "north",
			Subjects: []string{"mathematics"}, Preferences: []string{"a"}}},
		TravelMinutes: map[string]map[string]int{"north": {"north": 10}},
	}
	lp, err := allocation.NewLP(in, allocation.LPQuestion{Goal: allocation.MostPlaced, MaxRank: 2})
	if err != nil {
		t.Fatal(err)
	}
	return lp
}

func TestCBCValueTakesOnlyAConsistentOptimalSolution(t *testing.T) {
	t.Parallel()
	lp := tinyLP(t)
	// Placing no one is a flow, worth 0.
	if v, err := cbcValue(lp, cbcSolution{status: "Optimal", objective: 0, values: map[string]float64{}}); err != nil || v.Placed != 0 {
		t.Errorf("value %+v, error %v; want 0 placed", v, err)
	}
	for name, sol := range map[string]cbcSolution{
		"not optimal":           {status: "Stopped on iterations", values: map[string]float64{}},
		"objective not its own": {status: "Optimal", objective: 1, values: map[string]float64{}},
		"no flow":               {status: "Optimal", objective: 1, values: map[string]float64{"x0": 0.5}},
	} {
		t.Run(name, func(t *testing.T) {
			if v, err := cbcValue(lp, sol); err == nil {
				t.Errorf("value %+v accepted", v)
			}
		})
	}
}

func TestCompareStageHoldsCBCToWhatSolveImplies(t *testing.T) {
	t.Parallel()
	ours := allocation.Summary{Placed: 10, WorstRank: 3, RankCost: 40, TravelMinutes: 250}
	cases := []struct {
		stage string
		v     allocation.LPValue
		ok    bool
	}{
		{stageMostPlaced, allocation.LPValue{Placed: 10}, true},
		{stageMostPlaced, allocation.LPValue{Placed: 11}, false},
		{stageLowerRank, allocation.LPValue{Placed: 9}, true},
		{stageLowerRank, allocation.LPValue{Placed: 10}, false},
		{stageLeastCost, allocation.LPValue{Placed: 10, RankCost: 40, TravelMinutes: 250}, true},
		{stageLeastCost, allocation.LPValue{Placed: 10, RankCost: 40, TravelMinutes: 249}, false},
		{stageLeastCost, allocation.LPValue{Placed: 10, RankCost: 39, TravelMinutes: 300}, false},
	}
	for _, c := range cases {
		if err := compareStage(c.stage, c.v, ours); (err == nil) != c.ok {
			t.Errorf("%s with %+v: error %v, want ok %v", c.stage, c.v, err, c.ok)
		}
	}
}

// report is a benchmarked round with the given CBC stages.
func report(stages ...stageReport) roundReport {
	return roundReport{
		size:   roundSize{10000, 1500},
		solve:  500 * time.Millisecond,
		ours:   allocation.Summary{Placed: 10, WorstRank: 3, RankCost: 40, TravelMinutes: 250},
		stages: stages,
	}
}

func TestAllocationBenchReportsAgreement(t *testing.T) {
	t.Parallel()
	// Given a round where CBC agreed with Solve on every question
	r := report(
		stageReport{name: stageMostPlaced, question: allocation.LPQuestion{MaxRank: 11}, elapsed: 4 * time.Second, solved: true, value: allocation.LPValue{Placed: 10}},
		stageReport{name: stageLowerRank, question: allocation.LPQuestion{MaxRank: 2}, elapsed: 4 * time.Second, solved: true, value: allocation.LPValue{Placed: 9}},
		stageReport{name: stageLeastCost, question: allocation.LPQuestion{MaxRank: 3}, elapsed: 2 * time.Second, solved: true, value: allocation.LPValue{Placed: 10, RankCost: 40, TravelMinutes: 250}},
	)
	// When the table is printed
	var out bytes.Buffer
	if err := printAllocationBench(&out, []roundReport{r}); err != nil {
		t.Fatal(err)
	}
	// Then it shows both times, their ratio, both objectives and the verdict,
	// and the targets met
	if r.verdict() != verdictSame {
		t.Errorf("verdict %q, want %q", r.verdict(), verdictSame)
	}
	row := strings.Split(out.String(), "\n")[1]
	if strings.Count(row, "(10, 3, 40, 250)") != 2 || !strings.HasSuffix(strings.TrimSpace(row), "yes") {
		t.Errorf("row %q lacks both objectives or the verdict", row)
	}
	for _, want := range []string{
		"10000x1500  0.50 s  10.0 s  20×",
		"10000x1500 under 1.00 s: met (0.50 s)",
		"10000x1500 at least 10× faster than CBC: met (20×; its least-cost run alone, told Solve's placed count and worst rank: 4.0×)",
		"places 9 (Solve at rank ≤ 3: 10)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestAllocationBenchReportsAStoppedRunAsALowerBound(t *testing.T) {
	t.Parallel()
	// Given a round where CBC's least-cost run was stopped
	r := report(
		stageReport{name: stageMostPlaced, question: allocation.LPQuestion{MaxRank: 11}, elapsed: time.Second, solved: true, value: allocation.LPValue{Placed: 10}},
		stageReport{name: stageLeastCost, question: allocation.LPQuestion{MaxRank: 3}, elapsed: 2 * time.Second, timedOut: true},
	)
	var out bytes.Buffer
	if err := printAllocationBench(&out, []roundReport{r}); err != nil {
		t.Fatal(err)
	}
	// Then the objective is not known, and the times are lower bounds
	if r.verdict() != verdictUnknown {
		t.Errorf("verdict %q, want %q", r.verdict(), verdictUnknown)
	}
	for _, want := range []string{"≥ 3.00 s", "≥ 6×", "(10, ?, ?, ?)", "did not finish within 2.00 s", "not known (CBC stopped early) (6×, a lower bound; its least-cost run alone, told Solve's placed count and worst rank: ≥ 4.0×)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestAllocationBenchReportsADifference(t *testing.T) {
	t.Parallel()
	// Given a round where CBC found a cheaper allocation
	cheaper := allocation.LPValue{Placed: 10, RankCost: 40, TravelMinutes: 240}
	r := report(stageReport{
		name: stageLeastCost, question: allocation.LPQuestion{MaxRank: 3}, elapsed: time.Second, solved: true, value: cheaper,
		mismatch: compareStage(stageLeastCost, cheaper, allocation.Summary{Placed: 10, WorstRank: 3, RankCost: 40, TravelMinutes: 250}),
	})
	var out bytes.Buffer
	if err := printAllocationBench(&out, []roundReport{r}); err != nil {
		t.Fatal(err)
	}
	// Then the verdict says they differ, and the run says how
	if r.verdict() != verdictDiffers {
		t.Errorf("verdict %q, want %q", r.verdict(), verdictDiffers)
	}
	if !strings.Contains(out.String(), "DIFFERS: CBC's least cost is rank² 40, travel 240") {
		t.Errorf("report does not say how they differ:\n%s", out.String())
	}
}
