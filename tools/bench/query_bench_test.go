package bench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"wsms/events"
	"wsms/gateway"
	"wsms/gateway/auth"
	"wsms/gateway/graph"
	"wsms/platform/dbtest"
	"wsms/projections/readmodels"
	"wsms/tools/bench"
)

// querySamples is how many times each query is asked.
const querySamples = 400

// queryTarget is the p99 every dashboard and view query should stay under
// at the realistic scale.
const queryTarget = 10 * time.Millisecond

const (
	schoolDashboardQuery = `query($school: ID!, $round: ID) { schoolDashboard(schoolId: $school, roundId: $round) {
  school { id name district level } round { id name schoolYear status }
  partnership { agreementId firstSchoolYear lastSchoolYear yearOfTerm draft endedOn }
  places { subject offered allocated confirmed declined }
  placesByRound { round { id name } subject offered filled }
  studentTeachers { id name subject status mentor { id name } tutorId
    observations { mentor teacher tutor minimumMentor minimumTutor met } lastObservedOn openConcerns recommendation }
  openConcerns { id student { id name } category severity raisedAt }
  forumParticipation { year registered attended sessionsPresented } } }`
	facultyDashboardQuery = `query($round: ID!) { facultyDashboard(roundId: $round) {
  round { id name schoolYear status }
  fillRate { subject offered placed confirmed rate } englishPlaces { offered placed }
  unplaced { id name subjects reason } observationCoverage { records meetingMinimum share }
  studentsAtRisk { totalCount edges { node { id name schoolId subject reasons } } }
  renewalsDue { totalCount edges { node { schoolId schoolName agreementId lastSchoolYear onForumAgenda } } }
  forumAttendance { year registered attended schools } } }`
	studentTeacherQuery = `query($id: ID!, $round: ID) { studentTeacher(id: $id, roundId: $round) {
  recordId studentId name round { id name } placement { schoolId schoolName subject status }
  windows { from to } mentors { id name assigned } tutorId
  progress { mentor teacher tutor minimumMentor minimumTutor mentorDue tutorDue }
  lastObservedOn unacknowledged openConcerns
  observations { id date class subject topic observerId observerRole observerName ratings strengths actionPoints recordedOn acknowledgedAt }
  meetings { id date minutes } reflections { id date } concerns { id category severity raisedAt resolvedAt }
  assessment { recommendation } moderation { recommendation } } }`
	mentorQuery = `query($id: ID!, $round: ID) { mentor(id: $id) { id name school { id name }
  trainings { certificateId course level }
  mentees(roundId: $round) { recordId studentId name schoolId subject round { id name } windows { from to }
    progress { mentor teacher tutor mentorDue tutorDue } observationsDue lastObservedOn unacknowledged openConcerns } } }`
	placementRoundQuery = `query($id: ID!) { placementRound(id: $id) { id name schoolYear status
  summary { placed worstRank rankCost travelMinutes }
  registrations(first: 50) { totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { studentId name level subjects preferences status unplacedReason
      placement { schoolId schoolName subject rank travelMinutes status }
      explanation { rank notChosen { schoolId rank reason } } } } } } }`
)

// gatewayClient asks the real gateway handler over HTTP, as a browser would.
type gatewayClient struct {
	url    string
	http   *http.Client
	tokens map[events.Actor]string
}

