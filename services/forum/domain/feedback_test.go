package domain_test

import (
	"slices"
	"testing"

	"wsms/events/forum"
	"wsms/forum/app"
	"wsms/forum/domain"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

func TestTheQuestionnaireRatesFourQuestionsAndAsksTwo(t *testing.T) {
	t.Parallel()
	var rated, open []string
	for _, q := range domain.Questionnaire() {
		if q.Text == "" {
			t.Errorf("question %q has no text", q.ID)
		}
		if q.Rated {
			rated = append(rated, q.ID)
		} else {
			open = append(open, q.ID)
		}
	}
	if want := []string{"relevance", "sharing", "organisation", "partnership"}; !slices.Equal(rated, want) {
		t.Errorf("rated questions %v, want %v", rated, want)
	}
	if want := []string{"best", "improve"}; !slices.Equal(open, want) {
		t.Errorf("open questions %v, want %v", open, want)
	}
}

func TestDelegatesMentorsAndTheFacultyAnswerTheQuestionnaire(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		m      decider.Meta
		school string
	}{
		{"coordinator, for the school", coordinator, schoolID},
		{"mentor, for the school", mentor, schoolID},
		{"coordinator of a prospective school", prospective, ""},
		{"faculty", faculty, ""},
		{"tutor", tutor, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := answers(tc.m, theForum(t))
			got, err := app.SubmitFeedback.Run(nil, c, onTheDay(tc.m))
			thenEvents(t, got, err, forum.FeedbackSubmitted{Year: year, RespondentID: tc.m.Actor.ID, SchoolID: tc.school,
				Ratings: c.Ratings, Comments: c.Comments})
		})
	}
	thenForbiddenTo(t, map[string]decider.Meta{"office": office, "system": system, "student-teacher": student},
		func(m decider.Meta) ([]any, error) {
			return app.SubmitFeedback.Run(nil, answers(m, theForum(t)), onTheDay(m))
		})
}

func TestRespondentsAnswerOnlyForThemselves(t *testing.T) {
	t.Parallel()
	for name, respondent := range map[string]string{"a colleague": mentorID, "nobody": "", "the school": schoolID} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := answers(coordinator, theForum(t))
			c.RespondentID = respondent
			got, err := app.SubmitFeedback.Run(nil, c, onTheDay(coordinator))
			thenRefused(t, got, err, errs.Forbidden)
		})
	}
}

func TestAnswersMayBeRatingsOnlyOrCommentsOnly(t *testing.T) {
	t.Parallel()
	f := theForum(t)
	thenEachAccepted(t, nil, app.SubmitFeedback, func() domain.SubmitFeedback { return answers(mentor, f) }, onTheDay(mentor),
		[]accepted[domain.SubmitFeedback]{
			{"ratings only", func(c *domain.SubmitFeedback) { c.Comments = nil }},
			{"comments only", func(c *domain.SubmitFeedback) { c.Ratings = nil }},
			{"one rating, lowest", func(c *domain.SubmitFeedback) { c.Ratings, c.Comments = map[string]int{"organisation": 1}, nil }},
			{"one rating, highest", func(c *domain.SubmitFeedback) { c.Ratings, c.Comments = map[string]int{"sharing": 5}, nil }},
			{"longest comment", func(c *domain.SubmitFeedback) { c.Comments = map[string]string{"improve": chinese(5000)} }},
		}, func(c domain.SubmitFeedback) []any {
			e := forum.FeedbackSubmitted{Year: year, RespondentID: mentorID, SchoolID: schoolID, Ratings: c.Ratings, Comments: c.Comments}
			if e.Ratings == nil {
				e.Ratings = map[string]int{}
			}
			if e.Comments == nil {
				e.Comments = map[string]string{}
			}
			return []any{e}
		})
}

func TestFeedbackAnswersTheQuestionsAsked(t *testing.T) {
	t.Parallel()
	f := theForum(t)
	rate := func(id string, v int) func(*domain.SubmitFeedback) {
		return func(c *domain.SubmitFeedback) { c.Ratings[id] = v }
	}
	comment := func(id, text string) func(*domain.SubmitFeedback) {
		return func(c *domain.SubmitFeedback) { c.Comments[id] = text }
	}
	thenEachInvalid(t, nil, app.SubmitFeedback, func() domain.SubmitFeedback { return answers(mentor, f) }, onTheDay(mentor),
		[]invalid[domain.SubmitFeedback]{
			{"rating an open question", rate("best", 4), "ratings.best", "rated_question"},
			{"rating a question not asked", rate("catering", 5), "ratings.catering", "rated_question"},
			{"rating a question in capitals", rate("Relevance", 5), "ratings.Relevance", "rated_question"},
			{"rating below 1", rate("relevance", 0), "ratings.relevance", "range"},
			{"rating above 5", rate("partnership", 6), "ratings.partnership", "range"},
			{"negative rating", rate("sharing", -1), "ratings.sharing", "range"},
			{"commenting on a rated question", comment("organisation", "Well run"), "comments.organisation", "open_question"},
			{"commenting on a question not asked", comment("lunch", "Dim sum was cold"), "comments.lunch", "open_question"},
			{"comment too long", comment("best", chinese(5001)), "comments.best", "max_length"},
			{"nothing answered", func(c *domain.SubmitFeedback) { c.Ratings, c.Comments = nil, nil }, "ratings", "required"},
			{"nothing answered, empty maps", func(c *domain.SubmitFeedback) {
				c.Ratings, c.Comments = map[string]int{}, map[string]string{}
			}, "ratings", "required"},
			{"only blank comments", func(c *domain.SubmitFeedback) {
				c.Ratings, c.Comments = nil, map[string]string{"best": "", "improve": "  "}
			}, "ratings", "required"},
		})
}

func TestFeedbackOpensOnTheForumDay(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		wallClock string
		open      bool
	}{
		{"2027-11-13 10:00", false},
		{"2027-11-19 23:59", false},
		{"2027-11-20 00:00", true},
		{"2027-12-01 20:00", true},
	} {
		t.Run(tc.wallClock, func(t *testing.T) {
			t.Parallel()
			c := answers(mentor, theForum(t))
			got, err := app.SubmitFeedback.Run(nil, c, atHongKong(mentor, tc.wallClock))
			if tc.open {
				thenEvents(t, got, err, forum.FeedbackSubmitted{Year: year, RespondentID: mentorID, SchoolID: schoolID,
					Ratings: c.Ratings, Comments: c.Comments})
				return
			}
			thenRefused(t, got, err, errs.Conflict)
		})
	}
}

func TestFeedbackNeedsTheForumScheduled(t *testing.T) {
	t.Parallel()
	got, err := app.SubmitFeedback.Run(nil, answers(mentor, domain.Forum{}), onTheDay(mentor))
	thenRefused(t, got, err, errs.NotFound)
}

func TestASecondAnswerReplacesTheFirst(t *testing.T) {
	t.Parallel()
	given := after(t, nil, app.SubmitFeedback, answers(mentor, theForum(t)), onTheDay(mentor))
	c := answers(mentor, theForum(t))
	c.Ratings, c.Comments = map[string]int{"relevance": 4}, nil
	got, err := app.SubmitFeedback.Run(given, c, atHongKong(mentor, "2027-11-22 08:15"))
	thenEvents(t, got, err, forum.FeedbackSubmitted{Year: year, RespondentID: mentorID, SchoolID: schoolID,
		Ratings: map[string]int{"relevance": 4}, Comments: map[string]string{}})
}
