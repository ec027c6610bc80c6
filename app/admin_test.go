package app

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/veilhq/veil/admin"
	"github.com/veilhq/veil/config"
	"github.com/veilhq/veil/store"
)

func TestAdminAPIWired(t *testing.T) {
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	tokens := map[string]string{"auditor": strings.Repeat("a", 40), "operator": strings.Repeat("o", 40), "admin": strings.Repeat("d", 40)}
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.WhatsApp.VerifyToken, cfg.WhatsApp.AppSecret = "v", "s"
	for role, tok := range tokens {
		cfg.Admin.Tokens = append(cfg.Admin.Tokens, admin.TokenConfig{Name: role + "-1", Role: admin.Role(role), TokenSHA256: admin.HashToken(tok)})
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err := New(ctx, cfg, zerolog.Nop(), Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(ctx)
	h, err := a.Handler()
	if err != nil {
		t.Fatal(err)
	}
	const user = "447700900777"
	say(t, a, "m1", user, "hi")
	press(t, a, "m2", user, "consent:agree")
	say(t, a, "m3", user, "my email is adm.test@example.com")
	subject := a.Keys.Subject(user)

	do := func(method, path, token, body string) (int, string) {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	tests := []struct {
		name, method, path, role, body string
		code                           int
		contains                       string
	}{
		{"auditor reads the ledger", "GET", "/admin/ledger?subject=" + subject, "auditor", "", 200, "opt_in"},
		{"operator may not read the ledger", "GET", "/admin/ledger?subject=" + subject, "operator", "", 403, ""},
		{"operator reads pseudonymized transcripts", "GET", "/admin/transcripts?subject=" + subject, "operator", "", 200, "\\u003cEMAIL_1\\u003e"},
		{"no token", "GET", "/admin/report", "", "", 401, ""},
		{"auditor gets the report", "GET", "/admin/report", "auditor", "", 200, "record_of_processing"},
		{"admin erases on request", "POST", "/admin/erase", "admin", `{"wa_id":"+44 7700 900777"}`, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := do(tt.method, tt.path, tokens[tt.role], tt.body)
			if code != tt.code || !strings.Contains(body, tt.contains) {
				t.Fatalf("%s %s as %q: %d %s", tt.method, tt.path, tt.role, code, body)
			}
			if strings.Contains(body, "adm.test@example.com") {
				t.Fatalf("the admin API returned a raw value: %s", body)
			}
		})
	}
	// The erasure went through the crypto-shredding path, with a tombstone.
	if _, err := a.Store.GetKey(ctx, subject); err == nil {
		t.Error("the data key survived the admin erasure")
	}
	hist, _ := a.Store.ConsentHistory(ctx, subject)
	if hist[len(hist)-1].Action != store.ConsentErased {
		t.Errorf("no tombstone: %+v", hist[len(hist)-1])
	}
	// Every request is in the audit log, without numbers or tokens.
	trail, err := a.Store.(store.AuditLog).AuditTrail(ctx, time.Time{}, 100)
	if err != nil || len(trail) != len(tests) {
		t.Fatalf("audit trail = %d rows, %v; want %d", len(trail), err, len(tests))
	}
	raw, _ := json.Marshal(trail)
	for _, secret := range []string{user, "7700 900777", tokens["admin"]} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("audit trail holds %q", secret)
		}
	}
}
