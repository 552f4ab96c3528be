// Package mentoring holds the events of the mentoring-record service that
// other services read. The mentoring service records them; the placement
// service keeps a local copy of mentor training to decide who may mentor.
package mentoring

import (
	"github.com/google/uuid"

	"wsms/events"
	"wsms/events/placement"
)

// Event type names.
const (
	MentorTrainingRecordedV1   = "mentoring.training.recorded.v1"
	FrameworkPublishedV1       = "mentoring.framework.published.v1"
	RecordOpenedV1             = "mentoring.record.opened.v1"
	RecordMentorAssignedV1     = "mentoring.record.mentor_assigned.v1"
	RecordTutorAssignedV1      = "mentoring.record.tutor_assigned.v1"
	ObservationRecordedV1      = "mentoring.record.observation_recorded.v1"
	ObservationAmendedV1       = "mentoring.record.observation_amended.v1"
	ObservationCoSignedV1      = "mentoring.record.observation_cosigned.v1"
	ObservationAcknowledgedV1  = "mentoring.record.observation_acknowledged.v1"
	MentoringMeetingLoggedV1   = "mentoring.record.meeting_logged.v1"
	ReflectionSubmittedV1      = "mentoring.record.reflection_submitted.v1"
	ConcernRaisedV1            = "mentoring.record.concern_raised.v1"
	ConcernResolvedV1          = "mentoring.record.concern_resolved.v1"
	FinalAssessmentSubmittedV1 = "mentoring.record.assessment_submitted.v1"
	AssessmentModeratedV1      = "mentoring.record.assessment_moderated.v1"
	PolicySetV1                = "mentoring.policy.set.v1"
)

// Register adds the mentoring events to r.
func Register(r *events.Registry) {
	events.Define[MentorTrainingRecorded](r, MentorTrainingRecordedV1)
	events.Define[FrameworkPublished](r, FrameworkPublishedV1)
	events.Define[RecordOpened](r, RecordOpenedV1)
	events.Define[RecordMentorAssigned](r, RecordMentorAssignedV1)
	events.Define[RecordTutorAssigned](r, RecordTutorAssignedV1)
	events.Define[ObservationRecorded](r, ObservationRecordedV1)
	events.Define[ObservationAmended](r, ObservationAmendedV1)
	events.Define[ObservationCoSigned](r, ObservationCoSignedV1)
	events.Define[ObservationAcknowledged](r, ObservationAcknowledgedV1)
	events.Define[MentoringMeetingLogged](r, MentoringMeetingLoggedV1)
	events.Define[ReflectionSubmitted](r, ReflectionSubmittedV1)
	events.Define[ConcernRaised](r, ConcernRaisedV1)
	events.Define[ConcernResolved](r, ConcernResolvedV1)
	events.Define[FinalAssessmentSubmitted](r, FinalAssessmentSubmittedV1)
	events.Define[AssessmentModerated](r, AssessmentModeratedV1)
	events.Define[PolicySet](r, PolicySetV1)
}

// PolicySet is recorded when the faculty sets the rules every mentoring
// record follows from then on: the observations a placement needs before its
// final assessment, and the days an observation may be amended.
type PolicySet struct {
	MinMentorObservations int `json:"minMentorObservations"`
	MinTutorObservations  int `json:"minTutorObservations"`
	AmendDays             int `json:"amendDays"`
}

// MentorTrainingRecorded is recorded when a teacher completes a mentor
// training course, such as Level I "quality mentor" or Level II
// "supportive supervisor", with the certificate the issuer gave.
type MentorTrainingRecorded struct {
	TeacherID     string         `json:"teacherId" wsms:"person"`
	SchoolID      string         `json:"schoolId"`
	Course        string         `json:"course"`
	Level         string         `json:"level"`
	Issuer        string         `json:"issuer"`
	CompletedOn   placement.Date `json:"completedOn"`
	CertificateID string         `json:"certificateId"`
	// ExpiresOn is the last day the training counts; "" when it does not
	// expire.
	ExpiresOn placement.Date `json:"expiresOn,omitempty"`
}

