//go:build race

package proof

// raceEnabled: the race detector is on, which slows everything about
// tenfold and makes sync.Pool drop entries at random.
const raceEnabled = true
