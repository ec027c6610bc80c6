package llm_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	openai "github.com/sashabaranov/go-openai"

	"github.com/veilhq/veil/internal/openaitest"
	"github.com/veilhq/veil/llm"
	"github.com/veilhq/veil/pipeline"
	"github.com/veilhq/veil/store"
)

const (
	rawEmail = "ana.garcia@example.com"
	rawPhone = "447700900123"
)

// sleeper records the waits the client asks for instead of sleeping.
type sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return ctx.Err()
}

func (s *sleeper) Waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// transcripts is a store.Transcripts with one function field.
type transcripts struct {
	records func(subject string) []store.Record
}

func (f transcripts) AppendRecord(context.Context, store.Record) error {
	return errors.New("read only")
}
func (f transcripts) Records(_ context.Context, subject string) ([]store.Record, error) {
	return f.records(subject), nil
}

func turn() *pipeline.Turn {
	return &pipeline.Turn{
		MessageID: "wamid.1", UserID: rawPhone, Subject: "subj-a", LogID: "log-a", Conversation: "conv-a",
		Language: "en", Kind: pipeline.KindText,
		Text:     "My email is " + rawEmail + ", where is my order?",
		Redacted: "My email is <EMAIL_1>, where is my order?",
	}
}

func newResponder(t *testing.T, srv *openaitest.Server, cfg llm.Config, hist store.Transcripts, sl *sleeper, log zerolog.Logger) *llm.Responder {
	t.Helper()
	cfg.BaseURL = srv.URL
	if cfg.APIKey == "" {
		cfg.APIKey = srv.APIKey
	}
	if cfg.Model == "" {
		cfg.Model = "test-model"
	}
	r, err := llm.NewWithClient(cfg, hist, log, llm.ClientConfig{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second, Sleep: sl.Sleep})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r
}

func TestRespondRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		cfg        llm.Config
		queue      []openaitest.Response
		wantText   string // "" means an error is expected
		wantStatus int    // the APIError's status on failure
		wantCalls  int
		checkWaits func(t *testing.T, waits []time.Duration)
	}{
		{
			name:      "OK",
			queue:     []openaitest.Response{openaitest.Completion("  Hi! We will write to <EMAIL_1> today.\n")},
			wantText:  "Hi! We will write to <EMAIL_1> today.",
			wantCalls: 1,
			checkWaits: func(t *testing.T, w []time.Duration) {
				if len(w) != 0 {
					t.Errorf("waits = %v, want none", w)
				}
			},
		},
		{
			name:      "RateLimitedThenOKHonoursRetryAfter",
			queue:     []openaitest.Response{openaitest.RateLimit("3"), openaitest.Completion("done")},
			wantText:  "done",
			wantCalls: 2,
			checkWaits: func(t *testing.T, w []time.Duration) {
				if len(w) != 1 || w[0] != 3*time.Second {
					t.Errorf("waits = %v, want [3s] from Retry-After", w)
				}
			},
		},
		{
			name: "RateLimitedRetryAfterMs",
			queue: []openaitest.Response{
				{Status: 429, Header: http.Header{"Retry-After-Ms": {"250"}}, Body: `{"error":{"message":"slow down","type":"requests","code":"rate_limit_exceeded"}}`},
				openaitest.Completion("done"),
			},
			wantText:  "done",
			wantCalls: 2,
			checkWaits: func(t *testing.T, w []time.Duration) {
				if len(w) != 1 || w[0] != 250*time.Millisecond {
					t.Errorf("waits = %v, want [250ms]", w)
				}
			},
		},
		{
			name:      "RateLimitedWithoutRetryAfterBacksOff",
			queue:     []openaitest.Response{openaitest.RateLimit(""), openaitest.Completion("done")},
			wantText:  "done",
			wantCalls: 2,
			checkWaits: func(t *testing.T, w []time.Duration) {
				if len(w) != 1 || w[0] < 50*time.Millisecond || w[0] > 100*time.Millisecond {
					t.Errorf("waits = %v, want one in [50ms, 100ms] (base delay with jitter)", w)
				}
			},
		},
		{
			name:       "ServerErrorsExhaustRetries",
			cfg:        llm.Config{MaxRetries: 3},
			queue:      []openaitest.Response{openaitest.ServerError(), openaitest.ServerError(), openaitest.ServerError(), openaitest.ServerError(), openaitest.Completion("too late")},
			wantStatus: 500,
			wantCalls:  4,
			checkWaits: func(t *testing.T, w []time.Duration) {
				want := [][2]time.Duration{{50, 100}, {100, 200}, {200, 400}}
				if len(w) != len(want) {
					t.Fatalf("waits = %v, want %d", w, len(want))
				}
				for i, b := range want {
					if w[i] < b[0]*time.Millisecond || w[i] > b[1]*time.Millisecond {
						t.Errorf("wait %d = %v, want in [%dms, %dms] (exponential with jitter)", i, w[i], b[0], b[1])
					}
				}
			},
		},
		{
			name:       "BadGatewayThenOK",
			queue:      []openaitest.Response{{Status: 502, Body: "<html>bad gateway</html>"}, openaitest.Completion("ok")},
			wantText:   "ok",
			wantCalls:  2,
			checkWaits: func(t *testing.T, w []time.Duration) {},
		},
		{
			name:       "UnauthorizedNoRetry",
			queue:      []openaitest.Response{openaitest.Error(401, "invalid_request_error", "invalid_api_key", "Incorrect API key"), openaitest.Completion("never")},
			wantStatus: 401,
			wantCalls:  1,
			checkWaits: func(t *testing.T, w []time.Duration) {
				if len(w) != 0 {
					t.Errorf("waits = %v, want none", w)
				}
			},
		},
		{
			name:       "WrongKeyRejectedByServer",
			cfg:        llm.Config{APIKey: "sk-wrong"},
			wantStatus: 401,
			wantCalls:  1,
			checkWaits: func(t *testing.T, w []time.Duration) {},
		},
		{
			name:       "BadRequestNoRetry",
			queue:      []openaitest.Response{openaitest.Error(400, "invalid_request_error", "context_length_exceeded", "too long"), openaitest.Completion("never")},
			wantStatus: 400,
			wantCalls:  1,
			checkWaits: func(t *testing.T, w []time.Duration) {},
		},
		{
			name:       "RetryAfterTooLongGivesUp",
			queue:      []openaitest.Response{openaitest.RateLimit("3600"), openaitest.Completion("never")},
			wantStatus: 429,
			wantCalls:  1,
			checkWaits: func(t *testing.T, w []time.Duration) {
				if len(w) != 0 {
					t.Errorf("waits = %v, want none", w)
				}
			},
		},
		{
			name:       "EmptyCompletionIsAnError",
			queue:      []openaitest.Response{openaitest.Completion(" \n ")},
			wantCalls:  1,
			checkWaits: func(t *testing.T, w []time.Duration) {},
		},
		{
			name:      "TimeoutThenOK",
			cfg:       llm.Config{Timeout: time.Second}, // generous: the second attempt must succeed on a loaded machine
			queue:     []openaitest.Response{openaitest.Timeout(), openaitest.Completion("ok")},
			wantText:  "ok",
			wantCalls: 2,
			checkWaits: func(t *testing.T, w []time.Duration) {
				if len(w) != 1 {
					t.Errorf("waits = %v, want one backoff after the timeout", w)
				}
			},
		},
		{
			name:      "TimeoutsExhaustRetries",
			cfg:       llm.Config{Timeout: 50 * time.Millisecond, MaxRetries: 1},
			queue:     []openaitest.Response{openaitest.Timeout(), openaitest.Timeout()},
			wantCalls: 2,
			checkWaits: func(t *testing.T, w []time.Duration) {
				if len(w) != 1 {
					t.Errorf("waits = %v, want 1", w)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.New(t)
			srv.QueueChat(tt.queue...)
			sl := &sleeper{}
			r := newResponder(t, srv, tt.cfg, nil, sl, zerolog.Nop())
			got, err := r.Respond(t.Context(), turn())
			if tt.wantText != "" {
				if err != nil {
					t.Fatalf("Respond: %v", err)
				}
				if got.Text != tt.wantText || !got.Generated {
					t.Errorf("reply = %+v, want %q marked Generated (for the output guard)", got, tt.wantText)
				}
			} else {
				if err == nil {
					t.Fatalf("Respond = %+v, want an error", got)
				}
				var ae *llm.APIError
				if tt.wantStatus != 0 && (!errors.As(err, &ae) || ae.Status != tt.wantStatus) {
					t.Errorf("error = %v, want an APIError with status %d", err, tt.wantStatus)
				}
				if strings.HasPrefix(tt.name, "Timeout") && !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("error = %v, want a deadline exceeded", err)
				}
			}
			if n := srv.Count("chat"); n != tt.wantCalls {
				t.Errorf("server got %d chat calls, want %d", n, tt.wantCalls)
			}
			tt.checkWaits(t, sl.Waits())
			srv.AssertNoRaw(t, rawEmail, rawPhone)
		})
	}
}

