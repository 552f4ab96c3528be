// Package domain holds the mentoring service's rules as pure deciders: the
// competency framework, the mentoring record of each placement (lesson
// observations, meetings, reflections, concerns, the final assessment) and
// mentor training. Nothing here does I/O.
package domain

import (
	"fmt"
	"regexp"

	"wsms/events"
	"wsms/events/mentoring"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

// FrameworkStream is the one stream of the competency framework's versions.
const FrameworkStream = "framework"

// Framework is every version of the competency framework.
type Framework struct {
	versions []mentoring.FrameworkPublished // versions[0] is version 2
}

// EvolveFramework applies a published version.
func EvolveFramework(f Framework, e any) Framework {
	if e, ok := e.(mentoring.FrameworkPublished); ok {
		f.versions = append(f.versions[:len(f.versions):len(f.versions)], e)
	}
	return f
}

// Version returns a version of the framework: 1 is the default.
func (f Framework) Version(v int) (mentoring.FrameworkPublished, bool) {
	switch {
	case v == 1:
		return mentoring.DefaultFramework(), true
	case v >= 2 && v-2 < len(f.versions):
		return f.versions[v-2], true
	}
	return mentoring.FrameworkPublished{}, false
}

// Latest is the version in force.
func (f Framework) Latest() int { return len(f.versions) + 1 }

// PublishFramework asks to publish a new version of the framework.
type PublishFramework struct {
	Name    string                       `json:"name"`
	Domains []mentoring.CompetencyDomain `json:"domains"`
	Scale   []mentoring.ScaleLevel       `json:"scale"`
}

var domainID = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// DecidePublishFramework lets the faculty (or the office) publish the next
// version.
func DecidePublishFramework(f Framework, c PublishFramework, m decider.Meta) ([]any, error) {
	if m.Actor.Role != events.RoleFaculty && m.Actor.Role != events.RoleOffice {
		return nil, errs.Newf(errs.Forbidden, "only the faculty publishes the competency framework")
	}
	var v errs.Check
	v.Required("name", c.Name)
	v.MaxLength("name", c.Name, 200)
	if len(c.Domains) == 0 || len(c.Domains) > 12 {
		v.Add(errs.Invalid("domains", "count", "must have 1 to 12 domains, not %d", len(c.Domains)))
	}
	seen := map[string]bool{}
	for i, d := range c.Domains {
		f := fmt.Sprintf("domains[%d]", i)
		if !domainID.MatchString(d.ID) {
			v.Add(errs.Invalid(f+".id", "identifier", "%q must be lower case letters, digits and _, starting with a letter", d.ID))
		}
		if seen[d.ID] {
			v.Add(errs.Invalid(f+".id", "unique", "%q is used twice", d.ID))
		}
		seen[d.ID] = true
		v.Required(f+".name", d.Name)
		for k, ind := range d.Indicators {
			v.Required(fmt.Sprintf("%s.indicators[%d]", f, k), ind)
		}
	}
	if len(c.Scale) < 2 || len(c.Scale) > 7 {
		v.Add(errs.Invalid("scale", "count", "must have 2 to 7 levels, not %d", len(c.Scale)))
	}
	for i, l := range c.Scale {
		f := fmt.Sprintf("scale[%d]", i)
		if l.Value != i+1 {
			v.Add(errs.Invalid(f+".value", "consecutive", "levels count 1, 2, 3…: this one must be %d, not %d", i+1, l.Value))
		}
		v.Required(f+".label", l.Label)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []any{mentoring.FrameworkPublished{Version: f.Latest() + 1, Name: c.Name, Domains: c.Domains, Scale: c.Scale}}, nil
}
