package openaitest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/veilhq/veil/internal/openaitest"
)

func client(srv *openaitest.Server, key string) *openai.Client {
	cfg := openai.DefaultConfig(key)
	cfg.BaseURL = srv.URL
	return openai.NewClientWithConfig(cfg)
}

func chatReq(content string) openai.ChatCompletionRequest {
	return openai.ChatCompletionRequest{Model: "m", Messages: []openai.ChatCompletionMessage{
		{Role: openai.ChatMessageRoleSystem, Content: "be nice"},
		{Role: openai.ChatMessageRoleUser, Content: content},
	}}
}

func TestChatThroughGoOpenAI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		queue      []openaitest.Response
		handler    openaitest.HandlerFunc
		key        string
		wantText   string
		wantStatus int
		wantCode   string
	}{
		{name: "DefaultEchoes", wantText: "You said: hello <EMAIL_1>"},
		{name: "Queued", queue: []openaitest.Response{openaitest.Completion("queued")}, wantText: "queued"},
		{name: "Handler", handler: func(r openaitest.Request) openaitest.Response {
			req, _ := r.Chat()
			return openaitest.Completion(fmt.Sprintf("%d messages", len(req.Messages)))
		}, wantText: "2 messages"},
		{name: "WrongKey", key: "nope", wantStatus: 401, wantCode: "invalid_api_key"},
		{name: "RateLimit", queue: []openaitest.Response{openaitest.RateLimit("5")}, wantStatus: 429, wantCode: "rate_limit_exceeded"},
		{name: "ServerError", queue: []openaitest.Response{openaitest.ServerError()}, wantStatus: 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.New(t)
			srv.QueueChat(tt.queue...)
			srv.HandleChat(tt.handler)
			key := srv.APIKey
			if tt.key != "" {
				key = tt.key
			}
			resp, err := client(srv, key).CreateChatCompletion(t.Context(), chatReq("hello <EMAIL_1>"))
			if tt.wantStatus == 0 {
				if err != nil {
					t.Fatalf("CreateChatCompletion: %v", err)
				}
				if len(resp.Choices) != 1 || resp.Choices[0].Message.Content != tt.wantText || resp.Choices[0].FinishReason != openai.FinishReasonStop {
					t.Errorf("response = %+v, want %q", resp, tt.wantText)
				}
				if resp.Model != "m" || resp.Object != "chat.completion" || resp.Usage.TotalTokens == 0 {
					t.Errorf("response shape = %+v", resp)
				}
			} else {
				var ae *openai.APIError
				if !errors.As(err, &ae) || ae.HTTPStatusCode != tt.wantStatus {
					t.Fatalf("error = %v, want an APIError %d", err, tt.wantStatus)
				}
				if tt.wantCode != "" && ae.Code != tt.wantCode {
					t.Errorf("code = %v, want %s", ae.Code, tt.wantCode)
				}
			}
			if n := srv.Count("chat"); n != 1 {
				t.Errorf("recorded %d chat requests, want 1", n)
			}
			reqs := srv.Requests()
			if got := reqs[0].Header.Get("Authorization"); got != "Bearer "+key {
				t.Errorf("recorded Authorization %q", got)
			}
		})
	}
}

