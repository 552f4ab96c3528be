package e2e_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/google/uuid"

	"wsms/events"
)

// roles are every role a person signs in as, in the order subtests run.
var roles = []events.Role{events.RoleOffice, events.RoleFaculty, events.RoleTutor, events.RoleSchoolCoordinator, events.RoleMentor, events.RoleStudentTeacher}

// authzWorld is the seeded world every role acts in: a published round with
// a confirmed placement and its mentor, a mentoring record with its tutor,
// an observation, a concern, a scheduled forum with a session and a host
// delegate, a pending expression of interest.
type authzWorld struct {
	world
	observation, concern, session, registration, interest string
	// outsiders are people of each role with no part in the host's
	// placement: the other school's coordinator and mentor, another
	// student-teacher; the office, faculty and tutor stay who they are.
	outsiders map[events.Role]string
}

func seedAuthz(t *testing.T, g gatewaySystem) authzWorld {
	t.Helper()
	a := authzWorld{world: playRound(t, g), observation: uuid.NewString(), concern: uuid.NewString()}
	w := a.world
	g.do(t, w.tokens[events.RoleFaculty], "assignTutor", map[string]any{"recordId": w.record, "tutorId": w.tutor})
	g.do(t, w.tokens[events.RoleMentor], "recordObservation", map[string]any{"recordId": w.record, "observationId": a.observation,
		"coObserverId": w.tutor, "content": observation(w, windowFrom+1, "Persuasive writing")})
	g.do(t, w.tokens[events.RoleTutor], "raiseConcern", map[string]any{"recordId": w.record, "concernId": a.concern,
		"category": "planning", "severity": "low", "description": "Plans arrive late"})
	a.session = scheduleForum(t, g, w)
	a.registration = register(t, g, w, w.tokens[events.RoleSchoolCoordinator], a.session, "school", w.host)
	a.interest = expressInterest(t, g, w)
	a.outsiders = map[events.Role]string{}
	for role, tok := range w.tokens {
		a.outsiders[role] = tok
	}
	a.outsiders[events.RoleSchoolCoordinator] = token(t, w.otherCoordinator)
	a.outsiders[events.RoleMentor] = token(t, events.Actor{ID: w.otherMentor, Role: events.RoleMentor, SchoolID: w.other})
	a.outsiders[events.RoleStudentTeacher] = token(t, events.Actor{ID: w.maths, Role: events.RoleStudentTeacher})
	g.caughtUp(t)
	return a
}

// actorOf is who signs in with role in the host's placement.
func (a authzWorld) actorOf(role events.Role) events.Actor {
	for _, x := range []events.Actor{a.office, a.faculty, a.tutorOf, a.hostCoordinator, a.mentorOf, a.studentOf} {
		if x.Role == role {
			return x
		}
	}
	panic("no actor of role " + role)
}

// mutationCase is one command and the roles its decider lets through, with
// a realistic input for the actor sending it.
type mutationCase struct {
	name    string
	allowed []events.Role
	input   func(actor events.Actor) map[string]any
}

// Short names of the roles, for the tables.
const (
	officeRole      = events.RoleOffice
	facultyRole     = events.RoleFaculty
	tutorRole       = events.RoleTutor
	coordinatorRole = events.RoleSchoolCoordinator
	mentorRole      = events.RoleMentor
	studentRole     = events.RoleStudentTeacher
)

