package graph

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"wsms/events"
	"wsms/platform/errs"
)

// The round view and the school pages read rm_placements, one query per
// list, each narrowed to what the viewer may see by its WHERE clause (see
// placementScope) and by an index (the round, or the school and round).

// PlacementRound is a round's head; its offers, registrations, declines and
// ineligible schools are read by their own resolvers, each one query.
type PlacementRound struct {
	ID                 string
	Name               string
	SchoolYear         int
	Windows            []PracticumWindow
	OfferDeadline      string
	PreferenceDeadline string
	MaxPreferences     int
	MaxTravelMinutes   int
	Status             PlacementRoundStatus
	Summary            *AllocationSummary
}

// PracticumWindow is a round's window as the rounds table stores it.
type PracticumWindow struct {
	From string  `json:"from"`
	To   string  `json:"to"`
	Name *string `json:"name"`
}

// AllocationSummary is an allocation's score as the rounds table stores it.
type AllocationSummary struct {
	Placed        int `json:"placed"`
	WorstRank     int `json:"worstRank"`
	RankCost      int `json:"rankCost"`
	TravelMinutes int `json:"travelMinutes"`
}

// SchoolOffer is a school's offer in a round.
type SchoolOffer struct {
	SchoolID       string
	SchoolName     string
	Capacity       int
	Withdrawn      bool
	WithdrawReason *string
	Warnings       []string
	Subjects       []OfferedSubject
}

// OfferedSubject is a school's places in one subject, read as JSON.
type OfferedSubject struct {
	Subject string `json:"subject"`
	Places  int    `json:"places"`
	Filled  int    `json:"filled"`
}

// StudentRegistration is a student-teacher in a round with their outcome;
// what they chose and why they got what they got are nil to a school's
// staff (placementScope.seesChoices).
type StudentRegistration struct {
	StudentID      string
	Name           string
	Level          string
	Subjects       []string
	Preferences    []string
	Status         *PlacementStatus
	Placement      *RoundPlacement
	UnplacedReason *string
	Explanation    *AllocationExplanation
}

// RoundPlacement is a student-teacher's placement in a round.
type RoundPlacement struct {
	SchoolID       string
	SchoolName     string
	Subject        string
	Rank           *int
	TravelMinutes  *int
	Status         PlacementStatus
	Overridden     bool
	OverrideReason *string
	Exception      *string
	MentorID       *string
}

// AllocationExplanation is a student-teacher's explanation as the
// placements table stores it (placement.Explanation).
type AllocationExplanation struct {
	Rank      int               `json:"rank"`
	NotChosen []NotChosenSchool `json:"notChosen"`
}

// NotChosenSchool is a school preferred to the one given, and why not.
type NotChosenSchool struct {
	SchoolID string `json:"schoolId"`
	Rank     int    `json:"rank"`
	Reason   string `json:"reason"`
}

// Decline is a placement a school declined.
type Decline struct {
	StudentID, StudentName, SchoolID, SchoolName, Subject, Reason string
	DeclinedAt                                                    time.Time
}

// IneligibleSchool is a school the round's allocation left out.
type IneligibleSchool struct {
	SchoolID, SchoolName, Reason string
}

// School is a partner school; Contact and Teachers are nil for a viewer
// who may read only its basic facts.
type School struct {
	ID, Name, District, Level string
	Contact                   *SchoolContact
	Agreements                []PartnershipAgreement
	Teachers                  []SchoolTeacher
}

// SchoolContact is read as JSON.
type SchoolContact struct {
	Name  string  `json:"name"`
	Email string  `json:"email"`
	Phone *string `json:"phone"`
}

// PartnershipAgreement is read as JSON.
type PartnershipAgreement struct {
	ID              string   `json:"id"`
	FirstSchoolYear int      `json:"firstSchoolYear"`
	LastSchoolYear  int      `json:"lastSchoolYear"`
	CoreSubjects    []string `json:"coreSubjects"`
	MinPlaces       int      `json:"minPlaces"`
	MaxPlaces       int      `json:"maxPlaces"`
	EnglishKla      bool     `json:"englishKla"`
	Draft           bool     `json:"draft"`
	EndedOn         *string  `json:"endedOn"`
	EndReason       *string  `json:"endReason"`
}

// SchoolTeacher is read as JSON.
type SchoolTeacher struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	MentorSubjects []string `json:"mentorSubjects"`
	LoadLimit      int      `json:"loadLimit"`
}

