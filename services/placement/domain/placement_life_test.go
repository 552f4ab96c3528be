package domain_test

import (
	"strings"
	"testing"

	"wsms/events"
	"wsms/events/placement"
	"wsms/placement/app"
	"wsms/placement/domain"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

// What happens to a published placement: the host school confirms or
// declines it, and assigns a teacher-mentor to a confirmed one.

func TestConfirmPlacementByTheHostSchoolOrTheOffice(t *testing.T) {
	t.Parallel()
	for who, m := range map[string]decider.Meta{"office": office, "host school's coordinator": clareCoordinator} {
		t.Run(who, func(t *testing.T) {
			t.Parallel()
			got, err := app.ConfirmPlacement.Run(published(), domain.ConfirmPlacement{RoundID: roundID, StudentID: chanID}, m)
			thenEvents(t, got, err, placement.PlacementConfirmed{RoundID: roundID, StudentID: chanID, SchoolID: clareID, Subject: "English"})
		})
	}
}

func TestConfirmPlacementTwiceIsNoChange(t *testing.T) {
	t.Parallel()
	given := append(published(), placement.PlacementConfirmed{RoundID: roundID, StudentID: chanID, SchoolID: clareID, Subject: "English"})
	got, err := app.ConfirmPlacement.Run(given, domain.ConfirmPlacement{RoundID: roundID, StudentID: chanID}, clareCoordinator)
	thenEvents(t, got, err)
}

func TestConfirmPlacementRefuses(t *testing.T) {
	t.Parallel()
	declinedAndUnplaced := append(published(),
		placement.PlacementDeclined{RoundID: roundID, StudentID: chanID, SchoolID: clareID, Reason: "No English mentor is free"},
		placement.StudentTeacherReallocated{RoundID: roundID, StudentID: chanID, Unplaced: "no eligible school"})
	cases := []struct {
		name      string
		code      errs.Code
		given     []any
		meta      decider.Meta
		studentID string
	}{
		{"before publication", errs.Conflict, []any{roundOpened(), allocated()}, office, chanID},
		{"no round", errs.NotFound, nil, office, chanID},
		{"another school's coordinator", errs.Forbidden, published(), shatinCoordinator, chanID},
		{"a mentor of the host school", errs.Forbidden, published(), as(events.RoleMentor, wongID, clareID), chanID},
		{"the student-teacher", errs.Forbidden, published(), chanHimself, chanID},
		{"no placement", errs.NotFound, published(), office, unknownStudentID},
		{"declined and unplaced", errs.NotFound, declinedAndUnplaced, office, chanID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := app.ConfirmPlacement.Run(tc.given, domain.ConfirmPlacement{RoundID: roundID, StudentID: tc.studentID}, tc.meta)
			thenRefused(t, got, err, tc.code)
		})
	}
}

const declineReason = "No English panel teacher is free in the practicum weeks"

// declining is a command to decline a student-teacher's placement, over the
// world with extra records.
func declining(studentID string, extra ...any) domain.DeclinePlacement {
	return domain.DeclinePlacement{RoundID: roundID, StudentID: studentID, Reason: declineReason, Pool: poolOf(append(world(), extra...)...)}
}

// kwunTongMoreEnglish is Kwun Tong's offer with a second English place.
func kwunTongMoreEnglish() placement.PlacesOffered {
	return offered(kwunTongRegistered, 3, places("English", 2), places("Mathematics", 2))
}

// othersStay asserts that the decided events move no one but studentID.
func othersStay(t *testing.T, given, then []any, studentID string) {
	t.Helper()
	before, after := roundAfter(given...), roundAfter(append(given, then...)...)
	for _, p := range firstChoices() {
		if p.StudentID == studentID {
			continue
		}
		was, _ := before.Placement(p.StudentID)
		if is, ok := after.Placement(p.StudentID); !ok || is != was {
			t.Errorf("%s moved from %+v to %+v", p.StudentID, was, is)
		}
	}
}

