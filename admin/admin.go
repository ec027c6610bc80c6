package admin

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/veilhq/veil/audit"
	"github.com/veilhq/veil/store"
)

// Ledger reads a subject's consent history (store.ConsentLedger has it).
// When it also implements store.Inspector, GET /admin/ledger without a
// subject pages through the whole ledger.
type Ledger interface {
	ConsentHistory(ctx context.Context, subject string) ([]store.ConsentEvent, error)
}

// Transcripts reads a subject's pseudonymized records (store.Transcripts
// has it). Records are served as stored: never re-identified.
type Transcripts interface {
	Records(ctx context.Context, subject string) ([]store.Record, error)
}

// Reporter builds the compliance report (*audit.Auditor is one).
type Reporter interface {
	Report(ctx context.Context, opts audit.Options) (*audit.Report, error)
}

// Eraser erases a subject's data the way the chat's DELETE MY DATA does:
// destroy the data key, delete the rows, append the ledger tombstone with
// evidence as its Evidence (the admin request's ID). It must succeed when
// the subject has nothing stored (erasure is idempotent).
type Eraser func(ctx context.Context, subject, evidence string) error

// Deps are what the handler works on; every field is required.
type Deps struct {
	Audit       store.AuditLog
	Ledger      Ledger
	Transcripts Transcripts
	Reporter    Reporter
	Eraser      Eraser
	// Subject maps a WhatsApp number to its subject (keyring.Keyring.Subject).
	Subject func(waID string) string
	// Getenv reads token_env variables; nil means os.Getenv.
	Getenv func(string) string
	Now    func() time.Time // nil = time.Now
	Log    zerolog.Logger
}

// Outcomes written to the audit log.
const (
	OutcomeAllowed          = "allowed"
	OutcomeUnauthenticated  = "unauthenticated" // 401
	OutcomeDenied           = "denied"          // 403
	OutcomeInvalid          = "invalid"         // 400
	OutcomeNotFound         = "not_found"       // 404
	OutcomeMethodNotAllowed = "method_not_allowed"
	OutcomeFailed           = "failed" // 500
)

// Actors written for requests without a known token.
const (
	ActorAnonymous    = "anonymous"     // no bearer token
	ActorUnknownToken = "unknown-token" // a token matching no configured one
)

// Limits of one response.
const (
	maxBody           = 4 << 10
	defaultPage       = 100
	maxPage           = 1000
	maxRecords        = 10000
	subjectHexLen     = 64
	requestIDPrefix   = "adm_"
	headerRequestID   = "X-Request-Id"
	defaultAuditLimit = 100
	eraseTimeout      = 30 * time.Second
)

// Handler is the admin API. Mount it at /admin/ (it also answers /admin).
type Handler struct {
	creds  []credential
	deps   Deps
	routes map[string]route
}

// route is one endpoint.
type route struct {
	method string
	action string
	roles  []Role
	serve  func(h *Handler, r *http.Request, c *call) (any, error)
}

// call is what one request accumulates for its audit row.
type call struct {
	id     string
	actor  string
	role   Role
	action string
	target string
}

// reqError is an error with its status and a safe message for the client.
type reqError struct {
	status int
	msg    string
}

