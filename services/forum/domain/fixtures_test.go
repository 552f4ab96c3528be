package domain_test

// The forum the tests start from: the 2027 partnership forum of the Faculty
// of Education, on Saturday 20 November 2027 at the Meng Wah Complex, with a
// sharing session of two seats presented by Shatin Methodist College.
// Decisions are taken a week before, at 10:00 in Hong Kong, unless a test
// moves the clock. Histories are decided afresh by running the use cases of
// package app, so that every given event is one a decider recorded and no
// test can change what another is given. Every command builder, history and
// assertion the tests share is here.

import (
	"slices"
	"strings"
	"testing"
	"time"

	"wsms/events"
	"wsms/events/forum"
	"wsms/events/placement"
	"wsms/forum/app"
	"wsms/forum/domain"
	"wsms/platform/decider"
	"wsms/platform/decider/decidertest"
	"wsms/platform/errs"
)

const (
	// year is the school year of the forum, forumDay its day.
	year     = 2027
	forumDay = placement.Date("2027-11-20")

	sessionID      = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a01"
	otherSessionID = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a02"

	// Partner schools: Shatin Methodist College, St. Paul's Co-educational
	// College and Ying Wa Girls' School, with their agreements.
	schoolID         = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a11"
	otherSchoolID    = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a12"
	thirdSchoolID    = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a13"
	agreementID      = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a21"
	otherAgreementID = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a22"
	thirdAgreementID = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a23"
	newAgreementID   = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a24"

	// The people who act: staff of the first school, the coordinator of
	// the second, the university, a student-teacher, and the coordinator
	// of a school outside the partnership.
	coordinatorID = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a31"
	mentorID      = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a32"
	outsiderID    = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a33"
	officeID      = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a34"
	facultyID     = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a35"
	tutorID       = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a36"
	systemID      = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a37"
	studentID     = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a38"
	prospectiveID = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a39"

	// Delegates: Grace Ho of Shatin Methodist, Dr Chan Siu Ming of the
	// faculty, Ivy Lam of St. Paul's, Kelvin Yip of Ying Wa, and their
	// registrations for the session.
	graceID   = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a41"
	chanID    = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a42"
	ivyID     = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a43"
	kelvinID  = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a44"
	graceReg  = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a51"
	chanReg   = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a52"
	ivyReg    = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a53"
	kelvinReg = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a54"
	newReg    = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a55"

	practiceID      = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a61"
	interestID      = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a71"
	otherInterestID = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a72"
	unknownID       = "5d0f3a2e-7c41-4b8e-9a16-2f8e4c1b7a99"
)

// hongKong is the partnership's time zone.
var hongKong = time.FixedZone("HKT", 8*60*60)

// now is when every decision is taken unless a test moves it: Saturday 13
// November 2027, 10:00 in Hong Kong, a week before the forum. It is kept in
// UTC, as a server's clock would be.
var now = time.Date(2027, time.November, 13, 2, 0, 0, 0, time.UTC)

// as is a decision's meta for an actor, at now.
func as(role events.Role, id, school string) decider.Meta {
	return decider.Meta{Actor: events.Actor{ID: id, Role: role, SchoolID: school}, Now: now}
}

// atHongKong is m at a wall-clock time in Hong Kong, "2027-11-20 09:30",
// kept in UTC.
func atHongKong(m decider.Meta, wallClock string) decider.Meta {
	t, err := time.ParseInLocation("2006-01-02 15:04", wallClock, hongKong)
	if err != nil {
		panic(err) // a malformed literal in a test
	}
	m.Now = t.UTC()
	return m
}

// onTheDay is m on the forum's morning.
func onTheDay(m decider.Meta) decider.Meta { return atHongKong(m, "2027-11-20 09:30") }

// The actors. A meta is a value: a test that changes its copy changes no
// other test's.
var (
	office      = as(events.RoleOffice, officeID, "")
	system      = as(events.RoleSystem, systemID, "")
	faculty     = as(events.RoleFaculty, facultyID, "")
	tutor       = as(events.RoleTutor, tutorID, "")
	coordinator = as(events.RoleSchoolCoordinator, coordinatorID, schoolID)
	mentor      = as(events.RoleMentor, mentorID, schoolID)
	outsider    = as(events.RoleSchoolCoordinator, outsiderID, otherSchoolID)
	student     = as(events.RoleStudentTeacher, studentID, "")
	// prospective coordinates a school outside the partnership: no school
	// id yet.
	prospective = as(events.RoleSchoolCoordinator, prospectiveID, "")
)

