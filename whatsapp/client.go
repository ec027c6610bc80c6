package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// DefaultBaseURL is the Graph API root the Client uses when BaseURL is empty.
const DefaultBaseURL = "https://graph.facebook.com/v21.0"

// maxResponseBytes bounds how much of a Graph response the Client reads.
const maxResponseBytes = 1 << 20

var defaultHTTPClient = &http.Client{Timeout: 30 * time.Second}

// Client sends messages through the WhatsApp Cloud API
// (POST {BaseURL}/{PhoneNumberID}/messages). Set the fields, then use it; the
// zero value of every optional field picks a sensible default. A Client is
// safe for concurrent use as long as its fields are not changed meanwhile.
//
// Retries: on HTTP 429 and 5xx the request is retried with exponential
// backoff and jitter, honouring Retry-After, within Retry.MaxAttempts and
// the context's deadline. Other 4xx are returned at once as *APIError.
// A 5xx can hide a message that was in fact sent, so a retry may deliver a
// duplicate; Graph offers no idempotency key.
//
// Logs carry attempt numbers, HTTP status, Graph code/subcode/fbtrace_id and
// wamids; never the recipient, the text or Graph's error message.
type Client struct {
	BaseURL       string       // default DefaultBaseURL
	AccessToken   string       // required; sent as Authorization: Bearer
	PhoneNumberID string       // required; the business number that sends
	HTTPClient    *http.Client // default: 30 s timeout
	Retry         RetryPolicy
	PreviewURL    bool // ask WhatsApp to render link previews in text messages
	// CallbackData is sent as biz_opaque_callback_data: WhatsApp echoes it
	// in the status webhooks of the message (Status.CallbackData), which
	// lets the sender learn that a message went out even when the send's
	// response was lost. Set it per message with WithCallbackData.
	CallbackData string
	Logger       zerolog.Logger   // zero value discards
	Now          func() time.Time // default time.Now; used for deadlines and Retry-After dates
}

// MaxCallbackData is the longest biz_opaque_callback_data WhatsApp takes.
const MaxCallbackData = 512

// WithCallbackData returns a copy of c that tags what it sends with data
// (at most MaxCallbackData bytes; longer data is not sent).
func (c *Client) WithCallbackData(data string) *Client {
	cc := *c
	if len(data) <= MaxCallbackData {
		cc.CallbackData = data
	}
	return &cc
}

// RetryPolicy bounds retries of 429 and 5xx answers.
type RetryPolicy struct {
	// MaxAttempts counts all attempts, the first included. 0 means 4;
	// 1 disables retries.
	MaxAttempts int
	// BaseDelay is the backoff before the second attempt; it doubles per
	// attempt. 0 means 500 ms.
	BaseDelay time.Duration
	// MaxDelay caps the backoff. A Retry-After longer than MaxDelay ends the
	// retries and returns the error (its RetryAfter tells the caller when to
	// try again). 0 means 30 s.
	MaxDelay time.Duration
	// Sleep waits d or until ctx is done (then returns ctx.Err()). Tests
	// inject an instant one. nil means a real timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Rand returns a jitter factor in [0, 1). nil means math/rand/v2.
	Rand func() float64
}

func (p RetryPolicy) attempts() int {
	if p.MaxAttempts <= 0 {
		return 4
	}
	return p.MaxAttempts
}

func (p RetryPolicy) maxDelay() time.Duration {
	if p.MaxDelay <= 0 {
		return 30 * time.Second
	}
	return p.MaxDelay
}

// Backoff returns the wait before attempt number attempt+1 (attempt >= 1):
// "equal jitter" over BaseDelay·2^(attempt-1) capped at MaxDelay, i.e. a
// value in [d/2, d).
func (p RetryPolicy) Backoff(attempt int) time.Duration {
	base := p.BaseDelay
	if base <= 0 {
		base = 500 * time.Millisecond
	}
	limit := p.maxDelay()
	d := min(base, limit)
	for i := 1; i < attempt && d < limit; i++ {
		if d > limit/2 {
			d = limit
		} else {
			d *= 2
		}
	}
	r := rand.Float64
	if p.Rand != nil {
		r = p.Rand
	}
	f := r()
	if f < 0 || f >= 1 {
		f = 0
	}
	return d/2 + time.Duration(f*float64(d/2))
}

