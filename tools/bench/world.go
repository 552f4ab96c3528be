package bench

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"wsms/events"
	ef "wsms/events/forum"
	em "wsms/events/mentoring"
	ep "wsms/events/placement"
	fd "wsms/forum/domain"
	md "wsms/mentoring/domain"
	pd "wsms/placement/domain"
	"wsms/projections"
)

// Scale says how big a generated partnership is.
type Scale struct {
	Schools         int
	StudentTeachers int
	Observations    int
}

// Realistic is the scale the dashboards must stay fast at: a faculty's whole
// partnership over one round.
var Realistic = Scale{Schools: 500, StudentTeachers: 5000, Observations: 200_000}

// Recorded is one event of a generated world, before it has a position.
type Recorded struct {
	Stream  string
	Actor   events.Actor
	Payload any
}

// World is a generated partnership: one placement round in which every
// student-teacher is placed, confirmed, given a mentor and a tutor and
// observed, and the forum of the round's year. Its events are what the
// services would have recorded, by service, in order.
type World struct {
	Year    int
	RoundID string
	// Schools' ids; the i-th student-teacher is placed at school i mod len.
	Schools []string
	// Students' ids, and each one's school, mentor and mentoring record.
	Students []Student
	Events   map[string][]Recorded
}

// Student is a placed student-teacher of a generated world.
type Student struct {
	ID, SchoolID, MentorID, TutorID, RecordID string
}

// Epoch is when the first event of a generated world occurred; each later
// one of a service occurred a second after the one before.
var Epoch = time.Date(2027, 6, 1, 9, 0, 0, 0, time.UTC)

// id derives a stable UUID from a name, so a world generated twice is the
// same world.
func id(kind string, i int) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, fmt.Appendf(nil, "wsms-bench/%s/%d", kind, i)).String()
}

var (
	districts = []string{"Central and Western", "Sha Tin", "Kowloon City", "Eastern", "Tuen Mun", "Yuen Long", "Wan Chai", "Tai Po", "Sham Shui Po", "Southern"}
	subjects  = []string{"English", "Mathematics"}
)