// placementScope is what a viewer reads of rm_placements (scope.go): all
// of it, one school's, or one student-teacher's.
type placementScope struct {
	all     bool
	school  string
	student string
}

// placementScopeOf is the viewer's scope; a role outside the partnership's
// six (a process) reads nothing here.
func placementScopeOf(ctx context.Context) (placementScope, error) {
	actor, err := viewer(ctx)
	if err != nil {
		return placementScope{}, err
	}
	if seesAll(actor) {
		return placementScope{all: true}, nil
	}
	if school, ok := schoolOf(actor); ok {
		return placementScope{school: school}, nil
	}
	if actor.Role == events.RoleStudentTeacher {
		return placementScope{student: actor.ID}, nil
	}
	return placementScope{}, forbidden("a %s reads no placement records", actor.Role)
}

// narrow is the SQL condition keeping the rows the viewer may read, whose
// school is in schoolCol and student-teacher in studentCol; with studentCol
// "" the rows are about schools, and a student-teacher reads them all.
func (s placementScope) narrow(args *[]any, schoolCol, studentCol string) string {
	switch {
	case s.all:
		return "true"
	case s.school != "":
		return schoolCol + " = " + arg(args, s.school)
	case studentCol == "":
		return "true"
	default:
		return studentCol + " = " + arg(args, s.student)
	}
}

// staffOf is the SQL condition that the viewer reads everything or works at
// the school in schoolCol: they then read its contact and teachers.
func (s placementScope) staffOf(args *[]any, schoolCol string) string {
	switch {
	case s.all:
		return "true"
	case s.school != "":
		return schoolCol + " = " + arg(args, s.school)
	default:
		return "false"
	}
}

// seesChoices is the SQL condition that the viewer may read what the
// student-teacher in studentCol chose and why they got what they got: their
// preferences, the rank and travel time of their placement, why they were
// left unplaced, their explanation (which names other schools and why
// those were not theirs), the office's reason for placing them by hand and
// the rule it waived. The office, faculty and tutors read these, and the
// student-teacher their own; a school's staff never do, though they see
// who is placed with them.
func (s placementScope) seesChoices(args *[]any, studentCol string) string {
	switch {
	case s.all:
		return "true"
	case s.student != "":
		return studentCol + " = " + arg(args, s.student)
	default:
		return "false"
	}
}

// seesAllocation is the SQL condition that the viewer may see the
// allocation of the round r: everyone once it is published, the office,
// faculty and tutors before.
func (s placementScope) seesAllocation() string {
	return "(" + strconv.FormatBool(s.all) + " OR r.published_at IS NOT NULL)"
}

// arg adds v to args and names it as a query parameter.
func arg(args *[]any, v any) string {
	*args = append(*args, v)
	return fmt.Sprintf("$%d", len(*args))
}

// sortKey is one column of a list's order, with its SQL type, so a cursor's
// text compares as the column does.
type sortKey struct{ expr, typ string }

// listQuery is one list of a connection: from where (the viewer's scope
// and the filters, with their args), what each row selects (adding any
// args of its own after those of from, so the count reads from alone), in
// an order its keys make unique.
type listQuery struct {
	from    string
	args    []any
	columns func(args *[]any) string
	keys    []sortKey
}

// whole is the SQL of the whole list in its order, with its args.
func (q listQuery) whole() query {
	args := append([]any(nil), q.args...)
	columns := q.columns(&args)
	return query{fmt.Sprintf("SELECT %s %s ORDER BY %s", columns, q.from, exprs(q.keys)), args}
}

// query is an SQL query with its args.
type query struct {
	sql  string
	args []any
}

