// Package placement holds the events of the placement service: partner
// schools, partnership agreements, placement rounds and their allocation.
package placement

import "wsms/events"

// Event type names. A name is never reused for another meaning: a changed
// event gets a new version and an upcaster.
const (
	SchoolRegisteredV1            = "placement.school.registered.v1"
	PartnershipAgreementSignedV1  = "placement.school.agreement_signed.v1"
	PartnershipAgreementRenewedV1 = "placement.school.agreement_renewed.v1"
	PartnershipAgreementEndedV1   = "placement.school.agreement_ended.v1"
	SchoolCalendarSetV1           = "placement.school.calendar_set.v1"
	TeacherAddedV1                = "placement.school.teacher_added.v1"
	TeacherMentorNamedV1          = "placement.school.mentor_named.v1"
	PlacementRoundOpenedV1        = "placement.round.opened.v1"
	PlacesOfferedV1               = "placement.offer.places_offered.v1"
	OfferWithdrawnV1              = "placement.offer.withdrawn.v1"
	StudentTeacherRegisteredV1    = "placement.student.registered.v1"
	PreferencesSubmittedV1        = "placement.student.preferences_submitted.v1"
	AllocationRecordedV1          = "placement.round.allocation_recorded.v1"
	PlacementOverriddenV1         = "placement.round.placement_overridden.v1"
	AllocationPublishedV1         = "placement.round.allocation_published.v1"
	PlacementConfirmedV1          = "placement.round.placement_confirmed.v1"
	PlacementDeclinedV1           = "placement.round.placement_declined.v1"
	StudentTeacherReallocatedV1   = "placement.round.student_reallocated.v1"
	MentorAssignedV1              = "placement.round.mentor_assigned.v1"
	PlacementRoundClosedV1        = "placement.round.closed.v1"
)

// Register adds every placement event, and the upcasters of its old versions,
// to r.
func Register(r *events.Registry) {
	events.Define[SchoolRegistered](r, SchoolRegisteredV1)
	events.Define[PartnershipAgreementSigned](r, PartnershipAgreementSignedV1)
	events.Define[PartnershipAgreementRenewed](r, PartnershipAgreementRenewedV1)
	events.Define[PartnershipAgreementEnded](r, PartnershipAgreementEndedV1)
	events.Define[SchoolCalendarSet](r, SchoolCalendarSetV1)
	events.Define[TeacherAdded](r, TeacherAddedV1)
	events.Define[TeacherMentorNamed](r, TeacherMentorNamedV1)
	events.Define[PlacementRoundOpened](r, PlacementRoundOpenedV1)
	events.Define[PlacesOffered](r, PlacesOfferedV1)
	events.Define[OfferWithdrawn](r, OfferWithdrawnV1)
	events.Define[StudentTeacherRegistered](r, StudentTeacherRegisteredV1)
	events.Define[PreferencesSubmitted](r, PreferencesSubmittedV1)
	events.Define[AllocationRecorded](r, AllocationRecordedV1)
	events.Define[PlacementOverridden](r, PlacementOverriddenV1)
	events.Define[AllocationPublished](r, AllocationPublishedV1)
	events.Define[PlacementConfirmed](r, PlacementConfirmedV1)
	events.Define[PlacementDeclined](r, PlacementDeclinedV1)
	events.Define[StudentTeacherReallocated](r, StudentTeacherReallocatedV1)
	events.Define[MentorAssigned](r, MentorAssignedV1)
	events.Define[PlacementRoundClosed](r, PlacementRoundClosedV1)
}

// Level is the school level a school teaches and a student-teacher is trained
// for: "primary" or "secondary".
type Level string

// The school levels.
const (
	Primary   Level = "primary"
	Secondary Level = "secondary"
)

// Contact is the person a school names for partnership matters.
type Contact struct {
	Name  string `json:"name" wsms:"personal"`
	Email string `json:"email" wsms:"personal"`
	Phone string `json:"phone,omitempty" wsms:"personal"`
}

// SchoolRegistered is recorded when the partnership office registers a
// school as a partner of the faculty; the school can then sign a partnership
// agreement and offer practicum places.
type SchoolRegistered struct {
	SchoolID string  `json:"schoolId"`
	Name     string  `json:"name"`
	District string  `json:"district"`
	Level    Level   `json:"level"`
	Contact  Contact `json:"contact"`
}

// Date is a calendar day, "2027-09-01": school calendars and practicum
// windows are about days, not instants.
type Date string

// Period is a span of days, both ends included.
type Period struct {
	From Date `json:"from"`
	To   Date `json:"to"`
	// Name says what the period is ("First term", "Mid-year examinations").
	Name string `json:"name,omitempty"`
}

