package placements_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"wsms/events"
	"wsms/events/placement"
	"wsms/platform/dbtest"
	"wsms/projections/placements"
	"wsms/projections/projectiontest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const (
	schoolA  = "0190a000-0000-7000-8000-00000000000a"
	schoolB  = "0190a000-0000-7000-8000-00000000000b"
	round    = "0190b000-0000-7000-8000-000000000001"
	amy      = "0190c000-0000-7000-8000-000000000001"
	ben      = "0190c000-0000-7000-8000-000000000002"
	teacher  = "0190d000-0000-7000-8000-000000000001"
	agreeing = "0190e000-0000-7000-8000-000000000001"
)

var (
	office      = events.Actor{ID: "office-1", Role: events.RoleOffice}
	coordinator = events.Actor{ID: "coord-b", Role: events.RoleSchoolCoordinator, SchoolID: schoolB}
)

// at is when the n-th event recorded through the harness occurred, in the
// local time zone pgx reads timestamps in.
func at(n int) time.Time { return projectiontest.Epoch.Add(time.Duration(n) * time.Minute).Local() }

// rows reads what query selects, one T per row, by column name.
func rows[T any](t *testing.T, h *projectiontest.Harness, query string, args ...any) []T {
	t.Helper()
	rs, err := h.DB.Query(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	out, err := pgx.CollectRows(rs, pgx.RowToStructByName[T])
	if err != nil {
		t.Fatalf("read rows: %v", err)
	}
	return out
}

func assertRows[T any](t *testing.T, got, want []T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows\n got %+v\nwant %+v", got, want)
	}
}

type schoolRow struct {
	SchoolID, Name, District, Level, ContactName, ContactEmail, ContactPhone string
	RegisteredAt                                                             time.Time
}

func TestGivenASchoolRegistered_ThenItsRowHoldsItsFactsAndContact(t *testing.T) {
	t.Parallel()
	h := projectiontest.New(t, placements.Projection)
	h.Record(t, "placement", "school-"+schoolA, office, placement.SchoolRegistered{
		SchoolID: schoolA, Name: "Harbour Primary", District: "Central", Level: placement.Primary,
		Contact: placement.Contact{Name: "Ms Chan", Email: "chan@harbour.example", Phone: "2345 6789"},
	})

	assertRows(t, rows[schoolRow](t, h, `
		SELECT school_id, name, district, level, contact_name, contact_email, contact_phone, registered_at
		FROM rm_placements.schools`), []schoolRow{
		{SchoolID: schoolA, Name: "Harbour Primary", District: "Central", Level: "primary", ContactName: "Ms Chan",
			ContactEmail: "chan@harbour.example", ContactPhone: "2345 6789", RegisteredAt: at(1)},
	})
}

type agreementRow struct {
	AgreementID     string
	FirstSchoolYear int
	Years           int
	CoreSubjects    []string
	MinPlaces       int
	MaxPlaces       int
	EnglishKla      bool
	Draft           bool
	EndedOn         string
	EndReason       string
}

const agreementColumns = `SELECT agreement_id, first_school_year, years, core_subjects, min_places, max_places, english_kla, draft,
	coalesce(ended_on::text, '') AS ended_on, coalesce(end_reason, '') AS end_reason FROM rm_placements.agreements`

func registered(schoolID, name string) placement.SchoolRegistered {
	return placement.SchoolRegistered{SchoolID: schoolID, Name: name, District: "Central", Level: placement.Secondary,
		Contact: placement.Contact{Name: "Contact of " + name, Email: "office@school.example"}}
}

func signed(first, years int) placement.PartnershipAgreementSigned {
	return placement.PartnershipAgreementSigned{SchoolID: schoolA, AgreementID: agreeing, FirstSchoolYear: first, Years: years,
		CoreSubjects: []string{"English", "Mathematics"}, MinPlaces: 6, MaxPlaces: 8, EnglishKLA: true}
}

