// Package e2e holds the end-to-end tests that need every service at once:
// the flows that cross from one service to another through their streams.
package e2e
