package projections

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestAnEventIsPoisonAfterFiveFailuresInARow(t *testing.T) {
	r := &retries{projection: "p"}
	event := func(position int64) *PoisonError {
		return &PoisonError{Projection: "p", Service: "placement", Position: position, Err: errors.New("canceling statement due to statement timeout")}
	}
	// A failure of another event starts the count again.
	if poison := r.fail(event(3)); poison != nil {
		t.Fatalf("first failure of position 3 is poison: %v", poison)
	}
	for attempt := 1; attempt < maxAttempts; attempt++ {
		if poison := r.fail(event(4)); poison != nil {
			t.Fatalf("failure %d of position 4 is poison: %v", attempt, poison)
		}
	}
	poison := r.fail(event(4))
	if poison == nil || poison.Position != 4 || !strings.Contains(poison.Err.Error(), "failed 5 times in a row") ||
		!strings.Contains(poison.Err.Error(), "statement timeout") {
		t.Fatalf("fifth failure of position 4 = %v; want poison naming the repeated error", poison)
	}
	if r.attempts != 0 {
		t.Fatalf("the count is %d after the poison, want 0", r.attempts)
	}
}

func TestAnEventStillFailingAfterTwoMinutesIsPoison(t *testing.T) {
	r := &retries{projection: "p"}
	event := &PoisonError{Projection: "p", Service: "placement", Position: 7, Err: errors.New("out of memory")}
	if poison := r.fail(event); poison != nil {
		t.Fatalf("first failure is poison: %v", poison)
	}
	r.since = time.Now().Add(-maxRetrying) // the first failure was two minutes ago
	if poison := r.fail(event); poison == nil || !strings.Contains(poison.Err.Error(), "failed 2 times in a row") {
		t.Fatalf("second failure two minutes after the first = %v; want poison", poison)
	}
}

func TestPassingTheEventClearsItsFailures(t *testing.T) {
	r := &retries{projection: "p"}
	event := &PoisonError{Projection: "p", Service: "placement", Position: 7, Err: errors.New("out of memory")}
	for range maxAttempts - 1 {
		r.fail(event)
	}
	r.passed("mentoring", 7) // another service's checkpoint
	if r.attempts == 0 {
		t.Fatalf("another service's checkpoint cleared the count")
	}
	r.passed("placement", 7)
	if poison := r.fail(event); poison != nil {
		t.Fatalf("a failure after the event passed is poison: %v", poison)
	}
}
