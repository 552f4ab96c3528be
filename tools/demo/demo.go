// Package demo is the demonstration data `wsms run` loads into an empty
// system: partner schools of a partnership office, sent as ordinary commands
// so that they go through every rule a user's command does.
package demo

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go"

	"wsms/events"
	eventsplacement "wsms/events/placement"
	"wsms/placement/app"
	"wsms/placement/domain"
	"wsms/platform/command"
)

// office is the partnership office member the demo acts as.
var office = events.Actor{ID: "demo-office", Role: events.RoleOffice}

// schools are the demo's partner schools.
var schools = []domain.RegisterSchool{
	{SchoolID: "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b1e01", Name: "St. Clare's Girls' School", District: "Central and Western", Level: eventsplacement.Secondary,
		Contact: eventsplacement.Contact{Name: "Mary Chan", Email: "mary.chan@example.edu.hk"}},
	{SchoolID: "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b1e02", Name: "Ying Wa Primary School", District: "Sham Shui Po", Level: eventsplacement.Primary,
		Contact: eventsplacement.Contact{Name: "Kelvin Lau", Email: "kelvin.lau@example.edu.hk"}},
	{SchoolID: "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b1e03", Name: "Shatin Methodist College", District: "Sha Tin", Level: eventsplacement.Secondary,
		Contact: eventsplacement.Contact{Name: "Grace Ho", Email: "grace.ho@example.edu.hk"}},
	{SchoolID: "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b1e04", Name: "Aberdeen St. Peter's Catholic Primary School", District: "Southern", Level: eventsplacement.Primary,
		Contact: eventsplacement.Contact{Name: "Peter Yip", Email: "peter.yip@example.edu.hk"}},
	{SchoolID: "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b1e05", Name: "Tuen Mun Government Secondary School", District: "Tuen Mun", Level: eventsplacement.Secondary,
		Contact: eventsplacement.Contact{Name: "Winnie Tsang", Email: "winnie.tsang@example.edu.hk"}},
}

// Load sends the demo's commands and returns how many were accepted. Each
// carries an idempotency key, so loading twice records everything once.
func Load(ctx context.Context, nc *nats.Conn, namespace string) (int, error) {
	subject := command.Subject(namespace, "placement", app.RegisterSchool.Name)
	for i, s := range schools {
		_, err := command.Send(ctx, nc, subject, command.Request[domain.RegisterSchool]{
			Command: s, Actor: office, IdempotencyKey: "demo/register-school/" + s.SchoolID,
		})
		if err != nil {
			return i, fmt.Errorf("register %s: %w", s.Name, err)
		}
	}
	return len(schools), nil
}
