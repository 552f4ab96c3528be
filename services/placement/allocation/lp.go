package allocation

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// LPGoal is which criterion of the order an LP asks about.
type LPGoal int

// The questions an LP can put to a general LP solver. Asked in turn they
// settle the order of criteria one by one: the most students placed, then
// whether fewer can be placed when the worst rank is lowered, then the least
// cost at the worst rank.
const (
	// MostPlaced maximises the number of students placed.
	MostPlaced LPGoal = iota + 1
	// LeastCost minimises rank²·W + travel minutes over placements of
	// exactly LPQuestion.Placed students.
	LeastCost
)

// LPQuestion is one question of the order of criteria, put as a linear
// program.
type LPQuestion struct {
	Goal LPGoal
	// MaxRank leaves out placements of a worse rank. The round's
	// MaxPreferences+1 leaves none out.
	MaxRank int
	// Placed is how many students a LeastCost question places.
	Placed int
}

// LP is a round's allocation problem as a linear program, so that a general
// LP solver (CBC, say) can check Solve's answer on rounds far too large for
// brute force. It is Solve's own flow network, not a student × school
// formulation, which would need an arc per student and eligible school:
// columns are the network's arcs (flow between 0 and the arc's capacity)
// and rows conserve flow at every node but the source and the sink. The
// constraint matrix is a network matrix, so the LP has integral optimal
// vertices, which a simplex method returns: the LP's optimum is the
// allocation problem's.
//
// Costs are integers below 2^53, so that a solver working in doubles
// represents every cost, and every sum of them, exactly.
type LP struct {
	Question LPQuestion
	// Weight is W in the cost rank²·W + travel minutes of a placement. It
	// exceeds the travel of all students together, so that the least cost
	// is the least sum of squared ranks and, among those, the least travel.
	Weight int64
	rows   int
	arcs   []lpArc
}

// lpArc is a column: an arc of a level's network.
type lpArc struct {
	from, to int32 // rows; -1 for the source or the sink
	capacity int64
	// rankCost is the rank² a unit of flow through the arc counts with (0
	// for arcs that decide no rank), travel its travel minutes.
	rankCost, travel int64
	admit            bool // from the source to a student: one student placed
}

// NewLP writes a question about a round as a linear program. The round is
// validated as Solve validates it.
func NewLP(in Instance, q LPQuestion) (*LP, error) {
	if err := in.Validate(); err != nil {
		return nil, fmt.Errorf("invalid placement round: %w", err)
	}
	switch {
	case q.Goal != MostPlaced && q.Goal != LeastCost:
		return nil, fmt.Errorf("LP: unknown goal %d", q.Goal)
	case q.MaxRank < 1:
		return nil, fmt.Errorf("LP: MaxRank must be at least 1, got %d", q.MaxRank)
	case q.Goal == LeastCost && q.Placed < 0:
		return nil, fmt.Errorf("LP: Placed must not be negative, got %d", q.Placed)
	}
	r := newRound(in)
	nets, err := buildNetworks(r)
	if err != nil {
		return nil, fmt.Errorf("LP: %w", err)
	}
	longest := 0
	for _, m := range r.travel {
		if m <= r.maxTravel {
			longest = max(longest, m)
		}
	}
	// The students' worst path costs unlisted²·W + longest; all of them
	// together must stay exact in a double.
	unlisted := int64(r.maxPreferences) + 1
	weight, ok := mulCapped(int64(len(r.students)), int64(longest))
	var path, total int64
	if ok {
		weight++
		path, ok = mulCapped(unlisted*unlisted, weight)
	}
	if ok {
		total, ok = mulCapped(path+int64(longest), max(1, int64(len(r.students))))
	}
	if !ok || total >= 1<<53 {
		return nil, fmt.Errorf("LP: %w: costs exceed 2^53, which doubles do not hold exactly", ErrRoundTooLarge)
	}

	lp := &LP{Question: q, Weight: weight}
	for _, net := range nets {
		row := func(u int32) int32 {
			if u == sourceNode || u == sinkNode {
				return -1
			}
			return int32(lp.rows) + u - 2
		}
		for a := range net.from {
			if net.rank[a] > int32(q.MaxRank) {
				continue
			}
			// Every arc carries at most one rank cost: c = rank²·w + minutes.
			c := net.cost[a]
			arc := lpArc{
				from: row(net.from[a]), to: row(net.to[a]), capacity: net.capacity[a],
				rankCost: c / net.weight, travel: c % net.weight, admit: net.from[a] == sourceNode,
			}
			if arc.travel > int64(longest) {
				return nil, fmt.Errorf("LP: arc %d costs %d, which is no rank² × %d plus a journey", a, c, net.weight)
			}
			lp.arcs = append(lp.arcs, arc)
		}
		lp.rows += int(net.nodes) - 2
	}
	return lp, nil
}

