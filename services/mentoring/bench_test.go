package mentoring_test

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"wsms/events"
	em "wsms/events/mentoring"
	ep "wsms/events/placement"
	"wsms/mentoring/domain"
	"wsms/platform/eventstore"
)

// BenchmarkRecordObservations has many teachers record observations at once,
// each on a record of their own, through NATS into the running service
// (record-observation), beside the raw limit of the same machine: appending
// the same events straight to the event store from as many writers, with no
// messaging and no decision (raw-append). Compare events/s.
func BenchmarkRecordObservations(b *testing.B) {
	const writers = 16
	b.Run("raw-append", func(b *testing.B) {
		rs := start(b)
		store := eventstore.New(rs.db, "mentoring")
		data, _ := json.Marshal(em.ObservationRecorded{RecordID: uuid.NewString(), ObservationID: uuid.NewString(), Content: observation(0, "4B", 3)})
		var next atomic.Int64
		b.SetParallelism(writers / 2)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			stream, version := "record-"+uuid.NewString(), int64(0)
			for pb.Next() {
				next.Add(1)
				if _, err := store.Append(context.Background(), eventstore.Append{StreamID: stream, ExpectedVersion: version,
					Events: []eventstore.Pending{{Type: em.ObservationRecordedV1, Data: data}}, Actor: events.Actor{ID: "t", Role: events.RoleMentor},
					CorrelationID: uuid.New(), CausationID: uuid.New(), OccurredAt: time.Now()}); err != nil {
					b.Error(err)
					return
				}
				version++
			}
		})
		b.ReportMetric(float64(next.Load())/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("record-observation", func(b *testing.B) {
		rs := start(b)
		office := events.Actor{ID: "office-1", Role: events.RoleOffice}
		schoolID := uuid.NewString()
		var next atomic.Int64
		b.SetParallelism(writers / 2)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			roundID, studentID := uuid.NewString(), uuid.NewString()
			recordID := em.RecordIDFor(roundID, studentID)
			if err := trySend(rs, "open-mentoring-record", office, domain.OpenMentoringRecord{RecordID: recordID, RoundID: roundID,
				StudentID: studentID, SchoolID: schoolID, Subject: "English", Windows: []ep.Period{{From: day(-30), To: day(30)}}}); err != nil {
				b.Error(err)
				return
			}
			teacher := events.Actor{ID: uuid.NewString(), Role: events.RoleMentor, SchoolID: schoolID}
			for pb.Next() {
				next.Add(1)
				if err := trySend(rs, "record-observation", teacher, domain.RecordObservation{RecordID: recordID, ObservationID: uuid.NewString(),
					Content: observation(0, "4B", 3)}); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(next.Load())/b.Elapsed().Seconds(), "events/s")
	})
}
