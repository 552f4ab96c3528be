// Package mentoring is the read model of the mentoring service: the policy
// and competency framework in force, mentor training, and each placement's
// mentoring record with its observations, meetings, reflections, concerns
// and final assessment. The record row keeps running counters, so the
// dashboards and the mentor view read one row per student-teacher instead
// of counting observations on every request.
package mentoring

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"wsms/events/mentoring"
	"wsms/projections"
)

//go:embed tables.sql
var tables string

// Projection builds rm_mentoring from the mentoring service's events.
var Projection = projections.Projection{
	Name:     "mentoring",
	Services: []string{"mentoring"},
	Tables:   tables + defaults(),
	Apply:    apply,
}

// defaults are the rows of the policy and framework version 1 the service
// applies before the faculty sets any: in force without an event, so the
// read model starts with them.
func defaults() string {
	p, f := mentoring.DefaultPolicy(), mentoring.DefaultFramework()
	domains, err := json.Marshal(f.Domains)
	if err != nil {
		panic(err) // plain structs of strings always marshal
	}
	scale, err := json.Marshal(f.Scale)
	if err != nil {
		panic(err)
	}
	return fmt.Sprintf("\nINSERT INTO policy VALUES (true, %d, %d, %d);\nINSERT INTO frameworks VALUES (%d, %s, %s, %s);\n",
		p.MinMentorObservations, p.MinTutorObservations, p.AmendDays, f.Version, literal(f.Name), literal(string(domains)), literal(string(scale)))
}

