// Package pgtest gives tests of other packages a migrated PostgreSQL store
// in a schema of its own, dropped when the test ends.
//
// The server is named by VEIL_TEST_DATABASE_URL (scripts/test.sh sets it).
// When it is unset the test fails if the CI variable is set, and is
// skipped otherwise: a PostgreSQL test never silently skips in CI.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/veilhq/veil/store/postgres"
)

// URL returns the test database URL, or ends the test as described above.
func URL(t testing.TB) string {
	t.Helper()
	url := os.Getenv("VEIL_TEST_DATABASE_URL")
	if url == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("VEIL_TEST_DATABASE_URL is not set: run the tests with scripts/test.sh")
		}
		t.Skip("VEIL_TEST_DATABASE_URL is not set (scripts/test.sh sets it)")
	}
	return url
}

// Schema creates a fresh schema, dropped at the end of the test.
func Schema(t testing.TB) string {
	t.Helper()
	url := URL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS vector SCHEMA public`); err != nil {
		t.Fatalf("pgtest: create extension vector: %v", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "veiltest_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Fatalf("pgtest: create schema: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), url)
		if err != nil {
			t.Errorf("pgtest: connect: %v", err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), `DROP SCHEMA `+pgx.Identifier{schema}.Sanitize()+` CASCADE`); err != nil {
			t.Errorf("pgtest: drop schema %s: %v", schema, err)
		}
	})
	return schema
}

// Open opens a store on schema (migrated by the first caller). The caller
// closes it (App.Close does).
func Open(t testing.TB, schema string, opts postgres.Options) *postgres.Store {
	t.Helper()
	opts.Schema = schema
	s, err := postgres.Open(context.Background(), URL(t), opts)
	if err != nil {
		t.Fatalf("pgtest: open: %v", err)
	}
	if err := s.Migrate(context.Background()); err != nil {
		s.Close()
		t.Fatalf("pgtest: migrate: %v", err)
	}
	return s
}