// mutationCases are every command, in the order the matrix sends them (the
// commands that end things last), with the roles the services' deciders
// allow: each role signed in as the person of the host's placement (the
// host's coordinator, the assigned mentor, the assigned tutor, the placed
// student-teacher). Commands the process managers send as SYSTEM also admit
// the office (open-mentoring-record, assign-record-mentor,
// add-renewal-agenda-item, open-draft-agreement); a coordinator's token
// always names a school, so expressing interest is the office's alone.
func (a authzWorld) mutationCases() []mutationCase {
	w := a.world
	fixed := func(m map[string]any) func(events.Actor) map[string]any {
		return func(events.Actor) map[string]any { return m }
	}
	fresh := func(f func() map[string]any) func(events.Actor) map[string]any {
		return func(events.Actor) map[string]any { return f() }
	}
	window := []any{map[string]any{"from": w.date(windowFrom), "to": w.date(windowTo)}}
	return []mutationCase{
		{"registerSchool", []events.Role{officeRole}, fresh(func() map[string]any {
			return map[string]any{"schoolId": uuid.NewString(), "name": "Ying Wa Primary School", "district": "Sham Shui Po", "level": "primary",
				"contact": map[string]any{"name": "Kelvin Lau", "email": "kelvin.lau@example.edu.hk"}}
		})},
		{"signPartnershipAgreement", []events.Role{officeRole}, fresh(func() map[string]any {
			return map[string]any{"schoolId": w.other, "agreementId": uuid.NewString(), "firstSchoolYear": w.year + 3, "coreSubjects": []string{"English", "Chinese"}}
		})},
		{"openDraftAgreement", []events.Role{officeRole}, fixed(map[string]any{"schoolId": w.host, "agreementId": uuid.NewString(), "firstSchoolYear": w.year,
			"subjects": []string{"English"}, "placesPerYear": 6})},
		{"renewPartnershipAgreement", []events.Role{officeRole}, fixed(map[string]any{"schoolId": w.host, "years": 3})},
		{"setSchoolCalendar", []events.Role{officeRole, coordinatorRole}, fixed(map[string]any{"schoolId": w.host, "schoolYear": w.year + 1,
			"terms": []any{map[string]any{"from": fmt.Sprintf("%d-09-01", w.year+1), "to": fmt.Sprintf("%d-01-31", w.year+2), "name": "First term"}}})},
		{"addTeacher", []events.Role{officeRole, coordinatorRole}, fresh(func() map[string]any {
			return map[string]any{"schoolId": w.host, "teacherId": uuid.NewString(), "name": "Dora Chu", "email": "dora.chu@example.edu.hk"}
		})},
		{"nameTeacherMentor", []events.Role{officeRole, coordinatorRole}, fixed(map[string]any{"schoolId": w.host, "teacherId": w.teacher, "subjects": []string{"English"}})},
		{"openPlacementRound", []events.Role{officeRole}, fresh(func() map[string]any {
			return map[string]any{"roundId": uuid.NewString(), "name": "Block Practice 2", "schoolYear": w.year, "windows": []any{
				map[string]any{"from": w.date(120), "to": w.date(160)}}, "offerDeadline": w.date(90), "preferenceDeadline": w.date(100)}
		})},
		{"offerPlaces", []events.Role{officeRole, coordinatorRole}, fixed(map[string]any{"roundId": w.round, "schoolId": w.host,
			"offers": []any{map[string]any{"subject": "English", "places": 3}}})},
		{"withdrawOffer", []events.Role{officeRole, coordinatorRole}, fixed(map[string]any{"roundId": w.round, "schoolId": w.host, "reason": "Staff shortage"})},
		{"registerStudentTeacher", []events.Role{officeRole}, fresh(func() map[string]any {
			return map[string]any{"roundId": w.round, "studentId": uuid.NewString(), "name": "Late Comer", "email": "late@example.hku.hk",
				"level": "secondary", "subjects": []string{"English"}, "homeDistrict": "Sha Tin"}
		})},
		{"submitPreferences", []events.Role{officeRole, studentRole}, fixed(map[string]any{"roundId": w.round, "studentId": w.confirmed, "schoolIds": []string{w.other}})},
		{"runAllocation", []events.Role{officeRole}, fixed(map[string]any{"roundId": w.round})},
		{"overridePlacement", []events.Role{officeRole}, fixed(map[string]any{"roundId": w.round, "studentId": w.maths, "schoolId": w.other,
			"subject": "Mathematics", "reason": "Closer to home", "exception": "subject not offered"})},
		{"publishAllocation", []events.Role{officeRole}, fixed(map[string]any{"roundId": w.round})},
		{"confirmPlacement", []events.Role{officeRole, coordinatorRole}, fixed(map[string]any{"roundId": w.round, "studentId": w.maths})},
		{"declinePlacement", []events.Role{officeRole, coordinatorRole}, fixed(map[string]any{"roundId": w.round, "studentId": w.reallocated, "reason": "No English panel this term"})},
		{"assignMentor", []events.Role{officeRole, coordinatorRole}, fixed(map[string]any{"roundId": w.round, "studentId": w.confirmed, "teacherId": w.mentor})},

		{"publishFramework", []events.Role{facultyRole, officeRole}, fixed(map[string]any{"name": "Teaching competencies 2",
			"domains": []any{map[string]any{"id": "planning", "name": "Planning", "indicators": []string{"Sets objectives"}}},
			"scale":   []any{map[string]any{"value": 1, "label": "not yet"}, map[string]any{"value": 2, "label": "shown"}}})},
		{"setMentoringPolicy", []events.Role{facultyRole}, fixed(map[string]any{"minMentorObservations": 4, "minTutorObservations": 2, "amendDays": 7})},
		{"recordMentorTraining", []events.Role{facultyRole, officeRole}, fresh(func() map[string]any {
			return map[string]any{"teacherId": w.teacher, "schoolId": w.host, "course": "Supportive Supervision", "level": "II",
				"issuer": "Faculty of Education", "completedOn": w.date(-30), "certificateId": uuid.NewString()}
		})},
		{"openMentoringRecord", []events.Role{officeRole}, fixed(map[string]any{"recordId": w.record, "roundId": w.round, "studentId": w.confirmed,
			"schoolId": w.host, "subject": "English", "windows": window})},
		{"assignRecordMentor", []events.Role{officeRole}, fixed(map[string]any{"recordId": w.record, "mentorId": w.mentor})},
		{"assignTutor", []events.Role{facultyRole, officeRole}, fixed(map[string]any{"recordId": w.record, "tutorId": w.tutor})},
		{"recordObservation", []events.Role{tutorRole, coordinatorRole, mentorRole}, fresh(func() map[string]any {
			return map[string]any{"recordId": w.record, "observationId": uuid.NewString(), "content": observation(w, windowFrom+2, "Poetry")}
		})},
		{"amendObservation", []events.Role{mentorRole}, fixed(map[string]any{"recordId": w.record, "observationId": a.observation,
			"content": observation(w, windowFrom+1, "Persuasive writing, revised"), "reason": "Topic corrected"})},
		{"cosignObservation", []events.Role{tutorRole}, fixed(map[string]any{"recordId": w.record, "observationId": a.observation})},
		{"acknowledgeObservation", []events.Role{studentRole}, fixed(map[string]any{"recordId": w.record, "observationId": a.observation})},
		{"logMentoringMeeting", []events.Role{mentorRole}, fresh(func() map[string]any {
			return map[string]any{"recordId": w.record, "meetingId": uuid.NewString(), "date": w.date(windowFrom + 2), "minutes": 30, "topics": []string{"Planning"}}
		})},
		{"submitReflection", []events.Role{studentRole}, fresh(func() map[string]any {
			return map[string]any{"recordId": w.record, "reflectionId": uuid.NewString(), "date": w.date(windowFrom + 2), "text": "I learned to wait."}
		})},
		{"raiseConcern", []events.Role{mentorRole, tutorRole}, fresh(func() map[string]any {
			return map[string]any{"recordId": w.record, "concernId": uuid.NewString(), "category": "attendance", "severity": "low", "description": "Late twice"}
		})},
		{"resolveConcern", []events.Role{mentorRole, tutorRole}, fixed(map[string]any{"recordId": w.record, "concernId": a.concern, "note": "Plans now arrive early"})},
		{"submitFinalAssessment", []events.Role{mentorRole}, fixed(map[string]any{"recordId": w.record, "recommendation": "pass", "summary": "Ready to teach",
			"minimumOverride": "Typhoon closures"})},
		{"moderateAssessment", []events.Role{tutorRole}, fixed(map[string]any{"recordId": w.record, "recommendation": "pass"})},

		{"scheduleForum", []events.Role{officeRole}, fixed(map[string]any{"year": w.year + 1, "date": w.date(365), "venue": "Meng Wah Complex", "theme": "Mentoring together"})},
		{"addForumSession", []events.Role{officeRole}, fresh(func() map[string]any {
			return map[string]any{"year": w.year, "sessionId": uuid.NewString(), "title": "Feedback that lands", "format": "workshop", "presenter": "Dr Lam", "capacity": 30}
		})},
		{"addRenewalAgendaItem", []events.Role{officeRole}, fixed(map[string]any{"year": w.year,
			"schoolId": w.host, "agreementId": w.hostAgreement, "lastSchoolYear": w.year})},
		{"registerForForum", []events.Role{officeRole, facultyRole, coordinatorRole, mentorRole}, fresh(func() map[string]any {
			return map[string]any{"year": w.year, "sessionId": a.session, "registrationId": uuid.NewString(), "personId": uuid.NewString(),
				"name": "Ben Wong", "kind": "school", "schoolId": w.host}
		})},
		{"cancelRegistration", []events.Role{officeRole, facultyRole, coordinatorRole, mentorRole}, fixed(map[string]any{"year": w.year, "sessionId": a.session, "registrationId": a.registration})},
		{"recordAttendance", []events.Role{officeRole, facultyRole}, fixed(map[string]any{"year": w.year, "sessionId": a.session, "registrationId": a.registration, "attended": true})},
		{"sharePractice", []events.Role{officeRole, coordinatorRole, mentorRole}, fresh(func() map[string]any {
			return map[string]any{"practiceId": uuid.NewString(), "schoolId": w.host, "year": w.year, "title": "Co-planning", "summary": "Plan together weekly.", "subject": "English"}
		})},
		{"submitFeedback", []events.Role{coordinatorRole, mentorRole, facultyRole, tutorRole}, func(actor events.Actor) map[string]any {
			return map[string]any{"year": w.year, "respondentId": actor.ID, "ratings": map[string]any{"relevance": 4}}
		}},
		{"expressInterest", []events.Role{officeRole}, fresh(func() map[string]any {
			return map[string]any{"interestId": uuid.NewString(), "schoolName": "Tai Po Old Market School", "district": "Tai Po", "level": "primary",
				"contact": map[string]any{"name": "Eva Tse", "email": "eva.tse@example.edu.hk"}, "subjects": []string{"English"}, "placesOffered": 4}
		})},
		{"reviewExpressionOfInterest", []events.Role{officeRole}, fixed(map[string]any{"interestId": a.interest, "accept": false, "reason": "No English panel"})},

		{"endPartnershipAgreement", []events.Role{officeRole}, fixed(map[string]any{"schoolId": w.other, "endedOn": w.date(0), "reason": "The school merged"})},
		{"closePlacementRound", []events.Role{officeRole}, fixed(map[string]any{"roundId": w.round})},
	}
}

