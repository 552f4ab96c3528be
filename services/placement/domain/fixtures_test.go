package domain_test

// The records the placement tests start from: four partner schools in Hong
// Kong, a round for the 2027/28 school year, and the student-teachers who
// want places in it. Events are built fresh by functions, so that no test can
// change what another one is given.

import (
	"strings"
	"testing"
	"time"

	"wsms/events"
	"wsms/events/placement"
	"wsms/placement/domain"
	"wsms/platform/decider"
	"wsms/platform/decider/decidertest"
	"wsms/platform/errs"
)

const (
	shatinID        = "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b1e02"
	kwunTongID      = "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b1e03"
	tuenMunID       = "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b1e04"
	unknownSchoolID = "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b1e99"
	agreementID     = "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b2a01"
	roundID         = "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b3c01"

	// Teachers of St. Clare's: Wong mentors English, Chow Mathematics, Lee
	// is a teacher but no teacher-mentor.
	wongID = "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b4d01"
	leeID  = "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b4d02"
	chowID = "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b4d03"

	chanID           = "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b5e01"
	lamID            = "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b5e02"
	hoID             = "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b5e03"
	makID            = "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b5e04"
	yipID            = "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b5e05"
	unknownStudentID = "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b5e99"
)

// clareID is St. Clare's Girls' School, registered in school_test.go.
var clareID = clare.SchoolID

var hkt = time.FixedZone("HKT", 8*60*60)

// as is a decision's meta for an actor, at the time of office's.
func as(role events.Role, id, schoolID string) decider.Meta {
	return decider.Meta{Actor: events.Actor{ID: id, Role: role, SchoolID: schoolID}, Now: office.Now}
}

// on is m at another time.
func on(m decider.Meta, now time.Time) decider.Meta {
	m.Now = now
	return m
}

var (
	clareCoordinator  = as(events.RoleSchoolCoordinator, "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b6f01", clareID)
	shatinCoordinator = as(events.RoleSchoolCoordinator, "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b6f02", shatinID)
)

// notOffice are actors that the office-only commands refuse, among them
// the coordinator of the school concerned.
func notOffice() map[string]decider.Meta {
	return map[string]decider.Meta{
		"clare's coordinator": clareCoordinator,
		"faculty":             as(events.RoleFaculty, "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b6f03", ""),
		"tutor":               as(events.RoleTutor, "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b6f04", ""),
		"mentor":              as(events.RoleMentor, wongID, clareID),
		"student-teacher":     as(events.RoleStudentTeacher, chanID, ""),
	}
}

// fold is the state after the given events.
func fold[S any](evolve func(S, any) S, given ...any) S {
	var s S
	for _, e := range given {
		s = evolve(s, e)
	}
	return s
}

// thenEvents asserts that the command was decided into exactly want.
func thenEvents(t *testing.T, got []any, err error, want ...any) {
	t.Helper()
	decidertest.Events(t, got, err, want...)
}

// thenRefused asserts that the command was refused with code, and returns
// the refusal.
func thenRefused(t *testing.T, got []any, err error, code errs.Code) *errs.Error {
	t.Helper()
	return decidertest.Refused(t, got, err, code)
}

// thenInvalid asserts that the command was refused because field breaks rule.
func thenInvalid(t *testing.T, got []any, err error, field, rule string) *errs.Error {
	t.Helper()
	return decidertest.Invalid(t, got, err, field, rule)
}

// thenError asserts a refusal with code and, for VALIDATION, on field
// for rule: the assertion of table-driven refusals.
func thenError(t *testing.T, got []any, err error, code errs.Code, field, rule string) {
	t.Helper()
	if code == errs.Validation {
		thenInvalid(t, got, err, field, rule)
		return
	}
	thenRefused(t, got, err, code)
}

// Partner schools.

var (
	clareRegistered = placement.SchoolRegistered{SchoolID: clare.SchoolID, Name: clare.Name, District: clare.District,
		Level: clare.Level, Contact: clare.Contact}
	shatinRegistered = placement.SchoolRegistered{SchoolID: shatinID, Name: "Sha Tin Methodist College", District: "Sha Tin",
		Level: placement.Secondary, Contact: placement.Contact{Name: "Peter Leung", Email: "p.leung@stmc.edu.hk"}}
	kwunTongRegistered = placement.SchoolRegistered{SchoolID: kwunTongID, Name: "Kwun Tong Maryknoll College", District: "Kwun Tong",
		Level: placement.Secondary, Contact: placement.Contact{Name: "Grace Ho", Email: "grace.ho@ktmc.edu.hk"}}
	tuenMunRegistered = placement.SchoolRegistered{SchoolID: tuenMunID, Name: "Tuen Mun Government Primary School", District: "Tuen Mun",
		Level: placement.Primary, Contact: placement.Contact{Name: "Alice Tang", Email: "alice.tang@tmgps.edu.hk"}}
)

