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

func TestSchoolStaffRegisterDelegatesOfTheirOwnSchool(t *testing.T) {
	t.Parallel()
	for name, m := range map[string]decider.Meta{"coordinator": coordinator, "mentor": mentor} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := app.RegisterForForum.Run(nil, grace(theForum(t)), m)
			thenEvents(t, got, err, forum.DelegateRegistered{Year: year, SessionID: sessionID, RegistrationID: graceReg,
				PersonID: graceID, Name: "Grace Ho", Kind: forum.DelegateSchool, SchoolID: schoolID, Waitlisted: false})
		})
	}
}

func TestTheFacultyAndTheOfficeRegisterAnyone(t *testing.T) {
	t.Parallel()
	f := theForum(t)
	for _, tc := range []struct {
		name string
		m    decider.Meta
		c    domain.RegisterForForum
		want forum.DelegateRegistered
	}{
		{"the faculty, a member of the faculty", faculty, facultyMember(f, chanReg, chanID, "Dr Chan Siu Ming"),
			registeredAs(facultyMember(f, chanReg, chanID, "Dr Chan Siu Ming"), false)},
		{"the office, a member of the faculty", office, facultyMember(f, chanReg, chanID, "Dr Chan Siu Ming"),
			registeredAs(facultyMember(f, chanReg, chanID, "Dr Chan Siu Ming"), false)},
		{"the faculty, a school's delegate", faculty, delegate(f, ivyReg, ivyID, "Ivy Lam", otherSchoolID),
			registeredAs(delegate(f, ivyReg, ivyID, "Ivy Lam", otherSchoolID), false)},
		{"the office, a school's delegate", office, grace(f), registeredAs(grace(f), false)},
		{"a member of the faculty is of no school", faculty, func() domain.RegisterForForum {
			c := facultyMember(f, chanReg, chanID, "Dr Chan Siu Ming")
			c.SchoolID = schoolID
			return c
		}(), registeredAs(facultyMember(f, chanReg, chanID, "Dr Chan Siu Ming"), false)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := app.RegisterForForum.Run(nil, tc.c, tc.m)
			thenEvents(t, got, err, tc.want)
		})
	}
}

func TestSchoolStaffCannotRegisterOthers(t *testing.T) {
	t.Parallel()
	f := theForum(t)
	for _, tc := range []struct {
		name string
		m    decider.Meta
		c    domain.RegisterForForum
	}{
		{"coordinator, another school's delegate", coordinator, delegate(f, ivyReg, ivyID, "Ivy Lam", otherSchoolID)},
		{"mentor, another school's delegate", mentor, delegate(f, ivyReg, ivyID, "Ivy Lam", otherSchoolID)},
		{"coordinator of another school, this school's delegate", outsider, grace(f)},
		{"coordinator, a member of the faculty", coordinator, facultyMember(f, chanReg, chanID, "Dr Chan Siu Ming")},
		{"mentor, a member of the faculty", mentor, facultyMember(f, chanReg, chanID, "Dr Chan Siu Ming")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := app.RegisterForForum.Run(nil, tc.c, tc.m)
			thenRefused(t, got, err, errs.Forbidden)
		})
	}
	thenForbiddenTo(t, actorsBut(office, faculty, coordinator, mentor, as(mentor.Actor.Role, mentorID, otherSchoolID), outsider),
		func(m decider.Meta) ([]any, error) {
			return app.RegisterForForum.Run(nil, grace(f), m)
		})
}

