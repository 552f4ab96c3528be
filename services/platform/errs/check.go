package errs

import (
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Check collects the first rule a command's input breaks. Each method checks
// one field against one rule; Err returns the first failure, naming field and
// rule, or nil.
type Check struct{ err *Error }

func (c *Check) fail(field, rule, format string, args ...any) {
	c.Add(Invalid(field, rule, format, args...))
}

// Add records a failure found by a rule of the caller's own; the first one
// recorded is the one reported.
func (c *Check) Add(e *Error) {
	if c.err == nil {
		c.err = e
	}
}

// Range: n must lie between lo and hi.
func (c *Check) Range(field string, n, lo, hi int) {
	if n < lo || n > hi {
		c.fail(field, "range", "must be between %d and %d, not %d", lo, hi, n)
	}
}

// Required: value must not be blank.
func (c *Check) Required(field, value string) {
	if strings.TrimSpace(value) == "" {
		c.fail(field, "required", "is required")
	}
}

// MaxLength: value must have at most n characters.
func (c *Check) MaxLength(field, value string, n int) {
	if utf8.RuneCountInString(value) > n {
		c.fail(field, "max_length", "must be at most %d characters", n)
	}
}

// UUID: value must be a UUID.
func (c *Check) UUID(field, value string) {
	if value == "" {
		c.fail(field, "required", "is required")
		return
	}
	if _, err := uuid.Parse(value); err != nil {
		c.fail(field, "uuid", "%q is not a UUID", value)
	}
}

// Email: value must be a plain e-mail address.
func (c *Check) Email(field, value string) {
	if value == "" {
		c.fail(field, "required", "is required")
		return
	}
	if a, err := mail.ParseAddress(value); err != nil || a.Address != value {
		c.fail(field, "email", "%q is not an e-mail address", value)
	}
}

// OneOf: value must be one of allowed.
func (c *Check) OneOf(field, value string, allowed ...string) {
	if !slices.Contains(allowed, value) {
		c.fail(field, "one_of", "%q is not one of %s", value, strings.Join(allowed, ", "))
	}
}

// DateLayout is how days are written in commands and events.
const DateLayout = "2006-01-02"

// Date: value must be a day written as 2027-09-01. It returns the day, or
// the zero time when value is not one.
func (c *Check) Date(field, value string) time.Time {
	t, err := time.Parse(DateLayout, value)
	if err != nil {
		c.fail(field, "date", "%q is not a date such as 2027-09-01", value)
	}
	return t
}

// Err returns the first broken rule, or nil.
func (c *Check) Err() error {
	if c.err == nil {
		return nil
	}
	return c.err
}
