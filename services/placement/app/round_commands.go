package app

import (
	"context"

	"wsms/events/placement"
	"wsms/placement/domain"
	"wsms/platform/command"
	"wsms/platform/decider"
)

func roundHandler[C any](name string, id func(C) string, decide func(domain.Round, C, decider.Meta) ([]any, error)) decider.Handler[domain.Round, C] {
	return decider.Handler[domain.Round, C]{
		Name:   name,
		Stream: func(c C) (string, error) { return streamOf(round, "roundId", id(c)) },
		Evolve: domain.EvolveRound, Decide: decide,
	}
}

// withPool gathers the round's pool into the command before the decision.
func withPool[C any](pool func(*C) (roundID string, into *domain.Pool)) func(context.Context, command.Reader, C) (C, error) {
	return func(ctx context.Context, r command.Reader, c C) (C, error) {
		roundID, into := pool(&c)
		var err error
		*into, err = poolOf(ctx, r, roundID)
		return c, err
	}
}

// OpenPlacementRound opens a placement round.
var OpenPlacementRound = command.UseCase[domain.Round, domain.OpenPlacementRound]{
	Handler: roundHandler("open-placement-round", func(c domain.OpenPlacementRound) string { return c.RoundID }, domain.DecideOpenPlacementRound),
}

// RunAllocation allocates the round's student-teachers, from every offer and
// preference recorded so far.
var RunAllocation = command.UseCase[domain.Round, domain.RunAllocation]{
	Handler: roundHandler("run-allocation", func(c domain.RunAllocation) string { return c.RoundID }, domain.DecideRunAllocation),
	Prepare: withPool(func(c *domain.RunAllocation) (string, *domain.Pool) { return c.RoundID, &c.Pool }),
}

// OverridePlacement places a student-teacher by hand, with a reason.
var OverridePlacement = command.UseCase[domain.Round, domain.OverridePlacement]{
	Handler: roundHandler("override-placement", func(c domain.OverridePlacement) string { return c.RoundID }, domain.DecideOverridePlacement),
	Prepare: withPool(func(c *domain.OverridePlacement) (string, *domain.Pool) { return c.RoundID, &c.Pool }),
}

// PublishAllocation publishes the round's placements.
var PublishAllocation = command.UseCase[domain.Round, domain.PublishAllocation]{
	Handler: roundHandler("publish-allocation", func(c domain.PublishAllocation) string { return c.RoundID }, domain.DecidePublishAllocation),
	Prepare: withPool(func(c *domain.PublishAllocation) (string, *domain.Pool) { return c.RoundID, &c.Pool }),
}

// ConfirmPlacement records a host school's confirmation of a placement.
var ConfirmPlacement = command.UseCase[domain.Round, domain.ConfirmPlacement]{
	Handler: roundHandler("confirm-placement", func(c domain.ConfirmPlacement) string { return c.RoundID }, domain.DecideConfirmPlacement),
}

// DeclinePlacement records a host school's decline and re-allocates that
// student-teacher alone.
var DeclinePlacement = command.UseCase[domain.Round, domain.DeclinePlacement]{
	Handler: roundHandler("decline-placement", func(c domain.DeclinePlacement) string { return c.RoundID }, domain.DecideDeclinePlacement),
	Prepare: withPool(func(c *domain.DeclinePlacement) (string, *domain.Pool) { return c.RoundID, &c.Pool }),
}

// ClosePlacementRound closes a round.
var ClosePlacementRound = command.UseCase[domain.Round, domain.ClosePlacementRound]{
	Handler: roundHandler("close-placement-round", func(c domain.ClosePlacementRound) string { return c.RoundID }, domain.DecideClosePlacementRound),
}

// MentorTraining tells until when a teacher's mentor training is current,
// from the local copy of the mentoring service's records: "" when none is
// on record.
type MentorTraining interface {
	ValidUntil(ctx context.Context, teacherID string) (placement.Date, error)
}

// AssignMentor assigns a teacher-mentor with current training to a
// confirmed placement.
func AssignMentor(training MentorTraining) command.UseCase[domain.Round, domain.AssignMentor] {
	return command.UseCase[domain.Round, domain.AssignMentor]{
		Handler: roundHandler("assign-mentor", func(c domain.AssignMentor) string { return c.RoundID }, domain.DecideAssignMentor),
		Prepare: func(ctx context.Context, r command.Reader, c domain.AssignMentor) (domain.AssignMentor, error) {
			rd, err := roundOf(ctx, r, c.RoundID)
			if err != nil {
				return c, err
			}
			if p, ok := rd.Placement(c.StudentID); ok {
				if c.School, err = schoolOf(ctx, r, p.SchoolID); err != nil {
					return c, err
				}
			}
			c.TrainingValidUntil, err = training.ValidUntil(ctx, c.TeacherID)
			return c, err
		},
	}
}