func TestRegistrationRefusesMalformedDetails(t *testing.T) {
	t.Parallel()
	f := theForum(t)
	valid := func() domain.RegisterForForum { return grace(f) }
	thenEachInvalid(t, nil, app.RegisterForForum, valid, coordinator, []invalid[domain.RegisterForForum]{
		{"no session", func(c *domain.RegisterForForum) { c.SessionID = "" }, "sessionId", "required"},
		{"session not a UUID", func(c *domain.RegisterForForum) { c.SessionID = "triads" }, "sessionId", "uuid"},
		{"no registration id", func(c *domain.RegisterForForum) { c.RegistrationID = "" }, "registrationId", "required"},
		{"registration id not a UUID", func(c *domain.RegisterForForum) { c.RegistrationID = "R-0001" }, "registrationId", "uuid"},
		{"no person", func(c *domain.RegisterForForum) { c.PersonID = "" }, "personId", "required"},
		{"person not a UUID", func(c *domain.RegisterForForum) { c.PersonID = "grace.ho" }, "personId", "uuid"},
		{"no name", func(c *domain.RegisterForForum) { c.Name = " " }, "name", "required"},
		{"name too long", func(c *domain.RegisterForForum) { c.Name = chinese(201) }, "name", "max_length"},
		{"no kind", func(c *domain.RegisterForForum) { c.Kind = "" }, "kind", "one_of"},
		{"unknown kind", func(c *domain.RegisterForForum) { c.Kind = "student" }, "kind", "one_of"},
		{"school delegate of no school", func(c *domain.RegisterForForum) { c.SchoolID = "" }, "schoolId", "required"},
		{"school not a UUID", func(c *domain.RegisterForForum) { c.SchoolID = "SMC" }, "schoolId", "uuid"},
	})
}

func TestRegistrationNeedsTheForumAndTheSession(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]domain.RegisterForForum{
		"no forum scheduled that year": grace(domain.Forum{}),
		"forum without sessions":       grace(forumOf(scheduled(t))),
		"session not on the programme": func() domain.RegisterForForum {
			c := grace(theForum(t))
			c.SessionID = otherSessionID
			return c
		}(),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := app.RegisterForForum.Run(nil, c, coordinator)
			thenRefused(t, got, err, errs.NotFound)
		})
	}
}

// The forum day is a Hong Kong day: registration closes at its midnight
// there, 16:00 UTC.
func TestRegistrationClosesAfterTheForumDay(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		wallClock string
		open      bool
	}{
		{"2027-11-20 09:30", true},
		{"2027-11-20 23:59", true},
		{"2027-11-21 00:00", false},
		{"2027-11-21 07:59", false},
		{"2028-01-10 10:00", false},
	} {
		t.Run(tc.wallClock, func(t *testing.T) {
			t.Parallel()
			got, err := app.RegisterForForum.Run(nil, grace(theForum(t)), atHongKong(coordinator, tc.wallClock))
			if tc.open {
				thenEvents(t, got, err, registeredAs(grace(theForum(t)), false))
				return
			}
			thenRefused(t, got, err, errs.Conflict)
		})
	}
}

func TestAPersonIsRegisteredForASessionOnce(t *testing.T) {
	t.Parallel()
	f := theForum(t)
	for _, tc := range []struct {
		name  string
		given func(*testing.T) []any
		c     domain.RegisterForForum
	}{
		{"the same registration again", seatedOne, grace(f)},
		{"the same person, another registration", seatedOne, delegate(f, newReg, graceID, "Grace Ho", schoolID)},
		{"the same registration id, another person", seatedOne, delegate(f, graceReg, ivyID, "Ivy Lam", schoolID)},
		{"a person waiting, again", full, delegate(f, newReg, kelvinID, "Kelvin Yip", thirdSchoolID)},
		{"a cancelled registration's id", func(t *testing.T) []any {
			return after(t, seatedOne(t), app.CancelRegistration, cancel(graceReg), coordinator)
		}, grace(f)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := app.RegisterForForum.Run(tc.given(t), tc.c, office)
			thenRefused(t, got, err, errs.Conflict)
		})
	}
}

func TestAPersonWhoCancelledRegistersAgain(t *testing.T) {
	t.Parallel()
	given := after(t, seatedOne(t), app.CancelRegistration, cancel(graceReg), coordinator)
	again := delegate(theForum(t), newReg, graceID, "Grace Ho", schoolID)
	got, err := app.RegisterForForum.Run(given, again, coordinator)
	thenEvents(t, got, err, registeredAs(again, false))
}

