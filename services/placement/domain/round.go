package domain

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"wsms/events/placement"
	"wsms/placement/allocation"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

// Round is a placement round: its rules, its allocation and the life of
// each placement after publication.
type Round struct {
	opened       placement.PlacementRoundOpened
	closed       bool
	allocated    bool
	published    bool
	placements   map[string]placement.Placement // by student
	unplaced     map[string]string
	explanations map[string]placement.Explanation
	ineligible   []placement.IneligibleSchool
	status       map[string]string   // by student: proposed, confirmed, declined
	declinedBy   map[string][]string // by student: schools that declined them
	exceptions   map[string]string   // by student placed by hand: the rule waived
	mentors      map[string]string   // by student: teacher
	load         map[string]int      // by teacher: students mentored this round
}

// Placement statuses after publication.
const (
	statusProposed  = "proposed"
	statusConfirmed = "confirmed"
	statusDeclined  = "declined"
)

// RoundStream names the stream of a round.
func RoundStream(id string) string { return "round-" + id }

// EvolveRound applies one of a round's events.
func EvolveRound(r Round, e any) Round {
	switch e := e.(type) {
	case placement.PlacementRoundOpened:
		r.opened = e
	case placement.AllocationRecorded:
		r.allocated, r.exceptions = true, nil
		r.placements, r.unplaced, r.explanations = map[string]placement.Placement{}, map[string]string{}, map[string]placement.Explanation{}
		for _, p := range e.Placements {
			r.placements[p.StudentID] = p
		}
		for _, u := range e.Unplaced {
			r.unplaced[u.StudentID] = u.Reason
		}
		for _, x := range e.Explanations {
			r.explanations[x.StudentID] = x
		}
		r.ineligible = e.IneligibleSchools
	case placement.PlacementOverridden:
		r.exceptions = maps.Clone(r.exceptions)
		if r.exceptions == nil {
			r.exceptions = map[string]string{}
		}
		r.exceptions[e.StudentID] = e.Exception
		r.placements = maps.Clone(r.placements)
		r.placements[e.StudentID] = placement.Placement{StudentID: e.StudentID, SchoolID: e.SchoolID, Subject: e.Subject, Rank: e.Rank, TravelMinutes: e.TravelMinutes}
		r.unplaced = maps.Clone(r.unplaced)
		delete(r.unplaced, e.StudentID)
	case placement.AllocationPublished:
		r.published = true
		r.status = map[string]string{}
		for id := range r.placements {
			r.status[id] = statusProposed
		}
		r.declinedBy, r.mentors, r.load = map[string][]string{}, map[string]string{}, map[string]int{}
	case placement.PlacementConfirmed:
		r.status = maps.Clone(r.status)
		r.status[e.StudentID] = statusConfirmed
	case placement.PlacementDeclined:
		r.status = maps.Clone(r.status)
		r.status[e.StudentID] = statusDeclined
		r.declinedBy = maps.Clone(r.declinedBy)
		r.declinedBy[e.StudentID] = append(slices.Clone(r.declinedBy[e.StudentID]), e.SchoolID)
		r.placements = maps.Clone(r.placements)
		delete(r.placements, e.StudentID)
	case placement.StudentTeacherReallocated:
		r.status, r.unplaced = maps.Clone(r.status), maps.Clone(r.unplaced)
		r.explanations = maps.Clone(r.explanations)
		r.explanations[e.StudentID] = e.Explanation
		if e.Placement != nil {
			r.placements = maps.Clone(r.placements)
			r.placements[e.StudentID] = *e.Placement
			r.status[e.StudentID] = statusProposed
		} else {
			delete(r.status, e.StudentID)
			r.unplaced[e.StudentID] = e.Unplaced
		}
	case placement.MentorAssigned:
		r.mentors, r.load = maps.Clone(r.mentors), maps.Clone(r.load)
		if old, ok := r.mentors[e.StudentID]; ok {
			r.load[old]--
		}
		r.mentors[e.StudentID] = e.TeacherID
		r.load[e.TeacherID]++
	case placement.PlacementRoundClosed:
		r.closed = true
	}
	return r
}

// Opened reports whether the round has been opened.
func (r Round) Opened() bool { return r.opened.RoundID != "" }

// SchoolYear is the school year the round's practicum falls in.
func (r Round) SchoolYear() int { return r.opened.SchoolYear }

// Placement returns a student-teacher's current placement.
func (r Round) Placement(studentID string) (placement.Placement, bool) {
	p, ok := r.placements[studentID]
	return p, ok
}

