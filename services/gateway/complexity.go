package gateway

import (
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"wsms/gateway/graph"
)

// maxCost caps the complexity one field counts, so that sums over a whole
// operation cannot overflow into a small number however large a page it
// asks for.
const maxCost = math.MaxInt32

// pageComplexity sets, in root, the complexity of every field that takes a
// page size (a first argument): what one item of the page costs times the
// page size asked for, or the schema's default page size. Without it a
// connection counts as one item, so a query of many pages of 200 stays
// under any limit that lets the real views through.
//
// The fields are found in the schema, and their functions in root (the
// ComplexityRoot gqlgen generates, a struct of structs of funcs, one struct
// per type, one func per field, whose parameters are childComplexity and
// then the field's arguments in schema order), so that a connection added
// later is counted without a change here. A field that takes first but has
// no func of that shape, or no default page size, is an error.
func pageComplexity(root *graph.ComplexityRoot, schema *ast.Schema) error {
	types := reflect.ValueOf(root).Elem()
	var problems []string
	for _, typeName := range slices.Sorted(maps.Keys(schema.Types)) {
		def := schema.Types[typeName]
		if def.Kind != ast.Object {
			continue
		}
		for _, field := range def.Fields {
			page := slices.IndexFunc(field.Arguments, func(a *ast.ArgumentDefinition) bool { return a.Name == "first" })
			if page < 0 {
				continue
			}
			if err := setPageComplexity(types, typeName, field, page); err != nil {
				problems = append(problems, fmt.Sprintf("%s.%s: %v", typeName, field.Name, err))
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("gateway: no complexity for these connections: %s", strings.Join(problems, "; "))
	}
	return nil
}

// setPageComplexity sets the func of typeName's field, whose argument
// number page is first.
func setPageComplexity(types reflect.Value, typeName string, field *ast.FieldDefinition, page int) error {
	object := structField(types, typeName)
	if !object.IsValid() || object.Kind() != reflect.Struct {
		return fmt.Errorf("ComplexityRoot has no struct %s", typeName)
	}
	fn := structField(object, field.Name)
	if !fn.IsValid() {
		return fmt.Errorf("ComplexityRoot.%s has no func for the field", typeName)
	}
	t := fn.Type()
	intType := reflect.TypeFor[int]()
	at := 1 + page // childComplexity comes first
	if t.Kind() != reflect.Func || t.NumIn() != 1+len(field.Arguments) || t.In(0) != intType ||
		t.NumOut() != 1 || t.Out(0) != intType || (t.In(at) != intType && t.In(at) != reflect.TypeFor[*int]()) {
		return fmt.Errorf("its complexity func is %s, not func(childComplexity int, <arguments in schema order, first an Int>) int", t)
	}
	arg := field.Arguments[page]
	if arg.DefaultValue == nil || arg.DefaultValue.Kind != ast.IntValue {
		return fmt.Errorf("first has no default page size")
	}
	fallback, err := strconv.Atoi(arg.DefaultValue.Raw)
	if err != nil {
		return fmt.Errorf("first's default %q: %w", arg.DefaultValue.Raw, err)
	}
	fn.Set(reflect.MakeFunc(t, func(args []reflect.Value) []reflect.Value {
		first := fallback
		switch v := args[at]; {
		case v.Kind() == reflect.Int:
			first = int(v.Int())
		case !v.IsNil():
			first = int(v.Elem().Int())
		}
		return []reflect.Value{reflect.ValueOf(pageCost(int(args[0].Int()), first))}
	}))
	return nil
}

// structField is the field of the struct v that gqlgen named for the
// GraphQL name: the same letters, capitalised as Go likes (sessionId is
// SessionID), without underscores.
func structField(v reflect.Value, name string) reflect.Value {
	name = strings.ReplaceAll(name, "_", "")
	return v.FieldByNameFunc(func(goName string) bool { return strings.EqualFold(goName, name) })
}

// pageCost is the complexity of a page of first items that cost child each.
// A page size under 1 counts as 1: the resolver refuses it anyway, and a
// negative one must not make the query look cheap.
func pageCost(child, first int) int {
	first = max(first, 1)
	if child <= 0 {
		return first
	}
	if child > maxCost/first {
		return maxCost
	}
	return child * first
}
