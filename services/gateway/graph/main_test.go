package graph_test

import (
	"testing"

	"wsms/platform/dbtest"
)

// The resolvers' tests read real read models in PostgreSQL.
func TestMain(m *testing.M) { dbtest.Main(m) }