// agreed is a three-year agreement from firstYear in English and
// Mathematics, 6 to 8 places a year.
func agreed(schoolID string, firstYear int) placement.PartnershipAgreementSigned {
	return placement.PartnershipAgreementSigned{SchoolID: schoolID, AgreementID: agreementID, FirstSchoolYear: firstYear, Years: 3,
		CoreSubjects: []string{"English", "Mathematics"}, MinPlaces: 6, MaxPlaces: 8}
}

// clarePartner is St. Clare's with an agreement for 2026/27 to 2028/29
// and its teachers: Wong mentors English (one student-teacher a round),
// Chow Mathematics, Lee is no mentor.
func clarePartner() []any {
	return []any{
		clareRegistered,
		agreed(clareID, 2026),
		placement.TeacherAdded{SchoolID: clareID, TeacherID: wongID, Name: "Wong Ka Yan", Email: "ky.wong@stclare.edu.hk"},
		placement.TeacherMentorNamed{SchoolID: clareID, TeacherID: wongID, Subjects: []string{"English"}, LoadLimit: 1},
		placement.TeacherAdded{SchoolID: clareID, TeacherID: leeID, Name: "Lee Wai Man", Email: "wm.lee@stclare.edu.hk"},
		placement.TeacherAdded{SchoolID: clareID, TeacherID: chowID, Name: "Chow Mei Ling", Email: "ml.chow@stclare.edu.hk"},
		placement.TeacherMentorNamed{SchoolID: clareID, TeacherID: chowID, Subjects: []string{"Mathematics"}, LoadLimit: 2},
	}
}

// calendarSet is a school's 2027/28 calendar with the given examination
// periods and holidays.
func calendarSet(schoolID string, exams, holidays []placement.Period) placement.SchoolCalendarSet {
	return placement.SchoolCalendarSet{SchoolID: schoolID, SchoolYear: 2027,
		Terms: []placement.Period{
			{From: "2027-09-01", To: "2028-01-21", Name: "First term"},
			{From: "2028-01-24", To: "2028-07-14", Name: "Second term"},
		},
		ExaminationPeriods: append([]placement.Period{}, exams...), Holidays: append([]placement.Period{}, holidays...)}
}

// The round.

// practicum is the round's one practicum window.
var practicum = placement.Period{From: "2028-02-14", To: "2028-03-24", Name: "Block practice"}

// roundOpened is the 2027/28 round: offers until 30 November, preferences
// until 15 December, journeys of at most 45 minutes on the default table.
func roundOpened() placement.PlacementRoundOpened {
	return placement.PlacementRoundOpened{RoundID: roundID, Name: "Practicum 2027/28", SchoolYear: 2027,
		Windows: []placement.Period{practicum}, OfferDeadline: "2027-11-30", PreferenceDeadline: "2027-12-15",
		MaxPreferences: 10, MaxTravelMinutes: 45, CalendarToleranceDays: 5, TravelMinutes: domain.DefaultTravelMinutes()}
}

// roundAfter is the round after the given events.
func roundAfter(given ...any) domain.Round { return fold(domain.EvolveRound, given...) }

// places is an offer of n places in subject with its mentors.
func places(subject string, n int, mentorIDs ...string) placement.OfferedPlaces {
	return placement.OfferedPlaces{Subject: subject, Places: n, MentorIDs: append([]string{}, mentorIDs...)}
}

// offered is a school's offer in the round.
func offered(s placement.SchoolRegistered, capacity int, offers ...placement.OfferedPlaces) placement.PlacesOffered {
	return placement.PlacesOffered{RoundID: roundID, SchoolID: s.SchoolID,
		School: placement.SchoolFacts{Name: s.Name, Level: s.Level, District: s.District},
		Offers: offers, Capacity: capacity, Warnings: []string{}}
}

// studentTeacher is a student-teacher registered for the round.
func studentTeacher(id, name, district string, level placement.Level, subjects ...string) placement.StudentTeacherRegistered {
	return placement.StudentTeacherRegistered{RoundID: roundID, StudentID: id, Name: name,
		Email: strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@connect.wsms.edu.hk",
		Level: level, Subjects: subjects, HomeDistrict: district, Conflicts: []placement.Conflict{}}
}

// prefers is a student-teacher's ranking of schools.
func prefers(studentID string, schoolIDs ...string) placement.PreferencesSubmitted {
	return placement.PreferencesSubmitted{RoundID: roundID, StudentID: studentID, SchoolIDs: schoolIDs}
}

func chanRegistered() placement.StudentTeacherRegistered {
	return studentTeacher(chanID, "Chan Siu Ming", "Wan Chai", placement.Secondary, "English")
}