func (c *gatewayClient) token(b *testing.B, actor events.Actor) string {
	if t, ok := c.tokens[actor]; ok {
		return t
	}
	t, err := auth.Mint(auth.DevelopmentKey, actor, time.Hour, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	c.tokens[actor] = t
	return t
}

// ask posts one query and fails b on any GraphQL error: a benchmark of a
// refusal would measure nothing.
func (c *gatewayClient) ask(b *testing.B, token, query string, vars map[string]any) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		b.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.http.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Data   map[string]json.RawMessage `json:"data"`
		Errors []json.RawMessage          `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		b.Fatalf("%s: %v", resp.Status, err)
	}
	if len(out.Errors) > 0 {
		b.Fatalf("query refused: %s", out.Errors[0])
	}
	for field, v := range out.Data {
		if string(v) == "null" {
			b.Fatalf("%s is null for %v", field, vars)
		}
	}
}

// BenchmarkDashboardQuery asks the dashboards and views through the real
// gateway handler (HTTP, token check, depth and complexity limits, the
// resolvers' SQL) with 500 schools, 5,000 placed student-teachers and
// 200,000 observations in the read models, each query querySamples times
// for a random school, student-teacher or mentor. Beside them, the raw
// limits of the same run: a SELECT 1 round trip on the pool the resolvers
// use (raw-select-1), and the smallest query through the same HTTP gateway
// (raw-graphql-me). The read models are loaded by applying generated events
// with projections.Apply, as the runner would, not through the services.
func BenchmarkDashboardQuery(b *testing.B) {
	ctx := context.Background()
	db := dbtest.New(b)
	w := bench.Generate(bench.Realistic)
	envs, err := w.Envelopes()
	if err != nil {
		b.Fatal(err)
	}
	began := time.Now()
	if err := bench.Load(ctx, db, readmodels.All(), envs, 2000); err != nil {
		b.Fatal(err)
	}
	// What autovacuum would do soon after such a load: plans on fresh
	// statistics.
	if _, err := db.Exec(ctx, "VACUUM ANALYZE"); err != nil {
		b.Fatal(err)
	}
	b.Logf("read models loaded in %s: %d placement, %d mentoring, %d forum events", time.Since(began).Round(time.Second),
		len(envs["placement"]), len(envs["mentoring"]), len(envs["forum"]))

	verifier, err := auth.New(auth.Config{DevSigningKey: auth.DevelopmentKey}, nil)
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	srv := httptest.NewServer(gateway.Handler(&graph.Resolver{DB: db}, verifier, gateway.DefaultLimits, log))
	b.Cleanup(srv.Close)
	c := &gatewayClient{url: srv.URL + "/graphql", http: srv.Client(), tokens: map[events.Actor]string{}}
	rng := rand.New(rand.NewPCG(1, 2))
	office := events.Actor{ID: "office-1", Role: events.RoleOffice}
	faculty := events.Actor{ID: "faculty-1", Role: events.RoleFaculty}

	measure := func(b *testing.B, ask func()) {
		ask() // the first asks the schema and warms the pool
		lat := make(bench.Latencies, 0, querySamples)
		b.ResetTimer()
		for range querySamples {
			start := time.Now()
			ask()
			lat = append(lat, time.Since(start))
		}
		lat.Report(b)
	}
	graphQL := func(name, query string, viewer func(bench.Student) (events.Actor, map[string]any)) {
		b.Run(name, func(b *testing.B) {
			measure(b, func() {
				actor, vars := viewer(w.Students[rng.IntN(len(w.Students))])
				c.ask(b, c.token(b, actor), query, vars)
			})
			bench.Target(b, queryTarget)
		})
	}

	b.Run("raw-select-1", func(b *testing.B) {
		measure(b, func() {
			var one int
			if err := db.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("raw-graphql-me", func(b *testing.B) {
		measure(b, func() { c.ask(b, c.token(b, office), `{ me { id } }`, nil) })
	})
	graphQL("schoolDashboard-office", schoolDashboardQuery, func(s bench.Student) (events.Actor, map[string]any) {
		return office, map[string]any{"school": s.SchoolID, "round": w.RoundID}
	})
	graphQL("schoolDashboard-coordinator", schoolDashboardQuery, func(s bench.Student) (events.Actor, map[string]any) {
		return events.Actor{ID: "coordinator-" + s.SchoolID, Role: events.RoleSchoolCoordinator, SchoolID: s.SchoolID},
			map[string]any{"school": s.SchoolID, "round": w.RoundID}
	})
	graphQL("facultyDashboard", facultyDashboardQuery, func(bench.Student) (events.Actor, map[string]any) {
		return faculty, map[string]any{"round": w.RoundID}
	})
	graphQL("studentTeacher", studentTeacherQuery, func(s bench.Student) (events.Actor, map[string]any) {
		return events.Actor{ID: s.ID, Role: events.RoleStudentTeacher}, map[string]any{"id": s.ID, "round": w.RoundID}
	})
	graphQL("mentor", mentorQuery, func(s bench.Student) (events.Actor, map[string]any) {
		return events.Actor{ID: s.MentorID, Role: events.RoleMentor, SchoolID: s.SchoolID}, map[string]any{"id": s.MentorID, "round": w.RoundID}
	})
	graphQL("placementRound", placementRoundQuery, func(bench.Student) (events.Actor, map[string]any) {
		return office, map[string]any{"id": w.RoundID}
	})
}
