package errs_test

import (
	"errors"
	"fmt"
	"testing"

	"wsms/platform/errs"
)

func TestWrappedErrorsKeepTheirCode(t *testing.T) {
	err := fmt.Errorf("register school: %w", errs.Invalid("contact.email", "email", "%q is not an email address", "mary"))
	if !errs.Is(err, errs.Validation) {
		t.Fatal("wrapped validation error lost its code")
	}
	got := errs.As(err)
	if got.Field != "contact.email" || got.Rule != "email" {
		t.Fatalf("field/rule = %q/%q", got.Field, got.Rule)
	}
	if got.Error() != `contact.email: "mary" is not an email address (email)` {
		t.Fatalf("message = %q", got.Error())
	}
}

func TestPlainErrorsAreInternal(t *testing.T) {
	got := errs.As(errors.New("connection reset"))
	if got.Code != errs.Internal || got.Message != "connection reset" {
		t.Fatalf("got %+v", got)
	}
	if errs.Is(errors.New("x"), errs.Internal) {
		t.Fatal("Is matched an error that carries no code")
	}
}
