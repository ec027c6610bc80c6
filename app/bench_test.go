package app

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/rs/zerolog"

	"github.com/veilhq/veil/config"
	"github.com/veilhq/veil/pipeline"
	"github.com/veilhq/veil/store/bolt"
)

// BenchmarkTurn is one whole turn of an opted-in user through every stage
// (consent, PII with the vault, NLU chain, dialog, re-identification,
// record) on the embedded store without fsync, so it measures Veil's own
// work rather than the disk.
func BenchmarkTurn(b *testing.B) {
	ctx := context.Background()
	cfg := config.Default()
	cfg.DataDir = b.TempDir()
	st, err := bolt.Open(filepath.Join(cfg.DataDir, "veil.db"), bolt.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	a, err := New(ctx, cfg, zerolog.Nop(), Options{Store: st})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close(ctx)
	const user = "447700900999"
	for i, in := range []Inbound{
		{ID: "w1", From: user, Kind: pipeline.KindText, Text: "hi"},
		{ID: "w2", From: user, Kind: pipeline.KindButton, ButtonID: "consent:agree"},
	} {
		if _, err := a.Converse(ctx, in); err != nil {
			b.Fatal(i, err)
		}
	}
	n := 0
	for b.Loop() {
		n++
		out, err := a.Converse(ctx, Inbound{ID: fmt.Sprintf("b%d", n), From: user, Kind: pipeline.KindText,
			Text: "where is my order 12345678? my email is bench.user@example.com"})
		if err != nil || len(out) == 0 {
			b.Fatal(err, out)
		}
	}
}
