package domain

import (
	"fmt"
	"strings"
	"time"

	"wsms/events/placement"
)

// calendarClash counts the days of a school's examination periods and
// holidays that fall inside a round's practicum windows, and names them.
// Dates have been checked when recorded; one that does not parse counts as
// no day.
func calendarClash(cal placement.SchoolCalendarSet, windows []placement.Period) (days int, names []string) {
	inWindow := func(d time.Time) bool {
		for _, w := range windows {
			from, err1 := time.Parse(dateLayout, string(w.From))
			to, err2 := time.Parse(dateLayout, string(w.To))
			if err1 == nil && err2 == nil && !d.Before(from) && !d.After(to) {
				return true
			}
		}
		return false
	}
	counted := map[time.Time]bool{}
	for _, p := range append(append([]placement.Period{}, cal.ExaminationPeriods...), cal.Holidays...) {
		from, err1 := time.Parse(dateLayout, string(p.From))
		to, err2 := time.Parse(dateLayout, string(p.To))
		if err1 != nil || err2 != nil {
			continue
		}
		hit := false
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			if inWindow(d) {
				hit = true
				counted[d] = true
			}
		}
		if hit {
			name := p.Name
			if name == "" {
				name = "unnamed period"
			}
			names = append(names, fmt.Sprintf("%s %s to %s", name, p.From, p.To))
		}
	}
	return len(counted), names
}

// calendarIneligibility explains why a school's calendar rules it out of a
// round, or returns "" when it does not.
func calendarIneligibility(cal placement.SchoolCalendarSet, windows []placement.Period, toleranceDays int) string {
	days, names := calendarClash(cal, windows)
	if days <= toleranceDays {
		return ""
	}
	return fmt.Sprintf("calendar clash: %d days of examinations and holidays inside the practicum window (%s), more than the round's tolerance of %d",
		days, strings.Join(names, "; "), toleranceDays)
}
