package command

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"wsms/platform/errs"
)

// DecodeStrict reads JSON into v, refusing unknown fields and wrong types
// with a VALIDATION error that names the field, so a typo in a command is
// reported instead of silently ignored.
func DecodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data after the JSON value")
	}
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		// Fields are named within the command or question, as every rule
		// names them, not within the request that carries it.
		field := strings.TrimPrefix(strings.TrimPrefix(typeErr.Field, "command."), "query.")
		return errs.Invalid(field, "type", "must be a JSON %s, not %s", jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
	case errors.As(err, &syntaxErr):
		return errs.Invalid("", "json", "malformed JSON at byte %d: %v", syntaxErr.Offset, err)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return errs.Invalid(field, "known", "no such field")
	default:
		return errs.Invalid("", "json", "%v", fmt.Errorf("cannot read the request: %w", err))
	}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "struct", "map":
		return "object"
	default:
		return "number"
	}
}
