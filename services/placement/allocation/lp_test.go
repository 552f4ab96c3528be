package allocation_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"wsms/placement/allocation"
)

// oneStudentRound has one student who listed the one school, 10 minutes
// away, in the round's one district, so that W = 1 student × 10 minutes + 1
// = 11, and the unlisted rank is 4.
func oneStudentRound() allocation.Instance {
	return newRound(
		[]allocation.School{school("a", primary, "north", 1, offer("mathematics", 1))},
		student("s1", primary, "north", maths, "a"),
	)
}

func newLP(t *testing.T, in allocation.Instance, q allocation.LPQuestion) *allocation.LP {
	t.Helper()
	lp, err := allocation.NewLP(in, q)
	if err != nil {
		t.Fatalf("NewLP: %v", err)
	}
	return lp
}

func lpText(t *testing.T, lp *allocation.LP) string {
	t.Helper()
	var b bytes.Buffer
	n, err := lp.WriteTo(&b)
	if err != nil {
		t.Fatalf("WriteTo: %v", err)
	}
	if n != int64(b.Len()) {
		t.Errorf("WriteTo says %d bytes, wrote %d", n, b.Len())
	}
	return b.String()
}

func TestLPAsksForTheMostStudentsPlaced(t *testing.T) {
	t.Parallel()
	// Given a round of one student and one school
	// When the LP of the most students placed at any rank is written
	lp := newLP(t, oneStudentRound(), allocation.LPQuestion{Goal: allocation.MostPlaced, MaxRank: 4})
	// Then its columns are the network's arcs: the offer to its school (x0),
	// the school to the sink (x1), the source to the student (x2), the
	// student to the offer at rank 1 (x3) and at the unlisted rank (x4);
	// rows conserve flow at the student (n0), school (n1) and offer (n2),
	// and the objective counts the students leaving the source
	want := `\ The most students placed at rank 4 or better.
\ Columns are the arcs of the solver's flow network, rows conserve flow at its nodes.
Maximize
 placed: + x2
Subject To
 n0: + x2 - x3 - x4 = 0
 n1: + x0 - x1 = 0
 n2: - x0 + x3 + x4 = 0
Bounds
 x0 <= 1
 x1 <= 1
 x2 <= 1
 x3 <= 1
 x4 <= 1
End
`
	if got := lpText(t, lp); got != want {
		t.Errorf("LP\n%s\nwant\n%s", got, want)
	}
	if lp.Weight != 11 || lp.Columns() != 5 {
		t.Errorf("weight %d, %d columns; want 11, 5", lp.Weight, lp.Columns())
	}
}

func TestLPAsksForTheLeastCostWithinARank(t *testing.T) {
	t.Parallel()
	// Given the same round
	// When the LP of the least cost of placing one student at rank 1 is
	// written
	lp := newLP(t, oneStudentRound(), allocation.LPQuestion{Goal: allocation.LeastCost, MaxRank: 1, Placed: 1})
	// Then the unlisted arc is left out, the rank-1 arc costs 1²·11 + 10,
	// and a row fixes the students placed
	want := `\ The least cost rank^2*11 + travel minutes of placing 1 students at rank 1 or better.
\ Columns are the arcs of the solver's flow network, rows conserve flow at its nodes.
Minimize
 cost: + 21 x3
Subject To
 n0: + x2 - x3 = 0
 n1: + x0 - x1 = 0
 n2: - x0 + x3 = 0
 placed: + x2 = 1
Bounds
 x0 <= 1
 x1 <= 1
 x2 <= 1
 x3 <= 1
End
`
	if got := lpText(t, lp); got != want {
		t.Errorf("LP\n%s\nwant\n%s", got, want)
	}
}

func TestLPWrapsLongExpressions(t *testing.T) {
	t.Parallel()
	// Given a round of many students
	in := allocation.Generate(allocation.GenerateConfig{Seed: 3, Students: 60, Schools: 12})
	// When an LP is written
	text := lpText(t, newLP(t, in, allocation.LPQuestion{Goal: allocation.MostPlaced, MaxRank: in.MaxPreferences + 1}))
	// Then no line holds more than eight terms, and the objective counts
	// every student, since each has an arc from the source
	for _, line := range strings.Split(text, "\n") {
		if n := strings.Count(line, " x"); n > 8 {
			t.Fatalf("line of %d terms: %q", n, line)
		}
	}
	objective := text[strings.Index(text, "placed:"):strings.Index(text, "Subject To")]
	if n := strings.Count(objective, "+ x"); n != 60 {
		t.Errorf("objective has %d terms, want 60:\n%s", n, objective)
	}
}

