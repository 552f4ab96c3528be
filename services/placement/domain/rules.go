package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"wsms/events"
	"wsms/events/placement"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

// dateLayout is how days are written in commands and events.
const dateLayout = errs.DateLayout

// parseDay reads a date.
func parseDay(d placement.Date) (time.Time, error) { return time.Parse(dateLayout, string(d)) }

// day parses a date field, or records which field is not a date.
func day(v *errs.Check, field string, d placement.Date) time.Time { return v.Date(field, string(d)) }

// today is the calendar day of now, for comparing with deadlines.
func today(m decider.Meta) placement.Date { return placement.Date(m.Today()) }

// periods checks a list of periods: each a valid span with From <= To.
func periods(v *errs.Check, field string, ps []placement.Period) {
	for i, p := range ps {
		f := fmt.Sprintf("%s[%d]", field, i)
		from, to := day(v, f+".from", p.From), day(v, f+".to", p.To)
		if !from.IsZero() && !to.IsZero() && to.Before(from) {
			v.Add(errs.Invalid(f+".to", "after_from", "ends before it starts (%s)", p.From))
		}
	}
}

// subjectList checks a list of subjects: between lo and hi distinct names.
func subjectList(v *errs.Check, field string, subjects []string, lo, hi int) {
	if len(subjects) < lo || len(subjects) > hi {
		v.Add(errs.Invalid(field, "count", "must name %d to %d subjects, not %d", lo, hi, len(subjects)))
		return
	}
	seen := map[string]bool{}
	for i, s := range subjects {
		f := fmt.Sprintf("%s[%d]", field, i)
		v.Required(f, s)
		v.MaxLength(f, s, 100)
		if seen[strings.ToLower(s)] {
			v.Add(errs.Invalid(f, "unique", "%q is named twice", s))
		}
		seen[strings.ToLower(s)] = true
	}
}

// office allows only the partnership office.
func office(m decider.Meta, what string) error {
	if m.Actor.Role != events.RoleOffice {
		return errs.Newf(errs.Forbidden, "only the partnership office %s", what)
	}
	return nil
}

// officeOrCoordinatorOf allows the partnership office, or a coordinator
// acting for the school.
func officeOrCoordinatorOf(m decider.Meta, schoolID, what string) error {
	if m.Actor.Role == events.RoleOffice || m.Actor.Role == events.RoleSchoolCoordinator && m.Actor.SchoolID == schoolID {
		return nil
	}
	return errs.Newf(errs.Forbidden, "only the partnership office or the school's coordinator %s", what)
}

// oneOfLevels checks a school level.
func oneOfLevels(v *errs.Check, field string, l placement.Level) {
	v.OneOf(field, string(l), string(placement.Primary), string(placement.Secondary))
}

// containsFold reports whether list holds s, ignoring case.
func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

// schoolYearOf is the school year a day falls in: school years start in
// September, so 2028-03-01 is in 2027 (2027/28).
func schoolYearOf(d placement.Date) int {
	t, err := parseDay(d)
	if err != nil {
		return 0
	}
	if t.Month() >= time.September {
		return t.Year()
	}
	return t.Year() - 1
}
