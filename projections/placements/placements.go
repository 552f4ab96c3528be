// Package placements is the read model of the placement service: partner
// schools with their agreements and teachers, and each placement round with
// its offers, registrations, allocation, placements and declines. The round
// view, the school pages and the dashboards read it.
//
// Each event sets the rows it describes to what the placement service's
// deciders hold after it (services/placement/domain): a new offer replaces
// the school's offer in the round, a new allocation replaces the round's
// placements, a decline clears the placement until the student is
// reallocated.
package placements

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/jackc/pgx/v5"

	"wsms/events/placement"
	"wsms/projections"
)

//go:embed tables.sql
var tables string

// Projection builds rm_placements from the placement service's events.
var Projection = projections.Projection{
	Name:     "placements",
	Services: []string{"placement"},
	Tables:   tables,
	Apply:    apply,
}

// Placement statuses, as the placements table stores them.
const (
	statusProposed  = "proposed"
	statusPublished = "published"
	statusConfirmed = "confirmed"
	statusDeclined  = "declined"
	statusUnplaced  = "unplaced"
)

func apply(ctx context.Context, tx pgx.Tx, e projections.Event) error {
	var err error
	switch p := e.Payload.(type) {
	case placement.SchoolRegistered:
		_, err = tx.Exec(ctx, `
			INSERT INTO schools (school_id, name, district, level, contact_name, contact_email, contact_phone, registered_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			p.SchoolID, p.Name, p.District, string(p.Level), p.Contact.Name, p.Contact.Email, p.Contact.Phone, e.OccurredAt)
	case placement.PartnershipAgreementSigned:
		// Signing the draft opened for the school completes that
		// agreement: the same id, now signed.
		_, err = tx.Exec(ctx, `
			INSERT INTO agreements (agreement_id, school_id, first_school_year, years, core_subjects, min_places, max_places, english_kla, draft)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (agreement_id) DO UPDATE SET
				first_school_year = excluded.first_school_year, years = excluded.years, core_subjects = excluded.core_subjects,
				min_places = excluded.min_places, max_places = excluded.max_places, english_kla = excluded.english_kla,
				draft = excluded.draft, ended_on = NULL, end_reason = NULL`,
			p.AgreementID, p.SchoolID, p.FirstSchoolYear, p.Years, nonNil(p.CoreSubjects), p.MinPlaces, p.MaxPlaces, p.EnglishKLA, p.Draft)
	case placement.PartnershipAgreementRenewed:
		// A renewal extends the agreement in force by a further term
		// starting where it ends (FirstSchoolYear is that start).
		_, err = tx.Exec(ctx, `UPDATE agreements SET years = years + $2 WHERE agreement_id = $1`, p.AgreementID, p.Years)
	case placement.PartnershipAgreementEnded:
		_, err = tx.Exec(ctx, `UPDATE agreements SET ended_on = $2::text::date, end_reason = $3 WHERE agreement_id = $1`,
			p.AgreementID, string(p.EndedOn), p.Reason)
	case placement.SchoolCalendarSet:
		// The read model shows no calendars: a clash reaches the round
		// view as the ineligible schools of its allocation.
	case placement.TeacherAdded:
		_, err = tx.Exec(ctx, `
			INSERT INTO teachers (school_id, teacher_id, name, email) VALUES ($1, $2, $3, $4)
			ON CONFLICT (school_id, teacher_id) DO UPDATE SET name = excluded.name, email = excluded.email`,
			p.SchoolID, p.TeacherID, p.Name, p.Email)
	case placement.TeacherMentorNamed:
		_, err = tx.Exec(ctx, `UPDATE teachers SET mentor_subjects = $3, load_limit = $4 WHERE school_id = $1 AND teacher_id = $2`,
			p.SchoolID, p.TeacherID, nonNil(p.Subjects), p.LoadLimit)
	case placement.PlacementRoundOpened:
		err = roundOpened(ctx, tx, e, p)
	case placement.PlacesOffered:
		err = placesOffered(ctx, tx, p)
	case placement.OfferWithdrawn:
		_, err = tx.Exec(ctx, `UPDATE offer_schools SET withdrawn = true, withdraw_reason = $3 WHERE round_id = $1 AND school_id = $2`,
			p.RoundID, p.SchoolID, p.Reason)
	case placement.StudentTeacherRegistered:
		_, err = tx.Exec(ctx, `
			INSERT INTO students (round_id, student_id, name, email, level, subjects, home_district, registered_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (round_id, student_id) DO UPDATE SET name = excluded.name, email = excluded.email, level = excluded.level,
				subjects = excluded.subjects, home_district = excluded.home_district`,
			p.RoundID, p.StudentID, p.Name, p.Email, string(p.Level), nonNil(p.Subjects), p.HomeDistrict, e.OccurredAt)
	case placement.PreferencesSubmitted:
		_, err = tx.Exec(ctx, `UPDATE students SET preferences = $3 WHERE round_id = $1 AND student_id = $2`,
			p.RoundID, p.StudentID, nonNil(p.SchoolIDs))
	case placement.AllocationRecorded:
		err = allocationRecorded(ctx, tx, e, p)
	case placement.PlacementOverridden:
		err = placementOverridden(ctx, tx, p)
	case placement.AllocationPublished:
		err = allocationPublished(ctx, tx, e, p)
	case placement.PlacementConfirmed:
		_, err = tx.Exec(ctx, `UPDATE placements SET status = $3 WHERE round_id = $1 AND student_id = $2`,
			p.RoundID, p.StudentID, statusConfirmed)
	case placement.PlacementDeclined:
		err = placementDeclined(ctx, tx, e, p)
	case placement.StudentTeacherReallocated:
		err = studentReallocated(ctx, tx, p)
	case placement.MentorAssigned:
		_, err = tx.Exec(ctx, `UPDATE placements SET mentor_id = $3 WHERE round_id = $1 AND student_id = $2`,
			p.RoundID, p.StudentID, p.TeacherID)
	case placement.PlacementRoundClosed:
		_, err = tx.Exec(ctx, `UPDATE rounds SET status = 'closed', closed_at = $2 WHERE round_id = $1`, p.RoundID, e.OccurredAt)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", e.Type, err)
	}
	return nil
}

func roundOpened(ctx context.Context, tx pgx.Tx, e projections.Event, p placement.PlacementRoundOpened) error {
	windows := p.Windows
	if windows == nil {
		windows = []placement.Period{}
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO rounds (round_id, name, school_year, windows, offer_deadline, preference_deadline,
			max_preferences, max_travel_minutes, status, opened_at)
		VALUES ($1, $2, $3, $4, $5::text::date, $6::text::date, $7, $8, 'open', $9)`,
		p.RoundID, p.Name, p.SchoolYear, windows, string(p.OfferDeadline), string(p.PreferenceDeadline),
		p.MaxPreferences, p.MaxTravelMinutes, e.OccurredAt)
	return err
}

// placesOffered replaces the school's offer in the round, withdrawn or not,
// with the new one.
func placesOffered(ctx context.Context, tx pgx.Tx, p placement.PlacesOffered) error {
	if _, err := tx.Exec(ctx, `
		INSERT INTO offer_schools (round_id, school_id, school_name, capacity, warnings)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (round_id, school_id) DO UPDATE SET school_name = excluded.school_name, capacity = excluded.capacity,
			warnings = excluded.warnings, withdrawn = false, withdraw_reason = NULL`,
		p.RoundID, p.SchoolID, p.School.Name, p.Capacity, nonNil(p.Warnings)); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM offers WHERE round_id = $1 AND school_id = $2`, p.RoundID, p.SchoolID); err != nil {
		return err
	}
	for _, o := range p.Offers {
		if _, err := tx.Exec(ctx, `INSERT INTO offers (round_id, school_id, subject, places, mentor_ids) VALUES ($1, $2, $3, $4, $5)`,
			p.RoundID, p.SchoolID, o.Subject, o.Places, nonNil(o.MentorIDs)); err != nil {
			return err
		}
	}
	return nil
}

// allocationRecorded replaces the round's whole allocation: a new run
// replaces an unpublished one, overrides included.
func allocationRecorded(ctx context.Context, tx pgx.Tx, e projections.Event, p placement.AllocationRecorded) error {
	explanations := make(map[string]placement.Explanation, len(p.Explanations))
	for _, x := range p.Explanations {
		explanations[x.StudentID] = x
	}
	n := len(p.Placements) + len(p.Unplaced)
	var (
		students, statuses         = make([]string, 0, n), make([]string, 0, n)
		schools, subjects, reasons = make([]*string, 0, n), make([]*string, 0, n), make([]*string, 0, n)
		ranks, minutes             = make([]*int, 0, n), make([]*int, 0, n)
		explained                  = make([]*placement.Explanation, 0, n)
		explanationOf              = func(id string) *placement.Explanation {
			if x, ok := explanations[id]; ok {
				x.NotChosen = nonNil(x.NotChosen)
				return &x
			}
			return nil
		}
	)
	for _, pl := range p.Placements {
		students, statuses = append(students, pl.StudentID), append(statuses, statusProposed)
		schools, subjects, reasons = append(schools, &pl.SchoolID), append(subjects, &pl.Subject), append(reasons, nil)
		ranks, minutes = append(ranks, &pl.Rank), append(minutes, &pl.TravelMinutes)
		explained = append(explained, explanationOf(pl.StudentID))
	}
	for _, u := range p.Unplaced {
		students, statuses = append(students, u.StudentID), append(statuses, statusUnplaced)
		schools, subjects, reasons = append(schools, nil), append(subjects, nil), append(reasons, &u.Reason)
		ranks, minutes = append(ranks, nil), append(minutes, nil)
		explained = append(explained, explanationOf(u.StudentID))
	}
	if _, err := tx.Exec(ctx, `DELETE FROM placements WHERE round_id = $1`, p.RoundID); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO placements (round_id, student_id, school_id, subject, rank, travel_minutes, status, unplaced_reason, explanation)
		SELECT $1, a.student_id, a.school_id, a.subject, a.rank, a.travel_minutes, a.status, a.reason, a.explanation
		FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::text[], $8::text[], $9::jsonb[])
			AS a (student_id, school_id, subject, rank, travel_minutes, status, reason, explanation)`,
		p.RoundID, students, schools, subjects, ranks, minutes, statuses, reasons, explained); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM ineligible_schools WHERE round_id = $1`, p.RoundID); err != nil {
		return err
	}
	ids, why := make([]string, len(p.IneligibleSchools)), make([]string, len(p.IneligibleSchools))
	for i, s := range p.IneligibleSchools {
		ids[i], why[i] = s.SchoolID, s.Reason
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO ineligible_schools (round_id, school_id, reason)
		SELECT $1, i.school_id, i.reason FROM unnest($2::text[], $3::text[]) AS i (school_id, reason)`,
		p.RoundID, ids, why); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE rounds SET status = 'allocated', allocated_at = $2, summary = $3 WHERE round_id = $1`,
		p.RoundID, e.OccurredAt, p.Summary)
	return err
}

// placementOverridden places the student by hand, keeping the solver's
// explanation (the office's reason says why it differs). The placement is
// published when the round is.
func placementOverridden(ctx context.Context, tx pgx.Tx, p placement.PlacementOverridden) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO placements (round_id, student_id, school_id, subject, rank, travel_minutes, status,
			overridden, override_reason, exception)
		SELECT $1, $2, $3, $4, $5, $6, CASE WHEN r.published_at IS NULL THEN $9 ELSE $10 END, true, $7, NULLIF($8, '')
		FROM rounds r WHERE r.round_id = $1
		ON CONFLICT (round_id, student_id) DO UPDATE SET
			school_id = excluded.school_id, subject = excluded.subject, rank = excluded.rank,
			travel_minutes = excluded.travel_minutes, status = excluded.status, unplaced_reason = NULL,
			overridden = true, override_reason = excluded.override_reason, exception = excluded.exception`,
		p.RoundID, p.StudentID, p.SchoolID, p.Subject, p.Rank, p.TravelMinutes, p.Reason, p.Exception,
		statusProposed, statusPublished)
	return err
}

