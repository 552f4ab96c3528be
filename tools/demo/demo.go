// Package demo is the demonstration data `wsms run` loads into an empty
// system: a partnership in the middle of its year, sent as ordinary commands
// so that it goes through every rule a user's command does. Five partner
// schools with their teachers, trained teacher-mentors and agreements; a
// placement round offered, ranked, allocated and published, its placements
// confirmed (one declined and re-allocated) with mentors assigned; the first
// lessons of the practicum observed, a concern raised; and the year's
// partnership forum with its programme, delegates, shared practice and a
// school accepted into the partnership.
//
// Its dates follow today in Hong Kong. A round's offer and preference
// deadlines must fall before its first practicum window, and offers and
// preferences are taken only until those deadlines: so the demo's deadlines
// are today and its practicum window starts today, the earliest day the
// rules allow, and every observation, meeting and reflection is dated today.
package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"

	"wsms/events"
	ef "wsms/events/forum"
	em "wsms/events/mentoring"
	ep "wsms/events/placement"
	fd "wsms/forum/domain"
	md "wsms/mentoring/domain"
	pd "wsms/placement/domain"
	"wsms/platform/command"
	"wsms/platform/decider"
	"wsms/platform/errs"
	"wsms/platform/eventstore"
	"wsms/platform/service"
)

// Demo ids are fixed, so that a newcomer can name them in queries, tokens
// and commands. Mint a token for one of them with, for example,
//
//	wsms token --role SCHOOL_COORDINATOR --subject mary.chan --school <SchoolID>
//	wsms token --role MENTOR --subject <MentorID> --school <SchoolID>
//	wsms token --role STUDENT_TEACHER --subject <StudentTeacherID>
//	wsms token --role TUTOR --subject <TutorID>
const (
	// RoundID is the demo's placement round: published, its placements
	// confirmed but one re-allocated after a decline (placementRound,
	// facultyDashboard).
	RoundID = "0193a3e2-8000-7b52-9f4e-2d5c8a6b2001"
	// SchoolID is St. Clare's Girls' School, whose coordinator is
	// CoordinatorID: its dashboard shows its places, the student-teachers
	// it hosts with their mentors, tutor and observations, an open concern
	// and its forum delegates (schoolDashboard).
	SchoolID = "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b1e01"
	// CoordinatorID is St. Clare's school coordinator, Mary Chan.
	CoordinatorID = "mary.chan"
	// MentorID is Alice Lee, St. Clare's English teacher-mentor, trained to
	// Level II, who mentors StudentTeacherID (mentor).
	MentorID = "0193a3e2-a000-7b52-9f4e-2d5c8a6b4101"
	// StudentTeacherID is Cheung Hoi Yan, placed at St. Clare's in English:
	// observed by the mentor, another teacher and the tutor, with an
	// acknowledgement, a meeting, a reflection and a resolved concern
	// (studentTeacher).
	StudentTeacherID = "0193a3e2-9000-7b52-9f4e-2d5c8a6b3005"
	// TutorID is Dr. Helen Leung, the university tutor of every confirmed
	// placement.
	TutorID = "0193a3e2-c000-7b52-9f4e-2d5c8a6b6001"
)

// The demo's actors besides the schools' staff and the student-teachers.
var (
	office  = events.Actor{ID: "demo-office", Role: events.RoleOffice}
	faculty = events.Actor{ID: "demo-faculty", Role: events.RoleFaculty}
	tutor   = events.Actor{ID: TutorID, Role: events.RoleTutor}
)

type school struct {
	id, name, district string
	level              ep.Level
	contact            string
	coordinator        string
	// firstYear is the first school year of the school's agreement,
	// relative to this school year: -2 ends this year, due for renewal.
	firstYear int
	offers    []ep.OfferedPlaces
	teachers  []teacher
}

// teacher is a teacher of a school; a teacher-mentor when subject is set,
// for that subject.
type teacher struct {
	id, name, subject string
}

func (s school) coordinatorActor() events.Actor {
	return events.Actor{ID: s.coordinator, Role: events.RoleSchoolCoordinator, SchoolID: s.id}
}

// mentorFor is the school's teacher-mentor for subject.
func (s school) mentorFor(subject string) teacher {
	i := slices.IndexFunc(s.teachers, func(t teacher) bool { return t.subject == subject })
	return s.teachers[i]
}

