package whatsapp

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/rs/zerolog"
)

// DefaultMaxBodyBytes is the webhook body limit when HandlerConfig leaves
// MaxBodyBytes at zero. Meta batches at most a few dozen items per delivery,
// far below this.
const DefaultMaxBodyBytes = 1 << 20

// maxChallengeBytes bounds the echoed hub.challenge (Meta sends an integer).
const maxChallengeBytes = 256

// Receiver takes verified, parsed webhook deliveries.
//
// Receive must be quick: persist the batch durably (enqueue) and return;
// process it asynchronously. Returning nil acknowledges the delivery and
// WhatsApp will not send it again. Returning an error makes the webhook answer
// 500 so that WhatsApp redelivers later, possibly more than once, so Receive
// must be idempotent per Message.ID (and tolerate repeated statuses). The
// batch is never empty. Receive may keep b; the handler does not reuse it.
// The returned error is logged, so it must not contain message content or
// phone numbers.
type Receiver interface {
	Receive(ctx context.Context, b Batch) error
}

// ReceiverFunc lets a plain function act as a Receiver.
type ReceiverFunc func(ctx context.Context, b Batch) error

// Receive calls f(ctx, b).
func (f ReceiverFunc) Receive(ctx context.Context, b Batch) error { return f(ctx, b) }

// HandlerConfig configures NewHandler.
type HandlerConfig struct {
	// VerifyToken is the token set in the App Dashboard for the GET
	// verification handshake. Required.
	VerifyToken string
	// AppSecret is the Meta app secret that signs deliveries. Required.
	AppSecret string
	// Receiver takes each non-empty delivery. Required.
	Receiver Receiver
	// MaxBodyBytes caps a delivery's size; larger bodies get 413. Zero means
	// DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// ReceiveTimeout, when positive, bounds each Receive call on top of the
	// request's own context. On timeout Receive should return an error (500).
	ReceiveTimeout time.Duration
	// Logger gets one event per request. It never carries message text,
	// names or phone numbers. The zero Logger discards everything.
	Logger zerolog.Logger
}

// Handler is the WhatsApp Cloud API webhook endpoint. Mount it on the
// callback path registered with Meta (e.g. mux.Handle("/webhook", h)); it
// dispatches on method only:
//
//   - GET: the verification handshake. hub.mode=subscribe and a matching
//     hub.verify_token (constant-time) → 200 with hub.challenge as
//     text/plain; otherwise 403.
//   - POST: a delivery. Body over the limit → 413; X-Hub-Signature-256
//     missing, malformed or wrong → 401 (checked before any parsing);
//     malformed JSON or wrong object → 400; Receiver error → 500; else 200.
//   - anything else: 405.
//
// Handler is safe for concurrent use and never panics on any input.
type Handler struct {
	verifyToken    [sha256.Size]byte
	appSecret      []byte
	receiver       Receiver
	maxBody        int64
	receiveTimeout time.Duration
	log            zerolog.Logger
}

var _ http.Handler = (*Handler)(nil)