// mustBeOpen refuses a command on a round that does not exist or is closed.
func (r Round) mustBeOpen(id string) error {
	if !r.Opened() {
		return errs.Newf(errs.NotFound, "no placement round %s is open", id)
	}
	if r.closed {
		return errs.Newf(errs.Conflict, "placement round %q is closed", r.opened.Name)
	}
	return nil
}

// acceptsChanges refuses changes to the round's offers and students once
// the allocation is published.
func (r Round) acceptsChanges(id string) error {
	if err := r.mustBeOpen(id); err != nil {
		return err
	}
	if r.published {
		return errs.Newf(errs.Conflict, "the allocation of round %q is published: offers and student-teachers can no longer change", r.opened.Name)
	}
	return nil
}

// acceptsOffers also holds offers to the offer deadline (the deadline day
// included).
func (r Round) acceptsOffers(id string, today placement.Date) error {
	if err := r.acceptsChanges(id); err != nil {
		return err
	}
	if today > r.opened.OfferDeadline {
		return errs.Newf(errs.Conflict, "the offer deadline of round %q was %s", r.opened.Name, r.opened.OfferDeadline)
	}
	return nil
}

// acceptsPreferences also holds preferences to the preference deadline.
func (r Round) acceptsPreferences(id string, today placement.Date) error {
	if err := r.acceptsChanges(id); err != nil {
		return err
	}
	if today > r.opened.PreferenceDeadline {
		return errs.Newf(errs.Conflict, "the preference deadline of round %q was %s", r.opened.Name, r.opened.PreferenceDeadline)
	}
	return nil
}

// OpenPlacementRound asks to open a round. MaxPreferences defaults to 10,
// MaxTravelMinutes to 60, CalendarToleranceDays to 5 and TravelMinutes to
// DefaultTravelMinutes.
type OpenPlacementRound struct {
	RoundID               string                    `json:"roundId"`
	Name                  string                    `json:"name"`
	SchoolYear            int                       `json:"schoolYear"`
	Windows               []placement.Period        `json:"windows"`
	OfferDeadline         placement.Date            `json:"offerDeadline"`
	PreferenceDeadline    placement.Date            `json:"preferenceDeadline"`
	MaxPreferences        int                       `json:"maxPreferences"`
	MaxTravelMinutes      int                       `json:"maxTravelMinutes"`
	CalendarToleranceDays *int                      `json:"calendarToleranceDays"`
	TravelMinutes         map[string]map[string]int `json:"travelMinutes"`
}

// DecideOpenPlacementRound lets the office open a round once.
func DecideOpenPlacementRound(r Round, c OpenPlacementRound, m decider.Meta) ([]any, error) {
	if err := office(m, "opens placement rounds"); err != nil {
		return nil, err
	}
	c.MaxPreferences, c.MaxTravelMinutes = orDefault(c.MaxPreferences, 10), orDefault(c.MaxTravelMinutes, 60)
	tolerance := 5
	if c.CalendarToleranceDays != nil {
		tolerance = *c.CalendarToleranceDays
	}
	if c.TravelMinutes == nil {
		c.TravelMinutes = DefaultTravelMinutes()
	}
	var v errs.Check
	v.UUID("roundId", c.RoundID)
	v.Required("name", c.Name)
	v.MaxLength("name", c.Name, 200)
	v.Range("schoolYear", c.SchoolYear, 2000, 2100)
	if len(c.Windows) == 0 || len(c.Windows) > 4 {
		v.Add(errs.Invalid("windows", "count", "must give 1 to 4 practicum windows, not %d", len(c.Windows)))
	}
	periods(&v, "windows", c.Windows)
	offer, prefs := day(&v, "offerDeadline", c.OfferDeadline), day(&v, "preferenceDeadline", c.PreferenceDeadline)
	if len(c.Windows) > 0 {
		if first, err := parseDay(c.Windows[0].From); err == nil {
			for _, d := range []struct {
				field string
				at    time.Time
			}{{"offerDeadline", offer}, {"preferenceDeadline", prefs}} {
				if !d.at.IsZero() && d.at.After(first) {
					v.Add(errs.Invalid(d.field, "before_window", "must fall before the first practicum window (%s)", c.Windows[0].From))
				}
			}
		}
	}
	v.Range("maxPreferences", c.MaxPreferences, 1, 20)
	v.Range("maxTravelMinutes", c.MaxTravelMinutes, 1, 300)
	v.Range("calendarToleranceDays", tolerance, 0, 60)
	travelTable(&v, c.TravelMinutes)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if r.Opened() {
		return nil, errs.Newf(errs.Conflict, "round %s is already open as %q", c.RoundID, r.opened.Name)
	}
	return []any{placement.PlacementRoundOpened{RoundID: c.RoundID, Name: c.Name, SchoolYear: c.SchoolYear, Windows: c.Windows,
		OfferDeadline: c.OfferDeadline, PreferenceDeadline: c.PreferenceDeadline, MaxPreferences: c.MaxPreferences,
		MaxTravelMinutes: c.MaxTravelMinutes, CalendarToleranceDays: tolerance, TravelMinutes: c.TravelMinutes}}, nil
}

