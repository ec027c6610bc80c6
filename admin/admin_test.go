package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/veilhq/veil/admin"
	"github.com/veilhq/veil/audit"
	"github.com/veilhq/veil/keyring"
	"github.com/veilhq/veil/store"
	"github.com/veilhq/veil/store/bolt"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// Tokens of the test configuration, one per role.
var tokens = map[admin.Role]string{
	admin.RoleAuditor:  strings.Repeat("a1", 20),
	admin.RoleOperator: strings.Repeat("b2", 20),
	admin.RoleAdmin:    strings.Repeat("c3", 20),
}

const (
	waID      = "34612345678"
	waIDInput = "+34 612 345 678"
	leakMail  = "jane@example.com"
)

// env is a handler over a real bolt store and keyring.
type env struct {
	h       *admin.Handler
	st      *bolt.Store
	subject string // the subject of waID

	mu     sync.Mutex
	erased []string // "subject evidence" per Eraser call
}

func newEnv(t *testing.T) *env {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "veil.db"), bolt.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	kr, err := keyring.New(bytes.Repeat([]byte{5}, keyring.KeySize), st)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{st: st, subject: kr.Subject(waID)}
	ctx := t.Context()
	if _, err := st.AppendConsent(ctx, store.ConsentEvent{Subject: e.subject, At: now.Add(-time.Hour), Action: store.ConsentOptIn, NoticeVersion: "v1", Evidence: "wamid.1"}); err != nil {
		t.Fatal(err)
	}
	if err := st.AppendRecord(ctx, store.Record{Subject: e.subject, Conversation: e.subject, Kind: store.RecordUser, MessageID: "wamid.1",
		Text: "my email is <EMAIL_ADDRESS_1>", At: now.Add(-time.Hour), Expires: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	cfg := admin.Config{Tokens: []admin.TokenConfig{
		{Name: "dpo", Role: admin.RoleAuditor, TokenSHA256: admin.HashToken(tokens[admin.RoleAuditor])},
		{Name: "support", Role: admin.RoleOperator, TokenEnv: "TEST_OPERATOR_TOKEN"},
		{Name: "lead", Role: admin.RoleAdmin, TokenSHA256: strings.ToUpper(admin.HashToken(tokens[admin.RoleAdmin]))},
	}}
	getenv := func(k string) string {
		if k == "TEST_OPERATOR_TOKEN" {
			return tokens[admin.RoleOperator]
		}
		return ""
	}
	e.h, err = admin.New(cfg, admin.Deps{
		Audit: st, Ledger: st, Transcripts: st,
		Reporter: &audit.Auditor{Source: st, Log: st, Now: func() time.Time { return now }},
		Eraser: func(ctx context.Context, subject, evidence string) error {
			e.mu.Lock()
			e.erased = append(e.erased, subject+" "+evidence)
			e.mu.Unlock()
			if err := st.EraseSubject(ctx, subject); err != nil {
				return err
			}
			_, err := st.AppendConsent(ctx, store.ConsentEvent{Subject: subject, At: now, Action: store.ConsentErased, Evidence: evidence})
			return err
		},
		Subject: kr.Subject,
		Getenv:  getenv,
		Now:     func() time.Time { return now },
		Log:     zerolog.Nop(),
	})
	if err != nil {
		t.Fatalf("admin.New: %v", err)
	}
	return e
}

// do sends one request with the token of role ("" none, "unknown" a wrong one).
func (e *env) do(t *testing.T, method, target string, role admin.Role, body string) *httptest.ResponseRecorder {
	t.Helper()
	var rd *strings.Reader
	if body != "" {
		rd = strings.NewReader(body)
	} else {
		rd = strings.NewReader("")
	}
	r := httptest.NewRequest(method, target, rd)
	switch role {
	case "":
	case "unknown":
		r.Header.Set("Authorization", "Bearer "+strings.Repeat("z", 40))
	default:
		r.Header.Set("Authorization", "Bearer "+tokens[role])
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

func (e *env) trail(t *testing.T) []store.AuditEvent {
	t.Helper()
	evs, err := e.st.AuditTrail(t.Context(), time.Time{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// endpoint is one request shape of the API.
type endpoint struct {
	name, method, path, body string
	allowed                  admin.Role
	action                   string
	target                   func(e *env) string
}

func endpoints() []endpoint {
	subj := func(e *env) string { return e.subject }
	star := func(*env) string { return "*" }
	return []endpoint{
		{"LedgerOfSubject", "GET", "/admin/ledger?subject=%s", "", admin.RoleAuditor, "ledger.read", subj},
		{"LedgerScan", "GET", "/admin/ledger?limit=5", "", admin.RoleAuditor, "ledger.read", star},
		{"Report", "GET", "/admin/report?since=30d", "", admin.RoleAuditor, "report.read", star},
		{"AuditTrail", "GET", "/admin/audit", "", admin.RoleAuditor, "audit.read", star},
		{"Transcripts", "GET", "/admin/transcripts?subject=%s", "", admin.RoleOperator, "transcripts.read", subj},
		{"Erase", "POST", "/admin/erase", `{"wa_id": "` + waIDInput + `"}`, admin.RoleAdmin, "erase", subj},
	}
}

func TestRolesByEndpoint(t *testing.T) {
	roles := []admin.Role{"", "unknown", admin.RoleAuditor, admin.RoleOperator, admin.RoleAdmin}
	for _, ep := range endpoints() {
		for _, role := range roles {
			name := string(role)
			if name == "" {
				name = "none"
			}
			t.Run(ep.name+"/"+name, func(t *testing.T) {
				e := newEnv(t)
				path := strings.ReplaceAll(ep.path, "%s", e.subject)
				w := e.do(t, ep.method, path, role, ep.body)

				wantStatus, wantOutcome, wantActor, wantTarget := http.StatusOK, admin.OutcomeAllowed, "", ep.target(e)
				switch role {
				case "":
					wantStatus, wantOutcome, wantActor, wantTarget = http.StatusUnauthorized, admin.OutcomeUnauthenticated, admin.ActorAnonymous, "*"
				case "unknown":
					wantStatus, wantOutcome, wantActor, wantTarget = http.StatusUnauthorized, admin.OutcomeUnauthenticated, admin.ActorUnknownToken, "*"
				case ep.allowed:
				default:
					wantStatus, wantOutcome = http.StatusForbidden, admin.OutcomeDenied
				}
				if w.Code != wantStatus {
					t.Fatalf("status = %d, want %d; body %s", w.Code, wantStatus, w.Body)
				}
				if wantStatus == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "" {
					t.Error("401 without WWW-Authenticate")
				}
				id := w.Header().Get("X-Request-Id")
				trail := e.trail(t)
				if len(trail) != 1 {
					t.Fatalf("audit rows = %d (%+v), want exactly 1", len(trail), trail)
				}
				got := trail[0]
				if got.Action != ep.action || got.Outcome != wantOutcome || got.Target != wantTarget || got.Request != id || id == "" {
					t.Errorf("audit row = %+v; want action %s outcome %s target %s request %s", got, ep.action, wantOutcome, wantTarget, id)
				}
				if wantActor != "" && got.Actor != wantActor {
					t.Errorf("audit actor = %q, want %q", got.Actor, wantActor)
				}
				if role != "" && role != "unknown" && got.Role != string(role) {
					t.Errorf("audit role = %q, want %q", got.Role, role)
				}
				// Nothing identifying beyond the subject hash, and no token.
				raw, _ := json.Marshal(trail)
				for _, bad := range []string{waID, "612 345", tokens[admin.RoleAuditor], tokens[admin.RoleOperator], tokens[admin.RoleAdmin], "zzzz", "<EMAIL"} {
					if strings.Contains(string(raw), bad) {
						t.Errorf("audit log contains %q: %s", bad, raw)
					}
				}
				// Erasure happened only when allowed.
				e.mu.Lock()
				n := len(e.erased)
				e.mu.Unlock()
				if wantErase := ep.name == "Erase" && wantStatus == http.StatusOK; (n == 1) != wantErase {
					t.Errorf("eraser called %d times, want erase %v", n, wantErase)
				}
			})
		}
	}
}

func TestAllowedResponses(t *testing.T) {
	e := newEnv(t)
	t.Run("LedgerOfSubject", func(t *testing.T) {
		w := e.do(t, "GET", "/admin/ledger?subject="+e.subject, admin.RoleAuditor, "")
		var page admin.LedgerPage
		if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil || len(page.Events) != 1 || page.Events[0].Action != store.ConsentOptIn || page.Subject != e.subject {
			t.Errorf("ledger = %s (%v)", w.Body, err)
		}
	})
	t.Run("TranscriptsStayPseudonymized", func(t *testing.T) {
		w := e.do(t, "GET", "/admin/transcripts?subject="+e.subject, admin.RoleOperator, "")
		var page admin.TranscriptPage
		if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil || len(page.Records) != 1 {
			t.Fatalf("transcripts = %s (%v)", w.Body, err)
		}
		if got := page.Records[0].Text; got != "my email is <EMAIL_ADDRESS_1>" {
			t.Errorf("record text = %q, want the stored pseudonymized text", got)
		}
	})
	t.Run("Report", func(t *testing.T) {
		w := e.do(t, "GET", "/admin/report", admin.RoleAuditor, "")
		var rep audit.Report
		if err := json.Unmarshal(w.Body.Bytes(), &rep); err != nil || rep.Consent.EventsScanned != 1 || rep.AdminAccess == nil {
			t.Errorf("report = %s (%v)", w.Body, err)
		}
	})
	t.Run("EraseThenGone", func(t *testing.T) {
		w := e.do(t, "POST", "/admin/erase", admin.RoleAdmin, `{"wa_id":"`+waIDInput+`"}`)
		var res admin.EraseResult
		if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil || !res.Erased || res.Subject != e.subject || res.Request != w.Header().Get("X-Request-Id") {
			t.Fatalf("erase = %d %s (%v)", w.Code, w.Body, err)
		}
		if strings.Contains(w.Body.String(), waID) {
			t.Errorf("erase response echoes the number: %s", w.Body)
		}
		hist, err := e.st.ConsentHistory(t.Context(), e.subject)
		if err != nil || len(hist) != 2 || hist[1].Action != store.ConsentErased || hist[1].Evidence != res.Request {
			t.Errorf("ledger after erase = %+v, %v; want a tombstone with the request ID as evidence", hist, err)
		}
		w = e.do(t, "GET", "/admin/transcripts?subject="+e.subject, admin.RoleOperator, "")
		var page admin.TranscriptPage
		if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil || len(page.Records) != 0 {
			t.Errorf("transcripts after erase = %s (%v), want none", w.Body, err)
		}
	})
	t.Run("LedgerPages", func(t *testing.T) {
		var all []store.ConsentEvent
		after := ""
		for range 10 {
			w := e.do(t, "GET", "/admin/ledger?limit=1&after="+after, admin.RoleAuditor, "")
			var page admin.LedgerPage
			if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil {
				t.Fatal(err)
			}
			all = append(all, page.Events...)
			if page.Next == "" {
				break
			}
			after = string(page.Next)
		}
		if len(all) != 2 {
			t.Errorf("paged ledger = %+v, want the 2 events", all)
		}
	})
}

func TestRejectedRequests(t *testing.T) {
	tests := []struct {
		name, method, path, body string
		role                     admin.Role
		wantStatus               int
		wantOutcome              string
	}{
		{"LedgerBadSubject", "GET", "/admin/ledger?subject=" + waID, "", admin.RoleAuditor, 400, admin.OutcomeInvalid},
		{"LedgerUpperHexSubject", "GET", "/admin/ledger?subject=" + strings.Repeat("A", 64), "", admin.RoleAuditor, 400, admin.OutcomeInvalid},
		{"LedgerZeroLimit", "GET", "/admin/ledger?limit=0", "", admin.RoleAuditor, 400, admin.OutcomeInvalid},
		{"LedgerForgedCursor", "GET", "/admin/ledger?after=!!", "", admin.RoleAuditor, 400, admin.OutcomeInvalid},
		{"ReportBadSince", "GET", "/admin/report?since=yesterday", "", admin.RoleAuditor, 400, admin.OutcomeInvalid},
		{"AuditHugeLimit", "GET", "/admin/audit?limit=100000", "", admin.RoleAuditor, 400, admin.OutcomeInvalid},
		{"TranscriptsNoSubject", "GET", "/admin/transcripts", "", admin.RoleOperator, 400, admin.OutcomeInvalid},
		{"EraseNotJSON", "POST", "/admin/erase", "wa_id=346", admin.RoleAdmin, 400, admin.OutcomeInvalid},
		{"EraseLetters", "POST", "/admin/erase", `{"wa_id":"call me"}`, admin.RoleAdmin, 400, admin.OutcomeInvalid},
		{"EraseTooShort", "POST", "/admin/erase", `{"wa_id":"123"}`, admin.RoleAdmin, 400, admin.OutcomeInvalid},
		{"EraseUnknownField", "POST", "/admin/erase", `{"wa_id":"34612345678","text":"hi"}`, admin.RoleAdmin, 400, admin.OutcomeInvalid},
		{"EraseByGET", "GET", "/admin/erase", "", admin.RoleAdmin, 405, admin.OutcomeMethodNotAllowed},
		{"LedgerByPOST", "POST", "/admin/ledger", "", admin.RoleAuditor, 405, admin.OutcomeMethodNotAllowed},
		{"UnknownPath", "GET", "/admin/users", "", admin.RoleAdmin, 404, admin.OutcomeNotFound},
		{"UnknownPathUnauthenticated", "GET", "/admin/users", "", "", 401, admin.OutcomeUnauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			w := e.do(t, tt.method, tt.path, tt.role, tt.body)
			if w.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", w.Code, tt.wantStatus, w.Body)
			}
			var body map[string]string
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body["error"] == "" {
				t.Errorf("error body = %s, want {\"error\": ...}", w.Body)
			}
			if tt.wantStatus == 405 && w.Header().Get("Allow") == "" {
				t.Error("405 without Allow")
			}
			trail := e.trail(t)
			if len(trail) != 1 || trail[0].Outcome != tt.wantOutcome {
				t.Fatalf("audit = %+v, want one row with outcome %s", trail, tt.wantOutcome)
			}
			if raw, _ := json.Marshal(trail); strings.Contains(string(raw), waID) || strings.Contains(string(raw), "call me") {
				t.Errorf("audit row holds request input: %s", raw)
			}
			e.mu.Lock()
			defer e.mu.Unlock()
			if len(e.erased) != 0 {
				t.Errorf("eraser called: %v", e.erased)
			}
		})
	}
}

// failingAudit is an audit log that cannot write.
type failingAudit struct{ store.AuditLog }

func (failingAudit) AppendAudit(context.Context, store.AuditEvent) (store.AuditEvent, error) {
	return store.AuditEvent{}, errors.New("disk full")
}

func TestNothingServedUnaudited(t *testing.T) {
	e := newEnv(t)
	h, err := admin.New(admin.Config{Tokens: []admin.TokenConfig{{Name: "op", Role: admin.RoleOperator, TokenSHA256: admin.HashToken(tokens[admin.RoleOperator])}}},
		admin.Deps{Audit: failingAudit{e.st}, Ledger: e.st, Transcripts: e.st, Reporter: &audit.Auditor{Source: e.st},
			Eraser: func(context.Context, string, string) error { return nil }, Subject: func(string) string { return "" }, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/admin/transcripts?subject="+e.subject, nil)
	r.Header.Set("Authorization", "Bearer "+tokens[admin.RoleOperator])
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusInternalServerError || strings.Contains(w.Body.String(), "EMAIL") {
		t.Errorf("with a failing audit log: %d %s; want 500 without the data", w.Code, w.Body)
	}
}

func TestConfig(t *testing.T) {
	good := admin.HashToken(strings.Repeat("x", 40))
	env := func(k string) string {
		switch k {
		case "LONG":
			return strings.Repeat("x", 40)
		case "SHORT":
			return "short"
		}
		return ""
	}
	tests := []struct {
		name    string
		tokens  []admin.TokenConfig
		wantErr string
	}{
		{"HashOK", []admin.TokenConfig{{Name: "a", Role: admin.RoleAuditor, TokenSHA256: good}}, ""},
		{"EnvOK", []admin.TokenConfig{{Name: "a", Role: admin.RoleAdmin, TokenEnv: "LONG"}}, ""},
		{"NoTokens", nil, ""},
		{"NeitherHashNorEnv", []admin.TokenConfig{{Name: "a", Role: admin.RoleAuditor}}, "TokenSHA256"},
		{"BothHashAndEnv", []admin.TokenConfig{{Name: "a", Role: admin.RoleAuditor, TokenSHA256: good, TokenEnv: "LONG"}}, "TokenSHA256"},
		{"HashNotHex", []admin.TokenConfig{{Name: "a", Role: admin.RoleAuditor, TokenSHA256: strings.Repeat("g", 64)}}, "TokenSHA256"},
		{"UnknownRole", []admin.TokenConfig{{Name: "a", Role: "root", TokenSHA256: good}}, "Role"},
		{"DuplicateName", []admin.TokenConfig{{Name: "a", Role: admin.RoleAuditor, TokenSHA256: good}, {Name: "a", Role: admin.RoleAdmin, TokenEnv: "LONG"}}, "Tokens"},
		{"SameTokenTwice", []admin.TokenConfig{{Name: "a", Role: admin.RoleAuditor, TokenSHA256: good}, {Name: "b", Role: admin.RoleAdmin, TokenEnv: "LONG"}}, "same token"},
		{"EnvTooShort", []admin.TokenConfig{{Name: "a", Role: admin.RoleAuditor, TokenEnv: "SHORT"}}, "SHORT must hold"},
		{"EnvUnset", []admin.TokenConfig{{Name: "a", Role: admin.RoleAuditor, TokenEnv: "UNSET"}}, "UNSET must hold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := bolt.Open(filepath.Join(t.TempDir(), "v.db"), bolt.Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			_, err = admin.New(admin.Config{Tokens: tt.tokens}, admin.Deps{Audit: st, Ledger: st, Transcripts: st,
				Reporter: &audit.Auditor{Source: st}, Eraser: func(context.Context, string, string) error { return nil },
				Subject: func(string) string { return "" }, Getenv: env})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New error = %v, want one mentioning %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), strings.Repeat("x", 40)) {
				t.Errorf("error leaks a token: %v", err)
			}
		})
	}
}
