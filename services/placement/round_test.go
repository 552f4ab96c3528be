package placement_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"wsms/events"
	"wsms/events/mentoring"
	ep "wsms/events/placement"
	"wsms/placement/domain"
	"wsms/platform/command"
	"wsms/platform/errs"
	"wsms/platform/eventstore"
	"wsms/platform/servicetest"
)

// send sends one command as actor and fails the test on any refusal.
func send[C any](t *testing.T, rs running, name string, actor events.Actor, c C) eventstore.Result {
	t.Helper()
	res, err := trySend(rs, name, actor, c)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return res
}

func trySend[C any](rs running, name string, actor events.Actor, c C) (eventstore.Result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return command.Send(ctx, rs.nc, command.Subject(rs.namespace, "placement", name), command.Request[C]{Command: c, Actor: actor})
}

// roundState folds the round's recorded events, as the service does.
func roundState(t *testing.T, rs running, roundID string) (domain.Round, []any) {
	t.Helper()
	_, payloads := loadStream(t, rs, domain.RoundStream(roundID))
	var r domain.Round
	for _, p := range payloads {
		r = domain.EvolveRound(r, p)
	}
	return r, payloads
}

// TestWholeRoundEndToEnd runs a placement round through NATS and
// PostgreSQL: schools sign agreements and offer places, student-teachers
// rank schools, the office allocates and publishes, one school declines and
// only that student-teacher moves, schools confirm, a mentor whose training
// reached the placement service from the mentoring service's stream is
// assigned, and the round closes.
func TestWholeRoundEndToEnd(t *testing.T) {
	t.Parallel()
	rs := startService(t)
	office := events.Actor{ID: "office-1", Role: events.RoleOffice}
	coordinator := func(school string) events.Actor {
		return events.Actor{ID: "coord-" + school[:8], Role: events.RoleSchoolCoordinator, SchoolID: school}
	}
	id := func() string { return uuid.Must(uuid.NewV7()).String() }

	// Five secondary schools. Kwun Tong's examinations fill the practicum
	// window; Sai Kung's place is one nobody asks for.
	schools := map[string]string{"shatin": id(), "taipo": id(), "central": id(), "kwuntong": id(), "saikung": id()}
	districts := map[string]string{"shatin": "Sha Tin", "taipo": "Tai Po", "central": "Central and Western", "kwuntong": "Kwun Tong", "saikung": "Sai Kung"}
	mentorB := id()
	for key, sid := range schools {
		send(t, rs, "register-school", office, domain.RegisterSchool{SchoolID: sid, Name: key + " secondary school", District: districts[key],
			Level: ep.Secondary, Contact: ep.Contact{Name: "Coordinator", Email: key + "@example.edu.hk"}})
		send(t, rs, "sign-partnership-agreement", office, domain.SignPartnershipAgreement{SchoolID: sid, AgreementID: id(),
			FirstSchoolYear: 2027, CoreSubjects: []string{"English", "Mathematics"}, EnglishKLA: true})
	}
	send(t, rs, "add-teacher", coordinator(schools["taipo"]), domain.AddTeacher{SchoolID: schools["taipo"], TeacherID: mentorB, Name: "Winnie Tsang", Email: "winnie@example.edu.hk"})
	send(t, rs, "name-teacher-mentor", coordinator(schools["taipo"]), domain.NameTeacherMentor{SchoolID: schools["taipo"], TeacherID: mentorB, Subjects: []string{"English"}})
	untrained := id()
	send(t, rs, "add-teacher", coordinator(schools["taipo"]), domain.AddTeacher{SchoolID: schools["taipo"], TeacherID: untrained, Name: "Peter Yip", Email: "peter@example.edu.hk"})
	send(t, rs, "name-teacher-mentor", coordinator(schools["taipo"]), domain.NameTeacherMentor{SchoolID: schools["taipo"], TeacherID: untrained, Subjects: []string{"English"}})
	send(t, rs, "set-school-calendar", coordinator(schools["kwuntong"]), domain.SetSchoolCalendar{SchoolID: schools["kwuntong"], SchoolYear: 2027,
		ExaminationPeriods: []ep.Period{{From: "2027-10-11", To: "2027-10-29", Name: "Mock examinations"}}})

	roundID := id()
	send(t, rs, "open-placement-round", office, domain.OpenPlacementRound{RoundID: roundID, Name: "2027/28 Block Practice 1", SchoolYear: 2027,
		Windows: []ep.Period{{From: "2027-10-04", To: "2027-11-26"}}, OfferDeadline: "2027-09-10", PreferenceDeadline: "2027-09-17"})
	for _, sid := range schools {
		send(t, rs, "offer-places", coordinator(sid), domain.OfferPlaces{RoundID: roundID, SchoolID: sid,
			Offers: []ep.OfferedPlaces{{Subject: "English", Places: 1}}})
	}
	// An offer the agreement's band does not cover is recorded with a warning.
	_, offers := loadStream(t, rs, domain.OfferStream(roundID, schools["shatin"]))
	if w := offers[0].(ep.PlacesOffered).Warnings; len(w) != 1 {
		t.Fatalf("warnings %v, want one for the band of 6 to 8", w)
	}

	students := map[string]string{"chloe": id(), "dan": id(), "eva": id()}
	for name, sid := range students {
		send(t, rs, "register-student-teacher", office, domain.RegisterStudentTeacher{RoundID: roundID, StudentID: sid, Name: name,
			Email: name + "@example.hku.hk", Level: ep.Secondary, Subjects: []string{"English"}, HomeDistrict: "Sha Tin"})
	}
	me := func(name string) events.Actor {
		return events.Actor{ID: students[name], Role: events.RoleStudentTeacher}
	}
	send(t, rs, "submit-preferences", me("chloe"), domain.SubmitPreferences{RoundID: roundID, StudentID: students["chloe"],
		SchoolIDs: []string{schools["shatin"], schools["kwuntong"], schools["central"]}})
	send(t, rs, "submit-preferences", me("dan"), domain.SubmitPreferences{RoundID: roundID, StudentID: students["dan"], SchoolIDs: []string{schools["shatin"]}})
	send(t, rs, "submit-preferences", me("eva"), domain.SubmitPreferences{RoundID: roundID, StudentID: students["eva"], SchoolIDs: []string{schools["taipo"]}})
	// A student-teacher cannot rank for another.
	if _, err := trySend(rs, "submit-preferences", me("eva"), domain.SubmitPreferences{RoundID: roundID, StudentID: students["dan"]}); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("ranking for another: %v, want FORBIDDEN", err)
	}

	send(t, rs, "run-allocation", office, domain.RunAllocation{RoundID: roundID})
	r, recorded := roundState(t, rs, roundID)
	want := map[string]string{"chloe": "central", "dan": "shatin", "eva": "taipo"}
	for name, school := range want {
		if p, ok := r.Placement(students[name]); !ok || p.SchoolID != schools[school] {
			t.Fatalf("%s placed at %+v, want %s", name, p, school)
		}
	}
	alloc := recorded[len(recorded)-1].(ep.AllocationRecorded)
	if len(alloc.IneligibleSchools) != 1 || alloc.IneligibleSchools[0].SchoolID != schools["kwuntong"] {
		t.Fatalf("ineligible schools %+v, want Kwun Tong for its calendar", alloc.IneligibleSchools)
	}
	for _, x := range alloc.Explanations {
		if x.StudentID != students["chloe"] {
			continue
		}
		if len(x.NotChosen) != 2 || x.NotChosen[1].SchoolID != schools["kwuntong"] || x.NotChosen[1].Reason[:len("ineligible: calendar clash")] != "ineligible: calendar clash" {
			t.Fatalf("chloe's explanation %+v, want Sha Tin full and Kwun Tong's calendar clash", x)
		}
	}

	send(t, rs, "publish-allocation", office, domain.PublishAllocation{RoundID: roundID})
	// Offers no longer change once published.
	if _, err := trySend(rs, "offer-places", office, domain.OfferPlaces{RoundID: roundID, SchoolID: schools["saikung"],
		Offers: []ep.OfferedPlaces{{Subject: "English", Places: 2}}}); !errs.Is(err, errs.Conflict) {
		t.Fatalf("offer after publication: %v, want CONFLICT", err)
	}

	// Sha Tin declines Dan: he alone moves, to the one free place.
	send(t, rs, "decline-placement", coordinator(schools["shatin"]), domain.DeclinePlacement{RoundID: roundID, StudentID: students["dan"], Reason: "The English panel head is on leave"})
	r, _ = roundState(t, rs, roundID)
	if p, _ := r.Placement(students["dan"]); p.SchoolID != schools["saikung"] {
		t.Fatalf("dan re-allocated to %+v, want Sai Kung", p)
	}
	for name, school := range map[string]string{"chloe": "central", "eva": "taipo"} {
		if p, _ := r.Placement(students[name]); p.SchoolID != schools[school] {
			t.Fatalf("%s moved to %+v when only dan was declined", name, p)
		}
	}

	for name, school := range map[string]string{"chloe": "central", "dan": "saikung", "eva": "taipo"} {
		send(t, rs, "confirm-placement", coordinator(schools[school]), domain.ConfirmPlacement{RoundID: roundID, StudentID: students[name]})
	}
	// A mentor with no training on record is refused.
	_, err := trySend(rs, "assign-mentor", coordinator(schools["taipo"]), domain.AssignMentor{RoundID: roundID, StudentID: students["eva"], TeacherID: untrained})
	if e := errs.As(err); err == nil || e.Field != "teacherId" || e.Rule != "mentor_training" {
		t.Fatalf("untrained mentor: %v, want VALIDATION on teacherId (mentor_training)", err)
	}
	// The mentoring service records Winnie's training; once the placement
	// service has its copy, she can be assigned.
	recordTraining(t, rs, mentoring.MentorTrainingRecorded{TeacherID: mentorB, SchoolID: schools["taipo"], Course: "Quality Mentorship Level One",
		Level: "I", Issuer: "PolyU SPEED", CompletedOn: "2026-06-30", CertificateID: "QM1-2026-0412", ExpiresOn: "2099-06-30"})
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := trySend(rs, "assign-mentor", coordinator(schools["taipo"]), domain.AssignMentor{RoundID: roundID, StudentID: students["eva"], TeacherID: mentorB})
		if err == nil {
			break
		}
		if errs.As(err).Rule != "mentor_training" || time.Now().After(deadline) {
			t.Fatalf("assign trained mentor: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}

	send(t, rs, "close-placement-round", office, domain.ClosePlacementRound{RoundID: roundID})
	if _, err := trySend(rs, "confirm-placement", office, domain.ConfirmPlacement{RoundID: roundID, StudentID: students["eva"]}); !errs.Is(err, errs.Conflict) {
		t.Fatalf("after closing: %v, want CONFLICT", err)
	}
}

func loadStream(t *testing.T, rs running, stream string) ([]events.Envelope, []any) {
	t.Helper()
	reg := events.NewRegistry()
	ep.Register(reg)
	recorded, err := eventstore.New(rs.db, "placement").Load(context.Background(), stream)
	if err != nil {
		t.Fatal(err)
	}
	payloads := make([]any, len(recorded))
	for i, e := range recorded {
		if payloads[i], err = reg.Decode(e.Type, e.Data); err != nil {
			t.Fatal(err)
		}
	}
	return recorded, payloads
}

// recordTraining records a training event as the mentoring service does: in
// its own event store, published by its own relay to its own stream.
func recordTraining(t *testing.T, rs running, e mentoring.MentorTrainingRecorded) {
	t.Helper()
	servicetest.NewPublisher(t, rs.db, rs.nc, rs.namespace, "mentoring", mentoring.Register).Record(t, "training-"+e.TeacherID, e)
}