func TestRespondCallerCancelStopsRetrying(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	srv.QueueChat(openaitest.ServerError(), openaitest.Completion("never"))
	ctx, cancel := context.WithCancel(t.Context())
	// Cancel while the client waits to retry.
	r, err := llm.NewWithClient(llm.Config{BaseURL: srv.URL, APIKey: srv.APIKey, Model: "m"}, nil, zerolog.Nop(),
		llm.ClientConfig{Sleep: func(ctx context.Context, d time.Duration) error {
			cancel()
			return ctx.Err()
		}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Respond(ctx, turn())
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Respond = %v, want context.Canceled", err)
	}
	if n := srv.Count("chat"); n != 1 {
		t.Errorf("chat calls = %d, want 1 (no retry after cancel)", n)
	}
}

func TestRespondSendsOnlyPseudonymizedBoundedHistory(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	live, dead := now.Add(time.Hour), now.Add(-time.Minute)
	rec := func(conv string, kind store.RecordKind, text string, exp time.Time) store.Record {
		return store.Record{Subject: "subj-a", Conversation: conv, Kind: kind, Text: text, Expires: exp}
	}
	records := []store.Record{
		rec("conv-a", store.RecordUser, "h1 hello, I am <PERSON_1>", live),
		rec("conv-a", store.RecordBot, "h2 hi <PERSON_1>, how can I help?", live),
		rec("conv-a", store.RecordUser, "h3 expired message", dead),
		rec("conv-b", store.RecordUser, "h4 other conversation", live),
		rec("conv-a", store.RecordStatus, "h5 delivered", live),
		rec("conv-a", store.RecordUser, "h6 call me at <PHONE_NUMBER_1>", live),
		rec("conv-a", store.RecordBot, "h7 noted, <PERSON_1>", live),
		{Subject: "subj-a", Conversation: "conv-a", Kind: store.RecordUser, MessageID: "wamid.1", Text: "h8 the current message, already recorded", Expires: live},
	}
	hist := transcripts{records: func(subject string) []store.Record {
		if subject != "subj-a" {
			t.Errorf("Records(%q), want the turn's subject", subject)
			return nil
		}
		return records
	}}
	tests := []struct {
		name string
		cfg  llm.Config
		want []string // history contents sent, oldest first, by their "hN" prefix
	}{
		{"Default", llm.Config{}, []string{"h1", "h2", "h6", "h7"}},
		{"MaxHistory2", llm.Config{MaxHistory: 2}, []string{"h6", "h7"}},
		{"MaxHistoryCharsKeepsNewest", llm.Config{MaxHistoryChars: len("h6 call me at <PHONE_NUMBER_1>") + len("h7 noted, <PERSON_1>") + 5}, []string{"h6", "h7"}},
		{"NoHistory", llm.Config{MaxHistory: -1}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.New(t)
			r := newResponder(t, srv, tt.cfg, hist, &sleeper{}, zerolog.Nop())
			r.Now = func() time.Time { return now }
			got, err := r.Respond(t.Context(), turn())
			if err != nil {
				t.Fatalf("Respond: %v", err)
			}
			// The default fake echoes the last user message: the pseudonym
			// comes back as the model wrote it.
			if want := "You said: My email is <EMAIL_1>, where is my order?"; got.Text != want {
				t.Errorf("reply = %q, want %q", got.Text, want)
			}
			reqs := srv.ChatRequests(t)
			if len(reqs) != 1 {
				t.Fatalf("chat requests = %d, want 1", len(reqs))
			}
			msgs := reqs[0].Messages
			if len(msgs) != len(tt.want)+2 {
				t.Fatalf("sent %d messages %+v, want system + %d history + user", len(msgs), msgs, len(tt.want))
			}
			if msgs[0].Role != openai.ChatMessageRoleSystem || !strings.Contains(msgs[0].Content, "<PERSON_1>") || !strings.Contains(msgs[0].Content, "verbatim") {
				t.Errorf("first message = %+v, want the system prompt with the placeholder rules", msgs[0])
			}
			for i, w := range tt.want {
				m := msgs[i+1]
				if !strings.HasPrefix(m.Content, w+" ") {
					t.Errorf("history %d = %q, want %s", i, m.Content, w)
				}
				wantRole := openai.ChatMessageRoleUser
				if w == "h2" || w == "h7" {
					wantRole = openai.ChatMessageRoleAssistant
				}
				if m.Role != wantRole {
					t.Errorf("history %d role = %s, want %s", i, m.Role, wantRole)
				}
			}
			last := msgs[len(msgs)-1]
			if last.Role != openai.ChatMessageRoleUser || last.Content != turn().Redacted {
				t.Errorf("last message = %+v, want the redacted turn", last)
			}
			srv.AssertSent(t, "<EMAIL_1>")
			srv.AssertNoRaw(t, rawEmail, rawPhone, "subj-a", "log-a", "conv-a")
		})
	}
}

