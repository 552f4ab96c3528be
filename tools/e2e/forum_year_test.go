package e2e_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"

	"wsms/events"
	ef "wsms/events/forum"
	ep "wsms/events/placement"
	"wsms/forum"
	"wsms/forum/app"
	fd "wsms/forum/domain"
	"wsms/mentoring"
	"wsms/placement"
	pd "wsms/placement/domain"
	"wsms/platform/command"
	"wsms/platform/dbtest"
	"wsms/platform/errs"
	"wsms/platform/eventstore"
	"wsms/platform/servicetest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// system is every service running on one database and one NATS.
type system struct {
	db        *pgxpool.Pool
	nc        *nats.Conn
	namespace string
}

// start runs every service, with its process managers, on a fresh database
// and NATS.
func start(t *testing.T) system {
	t.Helper()
	e := servicetest.RunAll(t, 16, placement.Spec, mentoring.Spec, forum.Spec)
	return system{db: e.DB, nc: e.NATS, namespace: e.Namespace}
}

func (s system) try(svc, name string, actor events.Actor, c any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := command.Send(ctx, s.nc, command.Subject(s.namespace, svc, name), command.Request[any]{Command: c, Actor: actor})
	return err
}

func (s system) send(t *testing.T, svc, name string, actor events.Actor, c any) {
	t.Helper()
	if err := s.try(svc, name, actor, c); err != nil {
		t.Fatalf("%s %s: %v", svc, name, err)
	}
}

func ask[Q, A any](t *testing.T, s system, name string, actor events.Actor, q Q) A {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, err := command.Ask[Q, A](ctx, s.nc, command.Subject(s.namespace, "forum", name), command.Question[Q]{Query: q, Actor: actor})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return a
}

func eventually(t *testing.T, what string, check func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !check(); time.Sleep(25 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: did not happen within 30s", what)
		}
	}
}

