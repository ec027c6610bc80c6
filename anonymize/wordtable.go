package anonymize

import (
	"math/bits"
	"strings"
	"unicode/utf8"
)

// wordTable is a read-only hash table from lower-cased words to gazetteer
// flags, built once from gazetteer.words. Every token of every message is
// looked up in it, so it keeps words of up to 16 bytes inline in the slot:
// a lookup hashes two machine words, touches one slot (rarely two) and
// compares integers, with no pointer to follow. Longer words go to a map.
type wordTable struct {
	slots []wordSlot
	mask  uint64
	long  map[string]uint32
	// arena holds every short word once; a slot points into it, so a
	// token's lower-cased text can be taken from here without allocating.
	arena string
	// tiny answers for the words of one or two ASCII letters (de, el, to,
	// I…), a good part of every text, by direct index: tinyIndex.
	tiny [27 * 27]tinySlot
}

type tinySlot struct {
	flags, off uint32
	ok         bool
}

// tinyIndex returns the index in wordTable.tiny of a word of one or two
// ASCII letters, any case.
func tinyIndex(w string) int {
	i := int(w[0]|0x20-'a'+1) * 27
	if len(w) == 2 {
		i += int(w[1] | 0x20 - 'a' + 1)
	}
	return i
}

type wordSlot struct {
	k0, k1 uint64 // the word's bytes, little-endian, zero-padded
	n      uint32 // the word's length; 0 marks an empty slot
	flags  uint32
	off    uint32 // the word's offset in arena
}

func newWordTable(words map[string]uint32) *wordTable {
	short := 0
	for w := range words {
		if len(w) <= 16 {
			short++
		}
	}
	// Load factor at most 1/2 keeps linear probes short.
	size := 1 << bits.Len(uint(short*2))
	t := &wordTable{slots: make([]wordSlot, size), mask: uint64(size - 1), long: map[string]uint32{}}
	var arena strings.Builder
	for w, f := range words {
		if len(w) > 16 || len(w) == 0 {
			t.long[w] = f
			continue
		}
		k0, k1 := wordKey(w)
		for i := wordHash(k0, k1, len(w)) & t.mask; ; i = (i + 1) & t.mask {
			s := &t.slots[i]
			if s.n == 0 {
				*s = wordSlot{k0: k0, k1: k1, n: uint32(len(w)), flags: f, off: uint32(arena.Len())}
				arena.WriteString(w)
				break
			}
		}
	}
	t.arena = arena.String()
	var w [2]byte
	for a := byte('a'); a <= 'z'; a++ {
		w[0] = a
		for b := byte('a') - 1; b <= 'z'; b++ {
			word := string(w[:1])
			if b >= 'a' {
				w[1] = b
				word = string(w[:2])
			}
			k0, k1 := wordKey(word)
			f, off, ok := t.lookup(k0, k1, len(word))
			t.tiny[tinyIndex(word)] = tinySlot{flags: f, off: off, ok: ok}
		}
	}
	return t
}

// wordKey packs a word of at most 16 bytes into two integers,
// little-endian and zero-padded. It reads the bytes into registers: a copy
// into a buffer and a wide load back would stall on store forwarding.
func wordKey(w string) (k0, k1 uint64) {
	n := len(w)
	if n >= 8 {
		k0 = le64(w)
		if n == 16 {
			return k0, le64(w[8:])
		}
		for i := 8; i < n; i++ {
			k1 |= uint64(w[i]) << (8 * (i - 8))
		}
		return k0, k1
	}
	for i := 0; i < n; i++ {
		k0 |= uint64(w[i]) << (8 * i)
	}
	return k0, 0
}

// le64 reads the first 8 bytes of s as a little-endian integer (the
// compiler turns it into one load).
func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// getLower looks up an ASCII word of at most 16 bytes, lower-casing it on
// the way, and returns its flags and its lower-cased text from the arena.
// ok is false when the word is not ASCII, too long or not in the table.
func (t *wordTable) getLower(w string) (flags uint32, low string, ok bool) {
	f, off, ok := t.getLowerOff(w)
	if !ok {
		return 0, "", false
	}
	return f, t.arena[off : off+uint32(len(w))], true
}

// getLowerOff is getLower returning the offset of the lower-cased word in
// the arena instead of the string.
func (t *wordTable) getLowerOff(w string) (flags, off uint32, ok bool) {
	if len(w) > 16 || len(w) == 0 {
		return 0, 0, false
	}
	var k [2]uint64
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			return 0, 0, false
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		k[i>>3] |= uint64(c) << (8 * (i & 7))
	}
	n := uint32(len(w))
	for i := wordHash(k[0], k[1], len(w)) & t.mask; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if s.n == 0 {
			return 0, 0, false
		}
		if s.k0 == k[0] && s.k1 == k[1] && s.n == n {
			return s.flags, s.off, true
		}
	}
}

// lookup finds a word of n <= 16 bytes packed as wordKey packs it and
// returns its flags and offset in the arena.
func (t *wordTable) lookup(k0, k1 uint64, n int) (flags, off uint32, ok bool) {
	for i := wordHash(k0, k1, n) & t.mask; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if s.n == 0 {
			return 0, 0, false
		}
		if s.k0 == k0 && s.k1 == k1 && s.n == uint32(n) {
			return s.flags, s.off, true
		}
	}
}

// asciiWordKey packs text[i:j], a word of 1 to 16 ASCII letters, hyphens
// and apostrophes, lower-cased, as wordKey packs it. It reads the word
// with wide loads of 8 bytes, from its start when the text goes on far
// enough and else ending at its end (a text's last word), and masks
// them; the letters are lower-cased together by setting bit 5 of every
// byte, which leaves hyphens and apostrophes as they are.
func asciiWordKey(text string, i, j int) (k0, k1 uint64) {
	const lowerBits = 0x2020202020202020
	n := j - i
	if n <= 8 {
		switch {
		case i+8 <= len(text):
			k0 = le64(text[i:]) & byteMask(n)
		case j >= 8:
			k0 = le64(text[j-8:]) >> (8 * (8 - n))
		default:
			k0, _ = wordKey(text[i:j])
		}
		return k0 | lowerBits&byteMask(n), 0
	}
	k0 = le64(text[i:])
	if i+16 <= len(text) {
		k1 = le64(text[i+8:]) & byteMask(n-8)
	} else {
		k1 = le64(text[j-8:]) >> (8 * (16 - n))
	}
	return k0 | lowerBits, k1 | lowerBits&byteMask(n-8)
}

// byteMask has the low n bytes set, for n from 0 to 8.
func byteMask(n int) uint64 { return uint64(1)<<(8*uint(n)) - 1 }

func wordHash(k0, k1 uint64, n int) uint64 {
	h := k0*0x9E3779B97F4A7C15 ^ k1*0xC2B2AE3D27D4EB4F ^ uint64(n)
	h ^= h >> 29
	h *= 0xBF58476D1CE4E5B9
	return h ^ h>>32
}

// get returns the flags of w and whether w is in the table.
func (t *wordTable) get(w string) (uint32, bool) {
	if len(w) > 16 || len(w) == 0 {
		f, ok := t.long[w]
		return f, ok
	}
	k0, k1 := wordKey(w)
	n := uint32(len(w))
	for i := wordHash(k0, k1, len(w)) & t.mask; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if s.n == 0 {
			return 0, false
		}
		if s.k0 == k0 && s.k1 == k1 && s.n == n {
			return s.flags, true
		}
	}
}
