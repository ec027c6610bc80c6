package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/veilhq/veil/store"
)

// OpenFunc opens a fresh, empty store for one subtest. It registers its own
// cleanup with t.Cleanup.
type OpenFunc func(t *testing.T) store.Store

// Case is one conformance check.
type Case struct {
	Name string
	Test func(t *testing.T, s store.Store)
}

// Cases returns the conformance checks Run executes, so an implementation can
// run a subset or add its own around them.
func Cases() []Case {
	return []Case{
		{"ConsentAppendAssignsIncreasingSeq", testConsentAppendAssignsIncreasingSeq},
		{"ConsentHistoryPerSubjectOldestFirst", testConsentHistoryPerSubjectOldestFirst},
		{"ConsentHistoryUnknownSubjectEmpty", testConsentHistoryUnknownSubjectEmpty},
		{"InboxAcceptNewThenDuplicate", testInboxAcceptNewThenDuplicate},
		{"InboxAcceptAfterCompleteIsDuplicate", testInboxAcceptAfterCompleteIsDuplicate},
		{"InboxPendingInAcceptanceOrder", testInboxPendingInAcceptanceOrder},
		{"InboxCompleteRemovesOnlyThatItem", testInboxCompleteRemovesOnlyThatItem},
		{"InboxCompleteAbsentIsNoop", testInboxCompleteAbsentIsNoop},
		{"InboxConcurrentAcceptExactlyOneWins", testInboxConcurrentAcceptExactlyOneWins},
		{"KeyPutExistingWins", testKeyPutExistingWins},
		{"KeyGetMissingNotFound", testKeyGetMissingNotFound},
		{"KeyDeleteThenNotFound", testKeyDeleteThenNotFound},
		{"KeyPerSubject", testKeyPerSubject},
		{"KeyConcurrentPutOneWins", testKeyConcurrentPutOneWins},
		{"VaultLookupIndexPerConversation", testVaultLookupIndexPerConversation},
		{"VaultEntriesPerConversation", testVaultEntriesPerConversation},
		{"VaultPutSameTokenReplaces", testVaultPutSameTokenReplaces},
		{"TranscriptsOldestFirstPerSubject", testTranscriptsOldestFirstPerSubject},
		{"DialogStatesLifecycle", testDialogStatesLifecycle},
		{"PurgeEmptyStoreRemovesNothing", testPurgeEmptyStoreRemovesNothing},
		{"PurgeRemovesOnlyExpired", testPurgeRemovesOnlyExpired},
		{"PurgeSeenIDsOutsideDedupeWindow", testPurgeSeenIDsOutsideDedupeWindow},
		{"EraseSubjectRemovesOnlyThatSubject", testEraseSubjectRemovesOnlyThatSubject},
		{"EraseSubjectUnknownIsNoop", testEraseSubjectUnknownIsNoop},
		{"AuditAppendAssignsIncreasingSeq", testAuditAppendAssignsIncreasingSeq},
		{"AuditTrailSinceOrderedAndLimited", testAuditTrailSinceOrderedAndLimited},
		{"AuditTrailKeptByPurgeAndErase", testAuditTrailKeptByPurgeAndErase},
		{"ScanConsentVisitsEveryEventOnce", testScanConsentVisitsEveryEventOnce},
		{"ScanRecordsVisitsEveryRecordOnce", testScanRecordsVisitsEveryRecordOnce},
		{"ScanEmptyStore", testScanEmptyStore},
		{"ExpiredCountsAndSamples", testExpiredCountsAndSamples},
	}
}

// Run executes every case in Cases as a subtest, each against a store from
// open.
func Run(t *testing.T, open OpenFunc) {
	t.Helper()
	for _, c := range Cases() {
		t.Run(c.Name, func(t *testing.T) {
			s := open(t)
			if s == nil {
				t.Fatal("open returned a nil store")
			}
			c.Test(t, s)
		})
	}
}

// base is the reference time of every case: whole seconds, UTC, so any
// implementation stores it exactly.
var base = time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return base.Add(d) }

// ---- consent ledger ----

func consentEvents() []store.ConsentEvent {
	return []store.ConsentEvent{
		{Subject: "subj-a", At: at(0), Action: store.ConsentNoticeShown, NoticeVersion: "v1", Evidence: "wamid.1"},
		{Subject: "subj-b", At: at(time.Second), Action: store.ConsentOptIn, NoticeVersion: "v1", Purposes: []string{"assistant"}, Evidence: "wamid.2"},
		{Subject: "subj-a", At: at(2 * time.Second), Action: store.ConsentOptIn, NoticeVersion: "v1", Purposes: []string{"assistant", "analytics"}, Evidence: "wamid.3"},
		{Subject: "subj-a", At: at(3 * time.Second), Action: store.ConsentWithdraw, NoticeVersion: "v2", Evidence: "wamid.4"},
	}
}

