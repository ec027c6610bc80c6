// Package postgres implements store.Store on PostgreSQL with the pgvector
// extension, for Veil deployments with several replicas on one database.
//
// Open connects a pool; Migrate applies the SQL migrations embedded in the
// binary (migrations/NNNN_name.sql, recorded in schema_migrations);
// CheckSchema tells `veil serve` whether the database matches the binary:
//
//	s, err := postgres.Open(ctx, os.Getenv("VEIL_DATABASE_URL"), postgres.Options{})
//	if err != nil {
//		return err
//	}
//	defer s.Close()
//	if err := s.CheckSchema(ctx); err != nil {
//		return err // "database schema is at version 0, this binary needs 1: run `veil migrate up`"
//	}
//
// Every query runs under a deadline (Options.QueryTimeout, unless the
// caller's context has an earlier one). Steps that change several tables
// (Accept, EraseSubject) run in one transaction.
//
// Beyond store.Store the package offers what only a shared database needs:
//
//   - inbox leases for workers in many replicas, in per-user order
//     (ClaimInbox, ExtendClaim, ReleaseClaim);
//   - an outbox of replies (CompleteWithReply, EnqueueOutbox, ClaimOutbox,
//     MarkSent, MarkFailed);
//   - one-replica-at-a-time jobs such as the purge timer (WithLeaderLock);
//   - intent vectors with an HNSW cosine index (PutIntentVectors,
//     NearestIntents; the index dimension is Options.VectorDim).
//
// The consent ledger is append-only in the database itself: a trigger
// rejects UPDATE, DELETE and TRUNCATE unless the transaction ran
// `SET LOCAL veil.erasure = 'on'`; migrations/0001_init.sql lists the GRANTs
// that make this hold against the application role too.
//
// Tests run against a real server named by VEIL_TEST_DATABASE_URL (set by
// scripts/test.sh); each test works in its own schema (Options.Schema).
package postgres
