// Package placement holds the events of the placement service: partner
// schools, partnership agreements, placement rounds and their allocation.
package placement

import "wsms/events"

// Event type names. A name is never reused for another meaning: a changed
// event gets a new version and an upcaster.
const (
	SchoolRegisteredV1 = "placement.school.registered.v1"
)

// Register adds every placement event, and the upcasters of its old versions,
// to r.
func Register(r *events.Registry) {
	events.Define[SchoolRegistered](r, SchoolRegisteredV1)
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
