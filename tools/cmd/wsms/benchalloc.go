package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"wsms/placement/allocation"
)

// bench runs one of the benchmarks that compare a part of WSMS with an
// outside yardstick, by name: `wsms bench allocation`.
func bench(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("bench: name a benchmark: allocation")
	}
	switch args[0] {
	case "allocation":
		return benchAllocation(ctx, args[1:], stdout)
	}
	return fmt.Errorf("bench: unknown benchmark %q (want allocation)", args[0])
}

// benchAllocation times allocation.Solve on generated rounds and, on the same
// rounds, an LP solver (CBC) asked the same questions, and compares both the
// times and the answers. The targets are reported, never asserted; a
// different answer is a correctness failure and fails the command.
//
// CBC is given the solver's own flow network (allocation.LP) and three
// questions that settle the order of criteria: the most students placed over
// every rank; the most placed when the worst rank Solve found is lowered by
// one (must be fewer); and the least rank²·W + travel of placing as many as
// Solve did within its worst rank. Its time is the wall time of the three
// cbc processes, reading their LP files included; writing those files is not
// counted. CBC is told Solve's worst rank, so its time is, if anything, less
// than it would need to find the allocation on its own.
func benchAllocation(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("wsms bench allocation", flag.ContinueOnError)
	sizes := fs.String("sizes", "2000x500,10000x1500,50000x5000", "rounds to generate, as STUDENTSxSCHOOLS, comma-separated")
	seed := fs.Uint64("seed", 1, "seed of the generated rounds")
	cbcFlag := fs.String("cbc", "", "the CBC binary (default: cbc on PATH, installed with apt-get install coinor-cbc when missing)")
	timeout := fs.Duration("cbc-timeout", 10*time.Minute, "the longest one cbc run may take; a run stopped then makes the time ratio a lower bound")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: wsms bench allocation [flags]\n\nTimes the placement solver on generated rounds (4 subjects, 10 preferences,\nskewed popularity) beside CBC solving the same problem as a linear program,\nand checks that both find the same objective.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("bench allocation: unexpected argument %q", fs.Arg(0))
	}
	rounds, err := parseSizes(*sizes)
	if err != nil {
		return fmt.Errorf("bench allocation: %w", err)
	}
	progress := os.Stderr
	cbc, err := findCBC(ctx, *cbcFlag, progress)
	if err != nil {
		return fmt.Errorf("bench allocation: %w", err)
	}
	dir, err := os.MkdirTemp("", "wsms-bench-allocation-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	var reports []roundReport
	for _, size := range rounds {
		rep, err := benchRound(ctx, size, *seed, cbc, dir, *timeout, progress)
		if err != nil {
			return fmt.Errorf("bench allocation %s: %w", size, err)
		}
		reports = append(reports, rep)
	}
	fmt.Fprintf(stdout, "Placement solver beside %s (seed %d, CBC runs limited to %s)\n\n", cbcVersion(ctx, cbc), *seed, *timeout)
	if err := printAllocationBench(stdout, reports); err != nil {
		return err
	}
	var differ []string
	for _, rep := range reports {
		if rep.verdict() == verdictDiffers {
			differ = append(differ, rep.size.String())
		}
	}
	if len(differ) > 0 {
		return fmt.Errorf("bench allocation: CBC and Solve disagree at %s: a correctness failure", strings.Join(differ, ", "))
	}
	return nil
}

// roundSize is the size of a generated round.
type roundSize struct{ students, schools int }

func (s roundSize) String() string { return fmt.Sprintf("%dx%d", s.students, s.schools) }

// parseSizes reads sizes such as "2000x500,10000x1500".
func parseSizes(list string) ([]roundSize, error) {
	var sizes []roundSize
	for _, item := range strings.Split(list, ",") {
		students, schools, ok := strings.Cut(strings.TrimSpace(item), "x")
		st, err1 := strconv.Atoi(students)
		sc, err2 := strconv.Atoi(schools)
		if !ok || err1 != nil || err2 != nil || st < 1 || sc < 1 {
			return nil, fmt.Errorf("size %q: want STUDENTSxSCHOOLS, such as 2000x500", item)
		}
		sizes = append(sizes, roundSize{st, sc})
	}
	return sizes, nil
}