// demoSchools are the partner schools: each offers places in English and
// Mathematics with a teacher-mentor for each, and has one more teacher who
// observes under the Whole School Mentoring Support approach.
func demoSchools() []school {
	offer := func(english, maths int, t []teacher) []ep.OfferedPlaces {
		return []ep.OfferedPlaces{{Subject: "English", Places: english, MentorIDs: []string{t[0].id}},
			{Subject: "Mathematics", Places: maths, MentorIDs: []string{t[1].id}}}
	}
	teachers := func(school int, english, maths, other string) []teacher {
		id := func(n int) string { return fmt.Sprintf("0193a3e2-a000-7b52-9f4e-2d5c8a6b4%d%02d", school, n) }
		return []teacher{{id(1), english, "English"}, {id(2), maths, "Mathematics"}, {id(3), other, ""}}
	}
	t1 := teachers(1, "Alice Lee", "Daniel Cheung", "Ben Wong")
	t2 := teachers(2, "Carmen Yeung", "Eric Tam", "Fiona Kwok")
	t3 := teachers(3, "Gary Ng", "Hannah Lo", "Ivan Chow")
	t4 := teachers(4, "Jenny Mak", "Kenneth Siu", "Lily Poon")
	t5 := teachers(5, "Michael Fung", "Nancy Law", "Oscar Yip")
	return []school{
		{SchoolID, "St. Clare's Girls' School", "Central and Western", ep.Secondary, "Mary Chan", CoordinatorID, -1, offer(3, 3, t1), t1},
		{"0193a3e2-7c1d-7b52-9f4e-2d5c8a6b1e02", "Ying Wa Primary School", "Sham Shui Po", ep.Primary, "Kelvin Lau", "kelvin.lau", -1, offer(4, 2, t2), t2},
		{"0193a3e2-7c1d-7b52-9f4e-2d5c8a6b1e03", "Shatin Methodist College", "Sha Tin", ep.Secondary, "Grace Ho", "grace.ho", -2, offer(4, 2, t3), t3},
		{"0193a3e2-7c1d-7b52-9f4e-2d5c8a6b1e04", "Aberdeen St. Peter's Catholic Primary School", "Southern", ep.Primary, "Peter Yip", "peter.yip", -1, offer(3, 3, t4), t4},
		{"0193a3e2-7c1d-7b52-9f4e-2d5c8a6b1e05", "Tuen Mun Government Secondary School", "Tuen Mun", ep.Secondary, "Winnie Tsang", "winnie.tsang", 0, offer(2, 4, t5), t5},
	}
}

// byID indexes schools by id.
func byID(schools []school) map[string]school {
	m := make(map[string]school, len(schools))
	for _, s := range schools {
		m[s.id] = s
	}
	return m
}

// decliningSchool declines the last placement the allocation gives it: its
// English panel is away.
const decliningSchool = "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b1e03"

var studentNames = []string{"Chan Tai Man", "Wong Siu Ming", "Lee Ka Yan", "Ho Wing Sze", "Cheung Hoi Yan", "Lam Chun Kit", "Leung Mei Ling",
	"Ng Ka Ho", "Tsang Wai Man", "Yip Sze Wing", "Kwan Hiu Tung", "Lau Pak Hei", "Mok Yan Ting", "Choi Tsz Ching", "Fung Chi Hang", "Tang Lok Yi"}

// awaitLimit bounds a wait for a process manager's work, and awaitEvery
// spaces the looks.
const (
	awaitLimit = 30 * time.Second
	awaitEvery = 20 * time.Millisecond
)

// Load sends the demo's commands and returns how many it sent. Each carries
// an idempotency key, so loading twice records everything once. It waits
// for the process managers where the next command needs their work (a
// mentor's training known to the placement service, a mentoring record
// opened and naming its mentor) and, at the end, for what the forum's
// process managers add: the ending agreement on the renewal agenda, the
// school accepted at the forum registered. Its dates follow today, so loading again on
// another day is refused: the same keys would name different commands.
func Load(ctx context.Context, nc *nats.Conn, namespace string) (int, error) {
	today, err := time.Parse(time.DateOnly, decider.Meta{Now: time.Now()}.Today())
	if err != nil {
		return 0, err
	}
	l := &loader{ctx: ctx, nc: nc, namespace: namespace, today: today}
	schools := demoSchools()
	l.partnership(schools)
	confirmed := l.round(schools)
	l.mentoring(schools, confirmed)
	l.forum(schools)
	return l.sent, l.err
}

