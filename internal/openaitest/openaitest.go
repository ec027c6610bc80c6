// Package openaitest is a local HTTP server that speaks the OpenAI wire
// format for chat completions and embeddings, for tests.
//
// It answers POST …/chat/completions and POST …/embeddings (any prefix, so
// the OpenAI "/v1" and Azure "/openai/deployments/x" layouts both work),
// checks the API key (Authorization: Bearer, or Azure's api-key header),
// and records every request so a test can assert what reached the vendor:
//
//	srv := openaitest.New(t)
//	srv.QueueChat(openaitest.RateLimit("2"), openaitest.Completion("Hi <PERSON_1>"))
//	... point go-openai at srv.URL with srv.APIKey ...
//	srv.AssertSent(t, "<EMAIL_1>")
//	srv.AssertNoRaw(t, "ana@example.com")
//
// Responses come from a queue per endpoint, else a handler function, else
// the default: a chat completion that echoes the last user message, or
// deterministic embeddings (Embed).
package openaitest

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	openai "github.com/sashabaranov/go-openai"
)

// DefaultAPIKey is the key New expects unless told otherwise.
const DefaultAPIKey = "sk-test-veil"

// DefaultDim is the dimension of the default fake embeddings.
const DefaultDim = 64

// Request is one recorded request.
type Request struct {
	Method string
	Path   string
	Query  string // raw query, e.g. Azure's api-version
	Header http.Header
	Body   []byte
	// Strings holds every string value of the decoded JSON body, unescaped
	// (go-openai's JSON escapes '<' and '>', so "<EMAIL_1>" is not in Body
	// literally).
	Strings []string
}

// Endpoint is "chat" or "embeddings" ("" for anything else).
func (r Request) Endpoint() string {
	switch {
	case strings.HasSuffix(r.Path, "/chat/completions"):
		return "chat"
	case strings.HasSuffix(r.Path, "/embeddings"):
		return "embeddings"
	}
	return ""
}

// Chat decodes the body as a chat completion request.
func (r Request) Chat() (openai.ChatCompletionRequest, error) {
	var req openai.ChatCompletionRequest
	err := json.Unmarshal(r.Body, &req)
	return req, err
}

// EmbeddingInputs returns the input texts of an embeddings request.
func (r Request) EmbeddingInputs() ([]string, error) {
	var req struct {
		Input json.RawMessage `json:"input"`
	}
	if err := json.Unmarshal(r.Body, &req); err != nil {
		return nil, err
	}
	var many []string
	if err := json.Unmarshal(req.Input, &many); err == nil {
		return many, nil
	}
	var one string
	if err := json.Unmarshal(req.Input, &one); err != nil {
		return nil, fmt.Errorf("input is neither a string nor a list of strings")
	}
	return []string{one}, nil
}

// Response is what the server answers to one call.
type Response struct {
	Status int // default 200
	Header http.Header
	// Content is the assistant message of a 200 chat response.
	Content string
	// FinishReason of a 200 chat response (default "stop").
	FinishReason string
	// Vectors of a 200 embeddings response (default Embed of each input).
	Vectors [][]float32
	// Body, when set, is sent as is ([]byte or string) or as JSON,
	// replacing the generated body.
	Body any
	// Block holds the response until the client gives up (its request
	// context ends) or the server closes: a timeout.
	Block bool
}

// Completion is a successful chat response with content.
func Completion(content string) Response { return Response{Content: content} }

// CompletionJSON is a successful chat response whose content is v as JSON.
func CompletionJSON(v any) Response {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return Response{Content: string(b)}
}

// Error is an API error response {"error":{"message","type","code"}}.
func Error(status int, typ, code, message string) Response {
	return Response{Status: status, Body: map[string]any{"error": map[string]any{
		"message": message, "type": typ, "code": code, "param": nil,
	}}}
}

// RateLimit is a 429 with a Retry-After header (none when retryAfter is "").
func RateLimit(retryAfter string) Response {
	r := Error(http.StatusTooManyRequests, "requests", "rate_limit_exceeded", "Rate limit reached for requests")
	if retryAfter != "" {
		r.Header = http.Header{"Retry-After": {retryAfter}}
	}
	return r
}