// queryProbe reads one root field as each role, as the person of the host's
// placement or as an outsider to it, and says which roles get data (the
// others FORBIDDEN); check, when set, looks at what an allowed role got.
type queryProbe struct {
	what     string
	query    string
	vars     map[string]any
	outsider bool
	allowed  []events.Role
	check    func(t *testing.T, role events.Role, data map[string]json.RawMessage)
}

var everyone = roles

// queryProbes are the expectations of every root query field, by field.
func (a authzWorld) queryProbes() map[string][]queryProbe {
	w := a.world
	staff := []events.Role{officeRole, facultyRole, tutorRole}
	school := []events.Role{officeRole, facultyRole, tutorRole, coordinatorRole, mentorRole}
	round := map[string]any{"id": w.round}
	return map[string][]queryProbe{
		"me": {{what: "self", query: `query { me { id role schoolId } }`, allowed: everyone,
			check: func(t *testing.T, role events.Role, d map[string]json.RawMessage) {
				var me struct{ ID, Role string }
				_ = json.Unmarshal(d["me"], &me)
				if me.ID != a.actorOf(role).ID || me.Role != string(role) {
					t.Errorf("me %+v, want %s as %s", me, a.actorOf(role).ID, role)
				}
			}}},
		"placementRound": {{what: "the round", query: `query($id: ID!) { placementRound(id: $id) { id offers { schoolId }
			registrations { totalCount edges { node { studentId placement { schoolId } } } } } }`, vars: round, allowed: everyone,
			check: func(t *testing.T, role events.Role, d map[string]json.RawMessage) {
				var r struct {
					Offers        []struct{ SchoolID string }
					Registrations struct {
						Edges []struct {
							Node struct {
								StudentID string
								Placement *struct{ SchoolID string }
							}
						}
					}
				}
				_ = json.Unmarshal(d["placementRound"], &r)
				var students, offers []string
				for _, e := range r.Registrations.Edges {
					students = append(students, e.Node.StudentID)
				}
				for _, o := range r.Offers {
					offers = append(offers, o.SchoolID)
				}
				switch role {
				case studentRole:
					if fmt.Sprint(students) != fmt.Sprint([]string{w.confirmed}) {
						t.Errorf("a student-teacher sees registrations %v, want their own alone", students)
					}
				case coordinatorRole, mentorRole:
					sort.Strings(students)
					want := []string{w.confirmed, w.reallocated, w.maths}
					sort.Strings(want)
					if fmt.Sprint(students) != fmt.Sprint(want) || fmt.Sprint(offers) != fmt.Sprint([]string{w.host}) {
						t.Errorf("host staff see registrations %v and offers %v, want those placed at the host and its offer", students, offers)
					}
				default:
					if len(students) != 4 || len(offers) != 2 {
						t.Errorf("%s sees registrations %v and offers %v, want all 4 and both", role, students, offers)
					}
				}
			}}},
		"placementRounds": {{what: "every round", query: `query { placementRounds { totalCount } }`, allowed: everyone}},
		"school": {
			{what: "own school", query: `query($id: ID!) { school(id: $id) { id contact { name } teachers { id } } }`, vars: map[string]any{"id": w.host}, allowed: everyone,
				check: func(t *testing.T, role events.Role, d map[string]json.RawMessage) {
					var s struct {
						Contact  *struct{ Name string }
						Teachers []struct{ ID string }
					}
					_ = json.Unmarshal(d["school"], &s)
					if sees := role != studentRole; (s.Contact != nil) != sees || (s.Teachers != nil) != sees {
						t.Errorf("%s reads the host's contact %v and teachers %v; want them only for staff and the school's own", role, s.Contact, s.Teachers)
					}
				}},
			{what: "another school", query: `query($id: ID!) { school(id: $id) { id contact { name } teachers { id } } }`, vars: map[string]any{"id": w.other}, allowed: everyone,
				check: func(t *testing.T, role events.Role, d map[string]json.RawMessage) {
					var s struct{ Contact, Teachers any }
					_ = json.Unmarshal(d["school"], &s)
					if sees := slices.Contains(staff, role); (s.Contact != nil) != sees || (s.Teachers != nil) != sees {
						t.Errorf("%s reads another school's contact %v and teachers %v; want them only for the office, faculty and tutors", role, s.Contact, s.Teachers)
					}
				}},
		},
		"schools": {{what: "every school", query: `query { schools { totalCount edges { node { id contact { name } } } } }`, allowed: everyone,
			check: func(t *testing.T, role events.Role, d map[string]json.RawMessage) {
				var s struct {
					Edges []struct {
						Node struct {
							ID      string
							Contact *struct{ Name string }
						}
					}
				}
				_ = json.Unmarshal(d["schools"], &s)
				for _, e := range s.Edges {
					own := (role == coordinatorRole || role == mentorRole) && e.Node.ID == w.host
					if sees := slices.Contains(staff, role) || own; (e.Node.Contact != nil) != sees {
						t.Errorf("%s reads school %s's contact %v", role, e.Node.ID, e.Node.Contact)
					}
				}
			}}},
		"studentTeacher": {
			{what: "placed at the host", query: `query($id: ID!) { studentTeacher(id: $id) { studentId } }`, vars: map[string]any{"id": w.confirmed}, allowed: everyone},
			{what: "not theirs", outsider: true, query: `query($id: ID!) { studentTeacher(id: $id) { studentId } }`, vars: map[string]any{"id": w.confirmed}, allowed: staff},
		},
		"mentor": {
			{what: "the host's mentor", query: `query($id: ID!) { mentor(id: $id) { id } }`, vars: map[string]any{"id": w.mentor}, allowed: school},
			{what: "another school's mentor", outsider: true, query: `query($id: ID!) { mentor(id: $id) { id } }`, vars: map[string]any{"id": w.mentor}, allowed: staff},
		},
		"mentoringPolicy":     {{what: "the policy", query: `query { mentoringPolicy { minMentorObservations } }`, allowed: everyone}},
		"competencyFramework": {{what: "the framework", query: `query { competencyFramework { version } }`, allowed: everyone}},
		"schoolDashboard": {
			{what: "own school", query: `query($id: ID!, $round: ID) { schoolDashboard(schoolId: $id, roundId: $round) { school { id } } }`,
				vars: map[string]any{"id": w.host, "round": w.round}, allowed: school},
			{what: "another school", outsider: true, query: `query($id: ID!, $round: ID) { schoolDashboard(schoolId: $id, roundId: $round) { school { id } } }`,
				vars: map[string]any{"id": w.host, "round": w.round}, allowed: staff},
		},
		"facultyDashboard": {{what: "the round", query: `query($id: ID!) { facultyDashboard(roundId: $id) { round { id } } }`, vars: round, allowed: staff}},
		"forum": {
			{what: "the programme", query: `query($year: Int!) { forum(year: $year) { year sessions { id } } }`, vars: map[string]any{"year": w.year}, allowed: everyone},
			{what: "registrations", query: `query($year: Int!) { forum(year: $year) { registrations { edges { node { schoolId } } } } }`,
				vars: map[string]any{"year": w.year}, allowed: school,
				check: func(t *testing.T, role events.Role, d map[string]json.RawMessage) {
					var f struct {
						Registrations struct {
							Edges []struct{ Node struct{ SchoolID *string } }
						}
					}
					_ = json.Unmarshal(d["forum"], &f)
					if len(f.Registrations.Edges) == 0 {
						t.Errorf("%s sees no registration, want the host's delegate", role)
					}
					for _, e := range f.Registrations.Edges {
						if (role == coordinatorRole || role == mentorRole) && (e.Node.SchoolID == nil || *e.Node.SchoolID != w.host) {
							t.Errorf("host staff see a registration of school %v", e.Node.SchoolID)
						}
					}
				}},
			{what: "another school's registrations", outsider: true, query: `query($year: Int!) { forum(year: $year) { registrations { totalCount } } }`,
				vars: map[string]any{"year": w.year}, allowed: school,
				check: func(t *testing.T, role events.Role, d map[string]json.RawMessage) {
					var f struct{ Registrations struct{ TotalCount int } }
					_ = json.Unmarshal(d["forum"], &f)
					if (role == coordinatorRole || role == mentorRole) && f.Registrations.TotalCount != 0 {
						t.Errorf("the other school's staff see %d registrations, want none of the host's", f.Registrations.TotalCount)
					}
				}},
			{what: "expressions of interest", query: `query($year: Int!) { forum(year: $year) { expressionsOfInterest { totalCount } } }`,
				vars: map[string]any{"year": w.year}, allowed: staff},
		},
		"history": {
			{what: "the host's school record", query: `query($id: String!) { history(streamId: $id) { totalCount } }`, vars: map[string]any{"id": "school-" + w.host}, allowed: school},
			{what: "the placement's mentoring record", query: `query($id: String!) { history(streamId: $id) { totalCount } }`, vars: map[string]any{"id": "record-" + w.record}, allowed: everyone},
			{what: "someone else's mentoring record", outsider: true, query: `query($id: String!) { history(streamId: $id) { totalCount } }`, vars: map[string]any{"id": "record-" + w.record}, allowed: staff},
		},
	}
}