// loader sends the demo's commands in order. The first failure stops it:
// every later step does nothing, and Load reports that failure.
type loader struct {
	ctx       context.Context
	nc        *nats.Conn
	namespace string
	today     time.Time
	sent      int
	err       error
}

// date is the day n days from today.
func (l *loader) date(n int) ep.Date { return ep.Date(l.today.AddDate(0, 0, n).Format(time.DateOnly)) }

// schoolYear is the school year today falls in: school years start in
// September.
func (l *loader) schoolYear() int {
	if l.today.Month() >= time.September {
		return l.today.Year()
	}
	return l.today.Year() - 1
}

// try sends one command under the demo's idempotency key for it.
func (l *loader) try(svc, name, key string, actor events.Actor, c any) (eventstore.Result, error) {
	res, err := command.Send(l.ctx, l.nc, command.Subject(l.namespace, svc, name), command.Request[any]{
		Command: c, Actor: actor, IdempotencyKey: "demo/" + name + "/" + key,
	})
	if err != nil {
		return res, fmt.Errorf("%s %s: %w", name, key, err)
	}
	l.sent++
	return res, nil
}

// do sends one command unless an earlier step failed.
func (l *loader) do(svc, name, key string, actor events.Actor, c any) eventstore.Result {
	if l.err != nil {
		return eventstore.Result{}
	}
	res, err := l.try(svc, name, key, actor, c)
	l.err = err
	return res
}

// await looks until done reports true, for at most awaitLimit.
func (l *loader) await(what string, done func() (bool, error)) {
	for deadline := time.Now().Add(awaitLimit); l.err == nil; {
		ok, err := done()
		switch {
		case err != nil:
			l.err = fmt.Errorf("%s: %w", what, err)
		case ok:
			return
		case time.Now().After(deadline):
			l.err = fmt.Errorf("%s: not within %s", what, awaitLimit)
		default:
			select {
			case <-l.ctx.Done():
				l.err = l.ctx.Err()
			case <-time.After(awaitEvery):
			}
		}
	}
}

// history is a page of a stream's events, oldest first; none when the
// stream does not exist yet.
func (l *loader) history(svc, stream string, after int64, limit int) ([]service.HistoryEntry, error) {
	h, err := command.Ask[service.HistoryQuery, []service.HistoryEntry](l.ctx, l.nc, command.Subject(l.namespace, svc, "history"),
		command.Question[service.HistoryQuery]{Query: service.HistoryQuery{StreamID: stream, AfterVersion: after, Limit: limit}, Actor: office})
	if errs.Is(err, errs.NotFound) {
		return nil, nil
	}
	return h, err
}

// event reads the event a command's result names (its last) into e.
func (l *loader) event(svc string, res eventstore.Result, e any) {
	if l.err != nil {
		return
	}
	h, err := l.history(svc, res.StreamID, res.Version-1, 1)
	if err == nil && len(h) != 1 {
		err = fmt.Errorf("no event %d in %s", res.Version, res.StreamID)
	}
	if err == nil {
		err = json.Unmarshal(h[0].Data, e)
	}
	if err != nil {
		l.err = fmt.Errorf("read %s: %w", res.StreamID, err)
	}
}

