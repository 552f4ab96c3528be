// Package app holds the placement service's use cases, one file each: the
// command, the stream it addresses, the facts it gathers from other
// records, and the pure decision it runs.
package app

import (
	"context"
	"strings"

	"wsms/placement/domain"
	"wsms/platform/command"
	"wsms/platform/errs"
)

// streamOf names the stream of the records whose ids are given as field and
// value pairs, once every id is a UUID: ids end up in stream names, so none
// may smuggle in another stream's name.
func streamOf(name func(ids ...string) string, fieldsAndIDs ...string) (string, error) {
	var v errs.Check
	ids := make([]string, 0, len(fieldsAndIDs)/2)
	for i := 0; i+1 < len(fieldsAndIDs); i += 2 {
		v.UUID(fieldsAndIDs[i], fieldsAndIDs[i+1])
		ids = append(ids, fieldsAndIDs[i+1])
	}
	return name(ids...), v.Err()
}

func school(ids ...string) string  { return domain.SchoolStream(ids[0]) }
func round(ids ...string) string   { return domain.RoundStream(ids[0]) }
func offer(ids ...string) string   { return domain.OfferStream(ids[0], ids[1]) }
func student(ids ...string) string { return domain.StudentStream(ids[0], ids[1]) }

// roundOf is the current state of a round.
func roundOf(ctx context.Context, r command.Reader, id string) (domain.Round, error) {
	return command.Fold(ctx, r, domain.EvolveRound, domain.RoundStream(id))
}

// schoolOf is the current state of a school.
func schoolOf(ctx context.Context, r command.Reader, id string) (domain.School, error) {
	return command.Fold(ctx, r, domain.EvolveSchool, domain.SchoolStream(id))
}

// poolOf gathers what an allocation of the round weighs: every offer, every
// student-teacher, and the school behind each offer.
func poolOf(ctx context.Context, r command.Reader, roundID string) (domain.Pool, error) {
	p := domain.Pool{Offers: map[string]domain.Offer{}, Students: map[string]domain.StudentTeacher{}, Schools: map[string]domain.School{}}
	offers, err := r.EventsByStream(ctx, domain.OfferStreamPrefix(roundID))
	if err != nil {
		return p, err
	}
	for stream, evs := range offers {
		id := strings.TrimPrefix(stream, domain.OfferStreamPrefix(roundID))
		var o domain.Offer
		for _, e := range evs {
			o = domain.EvolveOffer(o, e)
		}
		p.Offers[id] = o
		if p.Schools[id], err = schoolOf(ctx, r, id); err != nil {
			return p, err
		}
	}
	students, err := r.EventsByStream(ctx, domain.StudentStreamPrefix(roundID))
	if err != nil {
		return p, err
	}
	for stream, evs := range students {
		var s domain.StudentTeacher
		for _, e := range evs {
			s = domain.EvolveStudentTeacher(s, e)
		}
		p.Students[strings.TrimPrefix(stream, domain.StudentStreamPrefix(roundID))] = s
	}
	return p, nil
}