func TestAFullSessionPutsDelegatesOnTheWaitingList(t *testing.T) {
	t.Parallel()
	f := theForum(t)
	for _, tc := range []struct {
		name       string
		given      func(*testing.T) []any
		waitlisted bool
	}{
		{"a free seat", seatedOne, false},
		{"no seat left", full, true},
		{"a seat freed with nobody waiting", func(t *testing.T) []any {
			h := after(t, seatedOne(t), app.RegisterForForum, facultyMember(f, chanReg, chanID, "Dr Chan Siu Ming"), faculty)
			return after(t, h, app.CancelRegistration, cancel(graceReg), coordinator)
		}, false},
		{"the freed seat given to the first waiting", func(t *testing.T) []any {
			return after(t, full(t), app.CancelRegistration, cancel(graceReg), coordinator)
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := facultyMember(f, newReg, unknownID, "Ms Wong Ka Yan")
			got, err := app.RegisterForForum.Run(tc.given(t), c, faculty)
			thenEvents(t, got, err, registeredAs(c, tc.waitlisted))
		})
	}
}

func TestCancellingASeatPromotesTheFirstWaiting(t *testing.T) {
	t.Parallel()
	got, err := app.CancelRegistration.Run(full(t), cancel(graceReg), coordinator)
	thenEvents(t, got, err, cancelledAs(graceReg), promotedAs(ivyReg))

	// The next seat freed goes to the next waiting.
	given := append(full(t), got...)
	got, err = app.CancelRegistration.Run(given, cancel(chanReg), faculty)
	thenEvents(t, got, err, cancelledAs(chanReg), promotedAs(kelvinReg))

	// And then nobody is left waiting.
	given = append(given, got...)
	got, err = app.CancelRegistration.Run(given, cancel(ivyReg), outsider)
	thenEvents(t, got, err, cancelledAs(ivyReg))
}

func TestCancellingAWaitingRegistrationPromotesNobody(t *testing.T) {
	t.Parallel()
	got, err := app.CancelRegistration.Run(full(t), cancel(ivyReg), outsider)
	thenEvents(t, got, err, cancelledAs(ivyReg))

	// Ivy Lam has left the waiting list: a freed seat goes to Kelvin Yip.
	got, err = app.CancelRegistration.Run(append(full(t), got...), cancel(graceReg), coordinator)
	thenEvents(t, got, err, cancelledAs(graceReg), promotedAs(kelvinReg))
}

func TestCancellingASeatWithNobodyWaitingFreesIt(t *testing.T) {
	t.Parallel()
	got, err := app.CancelRegistration.Run(seatedOne(t), cancel(graceReg), coordinator)
	thenEvents(t, got, err, cancelledAs(graceReg))
}

func TestCancellingTwiceRecordsNothing(t *testing.T) {
	t.Parallel()
	for name, reg := range map[string]string{"a seat": graceReg, "a waiting registration": ivyReg} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			given := after(t, full(t), app.CancelRegistration, cancel(reg), office)
			got, err := app.CancelRegistration.Run(given, cancel(reg), office)
			thenNothing(t, got, err)
		})
	}
}

func TestWhoCancelsARegistration(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		m    decider.Meta
		reg  string
	}{
		{"the delegate's coordinator", coordinator, graceReg},
		{"a mentor of the delegate's school", mentor, graceReg},
		{"the faculty, a school's delegate", faculty, graceReg},
		{"the office, a school's delegate", office, graceReg},
		{"the faculty, a member of the faculty", faculty, chanReg},
		{"the office, a member of the faculty", office, chanReg},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := app.CancelRegistration.Run(full(t), cancel(tc.reg), tc.m)
			thenEvents(t, got, err, cancelledAs(tc.reg), promotedAs(ivyReg))
		})
	}
	for _, tc := range []struct {
		name string
		m    decider.Meta
		reg  string
	}{
		{"the coordinator of another school", outsider, graceReg},
		{"a mentor of another school", as(mentor.Actor.Role, mentorID, otherSchoolID), graceReg},
		{"school staff, a member of the faculty", coordinator, chanReg},
		{"a mentor of no school, a member of the faculty", as(mentor.Actor.Role, mentorID, ""), chanReg},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := app.CancelRegistration.Run(full(t), cancel(tc.reg), tc.m)
			thenRefused(t, got, err, errs.Forbidden)
		})
	}
	thenForbiddenTo(t, map[string]decider.Meta{"tutor": tutor, "student-teacher": student, "system": system, "prospective school": prospective},
		func(m decider.Meta) ([]any, error) {
			return app.CancelRegistration.Run(full(t), cancel(graceReg), m)
		})
}