// partnership registers the schools with their agreements, adds their
// teachers, names their teacher-mentors, and records the mentors' training.
func (l *loader) partnership(schools []school) {
	year := l.schoolYear()
	for i, s := range schools {
		l.do("placement", "register-school", s.id, office, pd.RegisterSchool{SchoolID: s.id, Name: s.name, District: s.district, Level: s.level,
			Contact: ep.Contact{Name: s.contact, Email: fmt.Sprintf("coordinator%d@example.edu.hk", i+1)}})
		l.do("placement", "sign-partnership-agreement", s.id, office, pd.SignPartnershipAgreement{SchoolID: s.id,
			AgreementID: fmt.Sprintf("0193a3e2-b000-7b52-9f4e-2d5c8a6b50%02d", i+1), FirstSchoolYear: year + s.firstYear,
			CoreSubjects: []string{"English", "Mathematics"}, EnglishKLA: true})
		for k, t := range s.teachers {
			l.do("placement", "add-teacher", t.id, s.coordinatorActor(), pd.AddTeacher{SchoolID: s.id, TeacherID: t.id, Name: t.name,
				Email: fmt.Sprintf("teacher%d%d@example.edu.hk", i+1, k+1)})
			if t.subject == "" {
				continue
			}
			l.do("placement", "name-teacher-mentor", t.id, s.coordinatorActor(), pd.NameTeacherMentor{SchoolID: s.id, TeacherID: t.id,
				Subjects: []string{t.subject}, LoadLimit: 4})
			l.training(s, t, "I", "Quality Mentoring", -400-30*i)
		}
	}
	// The featured mentor has gone on to the second level.
	l.training(schools[0], schools[0].teachers[0], "II", "Supportive Supervision", -90)
}

// training records a teacher's mentor training, completed completedOn days
// from today and current for three years.
func (l *loader) training(s school, t teacher, level, course string, completedOn int) {
	certificate := fmt.Sprintf("FED-%s-%s", level, t.id[len(t.id)-4:])
	l.do("mentoring", "record-mentor-training", certificate, faculty, md.RecordMentorTraining{TeacherID: t.id, SchoolID: s.id,
		Course: course, Level: level, Issuer: "Faculty of Education", CompletedOn: l.date(completedOn),
		CertificateID: certificate, ExpiresOn: l.date(completedOn + 3*365)})
}

// round opens the round, offers the schools' places, registers the
// student-teachers with their preferences, allocates and publishes. Each
// host confirms its placements but one, which Shatin declines: the service
// re-allocates that student-teacher at once, and the new placement waits
// for its host's answer. Each confirmed placement is given its mentor. It
// returns the confirmed placements.
func (l *loader) round(schools []school) []ep.Placement {
	year := l.schoolYear()
	l.do("placement", "open-placement-round", RoundID, office, pd.OpenPlacementRound{RoundID: RoundID,
		Name: fmt.Sprintf("%d/%02d Block Practice", year, (year+1)%100), SchoolYear: year,
		Windows:       []ep.Period{{From: l.date(0), To: l.date(55), Name: "Block practice"}},
		OfferDeadline: l.date(0), PreferenceDeadline: l.date(0)})
	for _, s := range schools {
		l.do("placement", "offer-places", s.id, s.coordinatorActor(), pd.OfferPlaces{RoundID: RoundID, SchoolID: s.id, Offers: s.offers})
	}
	districts := []string{"Sha Tin", "Kowloon City", "Eastern", "Tuen Mun", "Yuen Long", "Wan Chai", "Tai Po", "Sham Shui Po"}
	for i := range 16 {
		id := studentID(i)
		level, subject := ep.Secondary, "English"
		if i%2 == 1 {
			level = ep.Primary
		}
		if i%3 == 2 {
			subject = "Mathematics"
		}
		l.do("placement", "register-student-teacher", id, office, pd.RegisterStudentTeacher{RoundID: RoundID, StudentID: id,
			Name: studentNames[i], Email: fmt.Sprintf("student%d@example.hku.hk", i+1), Level: level,
			Subjects: []string{subject}, HomeDistrict: districts[i%len(districts)]})
		var prefs []string
		for k, s := range schools {
			if s.level == level && (k+i)%3 != 0 {
				prefs = append(prefs, s.id)
			}
		}
		me := events.Actor{ID: id, Role: events.RoleStudentTeacher}
		l.do("placement", "submit-preferences", id, me, pd.SubmitPreferences{RoundID: RoundID, StudentID: id, SchoolIDs: prefs})
	}
	var allocation ep.AllocationRecorded
	l.event("placement", l.do("placement", "run-allocation", RoundID, office, pd.RunAllocation{RoundID: RoundID}), &allocation)
	l.do("placement", "publish-allocation", RoundID, office, pd.PublishAllocation{RoundID: RoundID})

	bySchool := byID(schools)
	declined := ""
	for _, p := range allocation.Placements {
		if p.SchoolID == decliningSchool {
			declined = p.StudentID
		}
	}
	var confirmed []ep.Placement
	for _, p := range allocation.Placements {
		host := bySchool[p.SchoolID].coordinatorActor()
		if p.StudentID == declined {
			l.do("placement", "decline-placement", p.StudentID, host, pd.DeclinePlacement{RoundID: RoundID,
				StudentID: p.StudentID, Reason: "Our English panel is away on a study tour for the first weeks of the practicum"})
			continue
		}
		l.do("placement", "confirm-placement", p.StudentID, host, pd.ConfirmPlacement{RoundID: RoundID, StudentID: p.StudentID})
		confirmed = append(confirmed, p)
	}
	for _, p := range confirmed {
		l.assignMentor(bySchool[p.SchoolID], p)
	}
	return confirmed
}

