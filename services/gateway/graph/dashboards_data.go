package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"wsms/events"
	"wsms/platform/errs"
)

// The dashboards read the placement, mentoring and forum read models
// (rm_placements, rm_mentoring, rm_forum) with a handful of queries each:
// one for the dashboard's head, whose answer the others depend on, then the
// rest in one pipelined batch, every one of them narrowed by an index
// (school and round, or round, or year) so a dashboard stays within a few
// milliseconds at 500 schools and 5,000 student-teachers.

// SchoolDashboard is a school's partnership, places and mentoring for one
// round.
type SchoolDashboard struct {
	School             DashboardSchool
	Round              *DashboardRound
	Partnership        *SchoolPartnership
	Places             []SubjectPlaces
	PlacesByRound      []RoundPlaces
	StudentTeachers    []HostedStudentTeacher
	OpenConcerns       []Concern
	ForumParticipation []ForumParticipation
}

// DashboardSchool is a partner school as registered.
type DashboardSchool struct {
	ID, Name, District, Level string
}

// DashboardRound is a placement round as the dashboards name it.
type DashboardRound struct {
	ID         string
	Name       string
	SchoolYear int
	Status     string
}

// SchoolPartnership is the agreement a school dashboard shows.
type SchoolPartnership struct {
	AgreementID     string
	FirstSchoolYear int
	LastSchoolYear  int
	YearOfTerm      *int
	Draft           bool
	EndedOn         *string
}

// SubjectPlaces is a school's places in one subject of a round.
type SubjectPlaces struct {
	Subject                                 string
	Offered, Allocated, Confirmed, Declined int
}

// RoundPlaces is a school's places in one subject of one round.
type RoundPlaces struct {
	Round           DashboardRound
	Subject         string
	Offered, Filled int
}

// HostedStudentTeacher is a student-teacher placed at the school.
type HostedStudentTeacher struct {
	ID, Name, Subject, Status string
	Mentor                    *NamedPerson
	TutorID                   *string
	Observations              ObservationTally
	LastObservedOn            *string
	OpenConcerns              int
	Recommendation            *string
}

// NamedPerson is someone a dashboard names, with their name when known.
type NamedPerson struct {
	ID   string
	Name *string
}

// ObservationTally is a placement's observations against the minimum.
type ObservationTally struct {
	Mentor, Teacher, Tutor      int
	MinimumMentor, MinimumTutor int
	Met                         bool
}

// Concern is an open concern about a student-teacher.
type Concern struct {
	ID                 string
	Student            NamedPerson
	Category, Severity string
	RaisedAt           time.Time
}

// ForumParticipation is a school at one year's forum.
type ForumParticipation struct {
	Year, Registered, Attended, SessionsPresented int
}

// FacultyDashboard is one round across every school.
type FacultyDashboard struct {
	Round               DashboardRound
	FillRate            []SubjectFill
	EnglishPlaces       EnglishPlaces
	Unplaced            []UnplacedStudent
	ObservationCoverage ObservationCoverage
	StudentsAtRisk      []StudentAtRisk
	RenewalsDue         []RenewalDue
	ForumAttendance     *ForumAttendance
}

// SubjectFill is a round's places in one subject.
type SubjectFill struct {
	Subject                    string
	Offered, Placed, Confirmed int
	Rate                       float64
}

// EnglishPlaces is a round's places in the English Key Learning Area.
type EnglishPlaces struct {
	Offered, Placed int
}

// UnplacedStudent is a student-teacher with no school, and why.
type UnplacedStudent struct {
	ID, Name string
	Subjects []string
	Reason   string
}

// ObservationCoverage counts the records that reached the minimum.
type ObservationCoverage struct {
	Records, MeetingMinimum int
	Share                   float64
}

// StudentAtRisk is a student-teacher whose practicum is at risk, and why.
type StudentAtRisk struct {
	ID, Name, SchoolID, Subject string
	Reasons                     []string
}

// RenewalDue is an agreement due for renewal.
type RenewalDue struct {
	SchoolID, SchoolName, AgreementID string
	LastSchoolYear                    int
	OnForumAgenda                     bool
}

// ForumAttendance is who came to a year's forum.
type ForumAttendance struct {
	Year, Registered, Attended, Schools int
}

