package domain_test

import (
	"testing"

	"wsms/events"
	"wsms/events/placement"
	"wsms/placement/app"
	"wsms/placement/domain"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

// midYearExams is St. Clare's examination period of 2027/28.
var midYearExams = placement.Period{From: "2028-01-10", To: "2028-01-19", Name: "Mid-year examinations"}

// settingCalendar sets St. Clare's 2027/28 calendar: two terms, mid-year
// examinations, and the Chinese New Year holiday.
func settingCalendar() domain.SetSchoolCalendar {
	e := calendarSet(clareID, []placement.Period{midYearExams},
		[]placement.Period{{From: "2028-01-24", To: "2028-01-29", Name: "Lunar New Year holidays"}})
	return domain.SetSchoolCalendar{SchoolID: clareID, SchoolYear: e.SchoolYear, Terms: e.Terms,
		ExaminationPeriods: e.ExaminationPeriods, Holidays: e.Holidays}
}

func calendarOf(c domain.SetSchoolCalendar) placement.SchoolCalendarSet {
	return placement.SchoolCalendarSet{SchoolID: c.SchoolID, SchoolYear: c.SchoolYear, Terms: c.Terms,
		ExaminationPeriods: c.ExaminationPeriods, Holidays: c.Holidays}
}

func TestSetSchoolCalendarByTheOfficeOrTheSchoolsCoordinator(t *testing.T) {
	t.Parallel()
	for who, m := range map[string]decider.Meta{"office": office, "coordinator": clareCoordinator} {
		t.Run(who, func(t *testing.T) {
			t.Parallel()
			c := settingCalendar()
			got, err := app.SetSchoolCalendar.Run([]any{clareRegistered}, c, m)
			thenEvents(t, got, err, calendarOf(c))
		})
	}
}

func TestSetSchoolCalendarWithoutHolidaysRecordsEmptyLists(t *testing.T) {
	t.Parallel()
	c := domain.SetSchoolCalendar{SchoolID: clareID, SchoolYear: 2027, Terms: settingCalendar().Terms}
	got, err := app.SetSchoolCalendar.Run([]any{clareRegistered}, c, office)
	thenEvents(t, got, err, placement.SchoolCalendarSet{SchoolID: clareID, SchoolYear: 2027, Terms: c.Terms,
		ExaminationPeriods: []placement.Period{}, Holidays: []placement.Period{}})
}

func TestSetSchoolCalendarIsForbiddenToOthers(t *testing.T) {
	t.Parallel()
	others := map[string]decider.Meta{
		"another school's coordinator": shatinCoordinator,
		"a coordinator of no school":   as(events.RoleSchoolCoordinator, "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b6f09", ""),
		"a mentor of the school":       as(events.RoleMentor, wongID, clareID),
		"a tutor":                      as(events.RoleTutor, "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b6f04", ""),
		"a student-teacher":            as(events.RoleStudentTeacher, chanID, ""),
	}
	for who, m := range others {
		t.Run(who, func(t *testing.T) {
			t.Parallel()
			got, err := app.SetSchoolCalendar.Run([]any{clareRegistered}, settingCalendar(), m)
			thenRefused(t, got, err, errs.Forbidden)
		})
	}
}

func TestSetSchoolCalendarRefusesBadPeriods(t *testing.T) {
	t.Parallel()
	backwards := placement.Period{From: "2028-03-10", To: "2028-03-01", Name: "Backwards"}
	cases := []struct {
		name, field, rule string
		change            func(*domain.SetSchoolCalendar)
	}{
		{"year unknown", "schoolYear", "range", func(c *domain.SetSchoolCalendar) { c.SchoolYear = 27 }},
		{"term ends before it starts", "terms[1].to", "after_from", func(c *domain.SetSchoolCalendar) { c.Terms[1] = backwards }},
		{"examinations end before they start", "examinationPeriods[0].to", "after_from", func(c *domain.SetSchoolCalendar) { c.ExaminationPeriods[0] = backwards }},
		{"holiday ends before it starts", "holidays[0].to", "after_from", func(c *domain.SetSchoolCalendar) { c.Holidays[0] = backwards }},
		{"start not a date", "terms[0].from", "date", func(c *domain.SetSchoolCalendar) { c.Terms[0].From = "1 September 2027" }},
		{"end not a date", "holidays[0].to", "date", func(c *domain.SetSchoolCalendar) { c.Holidays[0].To = "2028-02-30" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := settingCalendar()
			tc.change(&c)
			got, err := app.SetSchoolCalendar.Run([]any{clareRegistered}, c, office)
			thenInvalid(t, got, err, tc.field, tc.rule)
		})
	}
}

func TestSetSchoolCalendarOfOneDayPeriod(t *testing.T) {
	t.Parallel()
	c := settingCalendar()
	c.Holidays = []placement.Period{{From: "2028-04-04", To: "2028-04-04", Name: "Ching Ming Festival"}}
	got, err := app.SetSchoolCalendar.Run([]any{clareRegistered}, c, office)
	thenEvents(t, got, err, calendarOf(c))
}

func TestSetSchoolCalendarTwiceIsNoChange(t *testing.T) {
	t.Parallel()
	given := []any{clareRegistered, calendarOf(settingCalendar())}
	got, err := app.SetSchoolCalendar.Run(given, settingCalendar(), clareCoordinator)
	thenEvents(t, got, err)
}

func TestSetSchoolCalendarReplacesAChangedOrAddsAnotherYear(t *testing.T) {
	t.Parallel()
	given := []any{clareRegistered, calendarOf(settingCalendar())}
	changed := settingCalendar()
	changed.ExaminationPeriods[0].To = "2028-01-21"
	nextYear := settingCalendar()
	nextYear.SchoolYear = 2028
	for name, c := range map[string]domain.SetSchoolCalendar{"changed": changed, "next year": nextYear} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := app.SetSchoolCalendar.Run(given, c, office)
			thenEvents(t, got, err, calendarOf(c))
		})
	}
}

func TestSetSchoolCalendarNeedsARegisteredSchool(t *testing.T) {
	t.Parallel()
	got, err := app.SetSchoolCalendar.Run(nil, settingCalendar(), office)
	thenRefused(t, got, err, errs.NotFound)
}
