package graph_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"

	"wsms/events"
	"wsms/events/placement"
	"wsms/projections/placements"
	"wsms/projections/projectiontest"
)

// The round view and school pages are read from rows the placements
// projection wrote from events, through the real executable schema, as
// each role.

// The viewers of the round view's tests: the staff of Harbour and
// Hillside, and two student-teachers.
var (
	harbourCoordinator = events.Actor{ID: "k-harbour", Role: events.RoleSchoolCoordinator, SchoolID: "harbour"}
	harbourMentor      = events.Actor{ID: "t-lee", Role: events.RoleMentor, SchoolID: "harbour"}
	hillsideMentor     = events.Actor{ID: "t-wong", Role: events.RoleMentor, SchoolID: "hillside"}
	plAmy              = events.Actor{ID: "amy", Role: events.RoleStudentTeacher}
	plBen              = events.Actor{ID: "ben", Role: events.RoleStudentTeacher}
	plOffice           = events.Actor{ID: "office-1", Role: events.RoleOffice}
)

// placementWorld is the 2027/28 round, published: Harbour hosts Amy
// (confirmed, with Mr Lee as mentor), Cat, and Ben, whom Hillside declined
// before he was placed again; Dan is unplaced; Lakeside's calendar left it
// out. The 2028/29 round is allocated, not published: Amy is proposed to
// Harbour. The 2026/27 round is closed.
func placementWorld(t *testing.T) *client.Client {
	t.Helper()
	h := projectiontest.New(t, placements.Projection)
	school := func(id, name, district string, level placement.Level) {
		h.Record(t, "placement", "school-"+id, plOffice, placement.SchoolRegistered{SchoolID: id, Name: name, District: district, Level: level,
			Contact: placement.Contact{Name: "Contact of " + name, Email: id + "@school.example"}})
	}
	school("harbour", "Harbour Secondary", "Central", placement.Secondary)
	school("hillside", "Hillside Secondary", "Kowloon", placement.Secondary)
	school("lakeside", "Lakeside Primary", "Central", placement.Primary)
	h.Record(t, "placement", "school-harbour", plOffice,
		placement.PartnershipAgreementSigned{SchoolID: "harbour", AgreementID: "agreement-harbour", FirstSchoolYear: 2027, Years: 3,
			CoreSubjects: []string{"English", "History"}, MinPlaces: 6, MaxPlaces: 8, EnglishKLA: true},
		placement.PartnershipAgreementRenewed{SchoolID: "harbour", AgreementID: "agreement-harbour", FirstSchoolYear: 2030, Years: 2},
		placement.TeacherAdded{SchoolID: "harbour", TeacherID: "t-lee", Name: "Mr Lee", Email: "lee@harbour.example"},
		placement.TeacherMentorNamed{SchoolID: "harbour", TeacherID: "t-lee", Subjects: []string{"English"}, LoadLimit: 2})
	h.Record(t, "placement", "school-hillside", plOffice,
		placement.TeacherAdded{SchoolID: "hillside", TeacherID: "t-wong", Name: "Ms Wong", Email: "wong@hillside.example"})

	h.Record(t, "placement", "round-r2026", plOffice, plOpened("r2026", "Practicum 2026/27", 2026), placement.PlacementRoundClosed{RoundID: "r2026"})

	h.Record(t, "placement", "round-r2027", plOffice, plOpened("r2027", "Practicum 2027/28", 2027))
	h.Record(t, "placement", "offer-r2027-harbour", harbourCoordinator, plOffer("r2027", "harbour", "Harbour Secondary", 3,
		placement.OfferedPlaces{Subject: "English", Places: 2}, placement.OfferedPlaces{Subject: "History", Places: 1}))
	h.Record(t, "placement", "offer-r2027-hillside", hillsideMentor, plOffer("r2027", "hillside", "Hillside Secondary", 1,
		placement.OfferedPlaces{Subject: "English", Places: 1}))
	h.Record(t, "placement", "offer-r2027-lakeside", plOffice, plOffer("r2027", "lakeside", "Lakeside Primary", 1,
		placement.OfferedPlaces{Subject: "Mathematics", Places: 1}))
	for _, s := range []struct {
		id, name, subject string
		preferences       []string
	}{
		{"amy", "Amy Au", "English", []string{"harbour", "hillside"}},
		{"ben", "Ben Bo", "English", []string{"hillside", "harbour"}},
		{"cat", "Cat Chu", "History", []string{"harbour"}},
		{"dan", "Dan Du", "Mathematics", []string{"lakeside"}},
	} {
		h.Record(t, "placement", "student-r2027-"+s.id, plOffice,
			placement.StudentTeacherRegistered{RoundID: "r2027", StudentID: s.id, Name: s.name, Email: s.id + "@uni.example",
				Level: placement.Secondary, Subjects: []string{s.subject}, HomeDistrict: "Central"},
			placement.PreferencesSubmitted{RoundID: "r2027", StudentID: s.id, SchoolIDs: s.preferences})
	}
	h.Record(t, "placement", "round-r2027", plOffice, placement.AllocationRecorded{RoundID: "r2027",
		Placements: []placement.Placement{
			{StudentID: "amy", SchoolID: "harbour", Subject: "English", Rank: 1, TravelMinutes: 10},
			{StudentID: "ben", SchoolID: "hillside", Subject: "English", Rank: 1, TravelMinutes: 35},
			{StudentID: "cat", SchoolID: "harbour", Subject: "History", Rank: 1, TravelMinutes: 10},
		},
		Unplaced: []placement.Unplaced{{StudentID: "dan", Reason: "no eligible school offers Mathematics"}},
		Explanations: []placement.Explanation{
			{StudentID: "amy", SchoolID: "harbour", Rank: 1}, {StudentID: "ben", SchoolID: "hillside", Rank: 1},
			{StudentID: "cat", SchoolID: "harbour", Rank: 1},
			{StudentID: "dan", NotChosen: []placement.NotChosen{{SchoolID: "lakeside", Rank: 1, Reason: "ineligible: examinations in the window"}}},
		},
		Summary:           placement.AllocationSummary{Placed: 3, WorstRank: 1, RankCost: 3, TravelMinutes: 55},
		IneligibleSchools: []placement.IneligibleSchool{{SchoolID: "lakeside", Reason: "examinations in the window"}},
	}, placement.AllocationPublished{RoundID: "r2027"})
	h.Record(t, "placement", "round-r2027", harbourCoordinator,
		placement.PlacementConfirmed{RoundID: "r2027", StudentID: "amy", SchoolID: "harbour", Subject: "English"},
		placement.MentorAssigned{RoundID: "r2027", StudentID: "amy", SchoolID: "harbour", TeacherID: "t-lee"})
	h.Record(t, "placement", "round-r2027", hillsideMentor,
		placement.PlacementDeclined{RoundID: "r2027", StudentID: "ben", SchoolID: "hillside", Reason: "no English mentor free"},
		placement.StudentTeacherReallocated{RoundID: "r2027", StudentID: "ben",
			Placement: &placement.Placement{StudentID: "ben", SchoolID: "harbour", Subject: "English", Rank: 2, TravelMinutes: 10},
			Explanation: placement.Explanation{StudentID: "ben", SchoolID: "harbour", Rank: 2,
				NotChosen: []placement.NotChosen{{SchoolID: "hillside", Rank: 1, Reason: "ineligible: the school declined the placement"}}}})

	h.Record(t, "placement", "round-r2028", plOffice, plOpened("r2028", "Practicum 2028/29", 2028))
	h.Record(t, "placement", "offer-r2028-harbour", harbourCoordinator, plOffer("r2028", "harbour", "Harbour Secondary", 1,
		placement.OfferedPlaces{Subject: "English", Places: 1}))
	h.Record(t, "placement", "student-r2028-amy", plOffice, placement.StudentTeacherRegistered{RoundID: "r2028", StudentID: "amy",
		Name: "Amy Au", Email: "amy@uni.example", Level: placement.Secondary, Subjects: []string{"English"}, HomeDistrict: "Central"})
	h.Record(t, "placement", "round-r2028", plOffice, placement.AllocationRecorded{RoundID: "r2028",
		Placements:   []placement.Placement{{StudentID: "amy", SchoolID: "harbour", Subject: "English", Rank: 1, TravelMinutes: 10}},
		Explanations: []placement.Explanation{{StudentID: "amy", SchoolID: "harbour", Rank: 1}},
		Summary:      placement.AllocationSummary{Placed: 1, WorstRank: 1, RankCost: 1, TravelMinutes: 10}})
	return readClient(h)
}

