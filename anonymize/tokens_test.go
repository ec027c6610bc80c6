package anonymize

import (
	"strings"
	"testing"
)

// TestTokenLower checks every word token's lower-cased text and gazetteer
// flags against strings.ToLower and gazetteer.flags, whichever source the
// tokenizer took them from (the text, the gazetteer arena, its own buffer),
// and the doc summaries against the tokens.
func TestTokenLower(t *testing.T) {
	g := loadGazetteer()
	long := strings.Repeat("Ab", 40000)
	for _, text := range []string{
		"", "hola", "Hola María, soy JOSÉ de Ávila", "MADRID Calle Mayor 5", "O'Brien and Jean-Luc's café",
		"İstanbul ŁÓDŹ ÑANDÚ naïve Ωμέγα", "STOP stop Stop", "XyZzyQwertyUiopAsdfGhjkl longlowercasewordnotinanylist",
		"mañana días código", "Ünïcode Straße STRASSE", long + " Laura " + long, "a\u2028B\nC 12:30 ok",
		"tel.: +34 612 34 56 78", "🙂 Ana👍Pérez",
	} {
		d := newDoc(text)
		toks := d.tokens()
		var flags uint32
		capSeen, digit := false, false
		words2, caps2 := 0, 0
		for _, tk := range toks {
			if tk.kind == tokNum {
				digit = true
			}
			if tk.kind != tokWord {
				if got := d.lower(tk); got != d.str(tk) {
					t.Errorf("%q: lower of non-word %q = %q", text[:min(len(text), 40)], d.str(tk), got)
				}
				continue
			}
			want := strings.ToLower(d.str(tk))
			if got := d.lower(tk); got != want {
				t.Errorf("%q: lower(%q) = %q, want %q", text[:min(len(text), 40)], d.str(tk)[:min(40, tk.end-tk.start)], got[:min(40, len(got))], want[:min(40, len(want))])
			}
			if got, wantFlags := tk.flags, g.flags(want); got != wantFlags {
				t.Errorf("%q: flags(%q) = %b, want %b", text[:min(len(text), 40)], want[:min(40, len(want))], got, wantFlags)
			}
			flags |= tk.flags
			capSeen = capSeen || tk.cap
			if tk.end-tk.start > 1 {
				words2++
				if tk.allCap {
					caps2++
				}
			}
		}
		if d.words2 != words2 || d.allCaps2 != caps2 {
			t.Errorf("%q: words2 %d, allCaps2 %d; want %d, %d", text[:min(len(text), 40)], d.words2, d.allCaps2, words2, caps2)
		}
		if d.anyFlags != flags || d.anyCap != capSeen || d.anyDigit != digit {
			t.Errorf("%q: summaries %b %v %v, want %b %v %v", text[:min(len(text), 40)], d.anyFlags, d.anyCap, d.anyDigit, flags, capSeen, digit)
		}
		d.release()
	}
}

// TestShoutingFromTokenizerCounts checks that isShouting, which reads the
// tokenizer's word counts, agrees with a count over the tokens.
func TestShoutingFromTokenizerCounts(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"PLEASE CALL ME BACK ASAP ok", true},
		{"please call me back when you can", false},
		{"I AM A B C D", false}, // one-letter words do not count
		{"HOLA SOY MARÍA GARCÍA DE MADRID", true},
		{"Hi THIS IS John from the shop", false},
		{"", false},
	} {
		d := newDoc(tc.text)
		toks := d.tokens()
		if got := isShouting(d, toks); got != tc.want || got != computeShouting(toks) {
			t.Errorf("isShouting(%q) = %v, want %v (count over tokens: %v)", tc.text, got, tc.want, computeShouting(toks))
		}
		d.release()
	}
}

// TestByteKinds checks the tokenizer's byte table against the byte
// tests it stands for, on every byte.
func TestByteKinds(t *testing.T) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		want := bkOther
		switch {
		case b >= 0x80:
		case b == ' ' || b == '\t' || b == '\r':
			want = bkSpace
		case b == '\n':
			want = bkNewline
		case b >= '0' && b <= '9':
			want = bkDigit
		case !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'):
			want = bkPunct
		}
		if byteKinds[c] != want {
			t.Errorf("byteKinds[%#x] = %d, want %d", c, byteKinds[c], want)
		}
	}
}
