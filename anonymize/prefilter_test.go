package anonymize

import "testing"

// TestClassMask checks the translation of a recognizer's trigger bytes
// into the analyzer's byte classes: only whole classes translate.
func TestClassMask(t *testing.T) {
	tests := []struct {
		need string
		want uint8
	}{
		{"@", clsAt},
		{digitBytes, clsDigit},
		{digitBytes + ":", clsDigit | clsColon},
		{":.", clsColon | clsDot},
		{"12", 0}, // part of the digit class
		{"x@", 0}, // a byte of no class
		{"", 0},
	}
	for _, tt := range tests {
		t.Run(tt.need, func(t *testing.T) {
			if got := classMask(tt.need); got != tt.want {
				t.Errorf("classMask(%q) = %b, want %b", tt.need, got, tt.want)
			}
		})
	}
}

// needsRecognizer finds "X" only in texts holding one of its needs bytes,
// which no byte class covers.
type needsRecognizer struct{ need string }

func (needsRecognizer) Name() string    { return "needs" }
func (r needsRecognizer) needs() string { return r.need }
func (needsRecognizer) Recognize(text string) []Span {
	for i := 0; i < len(text); i++ {
		if text[i] == 'X' {
			return []Span{{Start: i, End: i + 1, Type: "X", Score: 1}}
		}
	}
	return nil
}

// TestPrefilterSkips checks that the analyzer runs a recognizer only on
// texts holding one of the bytes it needs, by class or byte by byte.
func TestPrefilterSkips(t *testing.T) {
	tests := []struct {
		need, text string
		want       int
	}{
		{"#", "X marks #", 1},
		{"#", "X marks", 0},
		{"@", "X at @", 1},
		{"@", "X at", 0},
		{digitBytes, "X 7", 1},
		{digitBytes, "X seven", 0},
		{"7", "X 8", 0},
		{"7", "X 7", 1},
	}
	for _, tt := range tests {
		t.Run(tt.need+"/"+tt.text, func(t *testing.T) {
			a, err := NewAnalyzer(AnalyzerConfig{}, needsRecognizer{tt.need})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(a.Analyze(tt.text)); got != tt.want {
				t.Errorf("%d spans, want %d", got, tt.want)
			}
		})
	}
}
