package llm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rs/zerolog"
	openai "github.com/sashabaranov/go-openai"

	"github.com/veilhq/veil/pipeline"
	"github.com/veilhq/veil/store"
)

// Defaults for Config's zero values.
const (
	DefaultModel           = "gpt-4o-mini"
	DefaultMaxHistory      = 10
	DefaultMaxHistoryChars = 4000
	DefaultSystemPrompt    = "You are the WhatsApp assistant of a business. Answer the customer's message helpfully, briefly and politely, in the language they write in. If you cannot help, say so and offer to pass them to a person."
)

// PlaceholderRules is always appended to the system prompt: it tells the
// model how to treat pseudonyms. Config.SystemPrompt cannot remove it.
const PlaceholderRules = `The conversation has been pseudonymized: tokens in angle brackets such as <PERSON_1>, <EMAIL_1>, <PHONE_NUMBER_1> or <LOCATION_2> stand for the customer's real data, which you cannot see.
- When you refer to that data, write the token verbatim (same brackets, name and number), e.g. "We will write to <EMAIL_1>."
- Never invent a value for a token, never guess what it stands for, never alter or renumber it, and never create tokens that are not in the conversation.
- Never ask the customer to reveal, spell out or repeat what a token stands for; the business already has it.
- Do not write personal data (names, e-mail addresses, phone numbers, addresses, card or account numbers) yourself.`

// Config configures the LLM responder.
type Config struct {
	BaseURL string // OpenAI-compatible API base URL; empty means OpenAI's
	APIKey  string // empty: the LLM is off (see Enabled)
	Model   string // chat model, or the Azure deployment (default DefaultModel)
	// APIType and APIVersion select Azure ("azure"); see ClientConfig.
	APIType, APIVersion string
	// Timeout bounds one attempt (default DefaultTimeout).
	Timeout time.Duration
	// MaxRetries after the first attempt: 0 means DefaultMaxRetries,
	// negative none.
	MaxRetries int
	// MaxHistory is how many earlier messages of the conversation are sent
	// (default DefaultMaxHistory; negative: none). MaxHistoryChars bounds
	// their total length (default DefaultMaxHistoryChars): the newest are
	// kept.
	MaxHistory, MaxHistoryChars int
	// SystemPrompt describes the business and the assistant's role
	// (default DefaultSystemPrompt). PlaceholderRules always follow it.
	SystemPrompt string
	// Temperature for sampling; 0 leaves the server's default.
	Temperature float32
	// MaxTokens caps the completion (0: the server's default).
	MaxTokens int
}

// Enabled reports whether cfg turns the LLM on: it needs an API key (a
// local server that ignores it still needs some value). Without one the
// caller leaves stages.Route.Fallback nil and the bot's canned reply is used.
func Enabled(cfg Config) bool { return strings.TrimSpace(cfg.APIKey) != "" }

// Responder answers turns no dialog took with a chat model. It sends only
// pseudonymized text: the turn's Redacted text and the conversation's
// recorded (pseudonymized) history, never Turn.Text or Turn.UserID.
type Responder struct {
	cfg     Config
	client  *Client
	history store.Transcripts
	log     zerolog.Logger
	system  string
	// Now is the clock that decides which records have expired.
	Now func() time.Time
}

// New returns a responder; history may be nil (no history is sent). It
// does not contact the API.
func New(cfg Config, history store.Transcripts, log zerolog.Logger) (*Responder, error) {
	return NewWithClient(cfg, history, log, ClientConfig{})
}

// NewWithClient is New with extra client settings (HTTP client, backoff,
// Sleep for tests); cfg's BaseURL, APIKey, APIType, APIVersion, Timeout and
// MaxRetries override cc's.
func NewWithClient(cfg Config, history store.Transcripts, log zerolog.Logger, cc ClientConfig) (*Responder, error) {
	if !Enabled(cfg) {
		return nil, errors.New("llm: no api key")
	}
	if cfg.Model == "" {
		cfg.Model = DefaultModel
	}
	if cfg.MaxHistory == 0 {
		cfg.MaxHistory = DefaultMaxHistory
	}
	if cfg.MaxHistoryChars <= 0 {
		cfg.MaxHistoryChars = DefaultMaxHistoryChars
	}
	if cfg.Temperature < 0 || cfg.Temperature > 2 {
		return nil, fmt.Errorf("llm: temperature %v out of [0, 2]", cfg.Temperature)
	}
	cc.BaseURL, cc.APIKey, cc.APIType, cc.APIVersion = cfg.BaseURL, cfg.APIKey, cfg.APIType, cfg.APIVersion
	cc.Timeout, cc.MaxRetries = cfg.Timeout, cfg.MaxRetries
	client, err := NewClient(cc, log)
	if err != nil {
		return nil, err
	}
	system := strings.TrimSpace(cfg.SystemPrompt)
	if system == "" {
		system = DefaultSystemPrompt
	}
	return &Responder{
		cfg: cfg, client: client, history: history, log: log,
		system: system + "\n\n" + PlaceholderRules, Now: time.Now,
	}, nil
}

