// Package placement is the placement service: partner schools, partnership
// agreements, placement rounds and their allocation. It is run by
// platform/service from this Spec.
package placement

import (
	"context"

	"github.com/nats-io/nats.go/jetstream"

	eventsplacement "wsms/events/placement"
	"wsms/placement/adapters"
	"wsms/placement/ports"
	"wsms/platform/command"
	"wsms/platform/service"
	"wsms/schema"
)

// name is the service's name: its schema, subjects and stream.
const name = "placement"

// Spec describes the placement service to the service runner.
var Spec = service.Spec{
	Name:       name,
	Register:   eventsplacement.Register,
	Migrations: schema.Placement(),
	Endpoints: func(x *command.Executor, d service.Deps) []command.Endpoint {
		return ports.Endpoints(x, adapters.NewMentorTraining(d.DB, name))
	},
	Workers: func(d service.Deps) []func(context.Context) error {
		return []func(context.Context) error{func(ctx context.Context) error {
			js, err := jetstream.New(d.NATS)
			if err != nil {
				return err
			}
			return adapters.FollowMentorTraining(ctx, js, d.Relay.Namespace, adapters.NewMentorTraining(d.DB, name), d.Log)
		}, func(ctx context.Context) error {
			p, err := adapters.NewSchoolsFromInterest(d.NATS, d.Relay.Namespace, d.Log)
			if err != nil {
				return err
			}
			return p.Run(ctx)
		}}
	},
}
