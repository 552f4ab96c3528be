// Package forum is the read model of the partnership forum: each year's
// forum with its sessions, registrations and attendance, the renewal agenda,
// shared practice, feedback, and expressions of interest from schools
// outside the partnership, as the forum view and the dashboards read them.
package forum

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/jackc/pgx/v5"

	"wsms/events/forum"
	"wsms/projections"
)

//go:embed tables.sql
var tables string

// Projection builds rm_forum from the forum service's events.
var Projection = projections.Projection{Name: "forum", Services: []string{"forum"}, Tables: tables, Apply: apply}

func apply(ctx context.Context, tx pgx.Tx, e projections.Event) error {
	var err error
	switch p := e.Payload.(type) {
	case forum.ForumScheduled:
		_, err = tx.Exec(ctx, `INSERT INTO forums (year, date, venue, online_link, theme) VALUES ($1, $2, $3, $4, $5)`,
			p.Year, string(p.Date), p.Venue, p.OnlineLink, p.Theme)
	case forum.SessionAdded:
		_, err = tx.Exec(ctx, `
			INSERT INTO sessions (year, session_id, title, format, presenter_school_id, presenter, capacity, added_at)
			VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6, $7, $8)`,
			p.Year, p.SessionID, p.Title, p.Format, p.PresenterSchoolID, p.Presenter, p.Capacity, e.OccurredAt)
	case forum.RenewalAgendaItemAdded:
		// The agenda holds one agreement per school: a later one replaces
		// the earlier, as the forum keeps it.
		if _, err = tx.Exec(ctx, `DELETE FROM renewals WHERE year = $1 AND school_id = $2`, p.Year, p.SchoolID); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO renewals (year, school_id, agreement_id, last_school_year) VALUES ($1, $2, $3, $4)`,
			p.Year, p.SchoolID, p.AgreementID, p.LastSchoolYear)
	case forum.DelegateRegistered:
		_, err = tx.Exec(ctx, `
			INSERT INTO registrations (year, session_id, registration_id, person_id, name, kind, school_id, waitlisted, registered_at)
			VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, ''), $8, $9)`,
			p.Year, p.SessionID, p.RegistrationID, p.PersonID, p.Name, p.Kind, p.SchoolID, p.Waitlisted, e.OccurredAt)
	case forum.RegistrationCancelled:
		err = registration(ctx, tx, "cancelled = true", p.Year, p.SessionID, p.RegistrationID)
	case forum.WaitlistPromoted:
		err = registration(ctx, tx, "waitlisted = false", p.Year, p.SessionID, p.RegistrationID)
	case forum.AttendanceRecorded:
		err = registration(ctx, tx, "attended = $4", p.Year, p.SessionID, p.RegistrationID, p.Attended)
	case forum.PracticeShared:
		links := p.Links
		if links == nil {
			links = []string{}
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO practice (practice_id, school_id, year, title, summary, subject, links, shared_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			p.PracticeID, p.SchoolID, p.Year, p.Title, p.Summary, p.Subject, links, e.OccurredAt)
	case forum.FeedbackSubmitted:
		// A second answer replaces the first (the questionnaire's rule).
		_, err = tx.Exec(ctx, `
			INSERT INTO feedback (year, respondent_id, school_id, ratings, comments)
			VALUES ($1, $2, NULLIF($3, ''), $4, $5)
			ON CONFLICT (year, respondent_id) DO UPDATE
			SET school_id = EXCLUDED.school_id, ratings = EXCLUDED.ratings, comments = EXCLUDED.comments`,
			p.Year, p.RespondentID, p.SchoolID, nonNil(p.Ratings), nonNil(p.Comments))
	case forum.InterestExpressed:
		subjects := p.Subjects
		if subjects == nil {
			subjects = []string{}
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO interests (interest_id, school_name, district, level, contact_name, contact_email, subjects, places_offered, status, expressed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9)`,
			p.InterestID, p.SchoolName, p.District, string(p.Level), p.Contact.Name, p.Contact.Email, subjects, p.PlacesOffered, e.OccurredAt)
	case forum.InterestReviewed:
		status := "declined"
		if p.Accepted {
			status = "accepted"
		}
		_, err = tx.Exec(ctx, `
			UPDATE interests SET status = $2, review_reason = $3, school_id = NULLIF($4, ''), reviewed_at = $5
			WHERE interest_id = $1`,
			p.InterestID, status, p.Reason, p.SchoolID, e.OccurredAt)
	}
	return err
}

// registration changes one registration of a session; the session's stream
// recorded it before any change to it.
func registration(ctx context.Context, tx pgx.Tx, set string, year int, session, id string, args ...any) error {
	tag, err := tx.Exec(ctx, "UPDATE registrations SET "+set+" WHERE year = $1 AND session_id = $2 AND registration_id = $3",
		append([]any{year, session, id}, args...)...)
	if err == nil && tag.RowsAffected() != 1 {
		err = fmt.Errorf("no registration %s of session %s in %d", id, session, year)
	}
	return err
}

// nonNil keeps an absent map from being stored as JSON null.
func nonNil[V any](m map[string]V) map[string]V {
	if m == nil {
		return map[string]V{}
	}
	return m
}
