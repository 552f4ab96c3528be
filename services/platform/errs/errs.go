// Package errs is the one error type a command can end in besides an internal
// failure: validation, not found, conflict, forbidden. Domain code returns it
// beside the rule it enforces; the NATS port carries it in the reply and the
// gateway turns it into a GraphQL error with extensions.code and
// extensions.field, so a user always learns which field broke which rule.
package errs

import (
	"errors"
	"fmt"
)

// Code classifies an error for the people and programs that receive it.
type Code string

// The codes a command or query can answer with.
const (
	Validation      Code = "VALIDATION"
	NotFound        Code = "NOT_FOUND"
	Conflict        Code = "CONFLICT"
	Forbidden       Code = "FORBIDDEN"
	Unauthenticated Code = "UNAUTHENTICATED"
	Internal        Code = "INTERNAL"
)

// Error is a refusal a user can act on. Field names the input at fault (a JSON
// path such as "contact.email"), Rule the rule it broke (such as "required").
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	Rule    string `json:"rule,omitempty"`
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Field, e.Message, e.Rule)
	}
	return e.Message
}

// Invalid reports that field breaks rule, explained by the formatted message.
func Invalid(field, rule, format string, args ...any) *Error {
	return &Error{Code: Validation, Field: field, Rule: rule, Message: fmt.Sprintf(format, args...)}
}

// Newf returns an error of code with a formatted message.
func Newf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// As returns the *Error in err's chain, or an Internal error wrapping err's
// text when there is none; nil for no error.
func As(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: Internal, Message: err.Error()}
}

// Is reports whether err carries code.
func Is(err error, code Code) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}
