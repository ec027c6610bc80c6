package dialogs

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"unicode"

	"github.com/go-playground/validator/v10"
	"gopkg.in/yaml.v3"

	"github.com/veilhq/veil/nlu"
)

//go:embed examples/shop.yaml
var exampleBot []byte

// Bot is a bot definition.
type Bot struct {
	Name     string                `yaml:"name"`
	Intents  map[string]IntentSpec `yaml:"intents"`
	Flows    []*Flow               `yaml:"flows"`
	Fallback string                `yaml:"fallback"`    // reply when nothing matches and no LLM answers
	Media    string                `yaml:"media_reply"` // reply to images, audio, locations...
	Cancel   []string              `yaml:"cancel_words"`
	file     string
}

// IntentSpec describes one intent.
type IntentSpec struct {
	Title       string      `yaml:"title"` // button label (≤ 20 characters) when the user is asked to choose
	Description string      `yaml:"description"`
	Keywords    []string    `yaml:"keywords"`
	Examples    []Utterance `yaml:"examples"` // training data for the trained NLU
}

// Utterance is one training example and the line it is on.
type Utterance struct {
	Text string
	Line int
}

func (u *Utterance) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: an example must be a string", n.Line)
	}
	u.Text, u.Line = n.Value, n.Line
	return nil
}

// ButtonSpec is a reply button in a flow's answer.
type ButtonSpec struct {
	Title  string `yaml:"title"`
	Intent string `yaml:"intent"` // pressing it routes to this intent
}

// Flow is one dialog.
type Flow struct {
	Name    string       `yaml:"name"`
	Intents []string     `yaml:"intents"`
	Slots   []*Slot      `yaml:"slots"`
	Confirm string       `yaml:"confirm"` // template; when set, ask yes/no before answering
	Reply   string       `yaml:"reply"`   // template over the slots
	Buttons []ButtonSpec `yaml:"buttons"`
	Handoff bool         `yaml:"handoff"` // hand the conversation to a human after replying

	line    int
	confirm *template.Template
	reply   *template.Template
}

// Slot is a value a flow needs.
type Slot struct {
	Name     string `yaml:"name"`
	Entity   string `yaml:"entity"`  // fill from a pseudonym of this type, e.g. EMAIL_ADDRESS
	Pattern  string `yaml:"pattern"` // fill from this regexp (first group if any); with Entity, tried when no pseudonym matches
	Rule     string `yaml:"rule"`    // validator/v10 rule for non-entity values, e.g. "min=3,max=40"
	Prompt   string `yaml:"prompt"`
	Reprompt string `yaml:"reprompt"`

	line int
	re   *regexp.Regexp
}

func (f *Flow) UnmarshalYAML(n *yaml.Node) error {
	type raw Flow
	if err := n.Decode((*raw)(f)); err != nil {
		return err
	}
	f.line = n.Line
	return nil
}

func (s *Slot) UnmarshalYAML(n *yaml.Node) error {
	type raw Slot
	if err := n.Decode((*raw)(s)); err != nil {
		return err
	}
	s.line = n.Line
	return nil
}

// ExampleBot returns the embedded example bot (an order-status and
// appointment assistant).
func ExampleBot() *Bot {
	b, err := Parse(bytes.NewReader(exampleBot), "examples/shop.yaml")
	if err != nil {
		panic(err) // covered by tests
	}
	return b
}

// LoadFile reads a bot definition.
func LoadFile(path string) (*Bot, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("bot: %w", err)
	}
	defer f.Close()
	return Parse(f, path)
}

var validate = validator.New()

// Parse reads and checks a bot definition; name is used in error messages
// ("file:line: problem").
func Parse(r io.Reader, name string) (*Bot, error) {
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	b := &Bot{file: name}
	if err := dec.Decode(b); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := b.check(); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *Bot) errf(line int, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", b.file, line, fmt.Sprintf(format, args...))
}

