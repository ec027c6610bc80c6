package anonymize

import (
	"math/rand/v2"
	"slices"
	"testing"
	"unicode/utf8"
)

type stubRecognizer struct {
	name  string
	spans []Span
}

func (s stubRecognizer) Name() string            { return s.name }
func (s stubRecognizer) Recognize(string) []Span { return slices.Clone(s.spans) }

func TestResolve(t *testing.T) {
	tests := []struct {
		name string
		in   []Span
		want []Span
	}{
		{"validated beats longer unvalidated",
			[]Span{{Start: 0, End: 20, Type: "A", Score: 0.9}, {Start: 5, End: 10, Type: "B", Score: 0.5, Validated: true}},
			[]Span{{Start: 5, End: 10, Type: "B", Score: 0.5, Validated: true}}},
		{"longer beats contained",
			[]Span{{Start: 5, End: 10, Type: "B", Score: 0.9}, {Start: 0, End: 20, Type: "A", Score: 0.5}},
			[]Span{{Start: 0, End: 20, Type: "A", Score: 0.5}}},
		{"higher score beats same length",
			[]Span{{Start: 0, End: 10, Type: "A", Score: 0.5}, {Start: 2, End: 12, Type: "B", Score: 0.7}},
			[]Span{{Start: 2, End: 12, Type: "B", Score: 0.7}}},
		{"disjoint kept and sorted",
			[]Span{{Start: 10, End: 12, Type: "A", Score: 0.5}, {Start: 0, End: 2, Type: "B", Score: 0.7}},
			[]Span{{Start: 0, End: 2, Type: "B", Score: 0.7}, {Start: 10, End: 12, Type: "A", Score: 0.5}}},
		{"touching spans both kept",
			[]Span{{Start: 0, End: 5, Type: "A", Score: 0.5}, {Start: 5, End: 9, Type: "B", Score: 0.5}},
			[]Span{{Start: 0, End: 5, Type: "A", Score: 0.5}, {Start: 5, End: 9, Type: "B", Score: 0.5}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Resolve(slices.Clone(tt.in))
			if !slices.Equal(got, tt.want) {
				t.Errorf("Resolve = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAnalyzerDropsBadSpans(t *testing.T) {
	text := "héllo wörld"
	bad := stubRecognizer{"bad", []Span{
		{Start: 2, End: 4, Type: "X", Score: 1},   // starts inside 'é'
		{Start: 0, End: 99, Type: "X", Score: 1},  // past the end
		{Start: 5, End: 5, Type: "X", Score: 1},   // empty
		{Start: 0, End: 1, Type: "X", Score: 0.1}, // under threshold
		{Start: 7, End: 13, Type: "OK", Score: 1},
	}}
	a, err := NewAnalyzer(AnalyzerConfig{Threshold: 0.4}, bad)
	if err != nil {
		t.Fatal(err)
	}
	got := a.Analyze(text)
	if len(got) != 1 || got[0].Type != "OK" || got[0].Recognizer != "bad" {
		t.Fatalf("Analyze = %v, want only the OK span named after its recognizer", got)
	}
	if s := text[got[0].Start:got[0].End]; !utf8.ValidString(s) || s != "wörld" {
		t.Errorf("span text %q", s)
	}
}

func TestNewAnalyzerErrors(t *testing.T) {
	r := stubRecognizer{name: "r"}
	tests := []struct {
		name string
		cfg  AnalyzerConfig
		recs []Recognizer
	}{
		{"none", AnalyzerConfig{}, nil},
		{"duplicate", AnalyzerConfig{}, []Recognizer{r, r}},
		{"unnamed", AnalyzerConfig{}, []Recognizer{stubRecognizer{}}},
		{"nil", AnalyzerConfig{}, []Recognizer{nil}},
		{"threshold", AnalyzerConfig{Threshold: 2}, []Recognizer{r}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewAnalyzer(tt.cfg, tt.recs...); err == nil {
				t.Error("NewAnalyzer succeeded, want an error")
			}
		})
	}
}

func TestAnalyzerTrimsPartialLoser(t *testing.T) {
	text := "John Smith john@x.com"
	person := stubRecognizer{"p", []Span{{Start: 0, End: 15, Type: EntityPerson, Score: 0.8}}}
	email := stubRecognizer{"e", []Span{{Start: 11, End: 21, Type: EntityEmail, Score: 1, Validated: true}}}
	inside := stubRecognizer{"i", []Span{{Start: 2, End: 13, Type: "X", Score: 0.9}}} // cut mid-word: dropped
	a, err := NewAnalyzer(AnalyzerConfig{}, person, email, inside)
	if err != nil {
		t.Fatal(err)
	}
	got := analyzeFound(a, text)
	want := []found{{EntityPerson, "John Smith"}, {EntityEmail, "john@x.com"}}
	if !slices.Equal(got, want) {
		t.Errorf("Analyze = %v, want %v", got, want)
	}
}

// TestResolveManySpans checks the indexed path (more than 64 spans)
// against the plain rule: keep a span when no better-ranked kept span
// overlaps it.
func TestResolveManySpans(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := 0; round < 20; round++ {
		var in []Span
		for range 200 {
			s := r.IntN(1000)
			in = append(in, Span{Start: s, End: s + 1 + r.IntN(30), Type: "X", Score: float64(r.IntN(10)) / 10, Validated: r.IntN(4) == 0})
		}
		got := Resolve(slices.Clone(in))
		// Reference: the same ranking, quadratic check.
		ranked := slices.Clone(in)
		slices.SortStableFunc(ranked, func(x, y Span) int {
			switch {
			case x.Validated != y.Validated:
				if x.Validated {
					return -1
				}
				return 1
			case x.Len() != y.Len():
				return y.Len() - x.Len()
			case x.Score != y.Score:
				if x.Score > y.Score {
					return -1
				}
				return 1
			}
			return x.Start - y.Start
		})
		var want []Span
		for _, s := range ranked {
			ok := true
			for _, w := range want {
				ok = ok && !s.Overlaps(w)
			}
			if ok {
				want = append(want, s)
			}
		}
		slices.SortFunc(want, func(x, y Span) int { return x.Start - y.Start })
		if len(got) != len(want) {
			t.Fatalf("round %d: %d spans, want %d", round, len(got), len(want))
		}
		for i := range got {
			if got[i].Start != want[i].Start || got[i].End != want[i].End {
				t.Fatalf("round %d: span %d = %+v, want %+v", round, i, got[i], want[i])
			}
		}
	}
}
