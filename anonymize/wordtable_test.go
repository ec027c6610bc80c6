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

// TestTinyWords checks the direct-index answers for every word of one or
// two ASCII letters, in every case mix, against the hash table.
func TestTinyWords(t *testing.T) {
	tab := loadGazetteer().table
	found := 0
	for a := 'a'; a <= 'z'; a++ {
		for _, rest := range append([]string{""}, func() (out []string) {
			for b := 'a'; b <= 'z'; b++ {
				out = append(out, string(b))
			}
			return out
		}()...) {
			low := string(a) + rest
			for _, w := range []string{low, strings.ToUpper(low), strings.ToUpper(low[:1]) + low[1:]} {
				ts := tab.tiny[tinyIndex(w)]
				f, ok := tab.get(low)
				if ts.ok != ok || ts.flags != f {
					t.Fatalf("tiny %q = %d, %v; table %d, %v", w, ts.flags, ts.ok, f, ok)
				}
				if ok && tab.arena[ts.off:ts.off+uint32(len(low))] != low {
					t.Fatalf("tiny %q points at %q", w, tab.arena[ts.off:ts.off+uint32(len(low))])
				}
				if ok {
					found++
				}
			}
		}
	}
	if found == 0 {
		t.Fatal("no one- or two-letter word in the gazetteer")
	}
}

// TestFoldRuneMatchesMap checks the array form of accentFold against the
// map on every rune the array covers and on a few beyond it.
func TestFoldRuneMatchesMap(t *testing.T) {
	for r := rune(0); r < 0x300; r++ {
		want := r
		if a, ok := accentFold[r]; ok {
			want = a
		}
		if got := foldRune(r); got != want {
			t.Errorf("foldRune(%q) = %q, want %q", r, got, want)
		}
	}
	for _, tc := range []struct {
		in, want string
	}{
		{"maría", "maria"}, {"çağrı", "cagri"}, {"łódź", "lodz"}, {"plain", "plain"}, {"日本", "日本"}, {"ștefan", "stefan"},
	} {
		if got := foldAccents(tc.in); got != tc.want {
			t.Errorf("foldAccents(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestASCIIWordKey checks asciiWordKey against wordKey of the lower-cased
// word for every ASCII word of up to 16 bytes in texts of many lengths,
// so that words lie at the start, the middle and the end of short and
// long texts.
func TestASCIIWordKey(t *testing.T) {
	for _, text := range []string{
		"a", "Hi", "ok THANKS", "O'Brien", "Jean-Luc", "abcdefgh", "ABCDEFGHI", "x abcdefghijklmnop",
		"call me tomorrow, Ana", "the Internationalisation of BANKING-SERVICES in o'Connell street",
		"Supercalifragil Mississippi-River x", "ab cdefghijklmnopq rs", "go Mississippi", "to Tennessee!",
	} {
		d := newDoc(text)
		for _, tok := range d.tokens() {
			w := text[tok.start:tok.end]
			if tok.kind != tokWord || len(w) > 16 || !asciiOnly(w) {
				continue
			}
			k0, k1 := asciiWordKey(text, tok.start, tok.end)
			w0, w1 := wordKey(strings.ToLower(w))
			if k0 != w0 || k1 != w1 {
				t.Errorf("%q: asciiWordKey(%q) = %#x %#x, want %#x %#x", text, w, k0, k1, w0, w1)
			}
		}
		d.release()
	}
}
