package whatsapp

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// ErrInvalidMessage is wrapped by every *ValidationError: the outbound
// message breaks a WhatsApp limit and was not sent. Fix the content (or use
// ShortenTitle / SplitText); retrying will not help.
var ErrInvalidMessage = errors.New("invalid outbound message")

// ErrNotConfigured means the Client lacks an access token or phone number
// ID. Nothing was sent.
var ErrNotConfigured = errors.New("whatsapp client not configured")

// ErrNoMessageID means the Graph API answered 2xx without a message ID. The
// message may or may not have been sent; do not blindly resend.
var ErrNoMessageID = errors.New("send response carried no message id")

// ValidationError names one broken limit. Field is a path such as
// "buttons[1].title"; Reason is content-free (lengths and limits, never the
// text itself), so the error is safe to log.
type ValidationError struct {
	Field  string
	Reason string
}

func (e *ValidationError) Error() string {
	return "whatsapp: invalid message: " + e.Field + ": " + e.Reason
}

// Unwrap makes errors.Is(err, ErrInvalidMessage) true.
func (e *ValidationError) Unwrap() error { return ErrInvalidMessage }

// Graph error codes that mean "slow down" even when the HTTP status is not
// 429: app/account rate limits, pair rate limit (too many messages to one
// user), spam rate limit, throughput limits.
var throttleCodes = []int{4, 80007, 130429, 131048, 131056, 133016}

// APIError is a Graph API error response:
//
//	{"error":{"message","type","code","error_subcode","fbtrace_id","is_transient"}}
//
// Error() carries the HTTP status, code, subcode, type and fbtrace_id but
// not Message: Graph messages may echo request parameters, so log Message
// only where personal data is allowed.
type APIError struct {
	StatusCode  int           // HTTP status
	Code        int           // error.code
	Subcode     int           // error.error_subcode
	Type        string        // error.type, e.g. OAuthException
	Message     string        // error.message; may quote request data
	FBTraceID   string        // error.fbtrace_id, for Meta support
	IsTransient bool          // error.is_transient
	RetryAfter  time.Duration // from the Retry-After header, if any
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "whatsapp: graph api: http %d", e.StatusCode)
	if e.Code != 0 {
		fmt.Fprintf(&b, " code %d", e.Code)
	}
	if e.Subcode != 0 {
		fmt.Fprintf(&b, " subcode %d", e.Subcode)
	}
	if e.Type != "" {
		fmt.Fprintf(&b, " type %s", e.Type)
	}
	if e.FBTraceID != "" {
		fmt.Fprintf(&b, " fbtrace_id %s", e.FBTraceID)
	}
	return b.String()
}

// Throttled reports whether the error is a rate limit (HTTP 429 or a
// Graph throttling code).
func (e *APIError) Throttled() bool {
	return e.StatusCode == http.StatusTooManyRequests || slices.Contains(throttleCodes, e.Code)
}

// Temporary reports whether sending the same message later may succeed:
// rate limits, 5xx, or Graph's is_transient flag. The Client itself retries
// only on HTTP 429 and 5xx; a caller may reschedule other temporary errors.
func (e *APIError) Temporary() bool {
	return e.Throttled() || e.StatusCode >= 500 || e.IsTransient
}

// AsAPIError returns the *APIError in err's chain, if any.
func AsAPIError(err error) (*APIError, bool) {
	return errors.AsType[*APIError](err)
}

// IsTemporary reports whether err carries an *APIError that is Temporary.
func IsTemporary(err error) bool {
	e, ok := AsAPIError(err)
	return ok && e.Temporary()
}
