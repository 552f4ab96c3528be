package allocation

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// minCostFlow turns a feasible flow into one of least cost, and returns node
// potentials under which no residual arc has negative reduced cost
// cost + potential[from] - potential[to], which proves it optimal. The arcs
// the given flow uses strictly between their bounds must form a forest.
//
// It is a primal network simplex, after LEMON's: block search pricing, a
// strongly feasible spanning tree (the leaving arc is the last blocking arc
// of the cycle), which rules out cycling, and a tree stored as parent,
// preorder thread, subtree size and last successor, so that a pivot costs
// the length of the cycle plus the size of the subtree whose potentials
// change. Starting from a feasible flow skips the usual first phase, in which
// artificial arcs are driven out of the tree; here they join the forest to a
// root without ever carrying flow, because any cycle through the root would
// have to reduce the zero flow on one of them.
func minCostFlow(nodes int32, from, to []int32, capacity, cost, flow []int64) (optimal, potential []int64, err error) {
	s, err := newSimplex(nodes, from, to, capacity, cost, flow)
	if err != nil {
		return nil, nil, err
	}
	for {
		in := s.entering()
		if in < 0 {
			break
		}
		s.pivot(in)
	}
	for e := s.arcs; e < s.arcs+s.nodes; e++ {
		if s.flow[e] != 0 {
			return nil, nil, errors.New("min-cost flow: an artificial arc carries flow")
		}
	}
	return s.flow[:s.arcs], s.potential[:s.nodes], nil
}

// Arc states: an arc outside the spanning tree sits at its lower bound (no
// flow) or at its upper bound (full). Multiplying a reduced cost by the state
// makes "this arc would improve the flow" a negative number in both cases.
const (
	atUpper int8 = -1
	inTree  int8 = 0
	atLower int8 = 1
)

// unboundedFlow is the capacity of the artificial arcs.
const unboundedFlow = math.MaxInt64 / 4

// simplex is the state of a network simplex. Node nodes is the artificial
// root; arc arcs+u is the artificial arc from node u to the root.
type simplex struct {
	nodes, arcs int32

	source, target       []int32
	capacity, cost, flow []int64
	state                []int8
	potential            []int64

	// The spanning tree: each node's parent, the arc to it and whether that
	// arc points up (node → parent); the preorder thread and its reverse;
	// each node's subtree size and last node of its subtree in the thread.
	parent, pred      []int32
	upward            []bool
	thread, revThread []int32
	size, lastSucc    []int32
	dirty             []int32 // scratch: nodes whose thread successor changed

	block, next int32 // pricing block size and where the next block starts
}

func newSimplex(nodes int32, from, to []int32, capacity, cost, flow []int64) (*simplex, error) {
	arcs := int32(len(from))
	var maxCost int64
	for _, c := range cost {
		maxCost = max(maxCost, c, -c)
	}
	if _, ok := mulCapped(maxCost+1, int64(nodes)+1); !ok {
		return nil, fmt.Errorf("%w: arc costs up to %d on %d nodes", ErrRoundTooLarge, maxCost, nodes)
	}
	all, root := arcs+nodes, nodes
	s := &simplex{
		nodes:     nodes,
		arcs:      arcs,
		source:    make([]int32, all),
		target:    make([]int32, all),
		capacity:  make([]int64, all),
		cost:      make([]int64, all),
		flow:      make([]int64, all),
		state:     make([]int8, all),
		potential: make([]int64, nodes+1),
		parent:    make([]int32, nodes+1),
		pred:      make([]int32, nodes+1),
		upward:    make([]bool, nodes+1),
		thread:    make([]int32, nodes+1),
		revThread: make([]int32, nodes+1),
		size:      make([]int32, nodes+1),
		lastSucc:  make([]int32, nodes+1),
		block:     max(10, int32(math.Sqrt(float64(arcs)))),
	}
	copy(s.source, from)
	copy(s.target, to)
	copy(s.capacity, capacity)
	copy(s.cost, cost)
	copy(s.flow, flow)
	for e := range arcs {
		switch f := flow[e]; {
		case f < 0 || f > capacity[e]:
			return nil, fmt.Errorf("min-cost flow: arc %d starts with flow %d outside [0, %d]", e, f, capacity[e])
		case f == 0:
			s.state[e] = atLower
		case f == capacity[e]:
			s.state[e] = atUpper
		default:
			s.state[e] = inTree // arcs strictly between their bounds must be
		}
	}
	for u := range nodes {
		e := arcs + u
		s.source[e], s.target[e], s.capacity[e], s.state[e] = u, root, unboundedFlow, atLower
	}
	if err := s.spanningTree(); err != nil {
		return nil, err
	}
	return s, nil
}