// RecordIDFor is the id of the mentoring record of a student-teacher's
// placement in a round: derived, so that every service and process finds
// the same record without asking.
func RecordIDFor(roundID, studentID string) string {
	return uuid.NewSHA1(recordNamespace, []byte(roundID+"/"+studentID)).String()
}

// recordNamespace scopes the derived record ids.
var recordNamespace = uuid.MustParse("8d1c1b5e-4f7a-4f55-9a55-3f4d2a9c0e11")

// Chain links an event of a mentoring record to the one before it: Hash is
// the SHA-256 of the previous event's hash and this event's content (its
// JSON without the chain, keys sorted), in hex. Editing a stored event
// breaks its link, and verification reports the first broken one.
type Chain struct {
	Prev string `json:"prev"`
	Hash string `json:"hash"`
}

// Chained is implemented by every event of a mentoring record.
type Chained interface {
	// Link returns the event's chain.
	Link() Chain
}

// ScaleLevel is a rating level of a competency framework: 1 "not yet" to 4 "excellent" by
// default.
type ScaleLevel struct {
	Value      int    `json:"value"`
	Label      string `json:"label"`
	Descriptor string `json:"descriptor"`
}

// CompetencyDomain is one area of the framework, such as "Classroom
// management", with its indicators.
type CompetencyDomain struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Indicators []string `json:"indicators"`
}

// FrameworkPublished is recorded when the faculty publishes a version of the
// competency framework observations are rated against. Observations keep the
// version they used.
type FrameworkPublished struct {
	Version int                `json:"version"`
	Name    string             `json:"name"`
	Domains []CompetencyDomain `json:"domains"`
	Scale   []ScaleLevel       `json:"scale"`
}

// RecordOpened is recorded when a placement is confirmed: the mentoring
// record of that student-teacher at that school for the round.
type RecordOpened struct {
	RecordID  string             `json:"recordId"`
	RoundID   string             `json:"roundId"`
	StudentID string             `json:"studentId"`
	SchoolID  string             `json:"schoolId"`
	Subject   string             `json:"subject"`
	Windows   []placement.Period `json:"windows"`
	Chain     Chain              `json:"chain"`
}

// RecordMentorAssigned is recorded when the host school's teacher-mentor is
// assigned to the placement.
type RecordMentorAssigned struct {
	RecordID string `json:"recordId"`
	MentorID string `json:"mentorId"`
	Chain    Chain  `json:"chain"`
}

// RecordTutorAssigned is recorded when the faculty assigns the university
// tutor who supervises the placement.
type RecordTutorAssigned struct {
	RecordID string `json:"recordId"`
	TutorID  string `json:"tutorId"`
	Chain    Chain  `json:"chain"`
}

// ObservationContent is what an observer writes about a lesson.
type ObservationContent struct {
	Date                placement.Date `json:"date"`
	Class               string         `json:"class"`
	Subject             string         `json:"subject"`
	Topic               string         `json:"topic"`
	FrameworkVersion    int            `json:"frameworkVersion"`
	Ratings             map[string]int `json:"ratings"`
	Strengths           string         `json:"strengths" wsms:"personal"`
	AreasForDevelopment string         `json:"areasForDevelopment" wsms:"personal"`
	ActionPoints        []string       `json:"actionPoints"`
}

// Observer roles on a record.
const (
	ObserverMentor  = "mentor"  // the assigned teacher-mentor
	ObserverTeacher = "teacher" // any other teacher of the host school
	ObserverTutor   = "tutor"   // the assigned university tutor
)

