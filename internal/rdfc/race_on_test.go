//go:build race

package rdfc

// raceSlowdown stretches wall-clock bounds in tests: the race detector
// makes this code several times slower.
const raceSlowdown = 10
