package allocation

import (
	"cmp"
	"errors"
	"fmt"
	"math/bits"
	"slices"
)

// ErrRoundTooLarge is returned when a round's costs cannot be computed
// exactly in 64-bit integers (absurd maxPreferences or travel times); it is
// never returned for realistic rounds.
var ErrRoundTooLarge = errors.New("round too large for exact 64-bit costs")

// The two fixed nodes of every network.
const (
	sourceNode int32 = 0
	sinkNode   int32 = 1
)

// costCeiling bounds every cost and cost-derived number the solver computes,
// leaving headroom in int64 for sums and differences of node potentials.
const costCeiling = 1 << 60

// network is the flow network of the students and schools of one level.
// Levels never mix, so each level is a problem of its own, and the levels
// are solved side by side. Every arc carries the rank that a unit of flow
// through it gives a student (0 for arcs that decide no rank), so that the
// network for a rank limit is a filter over one arc list, not a copy.
type network struct {
	nodes int32
	// students are the round's students of the level; the k-th is node 2+k.
	students []int32
	// weight makes one step of rank² outweigh any total travel time: it
	// exceeds the travel of all students at the longest allowed journey.
	// An arc's cost is rank²·weight + travel minutes.
	weight int64
	// unlistedRank is the rank of an eligible school a student did not list,
	// the highest rank of any arc.
	unlistedRank int32
	from, to     []int32
	capacity     []int64
	cost         []int64
	rank         []int32

	offerAt []int32 // per node: its position in offers, or -1
	offers  []offerNode
	// admitArc is, per student, the arc from the source to them; leaveArc
	// is, per node, the one arc from an offer to its school or from a
	// school to the sink (-1 for other nodes, or a school of no capacity).
	admitArc []int32
	leaveArc []int32
	// hasChoice says, per student, whether any school is open to them.
	hasChoice []bool

	incidence *incidence // built on first use
}

// offerNode is a node standing for the places of one school in one subject.
type offerNode struct{ school, subject int32 }

// studentNode is the node of the network's k-th student.
func (n *network) studentNode(k int) int32 { return 2 + int32(k) }

// addNode adds a node that is neither an offer nor a school.
func (n *network) addNode() int32 {
	n.offerAt = append(n.offerAt, -1)
	n.leaveArc = append(n.leaveArc, -1)
	n.nodes++
	return n.nodes - 1
}

// addArc adds an arc and returns its index.
func (n *network) addArc(from, to int32, capacity, cost int64, rank int32) int32 {
	n.from = append(n.from, from)
	n.to = append(n.to, to)
	n.capacity = append(n.capacity, capacity)
	n.cost = append(n.cost, cost)
	n.rank = append(n.rank, rank)
	n.incidence = nil
	return int32(len(n.from) - 1)
}

// incidence lists, per node, the arcs that leave or enter it.
type incidence struct {
	start []int32 // arcs of node u are arcs[start[u]:start[u+1]]
	arcs  []int32
}

// incident is the arcs of each node, listed once and kept.
func (n *network) incident() *incidence {
	if n.incidence != nil {
		return n.incidence
	}
	start := make([]int32, n.nodes+1)
	for a := range n.from {
		start[n.from[a]+1]++
		start[n.to[a]+1]++
	}
	for u := range n.nodes {
		start[u+1] += start[u]
	}
	next := slices.Clone(start[:n.nodes])
	arcs := make([]int32, 2*len(n.from))
	for a := range n.from {
		for _, u := range [2]int32{n.from[a], n.to[a]} {
			arcs[next[u]] = int32(a)
			next[u]++
		}
	}
	n.incidence = &incidence{start: start, arcs: arcs}
	return n.incidence
}