func plOpened(id, name string, year int) placement.PlacementRoundOpened {
	return placement.PlacementRoundOpened{RoundID: id, Name: name, SchoolYear: year,
		Windows:       []placement.Period{{From: plDay(year+1, "02-14"), To: plDay(year+1, "03-24")}},
		OfferDeadline: plDay(year, "11-30"), PreferenceDeadline: plDay(year, "12-15"),
		MaxPreferences: 5, MaxTravelMinutes: 60}
}

func plDay(year int, monthDay string) placement.Date {
	return placement.Date(fmt.Sprintf("%d-%s", year, monthDay))
}

func plOffer(round, school, name string, capacity int, offers ...placement.OfferedPlaces) placement.PlacesOffered {
	return placement.PlacesOffered{RoundID: round, SchoolID: school, Capacity: capacity, Offers: offers,
		School: placement.SchoolFacts{Name: name, District: "Central", Level: placement.Secondary}}
}

// plRoundView is the round view as the tests ask for it.
type plRoundView struct {
	PlacementRound *struct {
		ID, Name, Status                  string
		SchoolYear                        int
		Windows                           []struct{ From, To string }
		OfferDeadline, PreferenceDeadline string
		Summary                           *struct{ Placed, WorstRank, RankCost, TravelMinutes int }
		Offers                            []plOfferView
		Registrations                     struct {
			TotalCount int
			Edges      []struct{ Node plRegistrationView }
		}
		Declines          []plDeclineView
		IneligibleSchools []struct{ SchoolID, SchoolName, Reason string }
	}
}