// literal quotes s as an SQL string literal.
func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// apply writes one event's effects. The mentoring service decides every
// event against the record's state, so an event here always finds the rows
// it changes (a record before its observations, an observation before its
// acknowledgement); apply trusts that rather than checking again.
func apply(ctx context.Context, tx pgx.Tx, e projections.Event) error {
	var err error
	switch p := e.Payload.(type) {
	case mentoring.PolicySet:
		_, err = tx.Exec(ctx, `
			INSERT INTO policy (min_mentor_observations, min_tutor_observations, amend_days) VALUES ($1, $2, $3)
			ON CONFLICT (singleton) DO UPDATE SET min_mentor_observations = $1, min_tutor_observations = $2, amend_days = $3`,
			p.MinMentorObservations, p.MinTutorObservations, p.AmendDays)
	case mentoring.FrameworkPublished:
		_, err = tx.Exec(ctx, "INSERT INTO frameworks (version, name, domains, scale) VALUES ($1, $2, $3, $4)",
			p.Version, p.Name, p.Domains, p.Scale)
	case mentoring.MentorTrainingRecorded:
		_, err = tx.Exec(ctx, `
			INSERT INTO trainings (teacher_id, certificate_id, school_id, course, level, issuer, completed_on, expires_on)
			VALUES ($1, $2, $3, $4, $5, $6, $7::text::date, NULLIF($8::text, '')::date)`,
			p.TeacherID, p.CertificateID, p.SchoolID, p.Course, p.Level, p.Issuer, string(p.CompletedOn), string(p.ExpiresOn))
	case mentoring.RecordOpened:
		_, err = tx.Exec(ctx, `
			INSERT INTO records (record_id, round_id, student_id, school_id, subject, windows, opened_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			p.RecordID, p.RoundID, p.StudentID, p.SchoolID, p.Subject, p.Windows, e.OccurredAt)
	case mentoring.RecordMentorAssigned:
		_, err = tx.Exec(ctx, "UPDATE records SET mentor_id = $2 WHERE record_id = $1", p.RecordID, p.MentorID)
	case mentoring.RecordTutorAssigned:
		_, err = tx.Exec(ctx, "UPDATE records SET tutor_id = $2 WHERE record_id = $1", p.RecordID, p.TutorID)
	case mentoring.ObservationRecorded:
		err = recordObservation(ctx, tx, e, p)
	case mentoring.ObservationAmended:
		err = amendObservation(ctx, tx, p)
	case mentoring.ObservationCoSigned:
		_, err = tx.Exec(ctx, "UPDATE observations SET cosigned = true WHERE record_id = $1 AND observation_id = $2",
			p.RecordID, p.ObservationID)
	case mentoring.ObservationAcknowledged:
		err = execAll(ctx, tx,
			query{`UPDATE observations SET acknowledged_at = $3, response = NULLIF($4, '')
			  WHERE record_id = $1 AND observation_id = $2`, []any{p.RecordID, p.ObservationID, e.OccurredAt, p.Response}},
			query{"UPDATE records SET unacknowledged = unacknowledged - 1 WHERE record_id = $1", []any{p.RecordID}},
		)
	case mentoring.MentoringMeetingLogged:
		err = execAll(ctx, tx,
			query{`INSERT INTO meetings (record_id, meeting_id, mentor_id, date, minutes, topics, targets)
			  VALUES ($1, $2, $3, $4::text::date, $5, $6, $7)`,
				[]any{p.RecordID, p.MeetingID, p.MentorID, string(p.Date), p.Minutes, nonNil(p.Topics), nonNil(p.Targets)}},
			query{"UPDATE records SET meetings = meetings + 1 WHERE record_id = $1", []any{p.RecordID}},
		)
	case mentoring.ReflectionSubmitted:
		err = execAll(ctx, tx,
			query{`INSERT INTO reflections (record_id, reflection_id, date, text, submitted_at) VALUES ($1, $2, $3::text::date, $4, $5)`,
				[]any{p.RecordID, p.ReflectionID, string(p.Date), p.Text, e.OccurredAt}},
			query{"UPDATE records SET reflections = reflections + 1 WHERE record_id = $1", []any{p.RecordID}},
		)
	case mentoring.ConcernRaised:
		err = execAll(ctx, tx,
			query{`INSERT INTO concerns (record_id, concern_id, raised_by, category, severity, description, raised_at)
			  VALUES ($1, $2, $3, $4, $5, $6, $7)`,
				[]any{p.RecordID, p.ConcernID, p.RaisedBy, p.Category, p.Severity, p.Description, e.OccurredAt}},
			query{"UPDATE records SET open_concerns = open_concerns + 1 WHERE record_id = $1", []any{p.RecordID}},
		)
	case mentoring.ConcernResolved:
		err = execAll(ctx, tx,
			query{"UPDATE concerns SET resolved_at = $3, resolution_note = $4 WHERE record_id = $1 AND concern_id = $2",
				[]any{p.RecordID, p.ConcernID, e.OccurredAt, p.Note}},
			query{"UPDATE records SET open_concerns = open_concerns - 1 WHERE record_id = $1", []any{p.RecordID}},
		)
	case mentoring.FinalAssessmentSubmitted:
		// The mentor may resubmit until the tutor moderates: the latest
		// submission is the assessment.
		_, err = tx.Exec(ctx, `
			UPDATE records SET recommendation = $2, assessment_summary = $3, assessed_by = $4,
			       minimum_override = NULLIF($5, ''), assessed_at = $6
			 WHERE record_id = $1`,
			p.RecordID, p.Recommendation, p.Summary, p.MentorID, p.MinimumOverride, e.OccurredAt)
	case mentoring.AssessmentModerated:
		_, err = tx.Exec(ctx, `
			UPDATE records SET moderated_recommendation = $2, moderation_adjusted = $3, moderation_reason = NULLIF($4, ''),
			       moderated_by = $5, moderated_at = $6
			 WHERE record_id = $1`,
			p.RecordID, p.Recommendation, p.Adjusted, p.Reason, p.TutorID, e.OccurredAt)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", e.Type, err)
	}
	return nil
}

// recordObservation adds the observation and counts it on the record under
// its observer's role; it waits for the student-teacher's acknowledgement.
func recordObservation(ctx context.Context, tx pgx.Tx, e projections.Event, p mentoring.ObservationRecorded) error {
	c := p.Content
	return execAll(ctx, tx,
		query{`INSERT INTO observations (record_id, observation_id, observer_id, observer_role, co_observer_id, recorded_on, recorded_at,
		                            lesson_date, class, subject, topic, framework_version, ratings, strengths, areas_for_development, action_points)
		  VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6::text::date, $7, $8::text::date, $9, $10, $11, $12, $13, $14, $15, $16)`,
			[]any{p.RecordID, p.ObservationID, p.ObserverID, p.ObserverRole, p.CoObserverID, string(p.RecordedOn), e.OccurredAt,
				string(c.Date), c.Class, c.Subject, c.Topic, c.FrameworkVersion, ratings(c.Ratings), c.Strengths, c.AreasForDevelopment, nonNil(c.ActionPoints)}},
		query{`UPDATE records SET
		         mentor_observations  = mentor_observations  + (CASE WHEN $2::text = $3::text THEN 1 ELSE 0 END),
		         teacher_observations = teacher_observations + (CASE WHEN $2::text = $4::text THEN 1 ELSE 0 END),
		         tutor_observations   = tutor_observations   + (CASE WHEN $2::text = $5::text THEN 1 ELSE 0 END),
		         last_observed_on = GREATEST(last_observed_on, $6::text::date),
		         unacknowledged = unacknowledged + 1
		   WHERE record_id = $1`,
			[]any{p.RecordID, p.ObserverRole, mentoring.ObserverMentor, mentoring.ObserverTeacher, mentoring.ObserverTutor, string(c.Date)}},
	)
}

// amendObservation replaces the observation's content. What was co-signed
// and acknowledged is no longer what is written, so, as the mentoring
// service decides, the co-observer signs again and the student-teacher
// acknowledges again: an acknowledged observation waits once more. The
// lesson date may have moved, so the record's last observed day is taken
// afresh.
func amendObservation(ctx context.Context, tx pgx.Tx, p mentoring.ObservationAmended) error {
	c := p.Content
	var wasAcknowledged bool
	err := tx.QueryRow(ctx, `
		UPDATE observations o SET lesson_date = $3::text::date, class = $4, subject = $5, topic = $6, framework_version = $7,
		       ratings = $8, strengths = $9, areas_for_development = $10, action_points = $11,
		       amendments = o.amendments + 1, cosigned = false, acknowledged_at = NULL, response = NULL
		  FROM observations before
		 WHERE o.record_id = $1 AND o.observation_id = $2
		   AND before.record_id = o.record_id AND before.observation_id = o.observation_id
		RETURNING before.acknowledged_at IS NOT NULL`,
		p.RecordID, p.ObservationID, string(c.Date), c.Class, c.Subject, c.Topic, c.FrameworkVersion,
		ratings(c.Ratings), c.Strengths, c.AreasForDevelopment, nonNil(c.ActionPoints)).Scan(&wasAcknowledged)
	if err != nil {
		return err
	}
	reopened := 0
	if wasAcknowledged {
		reopened = 1
	}
	_, err = tx.Exec(ctx, `
		UPDATE records SET unacknowledged = unacknowledged + $2,
		       last_observed_on = (SELECT max(lesson_date) FROM observations WHERE record_id = $1)
		 WHERE record_id = $1`, p.RecordID, reopened)
	return err
}

// query is one statement of an event's effects.
type query struct {
	sql  string
	args []any
}

// execAll runs an event's statements in order, in one round trip.
func execAll(ctx context.Context, tx pgx.Tx, qs ...query) error {
	b := &pgx.Batch{}
	for _, q := range qs {
		b.Queue(q.sql, q.args...)
	}
	return tx.SendBatch(ctx, b).Close()
}

// ratings stores an observation's ratings as a JSON object, never null.
func ratings(r map[string]int) map[string]int {
	if r == nil {
		return map[string]int{}
	}
	return r
}

// nonNil stores an absent list as an empty array, as the columns require.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
