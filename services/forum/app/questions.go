package app

import (
	"context"
	"maps"
	"slices"
	"strings"

	"wsms/events"
	"wsms/events/forum"
	"wsms/forum/domain"
	"wsms/platform/command"
	"wsms/platform/errs"
)

// Questions the forum service answers. They read the event store directly;
// the read models of the projections will serve the same at scale.

// ForumYear names a year's forum.
type ForumYear struct {
	Year int `json:"year"`
}

// Participation is which partner schools have no delegate registered for
// the year's forum: each partner school is to send at least one.
type Participation struct {
	Year            int              `json:"year"`
	PartnerSchools  int              `json:"partnerSchools"`
	WithDelegate    int              `json:"withDelegate"`
	WithoutDelegate []domain.Partner `json:"withoutDelegate"`
}

// PartnerSchools lists the schools whose agreement covers a school year.
type PartnerSchools interface {
	InPartnership(ctx context.Context, year int) ([]domain.Partner, error)
}

// ForumParticipation answers who has not registered a delegate yet.
func ForumParticipation(x *command.Executor, partners PartnerSchools) func(context.Context, command.Question[ForumYear]) (Participation, error) {
	return func(ctx context.Context, q command.Question[ForumYear]) (Participation, error) {
		if err := staffOfPartnership(q.Actor); err != nil {
			return Participation{}, err
		}
		schools, err := partners.InPartnership(ctx, q.Query.Year)
		if err != nil {
			return Participation{}, err
		}
		sessions, err := command.ReaderOf(x).EventsByStream(ctx, domain.SessionStreamPrefix(q.Query.Year))
		if err != nil {
			return Participation{}, err
		}
		registered := map[string]bool{}
		for _, evs := range sessions {
			var s domain.Session
			for _, e := range evs {
				s = domain.EvolveSession(s, e)
			}
			for _, id := range s.SchoolsRegistered() {
				registered[id] = true
			}
		}
		p := Participation{Year: q.Query.Year, PartnerSchools: len(schools), WithoutDelegate: []domain.Partner{}}
		for _, s := range schools {
			if registered[s.SchoolID] {
				p.WithDelegate++
			} else {
				p.WithoutDelegate = append(p.WithoutDelegate, s)
			}
		}
		return p, nil
	}
}

// QuestionResult aggregates the answers to one rated question.
type QuestionResult struct {
	QuestionID string  `json:"questionId"`
	Text       string  `json:"text"`
	Answers    int     `json:"answers"`
	Mean       float64 `json:"mean"`
}

// FeedbackResults aggregates the year's feedback per question and per school.
type FeedbackResults struct {
	Year        int                         `json:"year"`
	Respondents int                         `json:"respondents"`
	Questions   []QuestionResult            `json:"questions"`
	BySchool    map[string][]QuestionResult `json:"bySchool"`
	Comments    map[string][]string         `json:"comments"`
}

// ForumFeedbackResults answers the aggregated feedback of a year's forum.
func ForumFeedbackResults(x *command.Executor) func(context.Context, command.Question[ForumYear]) (FeedbackResults, error) {
	return func(ctx context.Context, q command.Question[ForumYear]) (FeedbackResults, error) {
		if q.Actor.Role != events.RoleOffice && q.Actor.Role != events.RoleFaculty {
			return FeedbackResults{}, errs.Newf(errs.Forbidden, "feedback results are for the faculty and the office")
		}
		answers, err := command.ReaderOf(x).EventsByStream(ctx, domain.FeedbackStreamPrefix(q.Query.Year))
		if err != nil {
			return FeedbackResults{}, err
		}
		type sum struct{ n, total int }
		all, bySchool := map[string]*sum{}, map[string]map[string]*sum{}
		res := FeedbackResults{Year: q.Query.Year, Questions: []QuestionResult{}, BySchool: map[string][]QuestionResult{}, Comments: map[string][]string{}}
		add := func(m map[string]*sum, id string, v int) {
			if m[id] == nil {
				m[id] = &sum{}
			}
			m[id].n++
			m[id].total += v
		}
		for _, stream := range slices.Sorted(maps.Keys(answers)) {
			evs := answers[stream]
			last := evs[len(evs)-1].(forum.FeedbackSubmitted) // a second answer replaces the first
			res.Respondents++
			for id, v := range last.Ratings {
				add(all, id, v)
				if last.SchoolID != "" {
					if bySchool[last.SchoolID] == nil {
						bySchool[last.SchoolID] = map[string]*sum{}
					}
					add(bySchool[last.SchoolID], id, v)
				}
			}
			for id, text := range last.Comments {
				res.Comments[id] = append(res.Comments[id], text)
			}
		}
		results := func(m map[string]*sum) []QuestionResult {
			out := []QuestionResult{}
			for _, q := range domain.Questionnaire() {
				if s := m[q.ID]; q.Rated && s != nil {
					out = append(out, QuestionResult{QuestionID: q.ID, Text: q.Text, Answers: s.n, Mean: float64(s.total) / float64(s.n)})
				}
			}
			return out
		}
		res.Questions = results(all)
		for school, m := range bySchool {
			res.BySchool[school] = results(m)
		}
		return res, nil
	}
}

// PracticeSearch filters the good-practice portfolio; empty fields match all.
type PracticeSearch struct {
	Subject  string `json:"subject"`
	SchoolID string `json:"schoolId"`
	Text     string `json:"text"`
}

// SearchPractice answers the shared practice matching a search, newest
// year first.
func SearchPractice(x *command.Executor) func(context.Context, command.Question[PracticeSearch]) ([]forum.PracticeShared, error) {
	return func(ctx context.Context, q command.Question[PracticeSearch]) ([]forum.PracticeShared, error) {
		all, err := command.ReaderOf(x).EventsByStream(ctx, domain.PracticeStreamPrefix)
		if err != nil {
			return nil, err
		}
		found := []forum.PracticeShared{}
		text := strings.ToLower(q.Query.Text)
		for _, evs := range all {
			p := evs[0].(forum.PracticeShared)
			if (q.Query.Subject == "" || strings.EqualFold(p.Subject, q.Query.Subject)) &&
				(q.Query.SchoolID == "" || p.SchoolID == q.Query.SchoolID) &&
				(text == "" || strings.Contains(strings.ToLower(p.Title+" "+p.Summary), text)) {
				found = append(found, p)
			}
		}
		slices.SortFunc(found, func(a, b forum.PracticeShared) int {
			if a.Year != b.Year {
				return b.Year - a.Year
			}
			return strings.Compare(a.Title, b.Title)
		})
		return found, nil
	}
}

// RenewalsDueIn answers the agreements in the last year of their term in a
// school year: the faculty's list of partnerships due for renewal.
func RenewalsDueIn(due RenewalsDue) func(context.Context, command.Question[ForumYear]) ([]domain.Renewal, error) {
	return func(ctx context.Context, q command.Question[ForumYear]) ([]domain.Renewal, error) {
		if err := staffOfPartnership(q.Actor); err != nil {
			return nil, err
		}
		return due.RenewalsDue(ctx, q.Query.Year)
	}
}

func staffOfPartnership(a events.Actor) error {
	switch a.Role {
	case events.RoleOffice, events.RoleFaculty:
		return nil
	}
	return errs.Newf(errs.Forbidden, "the state of the partnership is for the faculty and the office")
}
