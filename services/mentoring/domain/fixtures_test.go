package domain_test

// The placement the mentoring tests start from: a student-teacher of English
// placed at a partner school for the 2027/28 round, in two practicum blocks
// around 20 October 2027, with an assigned teacher-mentor and university
// tutor. Histories are decided afresh by functions, running the use cases of
// package app (every record event chained), so that no test can change what
// another one is given. Every command builder, history and assertion the
// tests share is here.

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"wsms/events"
	"wsms/events/mentoring"
	"wsms/events/placement"
	"wsms/mentoring/app"
	"wsms/mentoring/domain"
	"wsms/platform/command"
	"wsms/platform/decider"
	"wsms/platform/decider/decidertest"
	"wsms/platform/errs"
)

const (
	roundID        = "7a1e0c4d-2b3f-4c5a-8d6e-9f0a1b2c3d01"
	studentID      = "7a1e0c4d-2b3f-4c5a-8d6e-9f0a1b2c3d02"
	otherStudentID = "7a1e0c4d-2b3f-4c5a-8d6e-9f0a1b2c3d03"
	schoolID       = "7a1e0c4d-2b3f-4c5a-8d6e-9f0a1b2c3d04"
	otherSchoolID  = "7a1e0c4d-2b3f-4c5a-8d6e-9f0a1b2c3d05"

	// Teachers of the host school: the assigned mentor, another teacher and
	// the school's coordinator; and a teacher of another school.
	mentorID      = "7a1e0c4d-2b3f-4c5a-8d6e-9f0a1b2c3d11"
	teacherID     = "7a1e0c4d-2b3f-4c5a-8d6e-9f0a1b2c3d12"
	coordinatorID = "7a1e0c4d-2b3f-4c5a-8d6e-9f0a1b2c3d13"
	outsiderID    = "7a1e0c4d-2b3f-4c5a-8d6e-9f0a1b2c3d14"

	tutorID      = "7a1e0c4d-2b3f-4c5a-8d6e-9f0a1b2c3d21"
	otherTutorID = "7a1e0c4d-2b3f-4c5a-8d6e-9f0a1b2c3d22"

	facultyID = "7a1e0c4d-2b3f-4c5a-8d6e-9f0a1b2c3d31"
	officeID  = "7a1e0c4d-2b3f-4c5a-8d6e-9f0a1b2c3d32"
	systemID  = "7a1e0c4d-2b3f-4c5a-8d6e-9f0a1b2c3d33"

	observationID = "7a1e0c4d-2b3f-4c5a-8d6e-9f0a1b2c3d41"
	meetingID     = "7a1e0c4d-2b3f-4c5a-8d6e-9f0a1b2c3d42"
	reflectionID  = "7a1e0c4d-2b3f-4c5a-8d6e-9f0a1b2c3d43"
	concernID     = "7a1e0c4d-2b3f-4c5a-8d6e-9f0a1b2c3d44"
	unknownID     = "7a1e0c4d-2b3f-4c5a-8d6e-9f0a1b2c3d99"

	// today is the day of now; the lesson observed was the day before.
	today     = placement.Date("2027-10-20")
	lessonDay = placement.Date("2027-10-19")
)

// recordID is the derived id of the student-teacher's record in the round.
var recordID = mentoring.RecordIDFor(roundID, studentID)

// now is when every decision is taken, unless a test moves it.
var now = time.Date(2027, time.October, 20, 9, 30, 0, 0, time.UTC)

// as is a decision's meta for an actor, at now.
func as(role events.Role, id, school string) decider.Meta {
	return decider.Meta{Actor: events.Actor{ID: id, Role: role, SchoolID: school}, Now: now}
}

// daysLater is m the given number of days after now.
func daysLater(m decider.Meta, days int) decider.Meta {
	m.Now = now.AddDate(0, 0, days)
	return m
}

// The actors. A meta is a value: a test that changes its copy changes no
// other test's.
var (
	system       = as(events.RoleSystem, systemID, "")
	office       = as(events.RoleOffice, officeID, "")
	faculty      = as(events.RoleFaculty, facultyID, "")
	mentor       = as(events.RoleMentor, mentorID, schoolID)
	teacher      = as(events.RoleMentor, teacherID, schoolID)
	coordinator  = as(events.RoleSchoolCoordinator, coordinatorID, schoolID)
	outsider     = as(events.RoleMentor, outsiderID, otherSchoolID)
	tutor        = as(events.RoleTutor, tutorID, "")
	otherTutor   = as(events.RoleTutor, otherTutorID, "")
	student      = as(events.RoleStudentTeacher, studentID, "")
	otherStudent = as(events.RoleStudentTeacher, otherStudentID, "")
)