// builder turns the students and schools of one level into a network.
type builder struct {
	r            *round
	net          *network
	schools      []int32 // the round's schools of the level
	unlistedCost int64   // rank cost of an unlisted school, without travel
	longest      int64   // the longest journey allowed, in minutes
	unbounded    int64   // capacity of arcs that only share flow: every student

	offerNodes [][]int32 // per school, per offer: its node, or -1 without places
	// groups holds, per subject and district, the offers there.
	groups map[groupKey]*fanOut
	// groupDistricts holds, per subject, the districts with a group,
	// ascending.
	groupDistricts map[int32][]int32
	// reaches holds, per subject and student district, the groups within
	// travel reach.
	reaches map[groupKey]*fanOut
}

type groupKey struct{ subject, district int32 }

// fanOut reaches a list of targets, each at its own cost: through one node
// for all of them, or through the lazily built nodes of a segment tree over
// the list when a student must reach all but a few.
type fanOut struct {
	keys    []int32 // what each target stands for (a school or district), ascending
	targets []entry
	root    int32 // -1 until needed
	spans   map[[2]int]int32
}

// entry is a node to send flow into, at a cost.
type entry struct {
	node int32
	cost int64
}

func newFanOut() *fanOut { return &fanOut{root: -1, spans: map[[2]int]int32{}} }

// levels are the school levels, in the order their networks are kept.
func levels() [2]Level { return [...]Level{Primary, Secondary} }

// buildNetworks builds the network of each level of a round.
func buildNetworks(r *round) ([]*network, error) {
	var nets []*network
	for _, level := range levels() {
		b, err := newBuilder(r, level)
		if err != nil {
			return nil, err
		}
		b.addSchools()
		for k := range b.net.students {
			b.addStudent(k)
		}
		// The simplex's potentials are sums of costs along paths.
		if _, ok := mulCapped(b.unlistedCost+b.longest+1, int64(b.net.nodes)+1); !ok {
			return nil, tooLarge(r, level, len(b.net.students), b.longest)
		}
		nets = append(nets, b.net)
	}
	return nets, nil
}

func newBuilder(r *round, level Level) (*builder, error) {
	var students, schools []int32
	for i := range r.students {
		if r.students[i].level == level {
			students = append(students, int32(i))
		}
	}
	for x := range r.schools {
		if r.schools[x].level == level {
			schools = append(schools, int32(x))
		}
	}

	longest := 0
	for _, m := range r.travel {
		if m <= r.maxTravel {
			longest = max(longest, m)
		}
	}
	weight, ok := mulCapped(int64(len(students)), int64(longest))
	unlisted := int64(r.maxPreferences) + 1
	var square, unlistedCost int64
	if ok {
		weight++
		square, ok = mulCapped(unlisted, unlisted)
	}
	if ok {
		unlistedCost, ok = mulCapped(square, weight)
	}
	if !ok || unlistedCost+int64(longest) > costCeiling || unlisted > 1<<30 {
		return nil, tooLarge(r, level, len(students), int64(longest))
	}
	nodes := 2 + len(students) + len(schools)
	net := &network{
		nodes:        int32(nodes),
		students:     students,
		weight:       weight,
		unlistedRank: int32(unlisted),
		offerAt:      slices.Repeat([]int32{-1}, nodes),
		leaveArc:     slices.Repeat([]int32{-1}, nodes),
		admitArc:     make([]int32, len(students)),
		hasChoice:    make([]bool, len(students)),
	}
	return &builder{
		r:              r,
		net:            net,
		schools:        schools,
		unlistedCost:   unlistedCost,
		longest:        int64(longest),
		unbounded:      max(1, int64(len(students))),
		offerNodes:     make([][]int32, len(r.schools)),
		groups:         map[groupKey]*fanOut{},
		groupDistricts: map[int32][]int32{},
		reaches:        map[groupKey]*fanOut{},
	}, nil
}

func tooLarge(r *round, level Level, students int, longest int64) error {
	return fmt.Errorf("%w: %d %s students, maxPreferences %d, journeys up to %d minutes",
		ErrRoundTooLarge, students, level, r.maxPreferences, longest)
}

