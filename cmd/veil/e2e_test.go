package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	appSecret   = "e2e-app-secret"
	verifyToken = "e2e-verify-token"
	accessToken = "e2e-access-token"
	phoneID     = "106540352242922"
	userA       = "447700900123"
	userB       = "34612345678"
	rawEmail    = "jane.doe@example.com"
)

// graphAPI is a local WhatsApp Cloud API: it checks what Veil sends and
// records it.
type graphAPI struct {
	t    *testing.T
	mu   sync.Mutex
	sent []sentMessage
	srv  *httptest.Server
	n    int
	// webhooks, when set, lists the servers (host:port) that get a signed
	// "sent" status webhook for each tagged message, as WhatsApp does;
	// the first that answers 200 takes it.
	webhooks func() []string
}

type sentMessage struct {
	To          string                 `json:"to"`
	Type        string                 `json:"type"`
	Text        *struct{ Body string } `json:"text"`
	Interactive *struct {
		Type string `json:"type"`
		Body struct {
			Text string `json:"text"`
		} `json:"body"`
		Action struct {
			Buttons []struct {
				Type  string `json:"type"`
				Reply struct{ ID, Title string }
			} `json:"buttons"`
		} `json:"action"`
	} `json:"interactive"`
	MessagingProduct string `json:"messaging_product"`
	CallbackData     string `json:"biz_opaque_callback_data"`
}

func (m sentMessage) body() string {
	if m.Text != nil {
		return m.Text.Body
	}
	if m.Interactive != nil {
		return m.Interactive.Body.Text
	}
	return ""
}

func newGraphAPI(t *testing.T) *graphAPI {
	g := &graphAPI{t: t}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/"+phoneID+"/messages" {
			t.Errorf("graph: unexpected %s %s", r.Method, r.URL.Path)
			http.Error(w, `{"error":{"message":"unknown path","type":"GraphMethodException","code":100}}`, http.StatusBadRequest)
			return
		}
		if got := r.Header.Get("Authorization"); got != "Bearer "+accessToken {
			t.Errorf("graph: authorization = %q", got)
		}
		var m sentMessage
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			t.Errorf("graph: bad JSON: %v", err)
		}
		if m.MessagingProduct != "whatsapp" {
			t.Errorf("graph: messaging_product = %q", m.MessagingProduct)
		}
		g.mu.Lock()
		g.sent = append(g.sent, m)
		g.n++
		id := fmt.Sprintf("wamid.out.%d", g.n)
		g.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"messaging_product":"whatsapp","contacts":[{"input":%q,"wa_id":%q}],"messages":[{"id":%q}]}`, m.To, m.To, id)
		if g.webhooks != nil && m.CallbackData != "" {
			go g.postStatus(id, m.To, m.CallbackData)
		}
	}))
	t.Cleanup(g.srv.Close)
	return g
}

// postStatus delivers a "sent" status webhook for a tagged message.
func (g *graphAPI) postStatus(id, to, ref string) {
	body := envelope(`"statuses":[{"id":"` + id + `","status":"sent","timestamp":"1749416390","recipient_id":"` + to +
		`","biz_opaque_callback_data":"` + ref + `"}]`)
	for _, addr := range g.webhooks() {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/webhook", bytes.NewReader(body))
		req.Header.Set("X-Hub-Signature-256", sign(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			continue
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return
		}
	}
}

// all returns every message received so far.
func (g *graphAPI) all() []sentMessage {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]sentMessage(nil), g.sent...)
}

func getStatus(u string) (int, error) {
	resp, err := http.Get(u)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

func (g *graphAPI) count() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.sent)
}

