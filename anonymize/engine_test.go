package anonymize

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/veilhq/veil/store"
)

type engineFixture struct {
	e      *Engine
	vault  *fakeVault
	sealer *fakeSealer
	now    time.Time
}

func newEngineFixture(t *testing.T, cfg EngineConfig) *engineFixture {
	t.Helper()
	f := &engineFixture{vault: newFakeVault(), sealer: newFakeSealer(t), now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return f.now }
	}
	e, err := NewEngine(cfg, DefaultAnalyzer(), f.vault, f.sealer)
	if err != nil {
		t.Fatalf("NewEngine: %v", err)
	}
	f.e = e
	return f
}

var convA = Conversation{ID: "conv-a", Subject: "subj-a", Region: "ES", Language: "es"}
var convB = Conversation{ID: "conv-b", Subject: "subj-b", Region: "ES", Language: "es"}

func mustAnonymize(t *testing.T, e *Engine, conv Conversation, text string) Result {
	t.Helper()
	r, err := e.Anonymize(context.Background(), conv, text)
	if err != nil {
		t.Fatalf("Anonymize(%q): %v", text, err)
	}
	return r
}

func TestEngineAnonymize(t *testing.T) {
	f := newEngineFixture(t, EngineConfig{})
	text := "Soy Ana, mi email es Ana.Lopez@Example.com y mi móvil +34 612 34 56 78"
	r := mustAnonymize(t, f.e, convA, text)
	want := "Soy <PERSON_1>, mi email es <EMAIL_1> y mi móvil <PHONE_1>"
	if r.Text != want {
		t.Fatalf("Text = %q, want %q", r.Text, want)
	}
	if len(r.Spans) != 3 || len(r.Tokens) != 3 {
		t.Fatalf("Spans = %v, Tokens = %v; want 3 each", r.Spans, r.Tokens)
	}
	if got := text[r.Spans[1].Start:r.Spans[1].End]; got != "Ana.Lopez@Example.com" {
		t.Errorf("span 1 covers %q in the original text", got)
	}
	if r.Tokens[0] != "<PERSON_1>" || r.Tokens[1] != "<EMAIL_1>" || r.Tokens[2] != "<PHONE_1>" {
		t.Errorf("Tokens = %v", r.Tokens)
	}
	entries, _ := f.vault.Entries(context.Background(), convA.ID)
	if len(entries) != 3 {
		t.Fatalf("vault has %d entries, want 3", len(entries))
	}
	for _, en := range entries {
		if strings.Contains(string(en.Value), "Lopez") || strings.Contains(string(en.Value), "612") {
			t.Errorf("vault value of %s is not encrypted", en.Token)
		}
		if en.Subject != convA.Subject || len(en.Index) == 0 {
			t.Errorf("entry %s: subject %q, index %x", en.Token, en.Subject, en.Index)
		}
		if want := f.now.Add(DefaultVaultTTL); !en.Expires.Equal(want) {
			t.Errorf("entry %s expires %v, want %v", en.Token, en.Expires, want)
		}
	}
}

func TestEngineConsistentTokens(t *testing.T) {
	f := newEngineFixture(t, EngineConfig{})
	msgs := []struct{ text, want string }{
		{"mail me at ana@example.com", "mail me at <EMAIL_1>"},
		{"or ANA@EXAMPLE.COM, or bob@example.com", "or <EMAIL_1>, or <EMAIL_2>"},
		{"call 612 34 56 78", "call <PHONE_1>"},
		{"same phone +34612345678, other +34 699 111 222", "same phone <PHONE_1>, other <PHONE_2>"},
		{"card 4111 1111 1111 1111 and again 4111-1111-1111-1111", "card <CARD_1> and again <CARD_1>"},
		{"bob@example.com again", "<EMAIL_2> again"},
	}
	for _, m := range msgs {
		t.Run(m.text, func(t *testing.T) {
			if got := mustAnonymize(t, f.e, convA, m.text).Text; got != m.want {
				t.Errorf("Anonymize(%q) = %q, want %q", m.text, got, m.want)
			}
		})
	}
	// Another conversation numbers its own tokens from 1.
	if got := mustAnonymize(t, f.e, convB, "bob@example.com").Text; got != "<EMAIL_1>" {
		t.Errorf("conversation B: %q, want <EMAIL_1>", got)
	}
}

