package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"

	"wsms/events"
	eventsplacement "wsms/events/placement"
	"wsms/gateway/auth"
	"wsms/placement/domain"
	"wsms/platform/command"
	"wsms/platform/errs"
	"wsms/platform/localpg"
	"wsms/platform/service"
	"wsms/tools/demo"
)

// TestMain lets a test run this binary as the wsms command itself.
func TestMain(m *testing.M) {
	if os.Getenv("WSMS_TEST_AS_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// startRun starts `wsms run` on dir with no DATABASE_URL or NATS_URL, as on a
// fresh machine, and returns it with the lines it printed up to its banner's
// end and the NATS address it printed.
func startRun(t *testing.T, dir string) (*exec.Cmd, []string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "run", "-data-dir", dir, "-nats-port", "0", "-http-addr", "127.0.0.1:0")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DATABASE_URL=") && !strings.HasPrefix(kv, "NATS_URL=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "WSMS_TEST_AS_MAIN=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		_, _ = io.Copy(io.Discard, stderr)
	}()
	var printed []string
	var natsURL string
	timeout := time.After(2 * time.Minute)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				_ = cmd.Wait()
				t.Fatalf("wsms run ended before it was ready:\n%s", strings.Join(printed, "\n"))
			}
			printed = append(printed, line)
			if u, found := strings.CutPrefix(strings.TrimSpace(line), "NATS "); found {
				natsURL = strings.TrimSpace(u)
			}
			if strings.Contains(line, "Press Ctrl-C to stop.") {
				go func() {
					for range lines {
					}
				}()
				return cmd, printed, natsURL
			}
		case <-timeout:
			_ = cmd.Process.Kill()
			t.Fatalf("wsms run was not ready within two minutes:\n%s", strings.Join(printed, "\n"))
		}
	}
}

// interrupt sends Ctrl-C and expects a clean exit.
func interrupt(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("wsms run ended with %v after Ctrl-C, want a clean exit", err)
		}
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		t.Fatal("wsms run did not stop within a minute of Ctrl-C")
	}
}

// TestRunOnAFreshMachine starts `wsms run` with nothing provisioned, sends a
// command, stops it with Ctrl-C, and starts it again: the private
// PostgreSQL and the embedded NATS are reused and keep what was recorded.
func TestRunOnAFreshMachine(t *testing.T) {
	parent, err := localpg.TempDir()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(parent) })
	dir := filepath.Join(parent, "data")

	cmd, printed, natsURL := startRun(t, dir)
	out := strings.Join(printed, "\n")
	for _, want := range []string{"initialising a private PostgreSQL cluster", "Loaded demo data: ", "WSMS Placements is running.",
		"PostgreSQL  postgres://", "service     placement: commands on wsms.cmd.placement.*"} {
		if !strings.Contains(out, want) {
			t.Errorf("wsms run did not print %q:\n%s", want, out)
		}
	}
	nc, err := nats.Connect(natsURL)
	if err != nil {
		t.Fatalf("connect to the printed NATS address %q: %v", natsURL, err)
	}
	defer nc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	register := command.Request[domain.RegisterSchool]{
		Actor: events.Actor{ID: "office-1", Role: events.RoleOffice},
		Command: domain.RegisterSchool{SchoolID: uuid.NewString(), Name: "Kowloon True Light School", District: "Kowloon City",
			Level: eventsplacement.Secondary, Contact: eventsplacement.Contact{Name: "Ada Wong", Email: "ada.wong@ktls.edu.hk"}},
	}
	subject := command.Subject("wsms", "placement", "register-school")
	res, err := command.Send(ctx, nc, subject, register)
	if err != nil || res.Version != 1 || res.Position <= 1 {
		t.Fatalf("register after the demo: %+v, %v", res, err)
	}
	// The service tells who did what to the school's record.
	h, err := command.Ask[service.HistoryQuery, []service.HistoryEntry](ctx, nc, command.Subject("wsms", "placement", "history"),
		command.Question[service.HistoryQuery]{Query: service.HistoryQuery{StreamID: res.StreamID}, Actor: events.Actor{ID: "faculty-1", Role: events.RoleFaculty}})
	if err != nil || len(h) != 1 || h[0].Type != eventsplacement.SchoolRegisteredV1 || h[0].Actor.ID != "office-1" {
		t.Fatalf("history of the new school: %+v, %v", h, err)
	}
	nc.Close()
	readTheDemo(t, printed)
	operateTheReadModels(t, printed, natsURL)
	interrupt(t, cmd)
	if _, err := os.Stat(filepath.Join(dir, "postgres", "postmaster.pid")); !os.IsNotExist(err) {
		t.Fatalf("PostgreSQL still running after Ctrl-C (postmaster.pid: %v)", err)
	}

	cmd, printed, natsURL = startRun(t, dir)
	out = strings.Join(printed, "\n")
	if strings.Contains(out, "initialising") || strings.Contains(out, "Loaded demo data") {
		t.Errorf("second run initialised again or reloaded the demo:\n%s", out)
	}
	nc, err = nats.Connect(natsURL)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	if _, err := command.Send(ctx, nc, subject, register); !errs.Is(err, errs.Conflict) {
		t.Fatalf("the school registered before the restart: %v, want CONFLICT", err)
	}
	nc.Close()
	interrupt(t, cmd)
}

