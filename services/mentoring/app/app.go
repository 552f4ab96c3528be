// Package app holds the mentoring service's use cases: each command with the
// stream it addresses, the facts it gathers and the pure decision it runs.
// Every event of a mentoring record is linked into the record's hash chain.
package app

import (
	"context"

	"wsms/mentoring/domain"
	"wsms/platform/command"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

// recordCommand is a use case on a mentoring record, its events chained.
func recordCommand[C any](name string, id func(C) string, decide func(domain.Record, C, decider.Meta) ([]any, error)) command.UseCase[domain.Record, C] {
	return command.UseCase[domain.Record, C]{Handler: decider.Handler[domain.Record, C]{
		Name: name,
		Stream: func(c C) (string, error) {
			var v errs.Check
			v.UUID("recordId", id(c))
			return domain.RecordStream(id(c)), v.Err()
		},
		Evolve: domain.EvolveRecord,
		Decide: domain.Chained(decide),
	}}
}

// withFramework fills in the competency framework before the decision.
func withFramework[C any](u command.UseCase[domain.Record, C], set func(*C, domain.Framework)) command.UseCase[domain.Record, C] {
	u.Prepare = func(ctx context.Context, r command.Reader, c C) (C, error) {
		fw, err := command.Fold(ctx, r, domain.EvolveFramework, domain.FrameworkStream)
		set(&c, fw)
		return c, err
	}
	return u
}

// withPolicy fills in the mentoring policy in force before the decision.
func withPolicy[C any](u command.UseCase[domain.Record, C], set func(*C, domain.Policy)) command.UseCase[domain.Record, C] {
	prepare := u.Prepare
	u.Prepare = func(ctx context.Context, r command.Reader, c C) (C, error) {
		var err error
		if prepare != nil {
			if c, err = prepare(ctx, r, c); err != nil {
				return c, err
			}
		}
		p, err := command.Fold(ctx, r, domain.EvolvePolicy, domain.PolicyStream)
		set(&c, p)
		return c, err
	}
	return u
}

// The use cases of a mentoring record.
var (
	OpenMentoringRecord = recordCommand("open-mentoring-record", func(c domain.OpenMentoringRecord) string { return c.RecordID }, domain.DecideOpenMentoringRecord)
	AssignRecordMentor  = recordCommand("assign-record-mentor", func(c domain.AssignRecordMentor) string { return c.RecordID }, domain.DecideAssignRecordMentor)
	AssignTutor         = recordCommand("assign-tutor", func(c domain.AssignTutor) string { return c.RecordID }, domain.DecideAssignTutor)
	RecordObservation   = withFramework(recordCommand("record-observation", func(c domain.RecordObservation) string { return c.RecordID }, domain.DecideRecordObservation),
		func(c *domain.RecordObservation, f domain.Framework) { c.Framework = f })
	AmendObservation = withPolicy(withFramework(recordCommand("amend-observation", func(c domain.AmendObservation) string { return c.RecordID }, domain.DecideAmendObservation),
		func(c *domain.AmendObservation, f domain.Framework) { c.Framework = f }),
		func(c *domain.AmendObservation, p domain.Policy) { c.Policy = p })
	CoSignObservation      = recordCommand("cosign-observation", func(c domain.CoSignObservation) string { return c.RecordID }, domain.DecideCoSignObservation)
	AcknowledgeObservation = recordCommand("acknowledge-observation", func(c domain.AcknowledgeObservation) string { return c.RecordID }, domain.DecideAcknowledgeObservation)
	LogMentoringMeeting    = recordCommand("log-mentoring-meeting", func(c domain.LogMentoringMeeting) string { return c.RecordID }, domain.DecideLogMentoringMeeting)
	SubmitReflection       = recordCommand("submit-reflection", func(c domain.SubmitReflection) string { return c.RecordID }, domain.DecideSubmitReflection)
	RaiseConcern           = recordCommand("raise-concern", func(c domain.RaiseConcern) string { return c.RecordID }, domain.DecideRaiseConcern)
	ResolveConcern         = recordCommand("resolve-concern", func(c domain.ResolveConcern) string { return c.RecordID }, domain.DecideResolveConcern)
	SubmitFinalAssessment  = withPolicy(recordCommand("submit-final-assessment", func(c domain.SubmitFinalAssessment) string { return c.RecordID }, domain.DecideSubmitFinalAssessment),
		func(c *domain.SubmitFinalAssessment, p domain.Policy) { c.Policy = p })
	ModerateAssessment = recordCommand("moderate-assessment", func(c domain.ModerateAssessment) string { return c.RecordID }, domain.DecideModerateAssessment)
)

// PublishFramework publishes a new version of the competency framework.
var PublishFramework = command.UseCase[domain.Framework, domain.PublishFramework]{Handler: decider.Handler[domain.Framework, domain.PublishFramework]{
	Name:   "publish-framework",
	Stream: func(domain.PublishFramework) (string, error) { return domain.FrameworkStream, nil },
	Evolve: domain.EvolveFramework, Decide: domain.DecidePublishFramework,
}}

// SetPolicy sets the mentoring policy every record follows.
var SetPolicy = command.UseCase[domain.Policy, domain.SetPolicy]{Handler: decider.Handler[domain.Policy, domain.SetPolicy]{
	Name:   "set-mentoring-policy",
	Stream: func(domain.SetPolicy) (string, error) { return domain.PolicyStream, nil },
	Evolve: domain.EvolvePolicy, Decide: domain.DecideSetPolicy,
}}

// RecordMentorTraining records a teacher's completed mentor training.
var RecordMentorTraining = command.UseCase[domain.MentorTraining, domain.RecordMentorTraining]{Handler: decider.Handler[domain.MentorTraining, domain.RecordMentorTraining]{
	Name: "record-mentor-training",
	Stream: func(c domain.RecordMentorTraining) (string, error) {
		var v errs.Check
		v.UUID("teacherId", c.TeacherID)
		return domain.TrainingStream(c.TeacherID), v.Err()
	},
	Evolve: domain.EvolveMentorTraining, Decide: domain.DecideRecordMentorTraining,
}}