// TestForumYear runs a forum year across the services: a school outside the
// partnership expresses interest and is accepted, the placement service
// registers it with a draft agreement, the office signs its agreement, the
// forum is scheduled with that agreement's renewal on the agenda, schools
// register delegates (a full session puts the last on its waiting list, a
// cancellation gives them the place), the office sees which partner school
// sent no delegate, attendance and feedback are recorded and aggregated, and
// shared practice is found by subject.
func TestForumYear(t *testing.T) {
	t.Parallel()
	s := start(t)
	ctx := context.Background()
	office := events.Actor{ID: "office-1", Role: events.RoleOffice}
	faculty := events.Actor{ID: "faculty-1", Role: events.RoleFaculty}
	today := time.Now().In(time.FixedZone("HKT", 8*3600))
	year := today.Year()
	todayDate := ep.Date(today.Format("2006-01-02"))

	// A school outside the partnership asks to join, and is accepted.
	interest := uuid.NewString()
	prospective := events.Actor{ID: "ada.wong", Role: events.RoleSchoolCoordinator}
	s.send(t, "forum", "express-interest", prospective, fd.ExpressInterest{InterestID: interest, SchoolName: "Kowloon True Light School",
		District: "Kowloon City", Level: ep.Secondary, Contact: ep.Contact{Name: "Ada Wong", Email: "ada.wong@example.edu.hk"},
		Subjects: []string{"English", "Mathematics"}, PlacesOffered: 6})
	s.send(t, "forum", "review-expression-of-interest", office, fd.ReviewInterest{InterestID: interest, Accept: true, Reason: "Strong English panel"})
	newSchool := fd.SchoolIDFor(interest)
	placements := eventstore.New(s.db, "placement")
	eventually(t, "the accepted school is registered with a draft agreement", func() bool {
		evs, err := placements.Load(ctx, pd.SchoolStream(newSchool))
		return err == nil && len(evs) == 2 && evs[0].Type == ep.SchoolRegisteredV1 && evs[1].Type == ep.PartnershipAgreementSignedV1
	})

	// The office signs the school's agreement, and another school's whose
	// term ends this year.
	s.send(t, "placement", "sign-partnership-agreement", office, pd.SignPartnershipAgreement{SchoolID: newSchool, AgreementID: uuid.NewString(),
		FirstSchoolYear: year, CoreSubjects: []string{"English", "Mathematics"}, EnglishKLA: true})
	ending, endingAgreement := uuid.NewString(), uuid.NewString()
	s.send(t, "placement", "register-school", office, pd.RegisterSchool{SchoolID: ending, Name: "Shatin Methodist College", District: "Sha Tin",
		Level: ep.Secondary, Contact: ep.Contact{Name: "Grace Ho", Email: "grace.ho@example.edu.hk"}})
	s.send(t, "placement", "sign-partnership-agreement", office, pd.SignPartnershipAgreement{SchoolID: ending, AgreementID: endingAgreement,
		FirstSchoolYear: year - 2, CoreSubjects: []string{"English", "Chinese"}})

	// The forum is scheduled today; Shatin's renewal reaches its agenda,
	// whichever of the two happened first.
	s.send(t, "forum", "schedule-forum", office, fd.ScheduleForum{Year: year, Date: todayDate, Venue: "Meng Wah Complex", Theme: "Every teacher a mentor"})
	forums := eventstore.New(s.db, "forum")
	eventually(t, "the ending agreement is on the renewal agenda", func() bool {
		evs, _ := forums.Load(ctx, fd.ForumStream(year))
		for _, e := range evs {
			if e.Type == ef.RenewalAgendaItemAddedV1 {
				return true
			}
		}
		return false
	})

	due := ask[app.ForumYear, []fd.Renewal](t, s, "renewals-due", faculty, app.ForumYear{Year: year})
	if len(due) != 1 || due[0].SchoolID != ending || due[0].AgreementID != endingAgreement {
		t.Fatalf("renewals due %+v, want Shatin's agreement alone", due)
	}

	session := uuid.NewString()
	s.send(t, "forum", "add-forum-session", office, fd.AddForumSession{Year: year, SessionID: session, Title: "Lesson study triads",
		Format: "sharing", PresenterSchoolID: ending, Presenter: "Grace Ho", Capacity: 2})
	coordinator := events.Actor{ID: "grace.ho", Role: events.RoleSchoolCoordinator, SchoolID: ending}
	register := func(actor events.Actor, kind, school string) string {
		id := uuid.NewString()
		s.send(t, "forum", "register-for-forum", actor, fd.RegisterForForum{Year: year, SessionID: session, RegistrationID: id,
			PersonID: uuid.NewString(), Name: "Delegate", Kind: kind, SchoolID: school})
		return id
	}
	first := register(coordinator, ef.DelegateSchool, ending)
	register(faculty, ef.DelegateFaculty, "")
	waiting := register(faculty, ef.DelegateFaculty, "") // the session is full: waiting list
	// Staff of one school cannot register another school's delegates.
	if err := s.try("forum", "register-for-forum", coordinator, fd.RegisterForForum{Year: year, SessionID: session, RegistrationID: uuid.NewString(),
		PersonID: uuid.NewString(), Name: "X", Kind: ef.DelegateSchool, SchoolID: newSchool}); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("registering another school's delegate: %v, want FORBIDDEN", err)
	}

	// The new school has sent no delegate; Shatin has.
	eventually(t, "the forum knows both partner schools", func() bool {
		p := ask[app.ForumYear, app.Participation](t, s, "forum-participation", office, app.ForumYear{Year: year})
		return p.PartnerSchools == 2
	})
	p := ask[app.ForumYear, app.Participation](t, s, "forum-participation", office, app.ForumYear{Year: year})
	if p.WithDelegate != 1 || len(p.WithoutDelegate) != 1 || p.WithoutDelegate[0].SchoolID != newSchool {
		t.Fatalf("participation %+v, want the new school without a delegate", p)
	}

	// Shatin's delegate cancels; the first on the waiting list gets the place.
	s.send(t, "forum", "cancel-registration", coordinator, fd.CancelRegistration{Year: year, SessionID: session, RegistrationID: first})
	sessionEvents, err := forums.Load(ctx, fd.SessionStream(year, session))
	if err != nil {
		t.Fatal(err)
	}
	if last := sessionEvents[len(sessionEvents)-1]; last.Type != ef.WaitlistPromotedV1 {
		t.Fatalf("after the cancellation the session recorded %s, want the waiting registration promoted", last.Type)
	}
	s.send(t, "forum", "record-attendance", office, fd.RecordAttendance{Year: year, SessionID: session, RegistrationID: waiting, Attended: true})

	for i, rating := range []int{5, 3} {
		respondent := events.Actor{ID: uuid.NewString(), Role: events.RoleMentor, SchoolID: ending}
		s.send(t, "forum", "submit-feedback", respondent, fd.SubmitFeedback{Year: year, RespondentID: respondent.ID,
			Ratings: map[string]int{"relevance": rating, "organisation": 4}, Comments: map[string]string{"best": []string{"The triads", "The panel"}[i]}})
	}
	results := ask[app.ForumYear, app.FeedbackResults](t, s, "feedback-results", faculty, app.ForumYear{Year: year})
	if results.Respondents != 2 || results.Questions[0].QuestionID != "relevance" || results.Questions[0].Mean != 4 || len(results.BySchool[ending]) != 2 {
		t.Fatalf("feedback results %+v", results)
	}

	s.send(t, "forum", "share-practice", coordinator, fd.SharePractice{PracticeID: uuid.NewString(), SchoolID: ending, Year: year,
		Title: "Lesson study triads", Summary: "Three teachers plan, teach and review one lesson with the student-teacher.", Subject: "English"})
	found := ask[app.PracticeSearch, []ef.PracticeShared](t, s, "search-practice", coordinator, app.PracticeSearch{Subject: "english"})
	if len(found) != 1 || found[0].SchoolID != ending {
		t.Fatalf("practice found %+v", found)
	}
}
