package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/rs/zerolog"
)

const (
	testPhoneID    = "106540352242922"
	testAccess     = "EAAtest-access-token"
	testRecipient  = "16505551234"
	graphErrSecret = "Recipient 16505551234 said something private"
)

// reply is one scripted Graph answer; zero status means a 200 success.
type reply struct {
	status int
	body   string
	header map[string]string
}

// graphServer answers with a script and records what it received, checking
// method, path, bearer token and content type on every request.
type graphServer struct {
	t      *testing.T
	mu     sync.Mutex
	script []reply
	bodies []map[string]any
	*httptest.Server
}

func newGraphServer(t *testing.T, script ...reply) *graphServer {
	g := &graphServer{t: t, script: script}
	g.Server = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(g.Close)
	return g
}

func (g *graphServer) serve(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := len(g.bodies)
	if r.Method != http.MethodPost {
		g.t.Errorf("request %d: method %s, want POST", n, r.Method)
	}
	if want := "/v21.0/" + testPhoneID + "/messages"; r.URL.Path != want {
		g.t.Errorf("request %d: path %s, want %s", n, r.URL.Path, want)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+testAccess {
		g.t.Errorf("request %d: Authorization %q", n, got)
	}
	if got := r.Header.Get("Content-Type"); got != "application/json" {
		g.t.Errorf("request %d: Content-Type %q", n, got)
	}
	var body map[string]any
	raw, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(raw, &body); err != nil {
		g.t.Errorf("request %d: body is not JSON: %v", n, err)
	}
	g.bodies = append(g.bodies, body)
	if n >= len(g.script) {
		g.t.Errorf("unexpected request %d (script has %d)", n, len(g.script))
		w.WriteHeader(http.StatusTeapot)
		return
	}
	rep := g.script[n]
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	if rep.status == 0 {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"messaging_product":"whatsapp","contacts":[{"input":"%s","wa_id":"%s"}],"messages":[{"id":"wamid.OUT%d"}]}`,
			testRecipient, testRecipient, n)
		return
	}
	w.WriteHeader(rep.status)
	io.WriteString(w, rep.body)
}

func (g *graphServer) requests() []map[string]any {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]map[string]any(nil), g.bodies...)
}

// sleepRecorder is an instant Sleep that records the waits asked for.
type sleepRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return ctx.Err()
}

func (s *sleepRecorder) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

var testNow = time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)

func newTestClient(g *graphServer, sl *sleepRecorder, logs *bytes.Buffer) *Client {
	c := &Client{
		BaseURL:       g.URL + "/v21.0/",
		AccessToken:   testAccess,
		PhoneNumberID: testPhoneID,
		HTTPClient:    g.Client(),
		Retry: RetryPolicy{
			MaxAttempts: 4,
			BaseDelay:   100 * time.Millisecond,
			MaxDelay:    10 * time.Second,
			Sleep:       sl.sleep,
			Rand:        func() float64 { return 0.5 },
		},
		Now: func() time.Time { return testNow },
	}
	if logs != nil {
		c.Logger = zerolog.New(logs).Level(zerolog.DebugLevel)
	}
	return c
}

func graphError(code, subcode int, transient bool) string {
	return fmt.Sprintf(`{"error":{"message":%q,"type":"OAuthException","code":%d,"error_subcode":%d,"is_transient":%v,"fbtrace_id":"AbCdEf123"}}`,
		graphErrSecret, code, subcode, transient)
}

func TestSendTextWireFormat(t *testing.T) {
	g := newGraphServer(t, reply{})
	var logs bytes.Buffer
	c := newTestClient(g, &sleepRecorder{}, &logs)
	id, err := c.SendText(context.Background(), testRecipient, "Your order #12 ships today")
	if err != nil {
		t.Fatalf("SendText: %v", err)
	}
	if id != "wamid.OUT0" {
		t.Errorf("id = %q, want wamid.OUT0", id)
	}
	want := map[string]any{
		"messaging_product": "whatsapp",
		"recipient_type":    "individual",
		"to":                testRecipient,
		"type":              "text",
		"text":              map[string]any{"preview_url": false, "body": "Your order #12 ships today"},
	}
	if reqs := g.requests(); len(reqs) != 1 || !reflect.DeepEqual(reqs[0], want) {
		t.Fatalf("request bodies = %v, want [%v]", reqs, want)
	}
	if strings.Contains(logs.String(), testRecipient) || strings.Contains(logs.String(), "ships today") {
		t.Errorf("log leaks recipient or text: %s", logs.String())
	}
	if !strings.Contains(logs.String(), "wamid.OUT0") {
		t.Errorf("log lacks the wamid: %s", logs.String())
	}
}

func TestSendButtonsWireFormat(t *testing.T) {
	g := newGraphServer(t, reply{})
	c := newTestClient(g, &sleepRecorder{}, nil)
	id, err := c.SendButtons(context.Background(), testRecipient, "Did that help?", []Button{
		{ID: "yes", Title: "Yes"}, {ID: "no", Title: "No"}, {ID: "agent", Title: "Talk to a person"},
	})
	if err != nil || id != "wamid.OUT0" {
		t.Fatalf("SendButtons = %q, %v", id, err)
	}
	btn := func(id, title string) map[string]any {
		return map[string]any{"type": "reply", "reply": map[string]any{"id": id, "title": title}}
	}
	want := map[string]any{
		"messaging_product": "whatsapp",
		"recipient_type":    "individual",
		"to":                testRecipient,
		"type":              "interactive",
		"interactive": map[string]any{
			"type": "button",
			"body": map[string]any{"text": "Did that help?"},
			"action": map[string]any{"buttons": []any{
				btn("yes", "Yes"), btn("no", "No"), btn("agent", "Talk to a person"),
			}},
		},
	}
	if reqs := g.requests(); len(reqs) != 1 || !reflect.DeepEqual(reqs[0], want) {
		t.Fatalf("request bodies = %v, want [%v]", reqs, want)
	}
}

func TestSendRetries(t *testing.T) {
	backoff := func(attempt int) time.Duration {
		p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: 10 * time.Second, Rand: func() float64 { return 0.5 }}
		return p.Backoff(attempt)
	}
	tests := []struct {
		name         string
		script       []reply
		ctxDeadline  time.Duration // from testNow; 0 = none
		wantID       string
		wantRequests int
		wantWaits    []time.Duration
		// when an error is expected:
		wantStatus    int
		wantCode      int
		wantTemporary bool
		wantText      string
	}{
		{
			name:         "429Then200",
			script:       []reply{{status: 429, body: graphError(130429, 0, false)}, {}},
			wantID:       "wamid.OUT1",
			wantRequests: 2,
			wantWaits:    []time.Duration{backoff(1)},
		},
		{
			name:         "500500Then200",
			script:       []reply{{status: 500, body: graphError(2, 0, true)}, {status: 500, body: `oops`}, {}},
			wantID:       "wamid.OUT2",
			wantRequests: 3,
			wantWaits:    []time.Duration{backoff(1), backoff(2)},
		},
		{
			name:         "502HTMLThen200",
			script:       []reply{{status: 502, body: "<html>Bad Gateway</html>"}, {}},
			wantID:       "wamid.OUT1",
			wantRequests: 2,
			wantWaits:    []time.Duration{backoff(1)},
		},
		{
			name:         "RetryAfterSecondsHonoured",
			script:       []reply{{status: 429, header: map[string]string{"Retry-After": "7"}}, {}},
			wantID:       "wamid.OUT1",
			wantRequests: 2,
			wantWaits:    []time.Duration{7 * time.Second},
		},
		{
			name: "RetryAfterDateHonoured",
			script: []reply{
				{status: 503, header: map[string]string{"Retry-After": testNow.Add(3 * time.Second).Format(http.TimeFormat)}},
				{},
			},
			wantID:       "wamid.OUT1",
			wantRequests: 2,
			wantWaits:    []time.Duration{3 * time.Second},
		},
		{
			name:          "ErrRetryAfterBeyondMaxDelay",
			script:        []reply{{status: 429, header: map[string]string{"Retry-After": "120"}, body: graphError(80007, 0, false)}},
			wantRequests:  1,
			wantStatus:    429,
			wantCode:      80007,
			wantTemporary: true,
			wantText:      "retry after",
		},
		{
			name:          "ErrGraph400NoRetry",
			script:        []reply{{status: 400, body: graphError(100, 2494010, false)}},
			wantRequests:  1,
			wantStatus:    400,
			wantCode:      100,
			wantTemporary: false,
			wantText:      "subcode 2494010",
		},
		{
			name:          "ErrThrottleCodeOn400NoRetryButTemporary",
			script:        []reply{{status: 400, body: graphError(131056, 0, false)}},
			wantRequests:  1,
			wantStatus:    400,
			wantCode:      131056,
			wantTemporary: true,
		},
		{
			name:          "Err401NoRetry",
			script:        []reply{{status: 401, body: graphError(190, 463, false)}},
			wantRequests:  1,
			wantStatus:    401,
			wantCode:      190,
			wantTemporary: false,
		},
		{
			name: "ErrGiveUpAfterMaxAttempts",
			script: []reply{
				{status: 503, body: graphError(1, 0, true)}, {status: 503, body: graphError(1, 0, true)},
				{status: 503, body: graphError(1, 0, true)}, {status: 503, body: graphError(1, 0, true)},
			},
			wantRequests:  4,
			wantWaits:     []time.Duration{backoff(1), backoff(2), backoff(3)},
			wantStatus:    503,
			wantCode:      1,
			wantTemporary: true,
			wantText:      "gave up after 4 attempts",
		},
		{
			name:          "ErrDeadlineBeforeRetry",
			script:        []reply{{status: 429, header: map[string]string{"Retry-After": "7200"}}},
			ctxDeadline:   time.Hour,
			wantRequests:  1,
			wantStatus:    429,
			wantTemporary: true,
			wantText:      "deadline",
		},
		{
			name:         "ErrNoMessageID",
			script:       []reply{{status: 200, body: `{"messaging_product":"whatsapp","messages":[]}`}},
			wantRequests: 1,
			wantText:     "no message id",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGraphServer(t, tt.script...)
			sl := &sleepRecorder{}
			var logs bytes.Buffer
			c := newTestClient(g, sl, &logs)
			ctx := context.Background()
			if tt.ctxDeadline > 0 {
				// A real deadline (the HTTP request needs a live context),
				// far enough away not to expire during the test; MaxDelay
				// allows the Retry-After, so only the deadline stops the retry.
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.ctxDeadline)
				defer cancel()
				c.Now = time.Now
				c.Retry.MaxDelay = 3 * time.Hour
			}
			id, err := c.SendText(ctx, testRecipient, "hello there")
			if got := len(g.requests()); got != tt.wantRequests {
				t.Errorf("requests = %d, want %d", got, tt.wantRequests)
			}
			if got := sl.got(); !reflect.DeepEqual(got, tt.wantWaits) && !(len(got) == 0 && len(tt.wantWaits) == 0) {
				t.Errorf("waits = %v, want %v", got, tt.wantWaits)
			}
			if tt.wantID != "" {
				if err != nil || id != tt.wantID {
					t.Fatalf("SendText = %q, %v; want %q", id, err, tt.wantID)
				}
				return
			}
			if err == nil {
				t.Fatalf("SendText = %q, want error", id)
			}
			if id != "" {
				t.Errorf("id = %q on error", id)
			}
			if tt.wantText != "" && !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("err %q lacks %q", err, tt.wantText)
			}
			if strings.Contains(err.Error(), graphErrSecret) || strings.Contains(logs.String(), "said something private") {
				t.Errorf("Graph error message leaked into err or log")
			}
			if strings.Contains(logs.String(), testRecipient) || strings.Contains(logs.String(), "hello there") {
				t.Errorf("log leaks recipient or text: %s", logs.String())
			}
			if tt.wantStatus == 0 {
				return
			}
			apiErr, ok := AsAPIError(err)
			if !ok {
				t.Fatalf("err %v is not an *APIError", err)
			}
			if apiErr.StatusCode != tt.wantStatus || apiErr.Code != tt.wantCode {
				t.Errorf("APIError status/code = %d/%d, want %d/%d", apiErr.StatusCode, apiErr.Code, tt.wantStatus, tt.wantCode)
			}
			if apiErr.Temporary() != tt.wantTemporary || IsTemporary(err) != tt.wantTemporary {
				t.Errorf("Temporary = %v, want %v", apiErr.Temporary(), tt.wantTemporary)
			}
			if tt.wantCode != 0 {
				if apiErr.FBTraceID != "AbCdEf123" || apiErr.Message != graphErrSecret || apiErr.Type != "OAuthException" {
					t.Errorf("APIError fields not parsed: %+v", apiErr)
				}
				if !strings.Contains(logs.String(), "AbCdEf123") {
					t.Errorf("log lacks fbtrace_id: %s", logs.String())
				}
			}
		})
	}
}

func TestSendGraph400Subcode(t *testing.T) {
	g := newGraphServer(t, reply{status: 400, body: graphError(100, 2494010, false)})
	c := newTestClient(g, &sleepRecorder{}, nil)
	_, err := c.SendButtons(context.Background(), testRecipient, "Pick", []Button{{ID: "a", Title: "A"}})
	apiErr, ok := AsAPIError(err)
	if !ok || apiErr.Subcode != 2494010 || apiErr.Throttled() {
		t.Fatalf("err = %v (%+v), want APIError subcode 2494010, not throttled", err, apiErr)
	}
}

func TestSendContextCancelledDuringWait(t *testing.T) {
	g := newGraphServer(t, reply{status: 500})
	ctx, cancel := context.WithCancel(context.Background())
	c := newTestClient(g, &sleepRecorder{}, nil)
	c.Retry.Sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	_, err := c.SendText(ctx, testRecipient, "hi")
	if !errors.Is(err, context.Canceled) || len(g.requests()) != 1 {
		t.Fatalf("err = %v after %d requests; want context.Canceled after 1", err, len(g.requests()))
	}
}

func TestSendLongTextIsSplit(t *testing.T) {
	word := "palabra "
	long := strings.TrimSpace(strings.Repeat(word, 600)) // 4799 runes
	g := newGraphServer(t, reply{}, reply{})
	c := newTestClient(g, &sleepRecorder{}, nil)
	ids, err := c.SendTextParts(context.Background(), testRecipient, long)
	if err != nil {
		t.Fatalf("SendTextParts: %v", err)
	}
	if !reflect.DeepEqual(ids, []string{"wamid.OUT0", "wamid.OUT1"}) {
		t.Fatalf("ids = %v", ids)
	}
	var joined []string
	for i, r := range g.requests() {
		body := r["text"].(map[string]any)["body"].(string)
		if n := utf8.RuneCountInString(body); n > MaxTextRunes || n == 0 {
			t.Errorf("part %d has %d runes", i, n)
		}
		if strings.HasSuffix(body, " ") || strings.HasPrefix(body, " ") || strings.HasSuffix(body, "palabr") {
			t.Errorf("part %d not cut at a word boundary: ...%q", i, body[len(body)-10:])
		}
		joined = append(joined, body)
	}
	if got := strings.Join(joined, " "); got != long {
		t.Errorf("parts do not reassemble the text")
	}
}

func TestSendTextPartialFailure(t *testing.T) {
	g := newGraphServer(t, reply{}, reply{status: 400, body: graphError(131047, 0, false)})
	c := newTestClient(g, &sleepRecorder{}, nil)
	long := strings.Repeat("x ", 3000)
	ids, err := c.SendTextParts(context.Background(), testRecipient, long)
	if len(ids) != 1 || err == nil || !strings.Contains(err.Error(), "part 2 of 2") {
		t.Fatalf("ids = %v, err = %v; want 1 id and a part-2 error", ids, err)
	}
	if id, err := newTestClient(newGraphServer(t, reply{}, reply{status: 400}), &sleepRecorder{}, nil).SendText(context.Background(), testRecipient, long); id != "" || err == nil {
		t.Fatalf("SendText = %q, %v; want empty id and error", id, err)
	}
}

func TestSendRefusedBeforeSending(t *testing.T) {
	ok3 := []Button{{ID: "a", Title: "A"}, {ID: "b", Title: "B"}, {ID: "c", Title: "C"}}
	tests := []struct {
		name      string
		send      func(c *Client) error
		wantField string
		want      error
	}{
		{"ErrFourButtons", func(c *Client) error {
			_, err := c.SendButtons(context.Background(), testRecipient, "Pick", append(ok3, Button{ID: "d", Title: "D"}))
			return err
		}, "buttons", ErrInvalidMessage},
		{"ErrNoButtons", func(c *Client) error {
			_, err := c.SendButtons(context.Background(), testRecipient, "Pick", nil)
			return err
		}, "buttons", ErrInvalidMessage},
		{"ErrTitle21Runes", func(c *Client) error {
			_, err := c.SendButtons(context.Background(), testRecipient, "Pick", []Button{{ID: "a", Title: strings.Repeat("é", 21)}})
			return err
		}, "buttons[0].title", ErrInvalidMessage},
		{"ErrDuplicateTitles", func(c *Client) error {
			_, err := c.SendButtons(context.Background(), testRecipient, "Pick", []Button{{ID: "a", Title: "Yes"}, {ID: "b", Title: " yes"}})
			return err
		}, "buttons[1].title", ErrInvalidMessage},
		{"ErrDuplicateIDs", func(c *Client) error {
			_, err := c.SendButtons(context.Background(), testRecipient, "Pick", []Button{{ID: "a", Title: "Yes"}, {ID: "a", Title: "No"}})
			return err
		}, "buttons[1].id", ErrInvalidMessage},
		{"ErrEmptyTitle", func(c *Client) error {
			_, err := c.SendButtons(context.Background(), testRecipient, "Pick", []Button{{ID: "a", Title: "  "}})
			return err
		}, "buttons[0].title", ErrInvalidMessage},
		{"ErrIDTooLong", func(c *Client) error {
			_, err := c.SendButtons(context.Background(), testRecipient, "Pick", []Button{{ID: strings.Repeat("i", 257), Title: "A"}})
			return err
		}, "buttons[0].id", ErrInvalidMessage},
		{"ErrIDSpaces", func(c *Client) error {
			_, err := c.SendButtons(context.Background(), testRecipient, "Pick", []Button{{ID: " a", Title: "A"}})
			return err
		}, "buttons[0].id", ErrInvalidMessage},
		{"ErrButtonBodyTooLong", func(c *Client) error {
			_, err := c.SendButtons(context.Background(), testRecipient, strings.Repeat("ü", 1025), ok3)
			return err
		}, "body", ErrInvalidMessage},
		{"ErrButtonBodyEmpty", func(c *Client) error {
			_, err := c.SendButtons(context.Background(), testRecipient, "", ok3)
			return err
		}, "body", ErrInvalidMessage},
		{"ErrTextEmpty", func(c *Client) error {
			_, err := c.SendText(context.Background(), testRecipient, " \n ")
			return err
		}, "body", ErrInvalidMessage},
		{"ErrTextTooManyParts", func(c *Client) error {
			_, err := c.SendText(context.Background(), testRecipient, strings.Repeat("word ", MaxTextParts*MaxTextRunes/5+1000))
			return err
		}, "body", ErrInvalidMessage},
		{"ErrNoRecipient", func(c *Client) error {
			_, err := c.SendText(context.Background(), "", "hi")
			return err
		}, "to", ErrInvalidMessage},
		{"ErrNotConfigured", func(c *Client) error {
			c.AccessToken = ""
			_, err := c.SendText(context.Background(), testRecipient, "hi")
			return err
		}, "", ErrNotConfigured},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGraphServer(t) // any request is an error
			err := tt.send(newTestClient(g, &sleepRecorder{}, nil))
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if tt.wantField != "" {
				ve, ok := errors.AsType[*ValidationError](err)
				if !ok || ve.Field != tt.wantField {
					t.Errorf("first ValidationError = %+v, want field %q (err %v)", ve, tt.wantField, err)
				}
			}
			if n := len(g.requests()); n != 0 {
				t.Errorf("%d requests sent for an invalid message", n)
			}
		})
	}
}

func TestButtonMessageValidateReportsAll(t *testing.T) {
	err := ButtonMessage{Body: "", Buttons: []Button{
		{ID: "", Title: strings.Repeat("x", 21)}, {ID: "b", Title: "B"}, {ID: "c", Title: "b"}, {ID: "d", Title: "D"},
	}}.Validate()
	var fields []string
	for _, e := range unjoin(err) {
		if ve, ok := e.(*ValidationError); ok {
			fields = append(fields, ve.Field)
		}
	}
	want := []string{"body", "buttons", "buttons[0].id", "buttons[0].title", "buttons[2].title"}
	if !reflect.DeepEqual(fields, want) {
		t.Fatalf("fields = %v, want %v (err %v)", fields, want, err)
	}
	if strings.Contains(err.Error(), strings.Repeat("x", 21)) {
		t.Error("validation error quotes the title")
	}
}

func TestShortenTitle(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"Fits", "Talk to a person", "Talk to a person"},
		{"TrimsSpaces", "  Yes  ", "Yes"},
		{"Exactly20", strings.Repeat("a", 20), strings.Repeat("a", 20)},
		{"WordBoundary", "Schedule an appointment today", "Schedule an…"},
		{"NoSpacesHardCut", strings.Repeat("b", 30), strings.Repeat("b", 19) + "…"},
		{"Multibyte", "Überprüfung der Lieferadresse", "Überprüfung der…"},
		{"DropsTrailingPunct", "Yes, please, send it now", "Yes, please, send…"},
		{"KeepsCombiningMark", strings.Repeat("a", 18) + "e\u0301xyz", strings.Repeat("a", 18) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ShortenTitle(tt.in)
			if got != tt.want {
				t.Errorf("ShortenTitle(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if err := (Button{ID: "x", Title: got}).Validate(); err != nil {
				t.Errorf("shortened title invalid: %v", err)
			}
		})
	}
}

func TestSplitText(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		limit int
		want  []string
	}{
		{"Fits", "hello world", 20, []string{"hello world"}},
		{"Empty", "", 20, []string{""}},
		{"AtSpace", "aaaa bbbb cccc", 10, []string{"aaaa bbbb", "cccc"}},
		{"PrefersParagraph", "one two three.\n\nfour five six", 20, []string{"one two three.", "four five six"}},
		{"ParagraphTooEarlyUsesSpace", "one.\n\ntwo three four five", 12, []string{"one.\n\ntwo", "three four", "five"}},
		{"PrefersSentence", "Okay then. Go on now", 16, []string{"Okay then.", "Go on now"}},
		{"HardCutLongWord", "abcdefghijkl", 5, []string{"abcde", "fghij", "kl"}},
		{"Runes", "ééééé ééééé", 6, []string{"ééééé", "ééééé"}},
		{"NoSplitInsideZWJEmoji", "aaa👩\u200d💻b", 5, []string{"aaa", "👩\u200d💻b"}},
		{"LeadingSpaces", "          abc def", 8, []string{"abc def"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SplitText(tt.in, tt.limit)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("SplitText(%q, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
			}
		})
	}
}

// FuzzSplitText checks SplitText's promises: parts within the limit, never
// blank when split (no parts only for blank text that does not fit), and no
// non-space character lost, added or reordered.
func FuzzSplitText(f *testing.F) {
	f.Add("hello world, this is a longer sentence. And another one!\n\nNew paragraph.", 10)
	f.Add("e\u0301e\u0301e\u0301e\u0301e\u0301", 2)
	f.Add("\xff\xfe abc", 1)
	f.Fuzz(func(t *testing.T, s string, limit int) {
		limit = limit%64 + 1
		if limit <= 0 {
			limit += 64
		}
		parts := SplitText(s, limit)
		s = strings.ToValidUTF8(s, "\uFFFD")
		if (len(parts) == 0) != (strings.TrimSpace(s) == "" && utf8.RuneCountInString(s) > limit) {
			t.Fatalf("%d parts for %q", len(parts), s)
		}
		if len(parts) == 1 && parts[0] == s {
			return
		}
		var b strings.Builder
		for _, p := range parts {
			if n := utf8.RuneCountInString(p); n > limit {
				t.Fatalf("part of %d runes, limit %d", n, limit)
			}
			if strings.TrimSpace(p) == "" {
				t.Fatal("blank part")
			}
			b.WriteString(p)
		}
		if stripSpace(b.String()) != stripSpace(s) {
			t.Fatalf("content changed: %q -> %q", s, parts)
		}
	})
}

func stripSpace(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), "")
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		name    string
		p       RetryPolicy
		attempt int
		want    time.Duration
	}{
		{"FirstNoJitter", RetryPolicy{BaseDelay: time.Second, MaxDelay: time.Minute, Rand: func() float64 { return 0 }}, 1, 500 * time.Millisecond},
		{"FirstFullJitter", RetryPolicy{BaseDelay: time.Second, MaxDelay: time.Minute, Rand: func() float64 { return 0.5 }}, 1, 750 * time.Millisecond},
		{"Doubles", RetryPolicy{BaseDelay: time.Second, MaxDelay: time.Minute, Rand: func() float64 { return 0 }}, 3, 2 * time.Second},
		{"Capped", RetryPolicy{BaseDelay: time.Second, MaxDelay: 5 * time.Second, Rand: func() float64 { return 0 }}, 10, 2500 * time.Millisecond},
		{"HugeAttemptNoOverflow", RetryPolicy{BaseDelay: time.Hour, MaxDelay: 1<<63 - 1, Rand: func() float64 { return 0 }}, 200, (1<<63 - 1) / 2},
		{"BadRandIgnored", RetryPolicy{BaseDelay: time.Second, MaxDelay: time.Minute, Rand: func() float64 { return 7 }}, 1, 500 * time.Millisecond},
		{"Defaults", RetryPolicy{Rand: func() float64 { return 0 }}, 1, 250 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Backoff(tt.attempt); got != tt.want {
				t.Errorf("Backoff(%d) = %v, want %v", tt.attempt, got, tt.want)
			}
		})
	}
	// With the real random source every value stays within [d/2, d).
	p := RetryPolicy{BaseDelay: time.Second, MaxDelay: time.Minute}
	for range 100 {
		if d := p.Backoff(2); d < time.Second || d >= 2*time.Second {
			t.Fatalf("Backoff(2) = %v outside [1s, 2s)", d)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0}, {"3", 3 * time.Second}, {" 10 ", 10 * time.Second}, {"0", 0}, {"-4", 0}, {"soon", 0},
		{"999999999999", 24 * time.Hour},
		{testNow.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{testNow.Add(-time.Minute).Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := parseRetryAfter(tt.in, testNow); got != tt.want {
				t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
