package graph

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"wsms/events"
	"wsms/platform/errs"
)

// The mentoring views read rm_mentoring, with names, schools and placement
// status from rm_placements. A view's root query carries the viewer's scope
// in its WHERE clause; the lists under it (observations, meetings, mentees,
// ...) are read by the record or mentor the scoped root returned, one query
// per list, and only when asked for.

// StudentTeacherView is a student-teacher's placement and mentoring record.
type StudentTeacherView struct {
	RecordID       string
	StudentID      string
	Name           *string
	Round          MentoringRound
	Placement      StudentTeacherPlacement
	Windows        []PracticumWindow
	TutorID        *string
	Progress       ObservationProgress
	LastObservedOn *string
	Unacknowledged int
	OpenConcerns   int
	Assessment     *FinalAssessment
	Moderation     *AssessmentModeration
}

// MentoringRound names a placement round.
type MentoringRound struct {
	ID   string
	Name *string
}

// StudentTeacherPlacement is where and what a student-teacher teaches.
type StudentTeacherPlacement struct {
	SchoolID   string
	SchoolName *string
	Subject    string
	Status     *string
}

// StudentTeacherMentor is a teacher of the host school who mentors.
type StudentTeacherMentor struct {
	ID       string
	Name     *string
	Assigned bool
}

// ObservationProgress is a placement's observations against the minimum.
type ObservationProgress struct {
	Mentor, Teacher, Tutor      int
	MinimumMentor, MinimumTutor int
	MentorDue, TutorDue         int
}

// newProgress counts what is still due. The mentoring service counts the
// assigned mentor's and the other teachers' observations together against
// the school's minimum, so the view does too.
func newProgress(mentor, teacher, tutor, minMentor, minTutor int) ObservationProgress {
	return ObservationProgress{
		Mentor: mentor, Teacher: teacher, Tutor: tutor, MinimumMentor: minMentor, MinimumTutor: minTutor,
		MentorDue: max(0, minMentor-mentor-teacher), TutorDue: max(0, minTutor-tutor),
	}
}

// LessonObservation is an observation as last amended.
type LessonObservation struct {
	ID                  string
	Date                string
	Class               string
	Subject             string
	Topic               string
	ObserverID          string
	ObserverRole        string
	ObserverName        *string
	CoObserverID        *string
	Cosigned            bool
	FrameworkVersion    int
	Ratings             map[string]any
	Strengths           string
	AreasForDevelopment string
	ActionPoints        []string
	RecordedOn          string
	Amendments          int
	AcknowledgedAt      *time.Time
	Response            *string
}

// MentoringMeeting is a logged meeting of mentor and student-teacher.
type MentoringMeeting struct {
	ID       string
	MentorID string
	Date     string
	Minutes  int
	Topics   []string
	Targets  []string
}

// StudentReflection is a reflection the student-teacher wrote.
type StudentReflection struct {
	ID          string
	Date        string
	Text        string
	SubmittedAt time.Time
}

// MentoringConcern is a concern raised about the student-teacher.
type MentoringConcern struct {
	ID          string
	RaisedBy    string
	Category    string
	Severity    string
	Description string
	RaisedAt    time.Time
	ResolvedAt  *time.Time
	Note        *string
}

// FinalAssessment is the mentor's latest submitted recommendation.
type FinalAssessment struct {
	Recommendation  string
	Summary         string
	AssessedBy      string
	AssessedAt      time.Time
	MinimumOverride *string
}

// AssessmentModeration is the tutor's moderation.
type AssessmentModeration struct {
	Recommendation string
	Adjusted       bool
	Reason         *string
	ModeratedBy    string
	ModeratedAt    time.Time
}

// MentorView is a teacher-mentor as one viewer may see them. scope carries
// that viewer's scope to the trainings and mentees, read later and only if
// asked.
type MentorView struct {
	ID     string
	Name   *string
	School *MentorSchool
	scope  recordScope
}

// MentorSchool is the school of a teacher-mentor.
type MentorSchool struct {
	ID   string
	Name *string
}

