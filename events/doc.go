// Package events is the published contract between the services and the read
// side: the envelope every recorded event travels in, the registry that maps
// event type names to Go payloads, the upcasters that read old versions, and
// the marking of fields that hold personal data.
//
// Services and projections depend on this module and never on each other. An
// event type is never renamed or repurposed: a change adds a new version
// (".v2") and an upcaster from the old one, with a golden fixture for every
// version ever recorded.
package events