// studentID is the id of the demo's i-th student-teacher.
func studentID(i int) string { return fmt.Sprintf("0193a3e2-9000-7b52-9f4e-2d5c8a6b30%02d", i+1) }

// assignMentor has the host's coordinator assign its teacher-mentor for the
// placement's subject. The placement service learns of mentor training from
// the mentoring service's events: until it has, the mentor is refused as
// untrained, and the coordinator tries again.
func (l *loader) assignMentor(host school, p ep.Placement) {
	c := pd.AssignMentor{RoundID: RoundID, StudentID: p.StudentID, TeacherID: host.mentorFor(p.Subject).id}
	l.await("assign the mentor of "+p.StudentID, func() (bool, error) {
		_, err := l.try("placement", "assign-mentor", p.StudentID, host.coordinatorActor(), c)
		if e := errs.As(err); e != nil && e.Rule == "mentor_training" {
			return false, nil
		}
		return err == nil, err
	})
}

// mentoring plays the first day of the practicum once the process manager
// has opened each confirmed placement's mentoring record and named its
// mentor: the tutor assigned to every record, each student-teacher's first
// lesson observed by their mentor; the featured student-teacher's
// mentoring in full; and a concern the tutor raises about another St.
// Clare's student-teacher, left open.
func (l *loader) mentoring(schools []school, confirmed []ep.Placement) {
	bySchool := byID(schools)
	var featured, atRisk *ep.Placement
	for i, p := range confirmed {
		switch {
		case p.StudentID == StudentTeacherID:
			featured = &confirmed[i]
		case p.SchoolID == SchoolID && atRisk == nil:
			atRisk = &confirmed[i]
		}
	}
	if l.err == nil && (featured == nil || featured.SchoolID != SchoolID || featured.Subject != "English" || atRisk == nil) {
		l.err = errors.New("the allocation no longer places the featured student-teacher at St. Clare's in English beside another: choose the demo's ids again")
	}
	for _, p := range confirmed {
		record := em.RecordIDFor(RoundID, p.StudentID)
		l.await("the mentoring record of "+p.StudentID+" names its mentor", func() (bool, error) {
			h, err := l.history("mentoring", md.RecordStream(record), 0, 50)
			return slices.ContainsFunc(h, func(e service.HistoryEntry) bool { return e.Type == em.RecordMentorAssignedV1 }), err
		})
		l.do("mentoring", "assign-tutor", record, faculty, md.AssignTutor{RecordID: record, TutorID: TutorID})
		host := bySchool[p.SchoolID]
		mentor := host.mentorFor(p.Subject)
		l.observe(record, "mentor", staff(host, mentor), p, host, 3, "", firstLessons[p.Subject])
	}
	if l.err != nil {
		return
	}
	l.featuredMentoring(bySchool[SchoolID], *featured)
	record := em.RecordIDFor(RoundID, atRisk.StudentID)
	l.observe(record, "tutor", tutor, *atRisk, bySchool[SchoolID], 2, "", lesson{"Simultaneous equations", "Friendly rapport with the class",
		"The class lost focus during group work; routines for moving into groups were not set"})
	l.do("mentoring", "raise-concern", record, tutor, md.RaiseConcern{RecordID: record, ConcernID: derivedID("concern", record), Category: "classroom management",
		Severity: "medium", Description: "Group work broke down twice in the observed lesson; routines need planning with the mentor before the next visit"})
}

