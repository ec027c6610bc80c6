package postgres

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
)

// tables is every table the migrations must create.
var tables = []string{
	"schema_migrations", "consent_ledger", "seen_messages", "inbox", "subject_keys",
	"vault_entries", "records", "dialog_states", "intent_vectors", "outbox",
	"audit_log",
}

func TestMigrationsEmbedded(t *testing.T) {
	ms, err := Migrations()
	if err != nil {
		t.Fatalf("Migrations: %v", err)
	}
	if len(ms) == 0 {
		t.Fatal("no migrations embedded")
	}
	for i, m := range ms {
		if m.Version != i+1 {
			t.Errorf("migration %d (%s) has version %d", i, m.Name, m.Version)
		}
		if strings.TrimSpace(m.SQL) == "" {
			t.Errorf("migration %s is empty", m.Name)
		}
	}
	if got := LatestVersion(); got != ms[len(ms)-1].Version {
		t.Errorf("LatestVersion = %d, want %d", got, ms[len(ms)-1].Version)
	}
}

func TestMigrateUpFromEmpty(t *testing.T) {
	t.Parallel()
	s := openIn(t, newSchema(t), Options{})
	ctx := t.Context()
	latest := LatestVersion()

	cur, lat, err := s.MigrationStatus(ctx)
	if err != nil || cur != 0 || lat != latest {
		t.Fatalf("MigrationStatus before = %d, %d, %v; want 0, %d, nil", cur, lat, err, latest)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	cur, lat, err = s.MigrationStatus(ctx)
	if err != nil || cur != latest || lat != latest {
		t.Fatalf("MigrationStatus after = %d, %d, %v; want %d, %d, nil", cur, lat, err, latest, latest)
	}
	for _, tbl := range tables {
		var ok bool
		if err := s.pool.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, tbl).Scan(&ok); err != nil || !ok {
			t.Errorf("table %s missing after Migrate (err %v)", tbl, err)
		}
	}

	t.Run("Idempotent", func(t *testing.T) {
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("second Migrate: %v", err)
		}
		applied, err := s.AppliedMigrations(ctx)
		if err != nil {
			t.Fatalf("AppliedMigrations: %v", err)
		}
		ms, _ := Migrations()
		if len(applied) != len(ms) {
			t.Fatalf("AppliedMigrations has %d rows, want %d", len(applied), len(ms))
		}
		for i, a := range applied {
			if a.Version != ms[i].Version || a.Name != ms[i].Name || a.AppliedAt.IsZero() {
				t.Errorf("applied[%d] = %+v, want version %d name %s", i, a, ms[i].Version, ms[i].Name)
			}
		}
	})
}

func TestMigrateConcurrentReplicas(t *testing.T) {
	t.Parallel()
	schema := newSchema(t)
	const replicas = 4
	stores := make([]*Store, replicas)
	for i := range stores {
		stores[i] = openIn(t, schema, Options{})
	}
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	for i, s := range stores {
		wg.Go(func() { errs[i] = s.Migrate(context.Background()) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent Migrate: %v", err)
	}
	var n int
	if err := stores[0].pool.QueryRow(t.Context(), `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != LatestVersion() {
		t.Errorf("schema_migrations has %d rows, want %d (each migration once)", n, LatestVersion())
	}
}

func TestCheckSchema(t *testing.T) {
	t.Parallel()
	latest := LatestVersion()
	tests := []struct {
		name    string
		prepare func(t *testing.T, s *Store)
		wantErr error
		wantMsg string
	}{
		{"Unmigrated", func(*testing.T, *Store) {}, ErrSchemaOutdated, "run `veil migrate up`"},
		{"Migrated", migrate, nil, ""},
		{"Newer", func(t *testing.T, s *Store) {
			migrate(t, s)
			if _, err := s.pool.Exec(t.Context(), `INSERT INTO schema_migrations (version, name) VALUES ($1, 'from_the_future')`, latest+1); err != nil {
				t.Fatal(err)
			}
		}, ErrSchemaNewer, "deploy the newer veil"},
		{"Behind", func(t *testing.T, s *Store) {
			migrate(t, s)
			if _, err := s.pool.Exec(t.Context(), `DELETE FROM schema_migrations WHERE version = $1`, latest); err != nil {
				t.Fatal(err)
			}
		}, ErrSchemaOutdated, "run `veil migrate up`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := openIn(t, newSchema(t), Options{})
			tt.prepare(t, s)
			err := s.CheckSchema(t.Context())
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("CheckSchema = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("CheckSchema = %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("CheckSchema message %q does not say %q", err, tt.wantMsg)
			}
		})
	}

	t.Run("MigrateRefusesNewer", func(t *testing.T) {
		t.Parallel()
		s := openIn(t, newSchema(t), Options{})
		migrate(t, s)
		if _, err := s.pool.Exec(t.Context(), `INSERT INTO schema_migrations (version, name) VALUES ($1, 'from_the_future')`, latest+1); err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(t.Context()); !errors.Is(err, ErrSchemaNewer) {
			t.Errorf("Migrate on a newer schema = %v, want ErrSchemaNewer", err)
		}
	})
}

func migrate(t *testing.T, s *Store) {
	t.Helper()
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
}