// PartnershipAgreementSigned is recorded when a school commits to the Whole
// School Mentoring Support approach for a term of school years: it will
// offer a band of practicum places each year across its core subjects.
type PartnershipAgreementSigned struct {
	SchoolID    string `json:"schoolId"`
	AgreementID string `json:"agreementId"`
	// FirstSchoolYear is the year the term starts: 2027 means 2027/28.
	FirstSchoolYear int      `json:"firstSchoolYear"`
	Years           int      `json:"years"`
	CoreSubjects    []string `json:"coreSubjects"`
	// MinPlaces and MaxPlaces bound the places the school offers a year.
	MinPlaces int `json:"minPlaces"`
	MaxPlaces int `json:"maxPlaces"`
	// EnglishKLA flags the strong preference for places in the English
	// Key Learning Area.
	EnglishKLA bool `json:"englishKla"`
	// Draft is true for an agreement opened on the school's behalf (after
	// an accepted expression of interest) and not yet signed by it.
	Draft bool `json:"draft,omitempty"`
}

// PartnershipAgreementRenewed is recorded when a school extends its
// agreement for a further term.
type PartnershipAgreementRenewed struct {
	SchoolID        string `json:"schoolId"`
	AgreementID     string `json:"agreementId"`
	FirstSchoolYear int    `json:"firstSchoolYear"`
	Years           int    `json:"years"`
}

// PartnershipAgreementEnded is recorded when an agreement ends before its
// term, with the reason.
type PartnershipAgreementEnded struct {
	SchoolID    string `json:"schoolId"`
	AgreementID string `json:"agreementId"`
	EndedOn     Date   `json:"endedOn"`
	Reason      string `json:"reason"`
}

// SchoolCalendarSet is recorded when a school gives (or replaces) its
// calendar for a school year: terms, examination periods and holidays. A
// practicum window clashing with it can make the school ineligible.
type SchoolCalendarSet struct {
	SchoolID           string   `json:"schoolId"`
	SchoolYear         int      `json:"schoolYear"`
	Terms              []Period `json:"terms"`
	ExaminationPeriods []Period `json:"examinationPeriods"`
	Holidays           []Period `json:"holidays"`
}

// TeacherAdded is recorded when a school names one of its teachers to the
// partnership; under WSMS every teacher of the school may mentor.
type TeacherAdded struct {
	SchoolID  string `json:"schoolId"`
	TeacherID string `json:"teacherId" wsms:"person"`
	Name      string `json:"name" wsms:"personal"`
	Email     string `json:"email" wsms:"personal"`
}

// TeacherMentorNamed is recorded when a school names a teacher as a
// teacher-mentor for subjects, with how many student-teachers they can
// mentor in one round. Naming again replaces the subjects and the limit.
type TeacherMentorNamed struct {
	SchoolID  string   `json:"schoolId"`
	TeacherID string   `json:"teacherId"`
	Subjects  []string `json:"subjects"`
	LoadLimit int      `json:"loadLimit"`
}

// PlacementRoundOpened is recorded when the partnership office opens a
// placement round: its practicum windows, deadlines and allocation rules.
type PlacementRoundOpened struct {
	RoundID            string   `json:"roundId"`
	Name               string   `json:"name"`
	SchoolYear         int      `json:"schoolYear"`
	Windows            []Period `json:"windows"`
	OfferDeadline      Date     `json:"offerDeadline"`
	PreferenceDeadline Date     `json:"preferenceDeadline"`
	MaxPreferences     int      `json:"maxPreferences"`
	MaxTravelMinutes   int      `json:"maxTravelMinutes"`
	// CalendarToleranceDays is how many days of examinations or holidays
	// inside the practicum windows a school may have and stay eligible.
	CalendarToleranceDays int `json:"calendarToleranceDays"`
	// TravelMinutes is the journey time from a student's home district to
	// a school's district.
	TravelMinutes map[string]map[string]int `json:"travelMinutes"`
}

// OfferedPlaces is a school's offer in one subject, with the teacher-mentors
// it names for it.
type OfferedPlaces struct {
	Subject   string   `json:"subject"`
	Places    int      `json:"places"`
	MentorIDs []string `json:"mentorIds"`
}

// SchoolFacts are what the allocation needs to know of a school, copied into
// the round when the school offers, so the round's record stands alone.
type SchoolFacts struct {
	Name     string `json:"name"`
	Level    Level  `json:"level"`
	District string `json:"district"`
}

// PlacesOffered is recorded when a school offers (or changes) its places in
// a round. It replaces the school's earlier offer in that round. Warnings
// note where the offer departs from the school's agreement.
type PlacesOffered struct {
	RoundID  string          `json:"roundId"`
	SchoolID string          `json:"schoolId"`
	School   SchoolFacts     `json:"school"`
	Offers   []OfferedPlaces `json:"offers"`
	// Capacity caps the students the school hosts across subjects.
	Capacity int      `json:"capacity"`
	Warnings []string `json:"warnings"`
}

// OfferWithdrawn is recorded when a school withdraws its offer before the
// offer deadline.
type OfferWithdrawn struct {
	RoundID  string `json:"roundId"`
	SchoolID string `json:"schoolId"`
	Reason   string `json:"reason"`
}

// Conflict is a school a student-teacher must not be placed at, and why
// (a school they attended, a relative teaching there).
type Conflict struct {
	SchoolID string `json:"schoolId"`
	Reason   string `json:"reason" wsms:"personal"`
}

