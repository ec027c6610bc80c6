package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Migration is one versioned SQL file embedded in the binary.
type Migration struct {
	Version int    // from the file name's numeric prefix, 1, 2, ...
	Name    string // the file name without the .sql extension
	SQL     string
}

// ErrSchemaOutdated means the database lacks migrations this binary needs.
// Run `veil migrate up` (with this binary) before `veil serve`.
var ErrSchemaOutdated = errors.New("postgres: database schema outdated")

// ErrSchemaNewer means a newer binary migrated the database. Deploy a
// binary at least that new; migrations are never applied backwards.
var ErrSchemaNewer = errors.New("postgres: database schema newer than this binary")

// migrationLockID is the advisory lock class Migrate holds, so replicas
// starting together migrate one at a time (the object id is a hash of the
// schema, so separate schemas do not wait on each other).
const migrationLockID = 0x7665696c // "veil"

// Migrations returns the embedded migrations in version order.
func Migrations() ([]Migration, error) {
	files, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("postgres: list migrations: %w", err)
	}
	ms := make([]Migration, 0, len(files))
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".sql")
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("postgres: migration %s: name must be NNNN_name.sql", f)
		}
		b, err := migrationFS.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("postgres: read migration %s: %w", f, err)
		}
		ms = append(ms, Migration{Version: v, Name: name, SQL: string(b)})
	}
	slices.SortFunc(ms, func(a, b Migration) int { return a.Version - b.Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("postgres: migration %s: want version %d (versions must be 1, 2, ... without gaps)", m.Name, i+1)
		}
	}
	return ms, nil
}

// LatestVersion is the highest migration version embedded in the binary.
func LatestVersion() int {
	ms, err := Migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    integer     PRIMARY KEY,
	name       text        NOT NULL,
	applied_at timestamptz NOT NULL DEFAULT now()
)`

// Migrate applies every embedded migration newer than the database's
// version, each in its own transaction together with its schema_migrations
// row, then ensures the HNSW index for Options.VectorDim. It holds an
// advisory lock meanwhile, so concurrent callers wait and then find nothing
// to do. It refuses a database newer than the binary (ErrSchemaNewer).
func (s *Store) Migrate(ctx context.Context) error {
	ms, err := Migrations()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.MigrateTimeout)
	defer cancel()
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1, hashtext(current_schema()))`, migrationLockID); err != nil {
		return fmt.Errorf("postgres: migrate: lock: %w", err)
	}
	defer func() {
		// A fresh context: the lock must be released even when ctx expired.
		uctx, ucancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.QueryTimeout)
		defer ucancel()
		if _, err := conn.Exec(uctx, `SELECT pg_advisory_unlock($1, hashtext(current_schema()))`, migrationLockID); err != nil {
			// The session still holds the lock: drop the connection.
			_ = conn.Conn().Close(uctx)
		}
	}()
	if _, err := conn.Exec(ctx, createMigrationsTable); err != nil {
		return fmt.Errorf("postgres: migrate: create schema_migrations: %w", err)
	}
	var current int
	if err := conn.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("postgres: migrate: read version: %w", err)
	}
	if latest := len(ms); current > latest {
		return fmt.Errorf("%w: it is at version %d, this binary knows up to %d: deploy the newer veil that migrated it", ErrSchemaNewer, current, latest)
	}
	for _, m := range ms[current:] {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			// No arguments: pgx uses the simple protocol, which runs a
			// multi-statement file as is.
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name)
			return err
		})
		if err != nil {
			return fmt.Errorf("postgres: migrate: apply %s: %w", m.Name, err)
		}
	}
	if s.opts.VectorDim > 0 {
		if _, err := conn.Exec(ctx, vectorIndexSQL(s.opts.VectorDim)); err != nil {
			return fmt.Errorf("postgres: migrate: vector index for dimension %d: %w", s.opts.VectorDim, err)
		}
	}
	return nil
}

// MigrationStatus reports the database's schema version (0 when never
// migrated) and the latest version this binary embeds.
func (s *Store) MigrationStatus(ctx context.Context) (current, latest int, err error) {
	latest = LatestVersion()
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	var exists bool
	if err := s.pool.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return 0, latest, fmt.Errorf("postgres: migration status: %w", err)
	}
	if !exists {
		return 0, latest, nil
	}
	if err := s.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return 0, latest, fmt.Errorf("postgres: migration status: %w", err)
	}
	return current, latest, nil
}

// AppliedMigrations lists the migrations recorded in the database, oldest
// first, for `veil migrate status`.
func (s *Store) AppliedMigrations(ctx context.Context) ([]AppliedMigration, error) {
	current, _, err := s.MigrationStatus(ctx)
	if err != nil || current == 0 {
		return nil, err
	}
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT version, name, applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		return nil, fmt.Errorf("postgres: applied migrations: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (AppliedMigration, error) {
		var a AppliedMigration
		err := r.Scan(&a.Version, &a.Name, &a.AppliedAt)
		a.AppliedAt = utc(a.AppliedAt)
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: applied migrations: %w", err)
	}
	return out, nil
}

// CheckSchema returns nil when the database is at exactly the binary's
// schema version; otherwise an error wrapping ErrSchemaOutdated or
// ErrSchemaNewer whose text says what to run. `veil serve` calls it before
// accepting traffic.
func (s *Store) CheckSchema(ctx context.Context) error {
	current, latest, err := s.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	switch {
	case current < latest:
		return fmt.Errorf("%w: it is at version %d, this binary needs %d: run `veil migrate up`", ErrSchemaOutdated, current, latest)
	case current > latest:
		return fmt.Errorf("%w: it is at version %d, this binary knows up to %d: deploy the newer veil that migrated it (migrations never run backwards)", ErrSchemaNewer, current, latest)
	}
	return nil
}
