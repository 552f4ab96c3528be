// Package demo is the demonstration data `wsms run` loads into an empty
// system: a partnership office's year, sent as ordinary commands so that it
// goes through every rule a user's command does. Its dates follow the
// current year, so the demo's deadlines always lie ahead.
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"

	"wsms/events"
	ep "wsms/events/placement"
	"wsms/placement/domain"
	"wsms/platform/command"
)

// office is the partnership office member the demo acts as.
var office = events.Actor{ID: "demo-office", Role: events.RoleOffice}

type school struct {
	id, name, district string
	level              ep.Level
	contact            string
	offers             []ep.OfferedPlaces
}

// Demo ids are fixed, so that a newcomer can name them in commands.
const (
	RoundID = "0193a3e2-8000-7b52-9f4e-2d5c8a6b2001"
)

func demoSchools() []school {
	english := func(n int) ep.OfferedPlaces { return ep.OfferedPlaces{Subject: "English", Places: n} }
	maths := func(n int) ep.OfferedPlaces { return ep.OfferedPlaces{Subject: "Mathematics", Places: n} }
	return []school{
		{"0193a3e2-7c1d-7b52-9f4e-2d5c8a6b1e01", "St. Clare's Girls' School", "Central and Western", ep.Secondary, "Mary Chan", []ep.OfferedPlaces{english(3), maths(3)}},
		{"0193a3e2-7c1d-7b52-9f4e-2d5c8a6b1e02", "Ying Wa Primary School", "Sham Shui Po", ep.Primary, "Kelvin Lau", []ep.OfferedPlaces{english(4), maths(2)}},
		{"0193a3e2-7c1d-7b52-9f4e-2d5c8a6b1e03", "Shatin Methodist College", "Sha Tin", ep.Secondary, "Grace Ho", []ep.OfferedPlaces{english(4), maths(2)}},
		{"0193a3e2-7c1d-7b52-9f4e-2d5c8a6b1e04", "Aberdeen St. Peter's Catholic Primary School", "Southern", ep.Primary, "Peter Yip", []ep.OfferedPlaces{english(3), maths(3)}},
		{"0193a3e2-7c1d-7b52-9f4e-2d5c8a6b1e05", "Tuen Mun Government Secondary School", "Tuen Mun", ep.Secondary, "Winnie Tsang", []ep.OfferedPlaces{english(2), maths(4)}},
	}
}

// Load sends the demo's commands and returns how many it sent. Each carries
// an idempotency key, so loading twice records everything once.
func Load(ctx context.Context, nc *nats.Conn, namespace string) (int, error) {
	sent := 0
	do := func(name, key string, actor events.Actor, c any) error {
		_, err := command.Send(ctx, nc, command.Subject(namespace, "placement", name), command.Request[any]{
			Command: c, Actor: actor, IdempotencyKey: "demo/" + name + "/" + key,
		})
		if err != nil {
			return fmt.Errorf("%s %s: %w", name, key, err)
		}
		sent++
		return nil
	}
	year := time.Now().Year() + 1
	schools := demoSchools()
	for i, s := range schools {
		if err := do("register-school", s.id, office, domain.RegisterSchool{SchoolID: s.id, Name: s.name, District: s.district, Level: s.level,
			Contact: ep.Contact{Name: s.contact, Email: fmt.Sprintf("coordinator%d@example.edu.hk", i+1)}}); err != nil {
			return sent, err
		}
		if err := do("sign-partnership-agreement", s.id, office, domain.SignPartnershipAgreement{SchoolID: s.id,
			AgreementID: fmt.Sprintf("0193a3e2-b000-7b52-9f4e-2d5c8a6b50%02d", i+1), FirstSchoolYear: year - 1,
			CoreSubjects: []string{"English", "Mathematics"}, EnglishKLA: true}); err != nil {
			return sent, err
		}
	}
	if err := do("open-placement-round", RoundID, office, domain.OpenPlacementRound{RoundID: RoundID,
		Name: fmt.Sprintf("%d/%02d Block Practice 1", year, (year+1)%100), SchoolYear: year,
		Windows:       []ep.Period{{From: ep.Date(fmt.Sprintf("%d-10-04", year)), To: ep.Date(fmt.Sprintf("%d-11-26", year))}},
		OfferDeadline: ep.Date(fmt.Sprintf("%d-09-10", year)), PreferenceDeadline: ep.Date(fmt.Sprintf("%d-09-17", year))}); err != nil {
		return sent, err
	}
	for _, s := range schools {
		if err := do("offer-places", s.id, office, domain.OfferPlaces{RoundID: RoundID, SchoolID: s.id, Offers: s.offers}); err != nil {
			return sent, err
		}
	}
	districts := []string{"Sha Tin", "Kowloon City", "Eastern", "Tuen Mun", "Yuen Long", "Wan Chai", "Tai Po", "Sham Shui Po"}
	for i := range 16 {
		id := fmt.Sprintf("0193a3e2-9000-7b52-9f4e-2d5c8a6b30%02d", i+1)
		level, subject := ep.Secondary, "English"
		if i%2 == 1 {
			level = ep.Primary
		}
		if i%3 == 2 {
			subject = "Mathematics"
		}
		if err := do("register-student-teacher", id, office, domain.RegisterStudentTeacher{RoundID: RoundID, StudentID: id,
			Name: fmt.Sprintf("Student-teacher %d", i+1), Email: fmt.Sprintf("student%d@example.hku.hk", i+1), Level: level,
			Subjects: []string{subject}, HomeDistrict: districts[i%len(districts)]}); err != nil {
			return sent, err
		}
		var prefs []string
		for k, s := range schools {
			if s.level == level && (k+i)%3 != 0 {
				prefs = append(prefs, s.id)
			}
		}
		me := events.Actor{ID: id, Role: events.RoleStudentTeacher}
		if err := do("submit-preferences", id, me, domain.SubmitPreferences{RoundID: RoundID, StudentID: id, SchoolIDs: prefs}); err != nil {
			return sent, err
		}
	}
	if err := do("run-allocation", RoundID, office, domain.RunAllocation{RoundID: RoundID}); err != nil {
		return sent, err
	}
	return sent, nil
}
