package allocation_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"wsms/placement/allocation"
)

const (
	primary   = allocation.Primary
	secondary = allocation.Secondary
)

var maths = []string{"mathematics"}

func TestStudentGetsFirstChoice(t *testing.T) {
	t.Parallel()
	// Given a school with a free place the student listed first
	in := newRound(
		[]allocation.School{
			school("a", primary, "north", 2, offer("mathematics", 2)),
			school("b", primary, "north", 2, offer("mathematics", 2)),
		},
		student("s1", primary, "north", maths, "b", "a"),
	)
	// When the round is solved
	res := solve(t, in)
	// Then the student goes there at rank 1, with nothing to explain
	p, ok := placementOf(res, "s1")
	if !ok || p.School != "b" || p.Subject != "mathematics" || p.Rank != 1 || p.TravelMinutes != 10 {
		t.Fatalf("placement %+v, want s1 at b in mathematics, rank 1, 10 minutes", p)
	}
	if e := explanationOf(res, "s1"); e.School != "b" || e.Rank != 1 || len(e.NotChosen) != 0 {
		t.Errorf("explanation %+v, want rank 1 at b and no schools not chosen", e)
	}
}

func TestLevelMismatchMakesSchoolIneligible(t *testing.T) {
	t.Parallel()
	// Given a primary student who lists only a secondary school
	in := newRound(
		[]allocation.School{school("sec", secondary, "north", 5, offer("mathematics", 5))},
		student("s1", primary, "north", maths, "sec"),
	)
	// When the round is solved
	res := solve(t, in)
	// Then the student is unplaced for lack of an eligible school
	if got := unplacedReason(res, "s1"); got != "no eligible school: level mismatch (1 school)" {
		t.Errorf("reason %q", got)
	}
	if nc := explanationOf(res, "s1").NotChosen; len(nc) != 1 || !strings.HasPrefix(nc[0].Reason, "ineligible: level mismatch") {
		t.Errorf("not chosen %+v, want sec ineligible by level", nc)
	}
}

func TestSubjectNotOfferedMakesSchoolIneligible(t *testing.T) {
	t.Parallel()
	// Given a school offering no mathematics, and one offering it with no places
	in := newRound(
		[]allocation.School{
			school("a", primary, "north", 5, offer("english", 5)),
			school("b", primary, "north", 5, offer("mathematics", 0)),
		},
		student("s1", primary, "north", maths, "a", "b"),
	)
	// When the round is solved
	res := solve(t, in)
	// Then a mathematics student is eligible at neither
	if got := unplacedReason(res, "s1"); got != "no eligible school: subject not offered (2 schools)" {
		t.Errorf("reason %q", got)
	}
	for _, nc := range explanationOf(res, "s1").NotChosen {
		if !strings.HasPrefix(nc.Reason, "ineligible: subject not offered") {
			t.Errorf("%s: %q, want subject not offered", nc.School, nc.Reason)
		}
	}
}

func TestExcludedSchoolIsNeverUsed(t *testing.T) {
	t.Parallel()
	// Given a student excluded from the school they list first and from an
	// unlisted school, with room everywhere
	st := student("s1", primary, "north", maths, "a", "b")
	st.Excluded = []string{"a", "c"}
	in := newRound(
		[]allocation.School{
			school("a", primary, "north", 5, offer("mathematics", 5)),
			school("b", primary, "far", 5, offer("mathematics", 5)),
			school("c", primary, "north", 5, offer("mathematics", 5)),
			school("d", primary, "south", 5, offer("mathematics", 5)),
		},
		st,
	)
	// When the round is solved
	res := solve(t, in)
	// Then the student goes to the only other eligible school, unlisted
	if p, _ := placementOf(res, "s1"); p.School != "d" || p.Rank != 4 {
		t.Errorf("placement %+v, want d at rank 4", p)
	}
	nc := explanationOf(res, "s1").NotChosen
	if len(nc) != 2 || nc[0].Reason != "ineligible: excluded (conflict of interest)" ||
		!strings.HasPrefix(nc[1].Reason, "ineligible: travel over limit") {
		t.Errorf("not chosen %+v", nc)
	}
}