// actorsBut is every named actor except those listed: the ones a command
// limited to the listed actors refuses.
func actorsBut(allowed ...decider.Meta) map[string]decider.Meta {
	all := map[string]decider.Meta{
		"office": office, "system": system, "faculty": faculty, "tutor": tutor,
		"school coordinator": coordinator, "mentor": mentor,
		"coordinator of another school":       outsider,
		"mentor of another school":            as(events.RoleMentor, mentorID, otherSchoolID),
		"student-teacher":                     student,
		"coordinator of a prospective school": prospective,
		"mentor of no school":                 as(events.RoleMentor, mentorID, ""),
	}
	for name, m := range all {
		if slices.Contains(allowed, m) {
			delete(all, name)
		}
	}
	return all
}

// The forum.

func schedule() domain.ScheduleForum {
	return domain.ScheduleForum{Year: year, Date: forumDay, Venue: "Meng Wah Complex, The University of Hong Kong",
		OnlineLink: "https://hku.zoom.us/j/92345678901", Theme: "Every teacher a mentor: whole-school mentoring support"}
}

// scheduledAs is the ForumScheduled event c records.
func scheduledAs(c domain.ScheduleForum) forum.ForumScheduled {
	return forum.ForumScheduled{Year: c.Year, Date: c.Date, Venue: c.Venue, OnlineLink: c.OnlineLink, Theme: c.Theme}
}

func renewal(school, agreement string, lastSchoolYear int) domain.Renewal {
	return domain.Renewal{SchoolID: school, AgreementID: agreement, LastSchoolYear: lastSchoolYear}
}

// agendaItem puts Shatin Methodist's agreement, ending in the forum's
// year, on the agenda.
func agendaItem() domain.AddRenewalAgendaItem {
	return domain.AddRenewalAgendaItem{Year: year, Renewal: renewal(schoolID, agreementID, year)}
}

// onAgenda is the event an agenda item for r records.
func onAgenda(r domain.Renewal) forum.RenewalAgendaItemAdded {
	return forum.RenewalAgendaItemAdded{Year: year, SchoolID: r.SchoolID, AgreementID: r.AgreementID, LastSchoolYear: r.LastSchoolYear}
}

// triads is the sharing session of two seats.
func triads() domain.AddForumSession {
	return domain.AddForumSession{Year: year, SessionID: sessionID, Title: "Lesson study triads in the English panel",
		Format: "sharing", PresenterSchoolID: schoolID, Presenter: "Grace Ho", Capacity: 2}
}

func sessionAddedAs(c domain.AddForumSession) forum.SessionAdded {
	return forum.SessionAdded{Year: c.Year, SessionID: c.SessionID, Title: c.Title, Format: c.Format,
		PresenterSchoolID: c.PresenterSchoolID, Presenter: c.Presenter, Capacity: c.Capacity}
}

// scheduled is the forum's stream once the office has scheduled it.
func scheduled(t *testing.T) []any {
	return after(t, nil, app.ScheduleForum(nil), schedule(), office)
}

// programme is the scheduled forum with its sharing session.
func programme(t *testing.T) []any {
	return after(t, scheduled(t), app.AddForumSession, triads(), office)
}

// forumOf is the forum after its events, as Prepare fills it in.
func forumOf(given []any) domain.Forum {
	var f domain.Forum
	for _, e := range given {
		f = domain.EvolveForum(f, e)
	}
	return f
}

// theForum is the forum with its programme.
func theForum(t *testing.T) domain.Forum { return forumOf(programme(t)) }

// Registrations.

// delegate registers a school's delegate for the session.
func delegate(f domain.Forum, registrationID, personID, name, school string) domain.RegisterForForum {
	return domain.RegisterForForum{Year: year, SessionID: sessionID, RegistrationID: registrationID, PersonID: personID,
		Name: name, Kind: forum.DelegateSchool, SchoolID: school, Forum: f}
}

