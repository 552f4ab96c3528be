package graph

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"wsms/platform/errs"
)

// ForumView is a year's forum as scheduled. Its lists are read by their own
// resolvers, each scoped to the viewer, so a query pays only for what it
// asks.
type ForumView struct {
	Year       int
	Date       string
	Venue      string
	OnlineLink string
	Theme      string
}

// FeedbackSummary is the year's feedback: the counts every school's staff
// may read, and the year, for the comments only the university reads.
type FeedbackSummary struct {
	Respondents int
	Ratings     []FeedbackRating
	year        int
}

// forumScope is whose rows of a forum a viewer reads: every school's, or
// one school's.
type forumScope struct {
	all    bool
	school string
}

// forumScopeOf is the scope of the viewer for the forum's rows that belong
// to schools (registrations, participation, renewals): the university reads
// every school's, school staff their own school's, anyone else none.
func forumScopeOf(ctx context.Context, what string) (forumScope, error) {
	actor, err := viewer(ctx)
	if err != nil {
		return forumScope{}, err
	}
	if seesAll(actor) {
		return forumScope{all: true}, nil
	}
	if school, ok := schoolOf(actor); ok {
		return forumScope{school: school}, nil
	}
	return forumScope{}, forbidden("the forum's %s are for partner schools and the university", what)
}

// universityOnly refuses the forum's records that only the office, the
// faculty and tutors read.
func universityOnly(ctx context.Context, what string) error {
	actor, err := viewer(ctx)
	if err != nil {
		return err
	}
	if !seesAll(actor) {
		return forbidden("the forum's %s are for the office, the faculty and tutors", what)
	}
	return nil
}

// forum reads a year's forum; nil when none is scheduled.
func (r *Resolver) forum(ctx context.Context, year int) (*ForumView, error) {
	if _, err := viewer(ctx); err != nil {
		return nil, err
	}
	f := ForumView{Year: year}
	err := r.DB.QueryRow(ctx, `SELECT date::text, venue, online_link, theme FROM rm_forum.forums WHERE year = $1`, year).
		Scan(&f.Date, &f.Venue, &f.OnlineLink, &f.Theme)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the %d forum: %w", year, err)
	}
	return &f, nil
}

