// Package mentoring holds the events of the mentoring-record service that
// other services read. The mentoring service records them; the placement
// service keeps a local copy of mentor training to decide who may mentor.
package mentoring

import (
	"wsms/events"
	"wsms/events/placement"
)

// Event type names.
const (
	MentorTrainingRecordedV1 = "mentoring.training.recorded.v1"
)

// Register adds the mentoring events to r.
func Register(r *events.Registry) {
	events.Define[MentorTrainingRecorded](r, MentorTrainingRecordedV1)
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
