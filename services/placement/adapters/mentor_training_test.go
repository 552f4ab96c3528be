package adapters_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"wsms/events/mentoring"
	"wsms/placement/adapters"
	"wsms/platform/dbtest"
	"wsms/platform/migrate"
	"wsms/schema"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestMentorTrainingCopy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := dbtest.New(t, migrate.Set{Schema: "placement", Files: schema.Placement()})
	copyOf := adapters.NewMentorTraining(db, "placement")
	teacher := uuid.NewString()

	if until, err := copyOf.ValidUntil(ctx, teacher); err != nil || until != "" {
		t.Fatalf("no training yet: %q, %v", until, err)
	}
	levelOne := uuid.New()
	record := func(id uuid.UUID, e mentoring.MentorTrainingRecorded) {
		t.Helper()
		if err := copyOf.Record(ctx, id, e); err != nil {
			t.Fatal(err)
		}
	}
	e := mentoring.MentorTrainingRecorded{TeacherID: teacher, Level: "I", CertificateID: "QM1-1", CompletedOn: "2025-06-30", ExpiresOn: "2028-06-30"}
	record(levelOne, e)
	record(levelOne, e) // delivered again: changes nothing
	if until, err := copyOf.ValidUntil(ctx, teacher); err != nil || until != "2028-06-30" {
		t.Fatalf("after level I: %q, %v", until, err)
	}
	var rows int
	if err := db.QueryRow(ctx, "SELECT count(*) FROM placement.mentor_training").Scan(&rows); err != nil || rows != 1 {
		t.Fatalf("%d rows (%v) after the same event twice, want 1", rows, err)
	}
	record(uuid.New(), mentoring.MentorTrainingRecorded{TeacherID: teacher, Level: "II", CertificateID: "QM2-1", CompletedOn: "2026-06-30"})
	if until, err := copyOf.ValidUntil(ctx, teacher); err != nil || until != "9999-12-31" {
		t.Fatalf("after a level II that does not expire: %q, %v", until, err)
	}
}