// spanningTree builds the first tree from the flow: the arcs strictly
// between their bounds, joined by arcs at a bound where strong feasibility
// allows (an empty arc pointing towards the root, a full one away from it),
// and by artificial arcs into the root where nothing else does. In the
// allocation network this hangs placed students below the source, their
// offers below them, unplaced students and shared nodes below the offers they
// lead to: one connected tree, so that pivots send flow between real arcs
// instead of degenerately through the root. It fails if the arcs strictly
// between their bounds form a cycle: then the flow is no tree solution.
func (s *simplex) spanningTree() error {
	nodes, arcs, root := s.nodes, s.arcs, s.nodes
	// All real arcs by node.
	first := make([]int32, nodes+1)
	for e := range arcs {
		first[s.source[e]+1]++
		first[s.target[e]+1]++
	}
	for u := range nodes {
		first[u+1] += first[u]
	}
	incident, next := make([]int32, first[nodes]), slices.Clone(first)
	imbalance := make([]int64, nodes)
	for e := range arcs {
		u, v := s.source[e], s.target[e]
		incident[next[u]], incident[next[v]] = e, e
		next[u]++
		next[v]++
		imbalance[u] += s.flow[e]
		imbalance[v] -= s.flow[e]
	}

	joined := make([]bool, nodes)
	queue := make([]int32, 0, nodes)
	// hang joins the component of free arcs around entry to the tree, with
	// entry below parent by arc.
	hang := func(entry, parent, arc int32) error {
		s.link(entry, parent, arc)
		joined[entry] = true
		queue = append(queue, entry)
		for k := len(queue) - 1; k < len(queue); k++ {
			u := queue[k]
			for _, e := range incident[first[u]:first[u+1]] {
				if s.state[e] != inTree || e == s.pred[u] {
					continue
				}
				v := s.source[e] + s.target[e] - u
				if joined[v] {
					return errors.New("min-cost flow: the arcs strictly between their bounds form a cycle")
				}
				s.link(v, u, e)
				joined[v] = true
				queue = append(queue, v)
			}
		}
		return nil
	}

	tops := make([]int32, 0, nodes+1)
	if nodes > 0 {
		tops = append(tops, int32(slices.Index(imbalance, slices.Max(imbalance))))
	}
	for u := range nodes {
		tops = append(tops, u)
	}
	s.parent[root], s.pred[root] = -1, -1
	done := 0 // queue[:done] had their arcs at a bound looked at
	for _, top := range tops {
		if joined[top] {
			continue
		}
		s.state[s.arcs+top] = inTree
		if err := hang(top, root, arcs+top); err != nil {
			return err
		}
		for ; done < len(queue); done++ {
			x := queue[done]
			for _, e := range incident[first[x]:first[x+1]] {
				y := s.source[e] + s.target[e] - x
				if joined[y] || s.state[e] == inTree || s.capacity[e] == 0 {
					continue
				}
				full, empty := s.state[e] == atUpper, s.state[e] == atLower
				if (full && s.source[e] == x) || (empty && s.target[e] == x) {
					if err := hang(y, x, e); err != nil {
						return err
					}
				}
			}
		}
	}

	// Thread the tree in depth-first order, then count subtrees bottom up.
	firstChild, sibling := slices.Repeat([]int32{-1}, int(nodes)+1), make([]int32, nodes+1)
	for u := nodes - 1; u >= 0; u-- {
		p := s.parent[u]
		sibling[u], firstChild[p] = firstChild[p], u
	}
	order, stack := make([]int32, 0, nodes+1), []int32{root}
	for len(stack) > 0 {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		order = append(order, u)
		for c := firstChild[u]; c >= 0; c = sibling[c] {
			stack = append(stack, c)
		}
	}
	for k, u := range order {
		v := order[(k+1)%len(order)]
		s.thread[u], s.revThread[v] = v, u
		s.size[u], s.lastSucc[u] = 1, u
	}
	for _, u := range slices.Backward(order[1:]) {
		p := s.parent[u]
		s.size[p] += s.size[u]
		if s.lastSucc[p] == p { // u is p's last child in the thread
			s.lastSucc[p] = s.lastSucc[u]
		}
	}
	return nil
}

