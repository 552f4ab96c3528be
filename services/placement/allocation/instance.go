package allocation

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Level is the school level a school teaches and a student-teacher trains
// for; a student is only ever placed at a school of the same level.
type Level string

// The school levels.
const (
	Primary   Level = "primary"
	Secondary Level = "secondary"
)

// Instance is one placement round as the partnership office submits it: the
// places partner schools offer, the students with their wishes, and the
// travel times between districts.
type Instance struct {
	// MaxPreferences is how many schools a student may list; an eligible
	// school they did not list ranks MaxPreferences+1.
	MaxPreferences int `json:"maxPreferences"`
	// MaxTravelMinutes is the longest journey a student can be asked to make.
	MaxTravelMinutes int                       `json:"maxTravelMinutes"`
	Schools          []School                  `json:"schools"`
	Students         []Student                 `json:"students"`
	TravelMinutes    map[string]map[string]int `json:"travelMinutes"`
}

// School is a partner school offering practicum places this round.
type School struct {
	ID       string `json:"id"`
	Level    Level  `json:"level"`
	District string `json:"district"`
	// Capacity caps the students the school hosts in all subjects together,
	// because mentors and classrooms are shared between subjects.
	Capacity int     `json:"capacity"`
	Offers   []Offer `json:"offers"`
}

// Offer is how many students a school can take in one subject.
type Offer struct {
	Subject string `json:"subject"`
	Places  int    `json:"places"`
}

// Student is a student-teacher to be placed.
type Student struct {
	ID       string `json:"id"`
	Level    Level  `json:"level"`
	District string `json:"district"`
	// Subjects are the subjects the student can be placed in.
	Subjects []string `json:"subjects"`
	// Preferences lists school ids, best first.
	Preferences []string `json:"preferences"`
	// Excluded lists school ids the student must not go to because of a
	// conflict of interest, such as a relative teaching there.
	Excluded []string `json:"excluded"`
}

// Decode reads a round from JSON. It refuses unknown fields and anything
// after the round, so that a misspelt field is reported instead of silently
// ignored. Decode does not check the rules of a round; Solve does.
func Decode(r io.Reader) (Instance, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var in Instance
	if err := dec.Decode(&in); err != nil {
		return Instance{}, fmt.Errorf("decode placement round: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Instance{}, errors.New("decode placement round: unexpected data after the round")
	}
	return in, nil
}
