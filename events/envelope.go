package events

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// Role is what a person acts as when they cause an event. The same person may
// hold several roles over time; each event records the one they acted in.
type Role string

// The roles of the partnership, and System for process managers acting on
// behalf of the partnership office.
const (
	RoleOffice            Role = "OFFICE"
	RoleFaculty           Role = "FACULTY"
	RoleTutor             Role = "TUTOR"
	RoleSchoolCoordinator Role = "SCHOOL_COORDINATOR"
	RoleMentor            Role = "MENTOR"
	RoleStudentTeacher    Role = "STUDENT_TEACHER"
	RoleSystem            Role = "SYSTEM"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	switch r {
	case RoleOffice, RoleFaculty, RoleTutor, RoleSchoolCoordinator, RoleMentor, RoleStudentTeacher, RoleSystem:
		return true
	}
	return false
}

// Actor is who did something, in which role, and for school staff the school
// they act for. Every event records its actor so that any record can answer
// "who did this".
type Actor struct {
	ID       string `json:"id"`
	Role     Role   `json:"role"`
	SchoolID string `json:"schoolId,omitempty"`
}

// Envelope is a recorded event as it is stored and published. Data holds the
// payload as encoded JSON of the type named by Type; the registry decodes it.
type Envelope struct {
	// ID is a UUIDv7, so ids sort roughly by time; JetStream uses it as the
	// message id for de-duplication.
	ID uuid.UUID `json:"id"`
	// Type names the payload and its version, e.g. "placement.school.registered.v1".
	Type string `json:"type"`
	// SchemaVersion is the version part of Type, kept apart for queries.
	SchemaVersion int `json:"schemaVersion"`
	// StreamID names the aggregate instance the event belongs to.
	StreamID string `json:"streamId"`
	// StreamVersion is the 1-based position of the event within its stream.
	StreamVersion int64 `json:"streamVersion"`
	// Position is the event's place in its service's whole log, assigned in
	// commit order: a reader never finds a lower position appear later.
	Position int64 `json:"position"`
	// OccurredAt is when the command that caused the event was decided.
	OccurredAt time.Time `json:"occurredAt"`
	Actor      Actor     `json:"actor"`
	// CorrelationID ties together everything caused by one user request;
	// CausationID names the command or event that directly caused this one.
	CorrelationID uuid.UUID       `json:"correlationId"`
	CausationID   uuid.UUID       `json:"causationId"`
	Data          json.RawMessage `json:"data"`
}

// HeaderPosition is the header carrying an event's position on every
// published message, besides Nats-Msg-Id (the event id), so that consumers
// and the relay itself read order without decoding the payload.
const HeaderPosition = "Wsms-Position"
