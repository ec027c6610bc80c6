package llm

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"
	openai "github.com/sashabaranov/go-openai"
)

// Defaults for ClientConfig's zero values.
const (
	DefaultTimeout       = 20 * time.Second
	DefaultMaxRetries    = 2
	DefaultBaseDelay     = 500 * time.Millisecond
	DefaultMaxDelay      = 8 * time.Second
	DefaultMaxRetryAfter = 30 * time.Second
)

// ClientConfig configures a Client: where the OpenAI-compatible API is and
// how hard to try.
type ClientConfig struct {
	// BaseURL of the API, e.g. https://api.openai.com/v1 (the default),
	// http://localhost:11434/v1 for a local server, or the Azure resource
	// URL with APIType "azure".
	BaseURL string
	APIKey  string
	// APIType is "openai" (default, also for any compatible server) or
	// "azure" (api-key header, deployment URLs).
	APIType string
	// APIVersion is Azure's api-version (default go-openai's).
	APIVersion string
	// Timeout bounds one attempt (default DefaultTimeout).
	Timeout time.Duration
	// MaxRetries is how many times a failed call is retried after the
	// first attempt: 0 means DefaultMaxRetries, negative means none.
	MaxRetries int
	// BaseDelay is the first backoff (default DefaultBaseDelay); each retry
	// doubles it, up to MaxDelay (default DefaultMaxDelay), with jitter.
	BaseDelay, MaxDelay time.Duration
	// MaxRetryAfter is the longest Retry-After the client waits for; a
	// longer one ends the call with the error (default DefaultMaxRetryAfter).
	MaxRetryAfter time.Duration
	// HTTPClient sends the requests (default a new http.Client).
	HTTPClient *http.Client
	// Sleep waits d or until ctx is done (default a timer); tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
}