func TestGivenAnAgreementSignedThenRenewed_ThenItsYearsRunOnByTheRenewal(t *testing.T) {
	t.Parallel()
	h := projectiontest.New(t, placements.Projection)
	h.Record(t, "placement", "school-"+schoolA, office, registered(schoolA, "Harbour"), signed(2027, 3),
		placement.PartnershipAgreementRenewed{SchoolID: schoolA, AgreementID: agreeing, FirstSchoolYear: 2030, Years: 2})

	assertRows(t, rows[agreementRow](t, h, agreementColumns), []agreementRow{{
		AgreementID: agreeing, FirstSchoolYear: 2027, Years: 5, CoreSubjects: []string{"English", "Mathematics"},
		MinPlaces: 6, MaxPlaces: 8, EnglishKla: true,
	}})
}

func TestGivenAnAgreementEnded_ThenItsRowStaysWithTheDayAndReason(t *testing.T) {
	t.Parallel()
	h := projectiontest.New(t, placements.Projection)
	h.Record(t, "placement", "school-"+schoolA, office, registered(schoolA, "Harbour"), signed(2027, 3),
		placement.PartnershipAgreementEnded{SchoolID: schoolA, AgreementID: agreeing, EndedOn: "2028-08-31", Reason: "the school merges"})

	assertRows(t, rows[agreementRow](t, h, agreementColumns), []agreementRow{{
		AgreementID: agreeing, FirstSchoolYear: 2027, Years: 3, CoreSubjects: []string{"English", "Mathematics"},
		MinPlaces: 6, MaxPlaces: 8, EnglishKla: true, EndedOn: "2028-08-31", EndReason: "the school merges",
	}})
}

func TestGivenADraftAgreementThenSigned_ThenOneRowHoldsTheSignedTerms(t *testing.T) {
	t.Parallel()
	h := projectiontest.New(t, placements.Projection)
	draft := signed(2027, 3)
	draft.Draft, draft.MaxPlaces = true, 10
	h.Record(t, "placement", "school-"+schoolA, office, registered(schoolA, "Harbour"), draft, signed(2027, 3))

	assertRows(t, rows[agreementRow](t, h, agreementColumns), []agreementRow{{
		AgreementID: agreeing, FirstSchoolYear: 2027, Years: 3, CoreSubjects: []string{"English", "Mathematics"},
		MinPlaces: 6, MaxPlaces: 8, EnglishKla: true,
	}})
}

type teacherRow struct {
	TeacherID, Name, Email string
	MentorSubjects         []string
	LoadLimit              int
}

func TestGivenATeacherAddedThenNamedMentor_ThenTheRowHoldsTheSubjectsAndLimit(t *testing.T) {
	t.Parallel()
	h := projectiontest.New(t, placements.Projection)
	h.Record(t, "placement", "school-"+schoolA, office, registered(schoolA, "Harbour"),
		placement.TeacherAdded{SchoolID: schoolA, TeacherID: teacher, Name: "Mr Lee", Email: "lee@harbour.example"})
	query := `SELECT teacher_id, name, email, mentor_subjects, load_limit FROM rm_placements.teachers`
	assertRows(t, rows[teacherRow](t, h, query), []teacherRow{
		{TeacherID: teacher, Name: "Mr Lee", Email: "lee@harbour.example", MentorSubjects: []string{}},
	})

	h.Record(t, "placement", "school-"+schoolA, office,
		placement.TeacherMentorNamed{SchoolID: schoolA, TeacherID: teacher, Subjects: []string{"English"}, LoadLimit: 2},
		placement.TeacherMentorNamed{SchoolID: schoolA, TeacherID: teacher, Subjects: []string{"English", "History"}, LoadLimit: 3})

	assertRows(t, rows[teacherRow](t, h, query), []teacherRow{
		{TeacherID: teacher, Name: "Mr Lee", Email: "lee@harbour.example", MentorSubjects: []string{"English", "History"}, LoadLimit: 3},
	})
}