func allocationPublished(ctx context.Context, tx pgx.Tx, e projections.Event, p placement.AllocationPublished) error {
	if _, err := tx.Exec(ctx, `UPDATE placements SET status = $2 WHERE round_id = $1 AND status = $3`,
		p.RoundID, statusPublished, statusProposed); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE rounds SET status = 'published', published_at = $2 WHERE round_id = $1`, p.RoundID, e.OccurredAt)
	return err
}

// placementDeclined keeps the decline and leaves the student without a
// placement until the reallocation that follows it in the same command.
func placementDeclined(ctx context.Context, tx pgx.Tx, e projections.Event, p placement.PlacementDeclined) error {
	// The decline keeps the subject of the placement it ends, read before
	// the placement is cleared.
	if _, err := tx.Exec(ctx, `
		INSERT INTO declines (round_id, student_id, school_id, subject, reason, declined_at)
		SELECT $1, $2, $3, (SELECT subject FROM placements WHERE round_id = $1 AND student_id = $2), $4, $5
		ON CONFLICT (round_id, student_id, school_id) DO UPDATE
			SET subject = excluded.subject, reason = excluded.reason, declined_at = excluded.declined_at`,
		p.RoundID, p.StudentID, p.SchoolID, p.Reason, e.OccurredAt); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `
		UPDATE placements SET status = $3, school_id = NULL, subject = NULL, rank = NULL, travel_minutes = NULL,
			overridden = false, override_reason = NULL, exception = NULL, mentor_id = NULL
		WHERE round_id = $1 AND student_id = $2`,
		p.RoundID, p.StudentID, statusDeclined)
	return err
}

// studentReallocated gives a declined student their new placement (published
// at once, as the round is) or says why none could be found, with the new
// explanation.
func studentReallocated(ctx context.Context, tx pgx.Tx, p placement.StudentTeacherReallocated) error {
	var (
		school, subject, reason *string
		rank, minutes           *int
		status                  = statusUnplaced
	)
	if pl := p.Placement; pl != nil {
		school, subject, rank, minutes, status = &pl.SchoolID, &pl.Subject, &pl.Rank, &pl.TravelMinutes, statusPublished
	} else {
		reason = &p.Unplaced
	}
	x := p.Explanation
	x.NotChosen = nonNil(x.NotChosen)
	_, err := tx.Exec(ctx, `
		UPDATE placements SET school_id = $3, subject = $4, rank = $5, travel_minutes = $6, status = $7, unplaced_reason = $8,
			explanation = $9, overridden = false, override_reason = NULL, exception = NULL, mentor_id = NULL
		WHERE round_id = $1 AND student_id = $2`,
		p.RoundID, p.StudentID, school, subject, rank, minutes, status, reason, x)
	return err
}

// nonNil is s, or an empty list for a missing one: the columns hold lists,
// never NULL.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
