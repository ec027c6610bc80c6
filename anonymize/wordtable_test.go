package anonymize

import "testing"

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
