package e2e_test

import (
	"fmt"
	"testing"

	"github.com/google/uuid"

	"wsms/events"
	em "wsms/events/mentoring"
)

// mentoringLife is what happened in the confirmed placement's mentoring
// record.
type mentoringLife struct {
	byMentor, byTeacher, byTutor string // observations
	concern                      string
	// The host's open concerns as the receipts of raising and of
	// resolving the concern read them (read-your-writes).
	openOnRaise, openOnResolve []openConcern
}

// openConcern is an open concern on the school's dashboard.
type openConcern struct {
	ID      string `json:"id"`
	Student struct {
		ID string `json:"id"`
	} `json:"student"`
}

// observation is realistic content for a lesson on day n of the world,
// rated 3 in every domain of the default framework.
func observation(w world, n int, topic string) map[string]any {
	ratings := map[string]any{}
	for _, d := range []string{"planning", "strategies", "management", "assessment", "conduct", "reflection"} {
		ratings[d] = 3
	}
	return map[string]any{"date": w.date(n), "class": "4A", "subject": "English", "topic": topic, "frameworkVersion": 1,
		"ratings": ratings, "strengths": "Clear modelling of the task", "areasForDevelopment": "Wait time after questions",
		"actionPoints": []string{"Plan three open questions"}}
}

// liveMentoring plays the confirmed placement's mentoring through the
// gateway: the tutor assigned; observations by the mentor, another teacher
// of the host school and the tutor (jointly with the mentor, who co-signs);
// an acknowledgement; a meeting; a reflection; a concern raised and
// resolved, each receipt reading the school's open concerns; an amendment;
// the final assessment and its moderation.
func liveMentoring(t *testing.T, g gatewaySystem, w world) mentoringLife {
	t.Helper()
	life := mentoringLife{byMentor: uuid.NewString(), byTeacher: uuid.NewString(), byTutor: uuid.NewString(), concern: uuid.NewString()}
	mentor, tutor, student := w.tokens[events.RoleMentor], w.tokens[events.RoleTutor], w.tokens[events.RoleStudentTeacher]
	teacher := token(t, events.Actor{ID: w.teacher, Role: events.RoleMentor, SchoolID: w.host})

	g.do(t, w.tokens[events.RoleFaculty], "assignTutor", map[string]any{"recordId": w.record, "tutorId": w.tutor})
	g.do(t, mentor, "recordObservation", map[string]any{"recordId": w.record, "observationId": life.byMentor,
		"content": observation(w, windowFrom+1, "Persuasive writing")})
	g.do(t, teacher, "recordObservation", map[string]any{"recordId": w.record, "observationId": life.byTeacher,
		"content": observation(w, windowFrom+3, "Reading circles")})
	g.do(t, tutor, "recordObservation", map[string]any{"recordId": w.record, "observationId": life.byTutor, "coObserverId": w.mentor,
		"content": observation(w, windowFrom+5, "Debate")})
	g.do(t, mentor, "cosignObservation", map[string]any{"recordId": w.record, "observationId": life.byTutor})
	g.do(t, student, "acknowledgeObservation", map[string]any{"recordId": w.record, "observationId": life.byMentor, "response": "I will plan my questions"})
	g.do(t, mentor, "logMentoringMeeting", map[string]any{"recordId": w.record, "meetingId": uuid.NewString(), "date": w.date(windowFrom + 2),
		"minutes": 45, "topics": []string{"Questioning"}, "targets": []string{"Three open questions a lesson"}})
	g.do(t, student, "submitReflection", map[string]any{"recordId": w.record, "reflectionId": uuid.NewString(), "date": w.date(windowFrom + 2),
		"text": "My questions were mostly closed; next lesson I will plan open ones."})

	type concerns struct {
		SchoolDashboard struct {
			OpenConcerns []openConcern `json:"openConcerns"`
		} `json:"schoolDashboard"`
	}
	openConcerns := fmt.Sprintf(`schoolDashboard(schoolId: %q, roundId: %q) { openConcerns { id student { id } } }`, w.host, w.round)
	life.openOnRaise = doThen[concerns](t, g, tutor, "raiseConcern", map[string]any{"recordId": w.record, "concernId": life.concern,
		"category": "planning", "severity": "medium", "description": "Lesson plans arrive the morning of the lesson"}, openConcerns).SchoolDashboard.OpenConcerns
	life.openOnResolve = doThen[concerns](t, g, mentor, "resolveConcern", map[string]any{"recordId": w.record, "concernId": life.concern,
		"note": "Plans now come two days ahead"}, openConcerns).SchoolDashboard.OpenConcerns

	amended := observation(w, windowFrom+1, "Persuasive writing")
	amended["strengths"] = "Clear modelling of the task and of the success criteria"
	g.do(t, mentor, "amendObservation", map[string]any{"recordId": w.record, "observationId": life.byMentor, "content": amended,
		"reason": "Added the success criteria"})
	g.do(t, mentor, "submitFinalAssessment", map[string]any{"recordId": w.record, "recommendation": "pass",
		"summary": "A reflective beginner who acts on feedback", "minimumOverride": "The practicum was shortened by a typhoon closure"})
	g.do(t, tutor, "moderateAssessment", map[string]any{"recordId": w.record, "recommendation": "distinction",
		"reason": "The portfolio shows more than the observations did"})
	return life
}

