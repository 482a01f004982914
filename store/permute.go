package store

import (
	"crypto/sha256"
	"encoding/binary"
	"math/bits"
)

// permute returns the position of the n-th allocation of a list of size
// entries: a pseudorandom permutation of [0, size) keyed by the list's
// secret key (a Feistel network over the smallest even number of bits
// that holds size, cycle-walking until the value falls below size). A
// list allocates its n-th index as permute(key, size, n) for n = 0, 1, ...,
// so indexes come in a random order, and a counter that only grows is
// enough to never hand the same index out twice.
func permute(key []byte, size, n int) int {
	if size <= 1 {
		return 0
	}
	w := bits.Len(uint(size - 1))
	half := (w + 1) / 2
	mask := uint64(1)<<half - 1
	x := uint64(n)
	for {
		l, r := x>>half, x&mask
		for round := range feistelRounds {
			l, r = r, l^(roundFunc(key, round, r)&mask)
		}
		x = l<<half | r
		if x < uint64(size) {
			return int(x)
		}
	}
}

const feistelRounds = 6

// roundFunc is the Feistel round function: SHA-256 over the key, the
// round and the half-block.
func roundFunc(key []byte, round int, r uint64) uint64 {
	var buf [64]byte
	n := copy(buf[:], key)
	buf[n] = byte(round)
	binary.BigEndian.PutUint64(buf[n+1:], r)
	sum := sha256.Sum256(buf[:n+9])
	return binary.BigEndian.Uint64(sum[:8])
}
