package anonymize

import (
	"math"
	"testing"
)

// TestContextBoostLanguages checks the analyzer's context and negative
// context words: a language's own words, the language-neutral ones for a
// language with none of its own, and the score changes they make.
func TestContextBoostLanguages(t *testing.T) {
	a, err := NewAnalyzer(AnalyzerConfig{
		Threshold: 0.1,
		Patterns:  []PatternConfig{{Name: "order", Type: "ORDER_ID", Regex: `ORD-\d{4}`, Score: 0.5}},
		Context: map[string]map[string][]string{
			"es": {"ORDER_ID": {"pedido"}},
			"":   {"ORDER_ID": {"order"}},
		},
		NegativeContext: map[string]map[string][]string{
			"en": {"ORDER_ID": {"sample"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, text, lang string
		want             float64
	}{
		{"own language word", "mi pedido ORD-1234", "es", 0.7},
		{"neutral word ignored where the language has its own", "my order ORD-1234", "es", 0.5},
		{"neutral word for a language without its own", "my order ORD-1234", "en", 0.7},
		{"neutral word for an unknown language", "my order ORD-1234", "fr", 0.7},
		{"negative word", "a sample ORD-1234", "en", 0.2},
		{"negative and positive", "sample order ORD-1234", "en", 0.4},
		{"negative word of another language", "a sample ORD-1234", "es", 0.5},
		{"no word", "see ORD-1234", "en", 0.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []Span
			for _, s := range a.Analyze(tt.text, WithLanguage(tt.lang)) {
				if s.Type == "ORDER_ID" {
					got = append(got, s)
				}
			}
			if len(got) != 1 {
				t.Fatalf("spans %+v, want one ORDER_ID", got)
			}
			if math.Abs(got[0].Score-tt.want) > 1e-9 {
				t.Errorf("score %v, want %v", got[0].Score, tt.want)
			}
		})
	}
}
