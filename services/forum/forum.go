// Package forum is the partnership-forum service: the annual forum, its
// sessions, registrations and attendance, shared practice, feedback and
// expressions of interest. It is run by platform/service from this Spec.
package forum

import (
	"context"

	eventsforum "wsms/events/forum"
	"wsms/forum/adapters"
	"wsms/forum/ports"
	"wsms/platform/command"
	"wsms/platform/service"
	"wsms/schema"
)

// name is the service's name: its schema, subjects and stream.
const name = "forum"

// Spec describes the forum service to the service runner.
var Spec = service.Spec{
	Name:       name,
	Register:   eventsforum.Register,
	Migrations: schema.Forum(),
	Endpoints: func(x *command.Executor, d service.Deps) []command.Endpoint {
		return ports.Endpoints(x, adapters.NewPartners(d.DB, name))
	},
	Workers: func(d service.Deps) []func(context.Context) error {
		partners := adapters.NewPartners(d.DB, name)
		return []func(context.Context) error{func(ctx context.Context) error {
			p, err := adapters.NewRenewalsFromAgreements(d.NATS, partners, d.Relay.Namespace, d.Log)
			if err != nil {
				return err
			}
			return p.Run(ctx)
		}, func(ctx context.Context) error {
			p, err := adapters.NewRenewalsOnSchedule(d.NATS, partners, d.Relay.Namespace, d.Log)
			if err != nil {
				return err
			}
			return p.Run(ctx)
		}}
	},
}
