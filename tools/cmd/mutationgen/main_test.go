package main

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"
)

// The committed schema must be what the command types say today: a command
// changed without `make generate` would leave the API taking other fields
// than the service reads.
func TestTheCommittedMutationsMatchTheCommandTypes(t *testing.T) {
	committed, err := os.ReadFile("../../../schema/graphql/commands.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(committed, generate().schema()) {
		t.Fatal("schema/graphql/commands.graphqls is out of date with the services' command types: run make generate")
	}
}

// Embedded structs are read by encoding/json at their parent's level, and
// so are their fields in the input type.
func TestEmbeddedStructFieldsArePromoted(t *testing.T) {
	type inner struct {
		SchoolID string `json:"schoolId"`
	}
	type outer struct {
		inner
		Year   int    `json:"year"`
		Hidden string `json:"-"`
	}
	g := newGenerator()
	g.define(reflect.TypeFor[outer](), "OuterInput", "doc")
	def := g.inputs["OuterInput"]
	for _, want := range []string{"  schoolId: String\n", "  year: Int\n"} {
		if !strings.Contains(def, want) {
			t.Errorf("want %q in\n%s", want, def)
		}
	}
	if strings.Contains(def, "Hidden") || strings.Contains(def, "inner") {
		t.Errorf("unread fields must not appear:\n%s", def)
	}
}
