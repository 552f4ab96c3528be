package domain

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"wsms/events"
	"wsms/events/forum"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

// Question is one question of the forum's common feedback questionnaire:
// rated from 1 to 5, or answered in words.
type Question struct {
	ID    string `json:"id"`
	Text  string `json:"text"`
	Rated bool   `json:"rated"`
}

// Questionnaire is the common questionnaire every delegate and mentor answers
// after the forum.
func Questionnaire() []Question {
	return []Question{
		{ID: "relevance", Text: "How relevant was the forum to mentoring in your school?", Rated: true},
		{ID: "sharing", Text: "How useful was the practice shared by other schools?", Rated: true},
		{ID: "organisation", Text: "How well was the forum organised?", Rated: true},
		{ID: "partnership", Text: "How well does the partnership support your school's mentors?", Rated: true},
		{ID: "best", Text: "What was most valuable to you?"},
		{ID: "improve", Text: "What should the partnership do differently?"},
	}
}

// Feedback is one respondent's answer for a year.
type Feedback struct{ answered bool }

// FeedbackStreamPrefix starts the stream of every answer of a year.
func FeedbackStreamPrefix(year int) string { return fmt.Sprintf("feedback-%d-", year) }

// FeedbackStream names the stream of a respondent's answer for a year.
func FeedbackStream(year int, respondentID string) string {
	return FeedbackStreamPrefix(year) + respondentID
}

// EvolveFeedback applies a feedback event.
func EvolveFeedback(f Feedback, e any) Feedback {
	if _, ok := e.(forum.FeedbackSubmitted); ok {
		f.answered = true
	}
	return f
}

// SubmitFeedback asks to record a respondent's answers; a second answer
// replaces the first. Forum is the year's forum, filled in.
type SubmitFeedback struct {
	Year         int               `json:"year"`
	RespondentID string            `json:"respondentId"`
	Ratings      map[string]int    `json:"ratings"`
	Comments     map[string]string `json:"comments"`
	Forum        Forum             `json:"-"`
}

// DecideSubmitFeedback lets a school's delegates and mentors, and the
// faculty, answer once the forum has taken place.
func DecideSubmitFeedback(_ Feedback, c SubmitFeedback, m decider.Meta) ([]any, error) {
	switch m.Actor.Role {
	case events.RoleSchoolCoordinator, events.RoleMentor, events.RoleFaculty, events.RoleTutor:
	default:
		return nil, errs.Newf(errs.Forbidden, "the feedback questionnaire is for delegates, mentors and the faculty")
	}
	if c.RespondentID != m.Actor.ID {
		return nil, errs.Newf(errs.Forbidden, "respondents answer for themselves")
	}
	var v errs.Check
	questions := map[string]Question{}
	for _, q := range Questionnaire() {
		questions[q.ID] = q
	}
	for _, id := range slices.Sorted(maps.Keys(c.Ratings)) {
		q, ok := questions[id]
		switch {
		case !ok || !q.Rated:
			v.Add(errs.Invalid("ratings."+id, "rated_question", "%q is not a rated question of the questionnaire", id))
		default:
			v.Range("ratings."+id, c.Ratings[id], 1, 5)
		}
	}
	comments := map[string]string{}
	for _, id := range slices.Sorted(maps.Keys(c.Comments)) {
		if q, ok := questions[id]; !ok || q.Rated {
			v.Add(errs.Invalid("comments."+id, "open_question", "%q is not an open question of the questionnaire", id))
		}
		v.MaxLength("comments."+id, c.Comments[id], 5000)
		if strings.TrimSpace(c.Comments[id]) != "" {
			comments[id] = c.Comments[id] // a blank answer is no answer
		}
	}
	c.Comments = comments
	if len(c.Ratings)+len(c.Comments) == 0 {
		v.Add(errs.Invalid("ratings", "required", "answer at least one question"))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := c.Forum.mustBeScheduled(c.Year); err != nil {
		return nil, err
	}
	if today(m) < c.Forum.Date() {
		return nil, errs.Newf(errs.Conflict, "feedback opens on the day of the forum, %s", c.Forum.Date())
	}
	return []any{forum.FeedbackSubmitted{Year: c.Year, RespondentID: m.Actor.ID, SchoolID: m.Actor.SchoolID,
		Ratings: nonNilMap(c.Ratings), Comments: nonNilMap(c.Comments)}}, nil
}

func nonNilMap[V any](m map[string]V) map[string]V {
	if m == nil {
		return map[string]V{}
	}
	return m
}