// waitFor waits until n messages were sent in all and returns them.
func (g *graphAPI) waitFor(n int) []sentMessage {
	g.t.Helper()
	deadline := time.Now().Add(45 * time.Second) // a ceiling for loaded CI machines, not a speed goal
	for time.Now().Before(deadline) {
		g.mu.Lock()
		if len(g.sent) >= n {
			out := append([]sentMessage(nil), g.sent...)
			g.mu.Unlock()
			return out
		}
		g.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	g.t.Fatalf("graph: want %d sent messages, got %d", n, g.count())
	return nil
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

type server struct {
	addr   string
	cancel context.CancelFunc
	done   chan int
	logs   *syncBuffer
}

// startServe runs `veil serve` in-process, as main would, and waits for /readyz.
func startServe(t *testing.T, env map[string]string) *server {
	t.Helper()
	s := &server{addr: env["VEIL_ADDR"], done: make(chan int, 1), logs: &syncBuffer{}}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go func() {
		s.done <- run(ctx, []string{"serve"}, stdio{in: strings.NewReader(""), out: io.Discard, err: s.logs}, func(k string) string { return env[k] })
	}()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + s.addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		select {
		case code := <-s.done:
			t.Fatalf("serve exited with %d: %s", code, s.logs.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("serve not ready: %s", s.logs.String())
	return nil
}

func (s *server) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	select {
	case code := <-s.done:
		if code != 0 {
			t.Fatalf("serve exited with %d: %s", code, s.logs.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func sign(body []byte) string {
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func (s *server) post(t *testing.T, body []byte, signature string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, "http://"+s.addr+"/webhook", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set("X-Hub-Signature-256", signature)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func envelope(value string) []byte {
	return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{` +
		`"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"` + phoneID + `"},` +
		value + `},"field":"messages"}]}]}`)
}

func textMsg(from, id, body string) []byte {
	b, _ := json.Marshal(body)
	return envelope(`"contacts":[{"profile":{"name":"Jane Doe"},"wa_id":"` + from + `"}],"messages":[{"from":"` + from +
		`","id":"` + id + `","timestamp":"1749416383","type":"text","text":{"body":` + string(b) + `}}]`)
}

func buttonMsg(from, id, buttonID, title string) []byte {
	return envelope(`"contacts":[{"profile":{"name":"Jane Doe"},"wa_id":"` + from + `"}],"messages":[{"from":"` + from +
		`","id":"` + id + `","timestamp":"1749416384","type":"interactive","interactive":{"type":"button_reply","button_reply":{"id":"` +
		buttonID + `","title":"` + title + `"}}}]`)
}

func imageMsg(from, id string) []byte {
	return envelope(`"messages":[{"from":"` + from + `","id":"` + id + `","timestamp":"1749416385","type":"image","image":{"caption":"me at 221B Baker Street","mime_type":"image/jpeg","sha256":"abc","id":"1234"}}]`)
}

func statusMsg(to, id, status string) []byte {
	return envelope(`"statuses":[{"id":"` + id + `","status":"` + status + `","timestamp":"1749416390","recipient_id":"` + to + `"}]`)
}

func TestServeEndToEnd(t *testing.T) {
	graph := newGraphAPI(t)
	dataDir := t.TempDir()
	cfgPath := filepath.Join(t.TempDir(), "veil.yaml")
	if err := os.WriteFile(cfgPath, []byte("whatsapp:\n  max_body_bytes: 4096\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"VEIL_CONFIG":                   cfgPath,
		"VEIL_ADDR":                     freeAddr(t),
		"VEIL_DATA_DIR":                 dataDir,
		"VEIL_WHATSAPP_VERIFY_TOKEN":    verifyToken,
		"VEIL_WHATSAPP_APP_SECRET":      appSecret,
		"VEIL_WHATSAPP_ACCESS_TOKEN":    accessToken,
		"VEIL_WHATSAPP_PHONE_NUMBER_ID": phoneID,
		"VEIL_WHATSAPP_API_URL":         graph.srv.URL,
		"VEIL_LOG_LEVEL":                "debug",
	}
	srv := startServe(t, env)

	t.Run("handshake", func(t *testing.T) {
		for _, tt := range []struct {
			token string
			code  int
			body  string
		}{{verifyToken, 200, "1158201444"}, {"wrong", 403, ""}} {
			resp, err := http.Get("http://" + srv.addr + "/webhook?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=" + tt.token)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.code || (tt.body != "" && strings.TrimSpace(string(b)) != tt.body) {
				t.Errorf("token %q: %d %q", tt.token, resp.StatusCode, b)
			}
		}
	})

	t.Run("rejected deliveries", func(t *testing.T) {
		good := textMsg(userA, "wamid.bad.1", "hello")
		malformed := []byte(`{"object":"whatsapp_business_account","entry":[`)
		big := textMsg(userA, "wamid.big", strings.Repeat("x", 5000))
		for _, tt := range []struct {
			name string
			body []byte
			sig  string
			code int
		}{
			{"missing signature", good, "", 401},
			{"wrong signature", good, "sha256=" + strings.Repeat("0", 64), 401},
			{"signature of another body", good, sign([]byte("other")), 401},
			{"malformed JSON", malformed, sign(malformed), 400},
			{"oversized body", big, sign(big), 413},
		} {
			if got := srv.post(t, tt.body, tt.sig); got != tt.code {
				t.Errorf("%s: status %d, want %d", tt.name, got, tt.code)
			}
		}
		if graph.count() != 0 {
			t.Fatalf("a rejected delivery produced a reply")
		}
	})

	step := func(body []byte, wantTotal int) sentMessage {
		t.Helper()
		if code := srv.post(t, body, sign(body)); code != 200 {
			t.Fatalf("status %d: %s", code, srv.logs.String())
		}
		sent := graph.waitFor(wantTotal)
		return sent[wantTotal-1]
	}

	// 1. Unknown user: the privacy notice with two buttons.
	m := step(textMsg(userA, "wamid.a1", "Hi, I'm Jane, my email is "+rawEmail), 1)
	if m.To != userA || m.Type != "interactive" || m.Interactive.Type != "button" || len(m.Interactive.Action.Buttons) != 2 ||
		!strings.Contains(m.body(), "STOP") {
		t.Fatalf("notice = %+v", m)
	}
	// 2. Opt in with the button.
	m = step(buttonMsg(userA, "wamid.a2", m.Interactive.Action.Buttons[0].Reply.ID, "I agree"), 2)
	if !strings.Contains(m.body(), "Thank you") {
		t.Fatalf("opt-in reply = %q", m.body())
	}
	// 3. A real request with an email: the reply shows the user their own value.
	m = step(textMsg(userA, "wamid.a3", "where is my order 12345678? my email is "+rawEmail), 3)
	if m.Type != "text" || !strings.Contains(m.body(), rawEmail) || !strings.Contains(m.body(), "12345678") {
		t.Fatalf("order reply = %q", m.body())
	}
	// 4. Duplicate delivery, a status and an image, then a sync message.
	dup := textMsg(userA, "wamid.a3", "where is my order 12345678? my email is "+rawEmail)
	if code := srv.post(t, dup, sign(dup)); code != 200 {
		t.Fatalf("duplicate: status %d", code)
	}
	st := statusMsg(userA, "wamid.out.3", "read")
	if code := srv.post(t, st, sign(st)); code != 200 {
		t.Fatalf("status: %d", code)
	}
	m = step(imageMsg(userA, "wamid.a4"), 4)
	if !strings.Contains(m.body(), "only read text") {
		t.Fatalf("media reply = %q", m.body())
	}
	m = step(textMsg(userA, "wamid.a5", "when are you open?"), 5)
	if !strings.Contains(m.body(), "Monday to Friday") {
		t.Fatalf("hours reply = %q (a duplicate or status may have produced a reply)", m.body())
	}
	// 5. A second user is isolated: notice first, nothing processed.
	m = step(textMsg(userB, "wamid.b1", "hola, mi email es "+rawEmail), 6)
	if m.To != userB || m.Type != "interactive" {
		t.Fatalf("second user's first reply = %+v", m)
	}
	srv.stop(t)

	// 6. After a restart, a redelivered message is not processed again.
	srv = startServe(t, env)
	if code := srv.post(t, dup, sign(dup)); code != 200 {
		t.Fatalf("redelivery after restart: %d", code)
	}
	m = step(textMsg(userA, "wamid.a6", "thanks"), 7)
	if !strings.Contains(m.body(), "welcome") {
		t.Fatalf("after restart, reply = %q (a redelivery was processed twice?)", m.body())
	}
	logs := srv.logs.String()
	srv.stop(t)

	// Privacy invariants: no raw email or phone number at rest or in logs.
	db, err := os.ReadFile(filepath.Join(dataDir, "veil.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, raw := range []string{rawEmail, userA, userB, "Baker Street"} {
		if bytes.Contains(db, []byte(raw)) {
			t.Errorf("the store holds %q in clear", raw)
		}
		if strings.Contains(logs, raw) {
			t.Errorf("the logs carry %q", raw)
		}
	}
	if !strings.Contains(logs, "wamid.a6") {
		t.Errorf("logs are missing the message IDs (did debug logging work?): %.500s", logs)
	}
}

func TestServeRefusesIncompleteConfig(t *testing.T) {
	var errOut bytes.Buffer
	code := run(context.Background(), []string{"serve"}, stdio{in: strings.NewReader(""), out: io.Discard, err: &errOut},
		func(k string) string { return map[string]string{"VEIL_DATA_DIR": t.TempDir()}[k] })
	if code != 1 || !strings.Contains(errOut.String(), "VEIL_WHATSAPP_APP_SECRET") {
		t.Fatalf("code %d, stderr %q", code, errOut.String())
	}
}