// facultyMember registers a member of the faculty for the session.
func facultyMember(f domain.Forum, registrationID, personID, name string) domain.RegisterForForum {
	return domain.RegisterForForum{Year: year, SessionID: sessionID, RegistrationID: registrationID, PersonID: personID,
		Name: name, Kind: forum.DelegateFaculty, Forum: f}
}

// grace is Shatin Methodist's delegate, registered by her coordinator.
func grace(f domain.Forum) domain.RegisterForForum {
	return delegate(f, graceReg, graceID, "Grace Ho", schoolID)
}

// registeredAs is the event registering c records.
func registeredAs(c domain.RegisterForForum, waitlisted bool) forum.DelegateRegistered {
	return forum.DelegateRegistered{Year: c.Year, SessionID: c.SessionID, RegistrationID: c.RegistrationID, PersonID: c.PersonID,
		Name: c.Name, Kind: c.Kind, SchoolID: c.SchoolID, Waitlisted: waitlisted}
}

// seatedOne is the session with Grace Ho in one of its two seats.
func seatedOne(t *testing.T) []any {
	return after(t, nil, app.RegisterForForum, grace(theForum(t)), coordinator)
}

// full is the session with both seats taken (Grace Ho, then Dr Chan) and
// two waiting: Ivy Lam first, then Kelvin Yip.
func full(t *testing.T) []any {
	f := theForum(t)
	given := after(t, seatedOne(t), app.RegisterForForum, facultyMember(f, chanReg, chanID, "Dr Chan Siu Ming"), faculty)
	given = after(t, given, app.RegisterForForum, delegate(f, ivyReg, ivyID, "Ivy Lam", otherSchoolID), outsider)
	return after(t, given, app.RegisterForForum, delegate(f, kelvinReg, kelvinID, "Kelvin Yip", thirdSchoolID), office)
}

func cancel(registrationID string) domain.CancelRegistration {
	return domain.CancelRegistration{Year: year, SessionID: sessionID, RegistrationID: registrationID}
}

func cancelledAs(registrationID string) forum.RegistrationCancelled {
	return forum.RegistrationCancelled{Year: year, SessionID: sessionID, RegistrationID: registrationID}
}

func promotedAs(registrationID string) forum.WaitlistPromoted {
	return forum.WaitlistPromoted{Year: year, SessionID: sessionID, RegistrationID: registrationID}
}

func attendance(registrationID string, attended bool, f domain.Forum) domain.RecordAttendance {
	return domain.RecordAttendance{Year: year, SessionID: sessionID, RegistrationID: registrationID, Attended: attended, Forum: f}
}

func attendedAs(registrationID string, attended bool) forum.AttendanceRecorded {
	return forum.AttendanceRecorded{Year: year, SessionID: sessionID, RegistrationID: registrationID, Attended: attended}
}

// sessionOf is the session after its events.
func sessionOf(given []any) domain.Session { return app.RegisterForForum.Fold(given) }

// Shared practice, feedback and interest.

func practice() domain.SharePractice {
	return domain.SharePractice{PracticeID: practiceID, SchoolID: schoolID, Year: year, Title: "Lesson study triads",
		Summary: "Three English teachers plan, teach and review one lesson with the student-teacher, " +
			"who teaches it twice and revises it between the two classes.",
		Subject: "English",
		Links:   []string{"https://www.smc.edu.hk/mentoring/lesson-study-triads.pdf", "http://www.smc.edu.hk/mentoring"}}
}

func sharedAs(c domain.SharePractice) forum.PracticeShared {
	return forum.PracticeShared{PracticeID: c.PracticeID, SchoolID: c.SchoolID, Year: c.Year, Title: c.Title,
		Summary: c.Summary, Subject: c.Subject, Links: c.Links}
}

// answers is what the respondent m answers to the questionnaire.
func answers(m decider.Meta, f domain.Forum) domain.SubmitFeedback {
	return domain.SubmitFeedback{Year: year, RespondentID: m.Actor.ID,
		Ratings:  map[string]int{"relevance": 5, "sharing": 4, "organisation": 4, "partnership": 3},
		Comments: map[string]string{"best": "Watching another school's triad plan a lesson together", "improve": "More time for questions after the panel"},
		Forum:    f}
}

