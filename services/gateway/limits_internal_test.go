package gateway

import (
	"context"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"wsms/events"
	"wsms/gateway/auth"
	"wsms/gateway/graph"
)

// Every field that takes a page size, today's and any added later, costs
// its page: the schema is read, not a list kept by hand.
func TestGivenTheSchemaWhenEveryConnectionIsCountedThenEachCostsItsPageSize(t *testing.T) {
	t.Parallel()
	es, err := executableSchema(&graph.Resolver{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	connections := 0
	for name, def := range es.Schema().Types {
		if def.Kind != ast.Object {
			continue
		}
		for _, f := range def.Fields {
			if f.Arguments.ForName("first") == nil {
				continue
			}
			connections++
			// A page of 7 items of cost 3, a default page (50) and a page
			// size under 1, which the resolver refuses, counting as 1
			for _, tc := range []struct {
				args map[string]any
				want int
			}{
				{map[string]any{"first": 7}, 21},
				{map[string]any{}, 150},
				{map[string]any{"first": -1000}, 3},
			} {
				got, ok := es.Complexity(ctx, name, f.Name, 3, tc.args)
				if !ok || got != tc.want {
					t.Errorf("%s.%s with %v costs %d (set %v), want %d", name, f.Name, tc.args, got, ok, tc.want)
				}
			}
		}
	}
	if connections < 8 {
		t.Fatalf("found %d connections; the schema has more", connections)
	}
}

func TestGivenAPageTooLargeToCountWhenCostedThenItSaturatesInsteadOfOverflowing(t *testing.T) {
	t.Parallel()
	if got := pageCost(1<<40, 1<<40); got != maxCost {
		t.Fatalf("pageCost = %d, want %d", got, maxCost)
	}
}

func TestGivenAnExpiredTokenOnAnOpenConnectionWhenAnOperationArrivesThenItIsRefusedUnauthenticated(t *testing.T) {
	t.Parallel()
	// Given a connection signed in with a token accepted for a minute
	v, err := auth.New(auth.Config{DevSigningKey: auth.DevelopmentKey}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := auth.Mint(auth.DevelopmentKey, events.Actor{ID: "office-1", Role: events.RoleOffice}, time.Minute, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ctx, err := v.FromInitPayload(context.Background(), map[string]any{"Authorization": tok})
	if err != nil {
		t.Fatal(err)
	}
	ctx = graphql.WithOperationContext(ctx, &graphql.OperationContext{Operation: &ast.OperationDefinition{Operation: ast.Query}})
	ran := false
	next := func(context.Context) graphql.ResponseHandler {
		ran = true
		return graphql.OneShot(&graphql.Response{})
	}

	// When an operation arrives two minutes on
	later := func() time.Time { return time.Now().Add(2 * time.Minute) }
	res := operations(time.Minute, later)(ctx, next)(ctx)

	// Then it is refused, and nothing runs
	if ran || len(res.Errors) != 1 || res.Errors[0].Message != "the token has expired: sign in again" ||
		res.Errors[0].Extensions["code"] != "UNAUTHENTICATED" {
		t.Fatalf("ran %v, response %+v", ran, res)
	}
	// And one arriving now runs
	if operations(time.Minute, time.Now)(ctx, next)(ctx); !ran {
		t.Fatal("an operation within the token's life did not run")
	}
}
