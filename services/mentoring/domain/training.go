package domain

import (
	"slices"

	"wsms/events"
	"wsms/events/mentoring"
	ep "wsms/events/placement"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

// MentorTraining is a teacher's completed mentor training.
type MentorTraining struct {
	certificates []string
}

// TrainingStream names the stream of a teacher's mentor training.
func TrainingStream(teacherID string) string { return "training-" + teacherID }

// EvolveMentorTraining applies a training event.
func EvolveMentorTraining(t MentorTraining, e any) MentorTraining {
	if e, ok := e.(mentoring.MentorTrainingRecorded); ok {
		t.certificates = append(slices.Clip(t.certificates), e.CertificateID)
	}
	return t
}

// RecordMentorTraining asks to record a completed mentor training course.
type RecordMentorTraining struct {
	TeacherID     string  `json:"teacherId"`
	SchoolID      string  `json:"schoolId"`
	Course        string  `json:"course"`
	Level         string  `json:"level"`
	Issuer        string  `json:"issuer"`
	CompletedOn   ep.Date `json:"completedOn"`
	CertificateID string  `json:"certificateId"`
	ExpiresOn     ep.Date `json:"expiresOn"`
}

// DecideRecordMentorTraining lets the faculty or the office record a
// certificate once.
func DecideRecordMentorTraining(t MentorTraining, c RecordMentorTraining, m decider.Meta) ([]any, error) {
	if m.Actor.Role != events.RoleFaculty && m.Actor.Role != events.RoleOffice {
		return nil, errs.Newf(errs.Forbidden, "only the faculty or the partnership office records mentor training")
	}
	var v errs.Check
	v.UUID("teacherId", c.TeacherID)
	v.UUID("schoolId", c.SchoolID)
	v.Required("course", c.Course)
	v.MaxLength("course", c.Course, 300)
	v.OneOf("level", c.Level, "I", "II")
	v.Required("issuer", c.Issuer)
	v.Required("certificateId", c.CertificateID)
	v.MaxLength("certificateId", c.CertificateID, 100)
	completed := day(&v, "completedOn", c.CompletedOn)
	if c.ExpiresOn != "" {
		if expires := day(&v, "expiresOn", c.ExpiresOn); !completed.IsZero() && !expires.IsZero() && expires.Before(completed) {
			v.Add(errs.Invalid("expiresOn", "after_completed", "expires before it was completed (%s)", c.CompletedOn))
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if slices.Contains(t.certificates, c.CertificateID) {
		return nil, errs.Newf(errs.Conflict, "certificate %s is already recorded for this teacher", c.CertificateID)
	}
	return []any{mentoring.MentorTrainingRecorded{TeacherID: c.TeacherID, SchoolID: c.SchoolID, Course: c.Course, Level: c.Level,
		Issuer: c.Issuer, CompletedOn: c.CompletedOn, CertificateID: c.CertificateID, ExpiresOn: c.ExpiresOn}}, nil
}