func TestCancellingRefusesMalformedAndUnknownRegistrations(t *testing.T) {
	t.Parallel()
	thenEachInvalid(t, full(t), app.CancelRegistration, func() domain.CancelRegistration { return cancel(graceReg) }, office,
		[]invalid[domain.CancelRegistration]{
			{"no session", func(c *domain.CancelRegistration) { c.SessionID = "" }, "sessionId", "required"},
			{"session not a UUID", func(c *domain.CancelRegistration) { c.SessionID = "triads" }, "sessionId", "uuid"},
			{"no registration", func(c *domain.CancelRegistration) { c.RegistrationID = "" }, "registrationId", "required"},
			{"registration not a UUID", func(c *domain.CancelRegistration) { c.RegistrationID = "R-0001" }, "registrationId", "uuid"},
		})
	got, err := app.CancelRegistration.Run(full(t), cancel(unknownID), office)
	thenRefused(t, got, err, errs.NotFound)
}

func TestTheOfficeOrTheFacultyRecordAttendanceFromTheForumDay(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		m        decider.Meta
		attended bool
	}{
		{"the office, present, on the morning", onTheDay(office), true},
		{"the faculty, absent, on the morning", onTheDay(faculty), false},
		// 00:00 in Hong Kong is still the day before in UTC.
		{"at midnight starting the day", atHongKong(office, "2027-11-20 00:00"), true},
		{"the week after", atHongKong(faculty, "2027-11-27 14:00"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := app.RecordAttendance.Run(full(t), attendance(graceReg, tc.attended, theForum(t)), tc.m)
			thenEvents(t, got, err, attendedAs(graceReg, tc.attended))
		})
	}
	thenForbiddenTo(t, actorsBut(office, faculty), func(m decider.Meta) ([]any, error) {
		return app.RecordAttendance.Run(full(t), attendance(graceReg, true, theForum(t)), onTheDay(m))
	})
}

func TestAttendanceIsNotRecordedBeforeTheForumDay(t *testing.T) {
	t.Parallel()
	for _, wallClock := range []string{"2027-11-13 10:00", "2027-11-19 23:59"} {
		t.Run(wallClock, func(t *testing.T) {
			t.Parallel()
			got, err := app.RecordAttendance.Run(full(t), attendance(graceReg, true, theForum(t)), atHongKong(office, wallClock))
			thenRefused(t, got, err, errs.Conflict)
		})
	}
}

func TestAttendanceIsForSeatedRegistrations(t *testing.T) {
	t.Parallel()
	promoted := func(t *testing.T) []any {
		return after(t, full(t), app.CancelRegistration, cancel(graceReg), coordinator)
	}
	for _, tc := range []struct {
		name  string
		given func(*testing.T) []any
		reg   string
		code  errs.Code // "" for accepted
	}{
		{"seated", full, chanReg, ""},
		{"promoted from the waiting list", promoted, ivyReg, ""},
		{"waiting", full, ivyReg, errs.Conflict},
		{"still waiting after another's promotion", promoted, kelvinReg, errs.Conflict},
		{"cancelled", promoted, graceReg, errs.Conflict},
		{"unknown", full, unknownID, errs.NotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := app.RecordAttendance.Run(tc.given(t), attendance(tc.reg, true, theForum(t)), onTheDay(office))
			if tc.code == "" {
				thenEvents(t, got, err, attendedAs(tc.reg, true))
				return
			}
			thenRefused(t, got, err, tc.code)
		})
	}
}

