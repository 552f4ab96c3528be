// Package ports lists how requests reach the mentoring service: its NATS
// endpoints, each mapping a request to a use case and nothing more.
package ports

import (
	"wsms/mentoring/app"
	"wsms/platform/command"
	"wsms/platform/eventstore"
)

// Endpoints are the mentoring service's commands and questions.
func Endpoints(x *command.Executor, store *eventstore.Store) []command.Endpoint {
	return []command.Endpoint{
		command.Serve(x, app.PublishFramework),
		command.Serve(x, app.SetPolicy),
		command.Serve(x, app.RecordMentorTraining),
		command.Serve(x, app.OpenMentoringRecord),
		command.Serve(x, app.AssignRecordMentor),
		command.Serve(x, app.AssignTutor),
		command.Serve(x, app.RecordObservation),
		command.Serve(x, app.AmendObservation),
		command.Serve(x, app.CoSignObservation),
		command.Serve(x, app.AcknowledgeObservation),
		command.Serve(x, app.LogMentoringMeeting),
		command.Serve(x, app.SubmitReflection),
		command.Serve(x, app.RaiseConcern),
		command.Serve(x, app.ResolveConcern),
		command.Serve(x, app.SubmitFinalAssessment),
		command.Serve(x, app.ModerateAssessment),
		command.Answer("verify-record", app.VerifyRecordIntegrity(store)),
	}
}