func (b *Bot) check() error {
	if len(b.Intents) == 0 {
		return fmt.Errorf("%s: no intents defined", b.file)
	}
	if b.Fallback == "" {
		b.Fallback = "Sorry, I didn't get that. Could you rephrase?"
	}
	if b.Media == "" {
		b.Media = "Thanks! I can only read text messages for now: please type your question."
	}
	if len(b.Cancel) == 0 {
		b.Cancel = []string{"cancel", "stop that", "nevermind", "never mind", "cancelar"}
	}
	if err := b.checkExamples(); err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(b.Intents)) {
		if n := len([]rune(b.Intents[name].Title)); n > 20 {
			return fmt.Errorf("%s: intent %q: title must be at most 20 characters (has %d)", b.file, name, n)
		}
	}
	names := map[string]bool{}
	started := map[string]string{}
	for _, f := range b.Flows {
		if f.Name == "" {
			return b.errf(f.line, "flow without a name")
		}
		if names[f.Name] {
			return b.errf(f.line, "flow %q defined twice", f.Name)
		}
		names[f.Name] = true
		if len(f.Intents) == 0 {
			return b.errf(f.line, "flow %q has no intents to start it", f.Name)
		}
		for _, in := range f.Intents {
			if _, ok := b.Intents[in]; !ok {
				return b.errf(f.line, "flow %q: unknown intent %q", f.Name, in)
			}
			if other, dup := started[in]; dup {
				return b.errf(f.line, "flow %q: intent %q already starts flow %q", f.Name, in, other)
			}
			started[in] = f.Name
		}
		if f.Reply == "" {
			return b.errf(f.line, "flow %q has no reply", f.Name)
		}
		var err error
		if f.reply, err = template.New(f.Name).Option("missingkey=error").Parse(f.Reply); err != nil {
			return b.errf(f.line, "flow %q: reply template: %v", f.Name, err)
		}
		if f.Confirm != "" {
			if f.confirm, err = template.New(f.Name + ".confirm").Option("missingkey=error").Parse(f.Confirm); err != nil {
				return b.errf(f.line, "flow %q: confirm template: %v", f.Name, err)
			}
		}
		if len(f.Buttons) > 3 {
			return b.errf(f.line, "flow %q: WhatsApp allows at most 3 buttons", f.Name)
		}
		for _, bt := range f.Buttons {
			if _, ok := b.Intents[bt.Intent]; !ok {
				return b.errf(f.line, "flow %q: button %q: unknown intent %q", f.Name, bt.Title, bt.Intent)
			}
			if n := len([]rune(bt.Title)); n == 0 || n > 20 {
				return b.errf(f.line, "flow %q: button title %q must be 1-20 characters", f.Name, bt.Title)
			}
		}
		slotNames := map[string]bool{}
		for _, s := range f.Slots {
			if s.Name == "" || s.Prompt == "" {
				return b.errf(s.line, "flow %q: a slot needs a name and a prompt", f.Name)
			}
			if slotNames[s.Name] {
				return b.errf(s.line, "flow %q: slot %q defined twice", f.Name, s.Name)
			}
			slotNames[s.Name] = true
			if s.Pattern != "" {
				if s.re, err = regexp.Compile("(?i)" + s.Pattern); err != nil {
					return b.errf(s.line, "slot %q: pattern: %v", s.Name, err)
				}
			}
			if s.Rule != "" {
				if err := checkRule(s.Rule); err != nil {
					return b.errf(s.line, "slot %q: rule %q: %v", s.Name, s.Rule, err)
				}
			}
			if s.Reprompt == "" {
				s.Reprompt = "Sorry, that doesn't look right. " + s.Prompt
			}
		}
	}
	return nil
}

// checkRule reports whether validator/v10 understands rule; it panics on
// unknown tags, which we turn into an error at load time.
func checkRule(rule string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	verr := validate.Var("probe", rule)
	var inv *validator.InvalidValidationError
	if errors.As(verr, &inv) {
		return verr
	}
	return nil
}

// checkExamples rejects training data a classifier cannot learn from: an
// intent with a single example, or one utterance under two intents.
func (b *Bot) checkExamples() error {
	type seen struct {
		intent string
		line   int
	}
	utterances := map[string]seen{}
	for _, name := range slices.Sorted(maps.Keys(b.Intents)) {
		in := b.Intents[name]
		if len(in.Examples) == 1 {
			return b.errf(in.Examples[0].Line, "intent %q has only one example; give at least two, or none", name)
		}
		for _, u := range in.Examples {
			key := strings.Join(strings.FieldsFunc(strings.ToLower(u.Text), func(r rune) bool {
				return !unicode.IsLetter(r) && !unicode.IsDigit(r)
			}), " ")
			if key == "" {
				return b.errf(u.Line, "intent %q: an example has no words", name)
			}
			if prev, ok := utterances[key]; ok && prev.intent != name {
				return b.errf(u.Line, "example %q of intent %q is also an example of %q (line %d)", u.Text, name, prev.intent, prev.line)
			}
			utterances[key] = seen{name, u.Line}
		}
	}
	return nil
}

// Examples returns the training examples of every intent.
func (b *Bot) Examples() []nlu.Example {
	var out []nlu.Example
	for _, name := range slices.Sorted(maps.Keys(b.Intents)) {
		for _, u := range b.Intents[name].Examples {
			out = append(out, nlu.Example{Text: u.Text, Intent: name})
		}
	}
	return out
}

// Title is an intent's button label: its title, or its name made readable
// and cut to WhatsApp's 20 characters.
func (b *Bot) Title(intent string) string {
	if in, ok := b.Intents[intent]; ok && in.Title != "" {
		return in.Title
	}
	t := strings.ReplaceAll(intent, "_", " ")
	if t != "" {
		t = strings.ToUpper(t[:1]) + t[1:]
	}
	if r := []rune(t); len(r) > 20 {
		t = strings.TrimSpace(string(r[:20]))
	}
	return t
}

// Keywords returns the keywords of each intent that has some (for the
// rules NLU).
func (b *Bot) Keywords() map[string][]string {
	out := make(map[string][]string, len(b.Intents))
	for name, in := range b.Intents {
		if len(in.Keywords) > 0 {
			out[name] = in.Keywords
		}
	}
	return out
}

// FlowFor returns the flow an intent starts, or nil.
func (b *Bot) FlowFor(intent string) *Flow {
	for _, f := range b.Flows {
		for _, in := range f.Intents {
			if in == intent {
				return f
			}
		}
	}
	return nil
}

func (b *Bot) flow(name string) *Flow {
	for _, f := range b.Flows {
		if f.Name == name {
			return f
		}
	}
	return nil
}
