package whatsapp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestSignKnownVector(t *testing.T) {
	const want = "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914"
	if got := Sign([]byte("secret"), []byte("test")); got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestVerifySignature(t *testing.T) {
	const good = "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914"
	tests := []struct {
		name   string
		secret string
		body   string
		header string
		want   error
	}{
		{"OK", "secret", "test", good, nil},
		{"OKUpperHex", "secret", "test", "sha256=" + strings.ToUpper(good[7:]), nil},
		{"ErrMissing", "secret", "test", "", ErrSignatureMissing},
		{"ErrWrongPrefix", "secret", "test", "sha1=" + good[7:], ErrSignatureMalformed},
		{"ErrNoPrefix", "secret", "test", good[7:], ErrSignatureMalformed},
		{"ErrPrefixCase", "secret", "test", "SHA256=" + good[7:], ErrSignatureMalformed},
		{"ErrShort", "secret", "test", good[:len(good)-2], ErrSignatureMalformed},
		{"ErrNotHex", "secret", "test", "sha256=" + strings.Repeat("zz", 32), ErrSignatureMalformed},
		{"ErrBodyChanged", "secret", "test ", good, ErrSignatureMismatch},
		{"ErrWrongSecret", "secret2", "test", good, ErrSignatureMismatch},
		{"ErrBitFlip", "secret", "test", good[:len(good)-1] + "5", ErrSignatureMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := VerifySignature([]byte(tt.secret), []byte(tt.body), tt.header)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestNewHandlerConfig(t *testing.T) {
	rcv := &captureReceiver{}
	tests := []struct {
		name string
		cfg  HandlerConfig
		ok   bool
	}{
		{"OK", HandlerConfig{VerifyToken: "t", AppSecret: "s", Receiver: rcv}, true},
		{"ErrNoToken", HandlerConfig{AppSecret: "s", Receiver: rcv}, false},
		{"ErrNoSecret", HandlerConfig{VerifyToken: "t", Receiver: rcv}, false},
		{"ErrNoReceiver", HandlerConfig{VerifyToken: "t", AppSecret: "s"}, false},
		{"ErrNegativeLimit", HandlerConfig{VerifyToken: "t", AppSecret: "s", Receiver: rcv, MaxBodyBytes: -1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := NewHandler(tt.cfg)
			if (err == nil) != tt.ok || (h != nil) != tt.ok {
				t.Fatalf("NewHandler = %v, %v; want ok=%v", h, err, tt.ok)
			}
		})
	}
}

func TestHandshake(t *testing.T) {
	tests := []struct {
		name     string
		query    url.Values
		wantCode int
		wantBody string
	}{
		{"OK", url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {testToken}, "hub.challenge": {"1158201444"}}, 200, "1158201444"},
		{"ErrTokenMismatch", url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {"meatyhamhock"}, "hub.challenge": {"1158201444"}}, 403, ""},
		{"ErrTokenPrefix", url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {testToken[:5]}, "hub.challenge": {"1"}}, 403, ""},
		{"ErrTokenMissing", url.Values{"hub.mode": {"subscribe"}, "hub.challenge": {"1"}}, 403, ""},
		{"ErrModeWrong", url.Values{"hub.mode": {"unsubscribe"}, "hub.verify_token": {testToken}, "hub.challenge": {"1"}}, 403, ""},
		{"ErrModeMissing", url.Values{"hub.verify_token": {testToken}, "hub.challenge": {"1"}}, 403, ""},
		{"ErrChallengeMissing", url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {testToken}}, 400, ""},
		{"ErrChallengeHuge", url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {testToken}, "hub.challenge": {strings.Repeat("9", 300)}}, 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			h := mustHandler(t, &captureReceiver{}, &logs)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/webhook?"+tt.query.Encode(), nil))
			if rec.Code != tt.wantCode {
				t.Fatalf("status = %d, want %d", rec.Code, tt.wantCode)
			}
			if tt.wantCode == 200 {
				if rec.Body.String() != tt.wantBody {
					t.Errorf("body = %q, want %q", rec.Body, tt.wantBody)
				}
				if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
					t.Errorf("Content-Type = %q, want text/plain", ct)
				}
			} else if strings.Contains(rec.Body.String(), "1158201444") {
				t.Errorf("challenge echoed on failure: %q", rec.Body)
			}
			if tok := tt.query.Get("hub.verify_token"); tok != "" && strings.Contains(logs.String(), tok) {
				t.Errorf("verify token logged: %s", logs.String())
			}
		})
	}
}

// chunkedReader hides its length so the request has no Content-Length and
// the limit must be enforced while reading.
type chunkedReader struct{ io.Reader }

