//go:build race

package vc

// raceSlowdown stretches wall-clock bounds in tests: the race detector
// makes this code several times slower.
const raceSlowdown = 10
