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
	if bytes.Contains(data, []byte(`\u0000`)) {
		if field, ok := nulIn(data); ok {
			return errs.Invalid(field, "text", "must not hold the NUL character")
		}
	}
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

// nulIn finds a string holding NUL, which PostgreSQL cannot store, and
// names where it is as the rules name fields ("contact.email",
// "offers[1].subject"), within the command or question.
func nulIn(data []byte) (string, bool) {
	var doc any
	if json.Unmarshal(data, &doc) != nil {
		return "", false // the strict decoder says what is wrong
	}
	var walk func(v any, path string) (string, bool)
	walk = func(v any, path string) (string, bool) {
		switch v := v.(type) {
		case string:
			return path, strings.ContainsRune(v, 0)
		case map[string]any:
			for k, x := range v {
				p := k
				if path != "" {
					p = path + "." + k
				}
				if strings.ContainsRune(k, 0) {
					return p, true
				}
				if found, ok := walk(x, p); ok {
					return found, true
				}
			}
		case []any:
			for i, x := range v {
				if found, ok := walk(x, fmt.Sprintf("%s[%d]", path, i)); ok {
					return found, true
				}
			}
		}
		return "", false
	}
	field, ok := walk(doc, "")
	return strings.TrimPrefix(strings.TrimPrefix(field, "command."), "query."), ok
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
