package allocation_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"wsms/placement/allocation"
)

// shape bounds a random round.
type shape struct {
	students, schools, districts int
	places                       int     // per offer; a school's capacity is up to twice that
	exclusionRate                float64 // chance that a student is excluded from a given school
}

// randomRound is a round drawn so that every rule comes into play: mixed
// levels, subjects offered without places, exclusions, journeys over the
// limit, unlisted schools and tight capacities.
func randomRound(rng *rand.Rand, sh shape) allocation.Instance {
	subjects := []string{"maths", "english", "science"}
	in := allocation.Instance{
		MaxPreferences:   1 + rng.IntN(3),
		MaxTravelMinutes: 30,
		TravelMinutes:    map[string]map[string]int{},
	}
	names := make([]string, sh.districts)
	for d := range names {
		names[d] = fmt.Sprintf("d%d", d)
	}
	for _, a := range names {
		in.TravelMinutes[a] = map[string]int{}
		for _, b := range names {
			in.TravelMinutes[a][b] = rng.IntN(41)
		}
	}
	level := func() allocation.Level {
		if rng.IntN(5) == 0 {
			return secondary
		}
		return primary
	}
	for x := range 1 + rng.IntN(sh.schools) {
		sc := school(fmt.Sprintf("sch%02d", x), level(), names[rng.IntN(sh.districts)], rng.IntN(2*sh.places+1))
		for _, j := range subjects[:2] {
			if rng.IntN(3) > 0 {
				sc.Offers = append(sc.Offers, offer(j, rng.IntN(sh.places+1)))
			}
		}
		if rng.IntN(4) == 0 {
			sc.Offers = append(sc.Offers, offer(subjects[2], rng.IntN(sh.places)))
		}
		in.Schools = append(in.Schools, sc)
	}
	for i := range 1 + rng.IntN(sh.students) {
		st := student(fmt.Sprintf("stu%02d", i), level(), names[rng.IntN(sh.districts)], []string{subjects[rng.IntN(2)]})
		if rng.IntN(3) == 0 {
			st.Subjects = append(st.Subjects, subjects[2])
		}
		for _, x := range rng.Perm(len(in.Schools))[:rng.IntN(min(in.MaxPreferences, len(in.Schools))+1)] {
			st.Preferences = append(st.Preferences, in.Schools[x].ID)
		}
		for _, x := range rng.Perm(len(in.Schools)) {
			if rng.Float64() < sh.exclusionRate {
				st.Excluded = append(st.Excluded, in.Schools[x].ID)
			}
		}
		in.Students = append(in.Students, st)
	}
	return in
}

// better reports whether objective a beats b.
func better(a, b allocation.Summary) bool {
	switch {
	case a.Placed != b.Placed:
		return a.Placed > b.Placed
	case a.WorstRank != b.WorstRank:
		return a.WorstRank < b.WorstRank
	case a.RankCost != b.RankCost:
		return a.RankCost < b.RankCost
	}
	return a.TravelMinutes < b.TravelMinutes
}

// bruteForce tries every allocation of a tiny round and returns the best
// objective.
func bruteForce(in allocation.Instance) allocation.Summary {
	r := newRules(in)
	type option struct {
		school, subject string
		rank, minutes   int
	}
	options := make([][]option, len(in.Students))
	for i, st := range in.Students {
		for _, sc := range in.Schools {
			for _, j := range r.eligibleSubjects(st, sc) {
				options[i] = append(options[i], option{sc.ID, j, r.rank(st, sc.ID), in.TravelMinutes[st.District][sc.District]})
			}
		}
	}
	offerLeft, schoolLeft := map[[2]string]int{}, map[string]int{}
	for _, sc := range in.Schools {
		schoolLeft[sc.ID] = sc.Capacity
		for _, o := range sc.Offers {
			offerLeft[[2]string{sc.ID, o.Subject}] = o.Places
		}
	}
	var best allocation.Summary
	var try func(i int, cur allocation.Summary)
	try = func(i int, cur allocation.Summary) {
		if i == len(in.Students) {
			if better(cur, best) {
				best = cur
			}
			return
		}
		try(i+1, cur) // unplaced
		for _, o := range options[i] {
			key := [2]string{o.school, o.subject}
			if offerLeft[key] == 0 || schoolLeft[o.school] == 0 {
				continue
			}
			offerLeft[key]--
			schoolLeft[o.school]--
			next := cur
			next.Placed++
			next.WorstRank = max(next.WorstRank, o.rank)
			next.RankCost += int64(o.rank * o.rank)
			next.TravelMinutes += int64(o.minutes)
			try(i+1, next)
			offerLeft[key]++
			schoolLeft[o.school]++
		}
	}
	try(0, allocation.Summary{})
	return best
}

