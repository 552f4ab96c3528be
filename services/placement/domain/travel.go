package domain

// DefaultTravelMinutes is the travel table a round uses when the office
// gives none: 15 minutes within a district, 30 within a region of Hong
// Kong, and an estimate of the journey between regions. It is an estimate to start from; the
// office replaces it with its own table when opening a round.
func DefaultTravelMinutes() map[string]map[string]int {
	// Hong Kong's eighteen districts by where they lie.
	regions := map[string][]string{
		"Hong Kong Island":     {"Central and Western", "Wan Chai", "Eastern", "Southern"},
		"Kowloon":              {"Yau Tsim Mong", "Sham Shui Po", "Kowloon City", "Wong Tai Sin", "Kwun Tong"},
		"New Territories East": {"Sha Tin", "Tai Po", "North", "Sai Kung"},
		"New Territories West": {"Tsuen Wan", "Kwai Tsing", "Tuen Mun", "Yuen Long", "Islands"},
	}
	// Estimated journeys between regions by public transport.
	regionMinutes := map[[2]string]int{
		{"Hong Kong Island", "Kowloon"}:                  40,
		{"Hong Kong Island", "New Territories East"}:     60,
		{"Hong Kong Island", "New Territories West"}:     60,
		{"Kowloon", "New Territories East"}:              45,
		{"Kowloon", "New Territories West"}:              45,
		{"New Territories East", "New Territories West"}: 60,
	}
	regionOf := map[string]string{}
	for r, ds := range regions {
		for _, d := range ds {
			regionOf[d] = r
		}
	}
	table := map[string]map[string]int{}
	for from, rf := range regionOf {
		table[from] = map[string]int{}
		for to, rt := range regionOf {
			switch {
			case from == to:
				table[from][to] = 15
			case rf == rt:
				table[from][to] = 30
			default:
				m, ok := regionMinutes[[2]string{rf, rt}]
				if !ok {
					m = regionMinutes[[2]string{rt, rf}]
				}
				table[from][to] = m
			}
		}
	}
	return table
}