// StudentTeacherRegistered is recorded when the office registers a
// student-teacher for a round.
type StudentTeacherRegistered struct {
	RoundID      string     `json:"roundId"`
	StudentID    string     `json:"studentId" wsms:"person"`
	Name         string     `json:"name" wsms:"personal"`
	Email        string     `json:"email" wsms:"personal"`
	Level        Level      `json:"level"`
	Subjects     []string   `json:"subjects"`
	HomeDistrict string     `json:"homeDistrict" wsms:"personal"`
	Conflicts    []Conflict `json:"conflicts"`
}

// PreferencesSubmitted is recorded when a student-teacher ranks schools,
// best first; it replaces earlier preferences.
type PreferencesSubmitted struct {
	RoundID   string   `json:"roundId"`
	StudentID string   `json:"studentId"`
	SchoolIDs []string `json:"schoolIds"`
}

// Placement is a student-teacher placed at a school in a subject.
type Placement struct {
	StudentID     string `json:"studentId"`
	SchoolID      string `json:"schoolId"`
	Subject       string `json:"subject"`
	Rank          int    `json:"rank"`
	TravelMinutes int    `json:"travelMinutes"`
}

// Unplaced is a student-teacher the allocation could not place, and why.
type Unplaced struct {
	StudentID string `json:"studentId"`
	Reason    string `json:"reason"`
}

// NotChosen is a school a student-teacher preferred to the one they got,
// and why it was not theirs.
type NotChosen struct {
	SchoolID string `json:"schoolId"`
	Rank     int    `json:"rank"`
	Reason   string `json:"reason"`
}

// Explanation answers a student-teacher's "why did I get this?".
type Explanation struct {
	StudentID string      `json:"studentId"`
	SchoolID  string      `json:"schoolId,omitempty"`
	Rank      int         `json:"rank"`
	NotChosen []NotChosen `json:"notChosen"`
}

// AllocationSummary scores an allocation on each criterion, in the order
// they count.
type AllocationSummary struct {
	Placed        int   `json:"placed"`
	WorstRank     int   `json:"worstRank"`
	RankCost      int64 `json:"rankCost"`
	TravelMinutes int64 `json:"travelMinutes"`
}

// AllocationRecorded is recorded when the office runs the allocation: the
// solver's whole result with every student's explanation, so that replaying
// the round never runs the solver again and any placement can be explained
// later. A new run replaces an unpublished allocation.
type AllocationRecorded struct {
	RoundID      string            `json:"roundId"`
	Placements   []Placement       `json:"placements"`
	Unplaced     []Unplaced        `json:"unplaced"`
	Explanations []Explanation     `json:"explanations"`
	Summary      AllocationSummary `json:"summary"`
	// IneligibleSchools lists schools left out of the round and why (a
	// calendar clash, say).
	IneligibleSchools []IneligibleSchool `json:"ineligibleSchools"`
}

// IneligibleSchool is a school that offered places but could not take
// student-teachers this round.
type IneligibleSchool struct {
	SchoolID string `json:"schoolId"`
	Reason   string `json:"reason"`
}

// PlacementOverridden is recorded when the office places a student by hand,
// with a reason. Exception names a hard rule the office knowingly waived
// ("" when every rule holds).
type PlacementOverridden struct {
	RoundID       string `json:"roundId"`
	StudentID     string `json:"studentId"`
	SchoolID      string `json:"schoolId"`
	Subject       string `json:"subject"`
	Rank          int    `json:"rank"`
	TravelMinutes int    `json:"travelMinutes"`
	Reason        string `json:"reason"`
	Exception     string `json:"exception,omitempty"`
}

// AllocationPublished is recorded when the office publishes the round's
// placements to schools and student-teachers.
type AllocationPublished struct {
	RoundID string `json:"roundId"`
}

// PlacementConfirmed is recorded when a school confirms a published
// placement.
type PlacementConfirmed struct {
	RoundID   string `json:"roundId"`
	StudentID string `json:"studentId"`
	SchoolID  string `json:"schoolId"`
	Subject   string `json:"subject"`
}

// PlacementDeclined is recorded when a school declines a published
// placement, with the reason.
type PlacementDeclined struct {
	RoundID   string `json:"roundId"`
	StudentID string `json:"studentId"`
	SchoolID  string `json:"schoolId"`
	Reason    string `json:"reason"`
}

// StudentTeacherReallocated is recorded after a decline: the student is
// allocated again while every other placement stays as it is. Placement
// is nil when no school could take them.
type StudentTeacherReallocated struct {
	RoundID     string      `json:"roundId"`
	StudentID   string      `json:"studentId"`
	Placement   *Placement  `json:"placement"`
	Unplaced    string      `json:"unplaced,omitempty"`
	Explanation Explanation `json:"explanation"`
}

// MentorAssigned is recorded when a teacher-mentor with current mentor
// training is assigned to a confirmed placement.
type MentorAssigned struct {
	RoundID   string `json:"roundId"`
	StudentID string `json:"studentId"`
	SchoolID  string `json:"schoolId"`
	TeacherID string `json:"teacherId"`
}

// PlacementRoundClosed is recorded when the office closes a round.
type PlacementRoundClosed struct {
	RoundID string `json:"roundId"`
}