// roundReport is what one round's benchmark found.
type roundReport struct {
	size   roundSize
	solve  time.Duration
	ours   allocation.Summary
	stages []stageReport
}

// stageReport is one question put to CBC and what came of it.
type stageReport struct {
	name     string
	question allocation.LPQuestion
	columns  int
	lpBytes  int64
	elapsed  time.Duration
	timedOut bool
	// solved says CBC returned an optimal solution that is an allocation;
	// value is what it amounts to.
	solved bool
	value  allocation.LPValue
	// mismatch says how CBC's answer contradicts Solve's (nil if it does
	// not, or if CBC did not finish).
	mismatch error
}

// The verdicts on a round.
const (
	verdictSame    = "yes"
	verdictDiffers = "NO"
	verdictUnknown = "not known"
)

// verdict says whether CBC found the objective Solve did: every question
// answered as Solve's answer implies, one contradicted, or not all answered.
func (r roundReport) verdict() string {
	finished := true
	for _, st := range r.stages {
		if st.mismatch != nil {
			return verdictDiffers
		}
		finished = finished && !st.timedOut
	}
	if !finished {
		return verdictUnknown
	}
	return verdictSame
}

// cbcTime is the time of all CBC runs, and whether one was stopped, which
// makes it a lower bound.
func (r roundReport) cbcTime() (time.Duration, bool) {
	var total time.Duration
	stopped := false
	for _, st := range r.stages {
		total += st.elapsed
		stopped = stopped || st.timedOut
	}
	return total, stopped
}

// stage finds a stage by name.
func (r roundReport) stage(name string) (stageReport, bool) {
	for _, st := range r.stages {
		if st.name == name {
			return st, true
		}
	}
	return stageReport{}, false
}

// The questions put to CBC.
const (
	stageMostPlaced = "most placed"
	stageLowerRank  = "most placed, worst rank lowered"
	stageLeastCost  = "least cost"
)

// benchRound generates one round, solves it with Solve and asks CBC the
// questions that check Solve's objective.
func benchRound(ctx context.Context, size roundSize, seed uint64, cbc, dir string, timeout time.Duration, progress io.Writer) (roundReport, error) {
	in := allocation.Generate(allocation.GenerateConfig{Seed: seed, Students: size.students, Schools: size.schools})
	runtime.GC()
	start := time.Now()
	res, err := allocation.Solve(in)
	rep := roundReport{size: size, solve: time.Since(start), ours: res.Summary}
	if err != nil {
		return rep, fmt.Errorf("solve: %w", err)
	}
	ours := rep.ours
	fmt.Fprintf(progress, "%s: Solve took %s: %s\n", size, seconds(rep.solve), tuple(ours))

	unlisted := in.MaxPreferences + 1
	stages := []stageReport{{
		name:     stageMostPlaced,
		question: allocation.LPQuestion{Goal: allocation.MostPlaced, MaxRank: unlisted},
	}}
	if ours.WorstRank > 1 {
		stages = append(stages, stageReport{
			name:     stageLowerRank,
			question: allocation.LPQuestion{Goal: allocation.MostPlaced, MaxRank: ours.WorstRank - 1},
		})
	}
	if ours.Placed > 0 {
		stages = append(stages, stageReport{
			name:     stageLeastCost,
			question: allocation.LPQuestion{Goal: allocation.LeastCost, MaxRank: ours.WorstRank, Placed: ours.Placed},
		})
	}
	for i := range stages {
		st := &stages[i]
		lp, err := allocation.NewLP(in, st.question)
		if err != nil {
			return rep, err
		}
		st.columns = lp.Columns()
		fmt.Fprintf(progress, "%s: CBC: %s (%d columns)...\n", size, st.name, st.columns)
		sol, err := solveLP(ctx, cbc, dir, lp, timeout, st)
		if err != nil {
			return rep, fmt.Errorf("CBC, %s: %w", st.name, err)
		}
		if st.timedOut {
			fmt.Fprintf(progress, "%s: CBC: %s: did not finish within %s\n", size, st.name, timeout)
			continue
		}
		if st.value, st.mismatch = cbcValue(lp, sol); st.mismatch == nil {
			st.solved = true
			st.mismatch = compareStage(st.name, st.value, ours)
		}
		if st.mismatch == nil {
			fmt.Fprintf(progress, "%s: CBC: %s: %s, agrees\n", size, st.name, seconds(st.elapsed))
		} else {
			fmt.Fprintf(progress, "%s: CBC: %s: %s, DISAGREES: %v\n", size, st.name, seconds(st.elapsed), st.mismatch)
		}
	}
	rep.stages = stages
	return rep, nil
}

