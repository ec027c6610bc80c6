package dialogs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"text/template"
	"time"

	"github.com/veilhq/veil/anonymize"
	"github.com/veilhq/veil/pipeline"
	"github.com/veilhq/veil/store"
)

// Button IDs the engine sends and understands.
const (
	ButtonYes = "dialog:yes"
	ButtonNo  = "dialog:no"
	// IntentButtonPrefix prefixes buttons that route to an intent.
	IntentButtonPrefix = "intent:"
)

// maxAttempts is how many invalid answers to one slot end the flow.
const maxAttempts = 3

// Input is one turn as the engine sees it: pseudonymized text only.
type Input struct {
	Conversation string
	Subject      string
	Intent       string // the confident intent, "" when none
	Text         string // pseudonymized
	ButtonID     string
}

// Output is the engine's answer.
type Output struct {
	Replies []pipeline.Reply // pseudonymized; re-identified by the response stage
	Handled bool             // false: no flow took the turn (fallback applies)
	Flow    string
	Handoff bool
}

// state is what is kept per conversation.
type state struct {
	Flow      string            `json:"flow"`
	Slots     map[string]string `json:"slots"`
	Awaiting  string            `json:"awaiting"` // slot name, or "confirm"
	Attempts  int               `json:"attempts"`
	Suspended []state           `json:"suspended,omitempty"`
	Handoff   bool              `json:"handoff,omitempty"`
}

const awaitingConfirm = "\x00confirm"

// Engine runs a bot's flows. It is safe for concurrent use across
// conversations; turns of one conversation must be serialized by the caller.
type Engine struct {
	bot    *Bot
	states store.DialogStates
	ttl    time.Duration
	now    func() time.Time
}

// NewEngine builds an engine; ttl bounds how long an unfinished flow is kept.
func NewEngine(bot *Bot, states store.DialogStates, ttl time.Duration, now func() time.Time) *Engine {
	if now == nil {
		now = time.Now
	}
	return &Engine{bot: bot, states: states, ttl: ttl, now: now}
}

// Bot returns the engine's bot.
func (e *Engine) Bot() *Bot { return e.bot }

// Active reports whether a flow is waiting for the user's answer in the
// conversation (a clarifying question would interrupt it).
func (e *Engine) Active(ctx context.Context, conv string) bool {
	st, err := e.load(ctx, conv)
	return err == nil && st != nil && !st.Handoff
}

// Handle advances the conversation's dialog with one turn.
func (e *Engine) Handle(ctx context.Context, in Input) (Output, error) {
	st, err := e.load(ctx, in.Conversation)
	if err != nil {
		return Output{}, err
	}
	out, next := e.step(st, in)
	if err := e.save(ctx, in, next); err != nil {
		return Output{}, err
	}
	return out, nil
}

func (e *Engine) step(st *state, in Input) (Output, *state) {
	if st != nil && isCancel(e.bot, in.Text) && in.ButtonID == "" {
		return reply(st.Flow, "OK, I've cancelled that."), nil
	}
	// A confident intent that starts another flow interrupts the current
	// one, unless the text answers the question the flow asked (a pressed
	// intent button always interrupts).
	if f := e.bot.FlowFor(in.Intent); f != nil && (st == nil || f.Name != st.Flow) &&
		(st == nil || strings.HasPrefix(in.ButtonID, IntentButtonPrefix) || !e.answers(st, in.Text)) {
		var suspended []state
		if st != nil && !st.Handoff {
			suspended = append(st.Suspended, state{Flow: st.Flow, Slots: st.Slots, Awaiting: st.Awaiting})
		}
		ns := &state{Flow: f.Name, Slots: map[string]string{}, Suspended: suspended}
		e.prefill(f, ns, in.Text)
		return e.advance(f, ns)
	}
	if st == nil || st.Handoff {
		return Output{}, st
	}
	f := e.bot.flow(st.Flow)
	if f == nil { // the bot changed since the state was saved
		return Output{}, nil
	}
	if st.Awaiting == awaitingConfirm {
		switch {
		case in.ButtonID == ButtonYes || isWord(in.Text, "yes", "y", "yep", "sí", "si", "ok", "confirm"):
			return e.finish(f, st)
		case in.ButtonID == ButtonNo || isWord(in.Text, "no", "n", "nope"):
			return e.resume(reply(f.Name, "OK, I haven't booked anything."), st)
		default:
			return e.askConfirm(f, st)
		}
	}
	slot := f.slot(st.Awaiting)
	if slot == nil {
		return e.advance(f, st)
	}
	if v, ok := fill(slot, in.Text, true); ok && valid(slot, v) {
		st.Slots[slot.Name] = v
		st.Attempts = 0
		e.prefill(f, st, in.Text) // one answer may carry several slots
		return e.advance(f, st)
	}
	st.Attempts++
	if st.Attempts >= maxAttempts {
		return e.resume(reply(f.Name, "Let's leave that for now. "+e.bot.Fallback), st)
	}
	return reply(f.Name, slot.Reprompt), st
}

// answers reports whether text fills the slot the flow is waiting for.
func (e *Engine) answers(st *state, text string) bool {
	if st.Handoff {
		return false
	}
	f := e.bot.flow(st.Flow)
	if f == nil {
		return false
	}
	slot := f.slot(st.Awaiting)
	if slot == nil || (slot.Entity == "" && slot.re == nil) {
		return false // a free-text answer cannot be told from a new request
	}
	v, ok := fill(slot, text, true)
	return ok && valid(slot, v)
}

