// Package app holds the placement service's use cases, one file each: the
// command, the stream it addresses, and the pure decision it runs.
package app

import (
	"wsms/placement/domain"
	"wsms/platform/command"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

// RegisterSchool registers a partner school.
var RegisterSchool = command.UseCase[domain.School, domain.RegisterSchool]{Handler: decider.Handler[domain.School, domain.RegisterSchool]{
	Name: "register-school",
	Stream: func(c domain.RegisterSchool) (string, error) {
		var v errs.Check
		v.UUID("schoolId", c.SchoolID)
		return domain.SchoolStream(c.SchoolID), v.Err()
	},
	Evolve: domain.EvolveSchool,
	Decide: domain.DecideRegisterSchool,
}}
