package gen

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"

	"github.com/veilhq/veil/anonymize"
	"github.com/veilhq/veil/eval/pii"
)

func TestReproducible(t *testing.T) {
	var a, b, c bytes.Buffer
	opts := Options{N: 300, Seed: 7, Langs: []string{"en", "es"}, PIIRate: 0.6}
	if err := Write(&a, opts); err != nil {
		t.Fatal(err)
	}
	if err := Write(&b, opts); err != nil {
		t.Fatal(err)
	}
	opts.Seed = 8
	if err := Write(&c, opts); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Error("same seed, different output")
	}
	if a.String() == c.String() {
		t.Error("different seed, same output")
	}
}

func TestOutputIsValidLabeledData(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, Options{N: 2000, Seed: 1, PIIRate: 0.5}); err != nil {
		t.Fatal(err)
	}
	// The canonical reader validates offsets and span texts.
	recs, err := pii.Parse(buf.Bytes(), "gen.jsonl", pii.FormatAuto)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2000 {
		t.Fatalf("records = %d", len(recs))
	}
	withPII, labels, nonASCII, lowerNames := 0, map[string]int{}, 0, 0
	for _, r := range recs {
		if len(r.Spans) > 0 {
			withPII++
		}
		if strings.ContainsFunc(r.Text, func(c rune) bool { return c > 127 }) {
			nonASCII++
		}
		for _, s := range r.Spans {
			v := r.Text[s.Start:s.End]
			labels[s.Label]++
			switch s.Label {
			case anonymize.EntityCreditCard:
				if !Luhn(v) {
					t.Errorf("card %q fails Luhn", v)
				}
			case anonymize.EntityIBAN:
				if !ValidIBAN(v) {
					t.Errorf("IBAN %q has bad check digits", v)
				}
			case anonymize.EntityPhone:
				if strings.HasPrefix(v, "+") {
					n, err := phonenumbers.Parse(v, "")
					if err != nil || !phonenumbers.IsValidNumber(n) {
						t.Errorf("phone %q is not valid", v)
					}
				}
			case anonymize.EntityEmail:
				if strings.Count(v, "@") != 1 || strings.ContainsAny(v, " ") {
					t.Errorf("email %q", v)
				}
			case anonymize.EntityPerson:
				if v == strings.ToLower(v) {
					lowerNames++
				}
			}
		}
	}
	if withPII < 900 || withPII > 1100 {
		t.Errorf("%d of 2000 messages with PII at rate 0.5", withPII)
	}
	for _, l := range []string{anonymize.EntityPerson, anonymize.EntityPhone, anonymize.EntityEmail, anonymize.EntityCreditCard, anonymize.EntityIBAN, anonymize.EntityStreetAddress, anonymize.EntityLocation, anonymize.EntityDateTime} {
		if labels[l] == 0 {
			t.Errorf("no %s generated", l)
		}
	}
	if lowerNames == 0 || nonASCII == 0 {
		t.Errorf("lowercase names %d, non-ASCII messages %d: want some of each", lowerNames, nonASCII)
	}
}

func TestPerfectDetectorScoresOne(t *testing.T) {
	msgs, err := Generate(Options{N: 200, Seed: 3, PIIRate: 1})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, Options{N: 200, Seed: 3, PIIRate: 1}); err != nil {
		t.Fatal(err)
	}
	recs, err := pii.Parse(buf.Bytes(), "g.jsonl", pii.FormatJSONL)
	if err != nil {
		t.Fatal(err)
	}
	gold := map[string][]anonymize.Span{}
	for _, r := range recs {
		for _, s := range r.Spans {
			gold[r.Text] = append(gold[r.Text], anonymize.Span{Start: s.Start, End: s.End, Type: s.Label})
		}
	}
	rep, err := pii.Evaluate(context.Background(), recs, func(text string) []anonymize.Span { return gold[text] }, pii.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Overall.F1 != 1 || rep.LeakRate != 0 || rep.Records != len(msgs) {
		t.Errorf("F1 %v leak %v records %d", rep.Overall.F1, rep.LeakRate, rep.Records)
	}
}

func TestLanguagesAndErrors(t *testing.T) {
	msgs, err := Generate(Options{N: 50, Seed: 2, Langs: []string{"es"}, PIIRate: 0})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Lang != "es" || len(m.Spans) != 0 {
			t.Fatalf("message %+v: want Spanish without PII", m)
		}
	}
	if _, err := Generate(Options{Langs: []string{"xx"}}); err == nil {
		t.Error("unknown language: want error")
	}
	if _, err := Generate(Options{PIIRate: 1.5}); err == nil {
		t.Error("rate 1.5: want error")
	}
}

func TestLuhnAndIBAN(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
		fn   func(string) bool
		in   string
	}{
		{"visa test number", true, Luhn, "4111 1111 1111 1111"},
		{"bad card", false, Luhn, "4111 1111 1111 1112"},
		{"iban GB example", true, ValidIBAN, "GB82 WEST 1234 5698 7654 32"},
		{"iban ES example", true, ValidIBAN, "ES9121000418450200051332"},
		{"bad iban", false, ValidIBAN, "GB83 WEST 1234 5698 7654 32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.fn(tt.in); got != tt.ok {
				t.Errorf("%q = %v, want %v", tt.in, got, tt.ok)
			}
		})
	}
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		if _, err := Generate(Options{N: 100, Seed: 1, PIIRate: 0.5}); err != nil {
			b.Fatal(err)
		}
	}
}
