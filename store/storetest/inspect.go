package storetest

import (
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/veilhq/veil/store"
)

// The cases below cover the optional abilities store.AuditLog and
// store.Inspector. A store under this suite must implement both.

func auditLog(t *testing.T, s store.Store) store.AuditLog {
	t.Helper()
	a, ok := s.(store.AuditLog)
	if !ok {
		t.Fatalf("%T does not implement store.AuditLog", s)
	}
	return a
}

func inspector(t *testing.T, s store.Store) store.Inspector {
	t.Helper()
	in, ok := s.(store.Inspector)
	if !ok {
		t.Fatalf("%T does not implement store.Inspector", s)
	}
	return in
}

func auditEvent(actor, action string, atT time.Time) store.AuditEvent {
	return store.AuditEvent{At: atT, Actor: actor, Role: "auditor", Action: action, Target: "*", Outcome: "allowed", Request: "req-" + actor + "-" + action}
}

func appendAudits(t *testing.T, a store.AuditLog, evs ...store.AuditEvent) []store.AuditEvent {
	t.Helper()
	out := make([]store.AuditEvent, 0, len(evs))
	for _, ev := range evs {
		got, err := a.AppendAudit(t.Context(), ev)
		if err != nil {
			t.Fatalf("AppendAudit: %v", err)
		}
		out = append(out, got)
	}
	return out
}

func eqAudit(a, b store.AuditEvent) bool {
	a.At, b.At = normTime(a.At), normTime(b.At)
	return reflect.DeepEqual(a, b)
}

func testAuditAppendAssignsIncreasingSeq(t *testing.T, s store.Store) {
	a := auditLog(t, s)
	in := []store.AuditEvent{
		auditEvent("alice", "ledger.read", at(0)),
		auditEvent("bob", "erase", at(time.Second)),
		auditEvent("alice", "report.read", at(2*time.Second)),
	}
	got := appendAudits(t, a, in...)
	var prev uint64
	for i, ev := range got {
		if ev.Seq <= prev {
			t.Errorf("event %d: Seq = %d, want > %d", i, ev.Seq, prev)
		}
		prev = ev.Seq
		want := in[i]
		want.Seq = ev.Seq
		if !eqAudit(ev, want) {
			t.Errorf("event %d: returned %+v, want %+v", i, ev, want)
		}
	}
}

func testAuditTrailSinceOrderedAndLimited(t *testing.T, s store.Store) {
	a := auditLog(t, s)
	// Appended out of time order, with a tie at at(2s).
	got := appendAudits(t, a,
		auditEvent("e3", "x", at(3*time.Second)),
		auditEvent("e1", "x", at(1*time.Second)),
		auditEvent("e2a", "x", at(2*time.Second)),
		auditEvent("e0", "x", at(0)),
		auditEvent("e2b", "x", at(2*time.Second)),
	)
	e3, e1, e2a, e0, e2b := got[0], got[1], got[2], got[3], got[4]
	tests := []struct {
		name  string
		since time.Time
		limit int
		want  []store.AuditEvent
	}{
		{"All", time.Time{}, 100, []store.AuditEvent{e0, e1, e2a, e2b, e3}},
		{"SinceInclusive", at(2 * time.Second), 100, []store.AuditEvent{e2a, e2b, e3}},
		{"SinceBetween", at(1500 * time.Millisecond), 100, []store.AuditEvent{e2a, e2b, e3}},
		{"Limited", at(time.Second), 2, []store.AuditEvent{e1, e2a}},
		{"LimitSplitsTie", at(2 * time.Second), 1, []store.AuditEvent{e2a}},
		{"SinceAfterAll", at(time.Hour), 100, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			trail, err := a.AuditTrail(t.Context(), tt.since, tt.limit)
			if err != nil {
				t.Fatalf("AuditTrail: %v", err)
			}
			if !eqSlice(trail, tt.want, eqAudit) {
				t.Errorf("AuditTrail = %+v\nwant %+v", trail, tt.want)
			}
		})
	}
	t.Run("ZeroLimitIsError", func(t *testing.T) {
		if _, err := a.AuditTrail(t.Context(), time.Time{}, 0); err == nil {
			t.Error("AuditTrail with limit 0 = nil error, want an error")
		}
	})
}

func testAuditTrailKeptByPurgeAndErase(t *testing.T, s store.Store) {
	a := auditLog(t, s)
	ev := auditEvent("carol", "erase", at(0))
	ev.Target = "subj-a"
	want := appendAudits(t, a, ev)
	seedSubject(t, s, "subj-a", "conv-a", 0)
	if err := s.EraseSubject(t.Context(), "subj-a"); err != nil {
		t.Fatalf("EraseSubject: %v", err)
	}
	purge(t, s, at(365*24*time.Hour), time.Hour)
	trail, err := a.AuditTrail(t.Context(), time.Time{}, 10)
	if err != nil {
		t.Fatalf("AuditTrail: %v", err)
	}
	if !eqSlice(trail, want, eqAudit) {
		t.Errorf("AuditTrail after erase and purge = %+v, want %+v", trail, want)
	}
}

