// Package storetest is a conformance suite for implementations of
// store.Store. An implementation's test calls Run with a function that opens
// a fresh, empty store:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store {
//			s, err := bolt.Open(filepath.Join(t.TempDir(), "veil.db"), bolt.Options{})
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// Every subtest calls open once and expects an empty store: Pending, Purge
// counts and the like are checked exactly. open owns cleanup (register Close
// with t.Cleanup); Run never closes the store.
//
// The suite pins down points store.go leaves implicit, so that every
// implementation behaves the same:
//
//   - A message ID's "seen" time is the item's Received time; Purge forgets
//     IDs with Received before now minus the dedupe window, but never the ID
//     of an item that is still pending.
//   - Expiry is strict: an item whose Expires equals now survives Purge.
//   - Records are ordered by At, ties in append order.
//   - PutEntry with a conversation and token already present replaces that
//     entry (its old blind index no longer finds it).
//   - Reads of absent collections (history, pending, entries, records)
//     return an empty result and no error; DeleteKey, DeleteState and
//     Complete of something absent return nil.
//   - Times come back equal (time.Time.Equal) to what was stored, at
//     microsecond precision; the suite only uses whole seconds.
package storetest