// interest is Kowloon True Light School asking to join.
func interest() domain.ExpressInterest {
	return domain.ExpressInterest{InterestID: interestID, SchoolName: "Kowloon True Light School", District: "Kowloon City",
		Level:    placement.Secondary,
		Contact:  placement.Contact{Name: "Ada Wong", Email: "ada.wong@ktls.edu.hk", Phone: "+852 2761 2222"},
		Subjects: []string{"English", "Mathematics", "Chinese Language"}, PlacesOffered: 6}
}

func expressedAs(c domain.ExpressInterest) forum.InterestExpressed {
	return forum.InterestExpressed{InterestID: c.InterestID, SchoolName: c.SchoolName, District: c.District, Level: c.Level,
		Contact: c.Contact, Subjects: c.Subjects, PlacesOffered: c.PlacesOffered}
}

// expressed is the interest's stream once the school has asked.
func expressed(t *testing.T) []any {
	return after(t, nil, app.ExpressInterest, interest(), prospective)
}

func review(accept bool) domain.ReviewInterest {
	reason := "Declined for now: no English panel to host student-teachers"
	if accept {
		reason = "Strong English panel and a mentoring coordinator in post"
	}
	return domain.ReviewInterest{InterestID: interestID, Accept: accept, Reason: reason}
}

// Running use cases and asserting what they decide.

// useCase is what the tests need of a use case of package app.
type useCase[C any] interface {
	Run(given []any, c C, m decider.Meta) ([]any, error)
}

// after runs c after given, which must accept it, and returns given
// followed by what it decided: the way a history is recorded.
func after[C any](t *testing.T, given []any, uc useCase[C], c C, m decider.Meta) []any {
	t.Helper()
	got, err := uc.Run(given, c, m)
	if err != nil {
		t.Fatalf("given %T: %v", c, err)
	}
	return append(slices.Clip(given), got...)
}

// thenEvents asserts that the command was decided into exactly want.
func thenEvents(t *testing.T, got []any, err error, want ...any) {
	t.Helper()
	decidertest.Events(t, got, err, want...)
}

// thenNothing asserts that the command was accepted and changed nothing.
func thenNothing(t *testing.T, got []any, err error) {
	t.Helper()
	decidertest.Nothing(t, got, err)
}

// thenRefused asserts that the command was refused with code, and returns
// the refusal.
func thenRefused(t *testing.T, got []any, err error, code errs.Code) *errs.Error {
	t.Helper()
	return decidertest.Refused(t, got, err, code)
}

// invalid is a change to a valid command that breaks one rule.
type invalid[C any] struct {
	name        string
	change      func(*C)
	field, rule string
}

// thenEachInvalid runs every change of valid after given, by m, and
// asserts the rule each breaks.
func thenEachInvalid[C any](t *testing.T, given []any, r decidertest.Runner[C], valid func() C, m decider.Meta, cases []invalid[C]) {
	t.Helper()
	all := make([]decidertest.Case[C], len(cases))
	for i, c := range cases {
		all[i] = decidertest.Case[C]{Name: c.name, Change: c.change, Field: c.field, Rule: c.rule}
	}
	decidertest.EachInvalid(t, given, r, valid, m, all)
}

// thenForbiddenTo asserts that each of the actors is refused the command.
func thenForbiddenTo(t *testing.T, actors map[string]decider.Meta, when func(decider.Meta) ([]any, error)) {
	t.Helper()
	decidertest.ForbiddenTo(t, actors, when)
}

// accepted is a change to a valid command that keeps it valid.
type accepted[C any] struct {
	name   string
	change func(*C)
}

// thenEachAccepted runs every change of valid after given, by m, and
// asserts that each is decided into the events want derives from it.
func thenEachAccepted[C any](t *testing.T, given []any, uc useCase[C], valid func() C, m decider.Meta, cases []accepted[C], want func(C) []any) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := valid()
			tc.change(&c)
			got, err := uc.Run(given, c, m)
			thenEvents(t, got, err, want(c)...)
		})
	}
}

// long is a text of n characters.
func long(n int) string { return strings.Repeat("x", n) }

// chinese is a text of n Chinese characters: three bytes each, one
// character each for a length limit.
func chinese(n int) string { return strings.Repeat("師", n) }
