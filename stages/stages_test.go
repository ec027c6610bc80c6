package stages

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/veilhq/veil/anonymize"
	"github.com/veilhq/veil/dialogs"
	"github.com/veilhq/veil/keyring"
	"github.com/veilhq/veil/nlu"
	"github.com/veilhq/veil/nlu/chain"
	"github.com/veilhq/veil/nlu/rules"
	"github.com/veilhq/veil/pipeline"
	"github.com/veilhq/veil/store/bolt"
)

type harness struct {
	st     *bolt.Store
	engine *anonymize.Engine
	runner func(fb Fallback) *pipeline.Runner
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "veil.db"), bolt.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	kr, err := keyring.New(make([]byte, 32), st)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := anonymize.NewEngine(anonymize.EngineConfig{}, anonymize.DefaultAnalyzer(), st, kr)
	if err != nil {
		t.Fatal(err)
	}
	bot := dialogs.ExampleBot()
	var rs []rules.Rule
	for name, kw := range bot.Keywords() {
		if len(kw) > 0 {
			rs = append(rs, rules.Rule{Intent: name, Keywords: kw})
		}
	}
	parser, err := rules.New(rs)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{st: st, engine: eng}
	h.runner = func(fb Fallback) *pipeline.Runner {
		return pipeline.NewRunner(zerolog.Nop(), pipeline.Options{},
			&PII{Engine: eng},
			&Route{NLU: parser, Dialogs: dialogs.NewEngine(bot, st, time.Hour, nil), Threshold: 0.5, Fallback: fb},
			&Respond{Engine: eng},
			&Record{Store: st, Retention: Retention{UserText: time.Hour, BotText: 2 * time.Hour}})
	}
	return h
}

type fallbackFunc func(ctx context.Context, t *pipeline.Turn) (pipeline.Reply, error)

func (f fallbackFunc) Respond(ctx context.Context, t *pipeline.Turn) (pipeline.Reply, error) {
	return f(ctx, t)
}

func turn(conv string, kind pipeline.Kind, text, button string) *pipeline.Turn {
	return &pipeline.Turn{MessageID: "m-" + text, Subject: "subj-" + conv, Conversation: conv, Region: "GB", Language: "en", Kind: kind, Text: text, ButtonID: button}
}

func TestStages(t *testing.T) {
	var seen []string
	echoPseudonyms := fallbackFunc(func(_ context.Context, t *pipeline.Turn) (pipeline.Reply, error) {
		seen = append(seen, t.Redacted)
		return pipeline.Reply{Text: "LLM says: I'll write to " + firstToken(t.Redacted) + ", not to leak@evil.example", Generated: true}, nil
	})
	failing := fallbackFunc(func(context.Context, *pipeline.Turn) (pipeline.Reply, error) {
		return pipeline.Reply{}, errors.New("down")
	})
	tests := []struct {
		name     string
		fb       Fallback
		turn     *pipeline.Turn
		wantOut  string
		wantNone bool
		intent   string
	}{
		{name: "dialog answers and reply is re-identified", turn: turn("c1", pipeline.KindText, "order 12345678, email me at sam@example.org", ""),
			wantOut: "sam@example.org", intent: "order_status"},
		{name: "intent button routes", turn: turn("c2", pipeline.KindButton, "Opening hours", dialogs.IntentButtonPrefix+"opening_hours"),
			wantOut: "Monday to Friday", intent: "opening_hours"},
		{name: "media gets a polite reply", turn: turn("c3", pipeline.KindMedia, "", ""), wantOut: "only read text"},
		{name: "reaction gets none", turn: turn("c4", pipeline.KindReaction, "", ""), wantNone: true},
		{name: "no intent goes to the fallback with pseudonyms only", fb: echoPseudonyms,
			turn: turn("c5", pipeline.KindText, "tell me a joke, my mail is kim@example.net", ""), wantOut: "LLM says: I'll write to kim@example.net, not to <EMAIL"},
		{name: "failing fallback gives the canned reply", fb: failing, turn: turn("c6", pipeline.KindText, "tell me a joke", ""), wantOut: "Sorry, I can help"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			if err := h.runner(tt.fb).Run(context.Background(), tt.turn); err != nil {
				t.Fatal(err)
			}
			if tt.wantNone {
				if len(tt.turn.Out) != 0 {
					t.Fatalf("want no reply, got %+v", tt.turn.Out)
				}
				return
			}
			if len(tt.turn.Out) == 0 || !strings.Contains(tt.turn.Out[0].Text, tt.wantOut) {
				t.Fatalf("out = %+v, want %q", tt.turn.Out, tt.wantOut)
			}
			if tt.turn.Intent != tt.intent {
				t.Errorf("intent = %q, want %q", tt.turn.Intent, tt.intent)
			}
			recs, err := h.st.Records(context.Background(), tt.turn.Subject)
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 1+len(tt.turn.Replies) {
				t.Fatalf("records = %d, want %d", len(recs), 1+len(tt.turn.Replies))
			}
			for _, r := range recs {
				if strings.Contains(r.Text, "@example") {
					t.Errorf("record holds a raw email: %+v", r)
				}
				if !r.Expires.After(r.At) {
					t.Errorf("record without expiry: %+v", r)
				}
			}
		})
	}
	for _, s := range seen {
		if strings.Contains(s, "@") {
			t.Errorf("the fallback saw raw PII: %q", s)
		}
	}
	if len(seen) != 1 {
		t.Errorf("fallback called %d times, want 1", len(seen))
	}
}

