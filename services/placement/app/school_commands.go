package app

import (
	"wsms/placement/domain"
	"wsms/platform/command"
	"wsms/platform/decider"
)

// The use cases of a partner school's own record. Each needs nothing but
// the school's stream.

// RegisterSchool registers a partner school.
var RegisterSchool = command.UseCase[domain.School, domain.RegisterSchool]{Handler: decider.Handler[domain.School, domain.RegisterSchool]{
	Name:   "register-school",
	Stream: func(c domain.RegisterSchool) (string, error) { return streamOf(school, "schoolId", c.SchoolID) },
	Evolve: domain.EvolveSchool, Decide: domain.DecideRegisterSchool,
}}

// SignPartnershipAgreement records a school's partnership agreement.
var SignPartnershipAgreement = command.UseCase[domain.School, domain.SignPartnershipAgreement]{Handler: decider.Handler[domain.School, domain.SignPartnershipAgreement]{
	Name: "sign-partnership-agreement",
	Stream: func(c domain.SignPartnershipAgreement) (string, error) {
		return streamOf(school, "schoolId", c.SchoolID)
	},
	Evolve: domain.EvolveSchool, Decide: domain.DecideSignPartnershipAgreement,
}}

// RenewPartnershipAgreement extends a school's agreement by a further term.
var RenewPartnershipAgreement = command.UseCase[domain.School, domain.RenewPartnershipAgreement]{Handler: decider.Handler[domain.School, domain.RenewPartnershipAgreement]{
	Name: "renew-partnership-agreement",
	Stream: func(c domain.RenewPartnershipAgreement) (string, error) {
		return streamOf(school, "schoolId", c.SchoolID)
	},
	Evolve: domain.EvolveSchool, Decide: domain.DecideRenewPartnershipAgreement,
}}

// EndPartnershipAgreement ends a school's agreement early, with a reason.
var EndPartnershipAgreement = command.UseCase[domain.School, domain.EndPartnershipAgreement]{Handler: decider.Handler[domain.School, domain.EndPartnershipAgreement]{
	Name: "end-partnership-agreement",
	Stream: func(c domain.EndPartnershipAgreement) (string, error) {
		return streamOf(school, "schoolId", c.SchoolID)
	},
	Evolve: domain.EvolveSchool, Decide: domain.DecideEndPartnershipAgreement,
}}

// SetSchoolCalendar records a school's calendar for a school year.
var SetSchoolCalendar = command.UseCase[domain.School, domain.SetSchoolCalendar]{Handler: decider.Handler[domain.School, domain.SetSchoolCalendar]{
	Name:   "set-school-calendar",
	Stream: func(c domain.SetSchoolCalendar) (string, error) { return streamOf(school, "schoolId", c.SchoolID) },
	Evolve: domain.EvolveSchool, Decide: domain.DecideSetSchoolCalendar,
}}

// AddTeacher names a teacher of a school to the partnership.
var AddTeacher = command.UseCase[domain.School, domain.AddTeacher]{Handler: decider.Handler[domain.School, domain.AddTeacher]{
	Name:   "add-teacher",
	Stream: func(c domain.AddTeacher) (string, error) { return streamOf(school, "schoolId", c.SchoolID) },
	Evolve: domain.EvolveSchool, Decide: domain.DecideAddTeacher,
}}

// NameTeacherMentor names a teacher of a school as a teacher-mentor.
var NameTeacherMentor = command.UseCase[domain.School, domain.NameTeacherMentor]{Handler: decider.Handler[domain.School, domain.NameTeacherMentor]{
	Name:   "name-teacher-mentor",
	Stream: func(c domain.NameTeacherMentor) (string, error) { return streamOf(school, "schoolId", c.SchoolID) },
	Evolve: domain.EvolveSchool, Decide: domain.DecideNameTeacherMentor,
}}

// OpenDraftAgreement opens a draft agreement for a newly accepted school.
var OpenDraftAgreement = command.UseCase[domain.School, domain.OpenDraftAgreement]{Handler: decider.Handler[domain.School, domain.OpenDraftAgreement]{
	Name:   "open-draft-agreement",
	Stream: func(c domain.OpenDraftAgreement) (string, error) { return streamOf(school, "schoolId", c.SchoolID) },
	Evolve: domain.EvolveSchool, Decide: domain.DecideOpenDraftAgreement,
}}