// makRegistered is a student-teacher who went to St. Clare's.
func makRegistered() placement.StudentTeacherRegistered {
	s := studentTeacher(makID, "Mak Wing Sze", "Eastern", placement.Secondary, "English")
	s.Conflicts = []placement.Conflict{{SchoolID: clareID, Reason: "attended the school"}}
	return s
}

// world is what the round's allocation weighs, as recorded on the schools',
// offers' and student-teachers' own streams. Within 45 minutes:
//
//	chan (Wan Chai, English):        St. Clare's 30, Kwun Tong 40
//	lam (Sha Tin, English):          Sha Tin 15, Kwun Tong 45
//	ho (Kowloon City, Mathematics):  Kwun Tong 30, Sha Tin 45, St. Clare's 40
//	mak (Eastern, English):          St. Clare's 30 (a conflict), Kwun Tong 40
//	yip (Sham Shui Po, primary):     Tuen Mun 45, St. Clare's 40
//
// Everyone gets their first choice: see allocated.
func world() []any {
	return []any{
		clareRegistered, shatinRegistered, kwunTongRegistered, tuenMunRegistered,
		offered(clareRegistered, 2, places("English", 2, wongID)),
		offered(shatinRegistered, 1, places("English", 1), places("Mathematics", 1)),
		offered(kwunTongRegistered, 3, places("English", 1), places("Mathematics", 2)),
		offered(tuenMunRegistered, 2, places("English", 2)),
		chanRegistered(), prefers(chanID, clareID, kwunTongID),
		studentTeacher(lamID, "Lam Ka Lok", "Sha Tin", placement.Secondary, "English"), prefers(lamID, shatinID, kwunTongID),
		studentTeacher(hoID, "Ho Chun Hei", "Kowloon City", placement.Secondary, "Mathematics"), prefers(hoID, kwunTongID, shatinID),
		makRegistered(), prefers(makID, kwunTongID),
		studentTeacher(yipID, "Yip Hoi Ying", "Sham Shui Po", placement.Primary, "English"), prefers(yipID, tuenMunID),
	}
}

// poolOf sorts events into the streams they belong to and folds each, as
// the app does before an allocation is decided.
func poolOf(given ...any) domain.Pool {
	p := domain.Pool{Offers: map[string]domain.Offer{}, Students: map[string]domain.StudentTeacher{}, Schools: map[string]domain.School{}}
	for _, e := range given {
		switch e := e.(type) {
		case placement.PlacesOffered:
			p.Offers[e.SchoolID] = domain.EvolveOffer(p.Offers[e.SchoolID], e)
		case placement.OfferWithdrawn:
			p.Offers[e.SchoolID] = domain.EvolveOffer(p.Offers[e.SchoolID], e)
		case placement.StudentTeacherRegistered:
			p.Students[e.StudentID] = domain.EvolveStudentTeacher(p.Students[e.StudentID], e)
		case placement.PreferencesSubmitted:
			p.Students[e.StudentID] = domain.EvolveStudentTeacher(p.Students[e.StudentID], e)
		case placement.SchoolRegistered:
			p.Schools[e.SchoolID] = domain.EvolveSchool(p.Schools[e.SchoolID], e)
		case placement.SchoolCalendarSet:
			p.Schools[e.SchoolID] = domain.EvolveSchool(p.Schools[e.SchoolID], e)
		}
	}
	return p
}

// placedAt is a placement.
func placedAt(studentID, schoolID, subject string, rank, minutes int) placement.Placement {
	return placement.Placement{StudentID: studentID, SchoolID: schoolID, Subject: subject, Rank: rank, TravelMinutes: minutes}
}

// firstChoices are the placements of the world's best allocation.
func firstChoices() []placement.Placement {
	return []placement.Placement{
		placedAt(chanID, clareID, "English", 1, 30),
		placedAt(lamID, shatinID, "English", 1, 15),
		placedAt(hoID, kwunTongID, "Mathematics", 1, 30),
		placedAt(makID, kwunTongID, "English", 1, 40),
		placedAt(yipID, tuenMunID, "English", 1, 45),
	}
}

// recorded is an allocation of the round with these placements.
func recorded(placements []placement.Placement, unplaced ...placement.Unplaced) placement.AllocationRecorded {
	return placement.AllocationRecorded{RoundID: roundID, Placements: placements, Unplaced: append([]placement.Unplaced{}, unplaced...),
		Explanations: []placement.Explanation{}, IneligibleSchools: []placement.IneligibleSchool{}}
}

// allocated is the round's allocation of the world: first choices.
func allocated() placement.AllocationRecorded { return recorded(firstChoices()) }

// published is the round opened, allocated and published.
func published() []any {
	return []any{roundOpened(), allocated(), placement.AllocationPublished{RoundID: roundID}}
}