// advance asks for the next missing slot, or confirms, or finishes.
func (e *Engine) advance(f *Flow, st *state) (Output, *state) {
	for _, s := range f.Slots {
		if _, ok := st.Slots[s.Name]; !ok {
			st.Awaiting = s.Name
			return reply(f.Name, s.Prompt), st
		}
	}
	if f.confirm != nil {
		return e.askConfirm(f, st)
	}
	return e.finish(f, st)
}

func (e *Engine) askConfirm(f *Flow, st *state) (Output, *state) {
	st.Awaiting = awaitingConfirm
	out := reply(f.Name, render(f.confirm, st.Slots))
	out.Replies[0].Buttons = []pipeline.Button{{ID: ButtonYes, Title: "Yes"}, {ID: ButtonNo, Title: "No"}}
	return out, st
}

func (e *Engine) finish(f *Flow, st *state) (Output, *state) {
	out := reply(f.Name, render(f.reply, st.Slots))
	for _, b := range f.Buttons {
		out.Replies[0].Buttons = append(out.Replies[0].Buttons, pipeline.Button{ID: IntentButtonPrefix + b.Intent, Title: b.Title})
	}
	if f.Handoff {
		out.Handoff = true
		return out, &state{Flow: f.Name, Handoff: true}
	}
	return e.resume(out, st)
}

// resume pops a suspended flow, if any, and re-asks its question.
func (e *Engine) resume(out Output, st *state) (Output, *state) {
	if len(st.Suspended) == 0 {
		return out, nil
	}
	prev := st.Suspended[len(st.Suspended)-1]
	prev.Suspended = st.Suspended[:len(st.Suspended)-1]
	f := e.bot.flow(prev.Flow)
	if f == nil {
		return out, nil
	}
	more, next := e.advance(f, &prev)
	more.Replies[0].Text = "Back to where we were: " + more.Replies[0].Text
	out.Replies = append(out.Replies, more.Replies...)
	return out, next
}

func (e *Engine) prefill(f *Flow, st *state, text string) {
	for _, s := range f.Slots {
		if _, ok := st.Slots[s.Name]; ok {
			continue
		}
		if v, ok := fill(s, text, false); ok && valid(s, v) {
			st.Slots[s.Name] = v
		}
	}
}

func (f *Flow) slot(name string) *Slot {
	for _, s := range f.Slots {
		if s.Name == name {
			return s
		}
	}
	return nil
}

var tokenRE = regexp.MustCompile(`<[A-Z][A-Z0-9_]*_\d+>`)

// fill extracts a slot value from pseudonymized text. Free-text slots take
// the whole answer only when the slot was asked for (asked = true).
func fill(s *Slot, text string, asked bool) (string, bool) {
	if s.Entity != "" {
		want := anonymize.TokenLabel(s.Entity)
		for _, m := range tokenRE.FindAllString(text, -1) {
			if label, _, ok := anonymize.ParseToken(m); ok && label == want {
				return m, true
			}
		}
		if s.re == nil {
			return "", false
		}
	}
	switch {
	case s.re != nil:
		m := s.re.FindStringSubmatch(text)
		if m == nil {
			return "", false
		}
		if len(m) > 1 {
			return m[1], true
		}
		return m[0], true
	case asked:
		v := strings.TrimSpace(text)
		return v, v != "" && !tokenRE.MatchString(v)
	}
	return "", false
}

func valid(s *Slot, v string) bool {
	if s.Rule == "" || tokenRE.MatchString(v) {
		return true // pseudonyms were validated by their recognizer
	}
	return validate.Var(v, s.Rule) == nil
}

func render(t *template.Template, slots map[string]string) string {
	var b strings.Builder
	if err := t.Execute(&b, slots); err != nil {
		return "Done."
	}
	return b.String()
}

func reply(flow, text string) Output {
	return Output{Handled: true, Flow: flow, Replies: []pipeline.Reply{{Text: text}}}
}

func isCancel(b *Bot, text string) bool { return isWord(text, b.Cancel...) }

func isWord(text string, words ...string) bool {
	t := strings.ToLower(strings.Trim(strings.TrimSpace(text), ".!?¡¿ "))
	for _, w := range words {
		if t == w {
			return true
		}
	}
	return false
}

func (e *Engine) load(ctx context.Context, conv string) (*state, error) {
	raw, err := e.states.GetState(ctx, conv)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("dialog state: %w", err)
	}
	var st state
	if err := json.Unmarshal(raw, &st); err != nil {
		return nil, nil // unreadable (older format): start afresh
	}
	if st.Slots == nil {
		st.Slots = map[string]string{}
	}
	return &st, nil
}

func (e *Engine) save(ctx context.Context, in Input, st *state) error {
	if st == nil {
		if err := e.states.DeleteState(ctx, in.Conversation); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("dialog state: %w", err)
		}
		return nil
	}
	raw, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("dialog state: %w", err)
	}
	if err := e.states.PutState(ctx, in.Conversation, in.Subject, raw, e.now().Add(e.ttl)); err != nil {
		return fmt.Errorf("dialog state: %w", err)
	}
	return nil
}
