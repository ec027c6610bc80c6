package postgres

import (
	"math"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestNearestIntents(t *testing.T) {
	t.Parallel()
	s := openMigrated(t, Options{VectorDim: 3})
	ctx := t.Context()
	vs := []IntentVector{
		{Intent: "greet", Example: "hello", Vector: []float32{1, 0, 0}},
		{Intent: "greet", Example: "hi there", Vector: []float32{0.9, 0.1, 0}},
		{Intent: "bye", Example: "goodbye", Vector: []float32{0, 1, 0}},
		{Intent: "hours", Example: "when are you open", Vector: []float32{0, 0, 1}},
	}
	if err := s.PutIntentVectors(ctx, "m1", vs); err != nil {
		t.Fatalf("PutIntentVectors: %v", err)
	}
	// Another model's vectors must not leak into m1's results.
	if err := s.PutIntentVectors(ctx, "m2", []IntentVector{{Intent: "other", Vector: []float32{1, 0, 0}}}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name       string
		q          []float32
		k          int
		wantIntent []string
	}{
		{"ClosestGreet", []float32{1, 0.05, 0}, 2, []string{"greet", "greet"}},
		{"ClosestBye", []float32{0.1, 1, 0}, 1, []string{"bye"}},
		{"ScaledQuerySameAnswer", []float32{0, 0, 42}, 1, []string{"hours"}},
		{"KLargerThanSet", []float32{0, 0, 1}, 10, []string{"hours", "greet", "greet", "bye"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.NearestIntents(ctx, "m1", tt.q, tt.k)
			if err != nil {
				t.Fatalf("NearestIntents: %v", err)
			}
			if len(got) != len(tt.wantIntent) {
				t.Fatalf("got %d matches %+v, want %d", len(got), got, len(tt.wantIntent))
			}
			for i, m := range got {
				// Ties (equal distance) may come in either order; check the
				// first, which has no tie in these cases, and monotonicity.
				if i == 0 && m.Intent != tt.wantIntent[0] {
					t.Errorf("best match = %+v, want intent %s", m, tt.wantIntent[0])
				}
				if i > 0 && m.Score > got[i-1].Score+1e-6 {
					t.Errorf("scores not descending: %+v", got)
				}
			}
		})
	}

	t.Run("ExactScore", func(t *testing.T) {
		got, err := s.NearestIntents(ctx, "m1", []float32{1, 0, 0}, 1)
		if err != nil || len(got) != 1 {
			t.Fatalf("NearestIntents = %+v, %v", got, err)
		}
		if got[0].Example != "hello" || math.Abs(got[0].Score-1) > 1e-6 {
			t.Errorf("match = %+v, want hello with score 1", got[0])
		}
	})

	t.Run("ReplaceSet", func(t *testing.T) {
		if err := s.PutIntentVectors(ctx, "m1", vs[2:3]); err != nil {
			t.Fatal(err)
		}
		got, err := s.NearestIntents(ctx, "m1", []float32{1, 0, 0}, 10)
		if err != nil || len(got) != 1 || got[0].Intent != "bye" {
			t.Errorf("after replace = %+v, %v; want only bye", got, err)
		}
	})

	t.Run("MixedDimensionsRejected", func(t *testing.T) {
		err := s.PutIntentVectors(ctx, "m3", []IntentVector{{Intent: "a", Vector: []float32{1, 0, 0}}, {Intent: "b", Vector: []float32{1, 0}}})
		if err == nil {
			t.Error("PutIntentVectors with mixed dimensions succeeded")
		}
	})

	t.Run("UsesHNSWIndex", func(t *testing.T) {
		var plan strings.Builder
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
				return err
			}
			rows, err := tx.Query(ctx, `EXPLAIN SELECT intent FROM intent_vectors WHERE dim = 3
				ORDER BY embedding::vector(3) <=> '[1,0,0]'::vector(3) LIMIT 5`)
			if err != nil {
				return err
			}
			lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
			plan.WriteString(strings.Join(lines, "\n"))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(plan.String(), "intent_vectors_hnsw_3") {
			t.Errorf("plan does not use the HNSW index:\n%s", plan.String())
		}
	})
}