func TestTheSameAttendanceTwiceRecordsNothing(t *testing.T) {
	t.Parallel()
	for name, attended := range map[string]bool{"present": true, "absent": false} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			given := after(t, full(t), app.RecordAttendance, attendance(graceReg, attended, theForum(t)), onTheDay(office))
			got, err := app.RecordAttendance.Run(given, attendance(graceReg, attended, theForum(t)), onTheDay(faculty))
			thenNothing(t, got, err)

			// A correction is recorded.
			got, err = app.RecordAttendance.Run(given, attendance(graceReg, !attended, theForum(t)), onTheDay(faculty))
			thenEvents(t, got, err, attendedAs(graceReg, !attended))
		})
	}
}

func TestAttendanceRefusesMalformedDetailsAndAnUnscheduledForum(t *testing.T) {
	t.Parallel()
	f := theForum(t)
	thenEachInvalid(t, full(t), app.RecordAttendance, func() domain.RecordAttendance { return attendance(graceReg, true, f) }, onTheDay(office),
		[]invalid[domain.RecordAttendance]{
			{"no session", func(c *domain.RecordAttendance) { c.SessionID = "" }, "sessionId", "required"},
			{"session not a UUID", func(c *domain.RecordAttendance) { c.SessionID = "triads" }, "sessionId", "uuid"},
			{"no registration", func(c *domain.RecordAttendance) { c.RegistrationID = "" }, "registrationId", "required"},
			{"registration not a UUID", func(c *domain.RecordAttendance) { c.RegistrationID = "R-0001" }, "registrationId", "uuid"},
		})
	got, err := app.RecordAttendance.Run(full(t), attendance(graceReg, true, domain.Forum{}), onTheDay(office))
	thenRefused(t, got, err, errs.NotFound)
}

func TestSchoolsRegisteredAreTheSchoolsWithARegistrationStanding(t *testing.T) {
	t.Parallel()
	f := theForum(t)
	for _, tc := range []struct {
		name  string
		given func(*testing.T) []any
		want  []string
	}{
		{"nobody registered", func(*testing.T) []any { return nil }, nil},
		{"a member of the faculty is of no school", func(t *testing.T) []any {
			return after(t, nil, app.RegisterForForum, facultyMember(f, chanReg, chanID, "Dr Chan Siu Ming"), faculty)
		}, nil},
		{"seated and waiting, in school order", full, []string{schoolID, otherSchoolID, thirdSchoolID}},
		{"two delegates of one school, once", func(t *testing.T) []any {
			h := after(t, nil, app.RegisterForForum, delegate(f, kelvinReg, kelvinID, "Kelvin Yip", thirdSchoolID), office)
			h = after(t, h, app.RegisterForForum, grace(f), coordinator)
			return after(t, h, app.RegisterForForum, delegate(f, newReg, unknownID, "Lee Mei Ling", schoolID), mentor)
		}, []string{schoolID, thirdSchoolID}},
		{"one of two delegates cancelled", func(t *testing.T) []any {
			h := after(t, seatedOne(t), app.RegisterForForum, delegate(f, newReg, unknownID, "Lee Mei Ling", schoolID), mentor)
			return after(t, h, app.CancelRegistration, cancel(graceReg), coordinator)
		}, []string{schoolID}},
		{"cancelled schools drop out", func(t *testing.T) []any {
			h := after(t, full(t), app.CancelRegistration, cancel(graceReg), coordinator)
			return after(t, h, app.CancelRegistration, cancel(kelvinReg), office)
		}, []string{otherSchoolID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := sessionOf(tc.given(t)).SchoolsRegistered()
			if !slices.Equal(got, tc.want) {
				t.Fatalf("schools registered %v, want %v", got, tc.want)
			}
		})
	}
}
