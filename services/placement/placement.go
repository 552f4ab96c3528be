// Package placement is the placement service: partner schools, partnership
// agreements, placement rounds and their allocation. It is run by
// platform/service from this Spec.
package placement

import (
	eventsplacement "wsms/events/placement"
	"wsms/placement/ports"
	"wsms/platform/service"
)

// Spec describes the placement service to the service runner.
var Spec = service.Spec{
	Name:      "placement",
	Register:  eventsplacement.Register,
	Endpoints: ports.Endpoints,
}
