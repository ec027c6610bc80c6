package app

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/veilhq/veil/anonymize"
	"github.com/veilhq/veil/config"
	"github.com/veilhq/veil/pipeline"
	"github.com/veilhq/veil/store"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newTestApp(t *testing.T, clk *clock) *App {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Retention.UserText = 2 * time.Hour
	cfg.Retention.BotText = 1 * time.Hour
	cfg.Retention.Vault = 3 * time.Hour
	a, err := New(context.Background(), cfg, zerolog.Nop(), Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(context.Background()) })
	if err := a.Start(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	return a
}

func say(t *testing.T, a *App, id, from, text string) []pipeline.Reply {
	t.Helper()
	out, err := a.Converse(context.Background(), Inbound{ID: id, From: from, Kind: pipeline.KindText, Text: text})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func press(t *testing.T, a *App, id, from, button string) []pipeline.Reply {
	t.Helper()
	out, err := a.Converse(context.Background(), Inbound{ID: id, From: from, Kind: pipeline.KindButton, ButtonID: button, Text: button})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRetentionPurge(t *testing.T) {
	clk := &clock{now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	a := newTestApp(t, clk)
	const user = "447700900123"
	say(t, a, "m1", user, "hi")
	press(t, a, "m2", user, "consent:agree")
	out := say(t, a, "m3", user, "my email is pat@example.com, where is my order 12345678?")
	if len(out) != 1 || !strings.Contains(out[0].Text, "pat@example.com") {
		t.Fatalf("reply = %+v", out)
	}
	subject := a.Keys.Subject(user)
	ctx := context.Background()
	count := func() (recs, vault int) {
		rs, err := a.Store.Records(ctx, subject)
		if err != nil {
			t.Fatal(err)
		}
		es, err := a.Store.Entries(ctx, subject)
		if err != nil {
			t.Fatal(err)
		}
		return len(rs), len(es)
	}
	if r, v := count(); r != 2 || v != 1 {
		t.Fatalf("before purge: %d records, %d vault entries", r, v)
	}
	for _, step := range []struct {
		advance   time.Duration
		recs, vlt int
	}{
		{30 * time.Minute, 2, 1},          // nothing due yet
		{1 * time.Hour, 1, 1},             // bot text (1h) expired
		{1 * time.Hour, 0, 1},             // user text (2h) expired
		{1*time.Hour + time.Second, 0, 0}, // vault (3h) expired
	} {
		clk.Advance(step.advance)
		if _, err := a.Purge(ctx); err != nil {
			t.Fatal(err)
		}
		if r, v := count(); r != step.recs || v != step.vlt {
			t.Fatalf("after +%v: %d records, %d vault entries; want %d, %d", step.advance, r, v, step.recs, step.vlt)
		}
	}
	// The consent ledger is not subject to retention.
	hist, err := a.Store.ConsentHistory(ctx, subject)
	if err != nil || len(hist) == 0 {
		t.Fatalf("ledger after purge: %v, %v", hist, err)
	}
}

func TestErasureShredsInboxAndVault(t *testing.T) {
	clk := &clock{now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	a := newTestApp(t, clk)
	const user = "34612345678"
	say(t, a, "m1", user, "hola")
	press(t, a, "m2", user, "consent:agree")
	say(t, a, "m3", user, "my email is lu@example.es")
	subject := a.Keys.Subject(user)
	ctx := context.Background()
	entries, err := a.Store.Entries(ctx, subject)
	if err != nil || len(entries) != 1 {
		t.Fatalf("entries = %v, %v", entries, err)
	}
	sealed := entries[0]
	press(t, a, "m4", user, "rights:erase:confirm")
	// The key is gone: a copy of the sealed value (a backup) stays unreadable.
	if _, err := a.Keys.Open(ctx, subject, sealed.Value, nil); err == nil {
		t.Fatal("a sealed value is readable after erasure")
	}
	if _, err := a.Store.GetKey(ctx, subject); err == nil {
		t.Fatal("the data key survived erasure")
	}
	if es, _ := a.Store.Entries(ctx, subject); len(es) != 0 {
		t.Fatalf("vault entries survived erasure: %d", len(es))
	}
	hist, _ := a.Store.ConsentHistory(ctx, subject)
	if last := hist[len(hist)-1]; last.Action != store.ConsentErased || last.Subject == user {
		t.Fatalf("tombstone = %+v", last)
	}
}

func TestAnonymizerConfig(t *testing.T) {
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	tests := []struct {
		name    string
		set     func(c *config.Anonymize)
		want    string // substring of the stored user record
		wantErr string
	}{
		{name: "default pseudonymizes", set: func(*config.Anonymize) {}, want: "<EMAIL_1>"},
		{name: "replace operator", set: func(c *config.Anonymize) { c.Operators = map[string]string{"EMAIL_ADDRESS": "replace"} }, want: "<EMAIL_ADDRESS>"},
		{name: "disabled recognizer keeps the value", set: func(c *config.Anonymize) { c.Disabled = []string{emailRecognizer()} }, want: "zed@example.com"},
		{name: "unknown recognizer", set: func(c *config.Anonymize) { c.Disabled = []string{"nope"} }, wantErr: "unknown recognizer \"nope\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.DataDir = t.TempDir()
			tt.set(&cfg.Anonymize)
			a, err := New(ctx, cfg, zerolog.Nop(), Options{Now: clk.Now})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close(ctx)
			const user = "447700900111"
			say(t, a, "m1", user, "hi")
			press(t, a, "m2", user, "consent:agree")
			say(t, a, "m3", user, "mail me at zed@example.com")
			recs, err := a.Store.Records(ctx, a.Keys.Subject(user))
			if err != nil || len(recs) == 0 {
				t.Fatalf("records: %v %v", recs, err)
			}
			if !strings.Contains(recs[0].Text, tt.want) {
				t.Fatalf("stored %q, want %q", recs[0].Text, tt.want)
			}
		})
	}
}

func emailRecognizer() string {
	for _, r := range anonymize.DefaultRecognizers() {
		if strings.Contains(strings.ToLower(r.Name()), "email") {
			return r.Name()
		}
	}
	return "email"
}

func TestExportMyData(t *testing.T) {
	clk := &clock{now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	a := newTestApp(t, clk)
	const user, other = "447700900333", "447700900444"
	for _, u := range []string{user, other} {
		say(t, a, "m1"+u, u, "hi")
		press(t, a, "m2"+u, u, "consent:agree")
	}
	say(t, a, "m3", user, "my email is exp.me@example.com, order 12345678")
	say(t, a, "m4", other, "my email is not.mine@example.com")
	out := press(t, a, "m5", user, "rights:export")
	if len(out) != 1 {
		t.Fatalf("replies = %+v", out)
	}
	body := out[0].Text[strings.Index(out[0].Text, "{"):]
	var ex export
	if err := json.Unmarshal([]byte(body), &ex); err != nil {
		t.Fatalf("export is not JSON: %v\n%s", err, out[0].Text)
	}
	if len(ex.Consent) < 2 || len(ex.PersonalDetails) != 1 || ex.PersonalDetails[0].Value != "exp.me@example.com" {
		t.Fatalf("export = %+v", ex)
	}
	foundOwn := false
	for _, m := range ex.Messages {
		if strings.Contains(m.Text, "exp.me@example.com") && m.From == "you" {
			foundOwn = true
		}
	}
	if !foundOwn || strings.Contains(body, "not.mine@example.com") {
		t.Fatalf("export messages wrong or leaking another user's data:\n%s", body)
	}
	// The export itself is not kept.
	recs, _ := a.Store.Records(context.Background(), a.Keys.Subject(user))
	for _, r := range recs {
		if strings.Contains(r.Text, "consent_history") {
			t.Fatal("the export was stored as a transcript")
		}
	}
}

func TestAnonymizerListsAndPatternsFromConfig(t *testing.T) {
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Anonymize.AllowList = []string{"help@shop.example"}
	cfg.Anonymize.DenyList = map[string][]string{"PERSON": {"Zorblax"}}
	cfg.Anonymize.Patterns = []anonymize.PatternConfig{{Name: "loyalty", Type: "LOYALTY_ID", Regex: `\bLY-\d{6}\b`, Score: 0.9}}
	a, err := New(ctx, cfg, zerolog.Nop(), Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(ctx)
	const user = "447700900112"
	say(t, a, "m1", user, "hi")
	press(t, a, "m2", user, "consent:agree")
	say(t, a, "m3", user, "I wrote to help@shop.example about card LY-123456, ask for Zorblax")
	recs, err := a.Store.Records(ctx, a.Keys.Subject(user))
	if err != nil || len(recs) == 0 {
		t.Fatal(recs, err)
	}
	got := recs[0].Text
	for _, want := range []string{"help@shop.example", "<LOYALTY_ID_1>", "<PERSON_1>"} {
		if !strings.Contains(got, want) {
			t.Errorf("stored %q, want it to contain %q", got, want)
		}
	}
	if strings.Contains(got, "LY-123456") || strings.Contains(got, "Zorblax") {
		t.Errorf("custom or deny-listed value stored in clear: %q", got)
	}
}
