// Package bolt is the embedded, single-file store.Store, built on
// go.etcd.io/bbolt. It is the default when no PostgreSQL URL is configured.
//
//	s, err := bolt.Open("/var/lib/veil/veil.db", bolt.Options{})
//	if err != nil {
//		return err
//	}
//	defer s.Close()
//
// Only one process can open the file at a time; a second Open fails after
// Options.Timeout with an error saying the database is locked.
//
// Layout: one bucket per kind plus secondary-index buckets, all keys built
// for the queries that read them (see layout.go). Every change touching more
// than one bucket happens in one bbolt write transaction, so the file never
// holds a half-applied change. Values are JSON.
//
// Purge walks the expiry indexes in time order and stops at the first key
// not yet due, so its cost grows with what it removes, not with what is
// kept (seen IDs of still-pending items are the exception: they are
// rescanned until completed). EraseSubject uses per-subject indexes.
package bolt