type plOfferView struct {
	SchoolID, SchoolName string
	Capacity             int
	Withdrawn            bool
	Subjects             []struct {
		Subject        string
		Places, Filled int
	}
}

type plRegistrationView struct {
	StudentID, Name string
	Preferences     []string
	Status          *string
	Placement       *plPlacementView
	UnplacedReason  *string
	Explanation     *struct {
		Rank      int
		NotChosen []struct {
			SchoolID string
			Rank     int
			Reason   string
		}
	}
}

type plPlacementView struct {
	SchoolID, SchoolName, Subject string
	Rank, TravelMinutes           *int
	Status                        string
	Overridden                    bool
	OverrideReason, Exception     *string
	MentorID                      *string
}

type plDeclineView struct{ StudentID, StudentName, SchoolID, SchoolName, Reason string }

const plRoundViewQuery = `{ placementRound(id: %q) {
	id name status schoolYear windows { from to } offerDeadline preferenceDeadline
	summary { placed worstRank rankCost travelMinutes }
	offers { schoolId schoolName capacity withdrawn subjects { subject places filled } }
	registrations { totalCount edges { node {
		studentId name preferences status unplacedReason
		placement { schoolId schoolName subject rank travelMinutes status overridden overrideReason exception mentorId }
		explanation { rank notChosen { schoolId rank reason } }
	} } }
	declines { studentId studentName schoolId schoolName reason }
	ineligibleSchools { schoolId schoolName reason }
} }`

// plReadRound asks for the round view of id as actor and fails the test on
// any error.
func plReadRound(t *testing.T, c *client.Client, actor events.Actor, id string) plRoundView {
	t.Helper()
	var v plRoundView
	if codes := ask(t, c, &actor, fmt.Sprintf(plRoundViewQuery, id), &v); codes != nil {
		t.Fatalf("round view as %s: %v", actor.Role, codes)
	}
	if v.PlacementRound == nil {
		t.Fatalf("round view as %s: no round %s", actor.Role, id)
	}
	return v
}

func (v plRoundView) students() []string {
	var ids []string
	for _, e := range v.PlacementRound.Registrations.Edges {
		ids = append(ids, e.Node.StudentID)
	}
	return ids
}

func (v plRoundView) offeringSchools() []string {
	var ids []string
	for _, o := range v.PlacementRound.Offers {
		ids = append(ids, o.SchoolID)
	}
	return ids
}