// riskRow is a record at risk as the faculty dashboard reads it, before its
// reasons are written out.
type riskRow struct {
	ID, Name, SchoolID, Subject string
	Concerns                    int
	Recommendation              *string
	BySchool, ByTutor           int
	LastDay                     *string
}

// riskColumns are what the faculty dashboard reads of a record at risk.
const riskColumns = `round_id, student_id, school_id, subject, open_concerns,
	COALESCE(moderated_recommendation, recommendation) AS recommendation,
	mentor_observations + teacher_observations AS by_school, tutor_observations AS by_tutor, last_window_day`

// passingRecommendations are the final recommendations that pass the
// practicum (services/mentoring/domain/record.go: pass, fail, distinction).
// The at-risk query names "fail" as a literal, the condition of
// rm_mentoring's records_failing index, which a query parameter would not
// let the planner use.
var passingRecommendations = []string{"pass", "distinction"}

// placedStatuses are the placement statuses that hold a place.
var placedStatuses = []string{"proposed", "published", "confirmed"}

// allocatedFor is which placements count as allocated for actor: a school's
// staff learn the allocation when it is published (proposed placements
// become published then), the faculty and the office as soon as it runs.
func allocatedFor(actor events.Actor) []string {
	if seesAll(actor) {
		return placedStatuses
	}
	return []string{"published", "confirmed"}
}

// hongKong is where the practicum happens: a window has ended once its last
// day is over there.
var hongKong = time.FixedZone("HKT", 8*60*60)

// minimum is the mentoring policy's minimum observations.
type minimum struct{ mentor, tutor int }

// tally sets a placement's observations against m, by the rule newProgress
// keeps: nothing is due once the minimum is met.
func (m minimum) tally(mentor, teacher, tutor int) ObservationTally {
	p := newProgress(mentor, teacher, tutor, m.mentor, m.tutor)
	return ObservationTally{
		Mentor: mentor, Teacher: teacher, Tutor: tutor,
		MinimumMentor: m.mentor, MinimumTutor: m.tutor,
		Met: p.MentorDue == 0 && p.TutorDue == 0,
	}
}

// policyColumns selects the mentoring policy's minimum observations for a
// dashboard's head. The mentoring read model always holds the policy's one
// row: the service's default until the faculty sets another.
const policyColumns = `(SELECT min_mentor_observations FROM rm_mentoring.policy),
		       (SELECT min_tutor_observations FROM rm_mentoring.policy)`

// pageOf pages items the faculty dashboard read whole (it needs them all
// to order and count them, and to compare them for its subscription): the
// items after the after cursor in the order of their keys, at most first.
// Only a page is sent, so a round with hundreds at risk answers quickly.
func pageOf[T any](items []T, key func(T) []string, first *int, after *string) (page[T], error) {
	size, err := pageSize(first)
	if err != nil {
		return page[T]{}, err
	}
	items = slices.SortedStableFunc(slices.Values(items), func(a, b T) int { return slices.Compare(key(a), key(b)) })
	start := 0
	if after != nil && len(items) > 0 {
		from, err := decodeCursor(after, len(key(items[0])))
		if err != nil {
			return page[T]{}, err
		}
		start, _ = slices.BinarySearchFunc(items, from, func(item T, k []string) int { return slices.Compare(key(item), k) })
		if start < len(items) && slices.Equal(key(items[start]), from) {
			start++
		}
	}
	end := min(start+size, len(items))
	return page[T]{total: len(items), items: items[start:end], more: end < len(items)}, nil
}

// noRound refuses a request whose field names a round that does not exist.
func noRound(field, id string) error {
	return &errs.Error{Code: errs.NotFound, Field: field, Rule: "exists", Message: fmt.Sprintf("no placement round %s", id)}
}

// sendTogether runs batches at once, each on a connection of its own.
func sendTogether(ctx context.Context, db *pgxpool.Pool, batches ...*pgx.Batch) error {
	failed := make([]error, len(batches))
	var wg sync.WaitGroup
	for i, b := range batches {
		wg.Go(func() { failed[i] = db.SendBatch(ctx, b).Close() })
	}
	wg.Wait()
	return errors.Join(failed...)
}