// featuredMentoring is StudentTeacherID's first day in full: another
// teacher of the school observes, the tutor observes jointly with the
// mentor (who co-signs), the student-teacher acknowledges the mentor's
// feedback and writes a reflection, the mentor logs a meeting, and raises
// a concern that the meeting resolves.
func (l *loader) featuredMentoring(host school, p ep.Placement) {
	record := em.RecordIDFor(RoundID, p.StudentID)
	mentor, other := staff(host, host.teachers[0]), staff(host, host.teachers[2])
	student := events.Actor{ID: p.StudentID, Role: events.RoleStudentTeacher}
	l.observe(record, "teacher", other, p, host, 3, "", lesson{"Reading circles", "Roles in the reading circles were clear and well modelled",
		"Check that every group reaches the discussion questions"})
	l.observe(record, "tutor", tutor, p, host, 3, MentorID, lesson{"Debate: school uniforms", "Confident management of a lively debate",
		"Summarise the arguments on the board before the vote"})
	l.do("mentoring", "cosign-observation", record+"/tutor", mentor, md.CoSignObservation{RecordID: record, ObservationID: derivedID("observation", record, "tutor")})
	l.do("mentoring", "acknowledge-observation", record+"/mentor", student, md.AcknowledgeObservation{RecordID: record,
		ObservationID: derivedID("observation", record, "mentor"), Response: "I will plan three open questions for each lesson and wait before taking answers."})
	concern := derivedID("concern", record)
	l.do("mentoring", "raise-concern", record, mentor, md.RaiseConcern{RecordID: record, ConcernID: concern, Category: "planning", Severity: "low",
		Description: "Lesson plans for the first week arrived on the morning of each lesson"})
	l.do("mentoring", "log-mentoring-meeting", record, mentor, md.LogMentoringMeeting{RecordID: record, MeetingID: derivedID("meeting", record),
		Date: l.date(0), Minutes: 45, Topics: []string{"Questioning", "Planning ahead"},
		Targets: []string{"Three open questions a lesson", "Lesson plans to the mentor two days ahead"}})
	l.do("mentoring", "resolve-concern", record, mentor, md.ResolveConcern{RecordID: record, ConcernID: concern,
		Note: "Agreed at today's meeting: plans now reach me two days ahead"})
	l.do("mentoring", "submit-reflection", record, student, md.SubmitReflection{RecordID: record, ReflectionID: derivedID("reflection", record),
		Date: l.date(0), Text: "My questions today were mostly closed, and I answered some of them myself. Next lesson I will plan open questions and wait."})
}

// lesson is what an observation says of a lesson.
type lesson struct{ topic, strengths, development string }

// firstLessons are the first lessons each mentor observes, by subject.
var firstLessons = map[string]lesson{
	"English": {"Persuasive writing", "Clear modelling of the task with a worked example",
		"Give more wait time after questions"},
	"Mathematics": {"Solving linear equations", "Well-sequenced examples from simple to harder",
		"Check understanding before moving to independent practice"},
}

// staff is a teacher of a school acting in the system, as a mentor does.
func staff(s school, t teacher) events.Actor {
	return events.Actor{ID: t.id, Role: events.RoleMentor, SchoolID: s.id}
}

// observe records today's observation of the placement by the observer (in
// the named role on the record), rated level in every domain of the
// competency framework.
func (l *loader) observe(record, role string, observer events.Actor, p ep.Placement, host school, level int, coObserver string, about lesson) {
	class := "S3B"
	if host.level == ep.Primary {
		class = "P4A"
	}
	fw := em.DefaultFramework()
	ratings := map[string]int{}
	for _, d := range fw.Domains {
		ratings[d.ID] = level
	}
	l.do("mentoring", "record-observation", record+"/"+role, observer, md.RecordObservation{RecordID: record,
		ObservationID: derivedID("observation", record, role), CoObserverID: coObserver, Content: em.ObservationContent{
			Date: l.date(0), Class: class, Subject: p.Subject, Topic: about.topic, FrameworkVersion: fw.Version, Ratings: ratings,
			Strengths: about.strengths, AreasForDevelopment: about.development, ActionPoints: []string{about.development}}})
}

