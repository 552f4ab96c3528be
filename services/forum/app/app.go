// Package app holds the forum service's use cases: each command with the
// stream it addresses, the facts it gathers and the pure decision it runs,
// and the questions the service answers.
package app

import (
	"context"

	"wsms/forum/domain"
	"wsms/platform/command"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

func handler[S, C any](name string, stream func(C) (string, error), evolve func(S, any) S, decide func(S, C, decider.Meta) ([]any, error)) decider.Handler[S, C] {
	return decider.Handler[S, C]{Name: name, Stream: stream, Evolve: evolve, Decide: decide}
}

func forumStream(year int) (string, error) {
	var v errs.Check
	v.Range("year", year, 2000, 2100)
	return domain.ForumStream(year), v.Err()
}

func sessionStream(year int, sessionID string) (string, error) {
	var v errs.Check
	v.Range("year", year, 2000, 2100)
	v.UUID("sessionId", sessionID)
	return domain.SessionStream(year, sessionID), v.Err()
}

func idStream(field, id string, name func(string) string) (string, error) {
	var v errs.Check
	v.UUID(field, id)
	return name(id), v.Err()
}

// forumOf is the year's forum, for decisions that need it.
func forumOf(ctx context.Context, r command.Reader, year int) (domain.Forum, error) {
	return command.Fold(ctx, r, domain.EvolveForum, domain.ForumStream(year))
}

// RenewalsDue lists the agreements whose last school year is a given year.
type RenewalsDue interface {
	RenewalsDue(ctx context.Context, year int) ([]domain.Renewal, error)
}

// ScheduleForum schedules a year's forum with its renewal agenda.
func ScheduleForum(due RenewalsDue) command.UseCase[domain.Forum, domain.ScheduleForum] {
	return command.UseCase[domain.Forum, domain.ScheduleForum]{
		Handler: handler("schedule-forum", func(c domain.ScheduleForum) (string, error) { return forumStream(c.Year) },
			domain.EvolveForum, domain.DecideScheduleForum),
		Prepare: func(ctx context.Context, _ command.Reader, c domain.ScheduleForum) (domain.ScheduleForum, error) {
			var err error
			c.RenewalsDue, err = due.RenewalsDue(ctx, c.Year)
			return c, err
		},
	}
}

// The forum's other use cases.
var (
	AddForumSession = command.UseCase[domain.Forum, domain.AddForumSession]{Handler: handler("add-forum-session",
		func(c domain.AddForumSession) (string, error) { return forumStream(c.Year) }, domain.EvolveForum, domain.DecideAddForumSession)}
	AddRenewalAgendaItem = command.UseCase[domain.Forum, domain.AddRenewalAgendaItem]{Handler: handler("add-renewal-agenda-item",
		func(c domain.AddRenewalAgendaItem) (string, error) { return forumStream(c.Year) }, domain.EvolveForum, domain.DecideAddRenewalAgendaItem)}
	RegisterForForum = command.UseCase[domain.Session, domain.RegisterForForum]{
		Handler: handler("register-for-forum", func(c domain.RegisterForForum) (string, error) { return sessionStream(c.Year, c.SessionID) },
			domain.EvolveSession, domain.DecideRegisterForForum),
		Prepare: func(ctx context.Context, r command.Reader, c domain.RegisterForForum) (domain.RegisterForForum, error) {
			var err error
			c.Forum, err = forumOf(ctx, r, c.Year)
			return c, err
		},
	}
	CancelRegistration = command.UseCase[domain.Session, domain.CancelRegistration]{Handler: handler("cancel-registration",
		func(c domain.CancelRegistration) (string, error) { return sessionStream(c.Year, c.SessionID) }, domain.EvolveSession, domain.DecideCancelRegistration)}
	RecordAttendance = command.UseCase[domain.Session, domain.RecordAttendance]{
		Handler: handler("record-attendance", func(c domain.RecordAttendance) (string, error) { return sessionStream(c.Year, c.SessionID) },
			domain.EvolveSession, domain.DecideRecordAttendance),
		Prepare: func(ctx context.Context, r command.Reader, c domain.RecordAttendance) (domain.RecordAttendance, error) {
			var err error
			c.Forum, err = forumOf(ctx, r, c.Year)
			return c, err
		},
	}
	SharePractice = command.UseCase[domain.Practice, domain.SharePractice]{Handler: handler("share-practice",
		func(c domain.SharePractice) (string, error) {
			return idStream("practiceId", c.PracticeID, domain.PracticeStream)
		},
		domain.EvolvePractice, domain.DecideSharePractice)}
	ExpressInterest = command.UseCase[domain.Interest, domain.ExpressInterest]{Handler: handler("express-interest",
		func(c domain.ExpressInterest) (string, error) {
			return idStream("interestId", c.InterestID, domain.InterestStream)
		},
		domain.EvolveInterest, domain.DecideExpressInterest)}
	ReviewInterest = command.UseCase[domain.Interest, domain.ReviewInterest]{Handler: handler("review-expression-of-interest",
		func(c domain.ReviewInterest) (string, error) {
			return idStream("interestId", c.InterestID, domain.InterestStream)
		},
		domain.EvolveInterest, domain.DecideReviewInterest)}
)

// SubmitFeedback records a respondent's answers to the questionnaire.
var SubmitFeedback = command.UseCase[domain.Feedback, domain.SubmitFeedback]{
	Handler: handler("submit-feedback", func(c domain.SubmitFeedback) (string, error) {
		var v errs.Check
		v.Range("year", c.Year, 2000, 2100)
		v.Required("respondentId", c.RespondentID)
		v.MaxLength("respondentId", c.RespondentID, 100)
		return domain.FeedbackStream(c.Year, c.RespondentID), v.Err()
	}, domain.EvolveFeedback, domain.DecideSubmitFeedback),
	Prepare: func(ctx context.Context, r command.Reader, c domain.SubmitFeedback) (domain.SubmitFeedback, error) {
		var err error
		c.Forum, err = forumOf(ctx, r, c.Year)
		return c, err
	},
}
