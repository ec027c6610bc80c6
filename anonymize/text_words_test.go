package anonymize

import (
	"slices"
	"strings"
	"testing"
)

// TestFirstLastLowerWords checks the allocation-free word pickers against
// lowerWords.
func TestFirstLastLowerWords(t *testing.T) {
	for _, s := range []string{"", "   ", "Order NO. 123 for", "ref:ABC-42 ñandú Ünïcode", "a b c d e f", "\xff\xfeabc\xe2 DEF", "tel.", "one"} {
		t.Run(s, func(t *testing.T) {
			all := lowerWords(s)
			for n := 0; n <= 4; n++ {
				first := firstLowerWords(make([]string, 0, n), s)
				if want := all[:min(n, len(all))]; !slices.Equal(first, want) && !(len(first) == 0 && len(want) == 0) {
					t.Errorf("firstLowerWords(%q, %d) = %q, want %q", s, n, first, want)
				}
				if n == 0 {
					continue
				}
				last := lastLowerWords(make([]string, 0, n), s)
				if want := all[max(0, len(all)-n):]; !slices.Equal(last, want) && !(len(last) == 0 && len(want) == 0) {
					t.Errorf("lastLowerWords(%q, %d) = %q, want %q", s, n, last, want)
				}
			}
		})
	}
}

// TestAppendPlaceKey checks the place key against joining lowerWords.
func TestAppendPlaceKey(t *testing.T) {
	for _, s := range []string{"", "Rio de Janeiro", "  SAN   josé, CR ", "Ñuñoa", "a-b c'd", "\xffX\xe2Y", "İstanbul"} {
		t.Run(s, func(t *testing.T) {
			got := string(appendPlaceKey(nil, s))
			if want := strings.Join(lowerWords(s), " "); got != want {
				t.Errorf("appendPlaceKey(%q) = %q, want %q", s, got, want)
			}
		})
	}
}

// TestAnyWord checks anyWord against lowerWords: some word of s,
// lower-cased, is in the set.
func TestAnyWord(t *testing.T) {
	words := wordSet("tel", "móvil", "número", "dob", "x1")
	for _, s := range []string{"", "call TEL: 612", "MÓVIL 612", "numero", "Número!", "dob:", "tel-2", "hotel", "x1y", "a X1 b",
		"\xff\xfetel\xe2", "ÅÄÖ tel", "telé", strings.Repeat("Ä", 40) + " dob", strings.Repeat("á", 70)} {
		want := false
		for _, w := range lowerWords(s) {
			want = want || words[w]
		}
		if got := anyWord(s, words); got != want {
			t.Errorf("anyWord(%q) = %v, want %v", s, got, want)
		}
		if got := anyWordBloom(s, words, wordBloom(words)); got != want {
			t.Errorf("anyWordBloom(%q) = %v, want %v", s, got, want)
		}
	}
}
