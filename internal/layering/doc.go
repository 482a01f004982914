// Package layering holds the test that keeps the module's imports one way:
// did <- vc <- proof <- status <- badge <- the families and services above
// it. It has no code of its own.
package layering
