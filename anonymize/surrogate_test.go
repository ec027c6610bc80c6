package anonymize

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestEnginePersonConsistency(t *testing.T) {
	f := newEngineFixture(t, EngineConfig{})
	msgs := []struct{ text, want string }{
		{"Hi, my name is John Smith", "Hi, my name is <PERSON_1>"},
		{"Tell John about it", "Tell <PERSON_1> about it"},
		{"JOHN SMITH again", "<PERSON_1> again"},
		{"and my sister is called Laura Smith", "and my sister is called <PERSON_2>"},
		{"Smith is our family name", "Smith is our family name"},
	}
	for _, m := range msgs {
		got := mustAnonymize(t, f.e, Conversation{ID: "p", Subject: "s", Language: "en"}, m.text).Text
		// "Smith" alone matches two people: it must not be merged with
		// either, whatever the recognizer decides about it.
		if m.text == msgs[4].text {
			if strings.Contains(got, "<PERSON_1>") || strings.Contains(got, "<PERSON_2>") {
				t.Errorf("ambiguous surname merged: %q", got)
			}
			continue
		}
		if got != m.want {
			t.Errorf("Anonymize(%q) = %q, want %q", m.text, got, m.want)
		}
	}
}

func TestEngineSurrogate(t *testing.T) {
	f := newEngineFixture(t, EngineConfig{Default: OperatorConfig{Operator: OpSurrogate}})
	ctx := context.Background()
	text := "I'm Laura Martínez, mail laura@example.es, card 4111 1111 1111 1111, IBAN GB82WEST12345698765432"
	r := mustAnonymize(t, f.e, convA, text)
	for _, leak := range []string{"Laura", "laura@", "4111 1111", "GB82WEST"} {
		if strings.Contains(r.Text, leak) {
			t.Fatalf("surrogate text %q still has %q", r.Text, leak)
		}
	}
	// Surrogates keep the type: the analyzer finds the same types again.
	var types []string
	for _, s := range f.e.Analyzer().Analyze(r.Text) {
		types = append(types, s.Type)
	}
	for _, want := range []string{EntityEmail, EntityCreditCard, EntityIBAN} {
		found := false
		for _, typ := range types {
			found = found || typ == want
		}
		if !found {
			t.Errorf("surrogate of %s not recognized as one in %q (types %v)", want, r.Text, types)
		}
	}
	// Consistent within the conversation.
	if r2 := mustAnonymize(t, f.e, convA, text); r2.Text != r.Text {
		t.Errorf("second time %q, first %q", r2.Text, r.Text)
	}
	// Re-identification restores the surrogates of this conversation only.
	back, err := f.e.Reidentify(ctx, convA, r.Text)
	if err != nil {
		t.Fatal(err)
	}
	if back != text {
		t.Errorf("Reidentify = %q, want %q", back, text)
	}
	other, err := f.e.Reidentify(ctx, convB, r.Text)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(other, "Laura") || strings.Contains(other, "4111 1111") {
		t.Errorf("another conversation restored surrogates: %q", other)
	}
}

func TestSurrogateFormats(t *testing.T) {
	seed := []byte("seed")
	tests := []struct {
		typ, value string
		check      func(string) bool
	}{
		{EntityCreditCard, "4111-1111-1111-1111", func(s string) bool {
			return len(s) == 19 && s[4] == '-' && s[0] == '4' && luhn([]byte(digitsOnly(s)))
		}},
		{EntityIBAN, "ES91 2100 0418 4502 0005 1332", func(s string) bool {
			c := strings.ReplaceAll(s, " ", "")
			return strings.HasPrefix(s, "ES") && s[4] == ' ' && ibanValid([]byte(c))
		}},
		{EntityPhone, "+34 612 34 56 78", func(s string) bool { return strings.HasPrefix(s, "+34") && len(s) == 16 && s[3] == ' ' }},
		{EntityPerson, "MARÍA GARCÍA", func(s string) bool { return strings.ToUpper(s) == s && len(strings.Fields(s)) == 2 }},
		{EntityEmail, "a@b.com", func(s string) bool {
			return strings.HasSuffix(s, ".com") || strings.HasSuffix(s, ".net") || strings.HasSuffix(s, ".org")
		}},
		{EntityDateTime, "1985-04-12", func(s string) bool { _, err := time.Parse("2006-01-02", s); return err == nil }},
		{EntityDateTime, "12/04/1985", func(s string) bool { _, err := time.Parse("02/01/2006", s); return err == nil }},
		{EntityDateTime, "lunes", func(s string) bool { return spanishWeekday(s) }},
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			got := Surrogate(tt.typ, tt.value, seed, 0)
			if got == tt.value || !tt.check(got) {
				t.Errorf("Surrogate(%q) = %q", tt.value, got)
			}
			if again := Surrogate(tt.typ, tt.value, seed, 0); again != got {
				t.Errorf("not deterministic: %q then %q", got, again)
			}
		})
	}
}
