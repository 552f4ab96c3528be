package domain

import (
	"wsms/events"
	"wsms/events/mentoring"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

// PolicyStream is the one stream of the mentoring policy.
const PolicyStream = "policy"

// Policy is the faculty's rules for every mentoring record; its zero value
// is the default policy.
type Policy struct {
	set *mentoring.PolicySet
}

// EvolvePolicy applies a policy event.
func EvolvePolicy(p Policy, e any) Policy {
	if e, ok := e.(mentoring.PolicySet); ok {
		p.set = &e
	}
	return p
}

// Rules returns the policy in force.
func (p Policy) Rules() mentoring.PolicySet {
	if p.set == nil {
		return mentoring.DefaultPolicy()
	}
	return *p.set
}

// SetPolicy asks to change the mentoring policy.
type SetPolicy struct {
	MinMentorObservations int `json:"minMentorObservations"`
	MinTutorObservations  int `json:"minTutorObservations"`
	AmendDays             int `json:"amendDays"`
}

// DecideSetPolicy lets the faculty set the policy.
func DecideSetPolicy(p Policy, c SetPolicy, m decider.Meta) ([]any, error) {
	if m.Actor.Role != events.RoleFaculty {
		return nil, errs.Newf(errs.Forbidden, "only the faculty sets the mentoring policy")
	}
	var v errs.Check
	v.Range("minMentorObservations", c.MinMentorObservations, 0, 20)
	v.Range("minTutorObservations", c.MinTutorObservations, 0, 20)
	v.Range("amendDays", c.AmendDays, 0, 60)
	if err := v.Err(); err != nil {
		return nil, err
	}
	set := mentoring.PolicySet(c)
	if p.Rules() == set {
		return nil, nil
	}
	return []any{set}, nil
}
