package gateway

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// selectionLimit refuses operations whose selections measure more than max,
// before any resolver runs: complexity alone lets a narrow query recurse
// deeply, and counts a hundred cheap root fields as cheap although each
// starts work of its own.
type selectionLimit struct {
	name string
	max  int
	// measure is what is limited: how deep the operation nests, or how many
	// root fields it selects.
	measure func(ast.SelectionSet, ast.FragmentDefinitionList) int
	// code and refusal say what was exceeded: refusal is formatted with the
	// measure and max.
	code, refusal string
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = selectionLimit{}

// depthLimit refuses operations that nest selections deeper than max.
func depthLimit(max int) selectionLimit {
	return selectionLimit{
		name: "DepthLimit", max: max,
		measure: func(set ast.SelectionSet, fragments ast.FragmentDefinitionList) int {
			return selectionDepth(set, fragments, 0)
		},
		code: "DEPTH_LIMIT_EXCEEDED", refusal: "the query nests %d levels deep; at most %d are allowed",
	}
}

// rootFieldLimit refuses operations that select more than max root fields,
// aliases included: each is a query of its own.
func rootFieldLimit(max int) selectionLimit {
	return selectionLimit{
		name: "RootFieldLimit", max: max,
		measure: func(set ast.SelectionSet, fragments ast.FragmentDefinitionList) int {
			return fieldCount(set, fragments, 0)
		},
		code: "ROOT_FIELD_LIMIT_EXCEEDED", refusal: "the operation selects %d root fields (aliases count); at most %d are allowed: send several requests",
	}
}

func (l selectionLimit) ExtensionName() string { return l.name }

func (selectionLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (l selectionLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if n := l.measure(oc.Operation.SelectionSet, oc.Doc.Fragments); n > l.max {
		err := gqlerror.Errorf(l.refusal, n, l.max)
		err.Extensions = map[string]any{"code": l.code}
		return err
	}
	return nil
}

// maxLevel bounds the recursion of both measures. Fragment cycles are
// refused by validation before they run; the bound guards anyway.
const maxLevel = 1000

// selectionDepth is the deepest field nesting of set, following fragments.
func selectionDepth(set ast.SelectionSet, fragments ast.FragmentDefinitionList, level int) int {
	if level > maxLevel {
		return level
	}
	deepest := 0
	for _, s := range set {
		var d int
		switch s := s.(type) {
		case *ast.Field:
			d = 0
			if len(s.SelectionSet) > 0 {
				d = selectionDepth(s.SelectionSet, fragments, level+1)
			}
			d++
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, fragments, level+1)
		case *ast.FragmentSpread:
			if f := fragments.ForName(s.Name); f != nil {
				d = selectionDepth(f.SelectionSet, fragments, level+1)
			}
		}
		deepest = max(deepest, d)
	}
	return deepest
}

// fieldCount is how many fields set selects at its own level, counting
// those of the fragments it spreads.
func fieldCount(set ast.SelectionSet, fragments ast.FragmentDefinitionList, level int) int {
	if level > maxLevel {
		return level
	}
	n := 0
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			n++
		case *ast.InlineFragment:
			n += fieldCount(s.SelectionSet, fragments, level+1)
		case *ast.FragmentSpread:
			if f := fragments.ForName(s.Name); f != nil {
				n += fieldCount(f.SelectionSet, fragments, level+1)
			}
		}
	}
	return n
}