// ServerError is a 500 as OpenAI sends it.
func ServerError() Response {
	return Error(http.StatusInternalServerError, "server_error", "", "The server had an error while processing your request.")
}

// Timeout is a response that never comes.
func Timeout() Response { return Response{Block: true} }

// HandlerFunc answers a call the queue does not.
type HandlerFunc func(r Request) Response

// Server is the fake API. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL to configure the client with (ends in /v1).
	URL string
	// APIKey is the key requests must carry.
	APIKey string

	srv  *httptest.Server
	dim  int
	done chan struct{}

	mu      sync.Mutex
	queues  map[string][]Response
	funcs   map[string]HandlerFunc
	reqs    []Request
	counter int
}

// Option configures New.
type Option func(*Server)

// WithAPIKey sets the expected API key ("" accepts any request).
func WithAPIKey(key string) Option { return func(s *Server) { s.APIKey = key } }

// WithDim sets the dimension of the default embeddings.
func WithDim(n int) Option { return func(s *Server) { s.dim = n } }

// New starts a server, closed when the test ends.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{
		APIKey: DefaultAPIKey, dim: DefaultDim, done: make(chan struct{}),
		queues: map[string][]Response{}, funcs: map[string]HandlerFunc{},
	}
	for _, o := range opts {
		o(s)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL + "/v1"
	t.Cleanup(s.Close)
	return s
}

// Close unblocks pending Timeout responses and stops the server.
func (s *Server) Close() {
	select {
	case <-s.done:
		return
	default:
		close(s.done)
	}
	s.srv.Close()
}

// Dim is the dimension of the default embeddings.
func (s *Server) Dim() int { return s.dim }

// QueueChat appends responses for the next chat calls, in order.
func (s *Server) QueueChat(rs ...Response) { s.queue("chat", rs) }

// QueueEmbeddings appends responses for the next embeddings calls.
func (s *Server) QueueEmbeddings(rs ...Response) { s.queue("embeddings", rs) }

func (s *Server) queue(ep string, rs []Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queues[ep] = append(s.queues[ep], rs...)
}

// HandleChat answers chat calls the queue does not (nil: the default).
func (s *Server) HandleChat(fn HandlerFunc) { s.handle("chat", fn) }

// HandleEmbeddings answers embeddings calls the queue does not.
func (s *Server) HandleEmbeddings(fn HandlerFunc) { s.handle("embeddings", fn) }

func (s *Server) handle(ep string, fn HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.funcs[ep] = fn
}

// Requests returns every request received, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// ChatRequests returns the decoded chat requests received, in order.
func (s *Server) ChatRequests(t testing.TB) []openai.ChatCompletionRequest {
	t.Helper()
	var out []openai.ChatCompletionRequest
	for _, r := range s.Requests() {
		if r.Endpoint() != "chat" {
			continue
		}
		req, err := r.Chat()
		if err != nil {
			t.Fatalf("openaitest: decode chat request: %v", err)
		}
		out = append(out, req)
	}
	return out
}

// Count returns how many requests reached endpoint ("chat", "embeddings").
func (s *Server) Count(endpoint string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Endpoint() == endpoint {
			n++
		}
	}
	return n
}

// Reset forgets recorded requests, queues and handlers.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs, s.queues, s.funcs = nil, map[string][]Response{}, map[string]HandlerFunc{}
}

// AssertNoRaw fails the test when any recorded request (body, decoded
// strings, headers or URL) contains one of raws, compared
// case-insensitively, or when no request was recorded at all (an empty
// record proves nothing).
func (s *Server) AssertNoRaw(t testing.TB, raws ...string) {
	t.Helper()
	reqs := s.Requests()
	if len(reqs) == 0 {
		t.Errorf("openaitest: AssertNoRaw: no request was recorded")
		return
	}
	for i, r := range reqs {
		hay := strings.ToLower(r.haystack())
		for _, raw := range raws {
			if raw == "" {
				continue
			}
			if strings.Contains(hay, strings.ToLower(raw)) {
				t.Errorf("openaitest: request %d (%s) contains raw value %q", i, r.Path, raw)
			}
		}
	}
}

