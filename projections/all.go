package projections

// All lists every read model the system serves: what `wsms run` and `wsms
// serve projections` keep up to date, and what `wsms projections rebuild`
// and `status` know by name. A projection added here starts from the first
// event of each of its services the next time a runner starts; one removed
// leaves its schema and durable consumers behind for an operator to drop.
func All() []Projection { return nil }
