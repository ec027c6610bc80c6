package audit_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/veilhq/veil/audit"
	"github.com/veilhq/veil/store"
	"github.com/veilhq/veil/store/bolt"
)

// BenchmarkReport10k reports on a bolt store holding 10,000 pseudonymized
// user records (1% with a leaked email) and 2,000 ledger events, with the
// default analyzer as detector.
func BenchmarkReport10k(b *testing.B) {
	s, err := bolt.Open(filepath.Join(b.TempDir(), "veil.db"), bolt.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := b.Context()
	for i := range 10000 {
		text := "my email is <EMAIL_ADDRESS_1>, where is my order? I ordered it last week"
		if i%100 == 0 {
			text = fmt.Sprintf("please write to user%d@example.com instead", i)
		}
		subj := fmt.Sprintf("subj-%04d", i%2000)
		if err := s.AppendRecord(ctx, store.Record{Subject: subj, Conversation: subj, Kind: store.RecordUser, MessageID: fmt.Sprintf("wamid.%d", i),
			Text: text, At: now.Add(-time.Hour), Expires: now.Add(time.Duration(i%3-1) * time.Hour)}); err != nil {
			b.Fatal(err)
		}
		if i%5 == 0 {
			if _, err := s.AppendConsent(ctx, store.ConsentEvent{Subject: subj, At: now, Action: store.ConsentOptIn, Evidence: "wamid.x"}); err != nil {
				b.Fatal(err)
			}
		}
	}
	a := &audit.Auditor{Source: s, Log: s, Detect: detector(), Processing: processing(), Now: func() time.Time { return now }}
	var rep *audit.Report
	for b.Loop() {
		if rep, err = a.Report(ctx, audit.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	if rep.PII.RecordsFlagged != 100 {
		b.Fatalf("flagged %d records, want 100", rep.PII.RecordsFlagged)
	}
}