// Generate returns a world of scale s. Mentors number half the
// student-teachers (each mentors two), tutors a fiftieth; one
// student-teacher in twenty has an open concern.
func Generate(s Scale) *World {
	w := &World{Year: 2027, RoundID: id("round", 0), Events: map[string][]Recorded{}}
	office := events.Actor{ID: "office-1", Role: events.RoleOffice}
	add := func(service, stream string, actor events.Actor, payload any) {
		w.Events[service] = append(w.Events[service], Recorded{Stream: stream, Actor: actor, Payload: payload})
	}
	place := func(service string, payload any) { add(service, pd.RoundStream(w.RoundID), office, payload) }
	perSchool := (s.StudentTeachers + s.Schools - 1) / s.Schools
	mentorsPerSchool := (perSchool + 1) / 2
	tutors := max(s.StudentTeachers/50, 1)
	windows := []ep.Period{{From: "2027-10-04", To: "2027-11-26"}}

	for i := range s.Schools {
		school := id("school", i)
		w.Schools = append(w.Schools, school)
		stream := pd.SchoolStream(school)
		add("placement", stream, office, ep.SchoolRegistered{SchoolID: school, Name: fmt.Sprintf("Partner School %03d", i),
			District: districts[i%len(districts)], Level: []ep.Level{ep.Primary, ep.Secondary}[i%2],
			Contact: ep.Contact{Name: fmt.Sprintf("Coordinator %d", i), Email: fmt.Sprintf("coordinator%d@school.example.edu.hk", i)}})
		// A third of the agreements end with the round's school year.
		add("placement", stream, office, ep.PartnershipAgreementSigned{SchoolID: school, AgreementID: id("agreement", i),
			FirstSchoolYear: w.Year - 2 + i%3, Years: 3, CoreSubjects: subjects, MinPlaces: 4, MaxPlaces: 2 * perSchool, EnglishKLA: i%2 == 0})
		for m := range mentorsPerSchool {
			teacher := id("teacher", i*mentorsPerSchool+m)
			add("placement", stream, office, ep.TeacherAdded{SchoolID: school, TeacherID: teacher, Name: fmt.Sprintf("Teacher %d-%d", i, m),
				Email: fmt.Sprintf("teacher%d-%d@school.example.edu.hk", i, m)})
			add("placement", stream, office, ep.TeacherMentorNamed{SchoolID: school, TeacherID: teacher, Subjects: subjects, LoadLimit: 2})
		}
	}
	place("placement", ep.PlacementRoundOpened{RoundID: w.RoundID, Name: "2027/28 Block Practice 1", SchoolYear: w.Year, Windows: windows,
		OfferDeadline: "2027-09-10", PreferenceDeadline: "2027-09-17", MaxPreferences: 5, MaxTravelMinutes: 90})
	for i, school := range w.Schools {
		add("placement", pd.OfferStream(w.RoundID, school), office, ep.PlacesOffered{RoundID: w.RoundID, SchoolID: school,
			School:   ep.SchoolFacts{Name: fmt.Sprintf("Partner School %03d", i), Level: []ep.Level{ep.Primary, ep.Secondary}[i%2], District: districts[i%len(districts)]},
			Offers:   []ep.OfferedPlaces{{Subject: "English", Places: perSchool}, {Subject: "Mathematics", Places: perSchool}},
			Capacity: perSchool + 2, Warnings: []string{}})
	}
	var allocation ep.AllocationRecorded
	allocation.RoundID = w.RoundID
	for i := range s.StudentTeachers {
		school := i % s.Schools
		st := Student{ID: id("student", i), SchoolID: w.Schools[school],
			MentorID: id("teacher", school*mentorsPerSchool+(i/s.Schools)%mentorsPerSchool), TutorID: id("tutor", i%tutors)}
		st.RecordID = em.RecordIDFor(w.RoundID, st.ID)
		w.Students = append(w.Students, st)
		subject := subjects[i%2]
		stream := pd.StudentStream(w.RoundID, st.ID)
		add("placement", stream, office, ep.StudentTeacherRegistered{RoundID: w.RoundID, StudentID: st.ID, Name: fmt.Sprintf("Student-teacher %04d", i),
			Email: fmt.Sprintf("student%d@example.hku.hk", i), Level: []ep.Level{ep.Primary, ep.Secondary}[school%2], Subjects: []string{subject},
			HomeDistrict: districts[i%len(districts)], Conflicts: []ep.Conflict{}})
		add("placement", stream, events.Actor{ID: st.ID, Role: events.RoleStudentTeacher}, ep.PreferencesSubmitted{RoundID: w.RoundID, StudentID: st.ID,
			SchoolIDs: []string{st.SchoolID, w.Schools[(school+2)%s.Schools], w.Schools[(school+4)%s.Schools]}})
		allocation.Placements = append(allocation.Placements, ep.Placement{StudentID: st.ID, SchoolID: st.SchoolID, Subject: subject, Rank: 1, TravelMinutes: 20 + i%40})
		allocation.Explanations = append(allocation.Explanations, ep.Explanation{StudentID: st.ID, SchoolID: st.SchoolID, Rank: 1, NotChosen: []ep.NotChosen{}})
	}
	allocation.Unplaced, allocation.IneligibleSchools = []ep.Unplaced{}, []ep.IneligibleSchool{}
	allocation.Summary = ep.AllocationSummary{Placed: s.StudentTeachers, WorstRank: 1, RankCost: int64(s.StudentTeachers)}
	place("placement", allocation)
	place("placement", ep.AllocationPublished{RoundID: w.RoundID})
	for i, st := range w.Students {
		place("placement", ep.PlacementConfirmed{RoundID: w.RoundID, StudentID: st.ID, SchoolID: st.SchoolID, Subject: subjects[i%2]})
		place("placement", ep.MentorAssigned{RoundID: w.RoundID, StudentID: st.ID, SchoolID: st.SchoolID, TeacherID: st.MentorID})
	}

	process := events.Actor{ID: "process:mentoring-records-from-placements", Role: events.RoleSystem}
	for i, st := range w.Students {
		stream := md.RecordStream(st.RecordID)
		add("mentoring", stream, process, em.RecordOpened{RecordID: st.RecordID, RoundID: w.RoundID, StudentID: st.ID, SchoolID: st.SchoolID,
			Subject: subjects[i%2], Windows: windows})
		add("mentoring", stream, process, em.RecordMentorAssigned{RecordID: st.RecordID, MentorID: st.MentorID})
		add("mentoring", stream, events.Actor{ID: "faculty-1", Role: events.RoleFaculty}, em.RecordTutorAssigned{RecordID: st.RecordID, TutorID: st.TutorID})
	}
	// Observations go round the student-teachers, as lessons happen: every
	// fifth by the tutor, the others by the mentor.
	for k := range s.Observations {
		i := k % len(w.Students)
		st := w.Students[i]
		observer, role := events.Actor{ID: st.MentorID, Role: events.RoleMentor, SchoolID: st.SchoolID}, em.ObserverMentor
		if k/len(w.Students)%5 == 4 {
			observer, role = events.Actor{ID: st.TutorID, Role: events.RoleTutor}, em.ObserverTutor
		}
		add("mentoring", md.RecordStream(st.RecordID), observer, Observation(st.RecordID, id("observation", k), observer.ID, role, subjects[i%2], k/len(w.Students)))
	}
	for i := 0; i < len(w.Students); i += 20 {
		st := w.Students[i]
		add("mentoring", md.RecordStream(st.RecordID), events.Actor{ID: st.MentorID, Role: events.RoleMentor, SchoolID: st.SchoolID},
			em.ConcernRaised{RecordID: st.RecordID, ConcernID: id("concern", i), RaisedBy: st.MentorID, Category: "classroom management",
				Severity: "medium", Description: "Loses the class in group work"})
	}

	forum := fd.ForumStream(w.Year)
	add("forum", forum, office, ef.ForumScheduled{Year: w.Year, Date: "2027-06-20", Venue: "Meng Wah Complex", Theme: "Every teacher a mentor"})
	sessions := 10
	for k := range sessions {
		add("forum", fd.SessionStream(w.Year, id("session", k)), office, ef.SessionAdded{Year: w.Year, SessionID: id("session", k),
			Title: fmt.Sprintf("Session %d", k), Format: "sharing", PresenterSchoolID: w.Schools[k%s.Schools], Presenter: "Presenter", Capacity: s.Schools})
	}
	for i, school := range w.Schools {
		session := id("session", i%sessions)
		coordinator := events.Actor{ID: "coordinator-" + school, Role: events.RoleSchoolCoordinator, SchoolID: school}
		add("forum", fd.SessionStream(w.Year, session), coordinator, ef.DelegateRegistered{Year: w.Year, SessionID: session,
			RegistrationID: id("registration", i), PersonID: id("delegate", i), Name: fmt.Sprintf("Delegate %d", i), Kind: ef.DelegateSchool, SchoolID: school})
		if i%2 == 0 {
			add("forum", fd.SessionStream(w.Year, session), office, ef.AttendanceRecorded{Year: w.Year, SessionID: session, RegistrationID: id("registration", i), Attended: true})
		}
	}
	return w
}

