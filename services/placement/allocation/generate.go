package allocation

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// GenerateConfig describes a synthetic round, for benchmarks and for
// comparing Solve with other solvers on rounds larger than any real one.
// Zero fields take the defaults noted.
type GenerateConfig struct {
	Seed     uint64
	Students int
	Schools  int
	// Subjects is how many subjects exist (default 4); a school offers each
	// with probability 0.6, a student trains in one or, for 30%, two.
	Subjects int
	// Preferences is both maxPreferences and how many schools each student
	// tries to list (default 10).
	Preferences int
	// Districts is how many districts the region has (default Schools/50,
	// at least 4), at random points of a 100 km square; travel takes 5
	// minutes plus 1.5 minutes per km.
	Districts int
	// MaxTravelMinutes defaults to 60, which puts about 30% of the
	// districts within reach of each other.
	MaxTravelMinutes int
	// PlacesPerStudent is the number of places offered per student (default
	// 1.2); school capacities are 85% of the school's places.
	PlacesPerStudent float64
	// ExclusionRate is the share of students with a conflict of interest at
	// one school (default 0.02).
	ExclusionRate float64
}

// withDefaults fills in the zero fields.
func (c GenerateConfig) withDefaults() GenerateConfig {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.Subjects, 4)
	def(&c.Preferences, 10)
	def(&c.Districts, max(4, c.Schools/50))
	def(&c.MaxTravelMinutes, 60)
	if c.PlacesPerStudent == 0 {
		c.PlacesPerStudent = 1.2
	}
	if c.ExclusionRate == 0 {
		c.ExclusionRate = 0.02
	}
	return c
}

// Generate makes a valid round from a seed: the same config always gives the
// same round. Popularity is skewed: each student draws their schools from
// those within reach offering their subject, following a Zipf law over one
// popularity order shared by all students, so that the favourite schools are
// heavily oversubscribed; one pick in ten is any school of their level,
// which may turn out ineligible.
func Generate(cfg GenerateConfig) Instance {
	cfg = cfg.withDefaults()
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15))
	in := Instance{
		MaxPreferences:   cfg.Preferences,
		MaxTravelMinutes: cfg.MaxTravelMinutes,
		TravelMinutes:    map[string]map[string]int{},
	}

	subjects := make([]string, cfg.Subjects)
	names := []string{"mathematics", "english", "science", "history", "geography", "music", "art", "languages"}
	for j := range subjects {
		if j < len(names) {
			subjects[j] = names[j]
		} else {
			subjects[j] = fmt.Sprintf("subject-%d", j+1)
		}
	}

	districts := make([]string, cfg.Districts)
	x, y := make([]float64, cfg.Districts), make([]float64, cfg.Districts)
	for d := range districts {
		districts[d] = fmt.Sprintf("district-%03d", d+1)
		x[d], y[d] = 100*rng.Float64(), 100*rng.Float64()
	}
	minutes := func(a, b int) int { return 5 + int(math.Round(1.5*math.Hypot(x[a]-x[b], y[a]-y[b]))) }
	for a, from := range districts {
		in.TravelMinutes[from] = make(map[string]int, len(districts))
		for b, to := range districts {
			in.TravelMinutes[from][to] = minutes(a, b)
		}
	}

	levels := [2]Level{Primary, Secondary}
	schoolLevel, schoolDistrict := make([]int, cfg.Schools), make([]int, cfg.Schools)
	perSchool := cfg.PlacesPerStudent * float64(cfg.Students) / float64(max(1, cfg.Schools))
	offered := make([][]bool, cfg.Schools)
	for s := range cfg.Schools {
		schoolLevel[s], schoolDistrict[s] = rng.IntN(2), rng.IntN(cfg.Districts)
		offered[s] = make([]bool, cfg.Subjects)
		count := 0
		for j := range subjects {
			if rng.Float64() < 0.6 {
				offered[s][j] = true
				count++
			}
		}
		if count == 0 {
			offered[s][rng.IntN(cfg.Subjects)] = true
			count = 1
		}
		perOffer := perSchool / float64(count)
		sc := School{
			ID:       fmt.Sprintf("sch-%05d", s+1),
			Level:    levels[schoolLevel[s]],
			District: districts[schoolDistrict[s]],
		}
		total := 0
		for j, name := range subjects {
			if offered[s][j] {
				places := 1 + rng.IntN(max(1, int(math.Round(2*perOffer))-1))
				sc.Offers = append(sc.Offers, Offer{Subject: name, Places: places})
				total += places
			}
		}
		sc.Capacity = max(1, int(math.Round(0.85*float64(total))))
		in.Schools = append(in.Schools, sc)
	}

	// Candidates per level, district and subject: the schools within reach
	// offering the subject, most popular first, with a Zipf law over them.
	popularity := rng.Perm(cfg.Schools)
	byPopularity := make([]int, cfg.Schools)
	for s, p := range popularity {
		byPopularity[p] = s
	}
	type place struct{ level, district, subject int }
	candidates := map[place][]int{}
	zipf := map[place]*rand.Zipf{}
	for l := range levels {
		for d := range districts {
			for j := range subjects {
				var list []int
				for _, s := range byPopularity {
					if schoolLevel[s] == l && offered[s][j] && minutes(d, schoolDistrict[s]) <= cfg.MaxTravelMinutes {
						list = append(list, s)
					}
				}
				if len(list) > 0 {
					p := place{l, d, j}
					candidates[p] = list
					zipf[p] = rand.NewZipf(rng, 1.1, 2, uint64(len(list)-1))
				}
			}
		}
	}
	ofLevel := [2][]int{}
	for s, l := range schoolLevel {
		ofLevel[l] = append(ofLevel[l], s)
	}

	for i := range cfg.Students {
		l, d := rng.IntN(2), rng.IntN(cfg.Districts)
		st := Student{
			ID:          fmt.Sprintf("stu-%06d", i+1),
			Level:       levels[l],
			District:    districts[d],
			Preferences: []string{},
			Excluded:    []string{},
		}
		own := []int{rng.IntN(cfg.Subjects)}
		if j := rng.IntN(cfg.Subjects); rng.Float64() < 0.3 && j != own[0] {
			own = append(own, j)
		}
		for _, j := range own {
			st.Subjects = append(st.Subjects, subjects[j])
		}
		pick := func() (int, bool) {
			if rng.Float64() < 0.1 && len(ofLevel[l]) > 0 {
				return ofLevel[l][rng.IntN(len(ofLevel[l]))], true
			}
			p := place{l, d, own[rng.IntN(len(own))]}
			if len(candidates[p]) == 0 {
				return 0, false
			}
			return candidates[p][zipf[p].Uint64()], true
		}
		var chosen []int
		for range 4 * cfg.Preferences {
			if len(chosen) == cfg.Preferences {
				break
			}
			if s, ok := pick(); ok && !slices.Contains(chosen, s) {
				chosen = append(chosen, s)
				st.Preferences = append(st.Preferences, in.Schools[s].ID)
			}
		}
		if rng.Float64() < cfg.ExclusionRate {
			if s, ok := pick(); ok && !slices.Contains(chosen, s) {
				st.Excluded = append(st.Excluded, in.Schools[s].ID)
			}
		}
		in.Students = append(in.Students, st)
	}
	return in
}