func (p RetryPolicy) sleep(ctx context.Context, d time.Duration) error {
	if p.Sleep != nil {
		return p.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// SendText sends body to the user to (a wa_id / phone number) and returns
// the wamid of the last message sent. A body longer than MaxTextRunes is
// split with SplitText and sent as consecutive messages, in order; use
// SendTextParts to get every wamid. An empty or blank body, or one needing
// more than MaxTextParts messages (a runaway reply, not a chat answer), is
// refused with a *ValidationError before anything is sent. On error the
// returned ID is "".
func (c *Client) SendText(ctx context.Context, to, body string) (string, error) {
	ids, err := c.SendTextParts(ctx, to, body)
	if err != nil {
		return "", err
	}
	return ids[len(ids)-1], nil
}

// SendTextParts is SendText returning the wamid of every part. If a part
// fails, it returns the wamids of the parts already sent along with the
// error, and sends nothing more.
func (c *Client) SendTextParts(ctx context.Context, to, body string) ([]string, error) {
	if err := checkRecipient(to); err != nil {
		return nil, err
	}
	if strings.TrimSpace(body) == "" {
		return nil, &ValidationError{Field: "body", Reason: "must not be empty"}
	}
	parts := SplitText(body, MaxTextRunes)
	if len(parts) > MaxTextParts {
		return nil, &ValidationError{Field: "body", Reason: fmt.Sprintf("needs %d messages, max %d", len(parts), MaxTextParts)}
	}
	ids := make([]string, 0, len(parts))
	for i, part := range parts {
		req := sendRequest{
			MessagingProduct: "whatsapp",
			RecipientType:    "individual",
			To:               to,
			Type:             "text",
			Text:             &textObject{PreviewURL: c.PreviewURL, Body: part},
			CallbackData:     c.CallbackData,
		}
		id, err := c.send(ctx, "text", req)
		if err != nil {
			if len(parts) > 1 {
				err = fmt.Errorf("part %d of %d: %w", i+1, len(parts), err)
			}
			return ids, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// SendButtons sends an interactive reply-button message. The message is
// checked with ButtonMessage.Validate first; nothing is sent (and no
// title is shortened) if it breaks a limit.
func (c *Client) SendButtons(ctx context.Context, to, body string, buttons []Button) (string, error) {
	if err := checkRecipient(to); err != nil {
		return "", err
	}
	msg := ButtonMessage{Body: body, Buttons: buttons}
	if err := msg.Validate(); err != nil {
		return "", err
	}
	in := &interactiveObject{Type: "button"}
	in.Body.Text = body
	for _, b := range buttons {
		var wb wireButton
		wb.Type = "reply"
		wb.Reply.ID, wb.Reply.Title = b.ID, b.Title
		in.Action.Buttons = append(in.Action.Buttons, wb)
	}
	return c.send(ctx, "buttons", sendRequest{
		MessagingProduct: "whatsapp",
		RecipientType:    "individual",
		To:               to,
		Type:             "interactive",
		Interactive:      in,
		CallbackData:     c.CallbackData,
	})
}

func checkRecipient(to string) error {
	if strings.TrimSpace(to) == "" {
		return &ValidationError{Field: "to", Reason: "must not be empty"}
	}
	return nil
}

// Wire shapes of a send request and its answer.
type (
	sendRequest struct {
		MessagingProduct string             `json:"messaging_product"`
		RecipientType    string             `json:"recipient_type"`
		To               string             `json:"to"`
		Type             string             `json:"type"`
		Text             *textObject        `json:"text,omitempty"`
		Interactive      *interactiveObject `json:"interactive,omitempty"`
		CallbackData     string             `json:"biz_opaque_callback_data,omitempty"`
	}
	textObject struct {
		PreviewURL bool   `json:"preview_url"`
		Body       string `json:"body"`
	}
	interactiveObject struct {
		Type string `json:"type"`
		Body struct {
			Text string `json:"text"`
		} `json:"body"`
		Action struct {
			Buttons []wireButton `json:"buttons"`
		} `json:"action"`
	}
	wireButton struct {
		Type  string `json:"type"`
		Reply struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"reply"`
	}
	sendResponse struct {
		MessagingProduct string `json:"messaging_product"`
		Contacts         []struct {
			Input string `json:"input"`
			WaID  string `json:"wa_id"`
		} `json:"contacts"`
		Messages []struct {
			ID string `json:"id"`
		} `json:"messages"`
	}
	graphErrorBody struct {
		Error *struct {
			Message     string `json:"message"`
			Type        string `json:"type"`
			Code        int    `json:"code"`
			Subcode     int    `json:"error_subcode"`
			FBTraceID   string `json:"fbtrace_id"`
			IsTransient bool   `json:"is_transient"`
		} `json:"error"`
	}
)

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Client) endpoint() string {
	base := c.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	return strings.TrimRight(base, "/") + "/" + url.PathEscape(c.PhoneNumberID) + "/messages"
}

// send posts payload with retries and returns the wamid.
func (c *Client) send(ctx context.Context, kind string, payload sendRequest) (string, error) {
	if c.AccessToken == "" || c.PhoneNumberID == "" {
		return "", ErrNotConfigured
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return "", fmt.Errorf("whatsapp: send %s: encode: %w", kind, err)
	}
	log := c.Logger.With().Str("component", "whatsapp.client").Str("kind", kind).Logger()
	maxAttempts := c.Retry.attempts()
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return "", fmt.Errorf("whatsapp: send %s: %w", kind, err)
		}
		id, retryAfter, retryable, err := c.attempt(ctx, body)
		if err == nil {
			log.Debug().Int("attempt", attempt).Str("message_id", id).Msg("message sent")
			return id, nil
		}
		ev := log.Warn().Int("attempt", attempt)
		if apiErr, ok := AsAPIError(err); ok {
			ev = ev.Int("http_status", apiErr.StatusCode).Int("code", apiErr.Code).
				Int("subcode", apiErr.Subcode).Str("fbtrace_id", apiErr.FBTraceID)
		} else {
			ev = ev.Str("error_class", errorClass(err))
		}
		if !retryable || attempt >= maxAttempts {
			ev.Bool("retryable", retryable).Msg("send failed")
			if retryable {
				return "", fmt.Errorf("whatsapp: send %s: gave up after %d attempts: %w", kind, attempt, err)
			}
			return "", fmt.Errorf("whatsapp: send %s: %w", kind, err)
		}
		wait := c.Retry.Backoff(attempt)
		if retryAfter > 0 {
			if retryAfter > c.Retry.maxDelay() {
				ev.Dur("retry_after", retryAfter).Msg("send failed; Retry-After exceeds max delay")
				return "", fmt.Errorf("whatsapp: send %s: retry after %s exceeds max delay: %w", kind, retryAfter, err)
			}
			wait = retryAfter
		}
		if deadline, ok := ctx.Deadline(); ok && c.now().Add(wait).After(deadline) {
			ev.Dur("wait", wait).Msg("send failed; no time left to retry before deadline")
			return "", fmt.Errorf("whatsapp: send %s: deadline before next retry: %w", kind, err)
		}
		ev.Dur("wait", wait).Msg("send failed; retrying")
		if err := c.Retry.sleep(ctx, wait); err != nil {
			return "", fmt.Errorf("whatsapp: send %s: %w", kind, err)
		}
	}
}

// attempt performs one POST. retryable reports whether a retry may help
// under the policy (429, 5xx, or a failure to connect at all).
func (c *Client) attempt(ctx context.Context, body []byte) (id string, retryAfter time.Duration, retryable bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint(), bytes.NewReader(body))
	if err != nil {
		return "", 0, false, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.AccessToken)
	hc := c.HTTPClient
	if hc == nil {
		hc = defaultHTTPClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		// Only a failed dial is surely unsent; anything later may have
		// reached Meta, and resending could duplicate the message.
		var op *net.OpError
		dial := errors.As(err, &op) && op.Op == "dial" && ctx.Err() == nil
		return "", 0, dial, fmt.Errorf("http: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return "", 0, false, fmt.Errorf("read response: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := parseAPIError(resp.StatusCode, raw)
		apiErr.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), c.now())
		retry := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
		return "", apiErr.RetryAfter, retry, apiErr
	}
	var sr sendResponse
	if err := json.Unmarshal(raw, &sr); err != nil {
		return "", 0, false, fmt.Errorf("%w: response is not the expected JSON", ErrNoMessageID)
	}
	if len(sr.Messages) == 0 || sr.Messages[0].ID == "" {
		// Some proxies answer 200 with a Graph error body.
		if apiErr := parseAPIError(resp.StatusCode, raw); apiErr.Code != 0 {
			return "", 0, false, apiErr
		}
		return "", 0, false, ErrNoMessageID
	}
	return sr.Messages[0].ID, 0, false, nil
}

func parseAPIError(status int, raw []byte) *APIError {
	e := &APIError{StatusCode: status}
	var body graphErrorBody
	if json.Unmarshal(raw, &body) == nil && body.Error != nil {
		e.Code, e.Subcode = body.Error.Code, body.Error.Subcode
		e.Type, e.Message = body.Error.Type, body.Error.Message
		e.FBTraceID, e.IsTransient = body.Error.FBTraceID, body.Error.IsTransient
	}
	return e
}

// parseRetryAfter reads delay-seconds or an HTTP-date; 0 if absent or bad.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// errorClass names a transport error without its text (which can quote
// the URL, and so the phone number ID).
func errorClass(err error) string {
	var op *net.OpError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, ErrNoMessageID):
		return "no_message_id"
	case errors.As(err, &op):
		return "net_" + op.Op
	default:
		return "other"
	}
}
