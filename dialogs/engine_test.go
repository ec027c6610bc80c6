package dialogs

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/veilhq/veil/store"
)

type memStates struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (s *memStates) GetState(_ context.Context, conv string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[conv]
	if !ok {
		return nil, store.ErrNotFound
	}
	return v, nil
}

func (s *memStates) PutState(_ context.Context, conv, _ string, st []byte, _ time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[conv] = st
	return nil
}

func (s *memStates) DeleteState(_ context.Context, conv string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, conv)
	return nil
}

type turn struct {
	intent, text, button string
	want                 []string // substrings of the joined replies, in order
	unhandled            bool
}

func TestExampleBotFlows(t *testing.T) {
	tests := []struct {
		name  string
		turns []turn
	}{
		{"order status asks for each slot", []turn{
			{intent: "order_status", text: "where is my order?", want: []string{"order number"}},
			{text: "it's 12345678", want: []string{"email address"}},
			{text: "sure: <EMAIL_1>", want: []string{"Order 12345678 has shipped", "<EMAIL_1>"}},
			{text: "and now?", unhandled: true},
		}},
		{"order status filled from one message", []turn{
			{intent: "order_status", text: "order 87654321, email <EMAIL_2>", want: []string{"Order 87654321", "<EMAIL_2>"}},
		}},
		{"invalid answers re-prompt then give up", []turn{
			{intent: "order_status", text: "my order", want: []string{"order number"}},
			{text: "no idea", want: []string{"confirmation email"}},
			{text: "still no", want: []string{"confirmation email"}},
			{text: "nope", want: []string{"leave that"}},
			{text: "12345678", unhandled: true},
		}},
		{"a raw-looking email is not a slot value", []turn{
			{intent: "order_status", text: "order 12345678", want: []string{"email address"}},
			{text: "bob at example dot com", want: []string{"Please type the email"}},
		}},
		{"cancel ends the flow", []turn{
			{intent: "order_status", text: "order", want: []string{"order number"}},
			{text: "Cancel", want: []string{"cancelled"}},
			{text: "12345678", unhandled: true},
		}},
		{"interrupted flow resumes", []turn{
			{intent: "order_status", text: "order 12345678", want: []string{"email address"}},
			{intent: "opening_hours", text: "when are you open?", want: []string{"Monday to Friday", "Back to where we were", "email address"}},
			{text: "<EMAIL_1>", want: []string{"Order 12345678", "<EMAIL_1>"}},
		}},
		{"confirmation with buttons", []turn{
			{intent: "book_appointment", text: "book an appointment tomorrow", want: []string{"phone number"}},
			{text: "<PHONE_1>", want: []string{"Book an appointment on tomorrow?", "<PHONE_1>"}},
			{button: ButtonYes, text: "Yes", want: []string{"Booked for tomorrow"}},
		}},
		{"confirmation declined", []turn{
			{intent: "book_appointment", text: "appointment on friday, call <PHONE_1>", want: []string{"Book an appointment on friday?"}},
			{text: "no", want: []string{"haven't booked"}},
		}},
		{"greeting offers intent buttons", []turn{
			{intent: "greet", text: "hi", want: []string{"shop assistant"}},
		}},
		{"an answer to the question beats an interrupting intent", []turn{
			{intent: "book_appointment", text: "book an appointment on friday", want: []string{"phone number"}},
			{intent: "human_handoff", text: "call me on <PHONE_1> please", want: []string{"Book an appointment on friday?"}},
		}},
		{"an intent button interrupts even a valid answer", []turn{
			{intent: "order_status", text: "order 12345678", want: []string{"email address"}},
			{intent: "opening_hours", button: IntentButtonPrefix + "opening_hours", text: "Opening hours <EMAIL_1>", want: []string{"Monday to Friday", "Back to where we were"}},
		}},
		{"handoff holds the conversation", []turn{
			{intent: "human_handoff", text: "a human please", want: []string{"colleague"}},
			{text: "hello?", unhandled: true},
		}},
		{"no intent and no flow is unhandled", []turn{
			{text: "what's the meaning of life", unhandled: true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			states := &memStates{m: map[string][]byte{}}
			e := NewEngine(ExampleBot(), states, time.Hour, nil)
			for i, tu := range tt.turns {
				out, err := e.Handle(context.Background(), Input{Conversation: "c1", Subject: "s1", Intent: tu.intent, Text: tu.text, ButtonID: tu.button})
				if err != nil {
					t.Fatalf("turn %d: %v", i, err)
				}
				if out.Handled == tu.unhandled {
					t.Fatalf("turn %d (%q): handled = %v, replies %+v", i, tu.text, out.Handled, out.Replies)
				}
				var texts []string
				for _, r := range out.Replies {
					texts = append(texts, r.Text)
				}
				joined := strings.Join(texts, "\n")
				pos := 0
				for _, w := range tu.want {
					j := strings.Index(joined[pos:], w)
					if j < 0 {
						t.Fatalf("turn %d (%q): reply %q lacks %q (in order)", i, tu.text, joined, w)
					}
					pos += j
				}
			}
		})
	}
}

func TestGreetButtonsRouteToIntents(t *testing.T) {
	e := NewEngine(ExampleBot(), &memStates{m: map[string][]byte{}}, time.Hour, nil)
	out, err := e.Handle(context.Background(), Input{Conversation: "c", Intent: "greet", Text: "hi"})
	if err != nil {
		t.Fatal(err)
	}
	bs := out.Replies[0].Buttons
	if len(bs) != 3 || bs[0].ID != IntentButtonPrefix+"order_status" || bs[0].Title != "Order status" {
		t.Fatalf("buttons = %+v", bs)
	}
}

func TestExampleBotTrainingData(t *testing.T) {
	ex := ExampleBot().Examples()
	per := map[string]int{}
	for _, e := range ex {
		per[e.Intent]++
	}
	if len(per) < 5 {
		t.Fatalf("example bot has examples for %d intents", len(per))
	}
	for intent, n := range per {
		if n < 5 {
			t.Errorf("intent %q has %d examples", intent, n)
		}
	}
}

func TestParseErrors(t *testing.T) {
	base := "intents:\n  a:\n    keywords: [x]\n"
	tests := []struct {
		name, yaml, want string
	}{
		{"ErrUnknownIntent", base + "flows:\n  - name: f\n    intents: [nope]\n    reply: hi\n", "bot.yaml:5: flow \"f\": unknown intent \"nope\""},
		{"ErrBadRule", base + "flows:\n  - name: f\n    intents: [a]\n    reply: hi\n    slots:\n      - name: s\n        prompt: p\n        rule: \"minimum=3\"\n", "bot.yaml:9: slot \"s\": rule"},
		{"ErrBadPattern", base + "flows:\n  - name: f\n    intents: [a]\n    reply: hi\n    slots:\n      - name: s\n        prompt: p\n        pattern: \"(\"\n", "bot.yaml:9: slot \"s\": pattern"},
		{"ErrBadTemplate", base + "flows:\n  - name: f\n    intents: [a]\n    reply: \"{{.x\"\n", "bot.yaml:5: flow \"f\": reply template"},
		{"ErrUnknownKey", base + "flowz: []\n", "field flowz not found"},
		{"ErrNoIntents", "flows: []\n", "no intents"},
		{"ErrTooManyButtons", base + "flows:\n  - name: f\n    intents: [a]\n    reply: hi\n    buttons: [{title: a, intent: a}, {title: b, intent: a}, {title: c, intent: a}, {title: d, intent: a}]\n", "at most 3 buttons"},
		{"ErrOneExample", "intents:\n  a:\n    keywords: [x]\n    examples: [\"hello there\"]\n", "bot.yaml:4: intent \"a\" has only one example"},
		{"ErrDuplicateUtterance", "intents:\n  a:\n    examples:\n      - Hello there\n      - hi\n  b:\n    examples:\n      - bye\n      - \"hello, there!\"\n", "bot.yaml:9: example \"hello, there!\" of intent \"b\" is also an example of \"a\" (line 4)"},
		{"ErrExampleNotString", "intents:\n  a:\n    examples:\n      - {x: 1}\n      - hi\n", "line 4: an example must be a string"},
		{"ErrTwoFlowsOneIntent", base + "flows:\n  - name: f\n    intents: [a]\n    reply: hi\n  - name: g\n    intents: [a]\n    reply: hi\n", "already starts flow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.yaml), "bot.yaml")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
