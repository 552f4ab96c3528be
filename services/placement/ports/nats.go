// Package ports lists how commands reach the placement service: its NATS
// endpoints, each mapping a request to a use case and nothing more.
package ports

import (
	"wsms/placement/app"
	"wsms/platform/command"
)

// Endpoints are the placement service's commands.
func Endpoints(x *command.Executor) []command.Endpoint {
	return []command.Endpoint{
		command.Serve(x, app.RegisterSchool),
	}
}
