package follow_test

import (
	"errors"
	"testing"

	"wsms/platform/command"
	"wsms/platform/errs"
	"wsms/platform/follow"
)

func TestRefusedOnMerits(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		err  error
		want bool
	}{
		"accepted":        {nil, false},
		"invalid":         {errs.Invalid("name", "required", "is required"), true},
		"forbidden":       {errs.Newf(errs.Forbidden, "no"), true},
		"already there":   {errs.Newf(errs.Conflict, "exists"), true},
		"busy stream":     {&errs.Error{Code: errs.Conflict, Rule: command.RuleBusy, Message: "try again"}, false},
		"service down":    {errs.Newf(errs.Internal, "no service is listening"), false},
		"transport":       {errors.New("nats: timeout"), false},
		"event too large": {errs.Invalid("", "too_large", "too large"), true},
	}
	for name, tc := range cases {
		if got := follow.RefusedOnMerits(tc.err); got != tc.want {
			t.Errorf("%s: refused on merits = %t, want %t", name, got, tc.want)
		}
	}
}