// page reads the page of the list after the cursor, and counts the whole
// list, in one round trip. next returns the destinations of the columns of
// a new row; it may be called once more than the page holds. page returns
// the cursor of each row of the page and where the page ends.
func (q listQuery) page(ctx context.Context, db *pgxpool.Pool, first *int, after *string, next func() []any) ([]string, PageInfo, int, error) {
	n, err := pageSize(first)
	if err != nil {
		return nil, PageInfo{}, 0, err
	}
	from, err := decodeCursor(after, len(q.keys))
	if err != nil {
		return nil, PageInfo{}, 0, err
	}
	args := append([]any(nil), q.args...)
	columns := q.columns(&args)
	where, keys, order := "", make([]string, len(q.keys)), make([]string, len(q.keys))
	if from != nil {
		params := make([]string, len(q.keys))
		for i, k := range q.keys {
			v, err := cursorValue(k.typ, from[i])
			if err != nil {
				return nil, PageInfo{}, 0, err
			}
			params[i] = arg(&args, v) + "::" + k.typ
		}
		where = " AND (" + exprs(q.keys) + ") > (" + strings.Join(params, ", ") + ")"
	}
	for i, k := range q.keys {
		keys[i], order[i] = "("+k.expr+")::text", k.expr
	}
	b := &pgx.Batch{}
	var cursors []string
	b.Queue(fmt.Sprintf("SELECT %s, %s %s%s ORDER BY %s LIMIT %d", columns, strings.Join(keys, ", "), q.from, where, strings.Join(order, ", "), n+1),
		args...).Query(func(rows pgx.Rows) error {
		// One row past the page says whether another page follows.
		for rows.Next() {
			key := make([]string, len(q.keys))
			dest := next()
			for i := range key {
				dest = append(dest, &key[i])
			}
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			cursors = append(cursors, encodeCursor(key...))
		}
		return rows.Err()
	})
	var total int
	b.Queue("SELECT count(*) "+q.from, q.args...).QueryRow(func(row pgx.Row) error { return row.Scan(&total) })
	if err := db.SendBatch(ctx, b).Close(); err != nil {
		return nil, PageInfo{}, 0, err
	}
	info := PageInfo{HasNextPage: len(cursors) > n}
	cursors = cursors[:min(len(cursors), n)]
	if len(cursors) > 0 {
		info.EndCursor = &cursors[len(cursors)-1]
	}
	return cursors, info, total, nil
}

// exprs lists the keys' expressions, as a row to compare with a cursor's.
func exprs(keys []sortKey) string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.expr
	}
	return strings.Join(out, ", ")
}

// placementRound reads a round's head; nil when there is none.
func (r *Resolver) placementRound(ctx context.Context, id string) (*PlacementRound, error) {
	scope, err := placementScopeOf(ctx)
	if err != nil {
		return nil, err
	}
	round := &PlacementRound{}
	err = r.DB.QueryRow(ctx, "SELECT "+roundColumns(scope)+" FROM rm_placements.rounds r WHERE r.round_id = $1", id).
		Scan(roundFields(round)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read round %s: %w", id, err)
	}
	return round, nil
}

// roundColumns are a round's head as roundFields reads it; the summary
// only to a viewer who sees the allocation.
func roundColumns(scope placementScope) string {
	return `r.round_id, r.name, r.school_year, r.windows, to_char(r.offer_deadline, 'YYYY-MM-DD'),
		to_char(r.preference_deadline, 'YYYY-MM-DD'), r.max_preferences, r.max_travel_minutes, upper(r.status),
		CASE WHEN ` + scope.seesAllocation() + ` THEN r.summary END`
}

func roundFields(p *PlacementRound) []any {
	return []any{&p.ID, &p.Name, &p.SchoolYear, &p.Windows, &p.OfferDeadline, &p.PreferenceDeadline,
		&p.MaxPreferences, &p.MaxTravelMinutes, &p.Status, &p.Summary}
}

// placementRounds lists the rounds, latest school year first.
func (r *Resolver) placementRounds(ctx context.Context, schoolYear *int, first *int, after *string) (*PlacementRoundConnection, error) {
	scope, err := placementScopeOf(ctx)
	if err != nil {
		return nil, err
	}
	q := listQuery{keys: []sortKey{{"-r.school_year", "int"}, {"r.round_id", "text"}}}
	q.columns = func(*[]any) string { return roundColumns(scope) }
	q.from = "FROM rm_placements.rounds r WHERE true"
	if schoolYear != nil {
		q.from += " AND r.school_year = " + arg(&q.args, *schoolYear)
	}
	var rounds []*PlacementRound
	cursors, info, total, err := q.page(ctx, r.DB, first, after, func() []any {
		p := &PlacementRound{}
		rounds = append(rounds, p)
		return roundFields(p)
	})
	if err != nil {
		return nil, fmt.Errorf("list rounds: %w", err)
	}
	conn := &PlacementRoundConnection{Edges: []PlacementRoundEdge{}, PageInfo: &info, TotalCount: total}
	for i, c := range cursors {
		conn.Edges = append(conn.Edges, PlacementRoundEdge{Cursor: c, Node: rounds[i]})
	}
	return conn, nil
}