func (v plRoundView) registration(t *testing.T, id string) plRegistrationView {
	t.Helper()
	i := slices.Index(v.students(), id)
	if i < 0 {
		t.Fatalf("no registration of %s among %v", id, v.students())
	}
	return v.PlacementRound.Registrations.Edges[i].Node
}

func TestGivenAPublishedRoundWhenTheOfficeReadsItThenItSeesEveryOfferRegistrationDeclineAndTheSummary(t *testing.T) {
	t.Parallel()
	c := placementWorld(t)

	for _, actor := range []events.Actor{office, faculty, tutor} {
		v := plReadRound(t, c, actor, "r2027")
		r := v.PlacementRound
		same(t, "head", []any{r.ID, r.Name, r.Status, r.SchoolYear, r.OfferDeadline, r.PreferenceDeadline, r.Windows},
			[]any{"r2027", "Practicum 2027/28", "PUBLISHED", 2027, "2027-11-30", "2027-12-15", []struct{ From, To string }{{"2028-02-14", "2028-03-24"}}})
		same(t, "summary", r.Summary, &struct{ Placed, WorstRank, RankCost, TravelMinutes int }{3, 1, 3, 55})
		same(t, "offers", r.Offers, []plOfferView{
			{SchoolID: "harbour", SchoolName: "Harbour Secondary", Capacity: 3, Subjects: []struct {
				Subject        string
				Places, Filled int
			}{{"English", 2, 2}, {"History", 1, 1}}},
			{SchoolID: "hillside", SchoolName: "Hillside Secondary", Capacity: 1, Subjects: []struct {
				Subject        string
				Places, Filled int
			}{{"English", 1, 0}}},
			{SchoolID: "lakeside", SchoolName: "Lakeside Primary", Capacity: 1, Subjects: []struct {
				Subject        string
				Places, Filled int
			}{{"Mathematics", 1, 0}}},
		})
		same(t, "students, by name", v.students(), []string{"amy", "ben", "cat", "dan"})
		same(t, "total", r.Registrations.TotalCount, 4)
		same(t, "Amy's placement", v.registration(t, "amy").Placement, &plPlacementView{SchoolID: "harbour", SchoolName: "Harbour Secondary",
			Subject: "English", Rank: ptr(1), TravelMinutes: ptr(10), Status: "CONFIRMED", MentorID: ptr("t-lee")})
		ben := v.registration(t, "ben")
		same(t, "Ben's reallocation", []any{ben.Placement.SchoolID, *ben.Placement.Rank, ben.Placement.Status, ben.Explanation.NotChosen[0].Reason},
			[]any{"harbour", 2, "PUBLISHED", "ineligible: the school declined the placement"})
		dan := v.registration(t, "dan")
		same(t, "Dan unplaced", []any{*dan.Status, dan.Placement == nil, *dan.UnplacedReason, dan.Preferences},
			[]any{"UNPLACED", true, "no eligible school offers Mathematics", []string{"lakeside"}})
		same(t, "declines", r.Declines, []plDeclineView{
			{StudentID: "ben", StudentName: "Ben Bo", SchoolID: "hillside", SchoolName: "Hillside Secondary", Reason: "no English mentor free"},
		})
		same(t, "ineligible", r.IneligibleSchools, []struct{ SchoolID, SchoolName, Reason string }{
			{"lakeside", "Lakeside Primary", "examinations in the window"},
		})
	}
}

func TestGivenAPublishedRoundWhenASchoolsStaffReadItThenTheySeeTheirOfferTheirStudentTeachersAndTheirDeclines(t *testing.T) {
	t.Parallel()
	c := placementWorld(t)

	for _, actor := range []events.Actor{harbourCoordinator, harbourMentor} {
		v := plReadRound(t, c, actor, "r2027")
		same(t, "Harbour's offers", v.offeringSchools(), []string{"harbour"})
		same(t, "placed at Harbour", v.students(), []string{"amy", "ben", "cat"})
		same(t, "total placed at Harbour", v.PlacementRound.Registrations.TotalCount, 3)
		same(t, "Harbour's declines", v.PlacementRound.Declines, []plDeclineView{})
		same(t, "Harbour's ineligibility", len(v.PlacementRound.IneligibleSchools), 0)
	}

	v := plReadRound(t, c, hillsideMentor, "r2027")
	same(t, "Hillside's offers", v.offeringSchools(), []string{"hillside"})
	same(t, "placed at Hillside", v.students(), []string(nil))
	same(t, "Hillside's declines", v.PlacementRound.Declines, []plDeclineView{
		{StudentID: "ben", StudentName: "Ben Bo", SchoolID: "hillside", SchoolName: "Hillside Secondary", Reason: "no English mentor free"},
	})
}

