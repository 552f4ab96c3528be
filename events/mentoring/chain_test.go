package mentoring_test

import (
	"encoding/json"
	"testing"

	"wsms/events/mentoring"
)

func TestLinkHashIgnoresTheChainAndKeyOrderButNotContent(t *testing.T) {
	a, err := mentoring.LinkHash("prev", []byte(`{"recordId":"r1","content":{"topic":"Fractions","ratings":{"planning":3}},"chain":{"prev":"x","hash":"y"}}`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := mentoring.LinkHash("prev", []byte(`{ "content": {"ratings":{"planning":3}, "topic":"Fractions"}, "recordId": "r1" }`))
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Fatalf("the same content hashed twice: %s, %s", a, b)
	}
	for name, other := range map[string][2]string{
		"edited rating":  {"prev", `{"recordId":"r1","content":{"topic":"Fractions","ratings":{"planning":4}}}`},
		"added field":    {"prev", `{"recordId":"r1","content":{"topic":"Fractions","ratings":{"planning":3}},"note":"x"}`},
		"other previous": {"prev2", `{"recordId":"r1","content":{"topic":"Fractions","ratings":{"planning":3}}}`},
	} {
		h, err := mentoring.LinkHash(other[0], []byte(other[1]))
		if err != nil {
			t.Fatal(err)
		}
		if h == a {
			t.Errorf("%s: hash unchanged", name)
		}
	}
	if _, err := mentoring.LinkHash("", json.RawMessage(`[1,2]`)); err == nil {
		t.Error("a JSON array was hashed as an event")
	}
}