// Columns is the number of columns, one per arc.
func (lp *LP) Columns() int { return len(lp.arcs) }

// cost is the objective coefficient of a column.
func (lp *LP) cost(a lpArc) int64 {
	if lp.Question.Goal == MostPlaced {
		if a.admit {
			return 1
		}
		return 0
	}
	return a.rankCost*lp.Weight + a.travel
}

// WriteTo writes the LP in CPLEX LP format, which CBC reads, as do most LP
// solvers. Column j is named xj, the row of node k nk; the objective is named
// placed (MostPlaced) or cost (LeastCost), and a LeastCost question fixes the
// students placed in a row named placed.
func (lp *LP) WriteTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	bw := bufio.NewWriterSize(cw, 1<<16)
	t := &termWriter{w: bw}
	q := lp.Question
	if q.Goal == MostPlaced {
		fmt.Fprintf(bw, "\\ The most students placed at rank %d or better.\n", q.MaxRank)
	} else {
		fmt.Fprintf(bw, "\\ The least cost rank^2*%d + travel minutes of placing %d students at rank %d or better.\n", lp.Weight, q.Placed, q.MaxRank)
	}
	bw.WriteString("\\ Columns are the arcs of the solver's flow network, rows conserve flow at its nodes.\n")

	if q.Goal == MostPlaced {
		bw.WriteString("Maximize\n placed:")
	} else {
		bw.WriteString("Minimize\n cost:")
	}
	for j, a := range lp.arcs {
		t.term(lp.cost(a), j)
	}
	if t.n == 0 && len(lp.arcs) > 0 {
		bw.WriteString(" 0 x0")
	}
	t.end("")

	bw.WriteString("Subject To\n")
	start, cols := lp.incidence()
	for k := range lp.rows {
		if start[k] == start[k+1] {
			continue
		}
		bw.WriteString(" n")
		bw.WriteString(strconv.Itoa(k))
		bw.WriteString(":")
		for _, c := range cols[start[k]:start[k+1]] {
			if c < 0 {
				t.term(1, int(^c))
			} else {
				t.term(-1, int(c))
			}
		}
		t.end(" = 0")
	}
	if q.Goal == LeastCost {
		bw.WriteString(" placed:")
		for j, a := range lp.arcs {
			if a.admit {
				t.term(1, j)
			}
		}
		if t.n == 0 && len(lp.arcs) > 0 {
			bw.WriteString(" 0 x0")
		}
		t.end(" = " + strconv.Itoa(q.Placed))
	}

	bw.WriteString("Bounds\n")
	for j, a := range lp.arcs {
		fmt.Fprintf(bw, " x%d <= %d\n", j, a.capacity)
	}
	bw.WriteString("End\n")
	if err := bw.Flush(); err != nil {
		return cw.n, fmt.Errorf("write LP: %w", err)
	}
	return cw.n, nil
}

// incidence lists, per row k, the columns entering its node (as ^j) and
// leaving it (as j), at cols[start[k]:start[k+1]], in column order.
func (lp *LP) incidence() (start []int32, cols []int32) {
	start = make([]int32, lp.rows+1)
	for _, a := range lp.arcs {
		for _, u := range [2]int32{a.from, a.to} {
			if u >= 0 {
				start[u+1]++
			}
		}
	}
	for k := range lp.rows {
		start[k+1] += start[k]
	}
	next := append([]int32(nil), start[:lp.rows]...)
	cols = make([]int32, start[lp.rows])
	for j, a := range lp.arcs {
		if a.from >= 0 {
			cols[next[a.from]] = int32(j)
			next[a.from]++
		}
		if a.to >= 0 {
			cols[next[a.to]] = ^int32(j)
			next[a.to]++
		}
	}
	return start, cols
}

