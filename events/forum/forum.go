// Package forum holds the events of the partnership-forum service: the
// annual forum, its sessions, registrations and attendance, shared practice,
// feedback, and expressions of interest from schools outside the
// partnership.
package forum

import (
	"wsms/events"
	"wsms/events/placement"
)

// Event type names.
const (
	ForumScheduledV1         = "forum.forum.scheduled.v1"
	SessionAddedV1           = "forum.forum.session_added.v1"
	RenewalAgendaItemAddedV1 = "forum.forum.renewal_added.v1"
	DelegateRegisteredV1     = "forum.session.delegate_registered.v1"
	RegistrationCancelledV1  = "forum.session.registration_cancelled.v1"
	WaitlistPromotedV1       = "forum.session.waitlist_promoted.v1"
	AttendanceRecordedV1     = "forum.session.attendance_recorded.v1"
	PracticeSharedV1         = "forum.practice.shared.v1"
	FeedbackSubmittedV1      = "forum.feedback.submitted.v1"
	InterestExpressedV1      = "forum.interest.expressed.v1"
	InterestReviewedV1       = "forum.interest.reviewed.v1"
)

// Register adds the forum events to r.
func Register(r *events.Registry) {
	events.Define[ForumScheduled](r, ForumScheduledV1)
	events.Define[SessionAdded](r, SessionAddedV1)
	events.Define[RenewalAgendaItemAdded](r, RenewalAgendaItemAddedV1)
	events.Define[DelegateRegistered](r, DelegateRegisteredV1)
	events.Define[RegistrationCancelled](r, RegistrationCancelledV1)
	events.Define[WaitlistPromoted](r, WaitlistPromotedV1)
	events.Define[AttendanceRecorded](r, AttendanceRecordedV1)
	events.Define[PracticeShared](r, PracticeSharedV1)
	events.Define[FeedbackSubmitted](r, FeedbackSubmittedV1)
	events.Define[InterestExpressed](r, InterestExpressedV1)
	events.Define[InterestReviewed](r, InterestReviewedV1)
}

// ForumScheduled is recorded when the partnership office schedules the
// year's partnership forum.
type ForumScheduled struct {
	Year       int            `json:"year"`
	Date       placement.Date `json:"date"`
	Venue      string         `json:"venue"`
	OnlineLink string         `json:"onlineLink,omitempty"`
	Theme      string         `json:"theme"`
}

// SessionAdded is recorded when a session is added to the forum's
// programme.
type SessionAdded struct {
	Year              int    `json:"year"`
	SessionID         string `json:"sessionId"`
	Title             string `json:"title"`
	Format            string `json:"format"`
	PresenterSchoolID string `json:"presenterSchoolId,omitempty"`
	Presenter         string `json:"presenter"`
	Capacity          int    `json:"capacity"`
}

// RenewalAgendaItemAdded is recorded when a school whose partnership
// agreement is in its last year is put on the forum's renewal agenda.
type RenewalAgendaItemAdded struct {
	Year           int    `json:"year"`
	SchoolID       string `json:"schoolId"`
	AgreementID    string `json:"agreementId"`
	LastSchoolYear int    `json:"lastSchoolYear"`
}

// Delegate kinds.
const (
	DelegateSchool  = "school"
	DelegateFaculty = "faculty"
)

// DelegateRegistered is recorded when a school delegate or a member of the
// faculty registers for a session; Waitlisted when the session was full.
type DelegateRegistered struct {
	Year           int    `json:"year"`
	SessionID      string `json:"sessionId"`
	RegistrationID string `json:"registrationId"`
	PersonID       string `json:"personId" wsms:"person"`
	Name           string `json:"name" wsms:"personal"`
	Kind           string `json:"kind"`
	SchoolID       string `json:"schoolId,omitempty"`
	Waitlisted     bool   `json:"waitlisted"`
}

// RegistrationCancelled is recorded when a registration is cancelled.
type RegistrationCancelled struct {
	Year           int    `json:"year"`
	SessionID      string `json:"sessionId"`
	RegistrationID string `json:"registrationId"`
}

// WaitlistPromoted is recorded when a place frees up and the first person
// on the waiting list gets it.
type WaitlistPromoted struct {
	Year           int    `json:"year"`
	SessionID      string `json:"sessionId"`
	RegistrationID string `json:"registrationId"`
}

// AttendanceRecorded is recorded on the day, for each registration.
type AttendanceRecorded struct {
	Year           int    `json:"year"`
	SessionID      string `json:"sessionId"`
	RegistrationID string `json:"registrationId"`
	Attended       bool   `json:"attended"`
}

// PracticeShared is recorded when a school shares a write-up of a mentoring
// practice for the partnership's good-practice portfolio.
type PracticeShared struct {
	PracticeID string   `json:"practiceId"`
	SchoolID   string   `json:"schoolId"`
	Year       int      `json:"year"`
	Title      string   `json:"title"`
	Summary    string   `json:"summary"`
	Subject    string   `json:"subject"`
	Links      []string `json:"links"`
}

// FeedbackSubmitted is recorded when a delegate or mentor answers the
// forum's feedback questionnaire; a second answer replaces the first.
type FeedbackSubmitted struct {
	Year         int               `json:"year"`
	RespondentID string            `json:"respondentId" wsms:"person"`
	SchoolID     string            `json:"schoolId,omitempty"`
	Ratings      map[string]int    `json:"ratings"`
	Comments     map[string]string `json:"comments" wsms:"personal"`
}

// InterestExpressed is recorded when a school outside the partnership asks
// to join it.
type InterestExpressed struct {
	InterestID    string            `json:"interestId"`
	SchoolName    string            `json:"schoolName"`
	District      string            `json:"district"`
	Level         placement.Level   `json:"level"`
	Contact       placement.Contact `json:"contact"`
	Subjects      []string          `json:"subjects"`
	PlacesOffered int               `json:"placesOffered"`
}

// InterestReviewed is recorded when the partnership office accepts or
// declines an expression of interest. An accepted school is registered as
// a partner with SchoolID, with a draft agreement.
type InterestReviewed struct {
	InterestID string `json:"interestId"`
	Accepted   bool   `json:"accepted"`
	Reason     string `json:"reason"`
	SchoolID   string `json:"schoolId,omitempty"`
	// School is what the school told of itself, for registering it when
	// accepted.
	School *InterestExpressed `json:"school,omitempty"`
}
