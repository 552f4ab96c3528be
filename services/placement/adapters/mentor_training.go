// Package adapters connects the placement service to what lies outside its
// event store: its local copy of mentor training, fed by the mentoring
// service's events.
package adapters

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"

	"wsms/events"
	"wsms/events/mentoring"
	"wsms/events/placement"
	"wsms/platform/follow"
)

// MentorTraining is the local copy of mentor training in PostgreSQL.
type MentorTraining struct {
	db     *pgxpool.Pool
	schema string
}

// NewMentorTraining returns the copy kept in schema.
func NewMentorTraining(db *pgxpool.Pool, schema string) MentorTraining {
	return MentorTraining{db: db, schema: pgx.Identifier{schema}.Sanitize()}
}

// noExpiry stands for training that does not expire.
const noExpiry = placement.Date("9999-12-31")

// ValidUntil returns the last day any of the teacher's mentor training is
// current, "" when none is on record.
func (t MentorTraining) ValidUntil(ctx context.Context, teacherID string) (placement.Date, error) {
	var until pgtype.Text
	err := t.db.QueryRow(ctx, fmt.Sprintf(`SELECT max(coalesce(expires_on, $2::date))::text FROM %s.mentor_training WHERE teacher_id = $1`, t.schema),
		teacherID, string(noExpiry)).Scan(&until)
	if err != nil {
		return "", fmt.Errorf("mentor training of %s: %w", teacherID, err)
	}
	return placement.Date(until.String), nil
}

// Record keeps one training event; the same event again changes nothing.
func (t MentorTraining) Record(ctx context.Context, eventID uuid.UUID, e mentoring.MentorTrainingRecorded) error {
	var expires *string
	if e.ExpiresOn != "" {
		s := string(e.ExpiresOn)
		expires = &s
	}
	_, err := t.db.Exec(ctx, fmt.Sprintf(`INSERT INTO %s.mentor_training (event_id, teacher_id, certificate_id, level, completed_on, expires_on)
		VALUES ($1, $2, $3, $4, $5::date, $6::date) ON CONFLICT (event_id) DO NOTHING`, t.schema),
		eventID, e.TeacherID, e.CertificateID, e.Level, string(e.CompletedOn), expires)
	return err
}

// FollowMentorTraining copies mentor training from the mentoring service's
// stream into t until ctx ends, through a durable consumer that resumes
// where it stopped.
func FollowMentorTraining(ctx context.Context, js jetstream.JetStream, namespace string, t MentorTraining, log *slog.Logger) error {
	reg := events.NewRegistry()
	mentoring.Register(reg)
	return follow.Run(ctx, js, follow.Config{
		Namespace: namespace, Service: "mentoring", Durable: "placement-mentor-training",
		Description: "The placement service's copy of mentor training",
		Types:       []string{mentoring.MentorTrainingRecordedV1},
		Log:         log,
		Handle: func(ctx context.Context, env events.Envelope) error {
			payload, err := reg.Decode(env.Type, env.Data)
			if err != nil {
				return err
			}
			e, ok := payload.(mentoring.MentorTrainingRecorded)
			if !ok {
				return fmt.Errorf("event %s is a %s, not mentor training", env.ID, env.Type)
			}
			return t.Record(ctx, env.ID, e)
		},
	})
}
