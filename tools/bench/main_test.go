package bench_test

import (
	"testing"

	"wsms/platform/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }
