package events_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"wsms/events"
)

// observationRecorded stands for an event that went through two changes:
// v1 had one "rating", v2 split it per domain, v3 renamed "note" to "strengths".
type observationRecorded struct {
	Ratings   map[string]int `json:"ratings"`
	Strengths string         `json:"strengths"`
}

func chainRegistry(t *testing.T) *events.Registry {
	t.Helper()
	r := events.NewRegistry()
	events.Define[observationRecorded](r, "mentoring.observation.recorded.v3")
	r.Upcast("mentoring.observation.recorded.v1", "mentoring.observation.recorded.v2", func(old json.RawMessage) (json.RawMessage, error) {
		var v1 struct {
			Rating int    `json:"rating"`
			Note   string `json:"note"`
		}
		if err := json.Unmarshal(old, &v1); err != nil {
			return nil, err
		}
		return json.Marshal(map[string]any{"ratings": map[string]int{"overall": v1.Rating}, "note": v1.Note})
	})
	r.Upcast("mentoring.observation.recorded.v2", "mentoring.observation.recorded.v3", func(old json.RawMessage) (json.RawMessage, error) {
		var v2 map[string]any
		if err := json.Unmarshal(old, &v2); err != nil {
			return nil, err
		}
		v2["strengths"] = v2["note"]
		delete(v2, "note")
		return json.Marshal(v2)
	})
	return r
}

func TestDecodeUpcastsOldVersionsStepByStep(t *testing.T) {
	r := chainRegistry(t)
	got, err := r.Decode("mentoring.observation.recorded.v1", json.RawMessage(`{"rating":3,"note":"clear questioning"}`))
	if err != nil {
		t.Fatal(err)
	}
	want := observationRecorded{Ratings: map[string]int{"overall": 3}, Strengths: "clear questioning"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("decoded %#v, want %#v", got, want)
	}
}

func TestDecodeRefusesUnknownType(t *testing.T) {
	r := chainRegistry(t)
	_, err := r.Decode("mentoring.observation.deleted.v1", json.RawMessage(`{}`))
	if err == nil || !strings.Contains(err.Error(), `unknown event type "mentoring.observation.deleted.v1"`) {
		t.Fatalf("err = %v, want unknown event type", err)
	}
}

func TestEncodeNamesTheCurrentVersion(t *testing.T) {
	r := chainRegistry(t)
	name, data, err := r.Encode(observationRecorded{Strengths: "pace"})
	if err != nil {
		t.Fatal(err)
	}
	if name != "mentoring.observation.recorded.v3" || !strings.Contains(string(data), `"strengths":"pace"`) {
		t.Fatalf("encoded %s %s", name, data)
	}
	if _, _, err := r.Encode(struct{}{}); err == nil {
		t.Fatal("encoding an unregistered payload succeeded")
	}
}

func TestNamesListsOldVersionsToo(t *testing.T) {
	got := chainRegistry(t).Names()
	want := []string{"mentoring.observation.recorded.v1", "mentoring.observation.recorded.v2", "mentoring.observation.recorded.v3"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("names = %v, want %v", got, want)
	}
}

func TestRegistrationMistakesPanic(t *testing.T) {
	cases := map[string]func(r *events.Registry){
		"malformed name": func(r *events.Registry) { events.Define[observationRecorded](r, "ObservationRecorded") },
		"defined twice": func(r *events.Registry) {
			events.Define[observationRecorded](r, "mentoring.observation.recorded.v1")
			events.Define[observationRecorded](r, "mentoring.observation.recorded.v2")
		},
		"upcast skips a version": func(r *events.Registry) {
			r.Upcast("mentoring.observation.recorded.v1", "mentoring.observation.recorded.v3", nil)
		},
		"upcast across events": func(r *events.Registry) {
			r.Upcast("mentoring.observation.recorded.v1", "mentoring.meeting.logged.v2", nil)
		},
		"payload not a struct": func(r *events.Registry) { events.Define[string](r, "mentoring.note.added.v1") },
	}
	for name, register := range cases {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			register(events.NewRegistry())
		})
	}
}

func TestSubjectDropsTheVersion(t *testing.T) {
	if got := events.Subject("wsms", "placement.round.allocation_published.v2"); got != "wsms.placement.round.allocation_published" {
		t.Fatalf("subject = %q", got)
	}
}

func TestParseName(t *testing.T) {
	n, err := events.ParseName("forum.registration.cancelled.v12")
	if err != nil || n != (events.Name{Service: "forum", Aggregate: "registration", Event: "cancelled", Version: 12}) {
		t.Fatalf("ParseName = %+v, %v", n, err)
	}
	for _, bad := range []string{"forum.registration.cancelled", "forum.registration.cancelled.v0", "Forum.x.y.v1", "a.b.v1"} {
		if _, err := events.ParseName(bad); err == nil {
			t.Errorf("ParseName(%q) accepted", bad)
		}
	}
}

func TestPersonalFieldsFollowNestingAndSlices(t *testing.T) {
	type delegate struct {
		Name  string `json:"name" wsms:"personal"`
		Email string `json:"email" wsms:"personal"`
		Role  string `json:"role"`
	}
	type registered struct {
		PersonID  string     `json:"personId" wsms:"person"`
		Note      string     `json:"note" wsms:"personal"`
		Delegates []delegate `json:"delegates"`
		Session   string     `json:"session"`
	}
	got := events.PersonalFields(registered{})
	want := events.PersonalData{Person: "personId", Fields: []string{"note", "delegates[].name", "delegates[].email"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("personal data = %+v, want %+v", got, want)
	}
}
