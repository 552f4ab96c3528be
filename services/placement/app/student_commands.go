package app

import (
	"context"
	"strings"

	"wsms/placement/domain"
	"wsms/platform/command"
	"wsms/platform/decider"
)

// RegisterStudentTeacher registers a student-teacher for a round.
var RegisterStudentTeacher = command.UseCase[domain.StudentTeacher, domain.RegisterStudentTeacher]{
	Handler: decider.Handler[domain.StudentTeacher, domain.RegisterStudentTeacher]{
		Name: "register-student-teacher",
		Stream: func(c domain.RegisterStudentTeacher) (string, error) {
			return streamOf(student, "roundId", c.RoundID, "studentId", c.StudentID)
		},
		Evolve: domain.EvolveStudentTeacher, Decide: domain.DecideRegisterStudentTeacher,
	},
	Prepare: func(ctx context.Context, r command.Reader, c domain.RegisterStudentTeacher) (domain.RegisterStudentTeacher, error) {
		var err error
		if c.Round, err = roundOf(ctx, r, c.RoundID); err != nil {
			return c, err
		}
		c.Schools = map[string]bool{}
		for _, cf := range c.Conflicts {
			s, err := schoolOf(ctx, r, cf.SchoolID)
			if err != nil {
				return c, err
			}
			c.Schools[cf.SchoolID] = s.Registered()
		}
		return c, nil
	},
}

// SubmitPreferences records a student-teacher's ranking of the schools
// offering places in the round.
var SubmitPreferences = command.UseCase[domain.StudentTeacher, domain.SubmitPreferences]{
	Handler: decider.Handler[domain.StudentTeacher, domain.SubmitPreferences]{
		Name: "submit-preferences",
		Stream: func(c domain.SubmitPreferences) (string, error) {
			return streamOf(student, "roundId", c.RoundID, "studentId", c.StudentID)
		},
		Evolve: domain.EvolveStudentTeacher, Decide: domain.DecideSubmitPreferences,
	},
	Prepare: func(ctx context.Context, r command.Reader, c domain.SubmitPreferences) (domain.SubmitPreferences, error) {
		var err error
		if c.Round, err = roundOf(ctx, r, c.RoundID); err != nil {
			return c, err
		}
		offers, err := r.EventsByStream(ctx, domain.OfferStreamPrefix(c.RoundID))
		if err != nil {
			return c, err
		}
		c.Offered = map[string]bool{}
		for stream, evs := range offers {
			var o domain.Offer
			for _, e := range evs {
				o = domain.EvolveOffer(o, e)
			}
			c.Offered[strings.TrimPrefix(stream, domain.OfferStreamPrefix(c.RoundID))] = o.Current()
		}
		return c, nil
	},
}