// bannerValue is what the banner of `wsms run` printed after label.
func bannerValue(t *testing.T, printed []string, label string) string {
	t.Helper()
	for _, line := range printed {
		if v, found := strings.CutPrefix(strings.TrimSpace(line), label+" "); found {
			v, _, _ = strings.Cut(strings.TrimSpace(v), " ")
			return v
		}
	}
	t.Fatalf("the banner names no %s:\n%s", label, strings.Join(printed, "\n"))
	return ""
}

// readTheDemo asks the printed GraphQL address for the demo school's
// dashboard, as its coordinator, with a development token: what a newcomer
// does first.
func readTheDemo(t *testing.T, printed []string) {
	t.Helper()
	coordinator := events.Actor{ID: demo.CoordinatorID, Role: events.RoleSchoolCoordinator, SchoolID: demo.SchoolID}
	token, err := auth.Mint(auth.DevelopmentKey, coordinator, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{"query": `{ schoolDashboard(schoolId: "` + demo.SchoolID + `") { school { name } studentTeachers { name } } }`})
	req, _ := http.NewRequest(http.MethodPost, bannerValue(t, printed, "GraphQL"), bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("ask the printed GraphQL address: %v", err)
	}
	defer res.Body.Close()
	var answer struct {
		Data struct {
			SchoolDashboard struct {
				School          struct{ Name string }
				StudentTeachers []struct{ Name string }
			}
		}
		Errors []json.RawMessage
	}
	if err := json.NewDecoder(res.Body).Decode(&answer); err != nil || len(answer.Errors) > 0 {
		t.Fatalf("the demo school's dashboard: %v %s", err, answer.Errors)
	}
	if d := answer.Data.SchoolDashboard; d.School.Name != "St. Clare's Girls' School" || len(d.StudentTeachers) == 0 {
		t.Fatalf("the demo school's dashboard shows %+v, want St. Clare's with the student-teachers it hosts", d)
	}
}

// operateTheReadModels runs `wsms projections status` and `rebuild` against
// the running system, as an operator would.
func operateTheReadModels(t *testing.T, printed []string, natsURL string) {
	t.Helper()
	run := func(args ...string) string {
		cmd := exec.Command(os.Args[0], args...)
		cmd.Env = append(os.Environ(), "WSMS_TEST_AS_MAIN=1",
			"DATABASE_URL="+bannerValue(t, printed, "PostgreSQL"), "NATS_URL="+natsURL)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("wsms %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	if out := run("projections", "rebuild", "placements"); !strings.Contains(out, "rebuild placements") || !strings.Contains(out, "100%") {
		t.Errorf("rebuild printed no finished progress bar:\n%s", out)
	}
	out := run("projections", "status")
	for _, name := range []string{"placements", "mentoring", "forum", "history"} {
		if !strings.Contains(out, name) {
			t.Errorf("status names no %s:\n%s", name, out)
		}
	}
}
