package domain_test

import (
	"testing"

	"wsms/mentoring/app"
	"wsms/mentoring/domain"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

func TestTheFacultyOrTheOfficeRecordsMentorTraining(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		m      decider.Meta
		change func(*domain.RecordMentorTraining)
	}{
		{"level I by the faculty", faculty, func(*domain.RecordMentorTraining) {}},
		{"level II by the office", office, func(c *domain.RecordMentorTraining) { c.Level, c.Course = "II", "Supportive supervisor" }},
		{"without expiry", faculty, func(c *domain.RecordMentorTraining) { c.ExpiresOn = "" }},
		{"expiring the day it was completed", faculty, func(c *domain.RecordMentorTraining) { c.ExpiresOn = c.CompletedOn }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := training()
			tc.change(&c)
			got, err := app.RecordMentorTraining.Run(nil, c, tc.m)
			thenEvents(t, got, err, trained(c))
		})
	}
	thenForbiddenTo(t, actorsBut(faculty, office), func(m decider.Meta) ([]any, error) {
		return app.RecordMentorTraining.Run(nil, training(), m)
	})
}

func TestRecordingTrainingRefusesMalformedCertificates(t *testing.T) {
	t.Parallel()
	thenEachInvalid(t, nil, app.RecordMentorTraining, training, faculty, []invalid[domain.RecordMentorTraining]{
		{"no teacher", func(c *domain.RecordMentorTraining) { c.TeacherID = "" }, "teacherId", "required"},
		{"teacher not a UUID", func(c *domain.RecordMentorTraining) { c.TeacherID = "T-123" }, "teacherId", "uuid"},
		{"school not a UUID", func(c *domain.RecordMentorTraining) { c.SchoolID = "St Clare's" }, "schoolId", "uuid"},
		{"no course", func(c *domain.RecordMentorTraining) { c.Course = "" }, "course", "required"},
		{"long course", func(c *domain.RecordMentorTraining) { c.Course = long(301) }, "course", "max_length"},
		{"level III", func(c *domain.RecordMentorTraining) { c.Level = "III" }, "level", "one_of"},
		{"level in lower case", func(c *domain.RecordMentorTraining) { c.Level = "i" }, "level", "one_of"},
		{"no level", func(c *domain.RecordMentorTraining) { c.Level = "" }, "level", "one_of"},
		{"no issuer", func(c *domain.RecordMentorTraining) { c.Issuer = " " }, "issuer", "required"},
		{"no certificate", func(c *domain.RecordMentorTraining) { c.CertificateID = "" }, "certificateId", "required"},
		{"long certificate", func(c *domain.RecordMentorTraining) { c.CertificateID = long(101) }, "certificateId", "max_length"},
		{"completion not a date", func(c *domain.RecordMentorTraining) { c.CompletedOn = "30/06/2027" }, "completedOn", "date"},
		{"no completion", func(c *domain.RecordMentorTraining) { c.CompletedOn = "" }, "completedOn", "date"},
		{"expiry not a date", func(c *domain.RecordMentorTraining) { c.ExpiresOn = "2030-02-30" }, "expiresOn", "date"},
		{"expiring before completion", func(c *domain.RecordMentorTraining) { c.ExpiresOn = "2027-06-29" }, "expiresOn", "after_completed"},
	})
}

func TestACertificateIsRecordedOnce(t *testing.T) {
	t.Parallel()
	given := []any{trained(training())}
	t.Run("the same certificate again", func(t *testing.T) {
		t.Parallel()
		got, err := app.RecordMentorTraining.Run(given, training(), office)
		thenRefused(t, got, err, errs.Conflict)
	})
	t.Run("another certificate", func(t *testing.T) {
		t.Parallel()
		c := training()
		c.CertificateID, c.Level = "SS-2028-0007", "II"
		got, err := app.RecordMentorTraining.Run(given, c, office)
		thenEvents(t, got, err, trained(c))
	})
}