// link makes tree arc e the way from node u up to its parent p, and sets u's
// potential so that e has zero reduced cost.
func (s *simplex) link(u, p, e int32) {
	s.parent[u], s.pred[u], s.upward[u] = p, e, s.source[e] == u
	if s.upward[u] {
		s.potential[u] = s.potential[p] - s.cost[e]
	} else {
		s.potential[u] = s.potential[p] + s.cost[e]
	}
}

// entering is the arc to bring into the tree: the most improving arc of the
// first block of arcs that has one, or -1 if no arc improves the flow.
func (s *simplex) entering() int32 {
	best, least := int32(-1), int64(0)
	potential, e := s.potential, s.next
	for scanned := int32(0); scanned < s.arcs && best < 0; {
		end := min(e+s.block, s.arcs, e+s.arcs-scanned)
		state := s.state[e:end]
		cost, source, target := s.cost[e:end], s.source[e:end], s.target[e:end]
		cost, source, target = cost[:len(state)], source[:len(state)], target[:len(state)]
		for k, st := range state {
			if c := int64(st) * (cost[k] + potential[source[k]] - potential[target[k]]); c < least {
				best, least = e+int32(k), c
			}
		}
		scanned += end - e
		if e = end; e == s.arcs {
			e = 0
		}
	}
	s.next = e
	return best
}

// join is the nearest common ancestor of u and v in the tree.
func (s *simplex) join(u, v int32) int32 {
	for u != v {
		if s.size[u] < s.size[v] {
			u = s.parent[u]
		} else {
			v = s.parent[v]
		}
	}
	return u
}

// room is how much flow the tree arc above u can take in one direction.
func (s *simplex) room(u int32, increase bool) int64 {
	e := s.pred[u]
	switch {
	case !increase:
		return s.flow[e]
	case s.capacity[e] >= unboundedFlow:
		return unboundedFlow
	default:
		return s.capacity[e] - s.flow[e]
	}
}

// pivot sends flow around the cycle the entering arc closes and exchanges it
// for the cycle's leaving arc.
func (s *simplex) pivot(in int32) {
	// Flow goes around the cycle first → second along the entering arc,
	// then up from second to join and down from join to first.
	first, second := s.source[in], s.target[in]
	if s.state[in] == atUpper {
		first, second = second, first
	}
	join := s.join(first, second)
	delta, out, side := s.capacity[in], int32(-1), 0
	for u := first; u != join; u = s.parent[u] {
		if d := s.room(u, !s.upward[u]); d < delta {
			delta, out, side = d, u, 1
		}
	}
	for u := second; u != join; u = s.parent[u] {
		if d := s.room(u, s.upward[u]); d <= delta {
			delta, out, side = d, u, 2
		}
	}
	if delta > 0 {
		if s.state[in] == atLower {
			s.flow[in] += delta
		} else {
			s.flow[in] -= delta
		}
		for u := first; u != join; u = s.parent[u] {
			if s.upward[u] {
				s.flow[s.pred[u]] -= delta
			} else {
				s.flow[s.pred[u]] += delta
			}
		}
		for u := second; u != join; u = s.parent[u] {
			if s.upward[u] {
				s.flow[s.pred[u]] += delta
			} else {
				s.flow[s.pred[u]] -= delta
			}
		}
	}
	if side == 0 { // the entering arc blocks itself: it only changes bound
		s.state[in] = -s.state[in]
		return
	}
	leaving := s.pred[out]
	if s.flow[leaving] == 0 {
		s.state[leaving] = atLower
	} else {
		s.state[leaving] = atUpper
	}
	s.state[in] = inTree
	uIn, vIn := first, second
	if side == 2 {
		uIn, vIn = second, first
	}
	s.rehang(uIn, vIn, out, join, in)

	// Shift the potentials of the moved subtree so that the entering arc
	// has zero reduced cost, as every tree arc must.
	shift := s.potential[vIn] - s.potential[uIn]
	if s.upward[uIn] {
		shift -= s.cost[in]
	} else {
		shift += s.cost[in]
	}
	end := s.thread[s.lastSucc[uIn]]
	for u := uIn; u != end; u = s.thread[u] {
		s.potential[u] += shift
	}
}