// mulCapped multiplies two non-negative numbers, reporting false if the
// product exceeds costCeiling.
func mulCapped(a, b int64) (int64, bool) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > costCeiling {
		return 0, false
	}
	return int64(lo), true
}

// rankCost is the cost of a placement at a rank, before travel.
func (b *builder) rankCost(rank int) int64 {
	return int64(rank) * int64(rank) * b.net.weight
}

// addSchools adds the offers and schools: offer → school (places) → sink
// (capacity), and groups the offers for unlisted placements.
func (b *builder) addSchools() {
	net, r := b.net, b.r
	for k, x := range b.schools {
		sc := &r.schools[x]
		schoolNode := 2 + int32(len(net.students)) + int32(k)
		b.offerNodes[x] = make([]int32, len(sc.offers))
		for k, o := range sc.offers {
			b.offerNodes[x][k] = -1
			if o.places == 0 || sc.capacity == 0 {
				continue
			}
			node := net.addNode()
			b.offerNodes[x][k] = node
			net.offerAt[node] = int32(len(net.offers))
			net.offers = append(net.offers, offerNode{school: x, subject: o.subject})
			net.leaveArc[node] = net.addArc(node, schoolNode, int64(o.places), 0, 0)

			key := groupKey{o.subject, sc.district}
			g, ok := b.groups[key]
			if !ok {
				g = newFanOut()
				b.groups[key] = g
				b.groupDistricts[o.subject] = append(b.groupDistricts[o.subject], sc.district)
			}
			g.keys = append(g.keys, x)
			g.targets = append(g.targets, entry{node: node})
		}
		if sc.capacity > 0 {
			net.leaveArc[schoolNode] = net.addArc(schoolNode, sinkNode, int64(sc.capacity), 0, 0)
		}
	}
	for _, districts := range b.groupDistricts {
		slices.Sort(districts)
	}
}

// offerNode is the node of school x's places in a subject, or -1.
func (b *builder) offerNode(x, subject int32) int32 {
	k, ok := slices.BinarySearchFunc(b.r.schools[x].offers, subject, func(o schoolOffer, j int32) int { return cmp.Compare(o.subject, j) })
	if !ok {
		return -1
	}
	return b.offerNodes[x][k]
}

// addStudent adds the arcs of the network's k-th student: one per eligible
// listed school and subject, and a few that reach every eligible unlisted
// school.
func (b *builder) addStudent(k int) {
	net, r := b.net, b.r
	s := &r.students[net.students[k]]
	node := net.studentNode(k)
	net.admitArc[k] = net.addArc(sourceNode, node, 1, 0, 0)
	for p, x := range s.preferences {
		if r.eligibility(s, x) != eligible {
			continue
		}
		minutes, _ := r.travelMinutes(s, x)
		cost := b.rankCost(p+1) + int64(minutes)
		for _, j := range s.subjects {
			if offer := b.offerNode(x, j); offer >= 0 {
				b.choice(k, entry{offer, cost}, int32(p+1))
			}
		}
	}
	for _, j := range s.subjects {
		b.unlisted(k, j)
	}
}

// choice adds an arc from the k-th student to an entry.
func (b *builder) choice(k int, e entry, rank int32) {
	b.net.addArc(b.net.studentNode(k), e.node, 1, e.cost, rank)
	b.net.hasChoice[k] = true
}