// scanAll pages through a scan with the given page size and checks that
// the last page's cursor is empty and that no page exceeds the limit.
func scanAll[T any](t *testing.T, page int, scan func(store.Cursor, int) ([]T, store.Cursor, error)) []T {
	t.Helper()
	var (
		out []T
		cur store.Cursor
	)
	for calls := 0; ; calls++ {
		if calls > 1000 {
			t.Fatal("scan does not end")
		}
		got, next, err := scan(cur, page)
		if err != nil {
			t.Fatalf("scan after %q: %v", cur, err)
		}
		if len(got) > page {
			t.Fatalf("scan returned %d items, limit %d", len(got), page)
		}
		out = append(out, got...)
		if next == "" {
			return out
		}
		if len(got) == 0 {
			t.Fatalf("scan returned no items but cursor %q", next)
		}
		cur = next
	}
}

func testScanConsentVisitsEveryEventOnce(t *testing.T, s store.Store) {
	in := inspector(t, s)
	var evs []store.ConsentEvent
	for i := range 7 {
		evs = append(evs, store.ConsentEvent{
			Subject: fmt.Sprintf("subj-%d", i%3), At: at(time.Duration(i) * time.Second),
			Action: store.ConsentOptIn, NoticeVersion: "v1", Evidence: fmt.Sprintf("wamid.%d", i),
		})
	}
	want := appendAll(t, s, evs)
	bySeq := func(a, b store.ConsentEvent) int { return cmp.Compare(a.Seq, b.Seq) }
	slices.SortFunc(want, bySeq)
	for _, page := range []int{1, 2, 3, 7, 100} {
		t.Run(fmt.Sprintf("Page%d", page), func(t *testing.T) {
			got := scanAll(t, page, func(c store.Cursor, n int) ([]store.ConsentEvent, store.Cursor, error) {
				return in.ScanConsent(t.Context(), c, n)
			})
			slices.SortFunc(got, bySeq)
			if !eqSlice(got, want, eqEvent) {
				t.Errorf("scanned %d events %+v\nwant %d %+v", len(got), got, len(want), want)
			}
		})
	}
}

func testScanRecordsVisitsEveryRecordOnce(t *testing.T, s store.Store) {
	in := inspector(t, s)
	var want []store.Record
	for i := range 7 {
		r := record(fmt.Sprintf("subj-%d", i%3), "conv", store.RecordUser, fmt.Sprintf("m%d", i),
			at(time.Duration(7-i)*time.Second), at(time.Duration(i)*time.Hour)) // some already expired
		want = append(want, r)
	}
	appendRecords(t, s, want...)
	byID := func(a, b store.Record) int { return cmp.Compare(a.MessageID, b.MessageID) }
	slices.SortFunc(want, byID)
	for _, page := range []int{1, 3, 7, 50} {
		t.Run(fmt.Sprintf("Page%d", page), func(t *testing.T) {
			got := scanAll(t, page, func(c store.Cursor, n int) ([]store.Record, store.Cursor, error) {
				return in.ScanRecords(t.Context(), c, n)
			})
			slices.SortFunc(got, byID)
			if !eqSlice(got, want, eqRecord) {
				t.Errorf("scanned %+v\nwant %+v", got, want)
			}
		})
	}
	t.Run("PurgedNotScanned", func(t *testing.T) {
		purge(t, s, at(3*time.Hour+time.Second), time.Hour) // m0..m3 expire before
		got := scanAll(t, 2, func(c store.Cursor, n int) ([]store.Record, store.Cursor, error) {
			return in.ScanRecords(t.Context(), c, n)
		})
		slices.SortFunc(got, byID)
		if !eqSlice(got, want[4:], eqRecord) {
			t.Errorf("scanned after purge %+v\nwant %+v", got, want[4:])
		}
	})
}