// forumSessions reads the programme with each session's places, counted in
// the one query.
func (r *Resolver) forumSessions(ctx context.Context, year int) ([]ForumSession, error) {
	rows, err := r.DB.Query(ctx, `
		SELECT s.session_id, s.title, s.format, s.presenter, s.presenter_school_id, s.capacity,
		       count(*) FILTER (WHERE NOT g.cancelled AND NOT g.waitlisted),
		       count(*) FILTER (WHERE NOT g.cancelled AND g.waitlisted),
		       count(*) FILTER (WHERE g.attended)
		FROM rm_forum.sessions s
		LEFT JOIN rm_forum.registrations g ON g.year = s.year AND g.session_id = s.session_id
		WHERE s.year = $1
		GROUP BY s.year, s.session_id
		ORDER BY s.added_at, s.session_id`, year)
	if err != nil {
		return nil, fmt.Errorf("read the %d forum's sessions: %w", year, err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (ForumSession, error) {
		var s ForumSession
		err := row.Scan(&s.ID, &s.Title, &s.Format, &s.Presenter, &s.PresenterSchoolID, &s.Capacity, &s.Registered, &s.Waitlisted, &s.Attended)
		return s, err
	})
}

// forumRegistrations reads a page of the year's registrations the viewer
// may see, session by session, first come first.
func (r *Resolver) forumRegistrations(ctx context.Context, year int, sessionID *string, first *int, after *string) (*ForumRegistrationConnection, error) {
	scope, err := forumScopeOf(ctx, "registrations")
	if err != nil {
		return nil, err
	}
	l := list{
		columns: "session_id, registration_id, person_id, name, kind, school_id, waitlisted, cancelled, attended, registered_at",
		from: `rm_forum.registrations
			WHERE year = $1 AND ($2::text IS NULL OR session_id = $2) AND ($3 OR school_id = $4)`,
		args: []any{year, sessionID, scope.all, scope.school},
		key:  []keyColumn{{"session_id", "text"}, {"registered_at", "timestamptz"}, {"registration_id", "text"}},
	}
	p, err := readList(ctx, r.DB, l, first, after, func(row pgx.CollectableRow) (ForumRegistration, error) {
		var g ForumRegistration
		err := row.Scan(&g.SessionID, &g.ID, &g.PersonID, &g.Name, &g.Kind, &g.SchoolID, &g.Waitlisted, &g.Cancelled, &g.Attended, &g.RegisteredAt)
		return g, err
	})
	if err != nil {
		return nil, fmt.Errorf("read the %d forum's registrations: %w", year, err)
	}
	edges, info := edgesOf(p, func(g ForumRegistration) []string { return []string{g.SessionID, timeKey(g.RegisteredAt), g.ID} },
		func(cursor string, g *ForumRegistration) ForumRegistrationEdge {
			return ForumRegistrationEdge{Cursor: cursor, Node: g}
		})
	return &ForumRegistrationConnection{Edges: edges, PageInfo: info, TotalCount: p.total}, nil
}

// forumParticipation counts, per school the viewer may see, the people with
// a registration that stands and those recorded as attending.
func (r *Resolver) forumParticipation(ctx context.Context, year int) ([]SchoolParticipation, error) {
	scope, err := forumScopeOf(ctx, "participation figures")
	if err != nil {
		return nil, err
	}
	rows, err := r.DB.Query(ctx, `
		SELECT school_id,
		       count(DISTINCT person_id) FILTER (WHERE NOT cancelled),
		       count(DISTINCT person_id) FILTER (WHERE attended)
		FROM rm_forum.registrations
		WHERE year = $1 AND school_id IS NOT NULL AND ($2 OR school_id = $3)
		GROUP BY school_id
		ORDER BY school_id`, year, scope.all, scope.school)
	if err != nil {
		return nil, fmt.Errorf("read the %d forum's participation: %w", year, err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (SchoolParticipation, error) {
		var p SchoolParticipation
		err := row.Scan(&p.SchoolID, &p.Delegates, &p.Attended)
		return p, err
	})
}

// forumRenewals reads the renewal agenda of the schools the viewer may see.
func (r *Resolver) forumRenewals(ctx context.Context, year int) ([]ForumRenewal, error) {
	scope, err := forumScopeOf(ctx, "renewals")
	if err != nil {
		return nil, err
	}
	rows, err := r.DB.Query(ctx, `
		SELECT school_id, agreement_id, last_school_year FROM rm_forum.renewals
		WHERE year = $1 AND ($2 OR school_id = $3)
		ORDER BY school_id`, year, scope.all, scope.school)
	if err != nil {
		return nil, fmt.Errorf("read the %d forum's renewals: %w", year, err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[ForumRenewal])
}

// forumPractice reads a page of the year's shared practice, newest first:
// the partnership's portfolio, which every signed-in viewer reads.
func (r *Resolver) forumPractice(ctx context.Context, year int, subject, search *string, first *int, after *string) (*SharedPracticeConnection, error) {
	var words []string
	if search != nil {
		var err error
		if words, err = searchWords("search", *search); err != nil {
			return nil, err
		}
	}
	l := list{
		columns: "practice_id, school_id, year, title, summary, subject, links, shared_at",
		from: `rm_forum.practice
			WHERE year = $1 AND ($2::text IS NULL OR subject = $2)
			AND NOT EXISTS (SELECT 1 FROM unnest($3::text[]) w
			                WHERE strpos(lower(title || ' ' || summary), lower(w)) = 0)`,
		args: []any{year, subject, words},
		key:  []keyColumn{{"shared_at", "timestamptz"}, {"practice_id", "text"}},
		desc: true,
	}
	p, err := readList(ctx, r.DB, l, first, after, pgx.RowToStructByPos[SharedPractice])
	if err != nil {
		return nil, fmt.Errorf("read the %d forum's shared practice: %w", year, err)
	}
	edges, info := edgesOf(p, func(s SharedPractice) []string { return []string{timeKey(s.SharedAt), s.ID} },
		func(cursor string, s *SharedPractice) SharedPracticeEdge {
			return SharedPracticeEdge{Cursor: cursor, Node: s}
		})
	return &SharedPracticeConnection{Edges: edges, PageInfo: info, TotalCount: p.total}, nil
}

// minRatingResponses is how many respondents must have rated a question
// before school staff see its average: with fewer, the average is one
// colleague's or two colleagues' rating, and a school would learn what
// they answered.
const minRatingResponses = 3

// forumFeedback reads how respondents rated the year's forum: for partner
// schools and the university, not for student-teachers, who do not answer.
// School staff see a question's average only once minRatingResponses
// people rated it.
func (r *Resolver) forumFeedback(ctx context.Context, year int) (*FeedbackSummary, error) {
	scope, err := forumScopeOf(ctx, "feedback results")
	if err != nil {
		return nil, err
	}
	f := &FeedbackSummary{year: year}
	err = r.DB.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM rm_forum.feedback WHERE year = $1),
		       coalesce((SELECT jsonb_agg(jsonb_build_object('question', question, 'average', average, 'responses', responses) ORDER BY question)
		                 FROM (SELECT q.key AS question, count(*) AS responses,
		                              CASE WHEN $2 OR count(*) >= $3 THEN avg(q.value::int)::float8 END AS average
		                       FROM rm_forum.feedback f CROSS JOIN LATERAL jsonb_each_text(f.ratings) q
		                       WHERE f.year = $1
		                       GROUP BY q.key) a), '[]')`, year, scope.all, minRatingResponses).Scan(&f.Respondents, &f.Ratings)
	if err != nil {
		return nil, fmt.Errorf("read the %d forum's feedback: %w", year, err)
	}
	return f, nil
}

// forumFeedbackComments reads a page of the answers in words, by respondent
// then question: personal views, for the university only.
func (r *Resolver) forumFeedbackComments(ctx context.Context, year int, first *int, after *string) (*FeedbackCommentConnection, error) {
	if err := universityOnly(ctx, "feedback comments"); err != nil {
		return nil, err
	}
	l := list{
		columns: "f.respondent_id, f.school_id, c.key, c.value",
		from:    "rm_forum.feedback f CROSS JOIN LATERAL jsonb_each_text(f.comments) c WHERE f.year = $1",
		args:    []any{year},
		key:     []keyColumn{{"f.respondent_id", "text"}, {"c.key", "text"}},
	}
	p, err := readList(ctx, r.DB, l, first, after, pgx.RowToStructByPos[FeedbackComment])
	if err != nil {
		return nil, fmt.Errorf("read the %d forum's feedback comments: %w", year, err)
	}
	edges, info := edgesOf(p, func(n FeedbackComment) []string { return []string{n.RespondentID, n.Question} },
		func(cursor string, n *FeedbackComment) FeedbackCommentEdge {
			return FeedbackCommentEdge{Cursor: cursor, Node: n}
		})
	return &FeedbackCommentConnection{Edges: edges, PageInfo: info, TotalCount: p.total}, nil
}

// interestStatuses are the states of an expression of interest.
var interestStatuses = []string{"pending", "accepted", "declined"}

// expressionsOfInterest reads a page of the expressions of interest, oldest
// first: contacts of schools not yet partners, for the university only.
func (r *Resolver) expressionsOfInterest(ctx context.Context, status *string, first *int, after *string) (*ExpressionOfInterestConnection, error) {
	if err := universityOnly(ctx, "expressions of interest"); err != nil {
		return nil, err
	}
	if status != nil {
		var v errs.Check
		v.OneOf("status", *status, interestStatuses...)
		if err := v.Err(); err != nil {
			return nil, err
		}
	}
	l := list{
		columns: `interest_id, school_name, district, level, contact_name, contact_email, subjects, places_offered, status,
			review_reason, school_id, expressed_at, reviewed_at`,
		from: `rm_forum.interests WHERE ($1::text IS NULL OR status = $1)`,
		args: []any{status},
		key:  []keyColumn{{"expressed_at", "timestamptz"}, {"interest_id", "text"}},
	}
	p, err := readList(ctx, r.DB, l, first, after, pgx.RowToStructByPos[ExpressionOfInterest])
	if err != nil {
		return nil, fmt.Errorf("read expressions of interest: %w", err)
	}
	edges, info := edgesOf(p, func(n ExpressionOfInterest) []string { return []string{timeKey(n.ExpressedAt), n.ID} },
		func(cursor string, n *ExpressionOfInterest) ExpressionOfInterestEdge {
			return ExpressionOfInterestEdge{Cursor: cursor, Node: n}
		})
	return &ExpressionOfInterestConnection{Edges: edges, PageInfo: info, TotalCount: p.total}, nil
}

// list is one Relay list as the viewer may see it: the rows of from, a FROM
// clause ending in a WHERE clause over args that keeps only what the viewer
// may read, in the order of key.
type list struct {
	columns string
	from    string
	args    []any
	key     []keyColumn
	desc    bool
}

// keyColumn is a column of a list's sort key and its type: text,
// timestamptz or bigint (cursorValue reads a cursor's part as one).
type keyColumn struct{ name, typ string }

// readList reads the list's total and its first rows after the cursor, in
// one round trip, seeking by the sort key so a late page costs what the
// first does.
func readList[T any](ctx context.Context, db *pgxpool.Pool, l list, first *int, after *string, scan pgx.RowToFunc[T]) (page[T], error) {
	n, err := pageSize(first)
	if err != nil {
		return page[T]{}, err
	}
	cursor, err := decodeCursor(after, len(l.key))
	if err != nil {
		return page[T]{}, err
	}
	names := make([]string, len(l.key))
	order := make([]string, len(l.key))
	for i, k := range l.key {
		names[i] = k.name
		order[i] = k.name
		if l.desc {
			order[i] += " DESC"
		}
	}
	args := append([]any(nil), l.args...)
	query := "SELECT " + l.columns + " FROM " + l.from
	if cursor != nil {
		values := make([]string, len(l.key))
		for i, k := range l.key {
			v, err := cursorValue(k.typ, cursor[i])
			if err != nil {
				return page[T]{}, err
			}
			args = append(args, v)
			values[i] = fmt.Sprintf("$%d::%s", len(args), k.typ)
		}
		cmp := ">"
		if l.desc {
			cmp = "<"
		}
		query += fmt.Sprintf(" AND (%s) %s (%s)", strings.Join(names, ", "), cmp, strings.Join(values, ", "))
	}
	args = append(args, n+1)
	query += fmt.Sprintf(" ORDER BY %s LIMIT $%d", strings.Join(order, ", "), len(args))

	b := &pgx.Batch{}
	var p page[T]
	b.Queue("SELECT count(*) FROM "+l.from, l.args...).QueryRow(func(row pgx.Row) error { return row.Scan(&p.total) })
	b.Queue(query, args...).Query(func(rows pgx.Rows) error {
		p.items, err = pgx.CollectRows(rows, scan)
		return err
	})
	if err := db.SendBatch(ctx, b).Close(); err != nil {
		return page[T]{}, err
	}
	if len(p.items) > n {
		p.items, p.more = p.items[:n], true
	}
	return p, nil
}

// timeKey writes an instant of a sort key as the cursor keeps it, to the
// microsecond PostgreSQL stores.
func timeKey(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
