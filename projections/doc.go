// Package projections builds the read models in PostgreSQL from the
// services' JetStream streams, with durable consumers and checkpoints kept
// in the same transaction as the rows. It arrives with the projections and
// GraphQL issue; the module exists so that the workspace has its final
// shape.
package projections
