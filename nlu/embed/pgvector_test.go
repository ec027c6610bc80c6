package embed_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"math"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/veilhq/veil/nlu"
	"github.com/veilhq/veil/nlu/embed"
	"github.com/veilhq/veil/store/postgres"
	"github.com/veilhq/veil/store/postgres/pgtest"
)

// pgStore opens a migrated store in a fresh schema of its own, dropped
// with everything in it when the test ends.
func pgStore(t *testing.T, dim int) *postgres.Store {
	t.Helper()
	url := pgtest.URL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect to VEIL_TEST_DATABASE_URL: %v", err)
	}
	defer conn.Close(ctx)
	// In public, so every test schema's search_path finds the type; an
	// existing extension is left alone.
	if _, err := conn.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS vector SCHEMA public`); err != nil {
		t.Fatalf("create extension vector: %v", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "veiltest_embed_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), url)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), `DROP SCHEMA `+pgx.Identifier{schema}.Sanitize()+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	st, err := postgres.Open(ctx, url, postgres.Options{Schema: schema, VectorDim: dim})
	if err != nil {
		t.Fatalf("postgres.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return st
}

func TestPostgresIndexRoundTrip(t *testing.T) {
	t.Parallel()
	const dim = 256
	st := pgStore(t, dim)
	ctx := t.Context()

	// The HNSW cosine index for this dimension exists.
	var n int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema()
		AND tablename = 'intent_vectors' AND indexdef ILIKE '%hnsw%vector_cosine_ops%'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("HNSW cosine indexes = %d, %v; want 1", n, err)
	}

	pg, err := embed.NewPostgres(st, "local-256/shop")
	if err != nil {
		t.Fatal(err)
	}
	other, _ := embed.NewPostgres(st, "other-model")
	if err := other.Replace(ctx, []embed.Vector{{Intent: "intruder", Example: "x", Vector: unit(dim, 0)}}); err != nil {
		t.Fatal(err)
	}

	t.Run("RawVectors", func(t *testing.T) {
		vs := []embed.Vector{
			{Intent: "a", Example: "first", Vector: unit(dim, 0)},
			{Intent: "b", Example: "second", Vector: unit(dim, 1)},
		}
		if err := pg.Replace(ctx, vs); err != nil {
			t.Fatalf("Replace: %v", err)
		}
		got, err := pg.Nearest(ctx, unit(dim, 0), 5)
		if err != nil {
			t.Fatalf("Nearest: %v", err)
		}
		if len(got) != 2 || got[0].Intent != "a" || got[0].Example != "first" || math.Abs(got[0].Score-1) > 1e-6 {
			t.Errorf("Nearest = %+v, want a/first with score 1, then b (and no other model's vectors)", got)
		}
		if err := pg.Replace(ctx, []embed.Vector{{Intent: "a", Vector: []float32{1}}, {Intent: "b", Vector: []float32{1, 2}}}); err == nil {
			t.Error("Replace accepted mixed dimensions")
		}
	})

	t.Run("ClassifierSameAnswersAsMemory", func(t *testing.T) {
		// Both classifiers need their own Local: Fit is per embedder.
		onPG, err := embed.New(embed.NewLocal(dim), pg, embed.Config{})
		if err != nil {
			t.Fatal(err)
		}
		inMem, _ := embed.New(embed.NewLocal(dim), embed.NewMemory(), embed.Config{})
		for _, c := range []nlu.Trainer{onPG, inMem} {
			if err := c.Train(ctx, shop); err != nil {
				t.Fatalf("Train: %v", err)
			}
		}
		for _, q := range shopQueries {
			a, err := onPG.Parse(ctx, q.text)
			if err != nil {
				t.Fatalf("Parse on postgres: %v", err)
			}
			b, _ := inMem.Parse(ctx, q.text)
			if a.Top().Name != q.want {
				t.Errorf("postgres Parse(%q) = %+v, want %s", q.text, a.Intents, q.want)
			}
			if a.Top().Name != b.Top().Name || math.Abs(a.Top().Confidence-b.Top().Confidence) > 1e-4 {
				t.Errorf("Parse(%q): postgres %+v, memory %+v; want the same top", q.text, a.Top(), b.Top())
			}
		}
	})

	if _, err := embed.NewPostgres(st, ""); err == nil {
		t.Error("NewPostgres with an empty model key succeeded")
	}
}

func unit(dim, i int) []float32 {
	v := make([]float32, dim)
	v[i] = 1
	return v
}
