package conversations

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
)

// Consent states a Runner reports after each turn.
const (
	ConsentNone      = "none"         // the user has never been asked
	ConsentNotice    = "notice_shown" // asked, no answer yet
	ConsentOptedIn   = "opted_in"
	ConsentDeclined  = "declined"
	ConsentWithdrawn = "withdrawn"
	ConsentErased    = "erased"
)

// Runner starts conversations on the real pipeline. The application
// implements it with a recording fake LLM and recording sinks for the
// intent model, the logs and the store.
type Runner interface {
	// Start begins a conversation with a new user, isolated from every
	// other conversation (own subject, vault and consent history).
	Start(ctx context.Context, c ConversationInfo) (Session, error)
}

// ConversationInfo tells the Runner who the user is.
type ConversationInfo struct {
	Name     string // the scripted conversation's name
	UserID   string // raw WhatsApp ID; never "" (Run invents one)
	Language string // tenant language, may be ""
	Region   string // phone region, may be ""
}

// Session is one running conversation.
type Session interface {
	// Send delivers one user message and waits for the pipeline to finish
	// the turn. Errors are pipeline failures, not assertion failures.
	Send(ctx context.Context, m Message) (TurnResult, error)
	// Observed returns everything that crossed the PII boundary so far,
	// by sink: "llm" (prompts and messages sent to the LLM), "nlu" (texts
	// the intent model parsed), "log" (log lines), "store" (values written
	// to the store, plaintext before encryption where it is encrypted).
	Observed(ctx context.Context) (map[string][]string, error)
	// Close ends the session and releases its resources.
	Close(ctx context.Context) error
}

// Message is one inbound user message.
type Message struct {
	Text     string // the text, or the pressed button's title when known
	ButtonID string // set for a button press
}

// TurnResult is what the pipeline did with one message.
type TurnResult struct {
	Replies []string // reply texts, as sent to the user (re-identified)
	Buttons []string // titles of the offered reply buttons
	Intent  string   // the intent acted on, "" when none
	Consent string   // the user's consent state after the turn
}