func TestDeclinePlacementReallocatesOnlyThatStudentTeacher(t *testing.T) {
	t.Parallel()
	given := published()
	got, err := app.DeclinePlacement.Run(given, declining(chanID, kwunTongMoreEnglish()), clareCoordinator)
	again := placedAt(chanID, kwunTongID, "English", 2, 40)
	thenEvents(t, got, err,
		placement.PlacementDeclined{RoundID: roundID, StudentID: chanID, SchoolID: clareID, Reason: declineReason},
		placement.StudentTeacherReallocated{RoundID: roundID, StudentID: chanID, Placement: &again,
			Explanation: placement.Explanation{StudentID: chanID, SchoolID: kwunTongID, Rank: 2, NotChosen: []placement.NotChosen{
				{SchoolID: clareID, Rank: 1, Reason: "ineligible: the school declined the placement"}}}})
	othersStay(t, given, got, chanID)
	if p, ok := roundAfter(append(given, got...)...).Placement(chanID); !ok || p != again {
		t.Fatalf("after the decline chan is at %+v, want %+v", p, again)
	}
}

// St. Clare's still has free English places once Chan leaves, but Chan is
// never sent back to the school that declined; Kwun Tong's English place is
// Mak's, so Chan ends unplaced.
func TestDeclinePlacementWithNoFreePlaceLeavesTheStudentTeacherUnplaced(t *testing.T) {
	t.Parallel()
	given := published()
	got, err := app.DeclinePlacement.Run(given, declining(chanID), office)
	if err != nil || len(got) != 2 {
		t.Fatalf("then %#v / %v, want declined and re-allocated", got, err)
	}
	if got[0] != (placement.PlacementDeclined{RoundID: roundID, StudentID: chanID, SchoolID: clareID, Reason: declineReason}) {
		t.Errorf("then %#v, want chan's placement declined", got[0])
	}
	again := got[1].(placement.StudentTeacherReallocated)
	if again.StudentID != chanID || again.Placement != nil || again.Unplaced == "" {
		t.Fatalf("re-allocated %+v, want chan unplaced with a reason", again)
	}
	othersStay(t, given, got, chanID)
	if p, ok := roundAfter(append(given, got...)...).Placement(chanID); ok {
		t.Fatalf("after the decline chan is still at %+v", p)
	}
}

// Kwun Tong offers English; its one place is Mak's. Chan's explanation must
// say it was full, not that it offers no English.
func TestDeclinePlacementExplainsATakenPlaceAsFull(t *testing.T) {
	t.Parallel()
	got, err := app.DeclinePlacement.Run(published(), declining(chanID), office)
	if err != nil || len(got) != 2 {
		t.Fatalf("then %#v / %v, want declined and re-allocated", got, err)
	}
	why := notChosen(t, got[1].(placement.StudentTeacherReallocated).Explanation, kwunTongID)
	if !strings.HasPrefix(why.Reason, "full") {
		t.Fatalf("Kwun Tong not chosen because %q, want that its places are full", why.Reason)
	}
}

func TestDeclinePlacementTwiceNeverReturnsToEitherSchool(t *testing.T) {
	t.Parallel()
	again := placedAt(chanID, kwunTongID, "English", 2, 40)
	given := append(published(),
		placement.PlacementDeclined{RoundID: roundID, StudentID: chanID, SchoolID: clareID, Reason: declineReason},
		placement.StudentTeacherReallocated{RoundID: roundID, StudentID: chanID, Placement: &again})
	kwunTongCoordinator := as(events.RoleSchoolCoordinator, "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b6f05", kwunTongID)
	got, err := app.DeclinePlacement.Run(given, declining(chanID, kwunTongMoreEnglish()), kwunTongCoordinator)
	if err != nil || len(got) != 2 {
		t.Fatalf("then %#v / %v, want declined and re-allocated", got, err)
	}
	if d := got[0].(placement.PlacementDeclined); d.SchoolID != kwunTongID {
		t.Errorf("declined at %s, want Kwun Tong", d.SchoolID)
	}
	realloc := got[1].(placement.StudentTeacherReallocated)
	if realloc.Placement != nil {
		t.Fatalf("chan re-allocated to %+v, want unplaced", realloc.Placement)
	}
	for _, school := range []string{clareID, kwunTongID} {
		if why := notChosen(t, realloc.Explanation, school); why.Reason != "ineligible: the school declined the placement" {
			t.Errorf("%s not chosen because %q, want that it declined", school, why.Reason)
		}
	}
	othersStay(t, given, got, chanID)
}