// fieldsOf lists the fields of a root type, read from the schema.
func fieldsOf(t *testing.T, g gatewaySystem, tok, rootType string) []string {
	t.Helper()
	type introspection struct {
		Schema map[string]struct {
			Fields []struct{ Name string }
		} `json:"__schema"`
	}
	s := read[introspection](t, g, tok, `query { __schema { `+rootType+` { fields { name } } } }`, nil)
	var names []string
	for _, f := range s.Schema[rootType].Fields {
		names = append(names, f.Name)
	}
	return names
}

// TestEveryRoleAgainstEveryQueryAndMutation is the authorization matrix:
// every root query field (read from the schema, so a new field without an
// expectation fails) as every role, on records the role may and may not
// see, answers data or FORBIDDEN and scopes its lists; every mutation (read
// from the schema too) as every role answers FORBIDDEN to the roles its
// decider refuses and anything else to the roles it allows; with no token,
// every field answers UNAUTHENTICATED.
func TestEveryRoleAgainstEveryQueryAndMutation(t *testing.T) {
	t.Parallel()
	g := startGateway(t)
	a := seedAuthz(t, g)
	officeToken := a.tokens[officeRole]

	probes := a.queryProbes()
	fields := fieldsOf(t, g, officeToken, "queryType")
	for _, f := range fields {
		if _, ok := probes[f]; !ok {
			t.Errorf("query field %s has no expectation in the authorization matrix", f)
		}
	}
	for f := range probes {
		if !slices.Contains(fields, f) {
			t.Errorf("query field %s is expected but not in the schema", f)
		}
	}
	for _, f := range fields {
		for _, p := range probes[f] {
			for _, role := range roles {
				tok := a.tokens[role]
				if p.outsider {
					tok = a.outsiders[role]
				}
				t.Run(fmt.Sprintf("%s/%s/%s", f, role, p.what), func(t *testing.T) {
					data, errs := g.gql(t, tok, p.query, p.vars)
					if !slices.Contains(p.allowed, role) {
						if !slices.Contains(codes(errs), "FORBIDDEN") {
							t.Fatalf("answered %s and %+v, want FORBIDDEN", data, errs)
						}
						return
					}
					if len(errs) > 0 {
						t.Fatalf("answered %+v, want data", errs)
					}
					var d map[string]json.RawMessage
					if err := json.Unmarshal(data, &d); err != nil || string(d[f]) == "null" {
						t.Fatalf("answered %s, want data", data)
					}
					if p.check != nil {
						p.check(t, role, d)
					}
				})
			}
			t.Run(fmt.Sprintf("%s/anonymous/%s", f, p.what), func(t *testing.T) {
				if _, errs := g.gql(t, "", p.query, p.vars); !slices.Equal(codes(errs), []string{"UNAUTHENTICATED"}) {
					t.Errorf("with no token answered %+v, want UNAUTHENTICATED", errs)
				}
			})
		}
	}

	cases := a.mutationCases()
	mutations := fieldsOf(t, g, officeToken, "mutationType")
	for _, m := range mutations {
		if !slices.ContainsFunc(cases, func(c mutationCase) bool { return c.name == m }) {
			t.Errorf("mutation %s has no expectation in the authorization matrix", m)
		}
	}
	for _, c := range cases {
		if !slices.Contains(mutations, c.name) {
			t.Errorf("mutation %s is expected but not in the schema", c.name)
			continue
		}
		t.Run(c.name+"/anonymous", func(t *testing.T) {
			if errs := g.try(t, "", c.name, c.input(events.Actor{})); !slices.Equal(codes(errs), []string{"UNAUTHENTICATED"}) {
				t.Errorf("with no token answered %+v, want UNAUTHENTICATED", errs)
			}
		})
		// The refused roles go first: they change nothing, so the allowed
		// ones after them still find the records the command needs.
		ordered := slices.Clone(roles)
		slices.SortStableFunc(ordered, func(x, y events.Role) int {
			return boolInt(slices.Contains(c.allowed, x)) - boolInt(slices.Contains(c.allowed, y))
		})
		for _, role := range ordered {
			actor := a.actorOf(role)
			t.Run(c.name+"/"+string(role), func(t *testing.T) {
				errs := g.try(t, a.tokens[role], c.name, c.input(actor))
				forbidden := slices.Contains(codes(errs), "FORBIDDEN")
				switch allowed := slices.Contains(c.allowed, role); {
				case allowed && forbidden:
					t.Errorf("refused as FORBIDDEN: %+v; the decider allows %s", errs, role)
				case !allowed && !forbidden:
					t.Errorf("answered %+v, want FORBIDDEN", errs)
				}
			})
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
