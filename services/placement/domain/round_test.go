package domain_test

import (
	"strings"
	"testing"

	"wsms/events/placement"
	"wsms/placement/app"
	"wsms/placement/domain"
	"wsms/platform/errs"
)

// opening is the office's command to open the 2027/28 round, leaving every
// rule with a default to it.
func opening() domain.OpenPlacementRound {
	return domain.OpenPlacementRound{RoundID: roundID, Name: "Practicum 2027/28", SchoolYear: 2027,
		Windows: []placement.Period{practicum}, OfferDeadline: "2027-11-30", PreferenceDeadline: "2027-12-15"}
}

func TestOpenPlacementRoundWithDefaults(t *testing.T) {
	t.Parallel()
	got, err := app.OpenPlacementRound.Run(nil, opening(), office)
	thenEvents(t, got, err, placement.PlacementRoundOpened{RoundID: roundID, Name: "Practicum 2027/28", SchoolYear: 2027,
		Windows: []placement.Period{practicum}, OfferDeadline: "2027-11-30", PreferenceDeadline: "2027-12-15",
		MaxPreferences: 10, MaxTravelMinutes: 60, CalendarToleranceDays: 5, TravelMinutes: domain.DefaultTravelMinutes()})
}

func TestOpenPlacementRoundKeepsGivenRules(t *testing.T) {
	t.Parallel()
	c := opening()
	zero := 0
	table := map[string]map[string]int{
		"Sha Tin": {"Sha Tin": 10, "Tai Po": 20},
		"Tai Po":  {"Sha Tin": 25, "Tai Po": 10},
	}
	c.MaxPreferences, c.MaxTravelMinutes, c.CalendarToleranceDays, c.TravelMinutes = 5, 45, &zero, table
	got, err := app.OpenPlacementRound.Run(nil, c, office)
	thenEvents(t, got, err, placement.PlacementRoundOpened{RoundID: roundID, Name: "Practicum 2027/28", SchoolYear: 2027,
		Windows: []placement.Period{practicum}, OfferDeadline: "2027-11-30", PreferenceDeadline: "2027-12-15",
		MaxPreferences: 5, MaxTravelMinutes: 45, CalendarToleranceDays: 0, TravelMinutes: table})
}

func TestDefaultTravelMinutesCoverHongKongsEighteenDistricts(t *testing.T) {
	t.Parallel()
	table := domain.DefaultTravelMinutes()
	if len(table) != 18 {
		t.Fatalf("%d districts, want 18", len(table))
	}
	for from, row := range table {
		if len(row) != 18 || row[from] != 15 {
			t.Errorf("row %q: %d districts, %d minutes within the district", from, len(row), row[from])
		}
		for to, m := range row {
			if table[to][from] != m {
				t.Errorf("%s to %s takes %d minutes, back %d", from, to, m, table[to][from])
			}
		}
	}
	for _, tc := range []struct {
		from, to string
		minutes  int
	}{
		{"Central and Western", "Wan Chai", 30},
		{"Sha Tin", "Kwun Tong", 45},
		{"Central and Western", "Sha Tin", 60},
		{"Tuen Mun", "Sha Tin", 60},
		{"Sham Shui Po", "Central and Western", 40},
	} {
		if got := table[tc.from][tc.to]; got != tc.minutes {
			t.Errorf("%s to %s: %d minutes, want %d", tc.from, tc.to, got, tc.minutes)
		}
	}
}

func TestOpenPlacementRoundRefusesBadInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, field, rule string
		change            func(*domain.OpenPlacementRound)
	}{
		{"round id not a UUID", "roundId", "uuid", func(c *domain.OpenPlacementRound) { c.RoundID = "2027-28" }},
		{"no name", "name", "required", func(c *domain.OpenPlacementRound) { c.Name = "" }},
		{"year unknown", "schoolYear", "range", func(c *domain.OpenPlacementRound) { c.SchoolYear = 1999 }},
		{"no window", "windows", "count", func(c *domain.OpenPlacementRound) { c.Windows = nil }},
		{"window ends before it starts", "windows[0].to", "after_from", func(c *domain.OpenPlacementRound) {
			c.Windows = []placement.Period{{From: "2028-03-24", To: "2028-02-14"}}
		}},
		{"offer deadline not a date", "offerDeadline", "date", func(c *domain.OpenPlacementRound) { c.OfferDeadline = "end of November" }},
		{"preference deadline not a date", "preferenceDeadline", "date", func(c *domain.OpenPlacementRound) { c.PreferenceDeadline = "" }},
		{"preference deadline inside the window", "preferenceDeadline", "before_window", func(c *domain.OpenPlacementRound) {
			c.PreferenceDeadline = "2028-02-20"
		}},
		{"too many preferences", "maxPreferences", "range", func(c *domain.OpenPlacementRound) { c.MaxPreferences = 21 }},
		{"journeys too long", "maxTravelMinutes", "range", func(c *domain.OpenPlacementRound) { c.MaxTravelMinutes = 301 }},
		{"negative tolerance", "calendarToleranceDays", "range", func(c *domain.OpenPlacementRound) { minus := -1; c.CalendarToleranceDays = &minus }},
		{"empty travel table", "travelMinutes", "required", func(c *domain.OpenPlacementRound) { c.TravelMinutes = map[string]map[string]int{} }},
		{"travel table missing a way back", `travelMinutes["Tai Po"]["Sha Tin"]`, "required", func(c *domain.OpenPlacementRound) {
			c.TravelMinutes = map[string]map[string]int{"Sha Tin": {"Sha Tin": 10, "Tai Po": 20}, "Tai Po": {"Tai Po": 10}}
		}},
		{"negative journey", `travelMinutes["Sha Tin"]["Tai Po"]`, "range", func(c *domain.OpenPlacementRound) {
			c.TravelMinutes = map[string]map[string]int{"Sha Tin": {"Sha Tin": 10, "Tai Po": -20}, "Tai Po": {"Sha Tin": 20, "Tai Po": 10}}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := opening()
			tc.change(&c)
			got, err := app.OpenPlacementRound.Run(nil, c, office)
			thenInvalid(t, got, err, tc.field, tc.rule)
		})
	}
}

// The error must name the deadline that is wrong: here the offer deadline,
// while the preference deadline is fine.
func TestOpenPlacementRoundRefusesAnOfferDeadlineAfterTheFirstWindowOnThatField(t *testing.T) {
	t.Parallel()
	c := opening()
	c.OfferDeadline = "2028-02-21"
	got, err := app.OpenPlacementRound.Run(nil, c, office)
	thenInvalid(t, got, err, "offerDeadline", "before_window")
}

// A table is square when every district it names, as a row or as a column,
// has a journey time to and from every other. Here Tai Po is a destination
// with no row of its own.
func TestOpenPlacementRoundRefusesATravelTableWithMoreColumnsThanRows(t *testing.T) {
	t.Parallel()
	c := opening()
	c.TravelMinutes = map[string]map[string]int{"Sha Tin": {"Sha Tin": 10, "Tai Po": 20}}
	got, err := app.OpenPlacementRound.Run(nil, c, office)
	thenInvalid(t, got, err, `travelMinutes["Tai Po"]["Sha Tin"]`, "required")
}

func TestOpenPlacementRoundTwiceConflicts(t *testing.T) {
	t.Parallel()
	got, err := app.OpenPlacementRound.Run([]any{roundOpened()}, opening(), office)
	thenRefused(t, got, err, errs.Conflict)
}

