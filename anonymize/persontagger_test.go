package anonymize

import (
	"math"
	"testing"
)

func TestPersonModelEncoding(t *testing.T) {
	n := 1 << personTaggerBits
	w := make([]float64, n)
	w[0], w[1], w[n-1] = 2.5, -5, 1.25
	good := encodePersonModel(w, -1.25, 2.5)
	tests := []struct {
		name    string
		blob    []byte
		wantErr bool
	}{
		{"RoundTrip", good, false},
		{"ErrShort", good[:len(good)-2], true},
		{"ErrMagic", append([]byte("XPT2"), good[4:]...), true},
		{"ErrEmpty", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := decodePersonModel(tt.blob)
			if (err != nil) != tt.wantErr {
				t.Fatalf("decodePersonModel err = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			// Weights keep their ratios (the largest maps to ±32000) and the
			// threshold its place among them.
			scale := 32000 / 5.0
			for i, v := range map[int]float64{0: 2.5, 1: -5, n - 1: 1.25, 2: 0} {
				if got, want := int32(m.w[i]), int32(math.Round(v*scale)); got != want {
					t.Errorf("w[%d] = %d, want %d", i, got, want)
				}
			}
			if got, want := m.thresh, int32(math.Round(-1.25*scale)); got != want {
				t.Errorf("thresh = %d, want %d", got, want)
			}
			if got, want := m.ext, int32(math.Round(2.5*scale)); got != want {
				t.Errorf("ext = %d, want %d", got, want)
			}
		})
	}
}

func TestEmbeddedPersonModelLoads(t *testing.T) {
	m := loadPersonModel()
	nonZero := 0
	for _, v := range m.w {
		if v != 0 {
			nonZero++
		}
	}
	if nonZero < len(m.w)/10 {
		t.Errorf("embedded model has %d non-zero weights of %d, want a trained model", nonZero, len(m.w))
	}
}

func TestPersonCandidate(t *testing.T) {
	tests := []struct {
		word string
		want bool
	}{
		{"jenny", true},     // a given name in lower case
		{"Jenny", true},     // capitalised given name
		{"zorbaxil", true},  // a word no list knows
		{"Qwertzu", true},   // capitalised unknown word
		{"the", false},      // function word
		{"de", false},       // function word that is also a surname
		{"hola", false},     // cue word
		{"weather", false},  // common word in lower case
		{"January", false},  // month
		{"Mr", false},       // title
		{"Apt", false},      // address unit
		{"x", false},        // single letter
		{"42", false},       // not a word
		{"homework", false}, // common word
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			d := &doc{text: tt.word}
			toks := d.tokens()
			if len(toks) != 1 {
				t.Fatalf("%q: %d tokens, want 1", tt.word, len(toks))
			}
			if got := personCandidate(&toks[0]); got != tt.want {
				t.Errorf("personCandidate(%q) = %v, want %v", tt.word, got, tt.want)
			}
		})
	}
}

func TestAddTaggedSpans(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		rule  [][2]int // rule spans (byte offsets)
		tag   []int    // indexes of tagged tokens
		want  []string
		score float64 // score of the last span
	}{
		{"ExtendsRuleSpanRight", "Dr Ana Ruiz Porta vino", [][2]int{{3, 11}}, []int{3}, []string{"Ana Ruiz Porta"}, 0.85},
		{"ExtendsRuleSpanLeft", "con Porta Ruiz hoy", [][2]int{{10, 14}}, []int{1}, []string{"Porta Ruiz"}, 0.85},
		{"NewSpanOfTwoWords", "with kaite smith today", nil, []int{1, 2}, []string{"kaite smith"}, personTaggedScore},
		{"LineBreakSplits", "kaite\nsmith", nil, []int{0, 1}, []string{"kaite", "smith"}, personTaggedScore},
		{"PunctuationSplits", "kaite, smith", nil, []int{0, 2}, []string{"kaite", "smith"}, personTaggedScore},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &doc{text: tt.text}
			toks := d.tokens()
			var spans []Span
			for _, r := range tt.rule {
				spans = append(spans, Span{Start: r[0], End: r[1], Type: EntityPerson, Score: 0.85})
			}
			state := make([]uint8, len(toks))
			markRuleSpans(toks, spans, state)
			for _, k := range tt.tag {
				state[k] = 3
			}
			got := addTaggedSpans(d, toks, spans, state)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d spans %v, want %q", len(got), got, tt.want)
			}
			for i, s := range got {
				if txt := tt.text[s.Start:s.End]; txt != tt.want[i] {
					t.Errorf("span %d = %q, want %q", i, txt, tt.want[i])
				}
			}
			if s := got[len(got)-1]; s.Score != tt.score {
				t.Errorf("score = %v, want %v", s.Score, tt.score)
			}
		})
	}
}

// TestPersonTaggerFindsLowerCaseNames checks the embedded model on chat
// lines the rules alone leave empty.
func TestPersonTaggerFindsLowerCaseNames(t *testing.T) {
	a := DefaultAnalyzer()
	tests := []struct {
		text string
		want string // "" for no person
	}{
		{"omg jessie is so funny", "jessie"},
		{"call jenny about the invoice", "jenny"},
		{"the weather is nice today", ""},
		{"lol that was the best pizza ever", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got := ""
			for _, s := range a.Analyze(tt.text) {
				if s.Type == EntityPerson {
					got = tt.text[s.Start:s.End]
				}
			}
			if got != tt.want {
				t.Errorf("person in %q = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}