// Failure is one failed assertion.
type Failure struct {
	Turn    int    `json:"turn"` // 1-based; 0 for the conversation as a whole
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// Result is one conversation's outcome.
type Result struct {
	Name     string        `json:"name"`
	Line     int           `json:"line,omitempty"`
	Passed   bool          `json:"passed"`
	Skipped  string        `json:"skipped,omitempty"`
	Error    string        `json:"error,omitempty"` // the runner failed (not an assertion)
	Failures []Failure     `json:"failures,omitempty"`
	Turns    int           `json:"turns"`
	Duration time.Duration `json:"duration_ns"`
}

// Report is a suite run's outcome.
type Report struct {
	File     string        `json:"file"`
	Total    int           `json:"total"`
	Passed   int           `json:"passed"`
	Failed   int           `json:"failed"`
	Skipped  int           `json:"skipped"`
	Results  []Result      `json:"results"`
	Duration time.Duration `json:"duration_ns"`
}

// OK reports whether no conversation failed.
func (r *Report) OK() bool { return r.Failed == 0 }

// Options configure Run.
type Options struct {
	// Filter keeps conversations whose name it matches; nil keeps all.
	Filter *regexp.Regexp
	// ExtraPII, when set, returns more raw values to protect in a user
	// message (e.g. from the PII detector).
	ExtraPII func(text string) []string
	// Progress, when set, is called after each conversation.
	Progress func()
}

// Run plays every conversation of the suite, one after another.
func Run(ctx context.Context, s *Suite, r Runner, opts Options) (*Report, error) {
	rep := &Report{File: s.File}
	start := time.Now()
	for i, c := range s.Conversations {
		if opts.Filter != nil && !opts.Filter.MatchString(c.Name) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		res := runOne(ctx, i, c, r, &opts)
		rep.Results = append(rep.Results, res)
		rep.Total++
		switch {
		case res.Skipped != "":
			rep.Skipped++
		case res.Passed:
			rep.Passed++
		default:
			rep.Failed++
		}
		if opts.Progress != nil {
			opts.Progress()
		}
	}
	rep.Duration = time.Since(start)
	return rep, nil
}

func runOne(ctx context.Context, idx int, c Conversation, r Runner, opts *Options) (res Result) {
	res = Result{Name: c.Name, Line: c.Line, Turns: len(c.Turns)}
	if c.Skip != "" {
		res.Skipped = c.Skip
		return res
	}
	start := time.Now()
	defer func() { res.Duration = time.Since(start) }()
	user := c.UserID
	if user == "" {
		// A syntactically plausible, reserved-for-fiction UK mobile number.
		user = fmt.Sprintf("+4477009%05d", 100+idx)
	}
	sess, err := r.Start(ctx, ConversationInfo{Name: c.Name, UserID: user, Language: c.Language, Region: c.Region})
	if err != nil {
		res.Error = "start: " + err.Error()
		return res
	}
	defer func() {
		if err := sess.Close(ctx); err != nil && res.Error == "" {
			res.Error = "close: " + err.Error()
			res.Passed = false
		}
	}()
	protected := []protectedValue{{value: user, turn: 0, what: "the user's WhatsApp ID"}}
	for ti, t := range c.Turns {
		msg := Message{Text: t.User, ButtonID: t.Button}
		for _, v := range t.PII {
			protected = append(protected, protectedValue{v, ti + 1, "pii"})
		}
		if opts.ExtraPII != nil && t.User != "" {
			for _, v := range opts.ExtraPII(t.User) {
				protected = append(protected, protectedValue{v, ti + 1, "detected pii"})
			}
		}
		got, err := sess.Send(ctx, msg)
		if err != nil {
			res.Error = fmt.Sprintf("turn %d (line %d): %v", ti+1, t.Line, err)
			return res
		}
		for _, m := range check(t.Expect, got) {
			res.Failures = append(res.Failures, Failure{Turn: ti + 1, Line: t.Line, Message: m})
		}
	}
	obs, err := sess.Observed(ctx)
	if err != nil {
		res.Error = "observed: " + err.Error()
		return res
	}
	res.Failures = append(res.Failures, privacy(protected, obs)...)
	res.Passed = len(res.Failures) == 0
	return res
}

func check(e Expect, got TurnResult) []string {
	var fails []string
	all := strings.ToLower(strings.Join(got.Replies, "\n"))
	quote := func(rs []string) string {
		if len(rs) == 0 {
			return "no reply"
		}
		q := make([]string, len(rs))
		for i, r := range rs {
			q[i] = fmt.Sprintf("%q", r)
		}
		return "replies " + strings.Join(q, ", ")
	}
	if e.Intent != "" && got.Intent != e.Intent {
		fails = append(fails, fmt.Sprintf("intent %q, want %q", got.Intent, e.Intent))
	}
	if len(e.IntentIn) > 0 {
		ok := false
		for _, in := range e.IntentIn {
			ok = ok || in == got.Intent
		}
		if !ok {
			fails = append(fails, fmt.Sprintf("intent %q, want one of %q", got.Intent, e.IntentIn))
		}
	}
	for _, s := range e.ReplyContains {
		if !strings.Contains(all, strings.ToLower(s)) {
			fails = append(fails, fmt.Sprintf("no reply contains %q (%s)", s, quote(got.Replies)))
		}
	}
	for _, s := range e.ReplyNotContains {
		if strings.Contains(all, strings.ToLower(s)) {
			fails = append(fails, fmt.Sprintf("a reply contains %q (%s)", s, quote(got.Replies)))
		}
	}
	if e.re != nil {
		ok := false
		for _, r := range got.Replies {
			ok = ok || e.re.MatchString(r)
		}
		if !ok {
			fails = append(fails, fmt.Sprintf("no reply matches /%s/ (%s)", e.re, quote(got.Replies)))
		}
	}
	for _, b := range e.Buttons {
		ok := false
		for _, g := range got.Buttons {
			ok = ok || strings.EqualFold(g, b)
		}
		if !ok {
			fails = append(fails, fmt.Sprintf("button %q not offered (buttons %q)", b, got.Buttons))
		}
	}
	if e.NoReply && len(got.Replies) > 0 {
		fails = append(fails, fmt.Sprintf("want no reply, got %s", quote(got.Replies)))
	}
	if e.Consent != "" && got.Consent != e.Consent {
		fails = append(fails, fmt.Sprintf("consent %q, want %q", got.Consent, e.Consent))
	}
	return fails
}

type protectedValue struct {
	value string
	turn  int
	what  string
}

// variants returns the forms a value may take after reformatting: as is
// and, for values with enough digits (phones, cards, IBANs), the digits
// alone.
func variants(v string) []string {
	out := []string{strings.ToLower(v)}
	var d strings.Builder
	for _, r := range v {
		if unicode.IsDigit(r) {
			d.WriteRune(r)
		}
	}
	if d.Len() >= 6 && d.String() != v {
		out = append(out, d.String())
	}
	return out
}

// numberRun is a number as people write it: digits with separators.
var numberRun = regexp.MustCompile(`\+?\d[\d \t().\-/]*\d`)

// digitRuns returns the digits of each number written in s, separated by
// "|" so that two neighbouring numbers never join into a false match.
func digitRuns(s string) string {
	var b strings.Builder
	for _, m := range numberRun.FindAllString(s, -1) {
		for _, r := range m {
			if unicode.IsDigit(r) {
				b.WriteRune(r)
			}
		}
		b.WriteByte('|')
	}
	return b.String()
}

// privacy reports every protected value found in an observed sink. It
// never prints the value itself, only which turn it came from and where
// it was seen.
func privacy(protected []protectedValue, obs map[string][]string) []Failure {
	sinks := make([]string, 0, len(obs))
	for k := range obs {
		sinks = append(sinks, k)
	}
	sort.Strings(sinks)
	var fails []Failure
	for _, sink := range sinks {
		for i, text := range obs[sink] {
			low := strings.ToLower(text)
			dig := digitRuns(text)
			for _, p := range protected {
				vs := variants(p.value)
				hit := strings.Contains(low, vs[0])
				if !hit && len(vs) > 1 {
					hit = strings.Contains(dig, vs[1])
				}
				if hit {
					fails = append(fails, Failure{Turn: p.turn, Message: fmt.Sprintf("privacy: raw %s from turn %d (%d characters, %s…) reached %s (entry %d)",
						p.what, p.turn, len([]rune(p.value)), mask(p.value), sink, i+1)})
				}
			}
		}
	}
	return fails
}

// mask shows the first character of a value only.
func mask(v string) string {
	r := []rune(v)
	if len(r) == 0 {
		return ""
	}
	return string(r[:1]) + strings.Repeat("*", min(len(r)-1, 6))
}
