// Package mentoring is the mentoring-record service: lesson observations,
// mentoring meetings, reflections, concerns, final assessments and mentor
// training records, each decided by pure deciders and recorded in the
// service's own event store. Its deciders and endpoints arrive with the
// mentoring-record issue; the module exists so that the workspace has its
// final shape and the other modules can depend on it.
package mentoring
