package allocation_test

import (
	"testing"

	"wsms/placement/allocation"
)

func benchmarkSolve(b *testing.B, students, schools int) {
	in := allocation.Generate(allocation.GenerateConfig{Seed: 1, Students: students, Schools: schools})
	b.ResetTimer()
	for b.Loop() {
		res, err := allocation.Solve(in)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(res.Summary.Placed), "placed")
		b.ReportMetric(float64(res.Summary.WorstRank), "worstRank")
	}
}

func BenchmarkSolve2000x500(b *testing.B)   { benchmarkSolve(b, 2000, 500) }
func BenchmarkSolve10000x1500(b *testing.B) { benchmarkSolve(b, 10000, 1500) }
func BenchmarkSolve50000x5000(b *testing.B) { benchmarkSolve(b, 50000, 5000) }
