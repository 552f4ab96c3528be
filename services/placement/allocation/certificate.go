package allocation

import (
	"errors"
	"fmt"
)

// ErrNotProvenOptimal is returned when the allocation the solver found fails
// its optimality certificate. It means a defect in the solver, never in the
// round: Solve refuses to answer rather than publish an allocation it cannot
// prove best.
var ErrNotProvenOptimal = errors.New("allocation not proven optimal (solver defect)")

// notProven is the error for a failed check of the certificate.
func notProven(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrNotProvenOptimal, fmt.Sprintf(format, args...))
}

// certifyWorstRank checks that no worst rank below worst places as many
// students: the cuts of the networks under the limit worst-1 have, together,
// less capacity than the students placed.
func certifyWorstRank(nets []*network, ranked []rankedFlow, worst int32, placed int64) error {
	if worst <= 1 {
		return nil
	}
	var capacity int64
	for k, net := range nets {
		c, ok := net.cutCapacity(worst-1, ranked[k].cutBelow(worst))
		if !ok {
			return notProven("no cut of the %s network under rank %d", levels()[k], worst-1)
		}
		capacity += c
	}
	if capacity >= placed {
		return notProven("under rank %d the cuts have capacity %d, not below %d", worst-1, capacity, placed)
	}
	return nil
}

// certify checks that flow, of value placed and using arcs up to rank worst,
// is an optimal allocation of the network for that worst rank:
//   - it is a flow: within capacities and conserved at every node;
//   - no more students can be placed: a cut of the whole network has
//     capacity placed;
//   - no cheaper allocation up to rank worst exists: under the potentials no
//     arc that could take more flow has negative reduced cost, and none that
//     could take less has positive reduced cost.
func certify(net *network, placed int64, worst int32, flow, potential []int64) error {
	balance := make([]int64, net.nodes)
	for a := range net.from {
		f := flow[a]
		if f < 0 || f > net.capacity[a] || (f > 0 && net.rank[a] > worst) {
			return notProven("arc %d carries %d, capacity %d, rank %d > %d", a, f, net.capacity[a], net.rank[a], worst)
		}
		balance[net.from[a]] -= f
		balance[net.to[a]] += f
	}
	for u, b := range balance {
		want := int64(0)
		switch int32(u) {
		case sourceNode:
			want = -placed
		case sinkNode:
			want = placed
		}
		if b != want {
			return notProven("node %d has net inflow %d, want %d", u, b, want)
		}
	}

	if c, ok := net.cutCapacity(net.unlistedRank, net.reached(flow)); !ok || c != placed {
		return notProven("%d students placed but the cut has capacity %d", placed, c)
	}

	for a := range net.from {
		if net.rank[a] > worst {
			continue
		}
		reduced := net.cost[a] + potential[net.from[a]] - potential[net.to[a]]
		if (reduced < 0 && flow[a] < net.capacity[a]) || (reduced > 0 && flow[a] > 0) {
			return notProven("arc %d has reduced cost %d with flow %d of %d", a, reduced, flow[a], net.capacity[a])
		}
	}
	return nil
}

// reached is the set of nodes the residual graph of flow reaches from the
// source.
func (n *network) reached(flow []int64) []bool {
	inc := n.incident()
	reached := make([]bool, n.nodes)
	reached[sourceNode] = true
	queue := []int32{sourceNode}
	for i := 0; i < len(queue); i++ {
		u := queue[i]
		for _, a := range inc.arcs[inc.start[u]:inc.start[u+1]] {
			var v int32
			switch {
			case n.from[a] == u && flow[a] < n.capacity[a]:
				v = n.to[a]
			case n.to[a] == u && flow[a] > 0:
				v = n.from[a]
			default:
				continue
			}
			if !reached[v] {
				reached[v] = true
				queue = append(queue, v)
			}
		}
	}
	return reached
}

// cutCapacity is the capacity, counting arcs up to a rank limit, of the cut
// around a set of nodes. It reports false if the set holds the sink or not
// the source, when it is no cut.
func (n *network) cutCapacity(limit int32, inside []bool) (int64, bool) {
	if len(inside) != int(n.nodes) || !inside[sourceNode] || inside[sinkNode] {
		return 0, false
	}
	var capacity int64
	for a := range n.from {
		if n.rank[a] <= limit && inside[n.from[a]] && !inside[n.to[a]] {
			capacity += n.capacity[a]
		}
	}
	return capacity, true
}
