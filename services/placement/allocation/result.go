package allocation

// Result is an allocation with the reasons behind it. Every list is sorted by
// student id, and empty lists marshal as [], so that the JSON of a result is
// stable enough to diff and to store.
type Result struct {
	Placements   []Placement   `json:"placements"`
	Unplaced     []Unplaced    `json:"unplaced"`
	Summary      Summary       `json:"summary"`
	Explanations []Explanation `json:"explanations"`
}

// Placement is one student placed at a school in a subject.
type Placement struct {
	Student       string `json:"student"`
	School        string `json:"school"`
	Subject       string `json:"subject"`
	Rank          int    `json:"rank"`
	TravelMinutes int    `json:"travelMinutes"`
}

// Unplaced is a student the allocation leaves out, with the rule that did.
type Unplaced struct {
	Student string `json:"student"`
	Reason  string `json:"reason"`
}

// Summary is the allocation's score on each criterion, in the order they
// count: placed (more is better), then worstRank, rankCost (the sum of the
// squared ranks) and travelMinutes (less is better).
type Summary struct {
	Placed        int   `json:"placed"`
	WorstRank     int   `json:"worstRank"`
	RankCost      int64 `json:"rankCost"`
	TravelMinutes int64 `json:"travelMinutes"`
}

// Explanation answers a student's "why did I get this?": the school and
// rank they got (none and 0 if unplaced), and why each school they ranked
// higher was not theirs.
type Explanation struct {
	Student   string      `json:"student"`
	School    string      `json:"school,omitempty"`
	Rank      int         `json:"rank"`
	NotChosen []NotChosen `json:"notChosen"`
}

// NotChosen is a school a student preferred to the one they got. Reason is
// either "full: ..." (every place there went to a student whose displacement
// would make the allocation worse) or "ineligible: <rule>".
type NotChosen struct {
	School string `json:"school"`
	Rank   int    `json:"rank"`
	Reason string `json:"reason"`
}
