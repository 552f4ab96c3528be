package gateway

// The mutations come from the services' command types; gqlgen then writes
// the executable schema from schema/graphql/.
//go:generate go run wsms/tools/cmd/mutationgen -schema ../../schema/graphql/commands.graphqls -resolvers graph/commands.resolvers.go
//go:generate go tool gqlgen generate