// actorsBut is every named actor except those listed: the ones a command
// limited to the listed actors refuses.
func actorsBut(allowed ...decider.Meta) map[string]decider.Meta {
	all := map[string]decider.Meta{
		"system": system, "office": office, "faculty": faculty,
		"assigned mentor": mentor, "another teacher of the school": teacher, "school coordinator": coordinator,
		"teacher of another school": outsider, "assigned mentor acting for another school": as(events.RoleMentor, mentorID, otherSchoolID),
		"assigned tutor": tutor, "another tutor": otherTutor,
		"student-teacher": student, "another student-teacher": otherStudent,
	}
	for name, m := range all {
		if slices.Contains(allowed, m) {
			delete(all, name)
		}
	}
	return all
}

// windows are the placement's two practicum blocks.
func windows() []placement.Period {
	return []placement.Period{
		{From: "2027-10-04", To: "2027-10-29", Name: "First block"},
		{From: "2027-11-15", To: "2027-12-03", Name: "Second block"},
	}
}

func openRecord() domain.OpenMentoringRecord {
	return domain.OpenMentoringRecord{RecordID: recordID, RoundID: roundID, StudentID: studentID, SchoolID: schoolID, Subject: "English", Windows: windows()}
}

// ratings rates every domain of fw at level.
func ratings(fw mentoring.FrameworkPublished, level int) map[string]int {
	r := map[string]int{}
	for _, d := range fw.Domains {
		r[d.ID] = level
	}
	return r
}

// lesson is what an observer writes about yesterday's lesson, rated
// against the default framework.
func lesson() mentoring.ObservationContent {
	return mentoring.ObservationContent{
		Date: lessonDay, Class: "4B", Subject: "English", Topic: "Persuasive letters",
		FrameworkVersion: 1, Ratings: ratings(mentoring.DefaultFramework(), 3),
		Strengths:           "Clear modelling of the letter's structure",
		AreasForDevelopment: "Wait longer after questions",
		ActionPoints:        []string{"Plan three higher-order questions"},
	}
}

func observe(id string) domain.RecordObservation {
	return domain.RecordObservation{RecordID: recordID, ObservationID: id, Content: lesson()}
}

func amend(id string) domain.AmendObservation {
	c := lesson()
	c.Ratings["management"] = 2
	return domain.AmendObservation{RecordID: recordID, ObservationID: id, Content: c, Reason: "Rated the wrong lesson segment"}
}

func cosign(id string) domain.CoSignObservation {
	return domain.CoSignObservation{RecordID: recordID, ObservationID: id}
}

func acknowledge(id string) domain.AcknowledgeObservation {
	return domain.AcknowledgeObservation{RecordID: recordID, ObservationID: id, Response: "I will try the wait time next week"}
}

func meeting() domain.LogMentoringMeeting {
	return domain.LogMentoringMeeting{RecordID: recordID, MeetingID: meetingID, Date: today, Minutes: 45,
		Topics: []string{"Questioning"}, Targets: []string{"Use wait time"}}
}

func reflection() domain.SubmitReflection {
	return domain.SubmitReflection{RecordID: recordID, ReflectionID: reflectionID, Date: today, Text: "The letters lesson ran long."}
}

func concern(id string) domain.RaiseConcern {
	return domain.RaiseConcern{RecordID: recordID, ConcernID: id, Category: "attendance", Severity: "medium", Description: "Missed two lessons"}
}

func resolve(id string) domain.ResolveConcern {
	return domain.ResolveConcern{RecordID: recordID, ConcernID: id, Note: "Attendance back to normal"}
}

func assessment() domain.SubmitFinalAssessment {
	return domain.SubmitFinalAssessment{RecordID: recordID, Recommendation: "pass", Summary: "A reliable, reflective teacher"}
}

func moderation(recommendation string) domain.ModerateAssessment {
	return domain.ModerateAssessment{RecordID: recordID, Recommendation: recommendation}
}

// domainsOf is n distinct competency domains.
func domainsOf(n int) []mentoring.CompetencyDomain {
	ds := make([]mentoring.CompetencyDomain, n)
	for i := range ds {
		ds[i] = mentoring.CompetencyDomain{ID: fmt.Sprintf("domain_%d", i+1), Name: fmt.Sprintf("Domain %d", i+1), Indicators: []string{"Shows it"}}
	}
	return ds
}

// scaleOf is a scale of n levels, 1 to n.
func scaleOf(n int) []mentoring.ScaleLevel {
	s := make([]mentoring.ScaleLevel, n)
	for i := range s {
		s[i] = mentoring.ScaleLevel{Value: i + 1, Label: fmt.Sprintf("level %d", i+1)}
	}
	return s
}