// ObservationRecorded is recorded when a teacher of the host school or the
// university tutor observes a lesson of the student-teacher. CoObserverID
// names the second observer of a joint observation, who co-signs it.
type ObservationRecorded struct {
	RecordID      string `json:"recordId"`
	ObservationID string `json:"observationId"`
	ObserverID    string `json:"observerId"`
	ObserverRole  string `json:"observerRole"`
	// RecordedOn is the day the observation was written, from which the
	// days allowed for amending it count.
	RecordedOn   placement.Date     `json:"recordedOn"`
	CoObserverID string             `json:"coObserverId,omitempty"`
	Content      ObservationContent `json:"content"`
	Chain        Chain              `json:"chain"`
}

// ObservationAmended is recorded when the author changes an observation
// within the allowed days, with a reason; the earlier content stays in the
// history.
type ObservationAmended struct {
	RecordID      string             `json:"recordId"`
	ObservationID string             `json:"observationId"`
	Content       ObservationContent `json:"content"`
	Reason        string             `json:"reason"`
	Chain         Chain              `json:"chain"`
}

// ObservationCoSigned is recorded when the second observer of a joint
// observation signs it.
type ObservationCoSigned struct {
	RecordID      string `json:"recordId"`
	ObservationID string `json:"observationId"`
	CoObserverID  string `json:"coObserverId"`
	Chain         Chain  `json:"chain"`
}

// ObservationAcknowledged is recorded when the student-teacher acknowledges
// an observation, with their response if they gave one.
type ObservationAcknowledged struct {
	RecordID      string `json:"recordId"`
	ObservationID string `json:"observationId"`
	Response      string `json:"response,omitempty" wsms:"personal"`
	Chain         Chain  `json:"chain"`
}

// MentoringMeetingLogged is recorded when a mentor logs a meeting with the
// student-teacher.
type MentoringMeetingLogged struct {
	RecordID  string         `json:"recordId"`
	MeetingID string         `json:"meetingId"`
	MentorID  string         `json:"mentorId"`
	Date      placement.Date `json:"date"`
	Minutes   int            `json:"minutes"`
	Topics    []string       `json:"topics"`
	Targets   []string       `json:"targets" wsms:"personal"`
	Chain     Chain          `json:"chain"`
}

// ReflectionSubmitted is recorded when the student-teacher writes a
// reflection.
type ReflectionSubmitted struct {
	RecordID     string         `json:"recordId"`
	ReflectionID string         `json:"reflectionId"`
	Date         placement.Date `json:"date"`
	Text         string         `json:"text" wsms:"personal"`
	Chain        Chain          `json:"chain"`
}

// ConcernRaised is recorded when the mentor or the tutor raises a concern;
// the student-teacher is at risk until it is resolved.
type ConcernRaised struct {
	RecordID    string `json:"recordId"`
	ConcernID   string `json:"concernId"`
	RaisedBy    string `json:"raisedBy"`
	Category    string `json:"category"`
	Severity    string `json:"severity"`
	Description string `json:"description" wsms:"personal"`
	Chain       Chain  `json:"chain"`
}

// ConcernResolved is recorded when a concern is resolved, with a note.
type ConcernResolved struct {
	RecordID  string `json:"recordId"`
	ConcernID string `json:"concernId"`
	Note      string `json:"note" wsms:"personal"`
	Chain     Chain  `json:"chain"`
}

// FinalAssessmentSubmitted is recorded when the mentor submits the final
// recommendation. MinimumOverride holds the reason when fewer observations
// than the minimum were made.
type FinalAssessmentSubmitted struct {
	RecordID        string `json:"recordId"`
	MentorID        string `json:"mentorId"`
	Recommendation  string `json:"recommendation"`
	Summary         string `json:"summary" wsms:"personal"`
	MinimumOverride string `json:"minimumOverride,omitempty"`
	Chain           Chain  `json:"chain"`
}