// Client returns the responder's API client (to share with an LLM
// classifier or embedder on the same endpoint).
func (r *Responder) Client() *Client { return r.client }

// Respond asks the model for a reply to t.Redacted given the conversation's
// recent history. The reply is pseudonymized (tokens as the model wrote
// them) and marked Generated, so the response stage applies the output
// guard and re-identifies it.
// An error (API down, empty completion) means the caller sends its canned
// reply.
func (r *Responder) Respond(ctx context.Context, t *pipeline.Turn) (pipeline.Reply, error) {
	msg := strings.TrimSpace(t.Redacted)
	if msg == "" {
		return pipeline.Reply{}, errors.New("llm: respond: no pseudonymized text")
	}
	msgs, err := r.Messages(ctx, t)
	if err != nil {
		return pipeline.Reply{}, err
	}
	resp, err := r.client.Chat(ctx, openai.ChatCompletionRequest{
		Model:       r.cfg.Model,
		Messages:    msgs,
		Temperature: r.cfg.Temperature,
		MaxTokens:   r.cfg.MaxTokens,
		// No "user" field: even a keyed hash would let the vendor link a
		// user's conversations over time.
	})
	if err != nil {
		return pipeline.Reply{}, fmt.Errorf("llm: respond: %w", err)
	}
	if len(resp.Choices) == 0 {
		return pipeline.Reply{}, errors.New("llm: respond: no choices")
	}
	c := resp.Choices[0]
	text := strings.TrimSpace(c.Message.Content)
	if text == "" {
		r.log.Warn().Str("model", r.cfg.Model).Str("finish_reason", string(c.FinishReason)).Msg("llm: empty completion")
		return pipeline.Reply{}, fmt.Errorf("llm: respond: empty completion (finish reason %q)", safeWord(string(c.FinishReason)))
	}
	// Generated: the response stage runs the output guard on it before
	// re-identification.
	return pipeline.Reply{Text: text, Generated: true}, nil
}

// Messages builds the chat messages Respond sends for t: the system
// prompt, the bounded pseudonymized history, and t.Redacted.
func (r *Responder) Messages(ctx context.Context, t *pipeline.Turn) ([]openai.ChatCompletionMessage, error) {
	msgs := []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleSystem, Content: r.system}}
	hist, err := r.History(ctx, t)
	if err != nil {
		return nil, err
	}
	msgs = append(msgs, hist...)
	return append(msgs, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: strings.TrimSpace(t.Redacted)}), nil
}

// History returns the conversation's earlier user and bot records as chat
// messages, oldest first: unexpired, of t's conversation, not t's own
// message, at most MaxHistory of them and MaxHistoryChars in total (the
// newest win).
func (r *Responder) History(ctx context.Context, t *pipeline.Turn) ([]openai.ChatCompletionMessage, error) {
	if r.history == nil || r.cfg.MaxHistory < 0 || t.Subject == "" {
		return nil, nil
	}
	recs, err := r.history.Records(ctx, t.Subject)
	if err != nil {
		return nil, fmt.Errorf("llm: history: %w", err)
	}
	now := r.Now()
	var out []openai.ChatCompletionMessage
	chars := 0
	for i := len(recs) - 1; i >= 0 && len(out) < r.cfg.MaxHistory; i-- {
		rec := recs[i]
		if rec.Conversation != t.Conversation || !rec.Expires.After(now) {
			continue
		}
		if t.MessageID != "" && rec.MessageID == t.MessageID {
			continue
		}
		var role string
		switch rec.Kind {
		case store.RecordUser:
			role = openai.ChatMessageRoleUser
		case store.RecordBot:
			role = openai.ChatMessageRoleAssistant
		default:
			continue
		}
		text := strings.TrimSpace(rec.Text)
		if text == "" {
			continue
		}
		n := len([]rune(text))
		if chars+n > r.cfg.MaxHistoryChars {
			break
		}
		chars += n
		out = append(out, openai.ChatCompletionMessage{Role: role, Content: text})
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}
