// Package store keeps an issuer's state so that it survives restarts and
// can be shared by several processes: the credentials issued (id,
// recipient reference, achievement, format, status entries, time, the
// signed bytes; never a private key), status list pools and lists (purpose,
// size, version, the signed list and its ETag), status index allocation,
// revocation and suspension by credential id, idempotency keys, and a
// lease per list so that one [Publisher] re-signs it once per burst of
// changes.
//
// [Open] takes a file name (SQLite through the pure-Go modernc.org/sqlite:
// no cgo, WAL, synchronous=FULL, a busy timeout; safe for several
// goroutines and several processes on one machine) or a postgres:// URL
// (PostgreSQL through pgx: several processes on several machines). The
// schema is migrated on Open; a schema newer than the program is refused.
//
// The order of issuing with a store, so that a crash never leaves a signed
// credential the store does not know (state written before it is acted
// on):
//
//  1. Reserve: the credential's id and status entries are recorded (with
//     the request's idempotency key: a retried request gets its first
//     credential back, Replayed set, and is not issued twice);
//  2. write [Entry.Status] into the credential and sign it;
//  3. Complete: the signed bytes are stored; return the Completed bytes.
//
// Indexes come from a pool's current list in a random order (a keyed
// permutation of the list's positions, walked by a counter): atomically,
// never twice, never reused after a crash; a new list of the pool is made
// when one is full. Concurrent calls of Reserve, Complete and SetStatus
// are merged into one transaction (group commit), so that throughput grows
// with the number of concurrent callers; a batch passes many reservations
// to one call.
//
// Errors match the sentinels of this package; a database that is down,
// busy, full or read-only gives an error matching [ErrUnavailable] (a
// server answers 503), and nothing of that call is recorded.
package store
