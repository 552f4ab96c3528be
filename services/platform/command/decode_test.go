package command_test

import (
	"testing"

	"wsms/platform/command"
	"wsms/platform/errs"
)

func TestDecodeStrictNamesTheField(t *testing.T) {
	t.Parallel()
	type contact struct {
		Email string `json:"email"`
	}
	type register struct {
		Name    string  `json:"name"`
		Places  int     `json:"places"`
		Contact contact `json:"contact"`
	}
	cases := []struct {
		name, json, field, rule string
	}{
		{"wrong type", `{"command":{"places":"six"}}`, "places", "type"},
		{"wrong type nested", `{"command":{"contact":{"email":5}}}`, "contact.email", "type"},
		{"unknown field", `{"command":{"nmae":"x"}}`, "nmae", "known"},
		{"malformed", `{"command":{"name":`, "", "json"},
		{"trailing data", `{"command":{}} {}`, "", "json"},
		{"NUL in text", `{"command":{"name":"Ada\u0000"}}`, "name", "text"},
		{"NUL in nested text", `{"command":{"contact":{"email":"a\u0000@b.hk"}}}`, "contact.email", "text"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var req command.Request[register]
			err := command.DecodeStrict([]byte(tc.json), &req)
			e := errs.As(err)
			if err == nil || e.Code != errs.Validation || e.Field != tc.field || e.Rule != tc.rule {
				t.Fatalf("err = %+v, want VALIDATION on %q (%s)", e, tc.field, tc.rule)
			}
		})
	}
}
