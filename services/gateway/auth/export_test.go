package auth

import (
	"net/http"
	"time"
)

// NewWithClock is New reading time from now, so that tests step past the key
// set's refetch interval and token expiry instead of waiting for them.
func NewWithClock(cfg Config, client *http.Client, now func() time.Time) (*Verifier, error) {
	return newVerifier(cfg, client, now)
}

// RefetchInterval is how long the key set is not fetched again after a fetch.
const RefetchInterval = refetchInterval