// TestAPlacementsMentoringLifeReadsBackThroughTheViews plays a placement's
// mentoring after the process manager opened its record on confirmation,
// and reads it back: the student-teacher's view (mentors, tutor, progress
// against the minimum, observations with amendment, co-signature and
// acknowledgement, meeting, reflection, resolved concern, assessment and
// moderation), the mentor's view (training, mentee with observations due)
// and the host school's dashboard counters.
func TestAPlacementsMentoringLifeReadsBackThroughTheViews(t *testing.T) {
	t.Parallel()
	g := startGateway(t)
	w := playRound(t, g)
	life := liveMentoring(t, g, w)
	// Read-your-writes: each receipt read the dashboard once it showed the
	// command, with no waiting on the client's side.
	if c := life.openOnRaise; len(c) != 1 || c[0].ID != life.concern || c[0].Student.ID != w.confirmed {
		t.Errorf("open concerns read with the concern's receipt: %+v, want the concern just raised", c)
	}
	if c := life.openOnResolve; len(c) != 0 {
		t.Errorf("open concerns read with the resolution's receipt: %+v, want none", c)
	}
	g.caughtUp(t)

	// The process manager opened the record when the host confirmed, and
	// named the mentor the host assigned; the history says so.
	type history struct {
		History struct {
			Edges []struct {
				Node struct {
					Type  string `json:"type"`
					Actor struct {
						Role string `json:"role"`
					} `json:"actor"`
				} `json:"node"`
			} `json:"edges"`
		} `json:"history"`
	}
	h := read[history](t, g, w.tokens[events.RoleStudentTeacher], `query($id: String!) { history(streamId: $id, first: 2) { edges { node { type actor { role } } } } }`,
		map[string]any{"id": "record-" + w.record}).History.Edges
	if len(h) != 2 || h[0].Node.Type != em.RecordOpenedV1 || h[0].Node.Actor.Role != "SYSTEM" ||
		h[1].Node.Type != em.RecordMentorAssignedV1 || h[1].Node.Actor.Role != "SYSTEM" {
		t.Errorf("the record's history begins %+v, want it opened and its mentor named by the process manager", h)
	}

	type progress struct {
		Mentor        int `json:"mentor"`
		Teacher       int `json:"teacher"`
		Tutor         int `json:"tutor"`
		MinimumMentor int `json:"minimumMentor"`
		MinimumTutor  int `json:"minimumTutor"`
		MentorDue     int `json:"mentorDue"`
		TutorDue      int `json:"tutorDue"`
	}
	wantProgress := progress{Mentor: 1, Teacher: 1, Tutor: 1, MinimumMentor: 4, MinimumTutor: 2, MentorDue: 2, TutorDue: 1}
	type view struct {
		StudentTeacher struct {
			RecordID  string `json:"recordId"`
			Name      string `json:"name"`
			Placement struct {
				SchoolID string `json:"schoolId"`
				Status   string `json:"status"`
			} `json:"placement"`
			Mentors []struct {
				ID       string `json:"id"`
				Assigned bool   `json:"assigned"`
			} `json:"mentors"`
			TutorID        string   `json:"tutorId"`
			Progress       progress `json:"progress"`
			LastObservedOn string   `json:"lastObservedOn"`
			Unacknowledged int      `json:"unacknowledged"`
			OpenConcerns   int      `json:"openConcerns"`
			Observations   []struct {
				ID           string  `json:"id"`
				ObserverRole string  `json:"observerRole"`
				Cosigned     bool    `json:"cosigned"`
				Amendments   int     `json:"amendments"`
				Strengths    string  `json:"strengths"`
				Response     *string `json:"response"`
				Ratings      map[string]int
			} `json:"observations"`
			Meetings    []struct{ Minutes int } `json:"meetings"`
			Reflections []struct{ Text string } `json:"reflections"`
			Concerns    []struct {
				ID         string  `json:"id"`
				ResolvedAt *string `json:"resolvedAt"`
			} `json:"concerns"`
			Assessment struct {
				Recommendation  string `json:"recommendation"`
				MinimumOverride string `json:"minimumOverride"`
			} `json:"assessment"`
			Moderation struct {
				Recommendation string `json:"recommendation"`
				Adjusted       bool   `json:"adjusted"`
			} `json:"moderation"`
		} `json:"studentTeacher"`
	}
	s := read[view](t, g, w.tokens[events.RoleStudentTeacher], `query($id: ID!, $round: ID) { studentTeacher(id: $id, roundId: $round) {
		recordId name placement { schoolId status } mentors { id assigned } tutorId
		progress { mentor teacher tutor minimumMentor minimumTutor mentorDue tutorDue } lastObservedOn unacknowledged openConcerns
		observations { id observerRole cosigned amendments strengths response ratings }
		meetings { minutes } reflections { text } concerns { id resolvedAt }
		assessment { recommendation minimumOverride } moderation { recommendation adjusted } } }`,
		map[string]any{"id": w.confirmed, "round": w.round}).StudentTeacher
	if s.RecordID != w.record || s.Name != "Chan Tai Man" || s.Placement.SchoolID != w.host || s.TutorID != w.tutor {
		t.Errorf("student-teacher view record %s, name %q, placement %+v, tutor %s", s.RecordID, s.Name, s.Placement, s.TutorID)
	}
	if len(s.Mentors) != 2 || s.Mentors[0].ID != w.mentor || !s.Mentors[0].Assigned || s.Mentors[1].ID != w.teacher || s.Mentors[1].Assigned {
		t.Errorf("mentors %+v, want the assigned mentor then the teacher who observed", s.Mentors)
	}
	if s.Progress != wantProgress {
		t.Errorf("progress %+v, want %+v", s.Progress, wantProgress)
	}
	// The amended observation waits for acknowledgement again; the other
	// two were never acknowledged.
	if s.LastObservedOn != w.date(windowFrom+5) || s.Unacknowledged != 3 || s.OpenConcerns != 0 {
		t.Errorf("last observed %s, unacknowledged %d, open concerns %d; want %s, 3, 0", s.LastObservedOn, s.Unacknowledged, s.OpenConcerns, w.date(windowFrom+5))
	}
	roles := map[string]string{}
	for _, o := range s.Observations {
		roles[o.ID] = o.ObserverRole
		switch o.ID {
		case life.byMentor:
			if o.Amendments != 1 || o.Strengths != "Clear modelling of the task and of the success criteria" || o.Ratings["planning"] != 3 {
				t.Errorf("mentor's observation %+v, want it amended once with the new strengths", o)
			}
		case life.byTutor:
			if !o.Cosigned {
				t.Errorf("tutor's joint observation %+v, want it co-signed by the mentor", o)
			}
		}
	}
	if want := map[string]string{life.byMentor: "mentor", life.byTeacher: "teacher", life.byTutor: "tutor"}; fmt.Sprint(roles) != fmt.Sprint(want) {
		t.Errorf("observations by role %v, want %v", roles, want)
	}
	if len(s.Meetings) != 1 || s.Meetings[0].Minutes != 45 || len(s.Reflections) != 1 {
		t.Errorf("meetings %+v, reflections %+v; want one each", s.Meetings, s.Reflections)
	}
	if len(s.Concerns) != 1 || s.Concerns[0].ID != life.concern || s.Concerns[0].ResolvedAt == nil {
		t.Errorf("concerns %+v, want the one raised, resolved", s.Concerns)
	}
	if s.Assessment.Recommendation != "pass" || s.Assessment.MinimumOverride == "" || s.Moderation.Recommendation != "distinction" || !s.Moderation.Adjusted {
		t.Errorf("assessment %+v, moderation %+v; want a pass with its reason, adjusted to distinction", s.Assessment, s.Moderation)
	}

	type mentorView struct {
		Mentor struct {
			Name   string `json:"name"`
			School struct {
				ID string `json:"id"`
			} `json:"school"`
			Trainings []struct {
				Level string `json:"level"`
			} `json:"trainings"`
			Mentees []struct {
				StudentID       string   `json:"studentId"`
				ObservationsDue int      `json:"observationsDue"`
				Progress        progress `json:"progress"`
			} `json:"mentees"`
		} `json:"mentor"`
	}
	m := read[mentorView](t, g, w.tokens[events.RoleMentor], `query($id: ID!) { mentor(id: $id) {
		name school { id } trainings { level }
		mentees { studentId observationsDue progress { mentor teacher tutor minimumMentor minimumTutor mentorDue tutorDue } } } }`,
		map[string]any{"id": w.mentor}).Mentor
	if m.Name != "Alice Lee" || m.School.ID != w.host || len(m.Trainings) != 1 || m.Trainings[0].Level != "I" {
		t.Errorf("mentor %q at %s with trainings %+v, want Alice Lee at the host with level I", m.Name, m.School.ID, m.Trainings)
	}
	if len(m.Mentees) != 1 || m.Mentees[0].StudentID != w.confirmed || m.Mentees[0].ObservationsDue != 2 || m.Mentees[0].Progress != wantProgress {
		t.Errorf("mentees %+v, want the confirmed student-teacher with 2 observations due", m.Mentees)
	}

	type dashboard struct {
		SchoolDashboard struct {
			StudentTeachers []struct {
				ID           string `json:"id"`
				TutorID      string `json:"tutorId"`
				OpenConcerns int    `json:"openConcerns"`
				Observations struct {
					Mentor  int  `json:"mentor"`
					Teacher int  `json:"teacher"`
					Tutor   int  `json:"tutor"`
					Met     bool `json:"met"`
				} `json:"observations"`
				LastObservedOn string `json:"lastObservedOn"`
				Recommendation string `json:"recommendation"`
			} `json:"studentTeachers"`
		} `json:"schoolDashboard"`
	}
	d := read[dashboard](t, g, w.tokens[events.RoleSchoolCoordinator], `query($school: ID!, $round: ID) { schoolDashboard(schoolId: $school, roundId: $round) {
		studentTeachers { id tutorId openConcerns observations { mentor teacher tutor met } lastObservedOn recommendation } } }`,
		map[string]any{"school": w.host, "round": w.round}).SchoolDashboard
	found := false
	for _, h := range d.StudentTeachers {
		if h.ID != w.confirmed {
			continue
		}
		found = true
		o := h.Observations
		if h.TutorID != w.tutor || h.OpenConcerns != 0 || o.Mentor != 1 || o.Teacher != 1 || o.Tutor != 1 || o.Met ||
			h.LastObservedOn != w.date(windowFrom+5) || h.Recommendation != "distinction" {
			t.Errorf("hosted student-teacher on the dashboard %+v, want the tutor, 1+1+1 observations short of the minimum, no open concern, distinction", h)
		}
	}
	if !found {
		t.Errorf("the host's dashboard does not show the confirmed student-teacher: %+v", d.StudentTeachers)
	}
}