func TestGivenAPublishedRoundWhenASchoolsStaffReadTheirStudentTeachersThenTheySeeWhoIsPlacedButNotWhatTheyChoseOrWhy(t *testing.T) {
	t.Parallel()
	c := placementWorld(t)

	for _, actor := range []events.Actor{harbourCoordinator, harbourMentor} {
		v := plReadRound(t, c, actor, "r2027")
		amy, ben := v.registration(t, "amy"), v.registration(t, "ben")
		same(t, "Amy, as Harbour sees her", amy, plRegistrationView{StudentID: "amy", Name: "Amy Au", Status: ptr("CONFIRMED"),
			Placement: &plPlacementView{SchoolID: "harbour", SchoolName: "Harbour Secondary", Subject: "English", Status: "CONFIRMED", MentorID: ptr("t-lee")}})
		// Ben ranked Hillside first, and his explanation says why
		// Hillside was not his: none of it is Harbour's to read.
		same(t, "Ben, as Harbour sees him", ben, plRegistrationView{StudentID: "ben", Name: "Ben Bo", Status: ptr("PUBLISHED"),
			Placement: &plPlacementView{SchoolID: "harbour", SchoolName: "Harbour Secondary", Subject: "English", Status: "PUBLISHED"}})
	}

	ben := plReadRound(t, c, plBen, "r2027").registration(t, "ben")
	same(t, "Ben's own choices and reasons", []any{ben.Preferences, *ben.Placement.Rank, *ben.Placement.TravelMinutes, ben.Explanation.NotChosen[0].SchoolID},
		[]any{[]string{"hillside", "harbour"}, 2, 10, "hillside"})
}

func TestGivenAPublishedRoundWhenAStudentTeacherReadsItThenTheySeeEveryOfferButOnlyTheirOwnRecords(t *testing.T) {
	t.Parallel()
	c := placementWorld(t)

	v := plReadRound(t, c, plAmy, "r2027")
	same(t, "offers to choose among", v.offeringSchools(), []string{"harbour", "hillside", "lakeside"})
	same(t, "registrations", v.students(), []string{"amy"})
	same(t, "Amy's explanation rank", v.registration(t, "amy").Explanation.Rank, 1)
	same(t, "declines", v.PlacementRound.Declines, []plDeclineView{})

	v = plReadRound(t, c, plBen, "r2027")
	same(t, "registrations", v.students(), []string{"ben"})
	same(t, "Ben's own decline", v.PlacementRound.Declines, []plDeclineView{
		{StudentID: "ben", StudentName: "Ben Bo", SchoolID: "hillside", SchoolName: "Hillside Secondary", Reason: "no English mentor free"},
	})
}

func TestGivenAnUnpublishedAllocationWhenSchoolsAndStudentTeachersReadTheRoundThenOnlyTheOfficeSeesItsPlacements(t *testing.T) {
	t.Parallel()
	c := placementWorld(t)

	v := plReadRound(t, c, office, "r2028")
	same(t, "office: Amy proposed", *v.registration(t, "amy").Status, "PROPOSED")
	same(t, "office: summary", v.PlacementRound.Summary != nil, true)

	v = plReadRound(t, c, plAmy, "r2028")
	own := v.registration(t, "amy")
	if own.Status != nil || own.Placement != nil || own.Explanation != nil || v.PlacementRound.Summary != nil {
		t.Errorf("Amy reads the allocation before publication: status %v, placement %+v, explanation %+v, summary %+v",
			own.Status, own.Placement, own.Explanation, v.PlacementRound.Summary)
	}
	same(t, "Amy: no place filled yet", v.PlacementRound.Offers[0].Subjects[0].Filled, 0)

	v = plReadRound(t, c, harbourCoordinator, "r2028")
	same(t, "Harbour: nobody placed yet", v.students(), []string(nil))
	same(t, "Harbour: no summary", v.PlacementRound.Summary == nil, true)
}