func TestDeclinePlacementRefuses(t *testing.T) {
	t.Parallel()
	confirmed := append(published(), placement.PlacementConfirmed{RoundID: roundID, StudentID: chanID, SchoolID: clareID, Subject: "English"})
	cases := []struct {
		name        string
		code        errs.Code
		field, rule string
		given       []any
		meta        decider.Meta
		change      func(*domain.DeclinePlacement)
	}{
		{"before publication", errs.Conflict, "", "", []any{roundOpened(), allocated()}, office, func(*domain.DeclinePlacement) {}},
		{"confirmed", errs.Conflict, "", "", confirmed, clareCoordinator, func(*domain.DeclinePlacement) {}},
		{"another school's coordinator", errs.Forbidden, "", "", published(), shatinCoordinator, func(*domain.DeclinePlacement) {}},
		{"the student-teacher", errs.Forbidden, "", "", published(), chanHimself, func(*domain.DeclinePlacement) {}},
		{"no placement", errs.NotFound, "", "", published(), office, func(c *domain.DeclinePlacement) { c.StudentID = unknownStudentID }},
		{"no reason", errs.Validation, "reason", "required", published(), clareCoordinator, func(c *domain.DeclinePlacement) { c.Reason = " " }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := declining(chanID)
			tc.change(&c)
			got, err := app.DeclinePlacement.Run(tc.given, c, tc.meta)
			thenError(t, got, err, tc.code, tc.field, tc.rule)
		})
	}
}

// confirmedAtClare is the round with Chan and Mak confirmed at St. Clare's
// (Mak placed by hand, her old school's conflict waived).
func confirmedAtClare() []any {
	return []any{roundOpened(), allocated(),
		overridden(placedAt(makID, clareID, "English", 11, 30), "excluded"),
		placement.AllocationPublished{RoundID: roundID},
		placement.PlacementConfirmed{RoundID: roundID, StudentID: chanID, SchoolID: clareID, Subject: "English"},
		placement.PlacementConfirmed{RoundID: roundID, StudentID: makID, SchoolID: clareID, Subject: "English"},
	}
}

// assigning is a command to assign a St. Clare's teacher as mentor, with
// their mentor training current until trainedUntil.
func assigning(studentID, teacherID string, trainedUntil placement.Date, school ...any) domain.AssignMentor {
	if school == nil {
		school = clarePartner()
	}
	return domain.AssignMentor{RoundID: roundID, StudentID: studentID, TeacherID: teacherID,
		School: fold(domain.EvolveSchool, school...), TrainingValidUntil: trainedUntil}
}

func TestAssignMentor(t *testing.T) {
	t.Parallel()
	for who, m := range map[string]decider.Meta{"office": office, "host school's coordinator": clareCoordinator} {
		t.Run(who, func(t *testing.T) {
			t.Parallel()
			got, err := app.AssignMentor(nil).Run(confirmedAtClare(), assigning(chanID, wongID, "2028-08-31"), m)
			thenEvents(t, got, err, placement.MentorAssigned{RoundID: roundID, StudentID: chanID, SchoolID: clareID, TeacherID: wongID})
		})
	}
}

func TestAssignMentorWithTrainingCurrentToday(t *testing.T) {
	t.Parallel()
	got, err := app.AssignMentor(nil).Run(confirmedAtClare(), assigning(chanID, wongID, "2027-08-01"), clareCoordinator)
	thenEvents(t, got, err, placement.MentorAssigned{RoundID: roundID, StudentID: chanID, SchoolID: clareID, TeacherID: wongID})
}