func TestEngineConcurrentConsistency(t *testing.T) {
	f := newEngineFixture(t, EngineConfig{})
	var wg sync.WaitGroup
	got := make([]string, 16)
	for i := range got {
		wg.Go(func() {
			r, err := f.e.Anonymize(context.Background(), convA, "x@example.com y@example.com")
			if err != nil {
				t.Error(err)
				return
			}
			got[i] = r.Text
		})
	}
	wg.Wait()
	for i, g := range got {
		if g != got[0] {
			t.Fatalf("call %d got %q, call 0 got %q", i, g, got[0])
		}
	}
	entries, _ := f.vault.Entries(context.Background(), convA.ID)
	if len(entries) != 2 {
		t.Errorf("vault has %d entries, want 2", len(entries))
	}
}

func TestEngineReidentifyRoundTrip(t *testing.T) {
	f := newEngineFixture(t, EngineConfig{})
	ctx := context.Background()
	texts := []string{
		"Soy Ana, mi email es Ana.Lopez@Example.com y mi móvil +34 612 34 56 78",
		"card 4111 1111 1111 1111, mail ana@example.com, phone (+34) 699-111-222",
		"no pii at all 🙂",
	}
	for _, text := range texts {
		t.Run(text, func(t *testing.T) {
			r := mustAnonymize(t, f.e, convA, text)
			back, err := f.e.Reidentify(ctx, convA, r.Text)
			if err != nil {
				t.Fatal(err)
			}
			if back != text {
				t.Errorf("Reidentify(%q) = %q, want %q", r.Text, back, text)
			}
		})
	}
}

func TestEngineReidentifyOtherConversation(t *testing.T) {
	f := newEngineFixture(t, EngineConfig{})
	ctx := context.Background()
	ra := mustAnonymize(t, f.e, convA, "my mail is alice@example.com")
	mustAnonymize(t, f.e, convB, "mine is bob@example.com")
	// B's reply names A's token: B's vault has <EMAIL_1> = bob, so the token
	// restores to B's own value, never to alice.
	got, err := f.e.Reidentify(ctx, convB, "Thanks, I wrote to <EMAIL_1> and <EMAIL_7>")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(got, "alice") {
		t.Fatalf("conversation B got A's value: %q", got)
	}
	if want := "Thanks, I wrote to bob@example.com and <EMAIL_7>"; got != want {
		t.Errorf("Reidentify = %q, want %q", got, want)
	}
	// A conversation with no vault entries restores nothing.
	convC := Conversation{ID: "conv-c", Subject: "subj-c"}
	got, err = f.e.Reidentify(ctx, convC, ra.Text)
	if err != nil {
		t.Fatal(err)
	}
	if got != ra.Text {
		t.Errorf("conversation C: %q, want the tokens left as %q", got, ra.Text)
	}
	// The same conversation ID with another subject restores nothing either.
	spoof := Conversation{ID: convA.ID, Subject: convB.Subject}
	if got, err = f.e.Reidentify(ctx, spoof, ra.Text); err != nil || strings.Contains(got, "alice") {
		t.Errorf("spoofed subject: %q, %v", got, err)
	}
}

func TestEngineOutputGuard(t *testing.T) {
	f := newEngineFixture(t, EngineConfig{})
	ctx := context.Background()
	mustAnonymize(t, f.e, convA, "I am ana@example.com, phone 612 34 56 78")
	tests := []struct{ name, reply, want string }{
		{"foreign email masked", "Contact support at boss@corp.example", "Contact support at <EMAIL_ADDRESS>"},
		{"foreign phone masked", "Call +44 20 7946 0958 now", "Call <PHONE_NUMBER> now"},
		{"own value written raw kept", "We have ANA@example.com on file", "We have ANA@example.com on file"},
		{"own phone other format kept", "Is +34612345678 right?", "Is +34612345678 right?"},
		{"token restored and foreign masked", "<EMAIL_1> or x@y.example", "ana@example.com or <EMAIL_ADDRESS>"},
		{"names places dates not guarded by default", "See you Monday in Madrid, Laura García", "See you Monday in Madrid, Laura García"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.e.Reidentify(ctx, convA, tt.reply)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Reidentify(%q) = %q, want %q", tt.reply, got, tt.want)
			}
		})
	}
}