func appendAll(t *testing.T, s store.Store, evs []store.ConsentEvent) []store.ConsentEvent {
	t.Helper()
	out := make([]store.ConsentEvent, 0, len(evs))
	for _, ev := range evs {
		got, err := s.AppendConsent(t.Context(), ev)
		if err != nil {
			t.Fatalf("AppendConsent: %v", err)
		}
		out = append(out, got)
	}
	return out
}

func testConsentAppendAssignsIncreasingSeq(t *testing.T, s store.Store) {
	in := consentEvents()
	got := appendAll(t, s, in)
	var prev uint64
	for i, ev := range got {
		if ev.Seq == 0 {
			t.Errorf("event %d: Seq = 0, want assigned", i)
		}
		if i > 0 && ev.Seq <= prev {
			t.Errorf("event %d: Seq = %d, not greater than previous %d", i, ev.Seq, prev)
		}
		prev = ev.Seq
		want := in[i]
		want.Seq = ev.Seq
		if !eqEvent(ev, want) {
			t.Errorf("event %d: returned %+v, want %+v", i, ev, want)
		}
	}
}

func testConsentHistoryPerSubjectOldestFirst(t *testing.T, s store.Store) {
	got := appendAll(t, s, consentEvents())
	tests := []struct {
		subject string
		want    []store.ConsentEvent
	}{
		{"subj-a", []store.ConsentEvent{got[0], got[2], got[3]}},
		{"subj-b", []store.ConsentEvent{got[1]}},
	}
	for _, tt := range tests {
		t.Run(tt.subject, func(t *testing.T) {
			hist, err := s.ConsentHistory(t.Context(), tt.subject)
			if err != nil {
				t.Fatalf("ConsentHistory: %v", err)
			}
			if !eqSlice(hist, tt.want, eqEvent) {
				t.Errorf("history = %+v\nwant %+v", hist, tt.want)
			}
		})
	}
}

func testConsentHistoryUnknownSubjectEmpty(t *testing.T, s store.Store) {
	appendAll(t, s, consentEvents())
	hist, err := s.ConsentHistory(t.Context(), "subj-unknown")
	if err != nil {
		t.Fatalf("ConsentHistory: %v", err)
	}
	if len(hist) != 0 {
		t.Errorf("history of unknown subject = %+v, want empty", hist)
	}
}

// ---- inbox ----

func item(id, subject string, received time.Time) store.InboxItem {
	return store.InboxItem{ID: id, Subject: subject, Received: received, Payload: []byte("sealed:" + id)}
}

func accept(t *testing.T, s store.Store, it store.InboxItem) bool {
	t.Helper()
	ok, err := s.Accept(t.Context(), it)
	if err != nil {
		t.Fatalf("Accept(%s): %v", it.ID, err)
	}
	return ok
}

func pending(t *testing.T, s store.Store) []store.InboxItem {
	t.Helper()
	p, err := s.Pending(t.Context())
	if err != nil {
		t.Fatalf("Pending: %v", err)
	}
	return p
}

func complete(t *testing.T, s store.Store, id string) {
	t.Helper()
	if err := s.Complete(t.Context(), id); err != nil {
		t.Fatalf("Complete(%s): %v", id, err)
	}
}

func testInboxAcceptNewThenDuplicate(t *testing.T, s store.Store) {
	first := item("wamid.dup", "subj-a", at(0))
	if !accept(t, s, first) {
		t.Fatal("first Accept = false, want true")
	}
	second := first
	second.Payload = []byte("a different payload")
	second.Received = at(time.Minute)
	if accept(t, s, second) {
		t.Error("second Accept of the same ID = true, want false")
	}
	got := pending(t, s)
	want := []store.InboxItem{first}
	if !eqSlice(got, want, eqItem) {
		t.Errorf("Pending = %+v, want %+v", got, want)
	}
}

func testInboxAcceptAfterCompleteIsDuplicate(t *testing.T, s store.Store) {
	it := item("wamid.done", "subj-a", at(0))
	if !accept(t, s, it) {
		t.Fatal("first Accept = false, want true")
	}
	complete(t, s, it.ID)
	if accept(t, s, it) {
		t.Error("Accept after Complete = true, want false (ID stays seen)")
	}
	if got := pending(t, s); len(got) != 0 {
		t.Errorf("Pending = %+v, want empty", got)
	}
}

