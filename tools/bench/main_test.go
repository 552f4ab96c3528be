package bench_test

import (
	"testing"

	"wsms/platform/dbtest"
	"wsms/projections"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// readModels are the projections the system runs, as `wsms run` runs them.
func readModels() []projections.Projection { return projections.All() }
