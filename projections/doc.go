// Package projections builds the read models the gateway serves, from the
// services' events: each projection is named, consumes each service's
// JetStream stream through a durable consumer of its name, writes its rows
// and moves its checkpoint in one transaction, and can be rebuilt from the
// event stores alone into shadow tables swapped in at the end.
//
// The read models themselves live in the sub-packages, one per area; this
// package runs them.
package projections