// NewHandler checks cfg and returns a Handler. It has no side effects.
func NewHandler(cfg HandlerConfig) (*Handler, error) {
	switch {
	case cfg.VerifyToken == "":
		return nil, errors.New("whatsapp: handler: verify token is required")
	case cfg.AppSecret == "":
		return nil, errors.New("whatsapp: handler: app secret is required")
	case cfg.Receiver == nil:
		return nil, errors.New("whatsapp: handler: receiver is required")
	case cfg.MaxBodyBytes < 0:
		return nil, errors.New("whatsapp: handler: max body bytes must not be negative")
	}
	h := &Handler{
		verifyToken:    sha256.Sum256([]byte(cfg.VerifyToken)),
		appSecret:      []byte(cfg.AppSecret),
		receiver:       cfg.Receiver,
		maxBody:        cfg.MaxBodyBytes,
		receiveTimeout: cfg.ReceiveTimeout,
		log:            cfg.Logger.With().Str("component", "whatsapp.webhook").Logger(),
	}
	if h.maxBody == 0 {
		h.maxBody = DefaultMaxBodyBytes
	}
	return h, nil
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		h.verify(w, r)
	case http.MethodPost:
		h.deliver(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func (h *Handler) verify(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	// Hash both sides so the comparison's duration does not depend on
	// where, or whether, the lengths differ.
	token := sha256.Sum256([]byte(q.Get("hub.verify_token")))
	if q.Get("hub.mode") != "subscribe" || subtle.ConstantTimeCompare(token[:], h.verifyToken[:]) != 1 {
		h.log.Warn().Str("result", "forbidden").Msg("webhook verification rejected")
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	challenge := q.Get("hub.challenge")
	if challenge == "" || len(challenge) > maxChallengeBytes {
		h.log.Warn().Str("result", "bad_challenge").Msg("webhook verification rejected")
		http.Error(w, "missing or oversized hub.challenge", http.StatusBadRequest)
		return
	}
	h.log.Info().Msg("webhook verified")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, challenge)
}

func (h *Handler) deliver(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength > h.maxBody {
		h.reject(w, http.StatusRequestEntityTooLarge, "body too large", "too_large")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			h.reject(w, http.StatusRequestEntityTooLarge, "body too large", "too_large")
			return
		}
		h.reject(w, http.StatusBadRequest, "could not read body", "read_error")
		return
	}
	if err := VerifySignature(h.appSecret, body, r.Header.Get(SignatureHeader)); err != nil {
		h.reject(w, http.StatusUnauthorized, "invalid signature", err.Error())
		return
	}
	batch, err := Parse(body)
	if err != nil {
		// Parse errors are content-free by construction (offsets, field names).
		h.reject(w, http.StatusBadRequest, err.Error(), "bad_payload")
		return
	}
	if batch.Empty() {
		h.log.Debug().Int("bytes", len(body)).Msg("webhook delivery without messages or statuses")
		w.WriteHeader(http.StatusOK)
		return
	}
	ctx := r.Context()
	if h.receiveTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, h.receiveTimeout)
		defer cancel()
	}
	ev := h.summary(batch)
	if err := h.receiver.Receive(ctx, batch); err != nil {
		h.log.Error().Err(err).Func(ev).Msg("webhook receiver failed; asking for redelivery")
		http.Error(w, "temporary failure, retry later", http.StatusInternalServerError)
		return
	}
	h.log.Info().Func(ev).Msg("webhook delivery accepted")
	w.WriteHeader(http.StatusOK)
}

func (h *Handler) reject(w http.ResponseWriter, status int, msg, reason string) {
	h.log.Warn().Int("status", status).Str("reason", reason).Msg("webhook delivery rejected")
	http.Error(w, msg, status)
}

// summary logs what is safe about a batch: counts, known types and
// statuses, and wamids. Unknown type strings are folded into "other" so
// nothing free-form from the payload reaches the log.
func (h *Handler) summary(b Batch) func(e *zerolog.Event) {
	return func(e *zerolog.Event) {
		types := zerolog.Dict()
		for t, n := range countBy(b.Messages, func(m Message) string { return loggableType(m.Type) }) {
			types.Int(t, n)
		}
		statuses := zerolog.Dict()
		for s, n := range countBy(b.Statuses, func(s Status) string { return loggableStatus(s.Status) }) {
			statuses.Int(s, n)
		}
		ids := make([]string, 0, len(b.Messages))
		for _, m := range b.Messages {
			ids = append(ids, m.ID)
		}
		e.Int("messages", len(b.Messages)).
			Int("statuses", len(b.Statuses)).
			Dict("types", types).
			Dict("status_values", statuses).
			Strs("message_ids", ids)
	}
}

func countBy[T any](items []T, key func(T) string) map[string]int {
	out := make(map[string]int)
	for _, it := range items {
		out[key(it)]++
	}
	return out
}

func loggableType(t string) string {
	switch t {
	case TypeText, TypeInteractive, TypeButton, TypeImage, TypeAudio, TypeVoice, TypeVideo,
		TypeDocument, TypeSticker, TypeLocation, TypeContacts, TypeReaction, TypeOrder,
		TypeSystem, TypeUnsupported, TypeUnknown:
		return t
	}
	return "other"
}

func loggableStatus(s string) string {
	switch s {
	case StatusSent, StatusDelivered, StatusRead, StatusFailed, StatusPlayed, StatusDeleted:
		return s
	}
	return "other"
}