// travelTable checks that the table is square: from every district it names,
// as a row or a column, to every one, in non-negative minutes.
func travelTable(v *errs.Check, t map[string]map[string]int) {
	if len(t) == 0 {
		v.Add(errs.Invalid("travelMinutes", "required", "must give journey times between districts"))
		return
	}
	named := map[string]bool{}
	for from, row := range t {
		named[from] = true
		for to := range row {
			named[to] = true
		}
	}
	districts := slices.Sorted(maps.Keys(named))
	for _, from := range districts {
		for _, to := range districts {
			m, ok := t[from][to]
			f := fmt.Sprintf("travelMinutes[%q][%q]", from, to)
			if !ok {
				v.Add(errs.Invalid(f, "required", "every district needs a journey time to every district"))
			} else if m < 0 {
				v.Add(errs.Invalid(f, "range", "must not be negative, not %d", m))
			}
		}
	}
}

// Pool is everything the allocation weighs: the offers and student-teachers
// of the round, and the calendars of the schools that offered. It is
// gathered from their streams before the decision.
type Pool struct {
	Offers   map[string]Offer          // by school
	Students map[string]StudentTeacher // by student
	Schools  map[string]School         // by school, for each offer
}

// RunAllocation asks to allocate every student-teacher of the round.
type RunAllocation struct {
	RoundID string `json:"roundId"`
	Pool    Pool   `json:"-"`
}

// DecideRunAllocation lets the office allocate, as often as it likes until
// it publishes: each run replaces the last, and takes in every offer and
// preference made since.
func DecideRunAllocation(r Round, c RunAllocation, m decider.Meta) ([]any, error) {
	if err := office(m, "runs the allocation"); err != nil {
		return nil, err
	}
	var v errs.Check
	v.UUID("roundId", c.RoundID)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := r.acceptsChanges(c.RoundID); err != nil {
		return nil, err
	}
	in, notes := r.instance(c.Pool, "")
	res, err := allocation.Solve(in)
	if err != nil {
		return nil, fmt.Errorf("allocate round %s: %w", c.RoundID, err)
	}
	e := placement.AllocationRecorded{RoundID: c.RoundID, Placements: []placement.Placement{}, Unplaced: []placement.Unplaced{},
		Explanations: []placement.Explanation{}, IneligibleSchools: notes.ineligible,
		Summary: placement.AllocationSummary(res.Summary)}
	for _, p := range res.Placements {
		e.Placements = append(e.Placements, notes.placed(p))
	}
	for _, u := range res.Unplaced {
		e.Unplaced = append(e.Unplaced, placement.Unplaced{StudentID: u.Student, Reason: u.Reason})
	}
	for _, x := range res.Explanations {
		e.Explanations = append(e.Explanations, notes.explain(x))
	}
	return []any{e}, nil
}

// instanceNotes is what the round knows of its schools that the solver
// does not: why some cannot take anyone, and how subjects were written.
type instanceNotes struct {
	ineligible []placement.IneligibleSchool
	// why explains, by school, a school the solver saw with no places.
	why map[string]string
	// calendar holds the schools ruled out by their calendar.
	calendar map[string]bool
	// subject maps a subject as the solver saw it (lower case, so that
	// "English" and "english" match) to the way the school offered it.
	subject map[string]string
	// full holds, in a re-allocation, the schools whose places for the
	// student are all held by other placements.
	full map[string]bool
}

// explain turns the solver's explanation into the round's, with the
// round's own reasons for schools the solver only saw as empty.
func (n instanceNotes) explain(x allocation.Explanation) placement.Explanation {
	out := placement.Explanation{StudentID: x.Student, SchoolID: x.School, Rank: x.Rank, NotChosen: []placement.NotChosen{}}
	for _, nc := range x.NotChosen {
		reason := nc.Reason
		if why, ok := n.why[nc.School]; ok {
			reason = why
		}
		out.NotChosen = append(out.NotChosen, placement.NotChosen{SchoolID: nc.School, Rank: nc.Rank, Reason: reason})
	}
	return out
}