func training() domain.RecordMentorTraining {
	return domain.RecordMentorTraining{TeacherID: mentorID, SchoolID: schoolID, Course: "Quality mentor", Level: "I",
		Issuer: "Faculty of Education", CompletedOn: "2027-06-30", CertificateID: "QM-2027-0042", ExpiresOn: "2030-06-30"}
}

func trained(c domain.RecordMentorTraining) mentoring.MentorTrainingRecorded {
	return mentoring.MentorTrainingRecorded{TeacherID: c.TeacherID, SchoolID: c.SchoolID, Course: c.Course, Level: c.Level,
		Issuer: c.Issuer, CompletedOn: c.CompletedOn, CertificateID: c.CertificateID, ExpiresOn: c.ExpiresOn}
}

func setPolicy() domain.SetPolicy {
	return domain.SetPolicy{MinMentorObservations: 5, MinTutorObservations: 3, AmendDays: 10}
}

// recorded is the observation an observer in role records today.
func recorded(id string, m decider.Meta, role, coObserverID string) mentoring.ObservationRecorded {
	return mentoring.ObservationRecorded{RecordID: recordID, ObservationID: id, ObserverID: m.Actor.ID, ObserverRole: role,
		RecordedOn: today, CoObserverID: coObserverID, Content: lesson()}
}

// after runs c after given, which must accept it, and returns given
// followed by what it decided: the way a history is recorded.
func after[C any](t *testing.T, given []any, uc command.UseCase[domain.Record, C], c C, m decider.Meta) []any {
	t.Helper()
	got, err := uc.Run(given, c, m)
	if err != nil {
		t.Fatalf("given %s: %v", uc.Name, err)
	}
	return append(slices.Clip(given), got...)
}

// opened is the record as the placement process opens it: no mentor or
// tutor yet.
func opened(t *testing.T) []any {
	return after(t, nil, app.OpenMentoringRecord, openRecord(), system)
}

// placed is the record with its mentor and tutor assigned.
func placed(t *testing.T) []any {
	given := after(t, opened(t), app.AssignRecordMentor, domain.AssignRecordMentor{RecordID: recordID, MentorID: mentorID}, system)
	return after(t, given, app.AssignTutor, domain.AssignTutor{RecordID: recordID, TutorID: tutorID}, faculty)
}

// observed is given with observation id recorded by m today.
func observed(t *testing.T, given []any, id string, m decider.Meta) []any {
	return after(t, given, app.RecordObservation, observe(id), m)
}

// observedJointly is given with observation id recorded by m, naming
// coObserverID.
func observedJointly(t *testing.T, given []any, id string, m decider.Meta, coObserverID string) []any {
	c := observe(id)
	c.CoObserverID = coObserverID
	return after(t, given, app.RecordObservation, c, m)
}

// observations is given with n observations by each of the observers.
func observations(t *testing.T, given []any, n int, by ...decider.Meta) []any {
	for _, m := range by {
		for range n {
			given = observed(t, given, uuid.NewString(), m)
		}
	}
	return given
}

// observedEnough is the placed record with the minimum observations: by
// the mentor and another teacher of the school, and by the tutor.
func observedEnough(t *testing.T) []any {
	given := observations(t, placed(t), mentoring.DefaultMinMentorObservations/2, mentor, teacher)
	given = observations(t, given, mentoring.DefaultMinMentorObservations%2, mentor)
	return observations(t, given, mentoring.DefaultMinTutorObservations, tutor)
}

// submitted is the record with the mentor's final recommendation of a pass.
func submitted(t *testing.T) []any {
	return after(t, observedEnough(t), app.SubmitFinalAssessment, assessment(), mentor)
}

// locked is the record after the tutor moderated the assessment, with an
// observation written today, a joint one and an open concern, so that
// every command would be accepted on it but for the lock.
func locked(t *testing.T) []any {
	given := observedJointly(t, placed(t), observationID, mentor, tutorID)
	given = after(t, given, app.RaiseConcern, concern(concernID), mentor)
	given = observations(t, given, 1, mentor, teacher, coordinator)
	given = observations(t, given, mentoring.DefaultMinTutorObservations, tutor)
	given = after(t, given, app.SubmitFinalAssessment, assessment(), mentor)
	return after(t, given, app.ModerateAssessment, moderation("pass"), tutor)
}