func testScanEmptyStore(t *testing.T, s store.Store) {
	in := inspector(t, s)
	evs, next, err := in.ScanConsent(t.Context(), "", 10)
	if err != nil || len(evs) != 0 || next != "" {
		t.Errorf("ScanConsent on empty store = %v, %q, %v; want none, \"\", nil", evs, next, err)
	}
	rs, next, err := in.ScanRecords(t.Context(), "", 10)
	if err != nil || len(rs) != 0 || next != "" {
		t.Errorf("ScanRecords on empty store = %v, %q, %v; want none, \"\", nil", rs, next, err)
	}
	if _, _, err := in.ScanConsent(t.Context(), "", 0); err == nil {
		t.Error("ScanConsent with limit 0 = nil error, want an error")
	}
	if _, _, err := in.ScanConsent(t.Context(), "!not a cursor!", 10); !errors.Is(err, store.ErrInvalidCursor) {
		t.Errorf("ScanConsent with a forged cursor = %v, want store.ErrInvalidCursor", err)
	}
	if _, _, err := in.ScanRecords(t.Context(), "!not a cursor!", 10); !errors.Is(err, store.ErrInvalidCursor) {
		t.Errorf("ScanRecords with a forged cursor = %v, want store.ErrInvalidCursor", err)
	}
	sum, err := in.Expired(t.Context(), at(0), 5)
	if err != nil || sum.Total() != 0 || len(sum.Sample) != 0 {
		t.Errorf("Expired on empty store = %+v, %v; want nothing", sum, err)
	}
}

func testExpiredCountsAndSamples(t *testing.T, s store.Store) {
	in := inspector(t, s)
	now := at(10 * 24 * time.Hour)
	past := func(d time.Duration) time.Time { return now.Add(-d) }
	appendRecords(t, s,
		record("subj-a", "conv-a", store.RecordUser, "u-old", at(0), past(3*time.Hour)),
		record("subj-a", "conv-a", store.RecordBot, "b-old", at(0), past(2*time.Hour)),
		record("subj-b", "conv-b", store.RecordUser, "u-older", at(0), past(4*time.Hour)),
		record("subj-b", "conv-b", store.RecordStatus, "s-old", at(0), past(time.Hour)),
		record("subj-b", "conv-b", store.RecordUser, "u-edge", at(0), now), // strict: not expired
		record("subj-b", "conv-b", store.RecordUser, "u-new", at(0), now.Add(time.Hour)),
	)
	putEntries(t, s,
		entry("conv-a", "subj-a", "<EMAIL_1>", "i1", past(time.Hour)),
		entry("conv-a", "subj-a", "<EMAIL_2>", "i2", past(2*time.Hour)),
		entry("conv-a", "subj-a", "<PHONE_1>", "i3", past(time.Minute)),
		entry("conv-b", "subj-b", "<EMAIL_1>", "i1", now.Add(time.Hour)),
	)
	putState(t, s, "conv-a", "subj-a", []byte("secret state"), past(time.Hour))
	putState(t, s, "conv-b", "subj-b", []byte("kept"), now.Add(time.Hour))

	sum, err := in.Expired(t.Context(), now, 2)
	if err != nil {
		t.Fatalf("Expired: %v", err)
	}
	t.Run("Counts", func(t *testing.T) {
		wantRecords := map[store.RecordKind]int{store.RecordUser: 2, store.RecordBot: 1, store.RecordStatus: 1}
		if !reflect.DeepEqual(sum.Records, wantRecords) {
			t.Errorf("Records = %v, want %v", sum.Records, wantRecords)
		}
		wantVault := map[string]int{"EMAIL": 2, "PHONE": 1}
		if !reflect.DeepEqual(sum.VaultEntries, wantVault) {
			t.Errorf("VaultEntries = %v, want %v", sum.VaultEntries, wantVault)
		}
		if sum.States != 1 {
			t.Errorf("States = %d, want 1", sum.States)
		}
		if got := sum.Total(); got != 8 {
			t.Errorf("Total = %d, want 8", got)
		}
	})
	t.Run("Sample", func(t *testing.T) {
		want := []store.ExpiredItem{
			{Collection: "records", Kind: "user", Subject: "subj-b", Ref: "u-older", Expires: past(4 * time.Hour)},
			{Collection: "records", Kind: "user", Subject: "subj-a", Ref: "u-old", Expires: past(3 * time.Hour)},
			{Collection: "vault_entries", Kind: "EMAIL", Subject: "subj-a", Ref: "<EMAIL_2>", Expires: past(2 * time.Hour)},
			{Collection: "vault_entries", Kind: "EMAIL", Subject: "subj-a", Ref: "<EMAIL_1>", Expires: past(time.Hour)},
			{Collection: "dialog_states", Subject: "subj-a", Ref: "conv-a", Expires: past(time.Hour)},
		}
		eq := func(a, b store.ExpiredItem) bool {
			a.Expires, b.Expires = normTime(a.Expires), normTime(b.Expires)
			return a == b
		}
		if !eqSlice(sum.Sample, want, eq) {
			t.Errorf("Sample = %+v\nwant %+v", sum.Sample, want)
		}
	})
	t.Run("NothingAfterPurge", func(t *testing.T) {
		purge(t, s, now, time.Hour)
		after, err := in.Expired(t.Context(), now, 2)
		if err != nil {
			t.Fatalf("Expired: %v", err)
		}
		if after.Total() != 0 || len(after.Sample) != 0 {
			t.Errorf("Expired after Purge = %+v, want nothing", after)
		}
	})
}