func TestOnlyTheOfficeRunsTheRound(t *testing.T) {
	t.Parallel()
	for who, m := range notOffice() {
		t.Run(who, func(t *testing.T) {
			t.Parallel()
			got, err := app.OpenPlacementRound.Run(nil, opening(), m)
			thenRefused(t, got, err, errs.Forbidden)
			got, err = app.RunAllocation.Run([]any{roundOpened()}, domain.RunAllocation{RoundID: roundID, Pool: poolOf(world()...)}, m)
			thenRefused(t, got, err, errs.Forbidden)
			got, err = app.PublishAllocation.Run([]any{roundOpened(), allocated()}, domain.PublishAllocation{RoundID: roundID}, m)
			thenRefused(t, got, err, errs.Forbidden)
			got, err = app.ClosePlacementRound.Run(published(), domain.ClosePlacementRound{RoundID: roundID}, m)
			thenRefused(t, got, err, errs.Forbidden)
		})
	}
}

func TestPublishAllocation(t *testing.T) {
	t.Parallel()
	given := []any{roundOpened(), allocated()}
	got, err := app.PublishAllocation.Run(given, domain.PublishAllocation{RoundID: roundID, Pool: poolOf(world()...)}, office)
	thenEvents(t, got, err, placement.AllocationPublished{RoundID: roundID})
}

// TestPublishAllocationRefusesAnOutOfDateAllocation publishes an allocation
// after the round changed under it: a student-teacher registered since, a
// school that withdrew, a school that offers fewer places. Each is refused
// until the allocation runs again.
func TestPublishAllocationRefusesAnOutOfDateAllocation(t *testing.T) {
	t.Parallel()
	given := []any{roundOpened(), allocated()}
	cases := map[string][]any{
		"a student-teacher registered since": append(world(), studentTeacher("0193a3e2-9000-7b52-9f4e-2d5c8a6b30aa", "Late Comer", "Sha Tin", placement.Secondary, "English")),
		"a school withdrew":                  append(world(), placement.OfferWithdrawn{RoundID: roundID, SchoolID: shatinID, Reason: "Renovation"}),
		"fewer places":                       append(world(), offered(kwunTongRegistered, 1, places("English", 1))),
		"a subject no longer offered":        append(world(), offered(kwunTongRegistered, 3, places("English", 1), places("Science", 2))),
		"preferences changed":                append(world(), prefers(chanID, kwunTongID, clareID)),
	}
	for name, changed := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := app.PublishAllocation.Run(given, domain.PublishAllocation{RoundID: roundID, Pool: poolOf(changed...)}, office)
			thenRefused(t, got, err, errs.Conflict)
		})
	}
}

func TestPublishAllocationRefuses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		code  errs.Code
		given []any
	}{
		{"no round", errs.NotFound, nil},
		{"before an allocation", errs.Conflict, []any{roundOpened()}},
		{"published already", errs.Conflict, published()},
		{"closed", errs.Conflict, []any{roundOpened(), allocated(), placement.PlacementRoundClosed{RoundID: roundID}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := app.PublishAllocation.Run(tc.given, domain.PublishAllocation{RoundID: roundID}, office)
			thenRefused(t, got, err, tc.code)
		})
	}
}

func TestClosePlacementRound(t *testing.T) {
	t.Parallel()
	for name, given := range map[string][]any{"open": {roundOpened()}, "published": published()} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := app.ClosePlacementRound.Run(given, domain.ClosePlacementRound{RoundID: roundID}, office)
			thenEvents(t, got, err, placement.PlacementRoundClosed{RoundID: roundID})
		})
	}
	got, err := app.ClosePlacementRound.Run(nil, domain.ClosePlacementRound{RoundID: roundID}, office)
	thenRefused(t, got, err, errs.NotFound)
}