// MentorTraining is a completed mentor training course.
type MentorTraining struct {
	CertificateID string
	Course        string
	Level         string
	Issuer        string
	SchoolID      string
	CompletedOn   string
	ExpiresOn     *string
}

// Mentee is a student-teacher a mentor mentors.
type Mentee struct {
	RecordID        string
	StudentID       string
	Name            *string
	SchoolID        string
	Subject         string
	Round           MentoringRound
	Windows         []PracticumWindow
	Progress        ObservationProgress
	ObservationsDue int
	LastObservedOn  *string
	Unacknowledged  int
	OpenConcerns    int
}

// MentoringPolicy is the policy in force.
type MentoringPolicy struct {
	MinMentorObservations int
	MinTutorObservations  int
	AmendDays             int
}

// CompetencyFramework is a version of the framework.
type CompetencyFramework struct {
	Version int
	Name    string
	Domains []CompetencyDomain
	Scale   []CompetencyScaleLevel
}

// CompetencyDomain is an area of the framework, as the event stores it.
type CompetencyDomain struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Indicators []string `json:"indicators"`
}

// CompetencyScaleLevel is a rating level, as the event stores it.
type CompetencyScaleLevel struct {
	Value      int    `json:"value"`
	Label      string `json:"label"`
	Descriptor string `json:"descriptor"`
}

// recordScope is which mentoring records a viewer reads, as arguments of a
// WHERE clause "$all OR school_id = $school OR student_id = $student": every
// record, a school's, or a student-teacher's own. An empty school or
// student matches nothing.
type recordScope struct {
	all             bool
	school, student string
}

// recordScopeOf is the viewer's scope over mentoring records, or FORBIDDEN
// for a viewer who reads none.
func recordScopeOf(a events.Actor) (recordScope, error) {
	if seesAll(a) {
		return recordScope{all: true}, nil
	}
	if school, ok := schoolOf(a); ok {
		return recordScope{school: school}, nil
	}
	if a.Role == events.RoleStudentTeacher {
		return recordScope{student: a.ID}, nil
	}
	return recordScope{}, forbidden("a %s reads no mentoring records", a.Role)
}

// studentTeacherView reads the student-teacher's record in roundID, or
// their latest the viewer may see.
func (r *Resolver) studentTeacherView(ctx context.Context, a events.Actor, studentID string, roundID *string) (*StudentTeacherView, error) {
	var v errs.Check
	v.UUID("id", studentID)
	optionalUUID(&v, "roundId", roundID)
	if err := v.Err(); err != nil {
		return nil, err
	}
	scope, err := recordScopeOf(a)
	if err != nil {
		return nil, err
	}
	own := a.Role == events.RoleStudentTeacher && a.ID == studentID
	if a.Role == events.RoleStudentTeacher && !own {
		return nil, forbidden("a student-teacher reads only their own placement")
	}
	var (
		view                                StudentTeacherView
		mentorObs, teacherObs, tutorObs     int
		minMentor, minTutor                 int
		recommendation, summary, assessedBy *string
		assessedAt                          *time.Time
		override                            *string
		moderated, modReason, moderatedBy   *string
		adjusted                            *bool
		moderatedAt                         *time.Time
	)
	err = r.DB.QueryRow(ctx, `
		SELECT r.record_id, r.student_id, st.name, r.round_id, rd.name, r.school_id, sc.name, r.subject, pl.status,
		       r.windows, r.tutor_id, r.mentor_observations, r.teacher_observations, r.tutor_observations,
		       coalesce(po.min_mentor_observations, 0), coalesce(po.min_tutor_observations, 0),
		       to_char(r.last_observed_on, 'YYYY-MM-DD'), r.unacknowledged, r.open_concerns,
		       r.recommendation, r.assessment_summary, r.assessed_by, r.assessed_at, r.minimum_override,
		       r.moderated_recommendation, r.moderation_adjusted, r.moderation_reason, r.moderated_by, r.moderated_at
		  FROM rm_mentoring.records r
		  LEFT JOIN rm_mentoring.policy po ON true
		  LEFT JOIN rm_placements.students st ON st.round_id = r.round_id AND st.student_id = r.student_id
		  LEFT JOIN rm_placements.rounds rd ON rd.round_id = r.round_id
		  LEFT JOIN rm_placements.schools sc ON sc.school_id = r.school_id
		  LEFT JOIN rm_placements.placements pl ON pl.round_id = r.round_id AND pl.student_id = r.student_id
		 WHERE r.student_id = $1 AND ($2::text IS NULL OR r.round_id = $2)
		   AND ($3 OR r.school_id = $4 OR r.student_id = $5)
		 ORDER BY r.opened_at DESC, r.round_id DESC
		 LIMIT 1`,
		studentID, roundID, scope.all, scope.school, scope.student).Scan(
		&view.RecordID, &view.StudentID, &view.Name, &view.Round.ID, &view.Round.Name, &view.Placement.SchoolID, &view.Placement.SchoolName,
		&view.Placement.Subject, &view.Placement.Status, &view.Windows, &view.TutorID, &mentorObs, &teacherObs, &tutorObs,
		&minMentor, &minTutor, &view.LastObservedOn, &view.Unacknowledged, &view.OpenConcerns,
		&recommendation, &summary, &assessedBy, &assessedAt, &override,
		&moderated, &adjusted, &modReason, &moderatedBy, &moderatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		// A school's staff asking about someone placed elsewhere learn
		// nothing, not even whether they are placed.
		if scope.all || own {
			return nil, nil
		}
		return nil, forbidden("student-teacher %s has no placement at your school", studentID)
	}
	if err != nil {
		return nil, err
	}
	view.Progress = newProgress(mentorObs, teacherObs, tutorObs, minMentor, minTutor)
	if recommendation != nil {
		view.Assessment = &FinalAssessment{Recommendation: *recommendation, Summary: deref(summary), AssessedBy: deref(assessedBy),
			AssessedAt: deref(assessedAt), MinimumOverride: override}
	}
	if moderated != nil {
		view.Moderation = &AssessmentModeration{Recommendation: *moderated, Adjusted: deref(adjusted), Reason: modReason,
			ModeratedBy: deref(moderatedBy), ModeratedAt: deref(moderatedAt)}
	}
	return &view, nil
}

