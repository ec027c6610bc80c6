package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/veilhq/veil/store"
)

// Interface guard.
var _ store.Store = (*Store)(nil)

// Options tune the pool and the store. The zero value is usable: every
// zero field takes the default named in its comment.
type Options struct {
	// MaxConns caps the pool (default 10). Each replica holds at most this
	// many connections; size it so replicas × MaxConns stays under the
	// server's max_connections.
	MaxConns int32
	// MinConns kept open when idle (default 0).
	MinConns int32
	// MaxConnLifetime recycles connections (default 30m), so a failover or
	// a rebalanced pooler is picked up.
	MaxConnLifetime time.Duration
	// MaxConnIdleTime closes idle connections (default 5m).
	MaxConnIdleTime time.Duration
	// ConnectTimeout bounds establishing one connection (default 5s).
	ConnectTimeout time.Duration
	// QueryTimeout bounds every query or transaction (default 5s). A
	// caller's earlier deadline wins.
	QueryTimeout time.Duration
	// MigrateTimeout bounds Migrate (default 10m: index builds can be slow).
	MigrateTimeout time.Duration
	// Schema, when set, is where Veil's tables live: the connection's
	// search_path becomes "<Schema>, public" (public for the vector type).
	// The schema must exist. Empty keeps the server's search_path.
	Schema string
	// VectorDim is the embedding dimension that gets an HNSW cosine index
	// on intent_vectors at Migrate (default 0: no index; vectors of any
	// dimension can still be stored and searched exactly).
	VectorDim int
	// PurgeBatch is how many rows one DELETE of Purge removes (default 1000);
	// Purge repeats until nothing is due, keeping each transaction short.
	PurgeBatch int
	// Now is the clock for times the store assigns: lease expiries, outbox
	// and key creation times. Default (nil): the database server's clock,
	// so replicas with skewed clocks still agree on leases. Tests set it.
	Now func() time.Time
}

func (o *Options) setDefaults() {
	if o.MaxConns <= 0 {
		o.MaxConns = 10
	}
	if o.MaxConnLifetime <= 0 {
		o.MaxConnLifetime = 30 * time.Minute
	}
	if o.MaxConnIdleTime <= 0 {
		o.MaxConnIdleTime = 5 * time.Minute
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = 5 * time.Second
	}
	if o.QueryTimeout <= 0 {
		o.QueryTimeout = 5 * time.Second
	}
	if o.MigrateTimeout <= 0 {
		o.MigrateTimeout = 10 * time.Minute
	}
	if o.PurgeBatch <= 0 {
		o.PurgeBatch = 1000
	}
}

// Store is a store.Store on a PostgreSQL connection pool. It is safe for
// concurrent use, also by several processes on one database.
type Store struct {
	pool *pgxpool.Pool
	opts Options
}

// Open parses url (a postgres:// URL or key=value DSN), builds a pool with
// opts and checks that the server answers. It does not migrate: call
// Migrate, or CheckSchema to refuse an unmigrated database.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	opts.setDefaults()
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's message may echo the URL, password included: keep it out.
		return nil, errors.New("postgres: parse database url: invalid connection string")
	}
	cfg.MaxConns = opts.MaxConns
	cfg.MinConns = opts.MinConns
	cfg.MaxConnLifetime = opts.MaxConnLifetime
	cfg.MaxConnLifetimeJitter = opts.MaxConnLifetime / 10
	cfg.MaxConnIdleTime = opts.MaxConnIdleTime
	cfg.HealthCheckPeriod = time.Minute
	cfg.ConnConfig.ConnectTimeout = opts.ConnectTimeout
	if cfg.ConnConfig.RuntimeParams == nil {
		cfg.ConnConfig.RuntimeParams = map[string]string{}
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = "veil"
	}
	if opts.Schema != "" {
		cfg.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{opts.Schema}.Sanitize() + ", public"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open pool: %w", err)
	}
	s := &Store{pool: pool, opts: opts}
	pctx, cancel := s.timeout(ctx)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	return s, nil
}

// Pool exposes the connection pool, for callers that need a query the store
// does not offer (health checks, advisory locks).
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Close closes the pool, waiting for connections in use to be returned.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// timeout bounds ctx by QueryTimeout.
func (s *Store) timeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.opts.QueryTimeout)
}

// inTx runs fn in one transaction under the query deadline.
// fn must use the ctx it is given, which carries the deadline.
func (s *Store) inTx(ctx context.Context, fn func(ctx context.Context, tx pgx.Tx) error) error {
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return fn(ctx, tx) })
}

// exec runs one statement under the query deadline.
func (s *Store) exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	return s.pool.Exec(ctx, sql, args...)
}

// now is the injected clock's time, or nil so that SQL written as
// coalesce($n::timestamptz, now()) uses the server's clock.
func (s *Store) now() *time.Time {
	if s.opts.Now == nil {
		return nil
	}
	t := s.opts.Now()
	return &t
}

// utc normalizes a time read from the database.
func utc(t time.Time) time.Time { return t.UTC() }

// notFound maps pgx.ErrNoRows to store.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}
