package embed

import (
	"context"
	"errors"
	"fmt"

	"github.com/veilhq/veil/store/postgres"
)

// Interface guards.
var _ Index = (*Postgres)(nil)

// Postgres is an Index in PostgreSQL with pgvector: the intent_vectors
// table of store/postgres, one set of vectors per model key. With an HNSW
// cosine index for the embedding dimension (postgres.Options.VectorDim at
// Migrate) the search is approximate and fast; without, it is an exact scan.
type Postgres struct {
	store *postgres.Store
	model string
}

// NewPostgres returns an index over st's intent vectors under model, a key
// naming the embedder and the training set (e.g. "openai/text-embedding-3-small"
// or "local-1024/shop-bot"): vectors of different models never mix.
func NewPostgres(st *postgres.Store, model string) (*Postgres, error) {
	if st == nil {
		return nil, errors.New("embed: postgres index: nil store")
	}
	if model == "" {
		return nil, errors.New("embed: postgres index: empty model key")
	}
	return &Postgres{store: st, model: model}, nil
}

// Replace implements Index, in one transaction.
func (p *Postgres) Replace(ctx context.Context, vs []Vector) error {
	if _, err := checkDims(vs); err != nil {
		return fmt.Errorf("embed: postgres index: %w", err)
	}
	rows := make([]postgres.IntentVector, len(vs))
	for i, v := range vs {
		rows[i] = postgres.IntentVector{Intent: v.Intent, Example: v.Example, Vector: v.Vector}
	}
	if err := p.store.PutIntentVectors(ctx, p.model, rows); err != nil {
		return fmt.Errorf("embed: %w", err)
	}
	return nil
}

// Nearest implements Index.
func (p *Postgres) Nearest(ctx context.Context, v []float32, k int) ([]Match, error) {
	ms, err := p.store.NearestIntents(ctx, p.model, v, k)
	if err != nil {
		return nil, fmt.Errorf("embed: %w", err)
	}
	out := make([]Match, len(ms))
	for i, m := range ms {
		out[i] = Match{Intent: m.Intent, Example: m.Example, Score: m.Score}
	}
	return out, nil
}