func TestGivenASchoolCalendarSet_ThenTheProjectionTakesItWithoutRows(t *testing.T) {
	t.Parallel()
	h := projectiontest.New(t, placements.Projection)
	h.Record(t, "placement", "school-"+schoolA, office, registered(schoolA, "Harbour"),
		placement.SchoolCalendarSet{SchoolID: schoolA, SchoolYear: 2027, Terms: []placement.Period{{From: "2027-09-01", To: "2028-01-20"}}})

	if got := rows[schoolRow](t, h, `SELECT school_id, name, district, level, contact_name, contact_email, contact_phone, registered_at
		FROM rm_placements.schools`); len(got) != 1 {
		t.Errorf("schools: got %d rows, want the one registered", len(got))
	}
}

type roundRow struct {
	Name                               string
	SchoolYear                         int
	Windows                            []placement.Period
	OfferDeadline, PreferenceDeadline  string
	MaxPreferences, MaxTravelMinutes   int
	Status                             string
	OpenedAt                           time.Time
	AllocatedAt, PublishedAt, ClosedAt *time.Time
	Summary                            *placement.AllocationSummary
}

const roundColumns = `SELECT name, school_year, windows, offer_deadline::text, preference_deadline::text, max_preferences,
	max_travel_minutes, status, opened_at, allocated_at, published_at, closed_at, summary FROM rm_placements.rounds`

func opened() placement.PlacementRoundOpened {
	return placement.PlacementRoundOpened{RoundID: round, Name: "Practicum 2027/28", SchoolYear: 2027,
		Windows:       []placement.Period{{From: "2028-02-14", To: "2028-03-24", Name: "Block practicum"}},
		OfferDeadline: "2027-11-30", PreferenceDeadline: "2027-12-15", MaxPreferences: 5, MaxTravelMinutes: 60,
		TravelMinutes: map[string]map[string]int{"Central": {"Central": 10}}}
}

func TestGivenARoundOpened_ThenItIsOpenWithItsWindowsAndDeadlines(t *testing.T) {
	t.Parallel()
	h := projectiontest.New(t, placements.Projection)
	h.Record(t, "placement", "round-"+round, office, opened())

	assertRows(t, rows[roundRow](t, h, roundColumns), []roundRow{{
		Name: "Practicum 2027/28", SchoolYear: 2027,
		Windows:       []placement.Period{{From: "2028-02-14", To: "2028-03-24", Name: "Block practicum"}},
		OfferDeadline: "2027-11-30", PreferenceDeadline: "2027-12-15", MaxPreferences: 5, MaxTravelMinutes: 60,
		Status: "open", OpenedAt: at(1),
	}})
}

type offerSchoolRow struct {
	SchoolID, SchoolName string
	Capacity             int
	Warnings             []string
	Withdrawn            bool
	WithdrawReason       string
}

type offerRow struct {
	SchoolID, Subject string
	Places            int
	MentorIds         []string
}

const (
	offerSchoolColumns = `SELECT school_id, school_name, capacity, warnings, withdrawn, coalesce(withdraw_reason, '') AS withdraw_reason
		FROM rm_placements.offer_schools ORDER BY school_id`
	offerColumns = `SELECT school_id, subject, places, mentor_ids FROM rm_placements.offers ORDER BY school_id, subject`
)

func offered(schoolID, name string, capacity int, offers ...placement.OfferedPlaces) placement.PlacesOffered {
	return placement.PlacesOffered{RoundID: round, SchoolID: schoolID, Capacity: capacity, Offers: offers,
		School: placement.SchoolFacts{Name: name, Level: placement.Secondary, District: "Central"}}
}

