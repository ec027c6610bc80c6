package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
)

// testURL returns VEIL_TEST_DATABASE_URL. Without it the test fails in CI
// (scripts/test.sh always sets it) and is skipped elsewhere.
func testURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("VEIL_TEST_DATABASE_URL")
	if u == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("VEIL_TEST_DATABASE_URL is not set (run the tests with scripts/test.sh)")
		}
		t.Skip("VEIL_TEST_DATABASE_URL is not set; scripts/test.sh sets it up")
	}
	return u
}

var extOnce sync.Once

// adminConn opens a plain connection to the test database.
func adminConn(t testing.TB) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), testURL(t))
	if err != nil {
		t.Fatalf("connect to VEIL_TEST_DATABASE_URL: %v", err)
	}
	return conn
}

// newSchema creates an empty schema with a random name, dropped (with
// everything in it) when the test ends, so tests run in parallel and leave
// nothing behind.
func newSchema(t testing.TB) string {
	t.Helper()
	conn := adminConn(t)
	defer conn.Close(context.Background())
	var extErr error
	extOnce.Do(func() {
		// In public, so every test schema's search_path finds the type.
		_, extErr = conn.Exec(context.Background(), `CREATE EXTENSION IF NOT EXISTS vector SCHEMA public`)
	})
	if extErr != nil {
		t.Fatalf("create extension vector: %v", extErr)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "veiltest_" + hex.EncodeToString(b)
	if _, err := conn.Exec(context.Background(), `CREATE SCHEMA `+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		c := adminConn(t)
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), `DROP SCHEMA `+pgx.Identifier{schema}.Sanitize()+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return schema
}

// openIn opens a store on schema, closed when the test ends.
func openIn(t testing.TB, schema string, opts Options) *Store {
	t.Helper()
	opts.Schema = schema
	s, err := Open(context.Background(), testURL(t), opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// openMigrated opens a store on a fresh, migrated schema.
func openMigrated(t testing.TB, opts Options) *Store {
	t.Helper()
	s := openIn(t, newSchema(t), opts)
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return s
}