// recordMentors reads the assigned mentor and the host school's other
// teachers who observed the student-teacher.
func (r *Resolver) recordMentors(ctx context.Context, v *StudentTeacherView) ([]StudentTeacherMentor, error) {
	rows, err := r.DB.Query(ctx, `
		SELECT m.id, t.name, m.assigned
		  FROM (SELECT mentor_id AS id, true AS assigned FROM rm_mentoring.records WHERE record_id = $1 AND mentor_id IS NOT NULL
		        UNION
		        SELECT o.observer_id, false FROM rm_mentoring.observations o
		          JOIN rm_mentoring.records r ON r.record_id = o.record_id
		         WHERE o.record_id = $1 AND o.observer_role <> 'tutor' AND o.observer_id IS DISTINCT FROM r.mentor_id) m
		  LEFT JOIN rm_placements.teachers t ON t.school_id = $2 AND t.teacher_id = m.id
		 ORDER BY m.assigned DESC, t.name, m.id`, v.RecordID, v.Placement.SchoolID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[StudentTeacherMentor])
}

// recordObservations reads a record's observations by lesson date.
func (r *Resolver) recordObservations(ctx context.Context, v *StudentTeacherView) ([]LessonObservation, error) {
	rows, err := r.DB.Query(ctx, `
		SELECT o.observation_id, to_char(o.lesson_date, 'YYYY-MM-DD'), o.class, o.subject, o.topic, o.observer_id, o.observer_role,
		       t.name, o.co_observer_id, o.cosigned, o.framework_version, o.ratings, o.strengths, o.areas_for_development,
		       o.action_points, to_char(o.recorded_on, 'YYYY-MM-DD'), o.amendments, o.acknowledged_at, o.response
		  FROM rm_mentoring.observations o
		  LEFT JOIN rm_placements.teachers t ON t.school_id = $2 AND t.teacher_id = o.observer_id AND o.observer_role <> 'tutor'
		 WHERE o.record_id = $1
		 ORDER BY o.lesson_date, o.recorded_at, o.observation_id`, v.RecordID, v.Placement.SchoolID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[LessonObservation])
}