// queueRows queues query on b, to collect its rows into *out with scan when
// the batch runs.
func queueRows[T any](b *pgx.Batch, out *[]T, scan func(pgx.CollectableRow) (T, error), query string, args ...any) {
	b.Queue(query, args...).Query(func(rows pgx.Rows) error {
		var err error
		*out, err = pgx.CollectRows(rows, scan)
		return err
	})
}

// schoolDashboard reads schoolID's dashboard for roundID, or for the latest
// round the school offered places in, as the viewer may see it.
func (r *Resolver) schoolDashboard(ctx context.Context, schoolID string, roundID *string) (*SchoolDashboard, error) {
	actor, err := viewer(ctx)
	if err != nil {
		return nil, err
	}
	if schoolID == "" {
		return nil, errs.Invalid("schoolId", "required", "name the school")
	}
	// scope is the one school a school-bound viewer reads; every query
	// below is narrowed to the school the first one returns.
	var scope *string
	if !seesAll(actor) {
		own, ok := schoolOf(actor)
		if !ok || own != schoolID {
			return nil, forbidden("%s may not read the dashboard of school %s", describe(actor), schoolID)
		}
		scope = &own
	}
	d := &SchoolDashboard{}
	var (
		round                            DashboardRound
		roundFound, agreementID, endedOn *string
		firstYear, years                 *int
		draft                            *bool
		need                             minimum
	)
	err = r.DB.QueryRow(ctx, `
		SELECT s.school_id, s.name, s.district, s.level,
		       rd.round_id, COALESCE(rd.name, ''), COALESCE(rd.school_year, 0), COALESCE(rd.status, ''),
		       a.agreement_id, a.first_school_year, a.years, a.draft, a.ended_on::text,
		       `+policyColumns+`
		FROM rm_placements.schools s
		LEFT JOIN LATERAL (
			SELECT r.round_id, r.name, r.school_year, r.status
			FROM rm_placements.rounds r
			WHERE CASE WHEN $2::text IS NULL
			           THEN r.round_id IN (SELECT o.round_id FROM rm_placements.offer_schools o WHERE o.school_id = s.school_id AND NOT o.withdrawn)
			           ELSE r.round_id = $2 END
			ORDER BY r.school_year DESC, r.opened_at DESC
			LIMIT 1
		) rd ON true
		LEFT JOIN LATERAL (
			SELECT a.agreement_id, a.first_school_year, a.years, a.draft, a.ended_on
			FROM rm_placements.agreements a
			WHERE a.school_id = s.school_id
			ORDER BY rd.school_year BETWEEN a.first_school_year AND a.first_school_year + a.years - 1 DESC NULLS LAST,
			         a.ended_on IS NULL DESC, a.draft, a.first_school_year DESC, a.agreement_id
			LIMIT 1
		) a ON true
		WHERE s.school_id = $1 AND ($3::text IS NULL OR s.school_id = $3)`,
		schoolID, roundID, scope).Scan(
		&d.School.ID, &d.School.Name, &d.School.District, &d.School.Level,
		&roundFound, &round.Name, &round.SchoolYear, &round.Status,
		&agreementID, &firstYear, &years, &draft, &endedOn,
		&need.mentor, &need.tutor)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errs.Newf(errs.NotFound, "no school %s", schoolID)
	}
	if err != nil {
		return nil, fmt.Errorf("school dashboard of %s: %w", schoolID, err)
	}
	if roundID != nil && roundFound == nil {
		return nil, noRound("roundId", *roundID)
	}
	// The term whose rounds placesByRound shows: the agreement's, or the
	// round's year alone when the school has none.
	termFrom, termTo := round.SchoolYear, round.SchoolYear
	if agreementID != nil {
		p := &SchoolPartnership{AgreementID: *agreementID, FirstSchoolYear: *firstYear, LastSchoolYear: *firstYear + *years - 1, Draft: *draft, EndedOn: endedOn}
		if y := round.SchoolYear - p.FirstSchoolYear + 1; roundFound != nil && y >= 1 && y <= *years {
			p.YearOfTerm = &y
		}
		d.Partnership = p
		termFrom, termTo = p.FirstSchoolYear, p.LastSchoolYear
	}

	b := &pgx.Batch{}
	queueRows(b, &d.ForumParticipation, pgx.RowToStructByPos[ForumParticipation], `
		SELECT year, sum(registered)::int, sum(attended)::int, sum(presented)::int
		FROM (
			SELECT year, count(*) FILTER (WHERE NOT cancelled) AS registered,
			       count(*) FILTER (WHERE attended AND NOT cancelled) AS attended, 0 AS presented
			FROM rm_forum.registrations WHERE school_id = $1 GROUP BY year
			UNION ALL
			SELECT year, 0, 0, count(*) FROM rm_forum.sessions WHERE presenter_school_id = $1 GROUP BY year
		) f
		GROUP BY year ORDER BY year`, d.School.ID)
	if roundFound == nil {
		if err := r.DB.SendBatch(ctx, b).Close(); err != nil {
			return nil, fmt.Errorf("school dashboard of %s: %w", schoolID, err)
		}
		return d, nil
	}
	round.ID = *roundFound
	d.Round = &round

	queueRows(b, &d.Places, pgx.RowToStructByPos[SubjectPlaces], `
		WITH offered AS (
			SELECT o.subject, o.places
			FROM rm_placements.offers o
			JOIN rm_placements.offer_schools os ON os.round_id = o.round_id AND os.school_id = o.school_id AND NOT os.withdrawn
			WHERE o.round_id = $1 AND o.school_id = $2
		), placed AS (
			SELECT p.subject,
			       count(*) FILTER (WHERE p.status = ANY($3)) AS allocated,
			       count(*) FILTER (WHERE p.status = 'confirmed') AS confirmed
			FROM rm_placements.placements p
			WHERE p.school_id = $2 AND p.round_id = $1 AND p.subject IS NOT NULL
			GROUP BY p.subject
		), declined AS (
			SELECT d.subject, count(*) AS declined
			FROM rm_placements.declines d
			WHERE d.round_id = $1 AND d.school_id = $2
			GROUP BY 1
		)
		SELECT subject, COALESCE(o.places, 0), COALESCE(p.allocated, 0)::int, COALESCE(p.confirmed, 0)::int, COALESCE(d.declined, 0)::int
		FROM offered o FULL JOIN placed p USING (subject) FULL JOIN declined d USING (subject)
		ORDER BY subject`, round.ID, d.School.ID, allocatedFor(actor))

	queueRows(b, &d.PlacesByRound, func(row pgx.CollectableRow) (RoundPlaces, error) {
		var p RoundPlaces
		err := row.Scan(&p.Round.ID, &p.Round.Name, &p.Round.SchoolYear, &p.Round.Status, &p.Subject, &p.Offered, &p.Filled)
		return p, err
	}, `
		SELECT r.round_id, r.name, r.school_year, r.status, o.subject, o.places, COALESCE(f.filled, 0)::int
		FROM rm_placements.offer_schools os
		JOIN rm_placements.rounds r ON r.round_id = os.round_id
		JOIN rm_placements.offers o ON o.round_id = os.round_id AND o.school_id = os.school_id
		LEFT JOIN (
			SELECT p.round_id, p.subject, count(*) AS filled
			FROM rm_placements.placements p
			WHERE p.school_id = $1 AND p.status = 'confirmed'
			GROUP BY p.round_id, p.subject
		) f ON f.round_id = o.round_id AND f.subject = o.subject
		WHERE os.school_id = $1 AND NOT os.withdrawn AND r.school_year BETWEEN $2 AND $3
		ORDER BY r.school_year, r.opened_at, r.round_id, o.subject`, d.School.ID, termFrom, termTo)

	queueRows(b, &d.StudentTeachers, func(row pgx.CollectableRow) (HostedStudentTeacher, error) {
		var (
			s                        HostedStudentTeacher
			mentorID, mentorName     *string
			mentor, teacher, byTutor int
		)
		err := row.Scan(&s.ID, &s.Name, &s.Subject, &s.Status, &mentorID, &mentorName, &s.TutorID,
			&mentor, &teacher, &byTutor, &s.LastObservedOn, &s.OpenConcerns, &s.Recommendation)
		if mentorID != nil {
			s.Mentor = &NamedPerson{ID: *mentorID, Name: mentorName}
		}
		s.Observations = need.tally(mentor, teacher, byTutor)
		return s, err
	}, `
		SELECT p.student_id, COALESCE(st.name, ''), COALESCE(p.subject, ''), p.status,
		       COALESCE(rec.mentor_id, p.mentor_id), t.name, rec.tutor_id,
		       COALESCE(rec.mentor_observations, 0), COALESCE(rec.teacher_observations, 0), COALESCE(rec.tutor_observations, 0),
		       rec.last_observed_on::text, COALESCE(rec.open_concerns, 0),
		       COALESCE(rec.moderated_recommendation, rec.recommendation)
		FROM rm_placements.placements p
		LEFT JOIN rm_placements.students st ON st.round_id = p.round_id AND st.student_id = p.student_id
		LEFT JOIN rm_mentoring.records rec ON rec.school_id = p.school_id AND rec.round_id = p.round_id AND rec.student_id = p.student_id
		LEFT JOIN rm_placements.teachers t ON t.school_id = p.school_id AND t.teacher_id = COALESCE(rec.mentor_id, p.mentor_id)
		WHERE p.school_id = $1 AND p.round_id = $2 AND p.status IN ('published', 'confirmed')
		ORDER BY st.name, p.student_id`, d.School.ID, round.ID)

	queueRows(b, &d.OpenConcerns, func(row pgx.CollectableRow) (Concern, error) {
		var c Concern
		err := row.Scan(&c.ID, &c.Student.ID, &c.Student.Name, &c.Category, &c.Severity, &c.RaisedAt)
		return c, err
	}, `
		SELECT c.concern_id, rec.student_id, st.name, c.category, c.severity, c.raised_at
		FROM rm_mentoring.records rec
		JOIN rm_mentoring.concerns c ON c.record_id = rec.record_id AND c.resolved_at IS NULL
		LEFT JOIN rm_placements.students st ON st.round_id = rec.round_id AND st.student_id = rec.student_id
		WHERE rec.school_id = $1 AND rec.round_id = $2
		ORDER BY c.raised_at, c.concern_id`, d.School.ID, round.ID)

	if err := r.DB.SendBatch(ctx, b).Close(); err != nil {
		return nil, fmt.Errorf("school dashboard of %s: %w", schoolID, err)
	}
	return d, nil
}