// placed turns the solver's placement into the round's, with the subject as
// the school offered it.
func (n instanceNotes) placed(p allocation.Placement) placement.Placement {
	subject := p.Subject
	if s, ok := n.subject[p.Subject]; ok {
		subject = s
	}
	return placement.Placement{StudentID: p.Student, SchoolID: p.School, Subject: subject, Rank: p.Rank, TravelMinutes: p.TravelMinutes}
}

// Reasons given for schools the solver sees with no places.
const (
	reasonWithdrew = "ineligible: the school withdrew its offer"
	reasonDeclined = "ineligible: the school declined the placement"
	reasonFull     = "full: every place there is held by another placement"
)

// instance is the round as the solver sees it. Schools that withdrew their
// offer or whose calendar clashes with the practicum stay in it with no
// places, so every student's ranks keep their meaning; notes say why. When
// only is set, the instance holds that student alone, with the places every
// other placement holds taken away and the schools that declined them
// excluded: a re-allocation that moves no one else.
func (r Round) instance(p Pool, only string) (allocation.Instance, instanceNotes) {
	notes := instanceNotes{ineligible: []placement.IneligibleSchool{}, why: map[string]string{}, calendar: map[string]bool{},
		subject: map[string]string{}, full: map[string]bool{}}
	key := strings.ToLower
	taken := map[[2]string]int{}
	takenAt := map[string]int{}
	if only != "" {
		for id, pl := range r.placements {
			if id != only {
				taken[[2]string{pl.SchoolID, key(pl.Subject)}]++
				takenAt[pl.SchoolID]++
			}
		}
	}
	in := allocation.Instance{MaxPreferences: r.opened.MaxPreferences, MaxTravelMinutes: r.opened.MaxTravelMinutes,
		TravelMinutes: r.opened.TravelMinutes, Schools: []allocation.School{}, Students: []allocation.Student{}}
	inRound := map[string]bool{}
	for _, id := range slices.Sorted(maps.Keys(p.Offers)) {
		o := p.Offers[id]
		if !o.made {
			continue
		}
		inRound[id] = true
		sc := allocation.School{ID: id, Level: allocation.Level(o.last.School.Level), District: o.last.School.District, Offers: []allocation.Offer{}}
		clash := ""
		if cal, ok := p.Schools[id].Calendar(r.opened.SchoolYear); ok {
			clash = calendarIneligibility(cal, r.opened.Windows, r.opened.CalendarToleranceDays)
		}
		switch {
		case o.withdrawn:
			notes.why[id] = reasonWithdrew
		case clash != "":
			notes.why[id], notes.calendar[id] = "ineligible: "+clash, true
			notes.ineligible = append(notes.ineligible, placement.IneligibleSchool{SchoolID: id, Reason: clash})
		default:
			sc.Capacity = max(o.last.Capacity-takenAt[id], 0)
			offered, free := false, false
			for _, off := range o.last.Offers {
				notes.subject[key(off.Subject)] = off.Subject
				places := max(off.Places-taken[[2]string{id, key(off.Subject)}], 0)
				sc.Offers = append(sc.Offers, allocation.Offer{Subject: key(off.Subject), Places: places})
				if only != "" && slices.ContainsFunc(p.Students[only].reg.Subjects, func(s string) bool { return strings.EqualFold(s, off.Subject) }) {
					offered, free = true, free || places > 0
				}
			}
			if offered && (!free || sc.Capacity == 0) {
				notes.why[id], notes.full[id] = reasonFull, true
			}
		}
		in.Schools = append(in.Schools, sc)
	}
	for _, id := range slices.Sorted(maps.Keys(p.Students)) {
		s := p.Students[id]
		if !s.registered || only != "" && id != only {
			continue
		}
		st := allocation.Student{ID: id, Level: allocation.Level(s.reg.Level), District: s.reg.HomeDistrict, Subjects: []string{},
			Preferences: []string{}, Excluded: []string{}}
		for _, subject := range s.reg.Subjects {
			st.Subjects = append(st.Subjects, key(subject))
		}
		for _, sc := range s.preferences {
			if inRound[sc] {
				st.Preferences = append(st.Preferences, sc)
			}
		}
		for _, cf := range s.reg.Conflicts {
			if inRound[cf.SchoolID] && !slices.Contains(st.Excluded, cf.SchoolID) {
				st.Excluded = append(st.Excluded, cf.SchoolID)
			}
		}
		for _, sc := range r.declinedBy[id] {
			if inRound[sc] && !slices.Contains(st.Excluded, sc) {
				st.Excluded = append(st.Excluded, sc)
			}
		}
		sort.Strings(st.Excluded)
		in.Students = append(in.Students, st)
	}
	if only != "" {
		for _, sc := range r.declinedBy[only] {
			notes.why[sc] = reasonDeclined
		}
	}
	return in, notes
}

