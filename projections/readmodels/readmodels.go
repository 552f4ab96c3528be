// Package readmodels lists every read model of the system: what the
// projection runner keeps up to date, what a rebuild without names rebuilds,
// and what the gateway waits on for read-your-writes.
package readmodels

import (
	"wsms/projections"
	"wsms/projections/forum"
	"wsms/projections/history"
	"wsms/projections/mentoring"
	"wsms/projections/placements"
)

// All returns every projection.
func All() []projections.Projection {
	return []projections.Projection{placements.Projection, mentoring.Projection, forum.Projection, history.Projection}
}