// Observation is the n-th lesson observation of a record, within the
// generated round's practicum window.
func Observation(recordID, observationID, observerID, role, subject string, n int) em.ObservationRecorded {
	date := ep.Date(time.Date(2027, 10, 4+n%50, 0, 0, 0, 0, time.UTC).Format("2006-01-02"))
	return em.ObservationRecorded{RecordID: recordID, ObservationID: observationID, ObserverID: observerID, ObserverRole: role,
		RecordedOn: date, Content: Lesson(date, subject, n)}
}

// Lesson is what an observer writes of the n-th lesson they observe, on
// date, rated against the default competency framework.
func Lesson(date ep.Date, subject string, n int) em.ObservationContent {
	ratings := map[string]int{}
	for k, d := range em.DefaultFramework().Domains {
		ratings[d.ID] = 1 + (n+k)%4
	}
	return em.ObservationContent{Date: date, Class: fmt.Sprintf("%dB", 1+n%6), Subject: subject, Topic: "Persuasive writing",
		FrameworkVersion: 1, Ratings: ratings, Strengths: "Clear modelling of the task", AreasForDevelopment: "Wait time after questions",
		ActionPoints: []string{"Plan open questions", "Check understanding before group work"}}
}

// Envelopes gives the world's events envelopes as the event stores would:
// positions contiguous per service from 1, versions per stream from 1.
func (w *World) Envelopes() (map[string][]events.Envelope, error) {
	reg := projections.Registry()
	out := map[string][]events.Envelope{}
	for service, recorded := range w.Events {
		versions := map[string]int64{}
		envs := make([]events.Envelope, len(recorded))
		for i, r := range recorded {
			name, data, err := reg.Encode(r.Payload)
			if err != nil {
				return nil, err
			}
			n, err := events.ParseName(name)
			if err != nil {
				return nil, err
			}
			versions[r.Stream]++
			envs[i] = events.Envelope{ID: uuid.Must(uuid.NewV7()), Type: name, SchemaVersion: n.Version,
				StreamID: r.Stream, StreamVersion: versions[r.Stream], Position: int64(i + 1),
				OccurredAt: Epoch.Add(time.Duration(i) * time.Second), Actor: r.Actor,
				CorrelationID: uuid.Must(uuid.NewV7()), CausationID: uuid.Must(uuid.NewV7()), Data: data}
		}
		out[service] = envs
	}
	return out, nil
}

// Load applies envs to each of ps through projections.Apply, batch events
// of a service at a time, each projection in its own goroutine: how the
// read models would stand had the runner applied the events.
func Load(ctx context.Context, db *pgxpool.Pool, ps []projections.Projection, envs map[string][]events.Envelope, batch int) error {
	reg := projections.Registry()
	var wg sync.WaitGroup
	failed := make([]error, len(ps))
	for i, p := range ps {
		wg.Go(func() {
			if err := projections.Ensure(ctx, db, p); err != nil {
				failed[i] = err
				return
			}
			for _, service := range p.Services {
				all := envs[service]
				for from := 0; from < len(all); from += batch {
					if _, err := projections.Apply(ctx, db, reg, p, service, all[from:min(from+batch, len(all))]); err != nil {
						failed[i] = fmt.Errorf("load %s: %w", p.Name, err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(failed...)
}