func TestRespondWithoutRedactedTextFails(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	r := newResponder(t, srv, llm.Config{}, nil, &sleeper{}, zerolog.Nop())
	tu := turn()
	tu.Redacted = ""
	if _, err := r.Respond(t.Context(), tu); err == nil {
		t.Error("Respond with no redacted text succeeded; it must not fall back to the raw text")
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("server got %d requests, want 0", n)
	}
}

func TestLogsAndErrorsCarryNoContent(t *testing.T) {
	t.Parallel()
	const secret = "ECHOED-PROMPT-CONTENT"
	srv := openaitest.New(t)
	srv.QueueChat(
		openaitest.Error(500, "server_error", "", "failed on: "+secret),
		openaitest.Completion("reply "+secret+" <EMAIL_1>"),
		openaitest.Error(400, "invalid_request_error", "bad", "your prompt "+secret+" is bad"),
	)
	var buf bytes.Buffer
	log := zerolog.New(&buf).Level(zerolog.DebugLevel)
	r := newResponder(t, srv, llm.Config{MaxRetries: -1}, nil, &sleeper{}, log)
	for i := range 3 {
		rep, err := r.Respond(t.Context(), turn())
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Errorf("call %d: error %q carries response content", i, err)
		}
		if i == 1 && rep.Text == "" {
			t.Errorf("call %d: %v, want a reply", i, err)
		}
	}
	out := buf.String()
	for _, s := range []string{secret, "<EMAIL_1>", "where is my order", rawEmail} {
		if strings.Contains(out, s) {
			t.Errorf("logs contain %q:\n%s", s, out)
		}
	}
	for _, s := range []string{`"status":500`, `"status":400`, `"status":200`, `"model":"test-model"`, `"attempt":1`, `"latency"`} {
		if !strings.Contains(out, s) {
			t.Errorf("logs lack %s:\n%s", s, out)
		}
	}
}

func TestAzure(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	srv.QueueChat(openaitest.Completion("hello from azure"))
	r, err := llm.New(llm.Config{
		BaseURL: strings.TrimSuffix(srv.URL, "/v1"), APIKey: srv.APIKey, APIType: "azure", APIVersion: "2024-06-01", Model: "my-deployment",
	}, nil, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Respond(t.Context(), turn())
	if err != nil || got.Text != "hello from azure" {
		t.Fatalf("Respond = %+v, %v", got, err)
	}
	req := srv.Requests()[0]
	if req.Path != "/openai/deployments/my-deployment/chat/completions" || req.Query != "api-version=2024-06-01" {
		t.Errorf("request to %s?%s, want the deployment URL with api-version", req.Path, req.Query)
	}
	if req.Header.Get("api-key") != srv.APIKey || req.Header.Get("Authorization") != "" {
		t.Errorf("headers = %v, want api-key only", req.Header)
	}
}

func TestEnabledAndNew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     llm.Config
		enabled bool
		newErr  bool
	}{
		{"NoKeyIsOff", llm.Config{BaseURL: "http://localhost:1/v1"}, false, true},
		{"BlankKeyIsOff", llm.Config{APIKey: "  "}, false, true},
		{"KeyIsOn", llm.Config{APIKey: "sk-x"}, true, false},
		{"BadTemperature", llm.Config{APIKey: "sk-x", Temperature: 3}, true, true},
		{"UnknownAPIType", llm.Config{APIKey: "sk-x", APIType: "bedrock"}, true, true},
		{"AzureNeedsURL", llm.Config{APIKey: "sk-x", APIType: "azure"}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := llm.Enabled(tt.cfg); got != tt.enabled {
				t.Errorf("Enabled = %v, want %v", got, tt.enabled)
			}
			_, err := llm.New(tt.cfg, nil, zerolog.Nop())
			if (err != nil) != tt.newErr {
				t.Errorf("New error = %v, want error %v", err, tt.newErr)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header http.Header
		want   time.Duration
	}{
		{"Seconds", http.Header{"Retry-After": {"7"}}, 7 * time.Second},
		{"FractionalSeconds", http.Header{"Retry-After": {"1.5"}}, 1500 * time.Millisecond},
		{"HTTPDate", http.Header{"Retry-After": {now.Add(90 * time.Second).Format(http.TimeFormat)}}, 90 * time.Second},
		{"PastDate", http.Header{"Retry-After": {now.Add(-time.Hour).Format(http.TimeFormat)}}, 0},
		{"MillisecondsWin", http.Header{"Retry-After": {"7"}, "Retry-After-Ms": {"20"}}, 20 * time.Millisecond},
		{"Garbage", http.Header{"Retry-After": {"soon"}}, 0},
		{"Negative", http.Header{"Retry-After": {"-3"}}, 0},
		{"Absent", http.Header{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := llm.ParseRetryAfter(tt.header, now); got != tt.want {
				t.Errorf("ParseRetryAfter = %v, want %v", got, tt.want)
			}
		})
	}
}