// After a round is closed, every command on it, its offers and its
// student-teachers is refused because it is closed.
func TestAClosedRoundRefusesEveryCommand(t *testing.T) {
	t.Parallel()
	closed := []any{roundOpened(), allocated(), placement.AllocationPublished{RoundID: roundID},
		placement.PlacementConfirmed{RoundID: roundID, StudentID: chanID, SchoolID: clareID, Subject: "English"},
		placement.PlacementRoundClosed{RoundID: roundID}}
	r := roundAfter(closed...)
	clareSchool := fold(domain.EvolveSchool, clarePartner()...)
	commands := map[string]func() ([]any, error){
		"open": func() ([]any, error) { return app.OpenPlacementRound.Run(closed, opening(), office) },
		"run allocation": func() ([]any, error) {
			return app.RunAllocation.Run(closed, domain.RunAllocation{RoundID: roundID, Pool: poolOf(world()...)}, office)
		},
		"override": func() ([]any, error) {
			return app.OverridePlacement.Run(closed, domain.OverridePlacement{RoundID: roundID, StudentID: makID, SchoolID: kwunTongID,
				Subject: "English", Reason: "Closer to home", Pool: poolOf(world()...)}, office)
		},
		"publish": func() ([]any, error) {
			return app.PublishAllocation.Run(closed, domain.PublishAllocation{RoundID: roundID}, office)
		},
		"confirm": func() ([]any, error) {
			return app.ConfirmPlacement.Run(closed, domain.ConfirmPlacement{RoundID: roundID, StudentID: lamID}, office)
		},
		"decline": func() ([]any, error) {
			return app.DeclinePlacement.Run(closed, domain.DeclinePlacement{RoundID: roundID, StudentID: lamID, Reason: "No mentor free",
				Pool: poolOf(world()...)}, office)
		},
		"assign mentor": func() ([]any, error) {
			return app.AssignMentor(nil).Run(closed, domain.AssignMentor{RoundID: roundID, StudentID: chanID, TeacherID: wongID,
				School: clareSchool, TrainingValidUntil: "2028-08-31"}, office)
		},
		"close": func() ([]any, error) {
			return app.ClosePlacementRound.Run(closed, domain.ClosePlacementRound{RoundID: roundID}, office)
		},
		"offer places": func() ([]any, error) {
			return app.OfferPlaces.Run(nil, domain.OfferPlaces{RoundID: roundID, SchoolID: clareID,
				Offers: []placement.OfferedPlaces{places("English", 6, wongID)}, Round: r, School: clareSchool}, office)
		},
		"withdraw offer": func() ([]any, error) {
			return app.WithdrawOffer.Run([]any{offered(clareRegistered, 2, places("English", 2))},
				domain.WithdrawOffer{RoundID: roundID, SchoolID: clareID, Reason: "Renovation", Round: r}, office)
		},
		"register student-teacher": func() ([]any, error) {
			return app.RegisterStudentTeacher.Run(nil, registering(r), office)
		},
		"submit preferences": func() ([]any, error) {
			return app.SubmitPreferences.Run([]any{chanRegistered()}, domain.SubmitPreferences{RoundID: roundID, StudentID: chanID,
				SchoolIDs: []string{clareID}, Round: r, Offered: map[string]bool{clareID: true}}, office)
		},
	}
	for name, run := range commands {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := run()
			if e := thenRefused(t, got, err, errs.Conflict); !strings.Contains(e.Message, "closed") && name != "open" {
				t.Fatalf("refused for another reason: %v", err)
			}
		})
	}
}

// TestACapacityWaiverCoversItsOwnPlacement publishes an allocation in which
// the office placed one student-teacher past a school's places by hand: the
// waiver lets that one placement through, and no more when the school later
// offers fewer places still.
func TestACapacityWaiverCoversItsOwnPlacement(t *testing.T) {
	t.Parallel()
	given := []any{roundOpened(), allocated(), placement.PlacementOverridden{RoundID: roundID, StudentID: lamID, SchoolID: kwunTongID,
		Subject: "English", Rank: 2, TravelMinutes: 45, Reason: "Mentor continuity", Exception: "capacity"}}
	got, err := app.PublishAllocation.Run(given, domain.PublishAllocation{RoundID: roundID, Pool: poolOf(world()...)}, office)
	thenEvents(t, got, err, placement.AllocationPublished{RoundID: roundID})

	fewer := append(world(), offered(kwunTongRegistered, 1, places("English", 1), places("Mathematics", 1)))
	got, err = app.PublishAllocation.Run(given, domain.PublishAllocation{RoundID: roundID, Pool: poolOf(fewer...)}, office)
	thenRefused(t, got, err, errs.Conflict)
}
