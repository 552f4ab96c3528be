package allocation

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// reasonDisplaced is why a student eligible somewhere is left unplaced: every
// way to place them places fewer others or does worse on a later criterion.
const reasonDisplaced = "all eligible places taken by students whose displacement would cost more"

// Solve allocates the students of a round to its places, best first by
// students placed, worst rank, sum of squared ranks and travel time. A round
// breaking a rule is refused with its problems as *InputError values;
// ErrNotProvenOptimal or ErrRoundTooLarge mean no answer could be vouched for.
func Solve(in Instance) (Result, error) {
	if err := in.Validate(); err != nil {
		return Result{}, fmt.Errorf("invalid placement round: %w", err)
	}
	r := newRound(in)
	nets, err := buildNetworks(r)
	if err != nil {
		return Result{}, fmt.Errorf("solve placement round: %w", err)
	}
	flows, err := optimalFlows(nets)
	if err != nil {
		return Result{}, fmt.Errorf("solve placement round: %w", err)
	}
	decisions, err := r.decisions(nets, flows)
	if err != nil {
		return Result{}, fmt.Errorf("solve placement round: %w", err)
	}
	res, err := r.result(decisions)
	if err != nil {
		return Result{}, fmt.Errorf("solve placement round: %w", err)
	}
	return res, nil
}

// optimalFlows finds and certifies the best allocation as a flow in each
// level's network: the most students and the least worst rank by placing
// students rank by rank, then the least rank²·weight + travel by a network
// simplex within the worst rank of the whole round. The levels share nothing
// but that rank, so they are solved side by side.
func optimalFlows(nets []*network) ([][]int64, error) {
	ranked := make([]rankedFlow, len(nets))
	eachLevel(nets, func(k int) error {
		ranked[k] = placeByRank(nets[k])
		return nil
	})
	var placed int64
	var worst int32
	for _, rf := range ranked {
		placed += rf.placed
		worst = max(worst, rf.worst)
	}
	if err := certifyWorstRank(nets, ranked, worst, placed); err != nil {
		return nil, err
	}
	flows := make([][]int64, len(nets))
	err := eachLevel(nets, func(k int) error {
		var err error
		flows[k], err = optimalFlow(nets[k], ranked[k], worst)
		return err
	})
	return flows, err
}