// recordMeetings reads a record's meetings by date.
func (r *Resolver) recordMeetings(ctx context.Context, v *StudentTeacherView) ([]MentoringMeeting, error) {
	rows, err := r.DB.Query(ctx, `
		SELECT meeting_id, mentor_id, to_char(date, 'YYYY-MM-DD'), minutes, topics, targets
		  FROM rm_mentoring.meetings WHERE record_id = $1 ORDER BY date, meeting_id`, v.RecordID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[MentoringMeeting])
}

// recordReflections reads a record's reflections by date.
func (r *Resolver) recordReflections(ctx context.Context, v *StudentTeacherView) ([]StudentReflection, error) {
	rows, err := r.DB.Query(ctx, `
		SELECT reflection_id, to_char(date, 'YYYY-MM-DD'), text, submitted_at
		  FROM rm_mentoring.reflections WHERE record_id = $1 ORDER BY date, submitted_at, reflection_id`, v.RecordID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[StudentReflection])
}

// recordConcerns reads a record's concerns as they were raised.
func (r *Resolver) recordConcerns(ctx context.Context, v *StudentTeacherView) ([]MentoringConcern, error) {
	rows, err := r.DB.Query(ctx, `
		SELECT concern_id, raised_by, category, severity, description, raised_at, resolved_at, resolution_note
		  FROM rm_mentoring.concerns WHERE record_id = $1 ORDER BY raised_at, concern_id`, v.RecordID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[MentoringConcern])
}

// mentorView reads a teacher-mentor as the viewer may see them: the mentor
// themself, anyone who reads every school, or the staff of the mentor's
// school. The mentor's school is where the placement service knows them as a
// teacher, where they trained, or where they mentor.
func (r *Resolver) mentorView(ctx context.Context, a events.Actor, mentorID string) (*MentorView, error) {
	var c errs.Check
	c.UUID("id", mentorID)
	if err := c.Err(); err != nil {
		return nil, err
	}
	self := a.Role == events.RoleMentor && a.ID == mentorID
	viewerSchool, _ := schoolOf(a)
	if !seesAll(a) && !self && viewerSchool == "" {
		return nil, forbidden("a %s reads no teacher-mentor", a.Role)
	}
	var v MentorView
	var schoolID *string
	var schoolName *string
	err := r.DB.QueryRow(ctx, `
		WITH known AS (
		    SELECT school_id, name FROM rm_placements.teachers WHERE teacher_id = $1
		    UNION ALL
		    SELECT school_id, NULL FROM rm_mentoring.trainings WHERE teacher_id = $1
		    UNION ALL
		    SELECT school_id, NULL FROM rm_mentoring.records WHERE mentor_id = $1
		)
		SELECT k.school_id, k.name, s.name
		  FROM known k LEFT JOIN rm_placements.schools s ON s.school_id = k.school_id
		 WHERE $2 OR k.school_id = $3 OR $4
		 ORDER BY k.school_id = $3 DESC, k.name IS NULL, k.school_id
		 LIMIT 1`,
		mentorID, seesAll(a), viewerSchool, self).Scan(&schoolID, &v.Name, &schoolName)
	switch {
	case errors.Is(err, pgx.ErrNoRows) && self:
		// Known nowhere yet, but asking about themself.
	case errors.Is(err, pgx.ErrNoRows) && seesAll(a):
		return nil, nil
	case errors.Is(err, pgx.ErrNoRows):
		return nil, forbidden("teacher-mentor %s does not teach at your school", mentorID)
	case err != nil:
		return nil, err
	default:
		v.School = &MentorSchool{ID: *schoolID, Name: schoolName}
	}
	v.ID = mentorID
	// A mentor sees all their own trainings and mentees; a school's staff
	// the trainings recorded for their school and the mentees placed there.
	switch {
	case seesAll(a) || self:
		v.scope = recordScope{all: true}
	default:
		v.scope = recordScope{school: viewerSchool}
	}
	return &v, nil
}

