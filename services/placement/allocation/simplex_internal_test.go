package allocation

import (
	"errors"
	"math/rand/v2"
	"testing"
)

// The network simplex is tested on its own, on random circulation problems
// with negative costs, because the allocation networks only exercise some
// of its cases (unit capacities, one source and sink).

type circulation struct {
	nodes     int32
	from, to  []int32
	capacity  []int64
	cost      []int64
	startFlow []int64
}

func randomCirculation(rng *rand.Rand) circulation {
	c := circulation{nodes: int32(2 + rng.IntN(10))}
	for range rng.IntN(40) {
		u, v := rng.Int32N(c.nodes), rng.Int32N(c.nodes)
		if u == v {
			continue
		}
		c.from, c.to = append(c.from, u), append(c.to, v)
		c.capacity = append(c.capacity, int64(rng.IntN(6)))
		c.cost = append(c.cost, int64(rng.IntN(21)-10))
	}
	c.startFlow = make([]int64, len(c.from))
	return c
}

// cancelNegativeCycles is the reference: it pushes flow around negative
// cycles of the residual graph (found by Bellman-Ford) until none is left,
// and returns the cost.
func cancelNegativeCycles(c circulation) int64 {
	flow := make([]int64, len(c.from))
	n := int(c.nodes)
	for {
		dist, via := make([]int64, n), make([]int, n) // via: residual edge 2a (forward) or 2a+1 (backward)
		for u := range via {
			via[u] = -1
		}
		last := -1
		for range n {
			last = -1
			for a := range c.from {
				u, v := int(c.from[a]), int(c.to[a])
				if flow[a] < c.capacity[a] && dist[u]+c.cost[a] < dist[v] {
					dist[v], via[v], last = dist[u]+c.cost[a], 2*a, v
				}
				if flow[a] > 0 && dist[v]-c.cost[a] < dist[u] {
					dist[u], via[u], last = dist[v]-c.cost[a], 2*a+1, u
				}
			}
		}
		if last < 0 {
			break
		}
		tail := func(e int) int {
			if e%2 == 0 {
				return int(c.from[e/2])
			}
			return int(c.to[e/2])
		}
		for range n {
			last = tail(via[last])
		}
		var cycle []int
		for u := last; ; {
			cycle = append(cycle, via[u])
			if u = tail(via[u]); u == last {
				break
			}
		}
		room := int64(1) << 62
		for _, e := range cycle {
			if a := e / 2; e%2 == 0 {
				room = min(room, c.capacity[a]-flow[a])
			} else {
				room = min(room, flow[a])
			}
		}
		for _, e := range cycle {
			if e%2 == 0 {
				flow[e/2] += room
			} else {
				flow[e/2] -= room
			}
		}
	}
	var total int64
	for a, f := range flow {
		total += f * c.cost[a]
	}
	return total
}

func TestMinCostFlowMatchesCycleCancelling(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(11, 13))
	for round := range 3000 {
		// Given a random circulation problem, starting from no flow
		c := randomCirculation(rng)
		// When the network simplex solves it
		flow, potential, err := minCostFlow(c.nodes, c.from, c.to, c.capacity, c.cost, c.startFlow)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		// Then the flow is a circulation within capacities, the potentials
		// prove it optimal, and its cost is the reference's
		balance := make([]int64, c.nodes)
		var total int64
		for a, f := range flow {
			if f < 0 || f > c.capacity[a] {
				t.Fatalf("round %d: arc %d carries %d of %d", round, a, f, c.capacity[a])
			}
			balance[c.from[a]] -= f
			balance[c.to[a]] += f
			total += f * c.cost[a]
			reduced := c.cost[a] + potential[c.from[a]] - potential[c.to[a]]
			if (reduced < 0 && f < c.capacity[a]) || (reduced > 0 && f > 0) {
				t.Fatalf("round %d: arc %d has reduced cost %d at flow %d of %d", round, a, reduced, f, c.capacity[a])
			}
		}
		for u, b := range balance {
			if b != 0 {
				t.Fatalf("round %d: node %d unbalanced by %d", round, u, b)
			}
		}
		if want := cancelNegativeCycles(c); total != want {
			t.Fatalf("round %d: cost %d, reference %d", round, total, want)
		}
	}
}

func TestMinCostFlowStartsFromAFeasibleFlow(t *testing.T) {
	t.Parallel()
	// Given 2 units sent 0 → 1 → 2 → 0 at cost 3, where 0 → 2 → 0 costs 1
	c := circulation{
		nodes:     3,
		from:      []int32{0, 1, 2, 0},
		to:        []int32{1, 2, 0, 2},
		capacity:  []int64{2, 2, 4, 2},
		cost:      []int64{1, 1, 1, 0},
		startFlow: []int64{2, 2, 2, 0},
	}
	// When the simplex starts from that flow (arc 2→0 strictly inside its bounds)
	flow, _, err := minCostFlow(c.nodes, c.from, c.to, c.capacity, c.cost, c.startFlow)
	if err != nil {
		t.Fatal(err)
	}
	// Then it ends with no flow at all, the cheapest circulation
	for a, f := range flow {
		if f != 0 {
			t.Errorf("arc %d carries %d", a, f)
		}
	}
}

func TestMinCostFlowRefusesACycleStrictlyInsideBounds(t *testing.T) {
	t.Parallel()
	// Given a start flow of 1 around a cycle of arcs of capacity 2
	_, _, err := minCostFlow(2, []int32{0, 1}, []int32{1, 0}, []int64{2, 2}, []int64{1, 1}, []int64{1, 1})
	// When the simplex is asked to start from it, then it refuses: the flow
	// is no spanning tree solution
	if err == nil || errors.Is(err, ErrRoundTooLarge) {
		t.Errorf("error %v, want a refusal of the start flow", err)
	}
}