// cbcValue is what CBC's optimal solution of an LP amounts to. A solution
// that is not optimal, no allocation, or not worth the objective CBC
// reports is an error.
func cbcValue(lp *allocation.LP, sol cbcSolution) (allocation.LPValue, error) {
	if sol.status != "Optimal" {
		return allocation.LPValue{}, fmt.Errorf("CBC's status is %q, want Optimal", sol.status)
	}
	v, err := lp.Evaluate(sol.values)
	if err != nil {
		return allocation.LPValue{}, err
	}
	exact := float64(lp.Objective(v))
	if math.Abs(sol.objective-exact) > 0.5+1e-9*math.Abs(exact) {
		return allocation.LPValue{}, fmt.Errorf("CBC reports objective %.1f, but its solution is worth %.0f", sol.objective, exact)
	}
	return v, nil
}

// compareStage says how CBC's answer to one question contradicts Solve's
// summary, if it does.
func compareStage(stage string, v allocation.LPValue, ours allocation.Summary) error {
	switch stage {
	case stageMostPlaced:
		if v.Placed != ours.Placed {
			return fmt.Errorf("CBC places %d students, Solve %d", v.Placed, ours.Placed)
		}
	case stageLowerRank:
		if v.Placed >= ours.Placed {
			return fmt.Errorf("CBC places %d students at rank %d or better, Solve's worst rank %d places %d", v.Placed, ours.WorstRank-1, ours.WorstRank, ours.Placed)
		}
	case stageLeastCost:
		if v.RankCost != ours.RankCost || v.TravelMinutes != ours.TravelMinutes {
			return fmt.Errorf("CBC's least cost is rank² %d, travel %d; Solve's rank² %d, travel %d", v.RankCost, v.TravelMinutes, ours.RankCost, ours.TravelMinutes)
		}
	}
	return nil
}

// solveLP writes an LP to dir and solves it with CBC within timeout,
// recording the LP's size and CBC's wall time in st.
func solveLP(ctx context.Context, cbc, dir string, lp *allocation.LP, timeout time.Duration, st *stageReport) (cbcSolution, error) {
	lpPath, solPath, logPath := filepath.Join(dir, "round.lp"), filepath.Join(dir, "round.sol"), filepath.Join(dir, "cbc.log")
	defer os.Remove(lpPath)
	defer os.Remove(solPath)
	f, err := os.Create(lpPath)
	if err != nil {
		return cbcSolution{}, err
	}
	st.lpBytes, err = lp.WriteTo(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return cbcSolution{}, err
	}
	log, err := os.Create(logPath)
	if err != nil {
		return cbcSolution{}, err
	}
	defer log.Close()

	runCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(runCtx, cbc, lpPath, "solve", "solu", solPath)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	err = cmd.Run()
	st.elapsed = time.Since(start)
	switch {
	case ctx.Err() != nil:
		return cbcSolution{}, ctx.Err()
	case runCtx.Err() != nil:
		st.timedOut, st.elapsed = true, timeout
		return cbcSolution{}, nil
	case err != nil:
		return cbcSolution{}, fmt.Errorf("%w; its log, %s:\n%s", err, logPath, tail(logPath, 20))
	}
	sf, err := os.Open(solPath)
	if err != nil {
		return cbcSolution{}, fmt.Errorf("CBC wrote no solution: %w; its log:\n%s", err, tail(logPath, 20))
	}
	defer sf.Close()
	return parseCBCSolution(sf)
}

// cbcSolution is what CBC's solution file (its "solu" command) says.
type cbcSolution struct {
	// status is CBC's word for the outcome: Optimal, Infeasible,
	// Unbounded, "Stopped on time", ...
	status    string
	objective float64
	values    map[string]float64 // by column name
}