// facultyDashboard reads roundID across every school, for the roles that
// read everything.
func (r *Resolver) facultyDashboard(ctx context.Context, roundID string) (*FacultyDashboard, error) {
	actor, err := viewer(ctx)
	if err != nil {
		return nil, err
	}
	if !seesAll(actor) {
		return nil, forbidden("%s may not read the faculty dashboard: it covers every school", describe(actor))
	}
	if roundID == "" {
		return nil, errs.Invalid("roundId", "required", "name the placement round")
	}
	// Every read goes at once: those that need the round's school year
	// read it themselves, and the reasons a student-teacher is at risk are
	// written once the policy is read too.
	d := &FacultyDashboard{}
	var (
		need  minimum
		found bool
		risks []riskRow
	)
	today := hongKongToday()
	b := &pgx.Batch{}
	b.Queue(`
		SELECT r.round_id, r.name, r.school_year, r.status, `+policyColumns+`
		FROM rm_placements.rounds r
		WHERE r.round_id = $1`, roundID).QueryRow(func(row pgx.Row) error {
		err := row.Scan(&d.Round.ID, &d.Round.Name, &d.Round.SchoolYear, &d.Round.Status, &need.mentor, &need.tutor)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		found = err == nil
		return err
	})
	queueRows(b, &d.FillRate, func(row pgx.CollectableRow) (SubjectFill, error) {
		var f SubjectFill
		err := row.Scan(&f.Subject, &f.Offered, &f.Placed, &f.Confirmed)
		if f.Offered > 0 {
			f.Rate = float64(f.Placed) / float64(f.Offered)
		}
		return f, err
	}, `
		WITH offered AS (
			SELECT o.subject, sum(o.places) AS offered
			FROM rm_placements.offers o
			JOIN rm_placements.offer_schools os ON os.round_id = o.round_id AND os.school_id = o.school_id AND NOT os.withdrawn
			WHERE o.round_id = $1
			GROUP BY o.subject
		), placed AS (
			SELECT subject, placed, confirmed
			FROM rm_placements.round_subjects
			WHERE round_id = $1 AND (placed > 0 OR confirmed > 0)
		)
		SELECT subject, COALESCE(offered, 0)::int, COALESCE(placed, 0)::int, COALESCE(confirmed, 0)::int
		FROM offered FULL JOIN placed USING (subject)
		ORDER BY subject`, roundID)

	queueRows(b, &d.Unplaced, func(row pgx.CollectableRow) (UnplacedStudent, error) {
		var (
			u              UnplacedStudent
			status, reason *string
		)
		err := row.Scan(&u.ID, &u.Name, &u.Subjects, &status, &reason)
		switch {
		case status == nil:
			u.Reason = "registered after the allocation ran"
		case *status == "declined":
			u.Reason = "declined by the school; waiting to be allocated again"
		case reason != nil && *reason != "":
			u.Reason = *reason
		default:
			u.Reason = "no school could take them"
		}
		return u, err
	}, `
		SELECT st.student_id, st.name, st.subjects, p.status, p.unplaced_reason
		FROM rm_placements.placements p
		JOIN rm_placements.students st ON st.round_id = p.round_id AND st.student_id = p.student_id
		WHERE p.round_id = $1 AND p.status IN ('unplaced', 'declined')
		UNION ALL
		SELECT st.student_id, st.name, st.subjects, NULL, NULL
		FROM rm_placements.students st
		WHERE st.round_id = $1 AND NOT st.allocated
		  AND EXISTS (SELECT 1 FROM rm_placements.rounds r WHERE r.round_id = $1 AND r.status <> 'open')
		ORDER BY 2, 1`, roundID)

	b.Queue(`SELECT records, meeting_minimum FROM rm_mentoring.round_coverage WHERE round_id = $1`, roundID).QueryRow(func(row pgx.Row) error {
		c := &d.ObservationCoverage
		if err := row.Scan(&c.Records, &c.MeetingMinimum); err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if c.Records > 0 {
			c.Share = float64(c.MeetingMinimum) / float64(c.Records)
		}
		return nil
	})

	// The heaviest read, the students at risk, goes on a second
	// connection with the forum's, so the database answers the dashboard
	// on two cores in about equal halves.
	heavy := &pgx.Batch{}
	queueRows(heavy, &risks, pgx.RowToStructByPos[riskRow], `
		WITH risky AS (
			-- One index of rm_mentoring.records for each reason: too few
			-- observations count once the windows have ended.
			SELECT `+riskColumns+` FROM rm_mentoring.records WHERE round_id = $1 AND open_concerns > 0
			UNION
			SELECT `+riskColumns+` FROM rm_mentoring.records WHERE round_id = $1 AND short AND last_window_day < $2::date
			UNION
			SELECT `+riskColumns+` FROM rm_mentoring.records
			WHERE round_id = $1 AND COALESCE(moderated_recommendation, recommendation) = 'fail'
		)
		SELECT r.student_id, r.name, r.school_id, r.subject, r.open_concerns, r.recommendation,
		       r.by_school, r.by_tutor, r.last_window_day::text
		FROM (
			-- Each name by its key: a few hundred look-ups, where a join
			-- would read every student-teacher of the round.
			SELECT risky.*, COALESCE((SELECT st.name FROM rm_placements.students st
			                          WHERE st.round_id = risky.round_id AND st.student_id = risky.student_id), '') AS name
			FROM risky
		) r
		ORDER BY r.name, r.student_id`, roundID, today)

	queueRows(b, &d.RenewalsDue, pgx.RowToStructByPos[RenewalDue], `
		WITH round AS (
			SELECT school_year AS year FROM rm_placements.rounds WHERE round_id = $1
		), due AS (
			SELECT a.school_id, a.agreement_id, false AS on_agenda
			FROM rm_placements.agreements a, round
			WHERE a.ended_on IS NULL AND a.first_school_year + a.years - 1 <= round.year
			  AND NOT EXISTS (
			      SELECT 1 FROM rm_placements.agreements b
			      WHERE b.school_id = a.school_id AND b.ended_on IS NULL
			        AND b.first_school_year + b.years > a.first_school_year + a.years)
			UNION ALL
			SELECT school_id, agreement_id, true FROM rm_forum.renewals WHERE year = (SELECT year FROM round)
		)
		SELECT d.school_id, COALESCE(s.name, ''), d.agreement_id,
		       COALESCE(max(a.first_school_year + a.years - 1), max(f.last_school_year))::int,
		       bool_or(d.on_agenda)
		FROM due d
		LEFT JOIN rm_placements.schools s ON s.school_id = d.school_id
		LEFT JOIN rm_placements.agreements a ON a.agreement_id = d.agreement_id
		LEFT JOIN rm_forum.renewals f ON f.year = (SELECT year FROM round) AND f.school_id = d.school_id AND f.agreement_id = d.agreement_id
		GROUP BY d.school_id, s.name, d.agreement_id
		ORDER BY 4, 2, 3`, roundID)

	heavy.Queue(`
		SELECT f.year,
		       count(g.registration_id) FILTER (WHERE NOT g.cancelled)::int,
		       count(g.registration_id) FILTER (WHERE g.attended AND NOT g.cancelled)::int,
		       count(DISTINCT g.school_id) FILTER (WHERE g.attended AND NOT g.cancelled)::int
		FROM rm_forum.forums f
		LEFT JOIN rm_forum.registrations g ON g.year = f.year
		WHERE f.year = (SELECT school_year FROM rm_placements.rounds WHERE round_id = $1)
		GROUP BY f.year`, roundID).QueryRow(func(row pgx.Row) error {
		var a ForumAttendance
		err := row.Scan(&a.Year, &a.Registered, &a.Attended, &a.Schools)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		d.ForumAttendance = &a
		return err
	})

	if err := sendTogether(ctx, r.DB, b, heavy); err != nil {
		return nil, fmt.Errorf("faculty dashboard of %s: %w", roundID, err)
	}
	if !found {
		return nil, noRound("roundId", roundID)
	}
	d.StudentsAtRisk = make([]StudentAtRisk, len(risks))
	for i, k := range risks {
		d.StudentsAtRisk[i] = StudentAtRisk{ID: k.ID, Name: k.Name, SchoolID: k.SchoolID, Subject: k.Subject,
			Reasons: atRiskReasons(k.Concerns, k.Recommendation, k.BySchool, k.ByTutor, k.LastDay, need, today)}
	}
	for _, f := range d.FillRate {
		if strings.HasPrefix(strings.ToLower(f.Subject), "english") {
			d.EnglishPlaces.Offered += f.Offered
			d.EnglishPlaces.Placed += f.Placed
		}
	}
	return d, nil
}

