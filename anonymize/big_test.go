package anonymize

import (
	"strings"
	"testing"
)

// TestAnalyzeLargeMessages checks that 1 MB messages of hostile shapes are
// analysed without panicking and with sane output (the time they take is
// watched by the benchmarks, not here).
func TestAnalyzeLargeMessages(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs")
	}
	a := DefaultAnalyzer()
	const mb = 1 << 20
	inputs := map[string]string{
		"names":  strings.Repeat("John Smith and Mary Jones, ", mb/27),
		"emails": strings.Repeat("a@b.co ", mb/7),
		"digits": strings.Repeat("612 34 56 78 ", mb/13),
		"at":     strings.Repeat("@", mb),
		"nul":    strings.Repeat("\x00\xff", mb/2),
		"emoji":  strings.Repeat("👋🏽 שלום ", mb/16),
	}
	for name, text := range inputs {
		t.Run(name, func(t *testing.T) {
			spans := a.Analyze(text)
			prev := 0
			for _, s := range spans {
				if s.Start < prev || s.End > len(text) || s.End <= s.Start {
					t.Fatalf("bad span %+v", s)
				}
				prev = s.End
			}
		})
	}
}

// TestAnonymizeLargeMessage runs the engine (echo spans, vault, sealer)
// over a 1 MB message full of values.
func TestAnonymizeLargeMessage(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs")
	}
	f := newEngineFixture(t, EngineConfig{})
	text := strings.Repeat("a@b.co 94107 ", 1<<20/13)
	r, err := f.e.Anonymize(t.Context(), convA, text)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.Text, "a@b.co") {
		t.Error("an e-mail survived")
	}
}