func TestGivenPlacesOfferedAgain_ThenTheNewOfferReplacesTheSchoolsRows(t *testing.T) {
	t.Parallel()
	h := projectiontest.New(t, placements.Projection)
	h.Record(t, "placement", "round-"+round, office, opened())
	first := offered(schoolA, "Harbour", 4,
		placement.OfferedPlaces{Subject: "English", Places: 2, MentorIDs: []string{teacher}},
		placement.OfferedPlaces{Subject: "History", Places: 2})
	first.Warnings = []string{"4 places are outside the agreement's band of 6 to 8 a year"}
	h.Record(t, "placement", "offer-"+round+"-"+schoolA, coordinator, first,
		offered(schoolA, "Harbour", 3, placement.OfferedPlaces{Subject: "English", Places: 3}))
	h.Record(t, "placement", "offer-"+round+"-"+schoolB, coordinator,
		offered(schoolB, "Hillside", 1, placement.OfferedPlaces{Subject: "Mathematics", Places: 1}))

	assertRows(t, rows[offerSchoolRow](t, h, offerSchoolColumns), []offerSchoolRow{
		{SchoolID: schoolA, SchoolName: "Harbour", Capacity: 3, Warnings: []string{}},
		{SchoolID: schoolB, SchoolName: "Hillside", Capacity: 1, Warnings: []string{}},
	})
	assertRows(t, rows[offerRow](t, h, offerColumns), []offerRow{
		{SchoolID: schoolA, Subject: "English", Places: 3, MentorIds: []string{}},
		{SchoolID: schoolB, Subject: "Mathematics", Places: 1, MentorIds: []string{}},
	})
}

func TestGivenAnOfferWithdrawnThenMadeAgain_ThenItIsWithdrawnUntilTheNewOffer(t *testing.T) {
	t.Parallel()
	h := projectiontest.New(t, placements.Projection)
	h.Record(t, "placement", "round-"+round, office, opened())
	english := placement.OfferedPlaces{Subject: "English", Places: 2, MentorIDs: []string{teacher}}
	h.Record(t, "placement", "offer-"+round+"-"+schoolA, coordinator, offered(schoolA, "Harbour", 2, english),
		placement.OfferWithdrawn{RoundID: round, SchoolID: schoolA, Reason: "staff shortage"})
	assertRows(t, rows[offerSchoolRow](t, h, offerSchoolColumns), []offerSchoolRow{
		{SchoolID: schoolA, SchoolName: "Harbour", Capacity: 2, Warnings: []string{}, Withdrawn: true, WithdrawReason: "staff shortage"},
	})

	h.Record(t, "placement", "offer-"+round+"-"+schoolA, coordinator, offered(schoolA, "Harbour", 2, english))

	assertRows(t, rows[offerSchoolRow](t, h, offerSchoolColumns), []offerSchoolRow{
		{SchoolID: schoolA, SchoolName: "Harbour", Capacity: 2, Warnings: []string{}},
	})
	assertRows(t, rows[offerRow](t, h, offerColumns), []offerRow{
		{SchoolID: schoolA, Subject: "English", Places: 2, MentorIds: []string{teacher}},
	})
}

type studentRow struct {
	StudentID, Name, Email, Level string
	Subjects                      []string
	HomeDistrict                  string
	Preferences                   []string
	RegisteredAt                  time.Time
}

func registration(studentID, name string) placement.StudentTeacherRegistered {
	return placement.StudentTeacherRegistered{RoundID: round, StudentID: studentID, Name: name, Email: name + "@uni.example",
		Level: placement.Secondary, Subjects: []string{"English"}, HomeDistrict: "Central"}
}

func TestGivenAStudentRegisteredThenRankingTwice_ThenTheLatestPreferencesStand(t *testing.T) {
	t.Parallel()
	h := projectiontest.New(t, placements.Projection)
	h.Record(t, "placement", "round-"+round, office, opened())
	h.Record(t, "placement", "student-"+round+"-"+amy, office, registration(amy, "Amy"),
		placement.PreferencesSubmitted{RoundID: round, StudentID: amy, SchoolIDs: []string{schoolA, schoolB}},
		placement.PreferencesSubmitted{RoundID: round, StudentID: amy, SchoolIDs: []string{schoolB}})

	assertRows(t, rows[studentRow](t, h, `SELECT student_id, name, email, level, subjects, home_district, preferences, registered_at
		FROM rm_placements.students`), []studentRow{{
		StudentID: amy, Name: "Amy", Email: "Amy@uni.example", Level: "secondary", Subjects: []string{"English"},
		HomeDistrict: "Central", Preferences: []string{schoolB}, RegisteredAt: at(2),
	}})
}

