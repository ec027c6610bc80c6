package anonymize

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"", "hola", "mail ana@example.com or call +34 612 34 56 78",
	"card 4111 1111 1111 1111, IBAN GB82WEST12345698765432, ip 10.0.0.1, 2001:db8::1",
	"Hi, my name is Laura Martínez, I live at 24 Clarke Avenue, London SW1A 1AA",
	"nací el 12 de marzo de 1985 en Sevilla, mi DNI es 12345678Z",
	"a\xffb\x00c @@ ..@.. +++ (((( 0000 ----", "مرحبا 👋 שלום ana@例え.jp", "<EMAIL_1> <PHONE_NUMBER_2> <ENC:AAAA>",
	strings.Repeat("9", 40), strings.Repeat("a@b.co ", 20),
	"a@b.co@a@b.co ", "x a@b.co a@b.co0", "4111111111111111 4111 1111 1111 1111",
}

// FuzzAnalyze checks that the analyzer never panics and returns sorted,
// non-overlapping spans on rune boundaries.
func FuzzAnalyze(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, "en")
		f.Add(s, "es")
	}
	a := DefaultAnalyzer()
	f.Fuzz(func(t *testing.T, text, lang string) {
		spans := a.Analyze(text, WithLanguage(lang), WithRegion("ES"))
		prev := 0
		for _, s := range spans {
			if s.Start < prev || s.End <= s.Start || s.End > len(text) {
				t.Fatalf("bad span %+v after %d in %q", s, prev, text)
			}
			if !runeStart(text, s.Start) || !runeStart(text, s.End) {
				t.Fatalf("span %+v not on rune boundaries in %q", s, text)
			}
			if utf8.ValidString(text) && !utf8.ValidString(text[s.Start:s.End]) {
				t.Fatalf("span %+v cuts a rune in %q", s, text)
			}
			prev = s.End
		}
	})
}

// FuzzReidentify checks that every detected value is absent from the
// anonymized text, that the output is valid UTF-8 for valid input, and
// that re-identification restores the original text.
func FuzzReidentify(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	sealer := newFakeSealer(f)
	analyzer := DefaultAnalyzer()
	conv := Conversation{ID: "fuzz", Subject: "fuzz", Region: "ES"}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, text string) {
		// A fresh vault per input: a value seen in another input in another
		// format (same normalized value) would come back in that format.
		e, err := NewEngine(EngineConfig{}, analyzer, newFakeVault(), sealer)
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.ValidString(text) {
			res, err := e.Anonymize(ctx, conv, text)
			if err != nil {
				t.Fatal(err)
			}
			if !utf8.ValidString(res.Text) {
				t.Fatalf("anonymized text of invalid input is not valid UTF-8: %q", res.Text)
			}
			return
		}
		if strings.Contains(text, "<") || strings.Contains(text, ">") {
			// Tokens are written with < >: a text that already has some
			// cannot round-trip unambiguously.
			return
		}
		res, err := e.Anonymize(ctx, conv, text)
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.ValidString(res.Text) {
			t.Fatalf("anonymized text is not valid UTF-8: %q", res.Text)
		}
		for _, s := range res.Spans {
			v := text[s.Start:s.End]
			if len(v) >= 4 && containsStandalone(res.Text, v) {
				t.Fatalf("value %q (%s) still in %q", v, s.Type, res.Text)
			}
		}
		back, err := e.Reidentify(ctx, conv, res.Text)
		if err != nil {
			t.Fatal(err)
		}
		// The output guard masks raw values that are not the user's own;
		// the user's own values come back exactly.
		// The guard may mask an entity that only the tokens' context makes
		// visible, writing "<TYPE>"; when it masked nothing the round trip
		// must be exact.
		// Two formats of one value share a token and come back in the
		// first format.
		shared := map[string]bool{}
		dup := false
		for _, tok := range res.Tokens {
			dup = dup || shared[tok]
			shared[tok] = true
		}
		if !dup && back != text && !strings.Contains(back, "<") {
			t.Fatalf("round trip: %q → %q → %q", text, res.Text, back)
		}
	})
}

// containsStandalone reports whether v occurs in s not glued to a letter
// or digit (an occurrence inside a longer undetected string, such as
// "a@b.co" in "a@b.co0", is not a leak of the detected value).
func containsStandalone(s, v string) bool {
	for from := 0; ; {
		k := strings.Index(s[from:], v)
		if k < 0 {
			return false
		}
		i := from + k
		if !letterBefore(s, i) && !letterAt(s, i+len(v)) {
			return true
		}
		from = i + 1
	}
}