func TestTravelOverLimitMakesSchoolIneligible(t *testing.T) {
	t.Parallel()
	// Given a school 90 minutes away, over the 60-minute limit
	in := newRound(
		[]allocation.School{school("far", primary, "far", 5, offer("mathematics", 5))},
		student("s1", primary, "north", maths, "far"),
	)
	// When the round is solved
	res := solve(t, in)
	// Then the student cannot go there
	if got := unplacedReason(res, "s1"); got != "no eligible school: travel over limit (1 school)" {
		t.Errorf("reason %q", got)
	}
	if nc := explanationOf(res, "s1").NotChosen; nc[0].Reason != "ineligible: travel over limit (90 minutes, limit 60)" {
		t.Errorf("not chosen %+v", nc)
	}
}

func TestOfferPlacesLimitStudentsPerSubject(t *testing.T) {
	t.Parallel()
	// Given one mathematics place at a popular school, with room left at the
	// school in English
	in := newRound(
		[]allocation.School{
			school("pop", primary, "north", 5, offer("mathematics", 1), offer("english", 4)),
			school("other", primary, "north", 5, offer("mathematics", 5)),
		},
		student("s1", primary, "north", maths, "pop", "other"),
		student("s2", primary, "north", maths, "pop", "other"),
	)
	// When the round is solved
	res := solve(t, in)
	// Then one student gets it and the other their second choice, told why
	p1, _ := placementOf(res, "s1")
	p2, _ := placementOf(res, "s2")
	if p1.Rank+p2.Rank != 3 {
		t.Fatalf("ranks %d and %d, want 1 and 2", p1.Rank, p2.Rank)
	}
	second := "s1"
	if p2.Rank == 2 {
		second = "s2"
	}
	want := "full: every place there went to a student whose displacement would cost more (mathematics: all 1 places taken)"
	if nc := explanationOf(res, second).NotChosen; len(nc) != 1 || nc[0].School != "pop" || nc[0].Reason != want {
		t.Errorf("not chosen %+v, want pop: %s", nc, want)
	}
}

func TestSchoolCapacityLimitsStudentsAcrossSubjects(t *testing.T) {
	t.Parallel()
	// Given a school with a place in each of two subjects but room for one
	// student in all
	in := newRound(
		[]allocation.School{
			school("small", primary, "north", 1, offer("mathematics", 1), offer("english", 1)),
			school("other", primary, "south", 5, offer("mathematics", 5), offer("english", 5)),
		},
		student("s1", primary, "north", maths, "small", "other"),
		student("s2", primary, "north", []string{"english"}, "small", "other"),
	)
	// When the round is solved
	res := solve(t, in)
	// Then only one of the two students goes there
	atSmall := 0
	for _, p := range res.Placements {
		if p.School == "small" {
			atSmall++
		}
	}
	if atSmall != 1 || res.Summary.Placed != 2 {
		t.Fatalf("%d students at small, %d placed; want 1 and 2", atSmall, res.Summary.Placed)
	}
	for _, e := range res.Explanations {
		if e.Rank == 2 && e.NotChosen[0].Reason != "full: every place there went to a student whose displacement would cost more (the school's capacity of 1 is reached)" {
			t.Errorf("%s: %q", e.Student, e.NotChosen[0].Reason)
		}
	}
}

func TestUnlistedEligibleSchoolRanksAfterEveryPreference(t *testing.T) {
	t.Parallel()
	// Given a student whose only listed school is full, and a school they
	// did not list with room
	in := newRound(
		[]allocation.School{
			school("listed", primary, "north", 1, offer("mathematics", 1)),
			school("unlisted", primary, "south", 3, offer("mathematics", 3)),
		},
		student("s1", primary, "north", maths, "listed"),
		student("s2", primary, "north", maths, "listed"),
	)
	// When the round is solved
	res := solve(t, in)
	// Then both are placed, one at the unlisted school with rank
	// maxPreferences+1
	if res.Summary.Placed != 2 || res.Summary.WorstRank != in.MaxPreferences+1 {
		t.Fatalf("summary %+v, want 2 placed, worst rank %d", res.Summary, in.MaxPreferences+1)
	}
	for _, p := range res.Placements {
		if p.School == "unlisted" && p.Rank != 4 {
			t.Errorf("unlisted placement at rank %d, want 4", p.Rank)
		}
	}
}