// unlisted lets the k-th student reach, in subject j, every school of their
// level within travel reach except the ones they are excluded from. It also
// reaches their listed schools, but at the unlisted rank: a cheaper arc to
// those exists, so an optimal flow never uses this way there.
func (b *builder) unlisted(k int, j int32) {
	r := b.r
	s := &r.students[b.net.students[k]]
	reach := b.reach(j, s.district)
	if len(reach.targets) == 0 {
		return
	}
	// The excluded schools reach would lead to: (district, school) positions.
	var blocked [][2]int
	for _, x := range s.excluded {
		sc := &r.schools[x]
		if sc.level != s.level {
			continue
		}
		p, ok := slices.BinarySearch(reach.keys, sc.district)
		if !ok {
			continue
		}
		g := b.groups[groupKey{j, sc.district}]
		if q, ok := slices.BinarySearch(g.keys, x); ok {
			blocked = append(blocked, [2]int{p, q})
		}
	}
	if len(blocked) == 0 {
		b.choice(k, b.enter(reach, 0, len(reach.targets)), b.net.unlistedRank)
		return
	}
	slices.SortFunc(blocked, func(a, b [2]int) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	var districts []int
	for _, pq := range blocked {
		if len(districts) == 0 || districts[len(districts)-1] != pq[0] {
			districts = append(districts, pq[0])
		}
	}
	for _, e := range b.cover(reach, districts) {
		b.choice(k, e, b.net.unlistedRank)
	}
	for _, p := range districts {
		var schools []int
		for _, pq := range blocked {
			if pq[0] == p {
				schools = append(schools, pq[1])
			}
		}
		g := b.groups[groupKey{j, reach.keys[p]}]
		for _, e := range b.cover(g, schools) {
			b.choice(k, entry{e.node, reach.targets[p].cost + e.cost}, b.net.unlistedRank)
		}
	}
}

// reach is the fan-out from the students of a district, in subject j, to
// the groups of offers within travel reach, at the unlisted rank cost plus
// the travel time.
func (b *builder) reach(j, district int32) *fanOut {
	key := groupKey{j, district}
	if f, ok := b.reaches[key]; ok {
		return f
	}
	f := newFanOut()
	for _, to := range b.groupDistricts[j] {
		minutes, ok := b.r.travel[districtPair{district, to}]
		if !ok || minutes > b.r.maxTravel {
			continue
		}
		g := b.groups[groupKey{j, to}]
		e := b.enter(g, 0, len(g.targets))
		f.keys = append(f.keys, to)
		f.targets = append(f.targets, entry{e.node, b.unlistedCost + int64(minutes) + e.cost})
	}
	b.reaches[key] = f
	return f
}

// enter is where to send flow to reach exactly targets[lo:hi] of a fan-out:
// the target itself, the node for all targets, or a segment tree node.
func (b *builder) enter(f *fanOut, lo, hi int) entry {
	switch {
	case hi-lo == 1:
		return f.targets[lo]
	case lo == 0 && hi == len(f.targets):
		if f.root < 0 {
			f.root = b.net.addNode()
			for _, t := range f.targets {
				b.net.addArc(f.root, t.node, b.unbounded, t.cost, b.net.unlistedRank)
			}
		}
		return entry{node: f.root}
	}
	span := [2]int{lo, hi}
	if node, ok := f.spans[span]; ok {
		return entry{node: node}
	}
	node := b.net.addNode()
	f.spans[span] = node
	mid := (lo + hi) / 2
	for _, child := range [2]entry{b.enter(f, lo, mid), b.enter(f, mid, hi)} {
		b.net.addArc(node, child.node, b.unbounded, child.cost, b.net.unlistedRank)
	}
	return entry{node: node}
}

// cover is the entries that together reach every target of a fan-out except
// the ones at the skipped positions (ascending), each exactly once.
func (b *builder) cover(f *fanOut, skip []int) []entry {
	var out []entry
	var walk func(lo, hi, from, to int)
	walk = func(lo, hi, from, to int) {
		if from >= to || to <= lo || hi <= from {
			return
		}
		if from <= lo && hi <= to {
			out = append(out, b.enter(f, lo, hi))
			return
		}
		mid := (lo + hi) / 2
		walk(lo, mid, from, to)
		walk(mid, hi, from, to)
	}
	from := 0
	for _, s := range skip {
		walk(0, len(f.targets), from, s)
		from = s + 1
	}
	walk(0, len(f.targets), from, len(f.targets))
	return out
}