func testInboxPendingInAcceptanceOrder(t *testing.T, s store.Store) {
	// Neither IDs nor Received times are in acceptance order, so an
	// implementation ordering by either fails.
	items := []store.InboxItem{
		item("wamid.c", "subj-a", at(5*time.Second)),
		item("wamid.a", "subj-b", at(1*time.Second)),
		item("wamid.e", "subj-a", at(9*time.Second)),
		item("wamid.b", "subj-a", at(0)),
		item("wamid.d", "subj-c", at(3*time.Second)),
	}
	for _, it := range items {
		if !accept(t, s, it) {
			t.Fatalf("Accept(%s) = false, want true", it.ID)
		}
	}
	if got := pending(t, s); !eqSlice(got, items, eqItem) {
		t.Errorf("Pending = %v, want %v", ids(got), ids(items))
	}
}

func testInboxCompleteRemovesOnlyThatItem(t *testing.T, s store.Store) {
	items := []store.InboxItem{
		item("wamid.1", "subj-a", at(0)),
		item("wamid.2", "subj-a", at(time.Second)),
		item("wamid.3", "subj-b", at(2*time.Second)),
	}
	for _, it := range items {
		accept(t, s, it)
	}
	complete(t, s, "wamid.2")
	want := []store.InboxItem{items[0], items[2]}
	if got := pending(t, s); !eqSlice(got, want, eqItem) {
		t.Errorf("Pending after Complete = %v, want %v", ids(got), ids(want))
	}
	// Completing again is harmless.
	complete(t, s, "wamid.2")
	if got := pending(t, s); !eqSlice(got, want, eqItem) {
		t.Errorf("Pending after second Complete = %v, want %v", ids(got), ids(want))
	}
}

func testInboxCompleteAbsentIsNoop(t *testing.T, s store.Store) {
	it := item("wamid.kept", "subj-a", at(0))
	accept(t, s, it)
	complete(t, s, "wamid.never-accepted")
	if got := pending(t, s); !eqSlice(got, []store.InboxItem{it}, eqItem) {
		t.Errorf("Pending = %v, want [%s]", ids(got), it.ID)
	}
}

func testInboxConcurrentAcceptExactlyOneWins(t *testing.T, s store.Store) {
	const n = 16
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		wins int
		errs []error
	)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			it := item("wamid.race", "subj-a", at(0))
			it.Payload = fmt.Appendf(nil, "payload-%d", i)
			ok, err := s.Accept(context.Background(), it)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			}
			if ok {
				wins++
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("concurrent Accept errors: %v", errors.Join(errs...))
	}
	if wins != 1 {
		t.Errorf("%d of %d concurrent Accepts returned true, want exactly 1", wins, n)
	}
	if got := pending(t, s); len(got) != 1 {
		t.Errorf("Pending has %d items, want 1", len(got))
	}
}

// ---- key store ----

func putKey(t *testing.T, s store.Store, subject string, wrapped []byte) []byte {
	t.Helper()
	got, err := s.PutKey(t.Context(), subject, wrapped)
	if err != nil {
		t.Fatalf("PutKey(%s): %v", subject, err)
	}
	return got
}

func getKey(t *testing.T, s store.Store, subject string) []byte {
	t.Helper()
	got, err := s.GetKey(t.Context(), subject)
	if err != nil {
		t.Fatalf("GetKey(%s): %v", subject, err)
	}
	return got
}

func wantKeyNotFound(t *testing.T, s store.Store, subject string) {
	t.Helper()
	got, err := s.GetKey(t.Context(), subject)
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetKey(%s) = %x, %v; want store.ErrNotFound", subject, got, err)
	}
}

func testKeyPutExistingWins(t *testing.T, s store.Store) {
	k1, k2 := []byte("wrapped-key-1"), []byte("wrapped-key-2")
	if got := putKey(t, s, "subj-a", k1); !bytes.Equal(got, k1) {
		t.Errorf("first PutKey returned %q, want %q", got, k1)
	}
	if got := putKey(t, s, "subj-a", k2); !bytes.Equal(got, k1) {
		t.Errorf("second PutKey returned %q, want the existing %q", got, k1)
	}
	if got := getKey(t, s, "subj-a"); !bytes.Equal(got, k1) {
		t.Errorf("GetKey = %q, want %q", got, k1)
	}
}

func testKeyGetMissingNotFound(t *testing.T, s store.Store) {
	putKey(t, s, "subj-a", []byte("k"))
	wantKeyNotFound(t, s, "subj-missing")
}