func TestSolveMatchesBruteForce(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2024, 1))
	for n := range 5000 {
		// Given a random round of up to 8 students and 3 schools
		in := randomRound(rng, shape{students: 8, schools: 3, districts: 3, places: 2, exclusionRate: 0.15})
		// When it is solved
		res, err := allocation.Solve(in)
		if err != nil {
			t.Fatalf("round %d: %v", n, err)
		}
		// Then every rule holds and no allocation is better
		checkResult(t, in, res)
		if want := bruteForce(in); res.Summary != want {
			t.Fatalf("round %d: %s\nbrute force: %s", n, objective(res.Summary), objective(want))
		}
	}
}

// reference solves a round on an explicit network, one arc per eligible
// student, school and subject, with successive shortest paths (Bellman-Ford)
// for every rank limit: slow, but independent of the package's aggregated
// network, max flow and simplex.
func reference(in allocation.Instance) allocation.Summary {
	r := newRules(in)
	weight := int64(len(in.Students)*in.MaxTravelMinutes + 1)
	type arc struct {
		to        int
		cap, cost int64
	}
	build := func(limit int) (int, [][]int, []arc) {
		// nodes: 0 source, 1 sink, students, schools, offers
		n := 2 + len(in.Students) + len(in.Schools)
		var arcs []arc
		adj := [][]int{}
		add := func(u, v int, capacity, cost int64) {
			for len(adj) <= max(u, v) {
				adj = append(adj, nil)
			}
			adj[u] = append(adj[u], len(arcs))
			arcs = append(arcs, arc{to: v, cap: capacity, cost: cost})
			adj[v] = append(adj[v], len(arcs))
			arcs = append(arcs, arc{to: u, cap: 0, cost: -cost})
		}
		offerNode := map[[2]string]int{}
		for x, sc := range in.Schools {
			add(2+len(in.Students)+x, 1, int64(sc.Capacity), 0)
			for _, o := range sc.Offers {
				if o.Places > 0 {
					offerNode[[2]string{sc.ID, o.Subject}] = n
					add(n, 2+len(in.Students)+x, int64(o.Places), 0)
					n++
				}
			}
		}
		for i, st := range in.Students {
			add(0, 2+i, 1, 0)
			for _, sc := range in.Schools {
				rank := r.rank(st, sc.ID)
				if rank > limit {
					continue
				}
				for _, j := range r.eligibleSubjects(st, sc) {
					add(2+i, offerNode[[2]string{sc.ID, j}], 1, int64(rank*rank)*weight+int64(in.TravelMinutes[st.District][sc.District]))
				}
			}
		}
		for len(adj) < n {
			adj = append(adj, nil)
		}
		return n, adj, arcs
	}
	minCostMaxFlow := func(limit int) (int, int64) {
		n, adj, arcs := build(limit)
		placed, total := 0, int64(0)
		for {
			const inf = int64(1) << 62
			dist, via := make([]int64, n), make([]int, n)
			for u := range dist {
				dist[u], via[u] = inf, -1
			}
			dist[0] = 0
			for changed := true; changed; {
				changed = false
				for u := range n {
					if dist[u] == inf {
						continue
					}
					for _, e := range adj[u] {
						a := arcs[e]
						if a.cap > 0 && dist[u]+a.cost < dist[a.to] {
							dist[a.to], via[a.to], changed = dist[u]+a.cost, e, true
						}
					}
				}
			}
			if dist[1] == inf {
				return placed, total
			}
			for v := 1; v != 0; v = arcs[via[v]^1].to {
				arcs[via[v]].cap--
				arcs[via[v]^1].cap++
			}
			placed++
			total += dist[1]
		}
	}
	placed, _ := minCostMaxFlow(in.MaxPreferences + 1)
	if placed == 0 {
		return allocation.Summary{}
	}
	for limit := 1; ; limit++ {
		if got, cost := minCostMaxFlow(limit); got == placed {
			return allocation.Summary{Placed: placed, WorstRank: limit, RankCost: cost / weight, TravelMinutes: cost % weight}
		}
	}
}

func TestSolveMatchesReferenceOnCrowdedDistricts(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 7))
	shapes := []shape{
		{students: 60, schools: 16, districts: 2, places: 5, exclusionRate: 0.12},
		{students: 40, schools: 24, districts: 1, places: 3, exclusionRate: 0.25},
		{students: 90, schools: 30, districts: 3, places: 4, exclusionRate: 0.05},
	}
	for n := range 1000 {
		// Given a round of up to 90 students and 30 schools in a few
		// districts, where many students are placed at schools they did not
		// list and many have conflicts of interest
		in := randomRound(rng, shapes[n%len(shapes)])
		// When it is solved
		res, err := allocation.Solve(in)
		if err != nil {
			t.Fatalf("round %d: %v", n, err)
		}
		// Then every rule holds and it matches the reference solver
		checkResult(t, in, res)
		if want := reference(in); res.Summary != want {
			t.Fatalf("round %d: %s\nreference:  %s", n, objective(res.Summary), objective(want))
		}
	}
}