type placementRow struct {
	StudentID, SchoolID, Subject string
	Rank, TravelMinutes          int
	Status, UnplacedReason       string
	Overridden                   bool
	OverrideReason, Exception    string
	MentorID                     string
	Explanation                  *placement.Explanation
}

const placementColumns = `SELECT student_id, coalesce(school_id, '') AS school_id, coalesce(subject, '') AS subject,
	coalesce(rank, 0) AS rank, coalesce(travel_minutes, 0) AS travel_minutes, status,
	coalesce(unplaced_reason, '') AS unplaced_reason, overridden, coalesce(override_reason, '') AS override_reason,
	coalesce(exception, '') AS exception, coalesce(mentor_id, '') AS mentor_id, explanation
	FROM rm_placements.placements ORDER BY student_id`

// givenAllocatedRound is a round with Amy placed at school A (her first
// choice over B) and Ben unplaced, as the solver recorded it.
func givenAllocatedRound(t *testing.T) *projectiontest.Harness {
	h := projectiontest.New(t, placements.Projection)
	h.Record(t, "placement", "round-"+round, office, opened())
	english := placement.OfferedPlaces{Subject: "English", Places: 1}
	h.Record(t, "placement", "offer-"+round+"-"+schoolA, coordinator, offered(schoolA, "Harbour", 1, english))
	h.Record(t, "placement", "offer-"+round+"-"+schoolB, coordinator, offered(schoolB, "Hillside", 1, english))
	h.Record(t, "placement", "student-"+round+"-"+amy, office, registration(amy, "Amy"))
	h.Record(t, "placement", "student-"+round+"-"+ben, office, registration(ben, "Ben"))
	h.Record(t, "placement", "round-"+round, office, allocation())
	return h
}

func allocation() placement.AllocationRecorded {
	return placement.AllocationRecorded{RoundID: round,
		Placements: []placement.Placement{{StudentID: amy, SchoolID: schoolA, Subject: "English", Rank: 1, TravelMinutes: 10}},
		Unplaced:   []placement.Unplaced{{StudentID: ben, Reason: "no school he ranked offers English"}},
		Explanations: []placement.Explanation{
			{StudentID: amy, SchoolID: schoolA, Rank: 1},
			{StudentID: ben, NotChosen: []placement.NotChosen{{SchoolID: schoolA, Rank: 1, Reason: "full"}}},
		},
		Summary:           placement.AllocationSummary{Placed: 1, WorstRank: 1, RankCost: 1, TravelMinutes: 10},
		IneligibleSchools: []placement.IneligibleSchool{{SchoolID: schoolB, Reason: "examinations in the window"}},
	}
}

var (
	amyAtA = placementRow{StudentID: amy, SchoolID: schoolA, Subject: "English", Rank: 1, TravelMinutes: 10,
		Explanation: &placement.Explanation{StudentID: amy, SchoolID: schoolA, Rank: 1, NotChosen: []placement.NotChosen{}}}
	benUnplaced = placementRow{StudentID: ben, Status: "unplaced", UnplacedReason: "no school he ranked offers English",
		Explanation: &placement.Explanation{StudentID: ben, NotChosen: []placement.NotChosen{{SchoolID: schoolA, Rank: 1, Reason: "full"}}}}
)

func with(r placementRow, change func(*placementRow)) placementRow {
	change(&r)
	return r
}

type ineligibleRow struct{ SchoolID, Reason string }

const ineligibleColumns = `SELECT school_id, reason FROM rm_placements.ineligible_schools ORDER BY school_id`