func TestMorePlacedBeatsBetterRanks(t *testing.T) {
	t.Parallel()
	// Given two students who both want school a first; one of them can only
	// go there
	in := newRound(
		[]allocation.School{
			school("a", primary, "north", 1, offer("mathematics", 1)),
			school("b", primary, "far", 1, offer("mathematics", 1)),
		},
		student("flexible", primary, "far", maths, "a", "b"),
		student("stuck", primary, "north", maths, "a"),
	)
	// When the round is solved
	res := solve(t, in)
	// Then the flexible student takes their second choice so both are placed
	if p, _ := placementOf(res, "stuck"); p.School != "a" {
		t.Errorf("stuck placed %+v, want a", p)
	}
	if p, _ := placementOf(res, "flexible"); p.School != "b" || p.Rank != 2 {
		t.Errorf("flexible placed %+v, want b at rank 2", p)
	}
}

func TestWorstRankBeatsSumOfSquaredRanks(t *testing.T) {
	t.Parallel()
	// Given two students and two places, where giving one their first choice
	// leaves the other their fourth (1²+4² = 17), while both can have their
	// third (3²+3² = 18); the fillers are secondary schools, ineligible
	in := newRound(
		[]allocation.School{
			school("p", primary, "north", 1, offer("mathematics", 1)),
			school("q", primary, "north", 1, offer("mathematics", 1)),
			school("f1", secondary, "north", 1, offer("mathematics", 1)),
			school("f2", secondary, "north", 1, offer("mathematics", 1)),
		},
		student("a", primary, "north", maths, "p", "f1", "q"),
		student("b", primary, "north", maths, "f1", "f2", "p", "q"),
	)
	in.MaxPreferences = 4
	// When the round is solved
	res := solve(t, in)
	// Then the smaller worst rank wins despite the larger sum
	if res.Summary.WorstRank != 3 || res.Summary.RankCost != 18 {
		t.Errorf("%s, want worst rank 3 and rank cost 18", objective(res.Summary))
	}
}

func TestRanksBeatTravel(t *testing.T) {
	t.Parallel()
	// Given a student who prefers a school 30 minutes away to one 10 minutes
	// away, both with room
	in := newRound(
		[]allocation.School{
			school("x", primary, "north", 1, offer("mathematics", 1)),
			school("y", primary, "south", 1, offer("mathematics", 1)),
		},
		student("a", primary, "north", maths, "y", "x"),
	)
	// When the round is solved
	res := solve(t, in)
	// Then they get their first choice despite the longer journey
	if p, _ := placementOf(res, "a"); p.School != "y" || p.TravelMinutes != 30 {
		t.Errorf("placement %+v, want y at 30 minutes", p)
	}
}

func TestTravelBreaksTiesOfRanks(t *testing.T) {
	t.Parallel()
	// Given a student indifferent between two unlisted schools, one nearer
	in := newRound(
		[]allocation.School{
			school("near", primary, "north", 1, offer("mathematics", 1)),
			school("farther", primary, "south", 1, offer("mathematics", 1)),
		},
		student("s1", primary, "north", maths),
	)
	// When the round is solved
	res := solve(t, in)
	// Then they go to the nearer one
	if p, _ := placementOf(res, "s1"); p.School != "near" || p.TravelMinutes != 10 {
		t.Errorf("placement %+v, want near at 10 minutes", p)
	}
}

