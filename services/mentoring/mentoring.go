// Package mentoring is the mentoring-record service: lesson observations,
// mentoring meetings, reflections, concerns, final assessments and mentor
// training. It is run by platform/service from this Spec.
package mentoring

import (
	"context"

	eventsmentoring "wsms/events/mentoring"
	"wsms/mentoring/adapters"
	"wsms/mentoring/ports"
	"wsms/platform/command"
	"wsms/platform/eventstore"
	"wsms/platform/service"
	"wsms/schema"
)

// name is the service's name: its schema, subjects and stream.
const name = "mentoring"

// Spec describes the mentoring service to the service runner.
var Spec = service.Spec{
	Name:       name,
	Register:   eventsmentoring.Register,
	Migrations: schema.Mentoring(),
	Endpoints: func(x *command.Executor, d service.Deps) []command.Endpoint {
		return ports.Endpoints(x, eventstore.New(d.DB, name))
	},
	Workers: func(d service.Deps) []func(context.Context) error {
		return []func(context.Context) error{func(ctx context.Context) error {
			p, err := adapters.NewRecordsFromPlacements(d.NATS, d.DB, name, d.Relay.Namespace, d.Log)
			if err != nil {
				return err
			}
			return p.Run(ctx)
		}}
	},
}
