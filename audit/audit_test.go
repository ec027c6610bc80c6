package audit_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/veilhq/veil/anonymize"
	"github.com/veilhq/veil/audit"
	"github.com/veilhq/veil/store"
	"github.com/veilhq/veil/store/bolt"
	"github.com/veilhq/veil/store/postgres"
	"github.com/veilhq/veil/store/postgres/pgtest"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

const leaked = "jane.doe@example.com"

// fullStore is a store with the optional abilities the report reads.
type fullStore interface {
	store.Store
	store.AuditLog
	store.Inspector
}

func openBolt(t *testing.T) fullStore {
	t.Helper()
	s, err := bolt.Open(filepath.Join(t.TempDir(), "veil.db"), bolt.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// openPostgres fails (not skips) in CI without VEIL_TEST_DATABASE_URL.
func openPostgres(t *testing.T) fullStore {
	t.Helper()
	s := pgtest.Open(t, pgtest.Schema(t), postgres.Options{})
	t.Cleanup(func() { s.Close() })
	return s
}

var backends = []struct {
	name string
	open func(t *testing.T) fullStore
}{
	{"bolt", openBolt},
	{"postgres", openPostgres},
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// planted is what seed put in the store that the report must find.
type planted struct {
	noEvidence []store.ConsentEvent // ledger events without evidence
	leak       store.Record         // the record with a raw email
}

// seed plants expired records, evidence-less consents and a leaked email
// among clean data.
func seed(t *testing.T, s fullStore) planted {
	t.Helper()
	ctx := t.Context()
	var p planted
	day := 24 * time.Hour
	recs := []store.Record{
		{Subject: "subj-a", Conversation: "subj-a", Kind: store.RecordUser, MessageID: "wamid.a1", Text: "my email is <EMAIL_ADDRESS_1>, where is my order?", At: now.Add(-2 * day), Expires: now.Add(28 * day)},
		{Subject: "subj-a", Conversation: "subj-a", Kind: store.RecordBot, Text: "Order shipped; updates go to <EMAIL_ADDRESS_1>.", At: now.Add(-2 * day), Expires: now.Add(28 * day)},
		{Subject: "subj-a", Conversation: "subj-a", Kind: store.RecordStatus, MessageID: "wamid.s1", Text: "delivered", At: now.Add(-2 * day), Expires: now.Add(5 * day)},
		// Expired, not purged.
		{Subject: "subj-b", Conversation: "subj-b", Kind: store.RecordUser, MessageID: "wamid.old", Text: "hello", At: now.Add(-40 * day), Expires: now.Add(-10 * day)},
		{Subject: "subj-b", Conversation: "subj-b", Kind: store.RecordStatus, MessageID: "wamid.s0", Text: "read", At: now.Add(-40 * day), Expires: now.Add(-33 * day)},
		// A raw email that slipped through.
		{Subject: "subj-c", Conversation: "subj-c", Kind: store.RecordUser, MessageID: "wamid.leak", Text: "please write to " + leaked + " instead", At: now.Add(-day), Expires: now.Add(29 * day)},
	}
	for _, r := range recs {
		mustDo(t, s.AppendRecord(ctx, r))
	}
	p.leak = recs[5]
	mustDo(t, s.PutEntry(ctx, store.VaultEntry{Conversation: "subj-b", Subject: "subj-b", Token: "<EMAIL_ADDRESS_1>", Type: "EMAIL_ADDRESS", Index: []byte("i"), Value: []byte("sealed"), Expires: now.Add(-time.Hour)}))
	mustDo(t, s.PutEntry(ctx, store.VaultEntry{Conversation: "subj-a", Subject: "subj-a", Token: "<EMAIL_ADDRESS_1>", Type: "EMAIL_ADDRESS", Index: []byte("j"), Value: []byte("sealed"), Expires: now.Add(day)}))

	evs := []store.ConsentEvent{
		{Subject: "subj-a", At: now.Add(-3 * day), Action: store.ConsentNoticeShown, NoticeVersion: "v1", Evidence: "wamid.n1"},
		{Subject: "subj-a", At: now.Add(-3 * day), Action: store.ConsentOptIn, NoticeVersion: "v1", Purposes: []string{"customer_support"}, Evidence: "wamid.o1"},
		{Subject: "subj-b", At: now.Add(-40 * day), Action: store.ConsentOptIn, NoticeVersion: "v1"},  // no evidence
		{Subject: "subj-c", At: now.Add(-day), Action: store.ConsentWithdraw, NoticeVersion: "v1"},    // no evidence
		{Subject: "subj-c", At: now.Add(-day / 2), Action: store.ConsentErased, Evidence: "adm_1234"}, // admin erasure: request ID
	}
	for _, ev := range evs {
		got := must[store.ConsentEvent](t)(s.AppendConsent(ctx, ev))
		if ev.Evidence == "" {
			p.noEvidence = append(p.noEvidence, got)
		}
	}
	for i, ev := range []store.AuditEvent{
		{At: now.Add(-day), Actor: "alice", Role: "auditor", Action: "report.read", Target: "*", Outcome: "allowed"},
		{At: now.Add(-day), Actor: "bob", Role: "operator", Action: "erase", Target: "subj-c", Outcome: "denied"},
		{At: now.Add(-day / 2), Actor: "carol", Role: "admin", Action: "erase", Target: "subj-c", Outcome: "allowed"},
	} {
		ev.Request = "req-" + string(rune('a'+i))
		must[store.AuditEvent](t)(s.AppendAudit(ctx, ev))
	}
	return p
}

func detector() audit.Detector {
	a := anonymize.DefaultAnalyzer()
	return func(text string) []anonymize.Span { return a.Analyze(text) }
}

func processing() audit.Processing {
	return audit.Processing{
		Purposes: []string{"customer_support"}, NoticeVersion: "v1",
		EntityTypes:    []string{anonymize.EntityPhone, anonymize.EntityEmail, anonymize.EntityEmail},
		Operators:      map[string]string{anonymize.EntityPhone: "mask"},
		Storage:        "embedded bbolt file",
		WhatsAppAPIURL: "https://graph.facebook.com/v21.0",
		LLMBaseURL:     "https://user:pw@llm.example.net/v1?key=x", LLMModel: "m-1", LLMEnabled: true,
		Retention: audit.Retention{UserText: 720 * time.Hour, BotText: 720 * time.Hour, Status: 168 * time.Hour,
			Vault: 720 * time.Hour, DialogState: 24 * time.Hour, Dedupe: 192 * time.Hour, PurgeEvery: time.Hour},
	}
}

func auditor(s fullStore) *audit.Auditor {
	return &audit.Auditor{Source: s, Log: s, Detect: detector(), Processing: processing(), Now: func() time.Time { return now }}
}

func TestReportFindsPlantedProblems(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { testReportFindsPlantedProblems(t, b.open(t)) })
	}
}

func testReportFindsPlantedProblems(t *testing.T, s fullStore) {
	p := seed(t, s)
	// Batch 2 makes every scan take several pages.
	rep := must[*audit.Report](t)(auditor(s).Report(t.Context(), audit.Options{Batch: 2}))

	t.Run("Expired", func(t *testing.T) {
		e := rep.Expired
		wantRecords := map[store.RecordKind]int{store.RecordUser: 1, store.RecordStatus: 1}
		if !reflect.DeepEqual(e.Records, wantRecords) || !reflect.DeepEqual(e.VaultEntries, map[string]int{"EMAIL_ADDRESS": 1}) || e.States != 0 || e.Total != 3 {
			t.Errorf("Expired = %+v; want records %v, one EMAIL_ADDRESS vault entry, total 3", e, wantRecords)
		}
		var refs []string
		for _, it := range e.Sample {
			refs = append(refs, it.Collection+":"+it.Subject+":"+it.Ref)
		}
		want := []string{"records:subj-b:wamid.s0", "records:subj-b:wamid.old", "vault_entries:subj-b:<EMAIL_ADDRESS_1>"}
		if !reflect.DeepEqual(refs, want) {
			t.Errorf("Expired sample = %v, want %v", refs, want)
		}
	})
	t.Run("ConsentWithoutEvidence", func(t *testing.T) {
		c := rep.Consent
		if c.EventsScanned != 5 || c.WithoutEvidence != 2 {
			t.Errorf("Consent = %d without evidence of %d, want 2 of 5", c.WithoutEvidence, c.EventsScanned)
		}
		if want := map[string]int{"opt_in": 1, "withdraw": 1}; !reflect.DeepEqual(c.ByAction, want) {
			t.Errorf("ByAction = %v, want %v", c.ByAction, want)
		}
		if len(c.Sample) != len(p.noEvidence) {
			t.Fatalf("Sample = %+v, want the %d planted events", c.Sample, len(p.noEvidence))
		}
		for i, ev := range p.noEvidence {
			if got := c.Sample[i]; got.Seq != ev.Seq || got.Subject != ev.Subject || got.Action != string(ev.Action) {
				t.Errorf("Sample[%d] = %+v, want seq %d subject %s %s", i, got, ev.Seq, ev.Subject, ev.Action)
			}
		}
	})
	t.Run("LeakedEmail", func(t *testing.T) {
		pi := rep.PII
		// Status records are not scanned: 3 user and 1 bot record remain.
		if !pi.Scanned || pi.RecordsScanned != 4 || pi.RecordsFlagged != 1 {
			t.Fatalf("PII = scanned %v, %d flagged of %d; want 1 of 4", pi.Scanned, pi.RecordsFlagged, pi.RecordsScanned)
		}
		if want := map[string]int{anonymize.EntityEmail: 1}; !reflect.DeepEqual(pi.ByType, want) {
			t.Errorf("ByType = %v, want %v", pi.ByType, want)
		}
		ref := pi.Sample[0]
		start := strings.Index(p.leak.Text, leaked)
		want := audit.RecordRef{Subject: p.leak.Subject, Conversation: p.leak.Conversation, Kind: "user", MessageID: p.leak.MessageID,
			At: p.leak.At, Hits: []audit.Hit{{Type: anonymize.EntityEmail, Start: start, End: start + len(leaked)}}}
		if !reflect.DeepEqual(ref, want) {
			t.Errorf("Sample[0] = %+v, want %+v", ref, want)
		}
	})
	t.Run("AdminAccess", func(t *testing.T) {
		a := rep.AdminAccess
		if a == nil || a.Requests != 3 || a.ByOutcome["denied"] != 1 || a.ByAction["erase"] != 2 || a.ByActor["alice"] != 1 {
			t.Errorf("AdminAccess = %+v; want 3 requests, 1 denied, 2 erase, alice 1", a)
		}
	})
	if rep.Findings != 3+2+1 {
		t.Errorf("Findings = %d, want 6", rep.Findings)
	}
	t.Run("NoValueInOutput", func(t *testing.T) {
		var text bytes.Buffer
		mustDo(t, rep.WriteText(&text))
		js := must[[]byte](t)(json.Marshal(rep))
		for name, out := range map[string]string{"text": text.String(), "json": string(js)} {
			for _, bad := range []string{leaked, "example.com", "pw@", "key=x", "please write"} {
				if strings.Contains(out, bad) {
					t.Errorf("%s report contains %q", name, bad)
				}
			}
		}
		for _, want := range []string{"wamid.leak", "EMAIL_ADDRESS", "llm.example.net", "graph.facebook.com", "720h0m0s"} {
			if !strings.Contains(text.String(), want) {
				t.Errorf("text report lacks %q", want)
			}
		}
	})
}

func TestReportSince(t *testing.T) {
	s := openBolt(t)
	seed(t, s)
	rep := must[*audit.Report](t)(auditor(s).Report(t.Context(), audit.Options{Since: now.Add(-36 * time.Hour)}))
	// Expired items are counted regardless of since.
	if rep.Expired.Total != 3 {
		t.Errorf("Expired.Total = %d, want 3", rep.Expired.Total)
	}
	if c := rep.Consent; c.EventsScanned != 2 || c.WithoutEvidence != 1 {
		t.Errorf("Consent since = %d without evidence of %d, want 1 of 2", c.WithoutEvidence, c.EventsScanned)
	}
	if pi := rep.PII; pi.RecordsScanned != 1 || pi.RecordsFlagged != 1 {
		t.Errorf("PII since = %d flagged of %d, want 1 of 1", pi.RecordsFlagged, pi.RecordsScanned)
	}
	if a := rep.AdminAccess; a == nil || a.Requests != 3 {
		t.Errorf("AdminAccess since = %+v, want 3 requests", a)
	}
	if rep.Since == nil || !rep.Since.Equal(now.Add(-36*time.Hour)) {
		t.Errorf("Since = %v", rep.Since)
	}
}

func TestReportWithoutDetectorOrLog(t *testing.T) {
	s := openBolt(t)
	seed(t, s)
	a := &audit.Auditor{Source: s, Processing: processing(), Now: func() time.Time { return now }}
	rep := must[*audit.Report](t)(a.Report(t.Context(), audit.Options{Sample: -1}))
	if rep.PII.Scanned || rep.PII.RecordsFlagged != 0 {
		t.Errorf("PII = %+v, want not scanned", rep.PII)
	}
	if rep.AdminAccess != nil {
		t.Errorf("AdminAccess = %+v, want nil without a log", rep.AdminAccess)
	}
	if len(rep.Expired.Sample) != 0 || len(rep.Consent.Sample) != 0 {
		t.Errorf("samples = %v, %v; want none with Sample -1", rep.Expired.Sample, rep.Consent.Sample)
	}
	if rep.Findings != 3+2 {
		t.Errorf("Findings = %d, want 5", rep.Findings)
	}
}

// TestAccessPagesThroughTies checks that audit events sharing a time are
// counted once each whatever the page size.
func TestAccessPagesThroughTies(t *testing.T) {
	s := openBolt(t)
	times := []time.Duration{0, time.Second, time.Second, time.Second, 2 * time.Second, 2 * time.Second, 3 * time.Second}
	for _, d := range times {
		must[store.AuditEvent](t)(s.AppendAudit(t.Context(), store.AuditEvent{At: now.Add(d), Actor: "x", Action: "a", Outcome: "allowed"}))
	}
	for _, batch := range []int{1, 2, 3, 100} {
		a := &audit.Auditor{Source: s, Log: s, Now: func() time.Time { return now }}
		rep := must[*audit.Report](t)(a.Report(t.Context(), audit.Options{Batch: batch}))
		if rep.AdminAccess.Requests != len(times) {
			t.Errorf("batch %d: Requests = %d, want %d", batch, rep.AdminAccess.Requests, len(times))
		}
	}
}

func TestRecordOfProcessing(t *testing.T) {
	p := processing()
	rop := p.Record()
	t.Run("Categories", func(t *testing.T) {
		var names []string
		handling := map[string]string{}
		for _, d := range rop.DataCategories {
			names = append(names, d.Name)
			handling[d.Name] = d.Handling
		}
		for _, want := range []string{"WhatsApp number", "message text", "consent decisions", anonymize.EntityEmail, anonymize.EntityPhone} {
			if !strings.Contains(strings.Join(names, "|"), want) {
				t.Errorf("categories %v lack %s", names, want)
			}
		}
		if strings.Count(strings.Join(names, "|"), anonymize.EntityEmail) != 1 {
			t.Errorf("categories %v list %s more than once", names, anonymize.EntityEmail)
		}
		if !strings.HasPrefix(handling[anonymize.EntityPhone], "mask:") || !strings.HasPrefix(handling[anonymize.EntityEmail], "pseudonymize:") {
			t.Errorf("handling = %v; want mask for phones (configured) and pseudonymize for emails (default)", handling)
		}
	})
	t.Run("Recipients", func(t *testing.T) {
		tests := []struct {
			name    string
			enabled bool
			wantLLM bool
		}{
			{"LLMConfigured", true, true},
			{"LLMOff", false, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p := processing()
				p.LLMEnabled = tt.enabled
				rs := p.Record().Recipients
				if len(rs) != 2 || !rs[0].Enabled || rs[0].Host != "graph.facebook.com" {
					t.Fatalf("recipients = %+v; want WhatsApp first, enabled", rs)
				}
				if rs[1].Enabled != tt.wantLLM || rs[1].Host != "llm.example.net" {
					t.Errorf("LLM recipient = %+v; want enabled %v at llm.example.net", rs[1], tt.wantLLM)
				}
			})
		}
	})
	t.Run("Retention", func(t *testing.T) {
		got := map[string]string{}
		for _, r := range rop.Retention {
			got[r.Kind] = r.Period
		}
		want := map[string]string{"user messages (pseudonymized)": "720h0m0s", "delivery statuses": "168h0m0s", "dialog state": "24h0m0s", "consent ledger": "kept"}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("retention %q = %q, want %q", k, got[k], v)
			}
		}
	})
}