func TestRetryAfterHeaderOnTheWire(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	srv.QueueChat(openaitest.RateLimit("7"))
	body, _ := json.Marshal(chatReq("x"))
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/chat/completions", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+srv.APIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var e struct {
		Error struct{ Message, Type, Code string } `json:"error"`
	}
	if err := json.Unmarshal(raw, &e); err != nil || e.Error.Code != "rate_limit_exceeded" || e.Error.Message == "" || e.Error.Type == "" {
		t.Errorf("error body = %s (%v), want {error:{message,type,code}}", raw, err)
	}
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "7" {
		t.Errorf("status %d Retry-After %q, want 429 and 7", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func TestEmbeddingsThroughGoOpenAI(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t, openaitest.WithDim(32))
	c := client(srv, srv.APIKey)
	texts := []string{"where is my order", "where is my parcel", "book a haircut"}
	tests := []struct {
		name string
		req  openai.EmbeddingRequest
		dim  int
	}{
		{"Float", openai.EmbeddingRequest{Input: texts, Model: "e"}, 32},
		{"Base64", openai.EmbeddingRequest{Input: texts, Model: "e", EncodingFormat: openai.EmbeddingEncodingFormatBase64}, 32},
		{"Dimensions", openai.EmbeddingRequest{Input: texts, Model: "e", Dimensions: 16}, 16},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := c.CreateEmbeddings(t.Context(), tt.req)
			if err != nil {
				t.Fatalf("CreateEmbeddings: %v", err)
			}
			if len(resp.Data) != len(texts) {
				t.Fatalf("got %d embeddings", len(resp.Data))
			}
			for i, d := range resp.Data {
				want := openaitest.Embed(texts[i], tt.dim)
				if d.Index != i || len(d.Embedding) != tt.dim {
					t.Fatalf("embedding %d: index %d dim %d", i, d.Index, len(d.Embedding))
				}
				for j := range want {
					if d.Embedding[j] != want[j] {
						t.Fatalf("embedding %d differs from Embed", i)
					}
				}
			}
			cos := func(a, b []float32) (s float64) {
				for i := range a {
					s += float64(a[i]) * float64(b[i])
				}
				return s
			}
			if near, far := cos(resp.Data[0].Embedding, resp.Data[1].Embedding), cos(resp.Data[0].Embedding, resp.Data[2].Embedding); near <= far {
				t.Errorf("shared words should be closer: %v <= %v", near, far)
			}
		})
	}
	if n := srv.Count("embeddings"); n != len(tests) {
		t.Errorf("recorded %d embeddings requests, want %d", n, len(tests))
	}
}

func TestEmbedIsUnitAndDeterministic(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"hello world", "", "<EMAIL_1> again"} {
		v := openaitest.Embed(text, 48)
		var n float64
		for _, f := range v {
			n += float64(f) * float64(f)
		}
		if math.Abs(n-1) > 1e-5 {
			t.Errorf("Embed(%q) has norm² %v, want 1", text, n)
		}
		w := openaitest.Embed(text, 48)
		for i := range v {
			if v[i] != w[i] {
				t.Fatalf("Embed(%q) is not deterministic", text)
			}
		}
	}
}

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Helper() {}

func TestAssertions(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	t.Run("NothingRecordedFails", func(t *testing.T) {
		r := &recorder{TB: t}
		srv.AssertNoRaw(r, "x")
		if len(r.errs) != 1 {
			t.Errorf("AssertNoRaw on no requests: %v, want one failure", r.errs)
		}
	})
	// go-openai escapes < and > in JSON: AssertSent must still see the token.
	if _, err := client(srv, srv.APIKey).CreateChatCompletion(t.Context(), chatReq("mail Ana.Garcia@Example.com or <EMAIL_1>")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		assert   func(tb testing.TB)
		wantFail int
	}{
		{"RawFoundCaseInsensitive", func(tb testing.TB) { srv.AssertNoRaw(tb, "ana.garcia@example.com") }, 1},
		{"RawInHeaderFound", func(tb testing.TB) { srv.AssertNoRaw(tb, srv.APIKey) }, 1},
		{"AbsentRawPasses", func(tb testing.TB) { srv.AssertNoRaw(tb, "447700900123", "") }, 0},
		{"TokenSentDespiteEscaping", func(tb testing.TB) { srv.AssertSent(tb, "<EMAIL_1>") }, 0},
		{"MissingTokenFails", func(tb testing.TB) { srv.AssertSent(tb, "<PERSON_1>") }, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{TB: t}
			tt.assert(r)
			if len(r.errs) != tt.wantFail {
				t.Errorf("failures = %q, want %d", r.errs, tt.wantFail)
			}
		})
	}
	if body := string(srv.Requests()[0].Body); strings.Contains(body, "<EMAIL_1>") {
		t.Logf("note: go-openai no longer escapes '<' in JSON")
	}
}

func TestUnknownPathAndBadJSON(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	post := func(path, body string) int {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+srv.APIKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post("/models", "{}"); got != 404 {
		t.Errorf("unknown path: %d, want 404", got)
	}
	if got := post("/chat/completions", "{not json"); got != 400 {
		t.Errorf("bad JSON: %d, want 400", got)
	}
	if got := post("/chat/completions", `{"model":"m","messages":[]}`); got != 400 {
		t.Errorf("no messages: %d, want 400", got)
	}
}
