package domain

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"wsms/events"
	"wsms/events/mentoring"
	ep "wsms/events/placement"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

// Record is a student-teacher's mentoring record for one placement.
type Record struct {
	opened       mentoring.RecordOpened
	mentorID     string
	tutorID      string
	observations map[string]observation
	meetings     map[string]bool
	reflections  map[string]bool
	concerns     map[string]bool // by concern: open
	submitted    *mentoring.FinalAssessmentSubmitted
	locked       bool
	lastHash     string
}

type observation struct {
	authorID, role, coObserverID string
	recordedOn                   ep.Date
	cosigned, acknowledged       bool
}

// RecordStream names the stream of a mentoring record.
func RecordStream(id string) string { return "record-" + id }

// EvolveRecord applies one of a record's events.
func EvolveRecord(r Record, e any) Record {
	if c, ok := e.(mentoring.Chained); ok {
		r.lastHash = c.Link().Hash
	}
	switch e := e.(type) {
	case mentoring.RecordOpened:
		r.opened = e
		r.observations, r.meetings, r.reflections, r.concerns = map[string]observation{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	case mentoring.RecordMentorAssigned:
		r.mentorID = e.MentorID
	case mentoring.RecordTutorAssigned:
		r.tutorID = e.TutorID
	case mentoring.ObservationRecorded:
		r.observations = maps.Clone(r.observations)
		r.observations[e.ObservationID] = observation{authorID: e.ObserverID, role: e.ObserverRole, coObserverID: e.CoObserverID, recordedOn: e.RecordedOn}
	case mentoring.ObservationAmended:
		// What was signed and acknowledged is no longer what is written:
		// the co-observer signs again, the student-teacher acknowledges
		// again.
		r.observations = maps.Clone(r.observations)
		o := r.observations[e.ObservationID]
		o.cosigned, o.acknowledged = false, false
		r.observations[e.ObservationID] = o
	case mentoring.ObservationCoSigned:
		r.observations = maps.Clone(r.observations)
		o := r.observations[e.ObservationID]
		o.cosigned = true
		r.observations[e.ObservationID] = o
	case mentoring.ObservationAcknowledged:
		r.observations = maps.Clone(r.observations)
		o := r.observations[e.ObservationID]
		o.acknowledged = true
		r.observations[e.ObservationID] = o
	case mentoring.MentoringMeetingLogged:
		r.meetings = maps.Clone(r.meetings)
		r.meetings[e.MeetingID] = true
	case mentoring.ReflectionSubmitted:
		r.reflections = maps.Clone(r.reflections)
		r.reflections[e.ReflectionID] = true
	case mentoring.ConcernRaised:
		r.concerns = maps.Clone(r.concerns)
		r.concerns[e.ConcernID] = true
	case mentoring.ConcernResolved:
		r.concerns = maps.Clone(r.concerns)
		r.concerns[e.ConcernID] = false
	case mentoring.FinalAssessmentSubmitted:
		r.submitted = &e
	case mentoring.AssessmentModerated:
		r.locked = true
	}
	return r
}

// Opened reports whether the record exists.
func (r Record) Opened() bool { return r.opened.RecordID != "" }

// AtRisk reports whether a concern on the record is open.
func (r Record) AtRisk() bool { return slices.Contains(slices.Collect(maps.Values(r.concerns)), true) }

// writable refuses changes to a record that does not exist or is locked.
func (r Record) writable(id string) error {
	if !r.Opened() {
		return errs.Newf(errs.NotFound, "no mentoring record %s is open", id)
	}
	if r.locked {
		return errs.Newf(errs.Conflict, "the mentoring record is locked: its final assessment has been moderated")
	}
	return nil
}

// observerRole is the role an actor observes in: the assigned mentor, any
// other teacher of the host school, or the assigned tutor; "" for anyone
// else.
func (r Record) observerRole(a events.Actor) string {
	switch {
	case a.Role == events.RoleTutor && a.ID == r.tutorID:
		return mentoring.ObserverTutor
	case (a.Role == events.RoleMentor || a.Role == events.RoleSchoolCoordinator) && a.SchoolID == r.opened.SchoolID:
		if a.ID == r.mentorID {
			return mentoring.ObserverMentor
		}
		return mentoring.ObserverTeacher
	}
	return ""
}

// isMentorOrTutor reports whether the actor is the record's assigned mentor
// or tutor.
func (r Record) isMentorOrTutor(a events.Actor) bool {
	role := r.observerRole(a)
	return role == mentoring.ObserverMentor || role == mentoring.ObserverTutor
}

// OpenMentoringRecord asks to open the record of a confirmed placement.
type OpenMentoringRecord struct {
	RecordID  string      `json:"recordId"`
	RoundID   string      `json:"roundId"`
	StudentID string      `json:"studentId"`
	SchoolID  string      `json:"schoolId"`
	Subject   string      `json:"subject"`
	Windows   []ep.Period `json:"windows"`
}

// DecideOpenMentoringRecord lets the process that follows placements (or the
// office) open a record once.
func DecideOpenMentoringRecord(r Record, c OpenMentoringRecord, m decider.Meta) ([]any, error) {
	if m.Actor.Role != events.RoleSystem && m.Actor.Role != events.RoleOffice {
		return nil, errs.Newf(errs.Forbidden, "mentoring records are opened when placements are confirmed")
	}
	var v errs.Check
	v.UUID("recordId", c.RecordID)
	v.UUID("roundId", c.RoundID)
	v.UUID("studentId", c.StudentID)
	v.UUID("schoolId", c.SchoolID)
	v.Required("subject", c.Subject)
	if len(c.Windows) == 0 {
		v.Add(errs.Invalid("windows", "required", "the placement's practicum windows are required"))
	}
	for i, w := range c.Windows {
		from, to := day(&v, fmt.Sprintf("windows[%d].from", i), w.From), day(&v, fmt.Sprintf("windows[%d].to", i), w.To)
		if !from.IsZero() && !to.IsZero() && to.Before(from) {
			v.Add(errs.Invalid(fmt.Sprintf("windows[%d].to", i), "after_from", "ends before it starts (%s)", w.From))
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if c.RecordID != mentoring.RecordIDFor(c.RoundID, c.StudentID) {
		return nil, errs.Invalid("recordId", "derived", "the record of this placement is %s", mentoring.RecordIDFor(c.RoundID, c.StudentID))
	}
	if r.Opened() {
		if r.opened.SchoolID == c.SchoolID && r.opened.Subject == c.Subject {
			return nil, nil // opened already, by an earlier delivery
		}
		return nil, errs.Newf(errs.Conflict, "the record is already open for another placement")
	}
	return []any{mentoring.RecordOpened{RecordID: c.RecordID, RoundID: c.RoundID, StudentID: c.StudentID, SchoolID: c.SchoolID,
		Subject: c.Subject, Windows: c.Windows}}, nil
}

// AssignRecordMentor asks to name the placement's teacher-mentor on the record.
type AssignRecordMentor struct {
	RecordID string `json:"recordId"`
	MentorID string `json:"mentorId"`
}

// DecideAssignRecordMentor lets the process that follows placements (or the
// office) name the mentor the host school assigned.
func DecideAssignRecordMentor(r Record, c AssignRecordMentor, m decider.Meta) ([]any, error) {
	if m.Actor.Role != events.RoleSystem && m.Actor.Role != events.RoleOffice {
		return nil, errs.Newf(errs.Forbidden, "the mentor is assigned through the placement service")
	}
	var v errs.Check
	v.UUID("recordId", c.RecordID)
	v.UUID("mentorId", c.MentorID)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := r.writable(c.RecordID); err != nil {
		return nil, err
	}
	if r.mentorID == c.MentorID {
		return nil, nil
	}
	return []any{mentoring.RecordMentorAssigned{RecordID: c.RecordID, MentorID: c.MentorID}}, nil
}

// AssignTutor asks to assign the university tutor who supervises the placement.
type AssignTutor struct {
	RecordID string `json:"recordId"`
	TutorID  string `json:"tutorId"`
}

// DecideAssignTutor lets the faculty or the office assign the tutor.
func DecideAssignTutor(r Record, c AssignTutor, m decider.Meta) ([]any, error) {
	if m.Actor.Role != events.RoleFaculty && m.Actor.Role != events.RoleOffice {
		return nil, errs.Newf(errs.Forbidden, "only the faculty or the partnership office assigns tutors")
	}
	var v errs.Check
	v.UUID("recordId", c.RecordID)
	v.UUID("tutorId", c.TutorID)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := r.writable(c.RecordID); err != nil {
		return nil, err
	}
	if r.tutorID == c.TutorID {
		return nil, nil
	}
	return []any{mentoring.RecordTutorAssigned{RecordID: c.RecordID, TutorID: c.TutorID}}, nil
}

// checkContent checks an observation's content against the record and the
// framework version it names: a date inside the placement, and one rating on
// the framework's scale for each of its domains.
func (r Record) checkContent(v *errs.Check, c mentoring.ObservationContent, fw mentoring.FrameworkPublished, found bool) {
	day(v, "content.date", c.Date)
	v.Required("content.class", c.Class)
	v.MaxLength("content.class", c.Class, 50)
	v.Required("content.subject", c.Subject)
	v.Required("content.topic", c.Topic)
	v.MaxLength("content.topic", c.Topic, 300)
	v.MaxLength("content.strengths", c.Strengths, 5000)
	v.MaxLength("content.areasForDevelopment", c.AreasForDevelopment, 5000)
	for i, a := range c.ActionPoints {
		v.Required(fmt.Sprintf("content.actionPoints[%d]", i), a)
	}
	if v.Err() != nil {
		return
	}
	if !r.withinPlacement(c.Date) {
		v.Add(errs.Invalid("content.date", "within_placement", "%s is outside the placement (%s)", c.Date, r.windowText()))
	}
	if !found {
		v.Add(errs.Invalid("content.frameworkVersion", "known_version", "there is no version %d of the competency framework", c.FrameworkVersion))
		return
	}
	domains := map[string]bool{}
	for _, d := range fw.Domains {
		domains[d.ID] = true
	}
	for _, id := range slices.Sorted(maps.Keys(c.Ratings)) {
		if !domains[id] {
			v.Add(errs.Invalid("content.ratings."+id, "framework_domain", "%q is not a domain of version %d of the framework", id, fw.Version))
		} else if n := c.Ratings[id]; n < 1 || n > len(fw.Scale) {
			v.Add(errs.Invalid("content.ratings."+id, "scale", "%d is off the scale of 1 to %d", n, len(fw.Scale)))
		}
	}
	for _, d := range fw.Domains {
		if _, ok := c.Ratings[d.ID]; !ok {
			v.Add(errs.Invalid("content.ratings."+d.ID, "required", "%s needs a rating", d.Name))
		}
	}
}

func (r Record) withinPlacement(d ep.Date) bool {
	for _, w := range r.opened.Windows {
		if d >= w.From && d <= w.To {
			return true
		}
	}
	return false
}

func (r Record) windowText() string {
	parts := make([]string, len(r.opened.Windows))
	for i, w := range r.opened.Windows {
		parts[i] = string(w.From) + " to " + string(w.To)
	}
	return strings.Join(parts, ", ")
}

// RecordObservation asks to record a lesson observation. Framework is the
// version the content names, filled in before the decision.
type RecordObservation struct {
	RecordID      string                       `json:"recordId"`
	ObservationID string                       `json:"observationId"`
	CoObserverID  string                       `json:"coObserverId"`
	Content       mentoring.ObservationContent `json:"content"`
	Framework     Framework                    `json:"-"`
}

// DecideRecordObservation lets any teacher of the host school (the Whole
// School Mentoring Support approach) or the assigned tutor record an
// observation; the co-observer of a joint observation signs it later.
func DecideRecordObservation(r Record, c RecordObservation, m decider.Meta) ([]any, error) {
	var v errs.Check
	v.UUID("recordId", c.RecordID)
	v.UUID("observationId", c.ObservationID)
	if c.CoObserverID != "" {
		v.UUID("coObserverId", c.CoObserverID)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := r.writable(c.RecordID); err != nil {
		return nil, err
	}
	role := r.observerRole(m.Actor)
	if role == "" {
		return nil, errs.Newf(errs.Forbidden, "only a teacher of the host school or the placement's tutor observes its lessons")
	}
	fw, found := c.Framework.Version(c.Content.FrameworkVersion)
	r.checkContent(&v, c.Content, fw, found)
	if c.CoObserverID == m.Actor.ID {
		v.Add(errs.Invalid("coObserverId", "other_observer", "the co-observer is someone other than the observer"))
	} else if c.CoObserverID != "" && c.CoObserverID != r.mentorID && c.CoObserverID != r.tutorID {
		v.Add(errs.Invalid("coObserverId", "mentor_or_tutor", "a joint observation is co-signed by the placement's mentor or tutor"))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if _, ok := r.observations[c.ObservationID]; ok {
		return nil, errs.Newf(errs.Conflict, "observation %s is already recorded", c.ObservationID)
	}
	return []any{mentoring.ObservationRecorded{RecordID: c.RecordID, ObservationID: c.ObservationID, ObserverID: m.Actor.ID,
		ObserverRole: role, CoObserverID: c.CoObserverID, RecordedOn: today(m), Content: c.Content}}, nil
}

// AmendObservation asks to change an observation, with a reason.
type AmendObservation struct {
	RecordID      string                       `json:"recordId"`
	ObservationID string                       `json:"observationId"`
	Content       mentoring.ObservationContent `json:"content"`
	Reason        string                       `json:"reason"`
	Framework     Framework                    `json:"-"`
	Policy        Policy                       `json:"-"`
}

// DecideAmendObservation lets the author amend their observation within
// AmendDays of writing it; the earlier content stays in the history.
func DecideAmendObservation(r Record, c AmendObservation, m decider.Meta) ([]any, error) {
	var v errs.Check
	v.UUID("recordId", c.RecordID)
	v.UUID("observationId", c.ObservationID)
	v.Required("reason", c.Reason)
	v.MaxLength("reason", c.Reason, 1000)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := r.writable(c.RecordID); err != nil {
		return nil, err
	}
	o, ok := r.observations[c.ObservationID]
	if !ok {
		return nil, errs.Newf(errs.NotFound, "no observation %s on this record", c.ObservationID)
	}
	if o.authorID != m.Actor.ID {
		return nil, errs.Newf(errs.Forbidden, "only the observation's author amends it")
	}
	if days := c.Policy.Rules().AmendDays; daysBetween(o.recordedOn, today(m)) > days {
		return nil, errs.Newf(errs.Conflict, "the observation was written on %s: it can be amended for %d days only", o.recordedOn, days)
	}
	fw, found := c.Framework.Version(c.Content.FrameworkVersion)
	r.checkContent(&v, c.Content, fw, found)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []any{mentoring.ObservationAmended{RecordID: c.RecordID, ObservationID: c.ObservationID, Content: c.Content, Reason: c.Reason}}, nil
}

// CoSignObservation asks to sign a joint observation as its co-observer.
type CoSignObservation struct {
	RecordID      string `json:"recordId"`
	ObservationID string `json:"observationId"`
}

// DecideCoSignObservation lets the named co-observer sign once.
func DecideCoSignObservation(r Record, c CoSignObservation, m decider.Meta) ([]any, error) {
	o, err := r.observation(c.RecordID, c.ObservationID)
	if err != nil {
		return nil, err
	}
	if o.coObserverID == "" || o.coObserverID != m.Actor.ID {
		return nil, errs.Newf(errs.Forbidden, "only the co-observer named on the observation signs it")
	}
	if o.cosigned {
		return nil, nil
	}
	return []any{mentoring.ObservationCoSigned{RecordID: c.RecordID, ObservationID: c.ObservationID, CoObserverID: m.Actor.ID}}, nil
}

func (r Record) observation(recordID, observationID string) (observation, error) {
	var v errs.Check
	v.UUID("recordId", recordID)
	v.UUID("observationId", observationID)
	if err := v.Err(); err != nil {
		return observation{}, err
	}
	if err := r.writable(recordID); err != nil {
		return observation{}, err
	}
	o, ok := r.observations[observationID]
	if !ok {
		return o, errs.Newf(errs.NotFound, "no observation %s on this record", observationID)
	}
	return o, nil
}

// AcknowledgeObservation asks to acknowledge an observation, with an
// optional response.
type AcknowledgeObservation struct {
	RecordID      string `json:"recordId"`
	ObservationID string `json:"observationId"`
	Response      string `json:"response"`
}

// DecideAcknowledgeObservation lets the student-teacher acknowledge once.
func DecideAcknowledgeObservation(r Record, c AcknowledgeObservation, m decider.Meta) ([]any, error) {
	o, err := r.observation(c.RecordID, c.ObservationID)
	if err != nil {
		return nil, err
	}
	if m.Actor.Role != events.RoleStudentTeacher || m.Actor.ID != r.opened.StudentID {
		return nil, errs.Newf(errs.Forbidden, "only the student-teacher acknowledges their observations")
	}
	var v errs.Check
	v.MaxLength("response", c.Response, 5000)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if o.acknowledged {
		return nil, errs.Newf(errs.Conflict, "the observation is already acknowledged")
	}
	return []any{mentoring.ObservationAcknowledged{RecordID: c.RecordID, ObservationID: c.ObservationID, Response: c.Response}}, nil
}

// LogMentoringMeeting asks to log a meeting of mentor and student-teacher.
type LogMentoringMeeting struct {
	RecordID  string   `json:"recordId"`
	MeetingID string   `json:"meetingId"`
	Date      ep.Date  `json:"date"`
	Minutes   int      `json:"minutes"`
	Topics    []string `json:"topics"`
	Targets   []string `json:"targets"`
}

// DecideLogMentoringMeeting lets the assigned mentor log a meeting held
// during the placement.
func DecideLogMentoringMeeting(r Record, c LogMentoringMeeting, m decider.Meta) ([]any, error) {
	var v errs.Check
	v.UUID("recordId", c.RecordID)
	v.UUID("meetingId", c.MeetingID)
	day(&v, "date", c.Date)
	v.Range("minutes", c.Minutes, 5, 480)
	if len(c.Topics) == 0 {
		v.Add(errs.Invalid("topics", "required", "name at least one topic"))
	}
	for i, t := range c.Topics {
		v.Required(fmt.Sprintf("topics[%d]", i), t)
	}
	for i, t := range c.Targets {
		v.Required(fmt.Sprintf("targets[%d]", i), t)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := r.writable(c.RecordID); err != nil {
		return nil, err
	}
	if r.observerRole(m.Actor) != mentoring.ObserverMentor {
		return nil, errs.Newf(errs.Forbidden, "only the placement's teacher-mentor logs mentoring meetings")
	}
	if !r.withinPlacement(c.Date) {
		return nil, errs.Invalid("date", "within_placement", "%s is outside the placement (%s)", c.Date, r.windowText())
	}
	if r.meetings[c.MeetingID] {
		return nil, errs.Newf(errs.Conflict, "meeting %s is already logged", c.MeetingID)
	}
	return []any{mentoring.MentoringMeetingLogged{RecordID: c.RecordID, MeetingID: c.MeetingID, MentorID: m.Actor.ID, Date: c.Date,
		Minutes: c.Minutes, Topics: c.Topics, Targets: nonNil(c.Targets)}}, nil
}

// SubmitReflection asks to record a reflection of the student-teacher.
type SubmitReflection struct {
	RecordID     string  `json:"recordId"`
	ReflectionID string  `json:"reflectionId"`
	Date         ep.Date `json:"date"`
	Text         string  `json:"text"`
}

// DecideSubmitReflection lets the student-teacher write reflections.
func DecideSubmitReflection(r Record, c SubmitReflection, m decider.Meta) ([]any, error) {
	var v errs.Check
	v.UUID("recordId", c.RecordID)
	v.UUID("reflectionId", c.ReflectionID)
	day(&v, "date", c.Date)
	v.Required("text", c.Text)
	v.MaxLength("text", c.Text, 20000)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := r.writable(c.RecordID); err != nil {
		return nil, err
	}
	if m.Actor.Role != events.RoleStudentTeacher || m.Actor.ID != r.opened.StudentID {
		return nil, errs.Newf(errs.Forbidden, "only the student-teacher writes their reflections")
	}
	if r.reflections[c.ReflectionID] {
		return nil, errs.Newf(errs.Conflict, "reflection %s is already submitted", c.ReflectionID)
	}
	return []any{mentoring.ReflectionSubmitted{RecordID: c.RecordID, ReflectionID: c.ReflectionID, Date: c.Date, Text: c.Text}}, nil
}

// Concern categories and severities.
var (
	concernCategories = []string{"planning", "classroom management", "subject knowledge", "professional conduct", "attendance", "wellbeing", "other"}
	concernSeverities = []string{"low", "medium", "high"}
)

// RaiseConcern asks to raise a concern about the student-teacher.
type RaiseConcern struct {
	RecordID    string `json:"recordId"`
	ConcernID   string `json:"concernId"`
	Category    string `json:"category"`
	Severity    string `json:"severity"`
	Description string `json:"description"`
}

// DecideRaiseConcern lets the mentor or the tutor raise a concern, which
// marks the student-teacher at risk until it is resolved.
func DecideRaiseConcern(r Record, c RaiseConcern, m decider.Meta) ([]any, error) {
	var v errs.Check
	v.UUID("recordId", c.RecordID)
	v.UUID("concernId", c.ConcernID)
	v.OneOf("category", c.Category, concernCategories...)
	v.OneOf("severity", c.Severity, concernSeverities...)
	v.Required("description", c.Description)
	v.MaxLength("description", c.Description, 5000)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := r.writable(c.RecordID); err != nil {
		return nil, err
	}
	if !r.isMentorOrTutor(m.Actor) {
		return nil, errs.Newf(errs.Forbidden, "only the placement's mentor or tutor raises concerns")
	}
	if _, ok := r.concerns[c.ConcernID]; ok {
		return nil, errs.Newf(errs.Conflict, "concern %s is already raised", c.ConcernID)
	}
	return []any{mentoring.ConcernRaised{RecordID: c.RecordID, ConcernID: c.ConcernID, RaisedBy: m.Actor.ID, Category: c.Category,
		Severity: c.Severity, Description: c.Description}}, nil
}

// ResolveConcern asks to resolve an open concern, with a note.
type ResolveConcern struct {
	RecordID  string `json:"recordId"`
	ConcernID string `json:"concernId"`
	Note      string `json:"note"`
}

// DecideResolveConcern lets the mentor or the tutor resolve an open concern.
func DecideResolveConcern(r Record, c ResolveConcern, m decider.Meta) ([]any, error) {
	var v errs.Check
	v.UUID("recordId", c.RecordID)
	v.UUID("concernId", c.ConcernID)
	v.Required("note", c.Note)
	v.MaxLength("note", c.Note, 5000)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := r.writable(c.RecordID); err != nil {
		return nil, err
	}
	if !r.isMentorOrTutor(m.Actor) {
		return nil, errs.Newf(errs.Forbidden, "only the placement's mentor or tutor resolves concerns")
	}
	open, ok := r.concerns[c.ConcernID]
	switch {
	case !ok:
		return nil, errs.Newf(errs.NotFound, "no concern %s on this record", c.ConcernID)
	case !open:
		return nil, errs.Newf(errs.Conflict, "concern %s is already resolved", c.ConcernID)
	}
	return []any{mentoring.ConcernResolved{RecordID: c.RecordID, ConcernID: c.ConcernID, Note: c.Note}}, nil
}

// Recommendations of a final assessment.
var recommendations = []string{"pass", "fail", "distinction"}

// SubmitFinalAssessment asks to submit the mentor's final recommendation.
// MinimumOverride gives the reason when the placement has fewer
// observations than the minimum.
type SubmitFinalAssessment struct {
	RecordID        string `json:"recordId"`
	Recommendation  string `json:"recommendation"`
	Summary         string `json:"summary"`
	MinimumOverride string `json:"minimumOverride"`
	Policy          Policy `json:"-"`
}

// DecideSubmitFinalAssessment lets the assigned mentor submit (or, before
// moderation, resubmit) the recommendation once the placement has its
// minimum observations, or with a reason why not.
func DecideSubmitFinalAssessment(r Record, c SubmitFinalAssessment, m decider.Meta) ([]any, error) {
	var v errs.Check
	v.UUID("recordId", c.RecordID)
	v.OneOf("recommendation", c.Recommendation, recommendations...)
	v.Required("summary", c.Summary)
	v.MaxLength("summary", c.Summary, 10000)
	v.MaxLength("minimumOverride", c.MinimumOverride, 1000)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := r.writable(c.RecordID); err != nil {
		return nil, err
	}
	if r.observerRole(m.Actor) != mentoring.ObserverMentor {
		return nil, errs.Newf(errs.Forbidden, "only the placement's teacher-mentor submits the final assessment")
	}
	bySchool, byTutor := 0, 0
	for _, o := range r.observations {
		if o.role == mentoring.ObserverTutor {
			byTutor++
		} else {
			bySchool++
		}
	}
	rules := c.Policy.Rules()
	if (bySchool < rules.MinMentorObservations || byTutor < rules.MinTutorObservations) && strings.TrimSpace(c.MinimumOverride) == "" {
		return nil, errs.Invalid("minimumOverride", "minimum_observations",
			"the placement has %d observations by the school's teachers and %d by the tutor; at least %d and %d are needed, or give the reason why not",
			bySchool, byTutor, rules.MinMentorObservations, rules.MinTutorObservations)
	}
	return []any{mentoring.FinalAssessmentSubmitted{RecordID: c.RecordID, MentorID: m.Actor.ID, Recommendation: c.Recommendation,
		Summary: c.Summary, MinimumOverride: c.MinimumOverride}}, nil
}

// ModerateAssessment asks to moderate the final assessment: keep or adjust
// the recommendation (with a reason when adjusted).
type ModerateAssessment struct {
	RecordID       string `json:"recordId"`
	Recommendation string `json:"recommendation"`
	Reason         string `json:"reason"`
}

// DecideModerateAssessment lets the assigned tutor moderate a submitted
// assessment, which locks the record.
func DecideModerateAssessment(r Record, c ModerateAssessment, m decider.Meta) ([]any, error) {
	var v errs.Check
	v.UUID("recordId", c.RecordID)
	v.OneOf("recommendation", c.Recommendation, recommendations...)
	v.MaxLength("reason", c.Reason, 5000)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := r.writable(c.RecordID); err != nil {
		return nil, err
	}
	if r.observerRole(m.Actor) != mentoring.ObserverTutor {
		return nil, errs.Newf(errs.Forbidden, "only the placement's tutor moderates the final assessment")
	}
	if r.submitted == nil {
		return nil, errs.Newf(errs.Conflict, "the mentor has not submitted the final assessment yet")
	}
	adjusted := c.Recommendation != r.submitted.Recommendation
	if adjusted && strings.TrimSpace(c.Reason) == "" {
		return nil, errs.Invalid("reason", "required", "give the reason for changing the recommendation from %s to %s", r.submitted.Recommendation, c.Recommendation)
	}
	return []any{mentoring.AssessmentModerated{RecordID: c.RecordID, TutorID: m.Actor.ID, Recommendation: c.Recommendation,
		Adjusted: adjusted, Reason: c.Reason}}, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