// AssertSent fails the test unless each of subs appears (exactly) in the
// decoded strings of some recorded request.
func (s *Server) AssertSent(t testing.TB, subs ...string) {
	t.Helper()
	reqs := s.Requests()
	for _, sub := range subs {
		found := false
		for _, r := range reqs {
			if strings.Contains(strings.Join(r.Strings, "\n"), sub) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("openaitest: no request sent %q", sub)
		}
	}
}

func (r Request) haystack() string {
	var b strings.Builder
	b.WriteString(r.Path)
	b.WriteByte('?')
	b.WriteString(r.Query)
	b.WriteByte('\n')
	b.Write(r.Body)
	for _, s := range r.Strings {
		b.WriteByte('\n')
		b.WriteString(s)
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			fmt.Fprintf(&b, "\n%s: %s", k, v)
		}
	}
	return b.String()
}

func (s *Server) serve(w http.ResponseWriter, hr *http.Request) {
	body, _ := io.ReadAll(hr.Body)
	req := Request{Method: hr.Method, Path: hr.URL.Path, Query: hr.URL.RawQuery, Header: hr.Header.Clone(), Body: body}
	var decoded any
	if json.Unmarshal(body, &decoded) == nil {
		req.Strings = collectStrings(decoded, nil)
	}
	s.mu.Lock()
	s.reqs = append(s.reqs, req)
	s.counter++
	n := s.counter
	s.mu.Unlock()

	ep := req.Endpoint()
	switch {
	case ep == "":
		s.write(w, Error(http.StatusNotFound, "invalid_request_error", "unknown_url", "Unknown request URL"))
		return
	case hr.Method != http.MethodPost:
		s.write(w, Error(http.StatusMethodNotAllowed, "invalid_request_error", "method_not_allowed", "Use POST"))
		return
	case !s.authorized(hr):
		s.write(w, Error(http.StatusUnauthorized, "invalid_request_error", "invalid_api_key", "Incorrect API key provided"))
		return
	case decoded == nil:
		s.write(w, Error(http.StatusBadRequest, "invalid_request_error", "invalid_json", "We could not parse the JSON body of your request."))
		return
	}

	resp := s.next(ep, req)
	if resp.Block {
		select {
		case <-hr.Context().Done():
		case <-s.done:
		}
		return
	}
	if (resp.Status == 0 || resp.Status == http.StatusOK) && resp.Body == nil {
		var err error
		switch ep {
		case "chat":
			resp.Body, err = completionBody(req, resp, n)
		case "embeddings":
			resp.Body, err = s.embeddingsBody(req, resp)
		}
		if err != nil {
			s.write(w, Error(http.StatusBadRequest, "invalid_request_error", "invalid_request", err.Error()))
			return
		}
	}
	s.write(w, resp)
}

func (s *Server) next(ep string, req Request) Response {
	s.mu.Lock()
	if q := s.queues[ep]; len(q) > 0 {
		s.queues[ep] = q[1:]
		s.mu.Unlock()
		return q[0]
	}
	fn := s.funcs[ep]
	s.mu.Unlock()
	if fn != nil {
		return fn(req)
	}
	if ep == "chat" {
		return echo(req)
	}
	return Response{}
}

// echo answers with the last user message.
func echo(req Request) Response {
	cr, err := req.Chat()
	if err != nil {
		return Error(http.StatusBadRequest, "invalid_request_error", "invalid_json", "bad chat request")
	}
	for i := len(cr.Messages) - 1; i >= 0; i-- {
		if cr.Messages[i].Role == openai.ChatMessageRoleUser {
			return Completion("You said: " + cr.Messages[i].Content)
		}
	}
	return Completion("Hello")
}

func (s *Server) authorized(r *http.Request) bool {
	if s.APIKey == "" {
		return true
	}
	return r.Header.Get("Authorization") == "Bearer "+s.APIKey || r.Header.Get("api-key") == s.APIKey
}