func TestGivenAnAllocationRecorded_ThenPlacedStudentsAreProposedAndTheOthersUnplacedWithReasons(t *testing.T) {
	t.Parallel()
	h := givenAllocatedRound(t)

	assertRows(t, rows[placementRow](t, h, placementColumns), []placementRow{
		with(amyAtA, func(r *placementRow) { r.Status = "proposed" }), benUnplaced,
	})
	assertRows(t, rows[ineligibleRow](t, h, ineligibleColumns), []ineligibleRow{{SchoolID: schoolB, Reason: "examinations in the window"}})
	got := rows[roundRow](t, h, roundColumns)[0]
	if got.Status != "allocated" || got.AllocatedAt == nil || !got.AllocatedAt.Equal(at(6)) ||
		!reflect.DeepEqual(got.Summary, &placement.AllocationSummary{Placed: 1, WorstRank: 1, RankCost: 1, TravelMinutes: 10}) {
		t.Errorf("round: got status %s, allocated at %v, summary %+v", got.Status, got.AllocatedAt, got.Summary)
	}
}

func TestGivenAnAllocationRunAgain_ThenItReplacesTheRoundsPlacementsOverridesAndIneligibleSchools(t *testing.T) {
	t.Parallel()
	h := givenAllocatedRound(t)
	h.Record(t, "placement", "round-"+round, office,
		placement.PlacementOverridden{RoundID: round, StudentID: ben, SchoolID: schoolB, Subject: "English", Rank: 6, TravelMinutes: 10,
			Reason: "his mentor asked", Exception: "calendar clash"},
		placement.AllocationRecorded{RoundID: round,
			Placements:   []placement.Placement{{StudentID: ben, SchoolID: schoolA, Subject: "English", Rank: 2, TravelMinutes: 10}},
			Unplaced:     []placement.Unplaced{{StudentID: amy, Reason: "no place left"}},
			Explanations: []placement.Explanation{{StudentID: ben, SchoolID: schoolA, Rank: 2}},
			Summary:      placement.AllocationSummary{Placed: 1, WorstRank: 2, RankCost: 4, TravelMinutes: 10},
		})

	assertRows(t, rows[placementRow](t, h, placementColumns), []placementRow{
		{StudentID: amy, Status: "unplaced", UnplacedReason: "no place left"},
		{StudentID: ben, SchoolID: schoolA, Subject: "English", Rank: 2, TravelMinutes: 10, Status: "proposed",
			Explanation: &placement.Explanation{StudentID: ben, SchoolID: schoolA, Rank: 2, NotChosen: []placement.NotChosen{}}},
	})
	assertRows(t, rows[ineligibleRow](t, h, ineligibleColumns), []ineligibleRow{})
	if got := rows[roundRow](t, h, roundColumns)[0].Summary; got.RankCost != 4 {
		t.Errorf("summary: got %+v, want the second run's", got)
	}
}

func TestGivenAnUnplacedStudentOverriddenThenPublished_ThenTheOverrideIsPublishedWithItsReason(t *testing.T) {
	t.Parallel()
	h := givenAllocatedRound(t)
	h.Record(t, "placement", "round-"+round, office,
		placement.PlacementOverridden{RoundID: round, StudentID: ben, SchoolID: schoolB, Subject: "English", Rank: 6, TravelMinutes: 10,
			Reason: "his mentor asked", Exception: "calendar clash"})
	benAtB := with(benUnplaced, func(r *placementRow) {
		r.SchoolID, r.Subject, r.Rank, r.TravelMinutes, r.Status, r.UnplacedReason = schoolB, "English", 6, 10, "proposed", ""
		r.Overridden, r.OverrideReason, r.Exception = true, "his mentor asked", "calendar clash"
	})
	assertRows(t, rows[placementRow](t, h, placementColumns), []placementRow{
		with(amyAtA, func(r *placementRow) { r.Status = "proposed" }), benAtB,
	})

	h.Record(t, "placement", "round-"+round, office, placement.AllocationPublished{RoundID: round})

	assertRows(t, rows[placementRow](t, h, placementColumns), []placementRow{
		with(amyAtA, func(r *placementRow) { r.Status = "published" }),
		with(benAtB, func(r *placementRow) { r.Status = "published" }),
	})
}

