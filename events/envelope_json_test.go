package events_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"wsms/events"
)

func TestAppendJSONEqualsMarshal(t *testing.T) {
	for _, tc := range []struct {
		name   string
		stream string
		actor  events.Actor
	}{
		{"plain", "school-1", events.Actor{ID: "office-1", Role: events.RoleOffice}},
		{"school staff", "school-1", events.Actor{ID: "m-9", Role: events.RoleMentor, SchoolID: "school-1"}},
		{"escapes", "quote\" back\\ \n\t\r\x01 <a&b> \u2028 é 日本 \xff", events.Actor{ID: "\u2029", Role: events.RoleTutor}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := events.Envelope{
				ID: uuid.Must(uuid.NewV7()), Type: "placement.school.registered.v1", SchemaVersion: 1,
				StreamID: tc.stream, StreamVersion: 3, Position: 1 << 40,
				OccurredAt: time.Date(2027, 9, 1, 9, 30, 15, 123456789, time.FixedZone("HKT", 8*3600)),
				Actor:      tc.actor, CorrelationID: uuid.New(), CausationID: uuid.New(),
				Data: json.RawMessage(`{"name":"St. Clare's","places":[1,2]}`),
			}
			want, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			if got := e.AppendJSON(nil); string(got) != string(want) {
				t.Fatalf("AppendJSON\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func BenchmarkEnvelopeJSON(b *testing.B) {
	e := events.Envelope{ID: uuid.Must(uuid.NewV7()), Type: "placement.school.registered.v1", SchemaVersion: 1, StreamID: "school-1",
		StreamVersion: 1, Position: 1, OccurredAt: time.Now(), Actor: events.Actor{ID: "office-1", Role: events.RoleOffice},
		CorrelationID: uuid.New(), CausationID: uuid.New(), Data: json.RawMessage(`{"schoolId":"0193a3e2-7c1d-7b52-9f4e-2d5c8a6b1e01","name":"St. Clare's Girls' School","district":"Central and Western"}`)}
	b.Run("append-json", func(b *testing.B) {
		var buf []byte
		for range b.N {
			buf = e.AppendJSON(buf[:0])
		}
	})
	b.Run("json-marshal", func(b *testing.B) {
		for range b.N {
			_, _ = json.Marshal(e)
		}
	})
}
