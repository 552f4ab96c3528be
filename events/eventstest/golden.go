// Package eventstest checks an event package against its golden fixtures:
// every version of every event it ever recorded must still be read.
package eventstest

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"wsms/events"
)

var update = flag.Bool("update-golden", false, "rewrite the .current.json files of the golden fixtures")

// Golden reads dir/<name>.json for every name in reg (old versions
// included), decodes it through the upcaster chain and compares the current
// payload, encoded again, with dir/<name>.current.json. A missing fixture
// fails: an event version without one could silently stop being readable.
func Golden(t *testing.T, reg *events.Registry, dir string) {
	t.Helper()
	for _, name := range reg.Names() {
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join(dir, name+".json"))
			if err != nil {
				t.Fatalf("every recorded event version needs a golden fixture: %v", err)
			}
			payload, err := reg.Decode(name, in)
			if err != nil {
				t.Fatalf("decode fixture: %v", err)
			}
			got, err := json.MarshalIndent(payload, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			wantPath := filepath.Join(dir, name+".current.json")
			if *update {
				if err := os.WriteFile(wantPath, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(wantPath)
			if err != nil {
				t.Fatalf("read %s (run the test with -update-golden once to create it): %v", wantPath, err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("fixture %s reads as\n%s\nwant\n%s", name, got, want)
			}
		})
	}
}