func TestGivenAPlacedStudentOverriddenWithoutException_ThenOnlyTheirPlacementMoves(t *testing.T) {
	t.Parallel()
	h := givenAllocatedRound(t)
	h.Record(t, "placement", "round-"+round, office,
		placement.PlacementOverridden{RoundID: round, StudentID: amy, SchoolID: schoolB, Subject: "English", Rank: 2, TravelMinutes: 10,
			Reason: "closer to her home"})

	assertRows(t, rows[placementRow](t, h, placementColumns), []placementRow{
		with(amyAtA, func(r *placementRow) {
			r.SchoolID, r.Rank, r.Status, r.Overridden, r.OverrideReason = schoolB, 2, "proposed", true, "closer to her home"
		}),
		benUnplaced,
	})
}

func TestGivenAnAllocationPublished_ThenProposedPlacementsArePublishedAndUnplacedStay(t *testing.T) {
	t.Parallel()
	h := givenAllocatedRound(t)
	h.Record(t, "placement", "round-"+round, office, placement.AllocationPublished{RoundID: round})

	assertRows(t, rows[placementRow](t, h, placementColumns), []placementRow{
		with(amyAtA, func(r *placementRow) { r.Status = "published" }), benUnplaced,
	})
	got := rows[roundRow](t, h, roundColumns)[0]
	if got.Status != "published" || got.PublishedAt == nil || !got.PublishedAt.Equal(at(7)) {
		t.Errorf("round: got status %s published at %v, want published at %v", got.Status, got.PublishedAt, at(7))
	}
}

func TestGivenAPlacementConfirmedAndAMentorAssigned_ThenTheRowIsConfirmedWithTheMentor(t *testing.T) {
	t.Parallel()
	h := givenAllocatedRound(t)
	h.Record(t, "placement", "round-"+round, office, placement.AllocationPublished{RoundID: round},
		placement.PlacementConfirmed{RoundID: round, StudentID: amy, SchoolID: schoolA, Subject: "English"},
		placement.MentorAssigned{RoundID: round, StudentID: amy, SchoolID: schoolA, TeacherID: teacher})

	assertRows(t, rows[placementRow](t, h, placementColumns), []placementRow{
		with(amyAtA, func(r *placementRow) { r.Status, r.MentorID = "confirmed", teacher }), benUnplaced,
	})
}

type declineRow struct {
	StudentID, SchoolID, Subject, Reason string
	DeclinedAt                           time.Time
}

const declineColumns = `SELECT student_id, school_id, subject, reason, declined_at FROM rm_placements.declines ORDER BY student_id, school_id`

func TestGivenAPlacementDeclinedAndTheStudentReallocated_ThenTheNewPlacementIsPublishedAndTheDeclineKept(t *testing.T) {
	t.Parallel()
	h := givenAllocatedRound(t)
	h.Record(t, "placement", "round-"+round, office, placement.AllocationPublished{RoundID: round})
	h.Record(t, "placement", "round-"+round, coordinator,
		placement.PlacementDeclined{RoundID: round, StudentID: amy, SchoolID: schoolA, Reason: "the English panel is on leave"})
	assertRows(t, rows[placementRow](t, h, placementColumns), []placementRow{
		{StudentID: amy, Status: "declined", Explanation: amyAtA.Explanation}, benUnplaced,
	})

	newExplanation := placement.Explanation{StudentID: amy, SchoolID: schoolB, Rank: 2,
		NotChosen: []placement.NotChosen{{SchoolID: schoolA, Rank: 1, Reason: "ineligible: the school declined the placement"}}}
	h.Record(t, "placement", "round-"+round, coordinator, placement.StudentTeacherReallocated{RoundID: round, StudentID: amy,
		Placement:   &placement.Placement{StudentID: amy, SchoolID: schoolB, Subject: "English", Rank: 2, TravelMinutes: 10},
		Explanation: newExplanation})

	assertRows(t, rows[placementRow](t, h, placementColumns), []placementRow{
		{StudentID: amy, SchoolID: schoolB, Subject: "English", Rank: 2, TravelMinutes: 10, Status: "published", Explanation: &newExplanation},
		benUnplaced,
	})
	assertRows(t, rows[declineRow](t, h, declineColumns), []declineRow{
		{StudentID: amy, SchoolID: schoolA, Subject: "English", Reason: "the English panel is on leave", DeclinedAt: at(8)},
	})
}