// OverridePlacement asks to place a student-teacher by hand, with a reason.
// The solver's hard rules apply unless Exception names the one the office
// knowingly waives: "level mismatch", "subject not offered", "excluded",
// "travel over limit", "capacity" or "calendar clash".
type OverridePlacement struct {
	RoundID   string `json:"roundId"`
	StudentID string `json:"studentId"`
	SchoolID  string `json:"schoolId"`
	Subject   string `json:"subject"`
	Reason    string `json:"reason"`
	Exception string `json:"exception"`
	Pool      Pool   `json:"-"`
}

// DecideOverridePlacement lets the office change an allocation before it is
// published.
func DecideOverridePlacement(r Round, c OverridePlacement, m decider.Meta) ([]any, error) {
	if err := office(m, "overrides placements"); err != nil {
		return nil, err
	}
	var v errs.Check
	v.UUID("roundId", c.RoundID)
	v.UUID("studentId", c.StudentID)
	v.UUID("schoolId", c.SchoolID)
	v.Required("subject", c.Subject)
	v.Required("reason", c.Reason)
	v.MaxLength("reason", c.Reason, 1000)
	if c.Exception != "" {
		v.OneOf("exception", c.Exception, "level mismatch", "subject not offered", "excluded", "travel over limit", "capacity", "calendar clash")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := r.acceptsChanges(c.RoundID); err != nil {
		return nil, err
	}
	if !r.allocated {
		return nil, errs.Newf(errs.Conflict, "round %q has no allocation yet: run it first", r.opened.Name)
	}
	if !c.Pool.Students[c.StudentID].registered {
		return nil, errs.Newf(errs.NotFound, "student-teacher %s is not registered for the round", c.StudentID)
	}
	if o := c.Pool.Offers[c.SchoolID]; !o.Current() {
		return nil, errs.Invalid("schoolId", "offered", "school %s has no standing offer in this round", c.SchoolID)
	}
	if rule, _ := r.brokenRule(c.Pool, c.StudentID, c.SchoolID, c.Subject, ""); rule == "" && c.Exception != "" {
		return nil, errs.Invalid("exception", "unneeded", "no rule is broken by this placement: leave exception empty")
	}
	if rule, why := r.brokenRule(c.Pool, c.StudentID, c.SchoolID, c.Subject, c.Exception); rule != "" {
		return nil, errs.Invalid("schoolId", "hard_rule", "%s; to place the student-teacher there all the same, set exception to %q", why, rule)
	}
	if cur, ok := r.placements[c.StudentID]; ok && cur.SchoolID == c.SchoolID && cur.Subject == c.Subject {
		return nil, nil
	}
	st := c.Pool.Students[c.StudentID]
	rank := slices.Index(st.preferences, c.SchoolID) + 1
	if rank == 0 {
		rank = r.opened.MaxPreferences + 1
	}
	minutes := r.opened.TravelMinutes[st.reg.HomeDistrict][c.Pool.Offers[c.SchoolID].last.School.District]
	return []any{placement.PlacementOverridden{RoundID: c.RoundID, StudentID: c.StudentID, SchoolID: c.SchoolID, Subject: c.Subject,
		Rank: rank, TravelMinutes: minutes, Reason: c.Reason, Exception: c.Exception}}, nil
}

// brokenRule names the first hard rule, other than waived, that placing the
// student at the school in the subject breaks, with why; "" when none does.
// A waived rule is set aside and the rules after it are still checked.
func (r Round) brokenRule(p Pool, studentID, schoolID, subject, waived string) (rule, why string) {
	in, notes := r.instance(p, "")
	if notes.calendar[schoolID] && waived != "calendar clash" {
		return "calendar clash", notes.why[schoolID]
	}
	x := slices.IndexFunc(in.Schools, func(s allocation.School) bool { return s.ID == schoolID })
	k := slices.IndexFunc(in.Students, func(s allocation.Student) bool { return s.ID == studentID })
	if x < 0 || k < 0 {
		return "subject not offered", fmt.Sprintf("school %s offers no places in this round", schoolID)
	}
	if notes.calendar[schoolID] {
		// The clash is waived: weigh the school as if it could take anyone.
		o := p.Offers[schoolID].last
		in.Schools[x].Capacity = o.Capacity
		for _, off := range o.Offers {
			in.Schools[x].Offers = append(in.Schools[x].Offers, allocation.Offer{Subject: strings.ToLower(off.Subject), Places: off.Places})
		}
	}
	subject = strings.ToLower(subject)
	for {
		rule, why, err := allocation.Ineligible(in, studentID, schoolID, subject)
		if err != nil {
			return "subject not offered", err.Error()
		}
		if rule == "" {
			break
		}
		if rule != waived {
			return rule, why
		}
		// Set the waived rule aside and look again.
		sc, st := &in.Schools[x], &in.Students[k]
		switch rule {
		case "level mismatch":
			sc.Level = st.Level
		case "subject not offered":
			if !slices.Contains(st.Subjects, subject) {
				st.Subjects = append(slices.Clone(st.Subjects), subject)
			}
			sc.Offers = slices.Clone(sc.Offers)
			if j := slices.IndexFunc(sc.Offers, func(o allocation.Offer) bool { return o.Subject == subject }); j >= 0 {
				sc.Offers[j].Places = max(sc.Offers[j].Places, 1)
			} else {
				sc.Offers = append(sc.Offers, allocation.Offer{Subject: subject, Places: 1})
			}
			sc.Capacity = max(sc.Capacity, 1)
		case "excluded":
			st.Excluded = slices.DeleteFunc(slices.Clone(st.Excluded), func(id string) bool { return id == schoolID })
		case "travel over limit":
			in.MaxTravelMinutes = math.MaxInt32
		}
	}
	if waived == "capacity" {
		return "", ""
	}
	atSchool, inSubject := 0, 0
	for id, pl := range r.placements {
		if id != studentID && pl.SchoolID == schoolID {
			atSchool++
			if strings.EqualFold(pl.Subject, subject) {
				inSubject++
			}
		}
	}
	o := p.Offers[schoolID].last
	for _, off := range o.Offers {
		if strings.EqualFold(off.Subject, subject) && inSubject >= off.Places {
			return "capacity", fmt.Sprintf("all %d places in %s are taken", off.Places, off.Subject)
		}
	}
	if atSchool >= o.Capacity {
		return "capacity", fmt.Sprintf("the school's capacity of %d is reached", o.Capacity)
	}
	return "", ""
}

// PublishAllocation asks to publish the round's placements. Pool is the
// round's offers and student-teachers now, filled in.
type PublishAllocation struct {
	RoundID string `json:"roundId"`
	Pool    Pool   `json:"-"`
}

// DecidePublishAllocation lets the office publish an allocation once.
func DecidePublishAllocation(r Round, c PublishAllocation, m decider.Meta) ([]any, error) {
	if err := office(m, "publishes allocations"); err != nil {
		return nil, err
	}
	if err := r.acceptsChanges(c.RoundID); err != nil {
		return nil, err
	}
	if !r.allocated {
		return nil, errs.Newf(errs.Conflict, "round %q has no allocation to publish: run it first", r.opened.Name)
	}
	if why := r.outOfDate(c.Pool); why != "" {
		return nil, errs.Newf(errs.Conflict, "the allocation is out of date (%s): run it again before publishing", why)
	}
	return []any{placement.AllocationPublished{RoundID: c.RoundID}}, nil
}

// outOfDate says why the allocation no longer fits the round's offers and
// student-teachers ("" when it does): a student registered after it ran or
// ranking schools otherwise, a school that withdrew or whose calendar now
// clashes, places or subjects offered no longer there.
func (r Round) outOfDate(p Pool) string {
	for _, id := range slices.Sorted(maps.Keys(p.Students)) {
		_, placed := r.placements[id]
		_, unplaced := r.unplaced[id]
		if p.Students[id].registered && !placed && !unplaced {
			return fmt.Sprintf("student-teacher %s was registered after it ran", id)
		}
	}
	// Places taken at each school and in each subject there, and how many
	// of them were placed by hand past the limit.
	atSchool, inSubject := map[string]int{}, map[[2]string]int{}
	pastSchool, pastSubject := map[string]int{}, map[[2]string]int{}
	for _, id := range slices.Sorted(maps.Keys(r.placements)) {
		pl := r.placements[id]
		o := p.Offers[pl.SchoolID]
		if !o.Current() {
			return fmt.Sprintf("school %s withdrew its offer", pl.SchoolID)
		}
		rank := slices.Index(p.Students[id].preferences, pl.SchoolID) + 1
		if rank == 0 {
			rank = r.opened.MaxPreferences + 1
		}
		if rank != pl.Rank {
			return fmt.Sprintf("student-teacher %s changed their preferences", id)
		}
		waived := r.exceptions[id]
		if cal, ok := p.Schools[pl.SchoolID].Calendar(r.opened.SchoolYear); ok && waived != "calendar clash" &&
			calendarIneligibility(cal, r.opened.Windows, r.opened.CalendarToleranceDays) != "" {
			return fmt.Sprintf("school %s's calendar now clashes with the practicum", pl.SchoolID)
		}
		if !slices.ContainsFunc(o.last.Offers, func(off placement.OfferedPlaces) bool { return strings.EqualFold(off.Subject, pl.Subject) }) &&
			waived != "subject not offered" {
			return fmt.Sprintf("school %s no longer offers %s", pl.SchoolID, pl.Subject)
		}
		key := [2]string{pl.SchoolID, strings.ToLower(pl.Subject)}
		atSchool[pl.SchoolID]++
		inSubject[key]++
		if waived == "capacity" {
			pastSchool[pl.SchoolID]++
			pastSubject[key]++
		}
	}
	for school, n := range atSchool {
		o := p.Offers[school].last
		if n > o.Capacity+pastSchool[school] {
			return fmt.Sprintf("school %s now takes %d student-teachers, not %d", school, o.Capacity, n)
		}
		for _, off := range o.Offers {
			key := [2]string{school, strings.ToLower(off.Subject)}
			if k := inSubject[key]; k > off.Places+pastSubject[key] {
				return fmt.Sprintf("school %s now offers %d places in %s, not %d", school, off.Places, off.Subject, k)
			}
		}
	}
	return ""
}

// publishedPlacement finds a student's published placement and checks that
// the actor may answer for the host school.
func (r Round) publishedPlacement(roundID, studentID string, m decider.Meta, what string) (placement.Placement, error) {
	if err := r.mustBeOpen(roundID); err != nil {
		return placement.Placement{}, err
	}
	if !r.published {
		return placement.Placement{}, errs.Newf(errs.Conflict, "the allocation of round %q is not published yet", r.opened.Name)
	}
	p, ok := r.placements[studentID]
	if !ok {
		return p, errs.Newf(errs.NotFound, "student-teacher %s has no placement in round %q", studentID, r.opened.Name)
	}
	if err := officeOrCoordinatorOf(m, p.SchoolID, what); err != nil {
		return p, err
	}
	return p, nil
}

// ConfirmPlacement asks to confirm a published placement.
type ConfirmPlacement struct {
	RoundID   string `json:"roundId"`
	StudentID string `json:"studentId"`
}

// DecideConfirmPlacement lets the host school's coordinator (or the office)
// confirm a proposed placement.
func DecideConfirmPlacement(r Round, c ConfirmPlacement, m decider.Meta) ([]any, error) {
	p, err := r.publishedPlacement(c.RoundID, c.StudentID, m, "confirms the school's placements")
	if err != nil {
		return nil, err
	}
	switch r.status[c.StudentID] {
	case statusConfirmed:
		return nil, nil
	case statusProposed:
		return []any{placement.PlacementConfirmed{RoundID: c.RoundID, StudentID: c.StudentID, SchoolID: p.SchoolID, Subject: p.Subject}}, nil
	}
	return nil, errs.Newf(errs.Conflict, "the placement of %s cannot be confirmed now", c.StudentID)
}

// DeclinePlacement asks to decline a published placement, with a reason.
// The student-teacher is allocated again; no other placement moves.
type DeclinePlacement struct {
	RoundID   string `json:"roundId"`
	StudentID string `json:"studentId"`
	Reason    string `json:"reason"`
	Pool      Pool   `json:"-"`
}

// DecideDeclinePlacement lets the host school's coordinator (or the office)
// decline a proposed placement, and re-allocates that student alone.
func DecideDeclinePlacement(r Round, c DeclinePlacement, m decider.Meta) ([]any, error) {
	var v errs.Check
	v.UUID("roundId", c.RoundID)
	v.UUID("studentId", c.StudentID)
	v.Required("reason", c.Reason)
	v.MaxLength("reason", c.Reason, 1000)
	if err := v.Err(); err != nil {
		return nil, err
	}
	p, err := r.publishedPlacement(c.RoundID, c.StudentID, m, "declines the school's placements")
	if err != nil {
		return nil, err
	}
	if r.status[c.StudentID] != statusProposed {
		return nil, errs.Newf(errs.Conflict, "only a proposed placement can be declined; this one is %s", r.status[c.StudentID])
	}
	declined := placement.PlacementDeclined{RoundID: c.RoundID, StudentID: c.StudentID, SchoolID: p.SchoolID, Reason: c.Reason}
	after := EvolveRound(r, declined)
	in, notes := after.instance(c.Pool, c.StudentID)
	res, err := allocation.Solve(in)
	if err != nil {
		return nil, fmt.Errorf("re-allocate %s: %w", c.StudentID, err)
	}
	again := placement.StudentTeacherReallocated{RoundID: c.RoundID, StudentID: c.StudentID}
	if len(res.Placements) == 1 {
		pl := notes.placed(res.Placements[0])
		again.Placement = &pl
	} else if len(res.Unplaced) == 1 {
		again.Unplaced = res.Unplaced[0].Reason
		if len(notes.full) > 0 {
			again.Unplaced = "no free place: every place the student-teacher is eligible for is held by another placement or was declined"
		}
	}
	if len(res.Explanations) == 1 {
		again.Explanation = notes.explain(res.Explanations[0])
	}
	return []any{declined, again}, nil
}

// AssignMentor asks to assign a teacher-mentor to a confirmed placement.
type AssignMentor struct {
	RoundID   string `json:"roundId"`
	StudentID string `json:"studentId"`
	TeacherID string `json:"teacherId"`
	// School is the host school; TrainingValidUntil the last day the
	// teacher's mentor training is current ("" when there is none on
	// record), from the mentoring service's records. Both are filled in.
	School             School         `json:"-"`
	TrainingValidUntil placement.Date `json:"-"`
}

// DecideAssignMentor lets the host school's coordinator (or the office)
// assign one of the school's teacher-mentors for the subject, whose mentor
// training is current and who has room under their load limit.
func DecideAssignMentor(r Round, c AssignMentor, m decider.Meta) ([]any, error) {
	var v errs.Check
	v.UUID("roundId", c.RoundID)
	v.UUID("studentId", c.StudentID)
	v.UUID("teacherId", c.TeacherID)
	if err := v.Err(); err != nil {
		return nil, err
	}
	p, err := r.publishedPlacement(c.RoundID, c.StudentID, m, "assigns the school's mentors")
	if err != nil {
		return nil, err
	}
	if r.status[c.StudentID] != statusConfirmed {
		return nil, errs.Newf(errs.Conflict, "a mentor is assigned to a confirmed placement; this one is %s", r.status[c.StudentID])
	}
	if r.mentors[c.StudentID] == c.TeacherID {
		return nil, nil
	}
	limit, ok := c.School.MentorFor(c.TeacherID, p.Subject)
	if !ok {
		return nil, errs.Invalid("teacherId", "teacher_mentor", "%s is not a teacher-mentor of the school for %s", c.TeacherID, p.Subject)
	}
	if c.TrainingValidUntil == "" {
		return nil, errs.Invalid("teacherId", "mentor_training", "%s has no mentor training on record", c.TeacherID)
	}
	if c.TrainingValidUntil < today(m) {
		return nil, errs.Invalid("teacherId", "mentor_training", "%s's mentor training expired on %s", c.TeacherID, c.TrainingValidUntil)
	}
	if r.load[c.TeacherID] >= limit {
		return nil, errs.Invalid("teacherId", "load_limit", "%s already mentors %d student-teachers this round, the limit", c.TeacherID, limit)
	}
	return []any{placement.MentorAssigned{RoundID: c.RoundID, StudentID: c.StudentID, SchoolID: p.SchoolID, TeacherID: c.TeacherID}}, nil
}

// ClosePlacementRound asks to close a round.
type ClosePlacementRound struct {
	RoundID string `json:"roundId"`
}

// DecideClosePlacementRound lets the office close an open round.
func DecideClosePlacementRound(r Round, c ClosePlacementRound, m decider.Meta) ([]any, error) {
	if err := office(m, "closes placement rounds"); err != nil {
		return nil, err
	}
	if err := r.mustBeOpen(c.RoundID); err != nil {
		return nil, err
	}
	return []any{placement.PlacementRoundClosed{RoundID: c.RoundID}}, nil
}