func TestSameRoundGivesByteIdenticalResult(t *testing.T) {
	t.Parallel()
	// Given a round with many ties, once as generated and once shuffled
	in := allocation.Generate(allocation.GenerateConfig{Seed: 7, Students: 300, Schools: 60})
	shuffled := in
	rng := rand.New(rand.NewPCG(1, 2))
	shuffled.Students = append([]allocation.Student(nil), in.Students...)
	shuffled.Schools = append([]allocation.School(nil), in.Schools...)
	rng.Shuffle(len(shuffled.Students), func(i, j int) {
		shuffled.Students[i], shuffled.Students[j] = shuffled.Students[j], shuffled.Students[i]
	})
	rng.Shuffle(len(shuffled.Schools), func(i, j int) {
		shuffled.Schools[i], shuffled.Schools[j] = shuffled.Schools[j], shuffled.Schools[i]
	})
	// When it is solved three times
	var outputs [][]byte
	for _, round := range []allocation.Instance{in, in, shuffled} {
		out, err := json.MarshalIndent(solve(t, round), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		outputs = append(outputs, out)
	}
	// Then the JSON is the same byte for byte
	if !bytes.Equal(outputs[0], outputs[1]) || !bytes.Equal(outputs[0], outputs[2]) {
		t.Error("results differ between identical or reordered rounds")
	}
}

func TestEmptyRoundGivesEmptyLists(t *testing.T) {
	t.Parallel()
	// Given a round with no schools and no students
	// When it is solved
	res := solve(t, newRound(nil))
	// Then every list marshals as [] rather than null
	out, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"placements":[],"unplaced":[],"summary":{"placed":0,"worstRank":0,"rankCost":0,"travelMinutes":0},"explanations":[]}`
	if string(out) != want {
		t.Errorf("got %s\nwant %s", out, want)
	}
}

func TestUnplacedStudentIsToldPlacesWentToOthers(t *testing.T) {
	t.Parallel()
	// Given two students and one place
	in := newRound(
		[]allocation.School{school("a", primary, "north", 1, offer("mathematics", 1))},
		student("s1", primary, "north", maths, "a"),
		student("s2", primary, "north", maths, "a"),
	)
	// When the round is solved
	res := solve(t, in)
	// Then the one left out is told every eligible place went to another
	if len(res.Unplaced) != 1 || res.Unplaced[0].Reason != "all eligible places taken by students whose displacement would cost more" {
		t.Errorf("unplaced %+v", res.Unplaced)
	}
}

func TestGeneratedRoundsAreValidAndRepeatable(t *testing.T) {
	t.Parallel()
	// Given a generator config
	cfg := allocation.GenerateConfig{Seed: 3, Students: 2000, Schools: 400}
	// When it generates twice
	a, b := allocation.Generate(cfg), allocation.Generate(cfg)
	// Then the rounds are the same, valid, and solvable
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Fatal("the same config generated different rounds")
	}
	res := solve(t, a)
	if res.Summary.Placed == 0 {
		t.Error("nobody placed in a generated round")
	}
}

func TestSchoolWithoutCapacityOffersNoPlaces(t *testing.T) {
	t.Parallel()
	// Given a school whose offers list places but whose capacity is 0
	in := newRound(
		[]allocation.School{school("closed", primary, "north", 0, offer("mathematics", 3))},
		student("s1", primary, "north", maths, "closed"),
	)
	// When the round is solved
	res := solve(t, in)
	// Then no student is eligible there
	if got := unplacedReason(res, "s1"); got != "no eligible school: subject not offered (1 school)" {
		t.Errorf("reason %q", got)
	}
}

func TestAbsurdRoundIsRefusedAsTooLarge(t *testing.T) {
	t.Parallel()
	// Given a round whose ranks and travel times cannot be weighed exactly
	// in 64 bits
	in := newRound(
		[]allocation.School{school("a", primary, "north", 1, offer("mathematics", 1))},
		student("s1", primary, "north", maths, "a"),
	)
	in.MaxPreferences = 1 << 40
	in.MaxTravelMinutes = 1 << 40
	in.TravelMinutes["north"]["north"] = 1 << 40
	// When it is solved
	_, err := allocation.Solve(in)
	// Then it is refused as too large, not answered wrongly
	if !errors.Is(err, allocation.ErrRoundTooLarge) {
		t.Errorf("error %v, want ErrRoundTooLarge", err)
	}
}
