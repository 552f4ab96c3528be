// Package ports lists how requests reach the forum service: its NATS
// endpoints, each mapping a request to a use case and nothing more.
package ports

import (
	"wsms/forum/adapters"
	"wsms/forum/app"
	"wsms/platform/command"
)

// Endpoints are the forum service's commands and questions.
func Endpoints(x *command.Executor, partners adapters.Partners) []command.Endpoint {
	return []command.Endpoint{
		command.Serve(x, app.ScheduleForum(partners)),
		command.Serve(x, app.AddForumSession),
		command.Serve(x, app.AddRenewalAgendaItem),
		command.Serve(x, app.RegisterForForum),
		command.Serve(x, app.CancelRegistration),
		command.Serve(x, app.RecordAttendance),
		command.Serve(x, app.SharePractice),
		command.Serve(x, app.SubmitFeedback),
		command.Serve(x, app.ExpressInterest),
		command.Serve(x, app.ReviewInterest),
		command.Answer("forum-participation", app.ForumParticipation(x, partners)),
		command.Answer("feedback-results", app.ForumFeedbackResults(x)),
		command.Answer("search-practice", app.SearchPractice(x)),
		command.Answer("renewals-due", app.RenewalsDueIn(partners)),
	}
}