func testKeyDeleteThenNotFound(t *testing.T, s store.Store) {
	putKey(t, s, "subj-a", []byte("old"))
	if err := s.DeleteKey(t.Context(), "subj-a"); err != nil {
		t.Fatalf("DeleteKey: %v", err)
	}
	wantKeyNotFound(t, s, "subj-a")
	if err := s.DeleteKey(t.Context(), "subj-a"); err != nil {
		t.Errorf("second DeleteKey = %v, want nil", err)
	}
	fresh := []byte("fresh")
	if got := putKey(t, s, "subj-a", fresh); !bytes.Equal(got, fresh) {
		t.Errorf("PutKey after delete returned %q, want %q", got, fresh)
	}
}

func testKeyPerSubject(t *testing.T, s store.Store) {
	ka, kb := []byte("key-a"), []byte("key-b")
	putKey(t, s, "subj-a", ka)
	putKey(t, s, "subj-b", kb)
	if err := s.DeleteKey(t.Context(), "subj-a"); err != nil {
		t.Fatalf("DeleteKey: %v", err)
	}
	wantKeyNotFound(t, s, "subj-a")
	if got := getKey(t, s, "subj-b"); !bytes.Equal(got, kb) {
		t.Errorf("GetKey(subj-b) = %q, want %q", got, kb)
	}
}

func testKeyConcurrentPutOneWins(t *testing.T, s store.Store) {
	const n = 16
	results := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i], errs[i] = s.PutKey(context.Background(), "subj-race", fmt.Appendf(nil, "key-%d", i))
		}()
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent PutKey: %v", err)
	}
	stored := getKey(t, s, "subj-race")
	for i, r := range results {
		if !bytes.Equal(r, stored) {
			t.Errorf("PutKey #%d returned %q, but %q is stored", i, r, stored)
		}
	}
}

// ---- vault ----

func entry(conv, subject, token string, index string, expires time.Time) store.VaultEntry {
	return store.VaultEntry{
		Conversation: conv, Subject: subject, Token: token,
		Type:  strings.Trim(strings.SplitN(token, "_", 2)[0], "<>"),
		Index: []byte(index), Value: []byte("sealed:" + conv + token), Expires: expires,
	}
}

func putEntries(t *testing.T, s store.Store, es ...store.VaultEntry) {
	t.Helper()
	for _, e := range es {
		if err := s.PutEntry(t.Context(), e); err != nil {
			t.Fatalf("PutEntry(%s %s): %v", e.Conversation, e.Token, err)
		}
	}
}

func entries(t *testing.T, s store.Store, conv string) []store.VaultEntry {
	t.Helper()
	es, err := s.Entries(t.Context(), conv)
	if err != nil {
		t.Fatalf("Entries(%s): %v", conv, err)
	}
	return es
}

