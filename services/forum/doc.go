// Package forum is the partnership-forum service: the annual forum, its
// sessions, registrations and attendance, shared practice, feedback surveys
// and expressions of interest from prospective schools. Its deciders and
// endpoints arrive with the forum issue; the module exists so that the
// workspace has its final shape.
package forum