func TestLPEvaluatesAnAllocation(t *testing.T) {
	t.Parallel()
	lp := newLP(t, oneStudentRound(), allocation.LPQuestion{Goal: allocation.LeastCost, MaxRank: 4, Placed: 1})
	cases := []struct {
		name   string
		values map[string]float64
		want   allocation.LPValue
	}{
		{"at rank 1", map[string]float64{"x0": 1, "x1": 1, "x2": 1, "x3": 1, "x4": 0}, allocation.LPValue{Placed: 1, RankCost: 1, TravelMinutes: 10}},
		{"through the unlisted arc", map[string]float64{"x0": 1, "x1": 1, "x2": 1, "x4": 1}, allocation.LPValue{Placed: 1, RankCost: 16, TravelMinutes: 10}},
		{"within a solver's tolerance", map[string]float64{"x0": 0.9999999, "x1": 1.0000001, "x2": 1, "x3": 1, "x4": 1e-9}, allocation.LPValue{Placed: 1, RankCost: 1, TravelMinutes: 10}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := lp.Evaluate(c.values)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("value %+v, want %+v", got, c.want)
			}
		})
	}
	if got := lp.Objective(allocation.LPValue{Placed: 1, RankCost: 16, TravelMinutes: 10}); got != 16*11+10 {
		t.Errorf("objective %d, want %d", got, 16*11+10)
	}
}

func TestLPRefusesWhatIsNoAllocation(t *testing.T) {
	t.Parallel()
	lp := newLP(t, oneStudentRound(), allocation.LPQuestion{Goal: allocation.LeastCost, MaxRank: 4, Placed: 1})
	cases := []struct {
		name   string
		values map[string]float64
		want   string
	}{
		{"fractional", map[string]float64{"x0": 1, "x1": 1, "x2": 1, "x3": 0.5, "x4": 0.5}, "x3 = 0.5 is not integral"},
		{"over capacity", map[string]float64{"x0": 2, "x1": 2, "x2": 1, "x3": 2}, "x0 = 2 is outside [0, 1]"},
		{"negative", map[string]float64{"x2": -1}, "x2 = -1 is outside [0, 1]"},
		{"not conserved", map[string]float64{"x2": 1}, "row n0: flow in exceeds flow out by 1"},
		{"unknown column", map[string]float64{"y1": 1}, `unknown column "y1"`},
		{"column out of range", map[string]float64{"x5": 1}, `unknown column "x5"`},
		{"column misspelt", map[string]float64{"x01": 1}, `unknown column "x01"`},
		{"too few placed", map[string]float64{}, "places 0 students, the LP asks for 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := lp.Evaluate(c.values)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one saying %q", err, c.want)
			}
		})
	}
}

func TestLPRefusesBadQuestions(t *testing.T) {
	t.Parallel()
	broken := oneStudentRound()
	broken.Students[0].Preferences = []string{"nowhere"}
	cases := []struct {
		name string
		in   allocation.Instance
		q    allocation.LPQuestion
		want string
	}{
		{"no goal", oneStudentRound(), allocation.LPQuestion{MaxRank: 1}, "unknown goal"},
		{"no rank", oneStudentRound(), allocation.LPQuestion{Goal: allocation.MostPlaced}, "MaxRank must be at least 1"},
		{"negative placed", oneStudentRound(), allocation.LPQuestion{Goal: allocation.LeastCost, MaxRank: 1, Placed: -1}, "Placed must not be negative"},
		{"broken round", broken, allocation.LPQuestion{Goal: allocation.MostPlaced, MaxRank: 1}, `unknown school "nowhere"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := allocation.NewLP(c.in, c.q)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one saying %q", err, c.want)
			}
		})
	}
	huge := oneStudentRound()
	huge.MaxPreferences = 1 << 25
	if _, err := allocation.NewLP(huge, allocation.LPQuestion{Goal: allocation.MostPlaced, MaxRank: 1}); !errors.Is(err, allocation.ErrRoundTooLarge) {
		t.Errorf("error %v for costs beyond 2^53, want ErrRoundTooLarge", err)
	}
}
