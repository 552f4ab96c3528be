package allocation

import "slices"

// rankedFlow is the outcome of placing the students of a network rank by
// rank.
type rankedFlow struct {
	placed int64
	worst  int32   // the smallest rank limit that places them (0 if none)
	flow   []int64 // a flow placing them within that limit, per network arc
	// limits are the rank limits tried, ascending, and reached holds for
	// each the nodes the residual graph reached from the source once the
	// flow was maximal under it: a cut proving that no more students can be
	// placed under that limit.
	limits  []int32
	reached [][]bool
}

// cutBelow is the cut proving how many students can be placed under the
// limit worst-1, which has the arcs of the last limit tried below worst.
func (rf rankedFlow) cutBelow(worst int32) []bool {
	k, _ := slices.BinarySearch(rf.limits, worst)
	return rf.reached[k-1]
}

// placeByRank finds how many students of a network can be placed and the
// smallest worst rank that places that many: it allows the arcs of the
// smallest rank, then the next, and so on, and after each rank places
// students greedily on free places, then augments the flow to a maximum
// (Dinic's algorithm). Placing students at good ranks first also makes the
// flow a good start for the minimum-cost search.
func placeByRank(net *network) rankedFlow {
	d := newDinic(net)
	var res rankedFlow
	res.limits = append(res.limits, 0)
	for _, r := range net.rank {
		if k, found := slices.BinarySearch(res.limits, r); !found {
			res.limits = slices.Insert(res.limits, k, r)
		}
	}
	for _, limit := range res.limits {
		d.allow(net, limit)
		placed := res.placed + d.greedy(net, limit)
		for d.levels() {
			copy(d.cursor, d.start[:net.nodes])
			for {
				pushed := d.push(sourceNode, int64(len(net.students)))
				if pushed == 0 {
					break
				}
				placed += pushed
			}
		}
		if placed > res.placed {
			res.placed, res.worst = placed, limit
		}
		reached := make([]bool, net.nodes)
		for u, l := range d.level {
			reached[u] = l >= 0
		}
		res.reached = append(res.reached, reached)
	}
	res.flow = make([]int64, len(net.from))
	for a, p := range d.at {
		res.flow[a] = d.residual[d.reverse[p]]
	}
	return res
}

// dinic is the residual graph of the network. Its half-edges are grouped by
// tail node, so that the ones a search scans are adjacent in memory; arc a is
// the half-edge at position at[a], its reverse at reverse[at[a]]. An arc above
// the current rank limit has no residual capacity until allowed.
type dinic struct {
	start    []int32 // half-edges leaving node u are at positions start[u]:start[u+1]
	head     []int32 // per position
	residual []int64 // per position
	reverse  []int32 // per position
	arc      []int32 // per position: the arc the half-edge belongs to
	at       []int32 // per arc
	level    []int32
	cursor   []int32
	queue    []int32
}

func newDinic(net *network) *dinic {
	arcs := len(net.from)
	d := &dinic{
		start:    make([]int32, net.nodes+1),
		head:     make([]int32, 2*arcs),
		residual: make([]int64, 2*arcs),
		reverse:  make([]int32, 2*arcs),
		arc:      make([]int32, 2*arcs),
		at:       make([]int32, arcs),
		level:    make([]int32, net.nodes),
		cursor:   make([]int32, net.nodes),
	}
	for a := range arcs {
		d.start[net.from[a]+1]++
		d.start[net.to[a]+1]++
	}
	for u := range net.nodes {
		d.start[u+1] += d.start[u]
	}
	next := make([]int32, net.nodes)
	copy(next, d.start)
	for a := range arcs {
		u, v := net.from[a], net.to[a]
		p, q := next[u], next[v]
		next[u]++
		next[v]++
		d.at[a] = p
		d.head[p], d.head[q] = v, u
		d.reverse[p], d.reverse[q] = q, p
		d.arc[p], d.arc[q] = int32(a), int32(a)
	}
	return d
}

// allow opens the arcs of one rank.
func (d *dinic) allow(net *network, rank int32) {
	for a, r := range net.rank {
		if r == rank {
			d.residual[d.at[a]] = net.capacity[a]
		}
	}
}

// send moves one unit along an arc.
func (d *dinic) send(a int32) {
	p := d.at[a]
	d.residual[p]--
	d.residual[d.reverse[p]]++
}

// greedy places each unplaced student, in order, on the first offer that an
// arc of the given rank leads to directly and that has a free place,
// returning how many it placed. It spares the augmenting searches most of
// their work.
func (d *dinic) greedy(net *network, rank int32) int64 {
	var placed int64
	for i, admit := range net.admitArc {
		if d.residual[d.at[admit]] == 0 {
			continue
		}
		u := net.studentNode(i)
		for p := d.start[u]; p < d.start[u+1]; p++ {
			offer, a := d.head[p], d.arc[p]
			if d.residual[p] == 0 || net.offerAt[offer] < 0 || d.at[a] != p {
				continue
			}
			toSchool := net.leaveArc[offer]
			toSink := net.leaveArc[net.to[toSchool]]
			if net.rank[a] != rank || toSink < 0 || d.residual[d.at[toSchool]] == 0 || d.residual[d.at[toSink]] == 0 {
				continue
			}
			for _, b := range [...]int32{admit, a, toSchool, toSink} {
				d.send(b)
			}
			placed++
			break
		}
	}
	return placed
}

// levels labels nodes by residual distance from the source (-1 if not
// reached) and reports whether the sink is reachable. It stops at the sink's
// level, since no shortest augmenting path goes further; when the sink is not
// reachable, the labelled nodes are all the residual graph reaches.
func (d *dinic) levels() bool {
	for i := range d.level {
		d.level[i] = -1
	}
	d.level[sourceNode] = 0
	d.queue = append(d.queue[:0], sourceNode)
	for i := 0; i < len(d.queue); i++ {
		u := d.queue[i]
		if l := d.level[sinkNode]; l >= 0 && d.level[u] >= l {
			break
		}
		for p := d.start[u]; p < d.start[u+1]; p++ {
			if v := d.head[p]; d.residual[p] > 0 && d.level[v] < 0 {
				d.level[v] = d.level[u] + 1
				d.queue = append(d.queue, v)
			}
		}
	}
	return d.level[sinkNode] >= 0
}

// push sends up to limit units from u to the sink along one path of
// increasing level, returning how much it sent.
func (d *dinic) push(u int32, limit int64) int64 {
	if u == sinkNode {
		return limit
	}
	for ; d.cursor[u] < d.start[u+1]; d.cursor[u]++ {
		p := d.cursor[u]
		v := d.head[p]
		if d.residual[p] == 0 || d.level[v] != d.level[u]+1 {
			continue
		}
		if sent := d.push(v, min(limit, d.residual[p])); sent > 0 {
			d.residual[p] -= sent
			d.residual[d.reverse[p]] += sent
			return sent
		}
	}
	return 0
}
