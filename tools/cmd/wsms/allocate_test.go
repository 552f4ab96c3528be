package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// exampleRound is the round of the allocation package's README: stu-1 and
// stu-2 both want sch-1's one place, stu-2 may not go to sch-2, and stu-3
// lives too far from the only secondary school.
const exampleRound = `{
  "maxPreferences": 3,
  "maxTravelMinutes": 60,
  "schools": [
    {"id": "sch-1", "level": "primary", "district": "north", "capacity": 1,
     "offers": [{"subject": "mathematics", "places": 1}]},
    {"id": "sch-2", "level": "primary", "district": "south", "capacity": 2,
     "offers": [{"subject": "mathematics", "places": 2}, {"subject": "english", "places": 1}]},
    {"id": "sch-3", "level": "secondary", "district": "north", "capacity": 2,
     "offers": [{"subject": "english", "places": 2}]}
  ],
  "students": [
    {"id": "stu-1", "level": "primary", "district": "north",
     "subjects": ["mathematics"], "preferences": ["sch-1", "sch-2"], "excluded": []},
    {"id": "stu-2", "level": "primary", "district": "north",
     "subjects": ["mathematics"], "preferences": ["sch-1"], "excluded": ["sch-2"]},
    {"id": "stu-3", "level": "secondary", "district": "far",
     "subjects": ["english"], "preferences": ["sch-3"], "excluded": []}
  ],
  "travelMinutes": {
    "north": {"north": 10, "south": 25},
    "far": {"north": 90}
  }
}`

// writeRound writes a round to a file of its own and returns the path.
func writeRound(t *testing.T, round string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "instance.json")
	if err := os.WriteFile(path, []byte(round), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// runAllocate runs `wsms allocate` as the wsms binary itself, to see its exit
// status and standard error as a user does.
func runAllocate(t *testing.T, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"allocate"}, args...)...)
	cmd.Env = append(os.Environ(), "WSMS_TEST_AS_MAIN=1")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		status = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errOut.String(), status
}

func TestAllocatePrintsTheResult(t *testing.T) {
	t.Parallel()
	// Given the README's round
	path := writeRound(t, exampleRound)
	// When it is allocated twice
	var first, second bytes.Buffer
	if err := allocate([]string{"--in", path}, nil, &first); err != nil {
		t.Fatal(err)
	}
	if err := allocate([]string{"--in", path}, nil, &second); err != nil {
		t.Fatal(err)
	}
	// Then stu-1 gets its second choice, since stu-2 can only go to sch-1,
	// and the output is indented JSON ending in a newline, the same bytes
	// each time
	var got struct {
		Placements, Summary json.RawMessage
	}
	if err := json.Unmarshal(first.Bytes(), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, first.String())
	}
	wantPlacements := `[{"student":"stu-1","school":"sch-2","subject":"mathematics","rank":2,"travelMinutes":25},` +
		`{"student":"stu-2","school":"sch-1","subject":"mathematics","rank":1,"travelMinutes":10}]`
	if c := compact(t, got.Placements); c != wantPlacements {
		t.Errorf("placements\n%s\nwant\n%s", c, wantPlacements)
	}
	if c, want := compact(t, got.Summary), `{"placed":2,"worstRank":2,"rankCost":5,"travelMinutes":35}`; c != want {
		t.Errorf("summary %s, want %s", c, want)
	}
	if !strings.HasPrefix(first.String(), "{\n  \"placements\": [\n    {\n") || !strings.HasSuffix(first.String(), "}\n") {
		t.Errorf("output is not indented JSON with a trailing newline:\n%s", first.String())
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Errorf("two runs differ:\n%s\n%s", first.String(), second.String())
	}
}

func TestAllocateReadsStandardInputForDash(t *testing.T) {
	t.Parallel()
	var fromFile, fromStdin bytes.Buffer
	if err := allocate([]string{"--in", writeRound(t, exampleRound)}, nil, &fromFile); err != nil {
		t.Fatal(err)
	}
	if err := allocate([]string{"--in", "-"}, strings.NewReader(exampleRound), &fromStdin); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fromFile.Bytes(), fromStdin.Bytes()) {
		t.Errorf("--in - gives\n%s\nthe file gives\n%s", fromStdin.String(), fromFile.String())
	}
}

func TestAllocateWritesTheResultToOut(t *testing.T) {
	t.Parallel()
	// Given the README's round and a result path
	in := writeRound(t, exampleRound)
	out := filepath.Join(t.TempDir(), "result.json")
	// When it is allocated with --out
	var stdout, reference bytes.Buffer
	if err := allocate([]string{"--in", in, "--out", out}, nil, &stdout); err != nil {
		t.Fatal(err)
	}
	// Then the file holds what standard output would, and nothing is printed
	written, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := allocate([]string{"--in", in}, nil, &reference); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(written, reference.Bytes()) {
		t.Errorf("--out wrote\n%s\nwant\n%s", written, reference.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("printed %q with --out", stdout.String())
	}
}

func TestAllocateRefusesABrokenRoundWithStatus2(t *testing.T) {
	t.Parallel()
	// Given a round whose stu-2 prefers an unknown school and whose sch-2
	// has a negative capacity
	broken := strings.Replace(exampleRound, `"preferences": ["sch-1"]`, `"preferences": ["sch-1", "sch-9"]`, 1)
	broken = strings.Replace(broken, `"capacity": 2,
     "offers": [{"subject": "mathematics", "places": 2}`, `"capacity": -1,
     "offers": [{"subject": "mathematics", "places": 2}`, 1)
	// When it is allocated
	stdout, stderr, status := runAllocate(t, "--in", writeRound(t, broken))
	// Then wsms exits 2, prints no result and names each record and field,
	// one problem per line
	if status != 2 {
		t.Fatalf("exit status %d, want 2; stderr:\n%s", status, stderr)
	}
	if stdout != "" {
		t.Errorf("printed a result:\n%s", stdout)
	}
	lines := strings.Split(stderr, "\n")
	for _, want := range []string{
		`schools[1] (id "sch-2").capacity: must not be negative, got -1`,
		`students[1] (id "stu-2").preferences[1]: unknown school "sch-9"`,
	} {
		found := false
		for _, line := range lines {
			found = found || strings.TrimSpace(line) == want
		}
		if !found {
			t.Errorf("stderr lacks the line %q:\n%s", want, stderr)
		}
	}
	if !strings.Contains(stderr, "2 problems") {
		t.Errorf("stderr does not count 2 problems:\n%s", stderr)
	}
}

func TestAllocateRefusesAnUnknownField(t *testing.T) {
	t.Parallel()
	// Given a round with a misspelt field
	misspelt := strings.Replace(exampleRound, `"excluded": ["sch-2"]`, `"exclude": ["sch-2"]`, 1)
	// When it is allocated
	_, stderr, status := runAllocate(t, "--in", writeRound(t, misspelt))
	// Then wsms exits 2 and names the field
	if status != 2 {
		t.Fatalf("exit status %d, want 2; stderr:\n%s", status, stderr)
	}
	if !strings.Contains(stderr, `unknown field "exclude"`) {
		t.Errorf("stderr does not name the field:\n%s", stderr)
	}
}

func TestAllocateNeedsIn(t *testing.T) {
	t.Parallel()
	if err := allocate(nil, strings.NewReader(exampleRound), &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "--in") {
		t.Errorf("error %v, want one asking for --in", err)
	}
}

func compact(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
