package postgres

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/veilhq/veil/store"
)

// BenchmarkAccept measures the webhook's durable hand-off: one transaction
// writing seen_messages and inbox.
func BenchmarkAccept(b *testing.B) {
	s := openMigrated(b, Options{})
	ctx := b.Context()
	payload := make([]byte, 256)
	i := 0
	for b.Loop() {
		i++
		if _, err := s.Accept(ctx, store.InboxItem{ID: fmt.Sprintf("wamid.%d", i), Subject: "subj", Received: time.Now(), Payload: payload}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNearestIntents searches 1,000 384-dimensional vectors of one
// model (the planner picks the model's B-tree or the HNSW index).
func BenchmarkNearestIntents(b *testing.B) {
	const dim, n = 384, 1000
	s := openMigrated(b, Options{VectorDim: dim, QueryTimeout: time.Minute})
	ctx := b.Context()
	rng := rand.New(rand.NewPCG(1, 2))
	vec := func() []float32 {
		v := make([]float32, dim)
		for i := range v {
			v[i] = rng.Float32()*2 - 1
		}
		return v
	}
	vs := make([]IntentVector, n)
	for i := range vs {
		vs[i] = IntentVector{Intent: fmt.Sprintf("intent_%d", i%50), Vector: vec()}
	}
	if err := s.PutIntentVectors(ctx, "bench", vs); err != nil {
		b.Fatal(err)
	}
	q := vec()
	for b.Loop() {
		if _, err := s.NearestIntents(ctx, "bench", q, 5); err != nil {
			b.Fatal(err)
		}
	}
}
