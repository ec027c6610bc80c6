package anonymize

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }
func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }
func isHex(c byte) bool   { return isDigit(c) || ((c|0x20) >= 'a' && (c|0x20) <= 'f') }

// asciiLowerByte lower-cases an ASCII letter and returns other bytes as
// they are.
func asciiLowerByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		c += 'a' - 'A'
	}
	return c
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

func asciiUpper(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' {
			return strings.ToUpper(s)
		}
	}
	return s
}

// wordBefore reports whether the text before i ends with a letter or digit
// (of any script), i.e. i is not at the start of a word.
func letterBefore(text string, i int) bool {
	if i <= 0 {
		return false
	}
	if c := text[i-1]; c < utf8.RuneSelf {
		return isAlnum(c)
	}
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// letterAt reports whether a letter or digit (of any script) starts at i.
func letterAt(text string, i int) bool {
	if i >= len(text) {
		return false
	}
	if c := text[i]; c < utf8.RuneSelf {
		return isAlnum(c)
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// words splits s into lower-cased words (runs of letters and digits).
func lowerWords(s string) []string {
	var out []string
	start := -1
	for i, r := range s {
		w := unicode.IsLetter(r) || unicode.IsDigit(r)
		if w && start < 0 {
			start = i
		} else if !w && start >= 0 {
			out = append(out, strings.ToLower(s[start:i]))
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, strings.ToLower(s[start:]))
	}
	return out
}

// firstLowerWords appends to dst[:0] the first cap(dst) words of s as
// lowerWords splits and lower-cases them, without allocating the slice.
func firstLowerWords(dst []string, s string) []string {
	out := dst[:0]
	if cap(out) == 0 {
		return out
	}
	start := -1
	for i, r := range s {
		w := unicode.IsLetter(r) || unicode.IsDigit(r)
		if w && start < 0 {
			start = i
		} else if !w && start >= 0 {
			out = append(out, strings.ToLower(s[start:i]))
			start = -1
			if len(out) == cap(out) {
				return out
			}
		}
	}
	if start >= 0 {
		out = append(out, strings.ToLower(s[start:]))
	}
	return out
}

// lastLowerWords appends to dst[:0] the last cap(dst) (at most 8) words of
// s as lowerWords splits and lower-cases them, in order.
func lastLowerWords(dst []string, s string) []string {
	var ends [8][2]int
	keep := min(cap(dst), len(ends))
	n := 0
	start := -1
	for i, r := range s {
		w := unicode.IsLetter(r) || unicode.IsDigit(r)
		if w && start < 0 {
			start = i
		} else if !w && start >= 0 {
			ends[n%keep] = [2]int{start, i}
			n++
			start = -1
		}
	}
	if start >= 0 {
		ends[n%keep] = [2]int{start, len(s)}
		n++
	}
	out := dst[:0]
	for k := max(0, n-keep); k < n; k++ {
		e := ends[k%keep]
		out = append(out, strings.ToLower(s[e[0]:e[1]]))
	}
	return out
}

// appendPlaceKey appends the words of s, lower-cased and joined by one
// space, to dst: strings.Join(lowerWords(s), " ") without the slice.
func appendPlaceKey(dst []byte, s string) []byte {
	first := true
	start := -1
	word := func(w string) {
		if !first {
			dst = append(dst, ' ')
		}
		first = false
		if asciiOnly(w) {
			for i := 0; i < len(w); i++ {
				c := w[i]
				if c >= 'A' && c <= 'Z' {
					c += 'a' - 'A'
				}
				dst = append(dst, c)
			}
			return
		}
		dst = append(dst, strings.ToLower(w)...)
	}
	for i, r := range s {
		w := unicode.IsLetter(r) || unicode.IsDigit(r)
		if w && start < 0 {
			start = i
		} else if !w && start >= 0 {
			word(s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		word(s[start:])
	}
	return dst
}

// placeFlags returns the gazetteer's place flags of the words of s.
func placeFlags(g *gazetteer, s string) uint32 {
	var buf [64]byte
	return g.places[string(appendPlaceKey(buf[:0], s))]
}

// contextWindow returns the text up to n bytes before start and after end,
// cut on rune boundaries.
func contextWindow(text string, start, end, n int) (before, after string) {
	b := max(0, start-n)
	for b > 0 && b < len(text) && !utf8.RuneStart(text[b]) {
		b++
	}
	a := min(len(text), end+n)
	for a < len(text) && a > 0 && !utf8.RuneStart(text[a]) {
		a--
	}
	return text[b:start], text[end:a]
}

// hasContext reports whether one of words appears as a whole word (case
// insensitive) in the window of n bytes before start, or, when after is
// true, after end too. It allocates nothing for ASCII words.
func hasContext(text string, start, end, n int, words map[string]bool, after bool) bool {
	return hasContextBloom(text, start, end, n, words, allWords, after)
}

// hasContextBloom is hasContext with the bloom of words (wordBloom): a
// word of the window whose bit is not in it is not looked up.
func hasContextBloom(text string, start, end, n int, words map[string]bool, bloom uint64, after bool) bool {
	if len(words) == 0 {
		return false
	}
	b, a := contextWindow(text, start, end, n)
	if anyWordBloom(b, words, bloom) {
		return true
	}
	return after && anyWordBloom(a, words, bloom)
}

// allWords is the bloom that lets every word through to the map.
const allWords = ^uint64(0)

// bloomBit is the bit of a lower-cased word in a wordBloom: its first
// byte and its length.
func bloomBit(low string) uint64 { return bloomBitOf(low[0], len(low)) }

// bloomBitOf is bloomBit of a word from its first byte and its length,
// for a word in a byte slice: no conversion to a string.
func bloomBitOf(first byte, n int) uint64 {
	return 1 << ((uint(first) + 7*uint(n)) & 63)
}

// wordBloom returns the bloomBits of a set's words: with a dozen words,
// about four words in five of a context window are ruled out without a
// map lookup.
func wordBloom(words map[string]bool) uint64 {
	var b uint64
	for w := range words {
		if w != "" {
			b |= bloomBit(w)
		}
	}
	return b
}

// anyWord reports whether a word of s, lower-cased, is in words.
func anyWord(s string, words map[string]bool) bool {
	return anyWordBloom(s, words, allWords)
}

// asciiAlnum is isAlnum as a table, for anyWordBloom's scans.
var asciiAlnum = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = isAlnum(byte(c))
	}
	return t
}()

// anyWordBloom is anyWord with the bloom of words.
func anyWordBloom(s string, words map[string]bool, bloom uint64) bool {
	var buf [32]byte
	i := 0
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if !asciiAlnum[c] {
				i++
				continue
			}
		} else if r, n := utf8.DecodeRuneInString(s[i:]); !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			i += n
			continue
		}
		j := i
		ascii := true
		for j < len(s) {
			if c := s[j]; c < utf8.RuneSelf {
				if !asciiAlnum[c] {
					break
				}
				j++
				continue
			}
			r, n := utf8.DecodeRuneInString(s[j:])
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				break
			}
			ascii = false
			j += n
		}
		w := s[i:j]
		if ascii && len(w) <= len(buf) {
			// The bloom needs only the lower-cased first byte: most words
			// fail it and are never lower-cased.
			if bloom&bloomBitOf(asciiLowerByte(w[0]), len(w)) == 0 {
				i = j
				continue
			}
			for k := 0; k < len(w); k++ {
				buf[k] = asciiLowerByte(w[k])
			}
			if words[string(buf[:len(w)])] {
				return true
			}
		} else if len(w) <= 64 {
			// strings.ToLower into a stack buffer: the lookup of a
			// converted byte slice allocates nothing.
			var lb [72]byte
			l := lb[:0]
			for _, r := range w {
				l = utf8.AppendRune(l, unicode.ToLower(r))
			}
			if bloom&bloomBitOf(l[0], len(l)) != 0 && words[string(l)] {
				return true
			}
		} else if words[strings.ToLower(w)] {
			return true
		}
		i = j
	}
	return false
}

func wordSet(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[strings.ToLower(w)] = true
	}
	return m
}