func TestGivenNoViewerOrAnUnknownRoundWhenTheRoundIsAskedForThenItIsRefusedOrNull(t *testing.T) {
	t.Parallel()
	c := placementWorld(t)

	var v plRoundView
	same(t, "anonymous", ask(t, c, nil, fmt.Sprintf(plRoundViewQuery, "r2027"), &v), []string{"UNAUTHENTICATED"})
	system := events.Actor{ID: "process", Role: events.RoleSystem}
	same(t, "system", ask(t, c, &system, fmt.Sprintf(plRoundViewQuery, "r2027"), &v), []string{"FORBIDDEN"})
	same(t, "unknown round", ask(t, c, &office, fmt.Sprintf(plRoundViewQuery, "r1999"), &v), []string(nil))
	same(t, "unknown round is null", v.PlacementRound == nil, true)
}

// plPage is a list of rounds or of registrations.
type plPage struct {
	page[struct{ ID, StudentID string }]
}

func (p plPage) ids() []string {
	var ids []string
	for _, e := range p.Edges {
		ids = append(ids, e.Node.ID+e.Node.StudentID)
	}
	return ids
}

func TestGivenFourRegistrationsWhenReadTwoAtATimeThenThePagesFollowOnByName(t *testing.T) {
	t.Parallel()
	c := placementWorld(t)
	query := `{ placementRound(id: "r2027") { registrations(first: 2%s) {
		totalCount pageInfo { hasNextPage endCursor } edges { cursor node { studentId } } } } }`
	var out struct {
		PlacementRound struct{ Registrations plPage }
	}

	ask(t, c, &office, fmt.Sprintf(query, ""), &out)
	first := out.PlacementRound.Registrations
	same(t, "first page", []any{first.ids(), first.TotalCount, first.PageInfo.HasNextPage}, []any{[]string{"amy", "ben"}, 4, true})

	ask(t, c, &office, fmt.Sprintf(query, fmt.Sprintf(", after: %q", *first.PageInfo.EndCursor)), &out)
	second := out.PlacementRound.Registrations
	same(t, "second page", []any{second.ids(), second.TotalCount, second.PageInfo.HasNextPage}, []any{[]string{"cat", "dan"}, 4, false})
}

func TestGivenFiltersWhenRegistrationsAreReadThenOnlyThoseMatchingAreCounted(t *testing.T) {
	t.Parallel()
	c := placementWorld(t)
	var out struct {
		PlacementRound struct{ Registrations plPage }
	}

	ask(t, c, &office, `{ placementRound(id: "r2027") { registrations(status: UNPLACED) { totalCount edges { node { studentId } } } } }`, &out)
	same(t, "unplaced", out.PlacementRound.Registrations.ids(), []string{"dan"})
	ask(t, c, &office, `{ placementRound(id: "r2027") { registrations(subject: "english") { totalCount edges { node { studentId } } } } }`, &out)
	same(t, "English", []any{out.PlacementRound.Registrations.ids(), out.PlacementRound.Registrations.TotalCount}, []any{[]string{"amy", "ben"}, 2})
}

func TestGivenABadPageWhenAListIsAskedForThenItIsRefusedNamingTheArgument(t *testing.T) {
	t.Parallel()
	c := placementWorld(t)
	var out any

	for query, want := range map[string]string{
		`{ placementRound(id: "r2027") { registrations(first: 0) { totalCount } } }`:    "VALIDATION first",
		`{ placementRound(id: "r2027") { registrations(first: 201) { totalCount } } }`:  "VALIDATION first",
		`{ placementRound(id: "r2027") { registrations(after: "x!") { totalCount } } }`: "VALIDATION after",
		`{ placementRounds(first: -1) { totalCount } }`:                                 "VALIDATION first",
		`{ schools(first: 500) { totalCount } }`:                                        "VALIDATION first",
		`{ schools(after: "bm90IGEgY3Vyc29y") { totalCount } }`:                         "VALIDATION after",
		`{ schools(level: "nursery") { totalCount } }`:                                  "VALIDATION level",
	} {
		same(t, query, ask(t, c, &office, query, &out), []string{want})
	}
}