func TestGivenADeclinedStudentNoSchoolCanTake_ThenTheyAreUnplacedWithTheReason(t *testing.T) {
	t.Parallel()
	h := givenAllocatedRound(t)
	h.Record(t, "placement", "round-"+round, office, placement.AllocationPublished{RoundID: round})
	h.Record(t, "placement", "round-"+round, coordinator,
		placement.PlacementDeclined{RoundID: round, StudentID: amy, SchoolID: schoolA, Reason: "no mentor free"},
		placement.StudentTeacherReallocated{RoundID: round, StudentID: amy, Unplaced: "no free place",
			Explanation: placement.Explanation{StudentID: amy}})

	assertRows(t, rows[placementRow](t, h, placementColumns), []placementRow{
		{StudentID: amy, Status: "unplaced", UnplacedReason: "no free place",
			Explanation: &placement.Explanation{StudentID: amy, NotChosen: []placement.NotChosen{}}},
		benUnplaced,
	})
}

func TestGivenARoundClosed_ThenItIsClosedAtThatTime(t *testing.T) {
	t.Parallel()
	h := givenAllocatedRound(t)
	h.Record(t, "placement", "round-"+round, office, placement.AllocationPublished{RoundID: round},
		placement.PlacementRoundClosed{RoundID: round})

	got := rows[roundRow](t, h, roundColumns)[0]
	if got.Status != "closed" || got.ClosedAt == nil || !got.ClosedAt.Equal(at(8)) {
		t.Errorf("round: got status %s closed at %v, want closed at %v", got.Status, got.ClosedAt, at(8))
	}
}

// subjectCounts reads the round's placed and confirmed counts by subject.
func subjectCounts(t *testing.T, h *projectiontest.Harness) map[string][2]int {
	t.Helper()
	rows, err := h.DB.Query(context.Background(), `SELECT subject, placed, confirmed FROM rm_placements.round_subjects WHERE round_id = $1`, round)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][2]int{}
	var subject string
	var placed, confirmed int
	if _, err := pgx.ForEachRow(rows, []any{&subject, &placed, &confirmed}, func() error {
		if placed != 0 || confirmed != 0 {
			got[subject] = [2]int{placed, confirmed}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestGivenPlacementsAllocatedConfirmedAndDeclinedThenTheRoundsCountsBySubjectFollow(t *testing.T) {
	t.Parallel()
	h := givenAllocatedRound(t)
	if got, want := subjectCounts(t, h), map[string][2]int{"English": {1, 0}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("allocated: got %v, want %v", got, want)
	}
	h.Record(t, "placement", "round-"+round, office, placement.AllocationPublished{RoundID: round})
	h.Record(t, "placement", "round-"+round, coordinator,
		placement.PlacementConfirmed{RoundID: round, StudentID: amy, SchoolID: schoolA, Subject: "English"})
	if got, want := subjectCounts(t, h), map[string][2]int{"English": {1, 1}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("confirmed: got %v, want %v", got, want)
	}
	h.Record(t, "placement", "round-"+round, coordinator,
		placement.PlacementDeclined{RoundID: round, StudentID: amy, SchoolID: schoolA, Reason: "no mentor free"})
	if got := subjectCounts(t, h); len(got) != 0 {
		t.Fatalf("declined: got %v, want no places held", got)
	}
}