// mentorTrainings reads a mentor's training certificates within the
// viewer's scope: a school's staff see those recorded for their school, not
// what the teacher did at a school they merely trained at or mentored for.
func (r *Resolver) mentorTrainings(ctx context.Context, v *MentorView) ([]MentorTraining, error) {
	rows, err := r.DB.Query(ctx, `
		SELECT certificate_id, course, level, issuer, school_id, to_char(completed_on, 'YYYY-MM-DD'), to_char(expires_on, 'YYYY-MM-DD')
		  FROM rm_mentoring.trainings WHERE teacher_id = $1 AND ($2 OR school_id = $3)
		 ORDER BY completed_on, certificate_id`, v.ID, v.scope.all, v.scope.school)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[MentorTraining])
}

// mentees reads the records a mentor is assigned to, within the viewer's
// scope, with what each still needs.
func (r *Resolver) mentees(ctx context.Context, v *MentorView, roundID *string) ([]Mentee, error) {
	var c errs.Check
	optionalUUID(&c, "roundId", roundID)
	if err := c.Err(); err != nil {
		return nil, err
	}
	rows, err := r.DB.Query(ctx, `
		SELECT r.record_id, r.student_id, st.name, r.school_id, r.subject, r.round_id, rd.name, r.windows,
		       r.mentor_observations, r.teacher_observations, r.tutor_observations,
		       coalesce(po.min_mentor_observations, 0), coalesce(po.min_tutor_observations, 0),
		       to_char(r.last_observed_on, 'YYYY-MM-DD'), r.unacknowledged, r.open_concerns
		  FROM rm_mentoring.records r
		  LEFT JOIN rm_mentoring.policy po ON true
		  LEFT JOIN rm_placements.students st ON st.round_id = r.round_id AND st.student_id = r.student_id
		  LEFT JOIN rm_placements.rounds rd ON rd.round_id = r.round_id
		 WHERE r.mentor_id = $1 AND ($2::text IS NULL OR r.round_id = $2)
		   AND ($3 OR r.school_id = $4 OR r.student_id = $5)
		 ORDER BY r.opened_at DESC, st.name, r.student_id`,
		v.ID, roundID, v.scope.all, v.scope.school, v.scope.student)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Mentee, error) {
		var m Mentee
		var mentorObs, teacherObs, tutorObs, minMentor, minTutor int
		err := row.Scan(&m.RecordID, &m.StudentID, &m.Name, &m.SchoolID, &m.Subject, &m.Round.ID, &m.Round.Name, &m.Windows,
			&mentorObs, &teacherObs, &tutorObs, &minMentor, &minTutor, &m.LastObservedOn, &m.Unacknowledged, &m.OpenConcerns)
		m.Progress = newProgress(mentorObs, teacherObs, tutorObs, minMentor, minTutor)
		m.ObservationsDue = m.Progress.MentorDue
		return m, err
	})
}

// mentoringPolicy reads the policy in force.
func (r *Resolver) mentoringPolicy(ctx context.Context) (*MentoringPolicy, error) {
	var p MentoringPolicy
	err := r.DB.QueryRow(ctx, "SELECT min_mentor_observations, min_tutor_observations, amend_days FROM rm_mentoring.policy").
		Scan(&p.MinMentorObservations, &p.MinTutorObservations, &p.AmendDays)
	return &p, err
}

// competencyFramework reads a version of the framework, the latest when
// version is nil.
func (r *Resolver) competencyFramework(ctx context.Context, version *int) (*CompetencyFramework, error) {
	if version != nil && *version < 1 {
		return nil, errs.Invalid("version", "min", "versions count from 1, not %d", *version)
	}
	var f CompetencyFramework
	err := r.DB.QueryRow(ctx, `
		SELECT version, name, domains, scale FROM rm_mentoring.frameworks
		 WHERE $1::int IS NULL OR version = $1 ORDER BY version DESC LIMIT 1`, version).
		Scan(&f.Version, &f.Name, &f.Domains, &f.Scale)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &f, nil
}

// optionalUUID checks an optional id argument.
func optionalUUID(c *errs.Check, field string, id *string) {
	if id != nil {
		c.UUID(field, *id)
	}
}

// deref reads a column the row's state makes non-null.
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