func TestDeliveryResponses(t *testing.T) {
	text := readFixture(t, "text.json")
	validSig := Sign([]byte(testSecret), text)
	big := bytes.Repeat([]byte(" "), 2048)
	bigBody := append(append([]byte{}, text[:len(text)-1]...), append(big, '}')...)
	sign := func(b string) string { return Sign([]byte(testSecret), []byte(b)) }
	notJSON := `{"object":"whatsapp_business_account","entry":[`
	page := `{"object":"page","entry":[]}`

	tests := []struct {
		name        string
		method      string
		body        io.Reader
		sig         string // "" = no header
		rcvErr      error
		maxBody     int64
		wantCode    int
		wantReceive bool
		wantBody    string // substring of the response body
	}{
		{name: "OK", body: bytes.NewReader(text), sig: validSig, wantCode: 200, wantReceive: true},
		{name: "ErrSignatureMissing", body: bytes.NewReader(text), wantCode: 401},
		{name: "ErrSignatureBad", body: bytes.NewReader(text), sig: Sign([]byte("other-secret"), text), wantCode: 401},
		{name: "ErrSignatureWrongPrefix", body: bytes.NewReader(text), sig: "sha1=" + validSig[7:], wantCode: 401},
		{name: "ErrSignatureOverOtherBody", body: bytes.NewReader(text), sig: sign(page), wantCode: 401},
		{name: "ErrTooLargeContentLength", body: bytes.NewReader(bigBody), sig: Sign([]byte(testSecret), bigBody), maxBody: 1024, wantCode: 413},
		{name: "ErrTooLargeChunked", body: chunkedReader{bytes.NewReader(bigBody)}, sig: Sign([]byte(testSecret), bigBody), maxBody: 1024, wantCode: 413},
		{name: "OKAtLimit", body: bytes.NewReader(text), sig: validSig, maxBody: int64(len(text)), wantCode: 200, wantReceive: true},
		{name: "ErrMalformedJSON", body: strings.NewReader(notJSON), sig: sign(notJSON), wantCode: 400, wantBody: "invalid JSON at byte"},
		{name: "ErrWrongObject", body: strings.NewReader(page), sig: sign(page), wantCode: 400, wantBody: "not whatsapp_business_account"},
		{name: "ErrBadJSONUnsigned", body: strings.NewReader(notJSON), wantCode: 401},
		{name: "ErrReceiver", body: bytes.NewReader(text), sig: validSig, rcvErr: errors.New("queue down"), wantCode: 500, wantReceive: true},
		{name: "ErrMethod", method: http.MethodPut, body: bytes.NewReader(text), sig: validSig, wantCode: 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rcv := &captureReceiver{err: tt.rcvErr}
			h := mustHandler(t, rcv, nil, func(c *HandlerConfig) { c.MaxBodyBytes = tt.maxBody })
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			req := httptest.NewRequest(method, "/webhook", tt.body)
			if _, ok := tt.body.(chunkedReader); ok {
				req.ContentLength = -1
			}
			if tt.sig != "" {
				req.Header.Set(SignatureHeader, tt.sig)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.wantCode {
				t.Fatalf("status = %d (%s), want %d", rec.Code, rec.Body, tt.wantCode)
			}
			if got := len(rcv.calls()) > 0; got != tt.wantReceive {
				t.Errorf("receiver called = %v, want %v", got, tt.wantReceive)
			}
			if !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Errorf("body %q does not contain %q", rec.Body, tt.wantBody)
			}
			if strings.Contains(rec.Body.String(), "another color") || strings.Contains(rec.Body.String(), "queue down") {
				t.Errorf("response leaks content or internals: %q", rec.Body)
			}
		})
	}
}

func TestReceiveTimeout(t *testing.T) {
	var sawDeadline bool
	rcv := ReceiverFunc(func(ctx context.Context, _ Batch) error {
		_, sawDeadline = ctx.Deadline()
		return nil
	})
	h := mustHandler(t, rcv, nil, func(c *HandlerConfig) { c.ReceiveTimeout = 1 << 40 })
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, signedPost(readFixture(t, "text.json")))
	if rec.Code != 200 || !sawDeadline {
		t.Fatalf("status %d, receiver saw deadline = %v; want 200 and true", rec.Code, sawDeadline)
	}
}

// TestReceiverErrorLog checks the failure log keeps counts
// and IDs but no text or phone numbers.
func TestReceiverErrorLog(t *testing.T) {
	var logs bytes.Buffer
	h := mustHandler(t, &captureReceiver{err: errors.New("enqueue: timeout")}, &logs)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, signedPost(readFixture(t, "text.json")))
	if rec.Code != 500 {
		t.Fatalf("status = %d, want 500", rec.Code)
	}
	out := logs.String()
	for _, want := range []string{`"messages":1`, `"text":1`, "wamid.HBgLMTY1MDM4", "enqueue: timeout"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{"16505551234", "Sheena", "another color"} {
		if strings.Contains(out, bad) {
			t.Errorf("log leaks %q:\n%s", bad, out)
		}
	}
}

func BenchmarkWebhook(b *testing.B) {
	body := readFixture(b, "multi.json")
	h := mustHandler(b, ReceiverFunc(func(context.Context, Batch) error { return nil }), nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, signedPost(body))
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	body := readFixture(b, "multi.json")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(body); err != nil {
			b.Fatal(err)
		}
	}
}