// termWriter writes the terms of a linear expression, a few to a line, as
// some LP readers limit the length of lines.
type termWriter struct {
	w *bufio.Writer
	n int // terms on the current expression
}

func (t *termWriter) term(coef int64, col int) {
	if coef == 0 {
		return
	}
	if t.n > 0 && t.n%8 == 0 {
		t.w.WriteString("\n  ")
	}
	switch {
	case coef == 1:
		t.w.WriteString(" + x")
	case coef == -1:
		t.w.WriteString(" - x")
	case coef < 0:
		t.w.WriteString(" - ")
		t.w.WriteString(strconv.FormatInt(-coef, 10))
		t.w.WriteString(" x")
	default:
		t.w.WriteString(" + ")
		t.w.WriteString(strconv.FormatInt(coef, 10))
		t.w.WriteString(" x")
	}
	t.w.WriteString(strconv.Itoa(col))
	t.n++
}

// end closes an expression with a suffix such as " = 0".
func (t *termWriter) end(suffix string) {
	t.w.WriteString(suffix)
	t.w.WriteString("\n")
	t.n = 0
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// LPValue is what a solution of an LP amounts to in the round's terms.
type LPValue struct {
	Placed        int
	RankCost      int64 // the sum of the squared ranks
	TravelMinutes int64
}

// Objective is the LP's objective at a solution of this value: the students
// placed for MostPlaced, RankCost·W + TravelMinutes for LeastCost.
func (lp *LP) Objective(v LPValue) int64 {
	if lp.Question.Goal == MostPlaced {
		return int64(v.Placed)
	}
	return v.RankCost*lp.Weight + v.TravelMinutes
}

// integralTolerance is how far from an integer a solver's value may be and
// still count as that integer: solvers work in doubles with tolerances.
const integralTolerance = 1e-6

// Evaluate checks a solution an LP solver returned, given as values by
// column name (a column not named is 0), and says what it amounts to. It
// refuses a solution that is not integral, breaks a bound or does not
// conserve flow: then it is no allocation, and the solver's optimum is not
// comparable with Solve's.
func (lp *LP) Evaluate(values map[string]float64) (LPValue, error) {
	flow := make([]int64, len(lp.arcs))
	var problems []error
	for name, v := range values {
		j, err := strconv.Atoi(strings.TrimPrefix(name, "x"))
		if !strings.HasPrefix(name, "x") || err != nil || j < 0 || j >= len(lp.arcs) || "x"+strconv.Itoa(j) != name {
			problems = append(problems, fmt.Errorf("unknown column %q", name))
			continue
		}
		f := math.Round(v)
		if math.Abs(v-f) > integralTolerance {
			problems = append(problems, fmt.Errorf("%s = %g is not integral", name, v))
			continue
		}
		if f < 0 || f > float64(lp.arcs[j].capacity) {
			problems = append(problems, fmt.Errorf("%s = %g is outside [0, %d]", name, v, lp.arcs[j].capacity))
			continue
		}
		flow[j] = int64(f)
	}
	if len(problems) > 0 {
		return LPValue{}, fmt.Errorf("LP solution: %w", errors.Join(problems...))
	}
	balance := make([]int64, lp.rows)
	var value LPValue
	for j, a := range lp.arcs {
		if a.from >= 0 {
			balance[a.from] -= flow[j]
		}
		if a.to >= 0 {
			balance[a.to] += flow[j]
		}
		if a.admit {
			value.Placed += int(flow[j])
		}
		value.RankCost += a.rankCost * flow[j]
		value.TravelMinutes += a.travel * flow[j]
	}
	for k, b := range balance {
		if b != 0 {
			return LPValue{}, fmt.Errorf("LP solution: row n%d: flow in exceeds flow out by %d", k, b)
		}
	}
	if lp.Question.Goal == LeastCost && value.Placed != lp.Question.Placed {
		return LPValue{}, fmt.Errorf("LP solution: places %d students, the LP asks for %d", value.Placed, lp.Question.Placed)
	}
	return value, nil
}
