// Package ports lists how commands reach the placement service: its NATS
// endpoints, each mapping a request to a use case and nothing more.
package ports

import (
	"wsms/placement/app"
	"wsms/platform/command"
)

// Endpoints are the placement service's commands.
func Endpoints(x *command.Executor, training app.MentorTraining) []command.Endpoint {
	return []command.Endpoint{
		command.Serve(x, app.RegisterSchool),
		command.Serve(x, app.SignPartnershipAgreement),
		command.Serve(x, app.OpenDraftAgreement),
		command.Serve(x, app.RenewPartnershipAgreement),
		command.Serve(x, app.EndPartnershipAgreement),
		command.Serve(x, app.SetSchoolCalendar),
		command.Serve(x, app.AddTeacher),
		command.Serve(x, app.NameTeacherMentor),
		command.Serve(x, app.OpenPlacementRound),
		command.Serve(x, app.OfferPlaces),
		command.Serve(x, app.WithdrawOffer),
		command.Serve(x, app.RegisterStudentTeacher),
		command.Serve(x, app.SubmitPreferences),
		command.Serve(x, app.RunAllocation),
		command.Serve(x, app.OverridePlacement),
		command.Serve(x, app.PublishAllocation),
		command.Serve(x, app.ConfirmPlacement),
		command.Serve(x, app.DeclinePlacement),
		command.Serve(x, app.AssignMentor(training)),
		command.Serve(x, app.ClosePlacementRound),
	}
}