func firstToken(s string) string {
	i := strings.Index(s, "<")
	j := strings.Index(s, ">")
	if i < 0 || j < i {
		return ""
	}
	return s[i : j+1]
}

func TestRespondDoesNotRestoreOtherConversations(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	a := turn("conv-a", pipeline.KindText, "my email is alice@example.com", "")
	if err := (&PII{Engine: h.engine}).Process(ctx, a); err != nil {
		t.Fatal(err)
	}
	tok := firstToken(a.Redacted)
	if tok == "" {
		t.Fatalf("no pseudonym in %q", a.Redacted)
	}
	b := turn("conv-b", pipeline.KindText, "hi", "")
	b.Replies = []pipeline.Reply{{Text: "your email is " + tok}}
	if err := (&Respond{Engine: h.engine}).Process(ctx, b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.Out[0].Text, "alice@example.com") {
		t.Fatalf("another conversation's value was restored: %q", b.Out[0].Text)
	}
}

type fixedParser nlu.Result

func (p fixedParser) Parse(context.Context, string) (nlu.Result, error) { return nlu.Result(p), nil }

func TestRouteAsksWhenIntentsAreClose(t *testing.T) {
	st, err := bolt.Open(filepath.Join(t.TempDir(), "veil.db"), bolt.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	res := nlu.Result{Intents: []nlu.Intent{{Name: "order_status", Confidence: 0.45}, {Name: "book_appointment", Confidence: 0.41}}}
	r := &Route{
		NLU: fixedParser(res),
		Decide: func(r nlu.Result) chain.Decision {
			return chain.Decide(r, chain.Config{Threshold: 0.6, MarginThreshold: 0.1})
		},
		Dialogs: dialogs.NewEngine(dialogs.ExampleBot(), st, time.Hour, nil),
	}
	tu := turn("c", pipeline.KindText, "I need something for my order", "")
	tu.Redacted = tu.Text
	if err := r.Process(context.Background(), tu); err != nil {
		t.Fatal(err)
	}
	if len(tu.Replies) != 1 || len(tu.Replies[0].Buttons) != 2 {
		t.Fatalf("replies = %+v", tu.Replies)
	}
	b := tu.Replies[0].Buttons
	if b[0].ID != dialogs.IntentButtonPrefix+"order_status" || b[0].Title != "Order status" || b[1].ID != dialogs.IntentButtonPrefix+"book_appointment" {
		t.Fatalf("buttons = %+v", b)
	}
}