// plCursor is a cursor holding parts, as a list gives them but crafted.
func plCursor(parts ...string) string {
	b, _ := json.Marshal(parts)
	return base64.RawURLEncoding.EncodeToString(b)
}

func TestGivenACraftedCursorWhenAListIsAskedForThenItIsRefusedNamingAfterRatherThanFailingInside(t *testing.T) {
	t.Parallel()
	c := placementWorld(t)
	var out any

	for _, query := range []string{
		fmt.Sprintf(`{ placementRounds(after: %q) { totalCount } }`, plCursor("abc", "r2027")),
		fmt.Sprintf(`{ placementRounds(after: %q) { totalCount } }`, plCursor("99999999999", "r2027")),
		fmt.Sprintf(`{ placementRound(id: "r2027") { registrations(after: %q) { totalCount } } }`, plCursor("Amy Au", "amy\x00")),
		fmt.Sprintf(`{ schools(after: %q) { totalCount } }`, plCursor("\x00", "harbour")),
	} {
		same(t, query, ask(t, c, &harbourCoordinator, query, &out), []string{"VALIDATION after"})
	}
}

func TestGivenASearchTooLongOrOfTooManyWordsWhenSchoolsAreListedThenItIsRefusedNamingSearch(t *testing.T) {
	t.Parallel()
	c := placementWorld(t)
	var out struct{ Schools struct{ TotalCount int } }

	for _, search := range []string{strings.Repeat("a", 201), strings.TrimSpace(strings.Repeat("ab ", 11))} {
		query := fmt.Sprintf(`{ schools(search: %q) { totalCount } }`, search)
		same(t, query, ask(t, c, &plAmy, query, &out), []string{"VALIDATION search"})
	}
	query := fmt.Sprintf(`{ schools(search: %q) { totalCount } }`, strings.Repeat("a", 200))
	same(t, "a search of 200 characters", ask(t, c, &plAmy, query, &out), []string(nil))
}

func TestGivenThreeRoundsWhenTheyAreListedThenTheLatestYearComesFirstAPageAtATime(t *testing.T) {
	t.Parallel()
	c := placementWorld(t)
	var out struct{ PlacementRounds plPage }

	ask(t, c, &plAmy, `{ placementRounds(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`, &out)
	same(t, "first page", []any{out.PlacementRounds.ids(), out.PlacementRounds.TotalCount, out.PlacementRounds.PageInfo.HasNextPage},
		[]any{[]string{"r2028", "r2027"}, 3, true})
	ask(t, c, &plAmy, fmt.Sprintf(`{ placementRounds(first: 2, after: %q) { totalCount pageInfo { hasNextPage } edges { node { id } } } }`,
		*out.PlacementRounds.PageInfo.EndCursor), &out)
	same(t, "second page", []any{out.PlacementRounds.ids(), out.PlacementRounds.PageInfo.HasNextPage}, []any{[]string{"r2026"}, false})

	ask(t, c, &harbourCoordinator, `{ placementRounds(schoolYear: 2027) { totalCount edges { node { id status } } } }`, &out)
	same(t, "2027/28 only", out.PlacementRounds.ids(), []string{"r2027"})
}

// plSchoolView is a school as the tests ask for it.
type plSchoolView struct {
	ID, Name, District, Level string
	Contact                   *struct{ Name, Email string }
	Agreements                []struct {
		ID                              string
		FirstSchoolYear, LastSchoolYear int
		CoreSubjects                    []string
	}
	Teachers []struct {
		ID, Name       string
		MentorSubjects []string
		LoadLimit      int
	}
}

const plSchoolFields = `id name district level contact { name email } agreements { id firstSchoolYear lastSchoolYear coreSubjects }
	teachers { id name mentorSubjects loadLimit }`