func TestAssignTheSameMentorAgainIsNoChange(t *testing.T) {
	t.Parallel()
	given := append(confirmedAtClare(), placement.MentorAssigned{RoundID: roundID, StudentID: chanID, SchoolID: clareID, TeacherID: wongID})
	got, err := app.AssignMentor(nil).Run(given, assigning(chanID, wongID, "2028-08-31"), clareCoordinator)
	thenEvents(t, got, err)
}

// Wong mentors one student-teacher a round. Once Chan moves to Lee, Wong is
// free to mentor Mak.
func TestAssignMentorFreesTheLoadOfTheMentorReplaced(t *testing.T) {
	t.Parallel()
	school := append(clarePartner(), placement.TeacherMentorNamed{SchoolID: clareID, TeacherID: leeID, Subjects: []string{"English"}, LoadLimit: 1})
	given := append(confirmedAtClare(),
		placement.MentorAssigned{RoundID: roundID, StudentID: chanID, SchoolID: clareID, TeacherID: wongID},
		placement.MentorAssigned{RoundID: roundID, StudentID: chanID, SchoolID: clareID, TeacherID: leeID})
	got, err := app.AssignMentor(nil).Run(given, assigning(makID, wongID, "2028-08-31", school...), clareCoordinator)
	thenEvents(t, got, err, placement.MentorAssigned{RoundID: roundID, StudentID: makID, SchoolID: clareID, TeacherID: wongID})
}

func TestAssignMentorRefuses(t *testing.T) {
	t.Parallel()
	wongBusy := append(confirmedAtClare(), placement.MentorAssigned{RoundID: roundID, StudentID: chanID, SchoolID: clareID, TeacherID: wongID})
	cases := []struct {
		name        string
		code        errs.Code
		field, rule string
		given       []any
		meta        decider.Meta
		command     domain.AssignMentor
	}{
		{"placement not confirmed", errs.Conflict, "", "", published(), clareCoordinator, assigning(chanID, wongID, "2028-08-31")},
		{"before publication", errs.Conflict, "", "", []any{roundOpened(), allocated()}, office, assigning(chanID, wongID, "2028-08-31")},
		{"a mentor for another subject", errs.Validation, "teacherId", "teacher_mentor", confirmedAtClare(), clareCoordinator, assigning(chanID, chowID, "2028-08-31")},
		{"a teacher who is no mentor", errs.Validation, "teacherId", "teacher_mentor", confirmedAtClare(), clareCoordinator, assigning(chanID, leeID, "2028-08-31")},
		{"no mentor training", errs.Validation, "teacherId", "mentor_training", confirmedAtClare(), clareCoordinator, assigning(chanID, wongID, "")},
		{"mentor training expired", errs.Validation, "teacherId", "mentor_training", confirmedAtClare(), clareCoordinator, assigning(chanID, wongID, "2027-07-31")},
		{"load limit reached", errs.Validation, "teacherId", "load_limit", wongBusy, clareCoordinator, assigning(makID, wongID, "2028-08-31")},
		{"teacher id not a UUID", errs.Validation, "teacherId", "uuid", confirmedAtClare(), clareCoordinator, assigning(chanID, "wong", "2028-08-31")},
		{"another school's coordinator", errs.Forbidden, "", "", confirmedAtClare(), shatinCoordinator, assigning(chanID, wongID, "2028-08-31")},
		{"the mentor themself", errs.Forbidden, "", "", confirmedAtClare(), as(events.RoleMentor, wongID, clareID), assigning(chanID, wongID, "2028-08-31")},
		{"no placement", errs.NotFound, "", "", confirmedAtClare(), clareCoordinator, assigning(unknownStudentID, wongID, "2028-08-31")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := app.AssignMentor(nil).Run(tc.given, tc.command, tc.meta)
			thenError(t, got, err, tc.code, tc.field, tc.rule)
		})
	}
}
