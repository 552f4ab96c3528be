package app

import (
	"context"

	"wsms/placement/domain"
	"wsms/platform/command"
	"wsms/platform/decider"
)

// OfferPlaces records a school's offer in a round, weighed against the
// round's deadline and the school's agreement and mentors.
var OfferPlaces = command.UseCase[domain.Offer, domain.OfferPlaces]{
	Handler: decider.Handler[domain.Offer, domain.OfferPlaces]{
		Name: "offer-places",
		Stream: func(c domain.OfferPlaces) (string, error) {
			return streamOf(offer, "roundId", c.RoundID, "schoolId", c.SchoolID)
		},
		Evolve: domain.EvolveOffer, Decide: domain.DecideOfferPlaces,
	},
	Prepare: func(ctx context.Context, r command.Reader, c domain.OfferPlaces) (domain.OfferPlaces, error) {
		var err error
		if c.Round, err = roundOf(ctx, r, c.RoundID); err != nil {
			return c, err
		}
		c.School, err = schoolOf(ctx, r, c.SchoolID)
		return c, err
	},
}

// WithdrawOffer withdraws a school's offer before the offer deadline.
var WithdrawOffer = command.UseCase[domain.Offer, domain.WithdrawOffer]{
	Handler: decider.Handler[domain.Offer, domain.WithdrawOffer]{
		Name: "withdraw-offer",
		Stream: func(c domain.WithdrawOffer) (string, error) {
			return streamOf(offer, "roundId", c.RoundID, "schoolId", c.SchoolID)
		},
		Evolve: domain.EvolveOffer, Decide: domain.DecideWithdrawOffer,
	},
	Prepare: func(ctx context.Context, r command.Reader, c domain.WithdrawOffer) (domain.WithdrawOffer, error) {
		var err error
		c.Round, err = roundOf(ctx, r, c.RoundID)
		return c, err
	},
}