// atRiskReasons says why a placement is at risk, in the words the faculty
// reads: open concerns, a final recommendation that does not pass, and too
// few observations once the practicum's last window ended before today.
func atRiskReasons(concerns int, recommendation *string, bySchool, byTutor int, lastDay *string, need minimum, today string) []string {
	var reasons []string
	switch concerns {
	case 0:
	case 1:
		reasons = append(reasons, "1 open concern")
	default:
		reasons = append(reasons, fmt.Sprintf("%d open concerns", concerns))
	}
	if recommendation != nil && !slices.Contains(passingRecommendations, *recommendation) {
		reasons = append(reasons, "final recommendation: "+*recommendation)
	}
	// Both days are written 2006-01-02, so they compare as strings.
	if lastDay != nil && *lastDay < today && (bySchool < need.mentor || byTutor < need.tutor) {
		reasons = append(reasons, fmt.Sprintf(
			"%d of %d observations by the school's teachers and %d of %d by the tutor when the practicum ended on %s",
			bySchool, need.mentor, byTutor, need.tutor, *lastDay))
	}
	return reasons
}

// hongKongToday is today's date in Hong Kong: queries may read the clock
// (projections may not).
func hongKongToday() string {
	return time.Now().In(hongKong).Format(errs.DateLayout)
}

// describe names a viewer in a refusal.
func describe(a events.Actor) string {
	return fmt.Sprintf("%s %s", strings.ToLower(strings.ReplaceAll(string(a.Role), "_", " ")), a.ID)
}