func testVaultLookupIndexPerConversation(t *testing.T, s store.Store) {
	exp := at(24 * time.Hour)
	e1 := entry("conv-1", "subj-a", "<EMAIL_1>", "idx-mail", exp)
	e2 := entry("conv-1", "subj-a", "<PHONE_1>", "idx-phone", exp)
	e3 := entry("conv-2", "subj-b", "<EMAIL_1>", "idx-mail", exp) // same index, other conversation
	e3.Value = []byte("other ciphertext")
	putEntries(t, s, e1, e2, e3)

	tests := []struct {
		name, conv, index string
		want              *store.VaultEntry
	}{
		{"FoundInFirst", "conv-1", "idx-mail", &e1},
		{"FoundSecondEntry", "conv-1", "idx-phone", &e2},
		{"SameIndexOtherConversation", "conv-2", "idx-mail", &e3},
		{"IndexOnlyInOtherConversation", "conv-2", "idx-phone", nil},
		{"UnknownIndex", "conv-1", "idx-none", nil},
		{"UnknownConversation", "conv-3", "idx-mail", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.LookupIndex(t.Context(), tt.conv, []byte(tt.index))
			if tt.want == nil {
				if !errors.Is(err, store.ErrNotFound) {
					t.Errorf("LookupIndex = %+v, %v; want store.ErrNotFound", got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("LookupIndex: %v", err)
			}
			if !eqEntry(got, *tt.want) {
				t.Errorf("LookupIndex = %+v, want %+v", got, *tt.want)
			}
		})
	}
}

func testVaultEntriesPerConversation(t *testing.T, s store.Store) {
	exp := at(24 * time.Hour)
	c1 := []store.VaultEntry{
		entry("conv-1", "subj-a", "<EMAIL_1>", "i1", exp),
		entry("conv-1", "subj-a", "<EMAIL_2>", "i2", exp.Add(time.Hour)),
		entry("conv-1", "subj-a", "<PHONE_1>", "i3", exp),
	}
	c2 := []store.VaultEntry{entry("conv-2", "subj-a", "<EMAIL_1>", "i1", exp)}
	putEntries(t, s, c1[0], c2[0], c1[1], c1[2])

	tests := []struct {
		conv string
		want []store.VaultEntry
	}{
		{"conv-1", c1},
		{"conv-2", c2},
		{"conv-unknown", nil},
	}
	for _, tt := range tests {
		t.Run(tt.conv, func(t *testing.T) {
			got := sortEntries(entries(t, s, tt.conv))
			if !eqSlice(got, sortEntries(tt.want), eqEntry) {
				t.Errorf("Entries = %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func testVaultPutSameTokenReplaces(t *testing.T, s store.Store) {
	old := entry("conv-1", "subj-a", "<EMAIL_1>", "idx-old", at(time.Hour))
	repl := entry("conv-1", "subj-a", "<EMAIL_1>", "idx-new", at(2*time.Hour))
	repl.Value = []byte("new ciphertext")
	putEntries(t, s, old, repl)

	if got := entries(t, s, "conv-1"); !eqSlice(got, []store.VaultEntry{repl}, eqEntry) {
		t.Errorf("Entries = %+v, want only the replacement %+v", got, repl)
	}
	got, err := s.LookupIndex(t.Context(), "conv-1", []byte("idx-new"))
	if err != nil || !eqEntry(got, repl) {
		t.Errorf("LookupIndex(new) = %+v, %v; want %+v", got, err, repl)
	}
	if got, err := s.LookupIndex(t.Context(), "conv-1", []byte("idx-old")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("LookupIndex(old) = %+v, %v; want store.ErrNotFound", got, err)
	}
}

// ---- transcripts ----

func record(subject, conv string, kind store.RecordKind, id string, atT, expires time.Time) store.Record {
	r := store.Record{Subject: subject, Conversation: conv, Kind: kind, MessageID: id, At: atT, Expires: expires}
	if kind != store.RecordStatus {
		r.Text = "text of " + id + " for <PERSON_1>"
		r.Intent = "greet"
	}
	return r
}

func appendRecords(t *testing.T, s store.Store, rs ...store.Record) {
	t.Helper()
	for _, r := range rs {
		if err := s.AppendRecord(t.Context(), r); err != nil {
			t.Fatalf("AppendRecord(%s): %v", r.MessageID, err)
		}
	}
}

func records(t *testing.T, s store.Store, subject string) []store.Record {
	t.Helper()
	rs, err := s.Records(t.Context(), subject)
	if err != nil {
		t.Fatalf("Records(%s): %v", subject, err)
	}
	return rs
}

func testTranscriptsOldestFirstPerSubject(t *testing.T, s store.Store) {
	exp := at(30 * 24 * time.Hour)
	// Appended out of time order; r2 and r3 share At and must keep append order.
	r1 := record("subj-a", "conv-1", store.RecordBot, "m1", at(3*time.Second), exp)
	r2 := record("subj-a", "conv-1", store.RecordUser, "m2", at(time.Second), exp)
	r3 := record("subj-a", "conv-1", store.RecordStatus, "m3", at(time.Second), exp)
	r4 := record("subj-a", "conv-2", store.RecordUser, "m4", at(2*time.Second), exp)
	rb := record("subj-b", "conv-9", store.RecordUser, "mb", at(0), exp)
	appendRecords(t, s, r1, r2, rb, r3, r4)

	tests := []struct {
		subject string
		want    []store.Record
	}{
		{"subj-a", []store.Record{r2, r3, r4, r1}},
		{"subj-b", []store.Record{rb}},
		{"subj-unknown", nil},
	}
	for _, tt := range tests {
		t.Run(tt.subject, func(t *testing.T) {
			if got := records(t, s, tt.subject); !eqSlice(got, tt.want, eqRecord) {
				t.Errorf("Records = %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// ---- dialog states ----

func wantState(t *testing.T, s store.Store, conv string, want []byte) {
	t.Helper()
	got, err := s.GetState(t.Context(), conv)
	if want == nil {
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetState(%s) = %q, %v; want store.ErrNotFound", conv, got, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("GetState(%s): %v", conv, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("GetState(%s) = %q, want %q", conv, got, want)
	}
}

func putState(t *testing.T, s store.Store, conv, subject string, state []byte, expires time.Time) {
	t.Helper()
	if err := s.PutState(t.Context(), conv, subject, state, expires); err != nil {
		t.Fatalf("PutState(%s): %v", conv, err)
	}
}

func testDialogStatesLifecycle(t *testing.T, s store.Store) {
	exp := at(time.Hour)
	wantState(t, s, "conv-1", nil)

	putState(t, s, "conv-1", "subj-a", []byte(`{"step":1}`), exp)
	putState(t, s, "conv-2", "subj-b", []byte(`{"step":7}`), exp)
	wantState(t, s, "conv-1", []byte(`{"step":1}`))

	putState(t, s, "conv-1", "subj-a", []byte(`{"step":2}`), exp.Add(time.Hour))
	wantState(t, s, "conv-1", []byte(`{"step":2}`))
	wantState(t, s, "conv-2", []byte(`{"step":7}`))

	if err := s.DeleteState(t.Context(), "conv-1"); err != nil {
		t.Fatalf("DeleteState: %v", err)
	}
	wantState(t, s, "conv-1", nil)
	wantState(t, s, "conv-2", []byte(`{"step":7}`))
	if err := s.DeleteState(t.Context(), "conv-1"); err != nil {
		t.Errorf("DeleteState of absent state = %v, want nil", err)
	}
}

// ---- purge ----

func purge(t *testing.T, s store.Store, now time.Time, window time.Duration) store.PurgeStats {
	t.Helper()
	st, err := s.Purge(t.Context(), now, window)
	if err != nil {
		t.Fatalf("Purge: %v", err)
	}
	return st
}

func testPurgeEmptyStoreRemovesNothing(t *testing.T, s store.Store) {
	if got := purge(t, s, at(0), time.Hour); got != (store.PurgeStats{}) {
		t.Errorf("Purge of empty store = %+v, want zero", got)
	}
}

func testPurgeRemovesOnlyExpired(t *testing.T, s store.Store) {
	now := at(10 * 24 * time.Hour)
	past, future := now.Add(-time.Second), now.Add(time.Hour)

	rOld1 := record("subj-a", "conv-1", store.RecordUser, "r-old1", at(0), past)
	rOld2 := record("subj-b", "conv-2", store.RecordStatus, "r-old2", at(time.Second), now.Add(-48*time.Hour))
	rNow := record("subj-a", "conv-1", store.RecordBot, "r-now", at(2*time.Second), now) // expires exactly now: kept
	rNew := record("subj-a", "conv-1", store.RecordUser, "r-new", at(3*time.Second), future)
	appendRecords(t, s, rOld1, rOld2, rNow, rNew)

	eOld := entry("conv-1", "subj-a", "<EMAIL_1>", "i-old", past)
	eNow := entry("conv-1", "subj-a", "<EMAIL_2>", "i-now", now)
	eNew := entry("conv-1", "subj-a", "<PHONE_1>", "i-new", future)
	putEntries(t, s, eOld, eNow, eNew)

	putState(t, s, "conv-1", "subj-a", []byte("s1"), past)
	putState(t, s, "conv-2", "subj-b", []byte("s2"), past)
	putState(t, s, "conv-3", "subj-a", []byte("s3"), future)

	// Unrelated data Purge must not touch.
	putKey(t, s, "subj-a", []byte("key"))
	ev := appendAll(t, s, consentEvents()[:1])

	want := store.PurgeStats{Records: 2, VaultEntries: 1, States: 2}
	if got := purge(t, s, now, time.Hour); got != want {
		t.Errorf("Purge = %+v, want %+v", got, want)
	}

	if got := records(t, s, "subj-a"); !eqSlice(got, []store.Record{rNow, rNew}, eqRecord) {
		t.Errorf("Records(subj-a) after purge = %+v", got)
	}
	if got := records(t, s, "subj-b"); len(got) != 0 {
		t.Errorf("Records(subj-b) after purge = %+v, want empty", got)
	}
	if got := sortEntries(entries(t, s, "conv-1")); !eqSlice(got, sortEntries([]store.VaultEntry{eNow, eNew}), eqEntry) {
		t.Errorf("Entries after purge = %+v", got)
	}
	if _, err := s.LookupIndex(t.Context(), "conv-1", []byte("i-old")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("LookupIndex of purged entry: %v, want store.ErrNotFound", err)
	}
	wantState(t, s, "conv-1", nil)
	wantState(t, s, "conv-2", nil)
	wantState(t, s, "conv-3", []byte("s3"))
	if got := getKey(t, s, "subj-a"); !bytes.Equal(got, []byte("key")) {
		t.Errorf("key after purge = %q", got)
	}
	if hist, err := s.ConsentHistory(t.Context(), "subj-a"); err != nil || !eqSlice(hist, ev, eqEvent) {
		t.Errorf("consent history after purge = %+v, %v; want %+v", hist, err, ev)
	}

	if got := purge(t, s, now, time.Hour); got != (store.PurgeStats{}) {
		t.Errorf("second Purge = %+v, want zero", got)
	}
}

func testPurgeSeenIDsOutsideDedupeWindow(t *testing.T, s store.Store) {
	const window = 24 * time.Hour
	now := at(30 * 24 * time.Hour)
	cutoff := now.Add(-window)

	old1 := item("wamid.old1", "subj-a", cutoff.Add(-time.Hour))
	old2 := item("wamid.old2", "subj-b", cutoff.Add(-time.Second))
	edge := item("wamid.edge", "subj-a", cutoff) // seen exactly at the cutoff: kept
	recent := item("wamid.recent", "subj-a", cutoff.Add(time.Minute))
	oldPending := item("wamid.old-pending", "subj-a", cutoff.Add(-48*time.Hour))
	for _, it := range []store.InboxItem{old1, old2, edge, recent, oldPending} {
		accept(t, s, it)
	}
	for _, id := range []string{old1.ID, old2.ID, edge.ID, recent.ID} {
		complete(t, s, id)
	}

	want := store.PurgeStats{SeenIDs: 2}
	if got := purge(t, s, now, window); got != want {
		t.Errorf("Purge = %+v, want %+v", got, want)
	}

	// The pending item is still pending, untouched.
	if got := pending(t, s); !eqSlice(got, []store.InboxItem{oldPending}, eqItem) {
		t.Errorf("Pending after purge = %v, want [%s]", ids(got), oldPending.ID)
	}

	tests := []struct {
		it      store.InboxItem
		wantNew bool
	}{
		{old1, true},        // forgotten: a redelivery is new again
		{old2, true},        // forgotten
		{edge, false},       // still inside the window
		{recent, false},     // still inside the window
		{oldPending, false}, // pending IDs are never forgotten
	}
	for _, tt := range tests {
		t.Run(tt.it.ID, func(t *testing.T) {
			if got := accept(t, s, tt.it); got != tt.wantNew {
				t.Errorf("Accept after purge = %v, want %v", got, tt.wantNew)
			}
		})
	}
}

// ---- erasure ----

type subjectData struct {
	subject, conv string
	key           []byte
	entries       []store.VaultEntry
	records       []store.Record
	state         []byte
	items         []store.InboxItem
	events        []store.ConsentEvent
}

func seedSubject(t *testing.T, s store.Store, subject, conv string, offset time.Duration) subjectData {
	t.Helper()
	exp := at(30 * 24 * time.Hour)
	d := subjectData{subject: subject, conv: conv, key: []byte("wrapped-" + subject), state: []byte("state-" + subject)}
	putKey(t, s, subject, d.key)
	d.entries = []store.VaultEntry{
		entry(conv, subject, "<EMAIL_1>", "idx-1", exp),
		entry(conv, subject, "<PHONE_1>", "idx-2", exp),
	}
	putEntries(t, s, d.entries...)
	d.records = []store.Record{
		record(subject, conv, store.RecordUser, subject+"-m1", at(offset), exp),
		record(subject, conv, store.RecordBot, subject+"-m2", at(offset+time.Second), exp),
	}
	appendRecords(t, s, d.records...)
	putState(t, s, conv, subject, d.state, exp)
	d.events = appendAll(t, s, []store.ConsentEvent{
		{Subject: subject, At: at(offset), Action: store.ConsentOptIn, NoticeVersion: "v1", Purposes: []string{"assistant"}, Evidence: subject + "-ev"},
	})
	return d
}

func testEraseSubjectRemovesOnlyThatSubject(t *testing.T, s store.Store) {
	a := seedSubject(t, s, "subj-a", "conv-a", 0)
	b := seedSubject(t, s, "subj-b", "conv-b", time.Minute)
	// Interleave inbox items of both subjects.
	for i, subj := range []*subjectData{&a, &b, &a, &b} {
		it := item(fmt.Sprintf("wamid.%s.%d", subj.subject, i), subj.subject, at(time.Duration(i)*time.Second))
		accept(t, s, it)
		subj.items = append(subj.items, it)
	}

	if err := s.EraseSubject(t.Context(), a.subject); err != nil {
		t.Fatalf("EraseSubject: %v", err)
	}

	t.Run("ErasedSubjectGone", func(t *testing.T) {
		wantKeyNotFound(t, s, a.subject)
		if got := entries(t, s, a.conv); len(got) != 0 {
			t.Errorf("Entries = %+v, want empty", got)
		}
		if _, err := s.LookupIndex(t.Context(), a.conv, a.entries[0].Index); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("LookupIndex: %v, want store.ErrNotFound", err)
		}
		if got := records(t, s, a.subject); len(got) != 0 {
			t.Errorf("Records = %+v, want empty", got)
		}
		wantState(t, s, a.conv, nil)
		for _, it := range pending(t, s) {
			if it.Subject == a.subject {
				t.Errorf("pending item %s of the erased subject survived", it.ID)
			}
		}
	})
	t.Run("OtherSubjectIntact", func(t *testing.T) {
		if got := getKey(t, s, b.subject); !bytes.Equal(got, b.key) {
			t.Errorf("key = %q, want %q", got, b.key)
		}
		if got := sortEntries(entries(t, s, b.conv)); !eqSlice(got, sortEntries(b.entries), eqEntry) {
			t.Errorf("Entries = %+v, want %+v", got, b.entries)
		}
		if got, err := s.LookupIndex(t.Context(), b.conv, b.entries[0].Index); err != nil || !eqEntry(got, b.entries[0]) {
			t.Errorf("LookupIndex = %+v, %v", got, err)
		}
		if got := records(t, s, b.subject); !eqSlice(got, b.records, eqRecord) {
			t.Errorf("Records = %+v, want %+v", got, b.records)
		}
		wantState(t, s, b.conv, b.state)
		if got := pending(t, s); !eqSlice(got, b.items, eqItem) {
			t.Errorf("Pending = %v, want %v", ids(got), ids(b.items))
		}
	})
	t.Run("LedgerKept", func(t *testing.T) {
		for _, d := range []subjectData{a, b} {
			hist, err := s.ConsentHistory(t.Context(), d.subject)
			if err != nil {
				t.Fatalf("ConsentHistory(%s): %v", d.subject, err)
			}
			if !eqSlice(hist, d.events, eqEvent) {
				t.Errorf("ConsentHistory(%s) = %+v, want %+v", d.subject, hist, d.events)
			}
		}
	})
	t.Run("SubjectCanStartAgain", func(t *testing.T) {
		fresh := []byte("fresh-key")
		if got := putKey(t, s, a.subject, fresh); !bytes.Equal(got, fresh) {
			t.Errorf("PutKey after erase returned %q, want %q", got, fresh)
		}
	})
}

func testEraseSubjectUnknownIsNoop(t *testing.T, s store.Store) {
	b := seedSubject(t, s, "subj-b", "conv-b", 0)
	if err := s.EraseSubject(t.Context(), "subj-unknown"); err != nil {
		t.Fatalf("EraseSubject of unknown subject: %v", err)
	}
	if got := getKey(t, s, b.subject); !bytes.Equal(got, b.key) {
		t.Errorf("key = %q, want %q", got, b.key)
	}
	if got := records(t, s, b.subject); !eqSlice(got, b.records, eqRecord) {
		t.Errorf("Records = %+v, want %+v", got, b.records)
	}
	if got := entries(t, s, b.conv); len(got) != len(b.entries) {
		t.Errorf("Entries has %d items, want %d", len(got), len(b.entries))
	}
}

// ---- comparison helpers ----

// normTime drops the monotonic reading and location so equal instants
// compare equal with reflect.DeepEqual.
func normTime(t time.Time) time.Time { return t.Round(0).UTC() }

func normBytes(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

func eqEvent(a, b store.ConsentEvent) bool {
	for _, e := range []*store.ConsentEvent{&a, &b} {
		e.At = normTime(e.At)
		if len(e.Purposes) == 0 {
			e.Purposes = nil
		}
	}
	return reflect.DeepEqual(a, b)
}

func eqItem(a, b store.InboxItem) bool {
	for _, it := range []*store.InboxItem{&a, &b} {
		it.Received = normTime(it.Received)
		it.Payload = normBytes(it.Payload)
	}
	return reflect.DeepEqual(a, b)
}

func eqEntry(a, b store.VaultEntry) bool {
	for _, e := range []*store.VaultEntry{&a, &b} {
		e.Expires = normTime(e.Expires)
		e.Index = normBytes(e.Index)
		e.Value = normBytes(e.Value)
	}
	return reflect.DeepEqual(a, b)
}

func eqRecord(a, b store.Record) bool {
	for _, r := range []*store.Record{&a, &b} {
		r.At = normTime(r.At)
		r.Expires = normTime(r.Expires)
	}
	return reflect.DeepEqual(a, b)
}

func eqSlice[T any](got, want []T, eq func(T, T) bool) bool {
	return slices.EqualFunc(got, want, eq)
}

func sortEntries(es []store.VaultEntry) []store.VaultEntry {
	es = slices.Clone(es)
	slices.SortFunc(es, func(a, b store.VaultEntry) int { return strings.Compare(a.Token, b.Token) })
	return es
}

func ids(items []store.InboxItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}
