package conversations

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Suite is a file of scripted conversations.
type Suite struct {
	// Language and Region are defaults for conversations that set none.
	Language      string         `yaml:"language"`
	Region        string         `yaml:"region"`
	Conversations []Conversation `yaml:"conversations"`
	// File is where the suite was read from.
	File string `yaml:"-"`
}

// Conversation is one scripted conversation with a fresh user.
type Conversation struct {
	Name     string `yaml:"name"`
	Language string `yaml:"language"`
	Region   string `yaml:"region"`
	// UserID is the raw WhatsApp ID to use; the runner invents one when "".
	// It is PII too: the privacy check looks for it.
	UserID string `yaml:"user_id"`
	Turns  []Turn `yaml:"turns"`
	// Skip leaves the conversation out (reported as skipped) with a reason.
	Skip string `yaml:"skip"`
	Line int    `yaml:"-"`
}

// Turn is one user message and what must follow it.
type Turn struct {
	// User is the message text; Button the ID of a pressed reply button.
	// Exactly one is set.
	User   string `yaml:"user"`
	Button string `yaml:"button"`
	// PII lists raw values in this turn that must never be observed
	// outside the PII boundary.
	PII    []string `yaml:"pii"`
	Expect Expect   `yaml:"expect"`
	Line   int      `yaml:"-"`
}

// Expect holds a turn's assertions; empty fields are not checked.
type Expect struct {
	// Intent is the intent the router acted on ("" not checked; use
	// IntentIn: [""] to require none).
	Intent   string   `yaml:"intent"`
	IntentIn []string `yaml:"intent_in"`
	// ReplyContains: each substring must appear in some reply
	// (case-insensitive). ReplyNotContains: none may appear in any.
	ReplyContains    []string `yaml:"reply_contains"`
	ReplyNotContains []string `yaml:"reply_not_contains"`
	// ReplyRegex must match some reply.
	ReplyRegex string `yaml:"reply_regex"`
	// Buttons: each title must be offered.
	Buttons []string `yaml:"buttons"`
	// NoReply requires silence (a filtered message).
	NoReply bool `yaml:"no_reply"`
	// Consent is the user's consent state after the turn (see Runner).
	Consent string `yaml:"consent"`

	re *regexp.Regexp
}

// ReadSuite reads and validates a suite file. Unknown keys are errors.
func ReadSuite(path string) (*Suite, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read suite: %w", err)
	}
	return ParseSuite(data, path)
}

// ParseSuite decodes and validates a suite; name is used in messages.
func ParseSuite(data []byte, name string) (*Suite, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty suite", name)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var s Suite
	dec = yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s.File = name
	attachLines(&s, &root)
	if len(s.Conversations) == 0 {
		return nil, fmt.Errorf("%s: no conversations", name)
	}
	seen := map[string]int{}
	for i := range s.Conversations {
		c := &s.Conversations[i]
		where := fmt.Sprintf("%s:%d", name, c.Line)
		if strings.TrimSpace(c.Name) == "" {
			return nil, fmt.Errorf("%s: conversation %d has no name", where, i+1)
		}
		if prev, ok := seen[c.Name]; ok {
			return nil, fmt.Errorf("%s: conversation name %q already used on line %d", where, c.Name, prev)
		}
		seen[c.Name] = c.Line
		if c.Language == "" {
			c.Language = s.Language
		}
		if c.Region == "" {
			c.Region = s.Region
		}
		if len(c.Turns) == 0 {
			return nil, fmt.Errorf("%s: conversation %q has no turns", where, c.Name)
		}
		for j := range c.Turns {
			t := &c.Turns[j]
			tw := fmt.Sprintf("%s:%d", name, t.Line)
			if (t.User == "") == (t.Button == "") {
				return nil, fmt.Errorf("%s: conversation %q turn %d: set exactly one of user or button", tw, c.Name, j+1)
			}
			for _, v := range t.PII {
				if strings.TrimSpace(v) == "" {
					return nil, fmt.Errorf("%s: conversation %q turn %d: empty pii value", tw, c.Name, j+1)
				}
				if t.User != "" && !strings.Contains(t.User, v) {
					return nil, fmt.Errorf("%s: conversation %q turn %d: pii value %q is not in the message", tw, c.Name, j+1, v)
				}
			}
			if t.Expect.ReplyRegex != "" {
				re, err := regexp.Compile(t.Expect.ReplyRegex)
				if err != nil {
					return nil, fmt.Errorf("%s: conversation %q turn %d: reply_regex: %w", tw, c.Name, j+1, err)
				}
				t.Expect.re = re
			}
		}
	}
	return &s, nil
}

// attachLines copies YAML line numbers onto conversations and turns.
func attachLines(s *Suite, root *yaml.Node) {
	doc := root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	convs := mapValue(doc, "conversations")
	if convs == nil || convs.Kind != yaml.SequenceNode {
		return
	}
	for i, cn := range convs.Content {
		if i >= len(s.Conversations) {
			break
		}
		s.Conversations[i].Line = cn.Line
		turns := mapValue(cn, "turns")
		if turns == nil || turns.Kind != yaml.SequenceNode {
			continue
		}
		for j, tn := range turns.Content {
			if j < len(s.Conversations[i].Turns) {
				s.Conversations[i].Turns[j].Line = tn.Line
			}
		}
	}
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
