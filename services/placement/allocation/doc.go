// Package allocation decides which student-teacher goes to which practicum
// place in a placement round, and explains every decision.
//
// The partnership office collects the places partner schools offer and the
// preferences of the students, then asks Solve for an allocation. Solve
// returns the allocation that is best in this strict order, each criterion
// only breaking ties of the one before:
//
//  1. as many students placed as possible;
//  2. the worst rank any placed student gets is as small as possible;
//  3. the sum of the squared ranks is as small as possible (one student at
//     rank 3 is worse than two at rank 2);
//  4. the total travel time is as small as possible.
//
// Remaining ties are broken deterministically: the same round, whatever the
// order of its records, gives a byte-identical result.
//
// # Input
//
// Decode reads a round as JSON:
//
//	{
//	  "maxPreferences": 10,
//	  "maxTravelMinutes": 60,
//	  "schools": [
//	    {"id": "sch-1", "level": "primary", "district": "north", "capacity": 3,
//	     "offers": [{"subject": "mathematics", "places": 2},
//	                {"subject": "english", "places": 2}]}
//	  ],
//	  "students": [
//	    {"id": "stu-1", "level": "primary", "district": "south",
//	     "subjects": ["mathematics"], "preferences": ["sch-1"], "excluded": []}
//	  ],
//	  "travelMinutes": {"south": {"north": 25}}
//	}
//
// A school has capacity places in total this round, and at most places of
// them in each offered subject. travelMinutes[a][b] is the travel time from a
// student living in district a to a school in district b; it must be present
// for every student and school of the same level.
//
// A student is eligible at a school in a subject when the levels match, the
// subject is one of the student's and the school offers it with at least one
// place (a school of capacity 0 offers none), the school is not in the
// student's excluded list (a conflict of interest), and the travel time is
// within maxTravelMinutes. A placement's
// rank is the school's 1-based position in the student's preferences, or
// maxPreferences+1 for an eligible school the student did not list: students
// may be placed anywhere they are eligible, but an unlisted school counts as
// worse than every listed one.
//
// # Output
//
// Result marshals to JSON with placements, unplaced students with the rule
// that left them out, a summary of the objective, and for every student an
// explanation of why each school they preferred went to others or was not
// open to them. See README.md for an example.
//
// # How the answer is found and checked
//
// Levels never mix, so each level is a flow network of its own, and the two
// are solved side by side: source → student (1 unit) → offer of a school in a
// subject (its places) → school (its capacity) → sink. Allowing arcs rank by
// rank and augmenting to a maximum flow after each gives the number of
// students that can be placed and the smallest worst rank that places them
// all. A network simplex, started from that flow, then finds the flow of that
// size with the least cost rank²·W + travel within that rank, where W exceeds
// any total travel time, so that ranks always outweigh travel.
//
// Unlisted schools would need an arc from every student to every eligible
// school. Instead, students of one district share a node per subject that
// reaches, at the unlisted rank plus the travel time, a node per reachable
// district that reaches every offer of the subject there. A student with a
// conflict of interest reaches the same offers through a few nodes of a
// segment tree that leave the excluded school out. The number of arcs thus
// grows with the listed preferences, not with the number of schools.
//
// Before Solve returns, it checks a certificate of optimality: the flow
// respects every capacity and is conserved, a cut proves that no more
// students can be placed, cuts prove that one rank less cannot place as
// many, and node potentials show that no residual arc has negative reduced
// cost (so no cheaper allocation exists). If the check fails Solve returns
// ErrNotProvenOptimal rather than an allocation it cannot stand by.
package allocation