// parseCBCSolution reads a solution file of CBC 2.10, e.g.
//
//	Optimal - objective value 5.00000000
//	      0 x0                     1                       0
//	**    2 x2                     3                       0
//
// where each column line holds the column's index, name, value and reduced
// cost, and ** marks a value breaking a bound or row.
func parseCBCSolution(r io.Reader) (cbcSolution, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return cbcSolution{}, fmt.Errorf("CBC solution: %w", err)
		}
		return cbcSolution{}, errors.New("CBC solution: empty file")
	}
	status, value, ok := strings.Cut(sc.Text(), " - objective value ")
	objective, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
	if !ok || err != nil {
		return cbcSolution{}, fmt.Errorf("CBC solution: first line %q: want STATUS - objective value NUMBER", sc.Text())
	}
	sol := cbcSolution{status: strings.TrimSpace(status), objective: objective, values: map[string]float64{}}
	for line := 2; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) > 0 && fields[0] == "**" {
			fields = fields[1:]
		}
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 4 {
			return cbcSolution{}, fmt.Errorf("CBC solution: line %d: %q: want INDEX NAME VALUE REDUCED-COST", line, sc.Text())
		}
		v, err := strconv.ParseFloat(fields[2], 64)
		if err != nil {
			return cbcSolution{}, fmt.Errorf("CBC solution: line %d: value %q: %w", line, fields[2], err)
		}
		sol.values[fields[1]] = v
	}
	if err := sc.Err(); err != nil {
		return cbcSolution{}, fmt.Errorf("CBC solution: %w", err)
	}
	return sol, nil
}

// findCBC is the CBC binary to run: the one named, else cbc on PATH, else
// the one Debian's coinor-cbc package installs, which it installs with
// apt-get (updating the package lists if the first attempt fails).
func findCBC(ctx context.Context, named string, progress io.Writer) (string, error) {
	if named != "" {
		path, err := exec.LookPath(named)
		if err != nil {
			return "", fmt.Errorf("--cbc %s: %w", named, err)
		}
		return path, nil
	}
	if path, err := exec.LookPath("cbc"); err == nil {
		return path, nil
	}
	const manual = "install COIN-OR CBC yourself (Debian and Ubuntu: apt-get install coinor-cbc, as root) or pass --cbc PATH"
	apt, err := exec.LookPath("apt-get")
	if err != nil {
		return "", fmt.Errorf("cbc is not on PATH and there is no apt-get to install it: %s", manual)
	}
	aptGet := func(args ...string) error {
		cmd := exec.CommandContext(ctx, apt, args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		cmd.Stdout, cmd.Stderr = progress, progress
		return cmd.Run()
	}
	fmt.Fprintln(progress, "cbc is not on PATH: installing Debian's coinor-cbc with apt-get")
	if err := aptGet("install", "-y", "--no-install-recommends", "coinor-cbc"); err != nil {
		fmt.Fprintf(progress, "apt-get install failed (%v); updating the package lists and trying again\n", err)
		if err := aptGet("update"); err != nil {
			return "", fmt.Errorf("cbc is not on PATH and apt-get update failed (%w): %s", err, manual)
		}
		if err := aptGet("install", "-y", "--no-install-recommends", "coinor-cbc"); err != nil {
			return "", fmt.Errorf("cbc is not on PATH and apt-get install coinor-cbc failed (%w): %s", err, manual)
		}
	}
	path, err := exec.LookPath("cbc")
	if err != nil {
		return "", fmt.Errorf("coinor-cbc is installed but cbc is not on PATH: %s", manual)
	}
	return path, nil
}

// cbcVersion names the CBC binary with the version it reports.
func cbcVersion(ctx context.Context, cbc string) string {
	out, _ := exec.CommandContext(ctx, cbc, "-quit").Output()
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "Version:"); ok {
			return "CBC " + strings.TrimSpace(v)
		}
	}
	return cbc
}