// eachLevel runs solve for every level's network at once, and returns the
// error of the first level that failed.
func eachLevel(nets []*network, solve func(k int) error) error {
	errs := make([]error, len(nets))
	var wg sync.WaitGroup
	for k := range nets {
		wg.Go(func() { errs[k] = solve(k) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// optimalFlow is the least-cost flow of a network that places the students
// ranked placed, using arcs up to rank worst, started from ranked's flow.
func optimalFlow(net *network, ranked rankedFlow, worst int32) ([]int64, error) {
	if ranked.placed == 0 {
		return ranked.flow, certify(net, 0, worst, ranked.flow, make([]int64, net.nodes))
	}
	start := net.directFlow(ranked.flow)
	var arcs, from, to []int32
	var capacity, cost, flow []int64
	for a := range net.from {
		if net.rank[a] <= worst {
			arcs = append(arcs, int32(a))
			from, to = append(from, net.from[a]), append(to, net.to[a])
			capacity, cost = append(capacity, net.capacity[a]), append(cost, net.cost[a])
			flow = append(flow, start[a])
		}
	}
	optimal, potential, err := minCostFlow(net.nodes, from, to, capacity, cost, flow)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotProvenOptimal, err)
	}
	clear(start)
	for k, a := range arcs {
		start[a] = optimal[k]
	}
	if err := certify(net, ranked.placed, worst, start, potential); err != nil {
		return nil, err
	}
	return start, nil
}

// directFlow is the allocation of a flow, sent along a direct arc from each
// placed student to their offer. Where the flow went through shared unlisted
// nodes, it adds a shortcut arc of the same cost: the arcs the new flow uses
// strictly between their bounds are then only offer → school → sink arcs,
// which form a forest, as the network simplex needs to start from it.
func (n *network) directFlow(flow []int64) []int64 {
	routes := n.routes(flow)
	direct := make([]int64, len(n.from), len(n.from)+len(routes))
	for i, rt := range routes {
		if rt.end < 0 {
			continue
		}
		if n.to[rt.arc] != rt.end {
			rt.arc = n.addArc(n.studentNode(i), rt.end, 1, rt.cost, n.unlistedRank)
			direct = append(direct, 0)
		}
		school := n.to[n.leaveArc[rt.end]]
		for _, a := range [...]int32{n.admitArc[i], rt.arc, n.leaveArc[rt.end], n.leaveArc[school]} {
			direct[a]++
		}
	}
	return direct
}

// route is the way a student's unit of flow goes: its first arc, the offer
// node it ends at (-1 for an unplaced student), and its cost.
type route struct {
	arc, end int32
	cost     int64
}

// routes follows the flow from each of the network's students to the offer
// it ends at. Any way of following a certified flow gives an allocation as
// good as the flow: every path from a student ends at an offer open to them,
// at no more than the cost the flow paid.
func (n *network) routes(flow []int64) []route {
	inc := n.incident()
	left := slices.Clone(flow)
	cursor := slices.Clone(inc.start[:n.nodes])
	next := func(u int32) int32 {
		for ; cursor[u] < inc.start[u+1]; cursor[u]++ {
			if a := inc.arcs[cursor[u]]; n.from[a] == u && left[a] > 0 {
				left[a]--
				return a
			}
		}
		return -1
	}
	routes := make([]route, len(n.students))
	for i := range routes {
		rt := route{arc: next(n.studentNode(i)), end: -1}
		for a := rt.arc; a >= 0; a = next(n.to[a]) {
			rt.cost += n.cost[a]
			if n.offerAt[n.to[a]] >= 0 {
				rt.end = n.to[a]
				break
			}
		}
		routes[i] = rt
	}
	return routes
}

// decision is what the flows decided for one student.
type decision struct {
	placed          bool
	school, subject int32
	rank, minutes   int
	// eligibleSomewhere says whether any school was open to the student.
	eligibleSomewhere bool
}

// decisions follows the flows to each student's offer, checking again, in
// the round's own terms, that it is open to them, and that the placements
// cost what the flows did.
func (r *round) decisions(nets []*network, flows [][]int64) ([]decision, error) {
	out := make([]decision, len(r.students))
	for k, net := range nets {
		var cost int64
		for a, f := range flows[k] {
			cost -= f * net.cost[a]
		}
		for local, rt := range net.routes(flows[k]) {
			i := net.students[local]
			s := &r.students[i]
			d := decision{eligibleSomewhere: net.hasChoice[local]}
			switch {
			case rt.end >= 0:
				o := net.offers[net.offerAt[rt.end]]
				if r.eligibility(s, o.school) != eligible || !slices.Contains(s.subjects, o.subject) {
					return nil, notProven("student %q placed at %q, which is not open to them", s.id, r.schools[o.school].id)
				}
				d.placed, d.school, d.subject = true, o.school, o.subject
				d.rank = r.rank(s, o.school)
				d.minutes, _ = r.travelMinutes(s, o.school)
				cost += int64(d.rank)*int64(d.rank)*net.weight + int64(d.minutes)
			case rt.arc >= 0:
				return nil, notProven("the flow of student %q ends nowhere", s.id)
			}
			out[i] = d
		}
		if cost != 0 {
			return nil, notProven("the %s placements cost %d more than their flow", levels()[k], cost)
		}
	}
	return out, nil
}

// result reports the decisions, checks the capacities once more, and
// explains every decision.
func (r *round) result(decisions []decision) (Result, error) {
	res := Result{Placements: []Placement{}, Unplaced: []Unplaced{}, Explanations: []Explanation{}}
	offerLoad := make(map[offerNode]int)
	schoolLoad := make([]int, len(r.schools))
	for i, d := range decisions {
		s := &r.students[i]
		if !d.placed {
			reason := reasonDisplaced
			if !d.eligibleSomewhere {
				reason = r.noEligibleSchool(s)
			}
			res.Unplaced = append(res.Unplaced, Unplaced{Student: s.id, Reason: reason})
			continue
		}
		o := offerNode{d.school, d.subject}
		offerLoad[o]++
		schoolLoad[d.school]++
		if offerLoad[o] > r.places(d.school, d.subject) || schoolLoad[d.school] > r.schools[d.school].capacity {
			return Result{}, notProven("school %q takes more students than it has places", r.schools[d.school].id)
		}
		res.Placements = append(res.Placements, Placement{
			Student: s.id, School: r.schools[d.school].id, Subject: r.subjects[d.subject], Rank: d.rank, TravelMinutes: d.minutes,
		})
		res.Summary.Placed++
		res.Summary.WorstRank = max(res.Summary.WorstRank, d.rank)
		res.Summary.RankCost += int64(d.rank) * int64(d.rank)
		res.Summary.TravelMinutes += int64(d.minutes)
	}

	for i, d := range decisions {
		s := &r.students[i]
		e := Explanation{Student: s.id, NotChosen: []NotChosen{}}
		better := s.preferences
		if d.placed {
			e.School, e.Rank = r.schools[d.school].id, d.rank
			better = s.preferences[:min(d.rank-1, len(s.preferences))]
		}
		for k, x := range better {
			reason, err := r.notChosen(s, x, offerLoad, schoolLoad)
			if err != nil {
				return Result{}, err
			}
			e.NotChosen = append(e.NotChosen, NotChosen{School: r.schools[x].id, Rank: k + 1, Reason: reason})
		}
		res.Explanations = append(res.Explanations, e)
	}
	return res, nil
}

// notChosen explains why student s did not get school x, which they preferred
// to what they got. An eligible school must be full in each of the student's
// subjects it offers: a free place there would make a better allocation.
func (r *round) notChosen(s *student, x int32, offerLoad map[offerNode]int, schoolLoad []int) (string, error) {
	if r.eligibility(s, x) != eligible {
		return r.ineligibility(s, x), nil
	}
	const full = "full: every place there went to a student whose displacement would cost more"
	sc := &r.schools[x]
	if schoolLoad[x] >= sc.capacity {
		return fmt.Sprintf("%s (the school's capacity of %d is reached)", full, sc.capacity), nil
	}
	var taken []string
	for _, j := range s.subjects {
		places := r.places(x, j)
		if places == 0 {
			continue
		}
		if offerLoad[offerNode{x, j}] < places {
			return "", notProven("student %q preferred %q, which has a free place in %s", s.id, sc.id, r.subjects[j])
		}
		taken = append(taken, fmt.Sprintf("%s: all %d places taken", r.subjects[j], places))
	}
	return fmt.Sprintf("%s (%s)", full, strings.Join(taken, "; ")), nil
}