func TestGivenASchoolWhenItsStaffOrTheOfficeReadItThenTheySeeItsContactAgreementsAndTeachers(t *testing.T) {
	t.Parallel()
	c := placementWorld(t)

	for _, actor := range []events.Actor{office, faculty, tutor, harbourCoordinator, harbourMentor} {
		var out struct{ School *plSchoolView }
		if codes := ask(t, c, &actor, `{ school(id: "harbour") { `+plSchoolFields+` } }`, &out); codes != nil {
			t.Fatalf("as %s: %v", actor.Role, codes)
		}
		s := out.School
		same(t, string(actor.Role)+": facts", []any{s.Name, s.District, s.Level}, []any{"Harbour Secondary", "Central", "secondary"})
		same(t, string(actor.Role)+": contact", s.Contact, &struct{ Name, Email string }{"Contact of Harbour Secondary", "harbour@school.example"})
		same(t, string(actor.Role)+": renewed agreement", []any{s.Agreements[0].ID, s.Agreements[0].FirstSchoolYear, s.Agreements[0].LastSchoolYear},
			[]any{"agreement-harbour", 2027, 2031})
		same(t, string(actor.Role)+": teachers", len(s.Teachers), 1)
		same(t, string(actor.Role)+": mentor", []any{s.Teachers[0].Name, s.Teachers[0].MentorSubjects, s.Teachers[0].LoadLimit},
			[]any{"Mr Lee", []string{"English"}, 2})
	}
}

func TestGivenAnotherSchoolWhenSchoolStaffOrAStudentTeacherReadItThenTheySeeItsFactsButNoContactOrTeachers(t *testing.T) {
	t.Parallel()
	c := placementWorld(t)

	for _, actor := range []events.Actor{hillsideMentor, plAmy} {
		var out struct{ School *plSchoolView }
		if codes := ask(t, c, &actor, `{ school(id: "harbour") { `+plSchoolFields+` } }`, &out); codes != nil {
			t.Fatalf("as %s: %v", actor.Role, codes)
		}
		s := out.School
		same(t, string(actor.Role)+": facts and agreements", []any{s.Name, len(s.Agreements)}, []any{"Harbour Secondary", 1})
		if s.Contact != nil || s.Teachers != nil {
			t.Errorf("as %s: got contact %+v and teachers %+v, want neither", actor.Role, s.Contact, s.Teachers)
		}
	}
}

func TestGivenThreeSchoolsWhenTheyAreListedThenFiltersAndPagesNarrowThem(t *testing.T) {
	t.Parallel()
	c := placementWorld(t)
	list := func(actor events.Actor, args string) (plPage, []plSchoolView) {
		t.Helper()
		var out struct {
			Schools struct {
				plPage
				Edges []struct{ Node plSchoolView }
			}
		}
		if args != "" {
			args = "(" + args + ")"
		}
		if codes := ask(t, c, &actor, `{ schools`+args+` { totalCount pageInfo { hasNextPage endCursor } edges { node { `+plSchoolFields+` } } } }`, &out); codes != nil {
			t.Fatalf("schools(%s): %v", args, codes)
		}
		var nodes []plSchoolView
		for _, e := range out.Schools.Edges {
			nodes = append(nodes, e.Node)
		}
		return out.Schools.plPage, nodes
	}
	names := func(nodes []plSchoolView) []string {
		var out []string
		for _, n := range nodes {
			out = append(out, n.Name)
		}
		return out
	}

	p, nodes := list(office, "first: 2")
	same(t, "first page", []any{names(nodes), p.TotalCount, p.PageInfo.HasNextPage}, []any{[]string{"Harbour Secondary", "Hillside Secondary"}, 3, true})
	_, nodes = list(office, fmt.Sprintf("first: 2, after: %q", *p.PageInfo.EndCursor))
	same(t, "second page", names(nodes), []string{"Lakeside Primary"})
	_, nodes = list(office, `district: "Central", level: "secondary"`)
	same(t, "Central secondary", names(nodes), []string{"Harbour Secondary"})
	_, nodes = list(office, `search: "SIDE"`)
	same(t, "named ...side", names(nodes), []string{"Hillside Secondary", "Lakeside Primary"})
	_, nodes = list(office, `search: "%"`)
	same(t, "a wildcard is a plain character", names(nodes), []string(nil))

	_, nodes = list(hillsideMentor, "")
	for _, n := range nodes {
		if own := n.ID == "hillside"; (n.Contact != nil) != own || (n.Teachers != nil) != own {
			t.Errorf("Hillside's mentor reads %s with contact %v and teachers %v", n.ID, n.Contact != nil, n.Teachers != nil)
		}
	}
}