// printAllocationBench prints the comparison table, the CBC runs behind it
// and the targets.
func printAllocationBench(w io.Writer, reports []roundReport) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "size\tSolve\tCBC\tCBC/Solve\tSolve (placed, worst rank, rank², travel)\tCBC (placed, worst rank, rank², travel)\tsame objective")
	for _, r := range reports {
		total, stopped := r.cbcTime()
		cbcCol, ratio := seconds(total), fmt.Sprintf("%.0f×", total.Seconds()/r.solve.Seconds())
		if stopped {
			cbcCol, ratio = "≥ "+cbcCol, "≥ "+ratio
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.size, seconds(r.solve), cbcCol, ratio, tuple(r.ours), cbcTuple(r), r.verdict())
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintln(w, "\nCBC runs (wall time of each cbc process; LP over Solve's flow network, written beforehand):")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range reports {
		for _, st := range r.stages {
			fmt.Fprintf(tw, "  %s\t%s, ranks ≤ %d\t%d columns, %.1f MB\t%s\n", r.size, st.name, st.question.MaxRank, st.columns, float64(st.lpBytes)/1e6, stageOutcome(st, r.ours))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintln(w, "\nTargets (reported, not asserted):")
	for _, r := range reports {
		limit := map[roundSize]time.Duration{{10000, 1500}: time.Second, {50000, 5000}: 10 * time.Second}[r.size]
		if limit > 0 {
			fmt.Fprintf(w, "  %s under %s: %s (%s)\n", r.size, seconds(limit), met(r.solve < limit), seconds(r.solve))
		}
	}
	for _, r := range reports {
		total, stopped := r.cbcTime()
		ratio := total.Seconds() / r.solve.Seconds()
		state := met(ratio >= 10)
		if stopped && ratio < 10 {
			state = "not known (CBC stopped early)"
		}
		alone := ""
		if st, ok := r.stage(stageLeastCost); ok {
			alone = fmt.Sprintf("; its least-cost run alone, told Solve's placed count and worst rank: %s%.1f×",
				map[bool]string{true: "≥ "}[st.timedOut], st.elapsed.Seconds()/r.solve.Seconds())
		}
		fmt.Fprintf(w, "  %s at least 10× faster than CBC: %s (%.0f×%s%s)\n", r.size, state, ratio, map[bool]string{true: ", a lower bound"}[stopped], alone)
	}
	return nil
}

// stageOutcome is one CBC run in words.
func stageOutcome(st stageReport, ours allocation.Summary) string {
	if st.timedOut {
		return fmt.Sprintf("did not finish within %s", seconds(st.elapsed))
	}
	var got string
	switch st.name {
	case stageLeastCost:
		got = fmt.Sprintf("rank² %d, travel %d (Solve: %d, %d)", st.value.RankCost, st.value.TravelMinutes, ours.RankCost, ours.TravelMinutes)
	case stageLowerRank:
		got = fmt.Sprintf("places %d (Solve at rank ≤ %d: %d)", st.value.Placed, ours.WorstRank, ours.Placed)
	default:
		got = fmt.Sprintf("places %d (Solve: %d)", st.value.Placed, ours.Placed)
	}
	if st.mismatch != nil {
		return fmt.Sprintf("%s\t%s\tDIFFERS: %v", seconds(st.elapsed), got, st.mismatch)
	}
	return fmt.Sprintf("%s\t%s", seconds(st.elapsed), got)
}

// cbcTuple is the objective CBC's answers establish, with ? for what a
// stopped run left open.
func cbcTuple(r roundReport) string {
	placed, worst, rank2, travel := "?", "?", "?", "?"
	if st, ok := r.stage(stageMostPlaced); ok && st.solved {
		placed = strconv.Itoa(st.value.Placed)
	}
	lower, hasLower := r.stage(stageLowerRank)
	cost, hasCost := r.stage(stageLeastCost)
	switch {
	case hasLower && lower.solved && lower.value.Placed >= r.ours.Placed:
		worst = fmt.Sprintf("< %d", r.ours.WorstRank)
	case hasCost && cost.solved && (!hasLower || lower.solved):
		// As many placed at this rank, fewer below it.
		worst = strconv.Itoa(r.ours.WorstRank)
	}
	if hasCost && cost.solved {
		rank2, travel = strconv.FormatInt(cost.value.RankCost, 10), strconv.FormatInt(cost.value.TravelMinutes, 10)
	}
	return fmt.Sprintf("(%s, %s, %s, %s)", placed, worst, rank2, travel)
}

func tuple(s allocation.Summary) string {
	return fmt.Sprintf("(%d, %d, %d, %d)", s.Placed, s.WorstRank, s.RankCost, s.TravelMinutes)
}

func met(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}

func seconds(d time.Duration) string {
	switch {
	case d < 10*time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d < 100*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%.0f s", d.Seconds())
}

// tail is the last lines of a file, for an error message.
func tail(path string, lines int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	all := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	return strings.Join(all[max(0, len(all)-lines):], "\n")
}