func TestEngineExpiredEntries(t *testing.T) {
	f := newEngineFixture(t, EngineConfig{VaultTTL: time.Hour})
	ctx := context.Background()
	r := mustAnonymize(t, f.e, convA, "ana@example.com")
	f.now = f.now.Add(2 * time.Hour)
	got, err := f.e.Reidentify(ctx, convA, r.Text)
	if err != nil {
		t.Fatal(err)
	}
	if got != r.Text {
		t.Errorf("expired token restored: %q", got)
	}
	if r2 := mustAnonymize(t, f.e, convA, "ana@example.com"); r2.Text != "<EMAIL_2>" {
		t.Errorf("after expiry: %q, want a fresh <EMAIL_2>", r2.Text)
	}
}

func TestEngineErasedSubject(t *testing.T) {
	f := newEngineFixture(t, EngineConfig{})
	r := mustAnonymize(t, f.e, convA, "ana@example.com")
	f.sealer.erase(convA.Subject)
	if got, err := f.e.Reidentify(context.Background(), convA, r.Text); err == nil {
		t.Errorf("Reidentify after erasure = %q, want an error", got)
	}
}

func TestEngineOperators(t *testing.T) {
	text := "mail ana@example.com or call +34 612 34 56 78"
	tests := []struct {
		name  string
		cfg   EngineConfig
		check func(t *testing.T, out string)
	}{
		{"replace", EngineConfig{Default: OperatorConfig{Operator: OpReplace}}, func(t *testing.T, out string) {
			if out != "mail <EMAIL_ADDRESS> or call <PHONE_NUMBER>" {
				t.Errorf("got %q", out)
			}
		}},
		{"redact", EngineConfig{Default: OperatorConfig{Operator: OpRedact}}, func(t *testing.T, out string) {
			if out != "mail  or call " {
				t.Errorf("got %q", out)
			}
		}},
		{"mask keep 2", EngineConfig{Default: OperatorConfig{Operator: OpMask, KeepLast: 2}}, func(t *testing.T, out string) {
			if out != "mail ***@*******.*om or call +** *** ** ** 78" {
				t.Errorf("got %q", out)
			}
		}},
		{"per type", EngineConfig{Operators: map[string]OperatorConfig{EntityPhone: {Operator: OpReplace}}}, func(t *testing.T, out string) {
			if out != "mail <EMAIL_1> or call <PHONE_NUMBER>" {
				t.Errorf("got %q", out)
			}
		}},
		{"hash", EngineConfig{Default: OperatorConfig{Operator: OpHash}}, func(t *testing.T, out string) {
			if strings.Contains(out, "ana@") || !strings.Contains(out, "<EMAIL:") || !strings.Contains(out, "<PHONE:") {
				t.Errorf("got %q", out)
			}
		}},
		{"encrypt", EngineConfig{Default: OperatorConfig{Operator: OpEncrypt}}, func(t *testing.T, out string) {
			if strings.Contains(out, "ana@") || strings.Count(out, encPrefix) != 2 {
				t.Errorf("got %q", out)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newEngineFixture(t, tt.cfg)
			tt.check(t, mustAnonymize(t, f.e, convA, text).Text)
		})
	}
	t.Run("hash is stable per subject", func(t *testing.T) {
		f := newEngineFixture(t, EngineConfig{Default: OperatorConfig{Operator: OpHash}})
		a := mustAnonymize(t, f.e, convA, "ana@example.com").Text
		b := mustAnonymize(t, f.e, convA, "ANA@example.com").Text
		c := mustAnonymize(t, f.e, convB, "ana@example.com").Text
		if a != b || a == c {
			t.Errorf("hashes %q %q %q: want first two equal, third different", a, b, c)
		}
	})
	t.Run("encrypt round trip", func(t *testing.T) {
		f := newEngineFixture(t, EngineConfig{Default: OperatorConfig{Operator: OpEncrypt}})
		enc := mustAnonymize(t, f.e, convA, text).Text
		back, err := f.e.Decrypt(context.Background(), convA, enc)
		if err != nil || back != text {
			t.Errorf("Decrypt = %q, %v; want %q", back, err, text)
		}
		other, err := f.e.Decrypt(context.Background(), convB, enc)
		if err != nil || other != enc {
			t.Errorf("Decrypt by another subject = %q, %v; want it unchanged", other, err)
		}
	})
}

func TestNewEngineErrors(t *testing.T) {
	a := DefaultAnalyzer()
	v, s := newFakeVault(), newFakeSealer(t)
	tests := []struct {
		name  string
		cfg   EngineConfig
		an    *Analyzer
		vault store.Vault
		seal  Sealer
	}{
		{"nil analyzer", EngineConfig{}, nil, v, s},
		{"pseudonymize without vault", EngineConfig{}, a, nil, s},
		{"pseudonymize without sealer", EngineConfig{}, a, v, nil},
		{"unknown operator", EngineConfig{Default: OperatorConfig{Operator: "shred"}}, a, v, s},
		{"negative ttl", EngineConfig{VaultTTL: -time.Second}, a, v, s},
		{"negative keep", EngineConfig{Default: OperatorConfig{Operator: OpMask, KeepLast: -1}}, a, v, s},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewEngine(tt.cfg, tt.an, tt.vault, tt.seal); err == nil {
				t.Error("NewEngine succeeded, want an error")
			}
		})
	}
	if _, err := NewEngine(EngineConfig{Default: OperatorConfig{Operator: OpReplace}}, a, nil, nil); err != nil {
		t.Errorf("replace needs no vault: %v", err)
	}
}

