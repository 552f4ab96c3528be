package domain_test

import (
	"testing"
	"time"

	"wsms/events"
	"wsms/events/placement"
	"wsms/placement/app"
	"wsms/placement/domain"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

var (
	office = decider.Meta{Actor: events.Actor{ID: "office-1", Role: events.RoleOffice}, Now: time.Date(2027, 8, 1, 9, 0, 0, 0, time.UTC)}
	clare  = domain.RegisterSchool{
		SchoolID: "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b1e01", Name: "St. Clare's Girls' School", District: "Central and Western",
		Level: placement.Secondary, Contact: placement.Contact{Name: "Mary Chan", Email: "mary.chan@stclare.edu.hk"},
	}
)

func TestRegisterSchool(t *testing.T) {
	t.Parallel()
	// given no events, when the office registers a school, then it is registered.
	got, err := app.RegisterSchool.Run(nil, clare, office)
	if err != nil {
		t.Fatal(err)
	}
	want := placement.SchoolRegistered{SchoolID: clare.SchoolID, Name: clare.Name, District: clare.District, Level: clare.Level, Contact: clare.Contact}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("then %#v, want %#v", got, want)
	}
}

func TestRegisterSchoolTwiceConflicts(t *testing.T) {
	t.Parallel()
	given := []any{placement.SchoolRegistered{SchoolID: clare.SchoolID, Name: clare.Name}}
	_, err := app.RegisterSchool.Run(given, clare, office)
	if !errs.Is(err, errs.Conflict) {
		t.Fatalf("err = %v, want CONFLICT", err)
	}
}

func TestOnlyTheOfficeRegistersSchools(t *testing.T) {
	t.Parallel()
	for _, role := range []events.Role{events.RoleFaculty, events.RoleTutor, events.RoleSchoolCoordinator, events.RoleMentor, events.RoleStudentTeacher} {
		m := office
		m.Actor.Role = role
		if _, err := app.RegisterSchool.Run(nil, clare, m); !errs.Is(err, errs.Forbidden) {
			t.Errorf("%s: err = %v, want FORBIDDEN", role, err)
		}
	}
}

func TestRegisterSchoolRefusesBadInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, field, rule string
		change            func(*domain.RegisterSchool)
	}{
		{"no id", "schoolId", "required", func(c *domain.RegisterSchool) { c.SchoolID = "" }},
		{"id not a UUID", "schoolId", "uuid", func(c *domain.RegisterSchool) { c.SchoolID = "clare" }},
		{"no name", "name", "required", func(c *domain.RegisterSchool) { c.Name = "  " }},
		{"name too long", "name", "max_length", func(c *domain.RegisterSchool) { c.Name = string(make([]byte, 201)) }},
		{"no district", "district", "required", func(c *domain.RegisterSchool) { c.District = "" }},
		{"unknown level", "level", "one_of", func(c *domain.RegisterSchool) { c.Level = "tertiary" }},
		{"no contact name", "contact.name", "required", func(c *domain.RegisterSchool) { c.Contact.Name = "" }},
		{"no contact email", "contact.email", "required", func(c *domain.RegisterSchool) { c.Contact.Email = "" }},
		{"bad contact email", "contact.email", "email", func(c *domain.RegisterSchool) { c.Contact.Email = "mary at stclare" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := clare
			tc.change(&c)
			got, err := app.RegisterSchool.Run(nil, c, office)
			e := errs.As(err)
			if err == nil || e.Code != errs.Validation || e.Field != tc.field || e.Rule != tc.rule {
				t.Fatalf("then %v / %v, want VALIDATION on %s (%s)", got, err, tc.field, tc.rule)
			}
		})
	}
}

func TestRegisterSchoolStreamRefusesMalformedID(t *testing.T) {
	t.Parallel()
	if _, err := app.RegisterSchool.Stream(domain.RegisterSchool{SchoolID: "../etc"}); errs.As(err).Field != "schoolId" {
		t.Fatalf("err = %v, want VALIDATION on schoolId", err)
	}
	if s, err := app.RegisterSchool.Stream(clare); err != nil || s != "school-"+clare.SchoolID {
		t.Fatalf("stream = %q, %v", s, err)
	}
}