// roundOffers reads the offers of a round the viewer may see, with the
// places their placements fill.
func (r *Resolver) roundOffers(ctx context.Context, roundID string) ([]SchoolOffer, error) {
	scope, err := placementScopeOf(ctx)
	if err != nil {
		return nil, err
	}
	q := offersQuery(scope, roundID)
	rows, err := r.DB.Query(ctx, q.sql, q.args...)
	if err != nil {
		return nil, fmt.Errorf("read offers of round %s: %w", roundID, err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (SchoolOffer, error) {
		var o SchoolOffer
		err := row.Scan(&o.SchoolID, &o.SchoolName, &o.Capacity, &o.Withdrawn, &o.WithdrawReason, &o.Warnings, &o.Subjects)
		return o, err
	})
}

// offersQuery reads the offers of a round the viewer may see. Each school's
// subjects are gathered in one pass over the round's offers and
// placements, not once per school.
func offersQuery(scope placementScope, roundID string) query {
	args := []any{roundID}
	sql := `
		WITH filled AS (
			SELECT p.school_id, lower(p.subject) AS subject, count(*) AS n
			FROM rm_placements.placements p JOIN rm_placements.rounds r ON r.round_id = p.round_id
			WHERE p.round_id = $1 AND p.status IN ('proposed', 'published', 'confirmed') AND ` + scope.seesAllocation() + `
				AND ` + scope.narrow(&args, "p.school_id", "") + `
			GROUP BY 1, 2),
		subjects AS (
			SELECT o.school_id,
				json_agg(json_build_object('subject', o.subject, 'places', o.places, 'filled', coalesce(f.n, 0)) ORDER BY o.subject) AS subjects
			FROM rm_placements.offers o LEFT JOIN filled f ON f.school_id = o.school_id AND f.subject = lower(o.subject)
			WHERE o.round_id = $1 AND ` + scope.narrow(&args, "o.school_id", "") + `
			GROUP BY o.school_id)
		SELECT os.school_id, os.school_name, os.capacity, os.withdrawn, os.withdraw_reason, os.warnings, coalesce(sj.subjects, '[]')
		FROM rm_placements.offer_schools os LEFT JOIN subjects sj ON sj.school_id = os.school_id
		WHERE os.round_id = $1 AND ` + scope.narrow(&args, "os.school_id", "") + `
		ORDER BY os.school_name, os.school_id`
	return query{sql, args}
}

// roundRegistrations lists the student-teachers of a round the viewer may
// see, by name: a school's staff those placed at their school once the
// allocation is published, a student-teacher themselves.
func (r *Resolver) roundRegistrations(ctx context.Context, roundID string, status *PlacementStatus, subject *string, first *int, after *string) (*StudentRegistrationConnection, error) {
	scope, err := placementScopeOf(ctx)
	if err != nil {
		return nil, err
	}
	q := registrationsList(scope, roundID, status, subject)
	type row struct {
		reg                               StudentRegistration
		school, schoolName, subject       *string
		rank, minutes                     *int
		overridden                        *bool
		overrideReason, exception, mentor *string
	}
	var regs []*row
	cursors, info, total, err := q.page(ctx, r.DB, first, after, func() []any {
		x := &row{}
		regs = append(regs, x)
		return []any{&x.reg.StudentID, &x.reg.Name, &x.reg.Level, &x.reg.Subjects, &x.reg.Preferences, &x.reg.Status, &x.school,
			&x.schoolName, &x.subject, &x.rank, &x.minutes, &x.overridden, &x.overrideReason, &x.exception, &x.mentor,
			&x.reg.UnplacedReason, &x.reg.Explanation}
	})
	if err != nil {
		return nil, fmt.Errorf("list registrations of round %s: %w", roundID, err)
	}
	conn := &StudentRegistrationConnection{Edges: []StudentRegistrationEdge{}, PageInfo: &info, TotalCount: total}
	for i, c := range cursors {
		x := regs[i]
		if x.school != nil {
			x.reg.Placement = &RoundPlacement{SchoolID: *x.school, SchoolName: *x.schoolName, Subject: *x.subject, Rank: x.rank,
				TravelMinutes: x.minutes, Status: *x.reg.Status, Overridden: *x.overridden, OverrideReason: x.overrideReason,
				Exception: x.exception, MentorID: x.mentor}
		}
		conn.Edges = append(conn.Edges, StudentRegistrationEdge{Cursor: c, Node: &x.reg})
	}
	return conn, nil
}

// registrationsList is the list of a round's registrations the viewer may
// see, filtered by status and subject. What a student-teacher chose and
// why they got what they got is null unless the viewer seesChoices.
func registrationsList(scope placementScope, roundID string, status *PlacementStatus, subject *string) listQuery {
	q := listQuery{args: []any{roundID}, keys: []sortKey{{"s.name", "text"}, {"s.student_id", "text"}}}
	q.columns = func(args *[]any) string {
		own := scope.seesChoices(args, "s.student_id")
		mine := func(column string) string { return "CASE WHEN " + own + " THEN " + column + " END" }
		return `s.student_id, s.name, s.level, s.subjects, ` + mine("s.preferences") + `, upper(p.status), p.school_id,
			coalesce(os.school_name, sc.name, ''), p.subject, ` + mine("p.rank") + `, ` + mine("p.travel_minutes") + `, p.overridden,
			` + mine("p.override_reason") + `, ` + mine("p.exception") + `, p.mentor_id, ` + mine("p.unplaced_reason") + `,
			` + mine("p.explanation")
	}
	q.from = `FROM rm_placements.students s
		JOIN rm_placements.rounds r ON r.round_id = s.round_id
		LEFT JOIN rm_placements.placements p ON p.round_id = s.round_id AND p.student_id = s.student_id AND ` + scope.seesAllocation() + `
		LEFT JOIN rm_placements.offer_schools os ON os.round_id = p.round_id AND os.school_id = p.school_id
		LEFT JOIN rm_placements.schools sc ON sc.school_id = p.school_id
		WHERE s.round_id = $1 AND ` + scope.narrow(&q.args, "p.school_id", "s.student_id")
	if status != nil {
		q.from += " AND upper(p.status) = " + arg(&q.args, string(*status))
	}
	if subject != nil {
		q.from += " AND EXISTS (SELECT 1 FROM unnest(s.subjects) t WHERE lower(t) = lower(" + arg(&q.args, *subject) + "))"
	}
	return q
}

// roundDeclines reads the declines of a round the viewer may see: a
// school's staff their school's, a student-teacher their own.
func (r *Resolver) roundDeclines(ctx context.Context, roundID string) ([]Decline, error) {
	scope, err := placementScopeOf(ctx)
	if err != nil {
		return nil, err
	}
	q := declinesQuery(scope, roundID)
	rows, err := r.DB.Query(ctx, q.sql, q.args...)
	if err != nil {
		return nil, fmt.Errorf("read declines of round %s: %w", roundID, err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Decline, error) {
		var d Decline
		err := row.Scan(&d.StudentID, &d.StudentName, &d.SchoolID, &d.SchoolName, &d.Subject, &d.Reason, &d.DeclinedAt)
		return d, err
	})
}

// declinesQuery reads the declines of a round the viewer may see.
func declinesQuery(scope placementScope, roundID string) query {
	args := []any{roundID}
	sql := `
		SELECT d.student_id, coalesce(s.name, ''), d.school_id, coalesce(os.school_name, sc.name, ''), d.subject, d.reason, d.declined_at
		FROM rm_placements.declines d
		LEFT JOIN rm_placements.students s ON s.round_id = d.round_id AND s.student_id = d.student_id
		LEFT JOIN rm_placements.offer_schools os ON os.round_id = d.round_id AND os.school_id = d.school_id
		LEFT JOIN rm_placements.schools sc ON sc.school_id = d.school_id
		WHERE d.round_id = $1 AND ` + scope.narrow(&args, "d.school_id", "d.student_id") + `
		ORDER BY d.declined_at, d.student_id, d.school_id`
	return query{sql, args}
}

// roundIneligibleSchools reads the schools the round's allocation left out,
// as its offers are read, once the viewer sees the allocation.
func (r *Resolver) roundIneligibleSchools(ctx context.Context, roundID string) ([]IneligibleSchool, error) {
	scope, err := placementScopeOf(ctx)
	if err != nil {
		return nil, err
	}
	q := ineligibleSchoolsQuery(scope, roundID)
	rows, err := r.DB.Query(ctx, q.sql, q.args...)
	if err != nil {
		return nil, fmt.Errorf("read ineligible schools of round %s: %w", roundID, err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (IneligibleSchool, error) {
		var s IneligibleSchool
		err := row.Scan(&s.SchoolID, &s.SchoolName, &s.Reason)
		return s, err
	})
}

// ineligibleSchoolsQuery reads the schools a round's allocation left out,
// once the viewer sees the allocation.
func ineligibleSchoolsQuery(scope placementScope, roundID string) query {
	args := []any{roundID}
	sql := `
		SELECT i.school_id, coalesce(os.school_name, sc.name, ''), i.reason
		FROM rm_placements.ineligible_schools i
		JOIN rm_placements.rounds r ON r.round_id = i.round_id
		LEFT JOIN rm_placements.offer_schools os ON os.round_id = i.round_id AND os.school_id = i.school_id
		LEFT JOIN rm_placements.schools sc ON sc.school_id = i.school_id
		WHERE i.round_id = $1 AND ` + scope.seesAllocation() + ` AND ` + scope.narrow(&args, "i.school_id", "") + `
		ORDER BY 2, 1`
	return query{sql, args}
}

// schoolColumns are a school as schoolFields reads it: its contact and
// teachers only to its staff and those who read every school.
func schoolColumns(scope placementScope, args *[]any) string {
	staff := scope.staffOf(args, "s.school_id")
	return `s.school_id, s.name, s.district, s.level,
		CASE WHEN ` + staff + ` THEN json_build_object('name', s.contact_name, 'email', s.contact_email, 'phone', nullif(s.contact_phone, '')) END,
		coalesce((SELECT json_agg(json_build_object('id', a.agreement_id, 'firstSchoolYear', a.first_school_year,
				'lastSchoolYear', a.first_school_year + a.years - 1, 'coreSubjects', a.core_subjects, 'minPlaces', a.min_places,
				'maxPlaces', a.max_places, 'englishKla', a.english_kla, 'draft', a.draft, 'endedOn', a.ended_on, 'endReason', a.end_reason)
				ORDER BY a.first_school_year, a.agreement_id)
			FROM rm_placements.agreements a WHERE a.school_id = s.school_id), '[]'),
		CASE WHEN ` + staff + ` THEN coalesce((SELECT json_agg(json_build_object('id', t.teacher_id, 'name', t.name,
				'mentorSubjects', t.mentor_subjects, 'loadLimit', t.load_limit) ORDER BY t.name, t.teacher_id)
			FROM rm_placements.teachers t WHERE t.school_id = s.school_id), '[]') END`
}

func schoolFields(s *School) []any {
	return []any{&s.ID, &s.Name, &s.District, &s.Level, &s.Contact, &s.Agreements, &s.Teachers}
}

// school reads one school; nil when there is none.
func (r *Resolver) school(ctx context.Context, id string) (*School, error) {
	scope, err := placementScopeOf(ctx)
	if err != nil {
		return nil, err
	}
	args := []any{id}
	s := &School{}
	err = r.DB.QueryRow(ctx, "SELECT "+schoolColumns(scope, &args)+" FROM rm_placements.schools s WHERE s.school_id = $1", args...).
		Scan(schoolFields(s)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read school %s: %w", id, err)
	}
	return s, nil
}

// schools lists the schools by name.
func (r *Resolver) schools(ctx context.Context, district, level, search *string, first *int, after *string) (*SchoolConnection, error) {
	scope, err := placementScopeOf(ctx)
	if err != nil {
		return nil, err
	}
	q := listQuery{keys: []sortKey{{"s.name", "text"}, {"s.school_id", "text"}}}
	q.columns = func(args *[]any) string { return schoolColumns(scope, args) }
	q.from = "FROM rm_placements.schools s WHERE true"
	if district != nil {
		q.from += " AND s.district = " + arg(&q.args, *district)
	}
	if level != nil {
		if *level != "primary" && *level != "secondary" {
			return nil, errs.Invalid("level", "one_of", "must be primary or secondary, not %q", *level)
		}
		q.from += " AND s.level = " + arg(&q.args, *level)
	}
	if search != nil {
		// The name holds the search as typed, not word by word; the
		// words only bound it.
		if _, err := searchWords("search", *search); err != nil {
			return nil, err
		}
		escaped := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(*search)
		q.from += " AND s.name ILIKE " + arg(&q.args, "%"+escaped+"%")
	}
	var schools []*School
	cursors, info, total, err := q.page(ctx, r.DB, first, after, func() []any {
		s := &School{}
		schools = append(schools, s)
		return schoolFields(s)
	})
	if err != nil {
		return nil, fmt.Errorf("list schools: %w", err)
	}
	conn := &SchoolConnection{Edges: []SchoolEdge{}, PageInfo: &info, TotalCount: total}
	for i, c := range cursors {
		conn.Edges = append(conn.Edges, SchoolEdge{Cursor: c, Node: schools[i]})
	}
	return conn, nil
}