// rehang cuts the subtree below the leaving arc (above out), re-roots it at
// uIn and hangs it below vIn by the entering arc. Only the thread around the
// stem (the path from uIn up to out) and the sizes and last successors on
// the paths to join change.
func (s *simplex) rehang(uIn, vIn, out, join, in int32) {
	oldRevThread, oldSize, oldLastSucc := s.revThread[out], s.size[out], s.lastSucc[out]
	vOut := s.parent[out]

	if uIn == out {
		s.parent[uIn], s.pred[uIn], s.upward[uIn] = vIn, in, uIn == s.source[in]
		if s.thread[vIn] != out {
			after := s.thread[oldLastSucc]
			s.thread[oldRevThread], s.revThread[after] = after, oldRevThread
			after = s.thread[vIn]
			s.thread[vIn], s.revThread[out] = out, vIn
			s.thread[oldLastSucc], s.revThread[after] = after, oldLastSucc
		}
	} else {
		// If out came right after vIn in the thread, join is vOut.
		threadContinue := s.thread[vIn]
		if oldRevThread == vIn {
			threadContinue = s.thread[oldLastSucc]
		}
		// Walk up the stem, moving each stem node's subtree (without the
		// next stem node) after its new parent in the thread.
		stem, parentStem, last := uIn, vIn, s.lastSucc[uIn]
		after := s.thread[last]
		s.thread[vIn] = uIn
		dirty := append(s.dirty[:0], vIn)
		for stem != out {
			nextStem := s.parent[stem]
			s.thread[last] = nextStem
			dirty = append(dirty, last)
			before := s.revThread[stem]
			s.thread[before], s.revThread[after] = after, before
			s.parent[stem] = parentStem
			parentStem, stem = stem, nextStem
			if s.lastSucc[stem] == s.lastSucc[parentStem] {
				last = s.revThread[parentStem]
			} else {
				last = s.lastSucc[stem]
			}
			after = s.thread[last]
		}
		s.parent[out] = parentStem
		s.thread[last], s.revThread[threadContinue] = threadContinue, last
		s.lastSucc[out] = last
		if oldRevThread != vIn {
			s.thread[oldRevThread], s.revThread[after] = after, oldRevThread
		}
		for _, u := range dirty {
			s.revThread[s.thread[u]] = u
		}
		s.dirty = dirty
		// Reverse the tree arcs of the stem, from out down to uIn.
		size, lastSucc := int32(0), s.lastSucc[out]
		for u, p := out, s.parent[out]; u != uIn; u, p = p, s.parent[p] {
			s.pred[u], s.upward[u] = s.pred[p], !s.upward[p]
			size += s.size[u] - s.size[p]
			s.size[u] = size
			s.lastSucc[p] = lastSucc
		}
		s.pred[uIn], s.upward[uIn], s.size[uIn] = in, uIn == s.source[in], oldSize
	}

	// Fix the last successors from vIn and from vOut up towards the root.
	upLimitOut := int32(-1)
	if s.lastSucc[join] == vIn {
		upLimitOut = join
	}
	lastSuccOut := s.lastSucc[out]
	for u := vIn; u != -1 && s.lastSucc[u] == vIn; u = s.parent[u] {
		s.lastSucc[u] = lastSuccOut
	}
	switch {
	case join != oldRevThread && vIn != oldRevThread:
		for u := vOut; u != upLimitOut && s.lastSucc[u] == oldLastSucc; u = s.parent[u] {
			s.lastSucc[u] = oldRevThread
		}
	case lastSuccOut != oldLastSucc:
		for u := vOut; u != upLimitOut && s.lastSucc[u] == oldLastSucc; u = s.parent[u] {
			s.lastSucc[u] = lastSuccOut
		}
	}
	// Fix the subtree sizes on the paths from vIn and from vOut to join.
	for u := vIn; u != join; u = s.parent[u] {
		s.size[u] += oldSize
	}
	for u := vOut; u != join; u = s.parent[u] {
		s.size[u] -= oldSize
	}
}
