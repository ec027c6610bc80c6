package bolt_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/veilhq/veil/store"
	"github.com/veilhq/veil/store/bolt"
)

func benchStores(b *testing.B, fn func(b *testing.B, s *bolt.Store)) {
	for _, tc := range []struct {
		name string
		opts bolt.Options
	}{
		{"Sync", bolt.Options{}},
		{"NoSync", bolt.Options{NoSync: true}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			s, _ := openTemp(b, tc.opts)
			fn(b, s)
		})
	}
}

func BenchmarkAccept(b *testing.B) {
	benchStores(b, func(b *testing.B, s *bolt.Store) {
		ctx := b.Context()
		payload := make([]byte, 512)
		now := time.Now()
		i := 0
		for b.Loop() {
			i++
			ok, err := s.Accept(ctx, store.InboxItem{ID: fmt.Sprintf("wamid.%d", i), Subject: "subj", Received: now, Payload: payload})
			if err != nil || !ok {
				b.Fatalf("Accept = %v, %v", ok, err)
			}
		}
	})
}

func BenchmarkAppendRecord(b *testing.B) {
	benchStores(b, func(b *testing.B, s *bolt.Store) {
		ctx := b.Context()
		now := time.Now()
		r := store.Record{Subject: "subj", Conversation: "conv", Kind: store.RecordUser, Text: "hello <PERSON_1>, your order <ORDER_1> ships today", Intent: "order_status", Expires: now.Add(30 * 24 * time.Hour)}
		i := 0
		for b.Loop() {
			i++
			r.At = now.Add(time.Duration(i))
			if err := s.AppendRecord(ctx, r); err != nil {
				b.Fatal(err)
			}
		}
	})
}