func (e *reqError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &reqError{status: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
}

// New builds the handler from cfg, resolving token hashes. It fails when a
// dependency is missing or a token is misconfigured.
func New(cfg Config, deps Deps) (*Handler, error) {
	switch {
	case deps.Audit == nil:
		return nil, errors.New("admin: no audit log")
	case deps.Ledger == nil, deps.Transcripts == nil, deps.Reporter == nil, deps.Eraser == nil, deps.Subject == nil:
		return nil, errors.New("admin: missing dependency (ledger, transcripts, reporter, eraser and subject are required)")
	}
	creds, err := cfg.credentials(deps.Getenv)
	if err != nil {
		return nil, err
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	h := &Handler{creds: creds, deps: deps}
	h.routes = map[string]route{
		"/admin/ledger":      {http.MethodGet, "ledger.read", []Role{RoleAuditor}, (*Handler).ledger},
		"/admin/report":      {http.MethodGet, "report.read", []Role{RoleAuditor}, (*Handler).report},
		"/admin/audit":       {http.MethodGet, "audit.read", []Role{RoleAuditor}, (*Handler).auditTrail},
		"/admin/transcripts": {http.MethodGet, "transcripts.read", []Role{RoleOperator}, (*Handler).transcripts},
		"/admin/erase":       {http.MethodPost, "erase", []Role{RoleAdmin}, (*Handler).erase},
	}
	return h, nil
}

// ServeHTTP authenticates, routes, authorizes, serves and audits.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &call{id: newRequestID(), target: "*", action: "unknown"}
	w.Header().Set(headerRequestID, c.id)
	w.Header().Set("Cache-Control", "no-store")
	path := strings.TrimSuffix(r.URL.Path, "/")
	rt, known := h.routes[path]
	if known {
		c.action = rt.action
	}

	cred, actor, ok := h.authenticate(r)
	c.actor, c.role = actor, cred.role
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="veil-admin"`)
		h.finish(w, r, c, OutcomeUnauthenticated, &reqError{http.StatusUnauthorized, "a valid bearer token is required"}, nil)
		return
	}
	if !known {
		h.finish(w, r, c, OutcomeNotFound, &reqError{http.StatusNotFound, "no such endpoint"}, nil)
		return
	}
	if r.Method != rt.method {
		w.Header().Set("Allow", rt.method)
		h.finish(w, r, c, OutcomeMethodNotAllowed, &reqError{http.StatusMethodNotAllowed, "use " + rt.method}, nil)
		return
	}
	allowed := false
	for _, role := range rt.roles {
		allowed = allowed || role == c.role
	}
	if !allowed {
		// The target is still recorded when it can be read: who tried to
		// act on whom is what the log is for.
		h.readTarget(r, c)
		h.finish(w, r, c, OutcomeDenied, &reqError{http.StatusForbidden, "role " + string(c.role) + " may not " + rt.action}, nil)
		return
	}
	body, err := rt.serve(h, r, c)
	switch {
	case err == nil:
		h.finish(w, r, c, OutcomeAllowed, nil, body)
	case isRequestError(err):
		h.finish(w, r, c, OutcomeInvalid, err, nil)
	default:
		h.deps.Log.Error().Str("request", c.id).Str("action", c.action).Err(err).Msg("admin request failed")
		h.finish(w, r, c, OutcomeFailed, &reqError{http.StatusInternalServerError, "internal error"}, nil)
	}
}

func isRequestError(err error) bool {
	var re *reqError
	return errors.As(err, &re)
}

// authenticate returns the credential matching the bearer token and the
// actor to log: its name, or ActorAnonymous / ActorUnknownToken with ok
// false. Every configured hash is compared, in constant time, whatever
// matches.
func (h *Handler) authenticate(r *http.Request) (cred credential, actor string, ok bool) {
	auth := r.Header.Get("Authorization")
	scheme, tok, hasTok := strings.Cut(auth, " ")
	tok = strings.TrimSpace(tok)
	if !hasTok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return credential{}, ActorAnonymous, false
	}
	sum := sha256.Sum256([]byte(tok))
	found := -1
	for i := range h.creds {
		if subtle.ConstantTimeCompare(sum[:], h.creds[i].hash[:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return credential{}, ActorUnknownToken, false
	}
	return h.creds[found], h.creds[found].name, true
}

// finish writes the audit row, then the response. A failed audit write
// turns any answer into a 500 without the data: nothing is served
// unaudited. (An erasure has happened by then; its tombstone carries the
// request ID.)
func (h *Handler) finish(w http.ResponseWriter, r *http.Request, c *call, outcome string, rerr error, body any) {
	ev := store.AuditEvent{At: h.deps.Now().UTC(), Actor: c.actor, Role: string(c.role), Action: c.action,
		Target: c.target, Outcome: outcome, Request: c.id}
	// The row must be written even if the client went away.
	actx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Second)
	defer cancel()
	if _, err := h.deps.Audit.AppendAudit(actx, ev); err != nil {
		h.deps.Log.Error().Str("request", c.id).Str("action", c.action).Err(err).Msg("admin audit log write failed; request refused")
		rerr, body = &reqError{http.StatusInternalServerError, "audit log unavailable"}, nil
	}
	h.deps.Log.Info().Str("request", c.id).Str("actor", c.actor).Str("role", string(c.role)).
		Str("action", c.action).Str("outcome", outcome).Msg("admin request")
	w.Header().Set("Content-Type", "application/json")
	if rerr != nil {
		re := &reqError{http.StatusInternalServerError, "internal error"}
		errors.As(rerr, &re)
		w.WriteHeader(re.status)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": re.msg, "request": c.id})
		return
	}
	_ = json.NewEncoder(w).Encode(body)
}

// readTarget fills c.target from the request without acting on it: the
// subject query parameter, or the subject of the erase body's number.
func (h *Handler) readTarget(r *http.Request, c *call) {
	if s := r.URL.Query().Get("subject"); validSubject(s) {
		c.target = s
		return
	}
	if r.Method == http.MethodPost {
		if wa, err := readErase(r); err == nil {
			c.target = h.deps.Subject(wa)
		}
	}
}

// validSubject reports whether s looks like a subject: 64 lower-case hex.
func validSubject(s string) bool {
	if len(s) != subjectHexLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// subjectParam reads the required subject parameter into c.target.
func subjectParam(r *http.Request, c *call) (string, error) {
	s := r.URL.Query().Get("subject")
	if !validSubject(s) {
		return "", badRequest("subject must be a subject hash (64 lower-case hex characters)")
	}
	c.target = s
	return s, nil
}

func intParam(r *http.Request, name string, def, maxV int) (int, error) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n <= 0 || n > maxV {
		return 0, badRequest("%s must be a whole number from 1 to %d", name, maxV)
	}
	return n, nil
}

func newRequestID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return requestIDPrefix + hex.EncodeToString(b)
}

// ---- endpoints ----

// LedgerPage is the answer of GET /admin/ledger.
type LedgerPage struct {
	Subject string               `json:"subject,omitempty"`
	Events  []store.ConsentEvent `json:"events"`
	Next    store.Cursor         `json:"next,omitempty"` // pass as after= for the next page
}

func (h *Handler) ledger(r *http.Request, c *call) (any, error) {
	if r.URL.Query().Has("subject") {
		subject, err := subjectParam(r, c)
		if err != nil {
			return nil, err
		}
		evs, err := h.deps.Ledger.ConsentHistory(r.Context(), subject)
		if err != nil {
			return nil, fmt.Errorf("consent history: %w", err)
		}
		return LedgerPage{Subject: subject, Events: nonNil(evs)}, nil
	}
	sc, ok := h.deps.Ledger.(store.Inspector)
	if !ok {
		return nil, badRequest("subject is required")
	}
	limit, err := intParam(r, "limit", defaultPage, maxPage)
	if err != nil {
		return nil, err
	}
	evs, next, err := sc.ScanConsent(r.Context(), store.Cursor(r.URL.Query().Get("after")), limit)
	if errors.Is(err, store.ErrInvalidCursor) {
		return nil, badRequest("after is not a cursor from a previous page")
	}
	if err != nil {
		return nil, fmt.Errorf("scan consent: %w", err)
	}
	return LedgerPage{Events: nonNil(evs), Next: next}, nil
}

func (h *Handler) report(r *http.Request, _ *call) (any, error) {
	since, err := audit.ParseSince(r.URL.Query().Get("since"), h.deps.Now())
	if err != nil {
		return nil, badRequest("since must be a duration (720h, 30d), a date (2026-01-02) or an RFC 3339 time")
	}
	rep, err := h.deps.Reporter.Report(r.Context(), audit.Options{Since: since})
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return rep, nil
}

// AuditPage is the answer of GET /admin/audit.
type AuditPage struct {
	Events []store.AuditEvent `json:"events"`
}

func (h *Handler) auditTrail(r *http.Request, _ *call) (any, error) {
	since, err := audit.ParseSince(r.URL.Query().Get("since"), h.deps.Now())
	if err != nil {
		return nil, badRequest("since must be a duration (720h, 30d), a date (2026-01-02) or an RFC 3339 time")
	}
	limit, err := intParam(r, "limit", defaultAuditLimit, maxPage)
	if err != nil {
		return nil, err
	}
	evs, err := h.deps.Audit.AuditTrail(r.Context(), since, limit)
	if err != nil {
		return nil, fmt.Errorf("audit trail: %w", err)
	}
	return AuditPage{Events: nonNil(evs)}, nil
}

// TranscriptPage is the answer of GET /admin/transcripts.
type TranscriptPage struct {
	Subject   string         `json:"subject"`
	Records   []store.Record `json:"records"`
	Truncated bool           `json:"truncated,omitempty"` // more than the first 10000 records exist
}

func (h *Handler) transcripts(r *http.Request, c *call) (any, error) {
	subject, err := subjectParam(r, c)
	if err != nil {
		return nil, err
	}
	rs, err := h.deps.Transcripts.Records(r.Context(), subject)
	if err != nil {
		return nil, fmt.Errorf("records: %w", err)
	}
	page := TranscriptPage{Subject: subject, Records: nonNil(rs)}
	if len(rs) > maxRecords {
		page.Records, page.Truncated = rs[:maxRecords], true
	}
	return page, nil
}

// EraseRequest is the body of POST /admin/erase.
type EraseRequest struct {
	WaID string `json:"wa_id"` // the user's WhatsApp number, digits with an optional +
}

// EraseResult is the answer of POST /admin/erase. It names the subject,
// never the number.
type EraseResult struct {
	Subject string `json:"subject"`
	Erased  bool   `json:"erased"`
	Request string `json:"request"` // the tombstone's evidence
}

// readErase reads and validates the erase body, returning the number.
func readErase(r *http.Request) (string, error) {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody))
	dec.DisallowUnknownFields()
	var req EraseRequest
	if err := dec.Decode(&req); err != nil {
		return "", badRequest(`body must be {"wa_id": "<number>"}`)
	}
	if !validWaID(req.WaID) {
		return "", badRequest("wa_id must be a phone number in international format: 6 to 15 digits, optionally with + and spaces")
	}
	return req.WaID, nil
}

// validWaID accepts digits with an optional leading + and spaces, dashes
// or dots between them; 6 to 15 digits (E.164 allows at most 15).
func validWaID(s string) bool {
	s = strings.TrimPrefix(strings.TrimSpace(s), "+")
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == ' ' || c == '-' || c == '.':
		default:
			return false
		}
	}
	return digits >= 6 && digits <= 15
}

func (h *Handler) erase(r *http.Request, c *call) (any, error) {
	wa, err := readErase(r)
	if err != nil {
		return nil, err
	}
	c.target = h.deps.Subject(wa)
	// Not cut short by a client that hangs up: shredding and deleting
	// should both happen.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), eraseTimeout)
	defer cancel()
	if err := h.deps.Eraser(ctx, c.target, c.id); err != nil {
		return nil, fmt.Errorf("erase: %w", err)
	}
	return EraseResult{Subject: c.target, Erased: true, Request: c.id}, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
