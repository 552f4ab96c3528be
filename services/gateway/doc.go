// Package gateway serves the read models and every command through one
// GraphQL API (gqlgen), with subscriptions for live dashboards. It arrives
// with the projections and GraphQL issue; the module exists so that the
// workspace has its final shape.
package gateway