// lifetime is a whole placement's record, every record command run in
// turn on what the ones before decided.
func lifetime(t *testing.T) []any {
	h := observedJointly(t, placed(t), observationID, mentor, tutorID)
	h = after(t, h, app.AmendObservation, amend(observationID), mentor)
	h = after(t, h, app.CoSignObservation, cosign(observationID), tutor)
	h = after(t, h, app.AcknowledgeObservation, acknowledge(observationID), student)
	h = after(t, h, app.LogMentoringMeeting, meeting(), mentor)
	h = after(t, h, app.SubmitReflection, reflection(), student)
	h = after(t, h, app.RaiseConcern, concern(concernID), tutor)
	h = after(t, h, app.ResolveConcern, resolve(concernID), mentor)
	h = observations(t, h, 1, teacher, coordinator, mentor)
	h = observations(t, h, mentoring.DefaultMinTutorObservations, tutor)
	h = after(t, h, app.SubmitFinalAssessment, assessment(), mentor)
	return after(t, h, app.ModerateAssessment, moderation("pass"), tutor)
}

// published are versions 2, 3… of the framework, as the faculty publishes
// them.
func published(t *testing.T, versions ...domain.PublishFramework) []any {
	t.Helper()
	var given []any
	for _, c := range versions {
		got, err := app.PublishFramework.Run(given, c, faculty)
		if err != nil {
			t.Fatalf("given publish-framework: %v", err)
		}
		given = append(given, got...)
	}
	return given
}

// framework is the competency framework after the given versions.
func framework(given []any) domain.Framework { return app.PublishFramework.Fold(given) }

// policy is the mentoring policy after the faculty set these rules.
func policy(school, tutors, amendDays int) domain.Policy {
	return app.SetPolicy.Fold([]any{mentoring.PolicySet{MinMentorObservations: school, MinTutorObservations: tutors, AmendDays: amendDays}})
}

// numeracyFramework is a version unlike the default: other domains, five
// levels.
func numeracyFramework() domain.PublishFramework {
	return domain.PublishFramework{
		Name: "Numeracy across the curriculum",
		Domains: []mentoring.CompetencyDomain{
			{ID: "number_sense", Name: "Number sense", Indicators: []string{"Estimates before calculating"}},
			{ID: "data_talk", Name: "Talking about data", Indicators: []string{"Reads graphs with the class"}},
		},
		Scale: []mentoring.ScaleLevel{
			{Value: 1, Label: "absent"}, {Value: 2, Label: "emerging"}, {Value: 3, Label: "developing"},
			{Value: 4, Label: "secure"}, {Value: 5, Label: "exemplary"},
		},
	}
}

// unchained is events with their chains zeroed, to compare what was decided
// apart from the hash chain, which chain_test.go checks.
func unchained(decided []any) []any {
	out := make([]any, len(decided))
	for i, e := range decided {
		v := reflect.New(reflect.TypeOf(e)).Elem()
		v.Set(reflect.ValueOf(e))
		if f := v.FieldByName("Chain"); f.IsValid() {
			f.SetZero()
		}
		out[i] = v.Interface()
	}
	return out
}

// thenEvents asserts that the command was decided into exactly want,
// chains apart.
func thenEvents(t *testing.T, got []any, err error, want ...any) {
	t.Helper()
	decidertest.Events(t, unchained(got), err, want...)
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

// thenInvalid asserts that the command was refused because field breaks
// rule.
func thenInvalid(t *testing.T, got []any, err error, field, rule string) {
	t.Helper()
	decidertest.Invalid(t, got, err, field, rule)
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

// long is a text of n characters.
func long(n int) string { return strings.Repeat("x", n) }

// stored is events as the event store keeps them, versions from 1.
func stored(t *testing.T, events []any) []domain.StoredEvent {
	t.Helper()
	s := make([]domain.StoredEvent, len(events))
	for i, e := range events {
		s[i] = domain.StoredEvent{Version: int64(i + 1), Data: marshal(t, e)}
	}
	return s
}

// edited is data with its top-level member name set to value.
func edited(t *testing.T, data []byte, name string, value any) []byte {
	t.Helper()
	var fields map[string]any
	if err := json.Unmarshal(data, &fields); err != nil {
		t.Fatal(err)
	}
	fields[name] = value
	out, err := json.Marshal(fields)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// indexOf is the position of the first event of type E in events.
func indexOf[E any](t *testing.T, events []any) int {
	t.Helper()
	i := slices.IndexFunc(events, func(e any) bool { _, ok := e.(E); return ok })
	if i < 0 {
		var e E
		t.Fatalf("no %T in the history", e)
	}
	return i
}

// marshal is v as JSON.
func marshal(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// linkHash is mentoring.LinkHash, failing the test on error.
func linkHash(t *testing.T, prev string, data []byte) string {
	t.Helper()
	h, err := mentoring.LinkHash(prev, data)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