func TestTokens(t *testing.T) {
	tests := []struct {
		tok   string
		label string
		n     int
		ok    bool
	}{
		{"<EMAIL_1>", "EMAIL", 1, true},
		{"<DRIVER_LICENSE_12>", "DRIVER_LICENSE", 12, true},
		{"<EMAIL_0>", "", 0, false},
		{"<EMAIL_01>", "", 0, false},
		{"<EMAIL>", "", 0, false},
		{"<email_1>", "", 0, false},
		{"<_1>", "", 0, false},
		{"EMAIL_1", "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.tok, func(t *testing.T) {
			label, n, ok := ParseToken(tt.tok)
			if label != tt.label || n != tt.n || ok != tt.ok {
				t.Errorf("ParseToken(%q) = %q, %d, %v", tt.tok, label, n, ok)
			}
			if ok && FormatToken(label, n) != tt.tok {
				t.Errorf("FormatToken round trip: %q", FormatToken(label, n))
			}
		})
	}
}

func TestEngineGuardTypes(t *testing.T) {
	f := newEngineFixture(t, EngineConfig{GuardTypes: []string{EntityPerson}})
	got, err := f.e.Reidentify(context.Background(), convA, "Ask Laura García at boss@corp.example")
	if err != nil {
		t.Fatal(err)
	}
	if want := "Ask <PERSON> at boss@corp.example"; got != want {
		t.Errorf("Reidentify = %q, want %q", got, want)
	}
}

func TestEngineInjectedHash(t *testing.T) {
	calls := 0
	cfg := EngineConfig{
		Default: OperatorConfig{Operator: OpHash, HashLen: 8},
		Hash: func(_ context.Context, subject string, value []byte) ([]byte, error) {
			calls++
			if subject != convA.Subject || !strings.Contains(string(value), "ana@example.com") {
				t.Errorf("hash called with %q, %q", subject, value)
			}
			return []byte{0xde, 0xad, 0xbe, 0xef, 0x01}, nil
		},
	}
	e, err := NewEngine(cfg, DefaultAnalyzer(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.Anonymize(context.Background(), convA, "mail ANA@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if r.Text != "mail <EMAIL:deadbeef>" || calls != 1 {
		t.Errorf("got %q after %d calls", r.Text, calls)
	}
}

func TestEngineEchoes(t *testing.T) {
	f := newEngineFixture(t, EngineConfig{Default: OperatorConfig{Operator: OpReplace}})
	// The second 94107 has no ZIP word near it; it is the same value.
	got := mustAnonymize(t, f.e, convA, "my zip code is 94107. Yes, 94107, and not 941070").Text
	// convA is Spanish: a postal code is territory (LOCATION) there.
	if want := "my zip code is <LOCATION>. Yes, <LOCATION>, and not 941070"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestEngineConversationID(t *testing.T) {
	f := newEngineFixture(t, EngineConfig{})
	if _, err := f.e.Anonymize(context.Background(), Conversation{Subject: "s"}, "ana@example.com"); !errors.Is(err, ErrNoConversation) {
		t.Errorf("pseudonymize without a conversation ID: %v, want ErrNoConversation", err)
	}
	g := newEngineFixture(t, EngineConfig{Default: OperatorConfig{Operator: OpReplace}})
	if r, err := g.e.Anonymize(context.Background(), Conversation{}, "ana@example.com"); err != nil || r.Text != "<EMAIL_ADDRESS>" {
		t.Errorf("replace needs no conversation: %q, %v", r.Text, err)
	}
}