func TestRun(t *testing.T) {
	s := openBolt(t)
	seed(t, s)
	tests := []struct {
		name    string
		args    []string
		wantErr error
		check   func(t *testing.T, out string)
	}{
		{"Text", nil, nil, func(t *testing.T, out string) {
			if !strings.Contains(out, "Findings: 6") || !strings.Contains(out, "Record of processing") {
				t.Errorf("text output:\n%s", out)
			}
		}},
		{"JSON", []string{"--json"}, nil, func(t *testing.T, out string) {
			var rep audit.Report
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("output is not JSON: %v", err)
			}
			if rep.Findings != 6 || rep.PII.RecordsFlagged != 1 {
				t.Errorf("JSON report = findings %d, flagged %d; want 6, 1", rep.Findings, rep.PII.RecordsFlagged)
			}
		}},
		{"SinceDays", []string{"--json", "--since", "1d"}, nil, func(t *testing.T, out string) {
			var rep audit.Report
			mustDo(t, json.Unmarshal([]byte(out), &rep))
			if rep.Since == nil || !rep.Since.Equal(now.AddDate(0, 0, -1)) || rep.Consent.EventsScanned != 2 {
				t.Errorf("since = %v, events %d; want %v, 2", rep.Since, rep.Consent.EventsScanned, now.AddDate(0, 0, -1))
			}
		}},
		{"FailWithFindings", []string{"--fail"}, audit.ErrFindings, nil},
		{"BadSince", []string{"--since", "yesterday"}, nil, nil},
		{"UnknownFlag", []string{"--nope"}, nil, nil},
		{"StrayArgument", []string{"now"}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := audit.Run(t.Context(), tt.args, audit.Env{Auditor: auditor(s), Stdout: &out, Stderr: &errOut})
			switch {
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("Run = %v, want %v", err, tt.wantErr)
				}
			case tt.check == nil:
				if err == nil {
					t.Error("Run = nil, want a usage error")
				}
			default:
				if err != nil {
					t.Fatalf("Run: %v", err)
				}
				tt.check(t, out.String())
			}
		})
	}
}

func TestParseSince(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{"", time.Time{}, false},
		{"720h", now.Add(-720 * time.Hour), false},
		{"30d", now.AddDate(0, 0, -30), false},
		{"2026-01-02", time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), false},
		{"2026-01-02T03:04:05Z", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), false},
		{"-5h", time.Time{}, true},
		{"3x", time.Time{}, true},
		{"d", time.Time{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := audit.ParseSince(tt.in, now)
			if (err != nil) != tt.wantErr || !got.Equal(tt.want) {
				t.Errorf("ParseSince(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}
