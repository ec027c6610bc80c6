package pipeline

import (
	"time"

	"github.com/veilhq/veil/anonymize"
	"github.com/veilhq/veil/nlu"
)

// Kind is the kind of an inbound message.
type Kind string

const (
	KindText     Kind = "text"
	KindButton   Kind = "button" // a reply-button, list or template quick-reply press
	KindMedia    Kind = "media"  // image, audio, video, document, sticker
	KindLocation Kind = "location"
	KindContacts Kind = "contacts"
	KindReaction Kind = "reaction"
	KindUnknown  Kind = "unknown"
)

// Button is a reply button offered to the user.
type Button struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// Reply is one outgoing message: text and up to three reply buttons.
type Reply struct {
	Text    string   `json:"text"`
	Buttons []Button `json:"buttons,omitempty"`
	// Generated marks text a model wrote (the LLM): the response stage
	// passes it through the output guard, which masks personal data that
	// is not this user's own. Business-written replies skip the guard.
	Generated bool `json:"generated,omitempty"`
}

// StageTiming is how long one stage took.
type StageTiming struct {
	Stage    string        `json:"stage"`
	Duration time.Duration `json:"duration"`
}

// Turn is one inbound message on its way through the pipeline.
//
// UserID and Text hold raw personal data: they live in memory for the
// turn only and no stage may store or log them. Stages after the PII stage
// read Redacted instead.
type Turn struct {
	MessageID    string    // the channel's message ID (WhatsApp wamid)
	UserID       string    // raw WhatsApp ID (phone number): never stored, never logged
	Subject      string    // keyed hash of UserID: what stores and logs use
	LogID        string    // short keyed hash for log lines
	Conversation string    // conversation key (pseudonym scope)
	Region       string    // phone region of the user's number, e.g. "GB"
	Language     string    // tenant language, e.g. "en"
	Received     time.Time // when the channel received the message
	Kind         Kind
	Text         string // raw text, or the pressed button's title
	ButtonID     string // the pressed button's ID, when Kind is KindButton

	// Set by the PII stage.
	Redacted string           // pseudonymized Text
	Spans    []anonymize.Span // what was found in Text

	// Set by routing.
	NLU     nlu.Result
	Intent  string  // the intent acted on, "" when none
	Replies []Reply // pseudonymized replies, re-identified by the response stage

	// Out holds the final replies to send: set by the response stage, or by
	// a stage that halts the turn.
	Out []Reply

	halted   bool
	haltedBy string
	current  string
	Timings  []StageTiming
}

// Halt stops the turn after the current stage; replies are final and are
// sent as they are (no re-identification), so they must not contain
// pseudonyms.
func (t *Turn) Halt(replies ...Reply) {
	t.halted = true
	t.haltedBy = t.current
	t.Out = append(t.Out, replies...)
}

// Halted reports whether a stage halted the turn, and which.
func (t *Turn) Halted() (bool, string) { return t.halted, t.haltedBy }

// Reply queues a pseudonymized reply for the response stage.
func (t *Turn) Reply(r Reply) { t.Replies = append(t.Replies, r) }
