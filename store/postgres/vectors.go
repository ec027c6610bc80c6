package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"
)

// IntentVector is one embedded NLU training example.
type IntentVector struct {
	Intent  string
	Example string // the example's text (training data, never user text)
	Vector  []float32
}

// IntentMatch is a nearest neighbour: Score is the cosine similarity (1 is
// the same direction).
type IntentMatch struct {
	Intent  string
	Example string
	Score   float64
}

// vectorIndexSQL creates the HNSW cosine index for one dimension: a partial
// expression index, as an unconstrained vector column cannot be indexed.
func vectorIndexSQL(dim int) string {
	return fmt.Sprintf(`CREATE INDEX IF NOT EXISTS intent_vectors_hnsw_%d ON intent_vectors
		USING hnsw ((embedding::vector(%d)) vector_cosine_ops) WHERE dim = %d`, dim, dim, dim)
}

// PutIntentVectors replaces every vector of model with vs, in one
// transaction (readers see the old set or the new one). All vectors must
// have one dimension. It runs under Options.MigrateTimeout: with an HNSW
// index each insert costs about a millisecond or two.
func (s *Store) PutIntentVectors(ctx context.Context, model string, vs []IntentVector) error {
	for i, v := range vs {
		if len(v.Vector) == 0 || len(v.Vector) != len(vs[0].Vector) {
			return fmt.Errorf("postgres: put intent vectors: vector %d has dimension %d, want %d (non-zero, all equal)", i, len(v.Vector), len(vs[0].Vector))
		}
	}
	// Training-time work: each insert maintains the HNSW graph, so a large
	// set gets the migration deadline, not the per-query one.
	ctx, cancel := context.WithTimeout(ctx, s.opts.MigrateTimeout)
	defer cancel()
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM intent_vectors WHERE model = $1`, model); err != nil {
			return err
		}
		rows := make([][]any, len(vs))
		for i, v := range vs {
			rows[i] = []any{model, v.Intent, v.Example, pgvector.NewVector(v.Vector).String()}
		}
		// One round trip for the whole set. (COPY would need the vector
		// type registered on the connection, which fails on a database not
		// yet migrated.)
		b := &pgx.Batch{}
		for _, r := range rows {
			b.Queue(`INSERT INTO intent_vectors (model, intent, example, embedding) VALUES ($1, $2, $3, $4::vector)`, r...)
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		// Fresh statistics let the planner choose between the model's
		// B-tree and the HNSW index right away.
		_, err := tx.Exec(ctx, `ANALYZE intent_vectors`)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: put intent vectors: %w", err)
	}
	return nil
}

// NearestIntents returns the k examples of model closest to v by cosine
// distance, best first. With an HNSW index for len(v) (Options.VectorDim)
// the search is approximate and fast; without, it is an exact scan.
func (s *Store) NearestIntents(ctx context.Context, model string, v []float32, k int) ([]IntentMatch, error) {
	if len(v) == 0 || k <= 0 {
		return nil, nil
	}
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	dim := len(v)
	// The dimension is part of the SQL text (an int, not user input) so the
	// planner can match the partial index's predicate and expression.
	// $2 is typed vector (sent as text): a cast of a text parameter would be
	// evaluated per row under a generic plan, parsing the query vector
	// thousands of times.
	q := fmt.Sprintf(`SELECT intent, example, 1 - (embedding::vector(%[1]d) <=> $2::vector) AS score
		FROM intent_vectors WHERE model = $1 AND dim = %[1]d
		ORDER BY embedding::vector(%[1]d) <=> $2::vector LIMIT $3`, dim)
	rows, err := s.pool.Query(ctx, q, model, pgvector.NewVector(v).String(), k)
	if err != nil {
		return nil, fmt.Errorf("postgres: nearest intents: %w", err)
	}
	ms, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (IntentMatch, error) {
		var m IntentMatch
		err := r.Scan(&m.Intent, &m.Example, &m.Score)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: nearest intents: %w", err)
	}
	return ms, nil
}