// AssessmentModerated is recorded when the tutor moderates the final
// assessment, keeping or adjusting the recommendation (with a reason when
// adjusted). The record is locked from then on.
type AssessmentModerated struct {
	RecordID       string `json:"recordId"`
	TutorID        string `json:"tutorId"`
	Recommendation string `json:"recommendation"`
	Adjusted       bool   `json:"adjusted"`
	Reason         string `json:"reason,omitempty"`
	Chain          Chain  `json:"chain"`
}

// Link returns the event's chain.
func (e RecordOpened) Link() Chain { return e.Chain }

// Link returns the event's chain.
func (e RecordMentorAssigned) Link() Chain { return e.Chain }

// Link returns the event's chain.
func (e RecordTutorAssigned) Link() Chain { return e.Chain }

// Link returns the event's chain.
func (e ObservationRecorded) Link() Chain { return e.Chain }

// Link returns the event's chain.
func (e ObservationAmended) Link() Chain { return e.Chain }

// Link returns the event's chain.
func (e ObservationCoSigned) Link() Chain { return e.Chain }

// Link returns the event's chain.
func (e ObservationAcknowledged) Link() Chain { return e.Chain }

// Link returns the event's chain.
func (e MentoringMeetingLogged) Link() Chain { return e.Chain }

// Link returns the event's chain.
func (e ReflectionSubmitted) Link() Chain { return e.Chain }

// Link returns the event's chain.
func (e ConcernRaised) Link() Chain { return e.Chain }

// Link returns the event's chain.
func (e ConcernResolved) Link() Chain { return e.Chain }

// Link returns the event's chain.
func (e FinalAssessmentSubmitted) Link() Chain { return e.Chain }

// Link returns the event's chain.
func (e AssessmentModerated) Link() Chain { return e.Chain }

// The mentoring policy in force until the faculty sets one: the service
// decides with it and the read models show it, though no event records it.
const (
	// DefaultAmendDays is how many days after writing an observation its
	// author may amend it.
	DefaultAmendDays = 7
	// DefaultMinMentorObservations and DefaultMinTutorObservations are the
	// observations a placement needs, by the host school's teachers and by
	// the tutor, before the final assessment (unless the mentor gives a
	// reason).
	DefaultMinMentorObservations = 4
	DefaultMinTutorObservations  = 2
)

// DefaultPolicy is the policy in force until the faculty sets one.
func DefaultPolicy() PolicySet {
	return PolicySet{MinMentorObservations: DefaultMinMentorObservations, MinTutorObservations: DefaultMinTutorObservations, AmendDays: DefaultAmendDays}
}

// DefaultFramework is version 1 of the competency framework, in force until
// the faculty publishes another: six domains rated from 1 "not yet" to 4
// "excellent".
func DefaultFramework() FrameworkPublished {
	return FrameworkPublished{
		Version: 1,
		Name:    "Teaching competencies for the practicum",
		Domains: []CompetencyDomain{
			{ID: "planning", Name: "Planning and preparation", Indicators: []string{"Sets clear learning objectives", "Plans activities that fit the learners"}},
			{ID: "strategies", Name: "Teaching strategies", Indicators: []string{"Explains and models clearly", "Questions to extend thinking"}},
			{ID: "management", Name: "Classroom management", Indicators: []string{"Establishes routines", "Keeps learners engaged"}},
			{ID: "assessment", Name: "Assessment for learning", Indicators: []string{"Checks understanding during the lesson", "Gives useful feedback"}},
			{ID: "conduct", Name: "Professional conduct", Indicators: []string{"Works with colleagues", "Meets commitments"}},
			{ID: "reflection", Name: "Reflective practice", Indicators: []string{"Evaluates own teaching", "Acts on feedback"}},
		},
		Scale: []ScaleLevel{
			{Value: 1, Label: "not yet", Descriptor: "The competency is not yet shown"},
			{Value: 2, Label: "developing", Descriptor: "Shown at times, with support"},
			{Value: 3, Label: "proficient", Descriptor: "Shown consistently"},
			{Value: 4, Label: "excellent", Descriptor: "Shown consistently and to a high standard"},
		},
	}
}