// forum schedules this school year's partnership forum (so the faculty
// dashboard shows it beside the round) two months ahead, with two sessions
// and delegates from three schools and the faculty; St. Clare's shares a
// practice; and a primary school outside the partnership expresses
// interest and is accepted, which the forum's process manager turns into a
// partner school with a draft agreement.
func (l *loader) forum(schools []school) {
	year := l.schoolYear()
	date := l.date(60)
	if end := ep.Date(fmt.Sprintf("%d-08-31", year+1)); date > end {
		date = end
	}
	l.do("forum", "schedule-forum", fmt.Sprint(year), office, fd.ScheduleForum{Year: year, Date: date,
		Venue: "Faculty of Education, Main Hall", Theme: "Every teacher a mentor"})
	// Shatin's agreement ends this school year: scheduling puts it on the
	// renewal agenda, or the forum's process manager does once its copy of
	// the agreements has it.
	l.await("the ending agreement reaches the forum's renewal agenda", func() (bool, error) {
		h, err := l.history("forum", fd.ForumStream(year), 0, 50)
		return slices.ContainsFunc(h, func(e service.HistoryEntry) bool { return e.Type == ef.RenewalAgendaItemAddedV1 }), err
	})
	lessonStudy, feedback := derivedID("session", "lesson-study"), derivedID("session", "feedback")
	l.do("forum", "add-forum-session", lessonStudy, office, fd.AddForumSession{Year: year, SessionID: lessonStudy,
		Title: "Lesson study triads in the English panel", Format: "sharing", PresenterSchoolID: SchoolID, Presenter: "Mary Chan", Capacity: 40})
	l.do("forum", "add-forum-session", feedback, office, fd.AddForumSession{Year: year, SessionID: feedback,
		Title: "Feedback conversations that move practice", Format: "workshop", Presenter: "Dr. Helen Leung", Capacity: 25})
	for _, r := range []struct {
		session string
		school  school
		teacher int
	}{{lessonStudy, schools[0], 0}, {feedback, schools[0], 2}, {lessonStudy, schools[1], 0}, {feedback, schools[2], 0}} {
		t := r.school.teachers[r.teacher]
		registration := derivedID("registration", r.session, t.id)
		l.do("forum", "register-for-forum", registration, r.school.coordinatorActor(), fd.RegisterForForum{Year: year, SessionID: r.session,
			RegistrationID: registration, PersonID: t.id, Name: t.name, Kind: ef.DelegateSchool, SchoolID: r.school.id})
	}
	registration := derivedID("registration", feedback, TutorID)
	l.do("forum", "register-for-forum", registration, faculty, fd.RegisterForForum{Year: year, SessionID: feedback,
		RegistrationID: registration, PersonID: TutorID, Name: "Dr. Helen Leung", Kind: ef.DelegateFaculty})
	practice := derivedID("practice", "lesson-study")
	l.do("forum", "share-practice", practice, schools[0].coordinatorActor(), fd.SharePractice{PracticeID: practice, SchoolID: SchoolID, Year: year,
		Title: "Lesson study triads", Subject: "English",
		Summary: "Three teachers plan a lesson together, one teaches it while the others observe the student-teacher's learners, and all three revise it."})

	interest := derivedID("interest", "lok-fu")
	prospective := events.Actor{ID: "ada.wong", Role: events.RoleSchoolCoordinator}
	l.do("forum", "express-interest", interest, prospective, fd.ExpressInterest{InterestID: interest, SchoolName: "Lok Fu Methodist Primary School",
		District: "Wong Tai Sin", Level: ep.Primary, Contact: ep.Contact{Name: "Ada Wong", Email: "ada.wong@example.edu.hk"},
		Subjects: []string{"English", "Mathematics"}, PlacesOffered: 6})
	l.do("forum", "review-expression-of-interest", interest, office, fd.ReviewInterest{InterestID: interest, Accept: true,
		Reason: "A strong English panel, and two teachers who hold Level I mentor training"})
	l.await("the accepted school is registered with a draft agreement", func() (bool, error) {
		h, err := l.history("placement", pd.SchoolStream(fd.SchoolIDFor(interest)), 0, 2)
		return len(h) == 2, err
	})
}

// derivedID derives a demo record's id from what it is of, so that loading again
// names the same record.
func derivedID(kind string, of ...string) string {
	key := kind
	for _, o := range of {
		key += "/" + o
	}
	return uuid.NewSHA1(demoNamespace, []byte(key)).String()
}

// demoNamespace scopes the demo's derived ids.
var demoNamespace = uuid.MustParse("5b0e3c1a-7d24-4f8e-9c61-2a4f8d9e0b37")