func (c *ClientConfig) setDefaults() {
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	switch {
	case c.MaxRetries == 0:
		c.MaxRetries = DefaultMaxRetries
	case c.MaxRetries < 0:
		c.MaxRetries = 0
	}
	if c.BaseDelay <= 0 {
		c.BaseDelay = DefaultBaseDelay
	}
	if c.MaxDelay <= 0 {
		c.MaxDelay = DefaultMaxDelay
	}
	if c.MaxRetryAfter <= 0 {
		c.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{}
	}
	if c.Sleep == nil {
		c.Sleep = sleep
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Client calls an OpenAI-compatible API through go-openai with a timeout
// per attempt and retries with exponential backoff and jitter on 429, 5xx
// and timeouts (honouring Retry-After). It never logs or returns request or
// response content: errors carry the status, type and code only. It is safe
// for concurrent use.
type Client struct {
	cfg ClientConfig
	api *openai.Client
	log zerolog.Logger
}

// NewClient returns a client; it does not contact the API.
func NewClient(cfg ClientConfig, log zerolog.Logger) (*Client, error) {
	cfg.setDefaults()
	var oc openai.ClientConfig
	switch strings.ToLower(cfg.APIType) {
	case "", "openai":
		oc = openai.DefaultConfig(cfg.APIKey)
		if cfg.BaseURL != "" {
			oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
		}
	case "azure":
		if cfg.BaseURL == "" {
			return nil, errors.New("llm: azure needs a base url")
		}
		oc = openai.DefaultAzureConfig(cfg.APIKey, strings.TrimRight(cfg.BaseURL, "/"))
		if cfg.APIVersion != "" {
			oc.APIVersion = cfg.APIVersion
		}
	default:
		return nil, fmt.Errorf("llm: unknown api type %q (want openai or azure)", cfg.APIType)
	}
	oc.HTTPClient = &retryAfterDoer{inner: cfg.HTTPClient}
	return &Client{cfg: cfg, api: openai.NewClientWithConfig(oc), log: log}, nil
}

// APIError is a call that failed for good. Its message holds no content
// from the request or the response body.
type APIError struct {
	Op       string // "chat" or "embeddings"
	Status   int    // HTTP status, 0 when there was no response (timeout, network)
	Type     string // the API's error type, e.g. "rate_limit_error"
	Code     string // the API's error code, e.g. "rate_limit_exceeded"
	Attempts int
	Err      error // the cause when there was no HTTP response (timeout, network)
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "llm: %s: ", e.Op)
	switch {
	case e.Status != 0:
		fmt.Fprintf(&b, "status %d", e.Status)
		if e.Code != "" {
			fmt.Fprintf(&b, " (%s)", e.Code)
		} else if e.Type != "" {
			fmt.Fprintf(&b, " (%s)", e.Type)
		}
	case errors.Is(e.Err, context.DeadlineExceeded):
		b.WriteString("timeout")
	default:
		b.WriteString("request failed")
	}
	fmt.Fprintf(&b, " after %d attempt(s)", e.Attempts)
	return b.String()
}

// Unwrap returns the cause of a failure without an HTTP response, which
// is a context or network error (never one carrying a response body).
func (e *APIError) Unwrap() error { return e.Err }

// Retryable reports whether the failure was one the client retries.
func (e *APIError) Retryable() bool {
	return e.Status == http.StatusTooManyRequests || e.Status >= 500 || (e.Status == 0 && e.Err != nil)
}

// Chat sends a chat completion request.
func (c *Client) Chat(ctx context.Context, req openai.ChatCompletionRequest) (openai.ChatCompletionResponse, error) {
	var resp openai.ChatCompletionResponse
	err := c.do(ctx, "chat", req.Model, func(ctx context.Context) error {
		var err error
		resp, err = c.api.CreateChatCompletion(ctx, req)
		return err
	})
	return resp, err
}

// Embeddings sends an embeddings request.
func (c *Client) Embeddings(ctx context.Context, req openai.EmbeddingRequest) (openai.EmbeddingResponse, error) {
	var resp openai.EmbeddingResponse
	err := c.do(ctx, "embeddings", string(req.Model), func(ctx context.Context) error {
		var err error
		resp, err = c.api.CreateEmbeddings(ctx, req)
		return err
	})
	return resp, err
}

// do runs call with the retry policy. It returns ctx's error when the
// caller's context ended, else nil or an *APIError.
func (c *Client) do(ctx context.Context, op, model string, call func(context.Context) error) error {
	for attempt := 1; ; attempt++ {
		info := &callInfo{}
		actx, cancel := context.WithTimeout(context.WithValue(ctx, callKey{}, info), c.cfg.Timeout)
		start := time.Now()
		err := call(actx)
		cancel()
		latency := time.Since(start)
		if err == nil {
			c.log.Debug().Str("op", op).Str("model", model).Int("attempt", attempt).
				Int("status", http.StatusOK).Dur("latency", latency).Msg("llm call")
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		ae := classify(op, err, attempt)
		ev := c.log.Warn().Str("op", op).Str("model", model).Int("attempt", attempt).
			Int("status", ae.Status).Dur("latency", latency)
		if ae.Code != "" {
			ev = ev.Str("code", ae.Code)
		}
		if ae.Status == 0 {
			ev = ev.Bool("timeout", errors.Is(ae.Err, context.DeadlineExceeded))
		}
		if !ae.Retryable() || attempt > c.cfg.MaxRetries {
			ev.Msg("llm call failed")
			return ae
		}
		wait := c.backoff(attempt)
		if info.retryAfter > 0 {
			if info.retryAfter > c.cfg.MaxRetryAfter {
				ev.Dur("retry_after", info.retryAfter).Msg("llm call failed; retry-after too long")
				return ae
			}
			wait = info.retryAfter
		}
		ev.Dur("retry_in", wait).Msg("llm call failed; retrying")
		if err := c.cfg.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// backoff is BaseDelay·2^(attempt-1), capped at MaxDelay, with jitter:
// a uniform value in [d/2, d).
func (c *Client) backoff(attempt int) time.Duration {
	d := c.cfg.BaseDelay << min(attempt-1, 30)
	if d <= 0 || d > c.cfg.MaxDelay {
		d = c.cfg.MaxDelay
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// classify turns go-openai's error into an APIError without its message
// or body, which may echo content.
func classify(op string, err error, attempt int) *APIError {
	ae := &APIError{Op: op, Attempts: attempt}
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case errors.As(err, &apiErr):
		ae.Status, ae.Type = apiErr.HTTPStatusCode, safeWord(apiErr.Type)
		switch code := apiErr.Code.(type) {
		case string:
			ae.Code = safeWord(code)
		case int:
			ae.Code = strconv.Itoa(code)
		}
	case errors.As(err, &reqErr):
		ae.Status = reqErr.HTTPStatusCode
		if ae.Status == 0 {
			ae.Err = errors.New("bad response")
		}
	case errors.Is(err, context.DeadlineExceeded):
		ae.Err = context.DeadlineExceeded
	default:
		// A network error or an undecodable response; its text may hold a
		// URL but not content. Keep only its kind.
		ae.Err = errors.New("transport error")
	}
	return ae
}

// safeWord keeps an API enum (type or code) if it looks like one.
func safeWord(s string) string {
	if len(s) > 64 {
		return ""
	}
	for _, r := range s {
		if !(r == '_' || r == '-' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return ""
		}
	}
	return s
}

type callKey struct{}

// callInfo is what the transport saw of one attempt's response.
type callInfo struct{ retryAfter time.Duration }

// retryAfterDoer reads Retry-After (or OpenAI's retry-after-ms) from error
// responses into the attempt's callInfo: go-openai's errors drop headers.
type retryAfterDoer struct{ inner *http.Client }

func (d *retryAfterDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.inner.Do(req)
	if err != nil || resp.StatusCode < 400 {
		return resp, err
	}
	if info, ok := req.Context().Value(callKey{}).(*callInfo); ok {
		info.retryAfter = parseRetryAfter(resp.Header, time.Now())
	}
	return resp, nil
}

// parseRetryAfter reads retry-after-ms, then Retry-After in seconds or as
// an HTTP date; 0 when absent or invalid.
func parseRetryAfter(h http.Header, now time.Time) time.Duration {
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s <= 0 {
			return 0
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
