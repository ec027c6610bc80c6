package anonymize

import (
	"strings"
	"testing"
)

// TestWordTable checks the gazetteer's word table against the map it was
// built from: every word present with its flags, absent words absent.
func TestWordTable(t *testing.T) {
	g := loadGazetteer()
	for w, f := range g.words {
		got, ok := g.table.get(w)
		if !ok || got != f {
			t.Fatalf("get(%q) = %d, %v; want %d, true", w, got, ok, f)
		}
	}
	for _, w := range []string{"", "zzqxv", "thequickbrownfoxjumps", "the\x00", "aaaaaaaaaaaaaaaaa"} {
		if _, inMap := g.words[w]; inMap {
			continue
		}
		if f, ok := g.table.get(w); ok {
			t.Errorf("get(%q) = %d, true; want absent", w, f)
		}
	}
}

// TestWordTableGetLower checks the lower-casing lookup against get.
func TestWordTableGetLower(t *testing.T) {
	g := loadGazetteer()
	for _, w := range []string{"The", "MARÍA", "Laura", "LONDON", "Xyzzyqq", "I", "Madrid", "ThisIsAVeryLongWordIndeed", "ÁVILA", "Calle"} {
		t.Run(w, func(t *testing.T) {
			f, low, ok := g.table.getLower(w)
			if !asciiOnly(w) || len(w) > 16 {
				if ok {
					t.Fatalf("getLower(%q) ok for a word it must leave to the slow path", w)
				}
				return
			}
			wf, wok := g.table.get(strings.ToLower(w))
			if ok != wok || f != wf {
				t.Fatalf("getLower(%q) = %d, %v; get = %d, %v", w, f, ok, wf, wok)
			}
			if ok && low != strings.ToLower(w) {
				t.Fatalf("getLower(%q) low = %q", w, low)
			}
		})
	}
}

// TestWordKey checks the packed key against a byte-by-byte reference.
func TestWordKey(t *testing.T) {
	for _, w := range []string{"a", "abcdefg", "abcdefgh", "abcdefghi", "abcdefghijklmnop", "ñandú", "x\x00y"} {
		t.Run(w, func(t *testing.T) {
			var b [16]byte
			copy(b[:], w)
			var want [2]uint64
			for i, c := range b {
				want[i/8] |= uint64(c) << (8 * (i % 8))
			}
			k0, k1 := wordKey(w)
			if k0 != want[0] || k1 != want[1] {
				t.Fatalf("wordKey(%q) = %x %x, want %x %x", w, k0, k1, want[0], want[1])
			}
		})
	}
}