func (s *Server) write(w http.ResponseWriter, r Response) {
	for k, vs := range r.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	status := r.Status
	if status == 0 {
		status = http.StatusOK
	}
	var body []byte
	switch b := r.Body.(type) {
	case []byte:
		body = b
	case string:
		body = []byte(b)
	default:
		var err error
		if body, err = json.Marshal(b); err != nil {
			status, body = http.StatusInternalServerError, []byte(`{"error":{"message":"openaitest: bad body","type":"server_error","code":null}}`)
		}
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	w.Write(body)
}

func completionBody(req Request, r Response, n int) (any, error) {
	cr, err := req.Chat()
	if err != nil {
		return nil, fmt.Errorf("bad chat request: %v", err)
	}
	if cr.Model == "" || len(cr.Messages) == 0 {
		return nil, fmt.Errorf("model and messages are required")
	}
	finish := r.FinishReason
	if finish == "" {
		finish = "stop"
	}
	prompt := 0
	for _, m := range cr.Messages {
		prompt += len(strings.Fields(m.Content))
	}
	completion := len(strings.Fields(r.Content))
	return map[string]any{
		"id": fmt.Sprintf("chatcmpl-test%d", n), "object": "chat.completion",
		"created": time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix(), "model": cr.Model,
		"choices": []any{map[string]any{
			"index": 0, "message": map[string]any{"role": "assistant", "content": r.Content},
			"finish_reason": finish, "logprobs": nil,
		}},
		"usage": map[string]any{"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
	}, nil
}

func (s *Server) embeddingsBody(req Request, r Response) (any, error) {
	inputs, err := req.EmbeddingInputs()
	if err != nil {
		return nil, err
	}
	var meta struct {
		Model          string `json:"model"`
		EncodingFormat string `json:"encoding_format"`
		Dimensions     int    `json:"dimensions"`
	}
	json.Unmarshal(req.Body, &meta)
	dim := s.dim
	if meta.Dimensions > 0 {
		dim = meta.Dimensions
	}
	data := make([]any, len(inputs))
	tokens := 0
	for i, in := range inputs {
		var v []float32
		if i < len(r.Vectors) {
			v = r.Vectors[i]
		} else {
			v = Embed(in, dim)
		}
		tokens += len(strings.Fields(in))
		var emb any = v
		if meta.EncodingFormat == "base64" {
			var buf bytes.Buffer
			binary.Write(&buf, binary.LittleEndian, v)
			emb = base64.StdEncoding.EncodeToString(buf.Bytes())
		}
		data[i] = map[string]any{"object": "embedding", "index": i, "embedding": emb}
	}
	return map[string]any{
		"object": "list", "data": data, "model": meta.Model,
		"usage": map[string]any{"prompt_tokens": tokens, "total_tokens": tokens},
	}, nil
}

func collectStrings(v any, out []string) []string {
	switch x := v.(type) {
	case string:
		out = append(out, x)
	case []any:
		for _, e := range x {
			out = collectStrings(e, out)
		}
	case map[string]any:
		for _, e := range x {
			out = collectStrings(e, out)
		}
	}
	return out
}

// Embed is the fake embedding of text: a hashed bag of lower-cased words
// (runs of letters and digits; placeholders such as <EMAIL_1> count as one
// word), each adding ±1 at a hashed position, L2-normalized. Texts sharing
// words point in similar directions, so nearest-neighbour tests mean
// something. An empty text maps to the first unit vector.
func Embed(text string, dim int) []float32 {
	v := make([]float32, dim)
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '<' && r != '>' && r != '_'
	})
	for _, w := range words {
		h := fnv.New64a()
		h.Write([]byte(w))
		x := h.Sum64()
		i := int(x % uint64(dim))
		if x>>63 == 1 {
			v[i]--
		} else {
			v[i]++
		}
	}
	var norm float64
	for _, f := range v {
		norm += float64(f) * float64(f)
	}
	if norm == 0 {
		v[0] = 1
		return v
	}
	inv := float32(1 / math.Sqrt(norm))
	for i := range v {
		v[i] *= inv
	}
	return v
}
