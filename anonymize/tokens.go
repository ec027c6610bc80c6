package anonymize

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// tokKind classifies a token.
type tokKind uint8

const (
	tokWord  tokKind = iota + 1 // letters (any script), with inner ' or - joined
	tokNum                      // ASCII digits
	tokPunct                    // one other non-space rune
)

// token is one word, number or punctuation mark of a text. It holds no
// pointer: d.lower finds a word's lower-cased text from lowSrc, lowOff and
// lowLen, so a token slice is never scanned by the garbage collector and
// writing a token needs no write barrier.
type token struct {
	start, end int
	flags      uint32    // gazetteer flags of the word
	lowOff     uint32    // offset of the lower-cased word in its source
	lowLen     uint16    // its length (lowArena, lowDoc)
	lowSrc     lowSource // where the lower-cased word is
	kind       tokKind
	cap        bool // word starts with an upper-case letter
	allCap     bool // word is all upper case (and has 2+ letters)
	nl         bool // a newline lies between the previous token and this one
	gap        bool // whitespace lies between the previous token and this one
}

// lowSource says where a word's lower-cased text is.
type lowSource uint8

const (
	lowText  lowSource = iota // the word is lower case already: the text itself
	lowArena                  // the gazetteer table's copy of the word
	lowDoc                    // doc.low, written by the tokenizer
	lowLong                   // doc.longLow[lowOff]: a word of 64 KiB or more
)

// doc is a text being analysed, with its tokens computed once for every
// recognizer that needs them.
type doc struct {
	text   string
	opts   AnalyzeOptions
	toks   []token
	tokked bool
	pooled bool    // the doc comes from docPool; its buf is reused
	buf    []token // a token slice kept from an earlier text, for reuse
	// spanBuf is the analyzer's candidate buffer, spanOut a buffer for a
	// docRecognizer's result; both are kept like buf.
	spanBuf, spanOut []Span
	shout            int8 // isShouting cache: 0 unknown, 1 no, 2 yes
	// Summaries of the tokens, for recognizers to skip texts early.
	anyFlags uint32 // OR of every word's gazetteer flags
	anyCap   bool   // some word starts with a capital
	anyDigit bool   // some token is a number
	// Words of two or more bytes, and how many of them are all upper
	// case: what a shouting test (most words in capitals) needs, counted
	// by the tokenizer instead of another walk over the tokens.
	words2, allCaps2 int
	// Lower-cased words found neither in the text nor in the gazetteer
	// arena (see lowSource).
	arena   string
	low     string
	longLow []string
}

// tokens returns the text's tokens.
func (d *doc) tokens() []token {
	if !d.tokked {
		d.toks = d.tokenize(d.buf[:0])
		d.tokked = true
	}
	return d.toks
}

// docPool recycles docs, with their token slices, between Analyze calls.
var docPool = sync.Pool{New: func() any { return &doc{pooled: true} }}

// newDoc returns a pooled doc for text; release gives it back.
func newDoc(text string) *doc {
	// A pooled doc is reset already: release clears it before putting it
	// back, and the pool's New makes a zero one.
	d := docPool.Get().(*doc)
	d.text = text
	return d
}

// release returns a doc from newDoc to the pool; the doc must not be used
// after.
func (d *doc) release() {
	if !d.pooled {
		return
	}
	buf := d.toks
	if d.buf != nil && cap(d.buf) >= cap(buf) {
		buf = d.buf
	}
	if cap(buf) > 4096 {
		buf = nil // a huge message's tokens are not kept
	}
	spans, out := d.spanBuf, d.spanOut
	if cap(spans) > 256 {
		spans = nil
	}
	if cap(out) > 256 {
		out = nil
	}
	*d = doc{pooled: true, buf: buf[:0], spanBuf: spans[:0], spanOut: out[:0]}
	docPool.Put(d)
}

func (d *doc) str(t token) string { return d.text[t.start:t.end] }

// lower returns a token's text lower-cased.
func (d *doc) lower(t token) string {
	switch t.lowSrc {
	case lowArena:
		return d.arena[t.lowOff : t.lowOff+uint32(t.lowLen)]
	case lowDoc:
		return d.low[t.lowOff : t.lowOff+uint32(t.lowLen)]
	case lowLong:
		return d.longLow[t.lowOff]
	}
	return d.text[t.start:t.end]
}

// docRecognizer is implemented by built-in recognizers that share the
// analyzer's tokenization. A recognizer may build its result in
// d.spanOut (and leave the grown buffer there): the result is then valid
// only until the next recognizer runs on d, and Analyze copies it at once.
type docRecognizer interface {
	recognizeDoc(d *doc) []Span
}

// tokenize appends the tokens of d.text to toks[:0], and sets the doc's
// summaries and the lower-cased words the tokens point to.
func (d *doc) tokenize(toks []token) []token {
	text := d.text
	g := loadGazetteer()
	d.arena = g.table.arena
	if toks == nil {
		toks = make([]token, 0, len(text)/4+4)
	}
	// Lower-cased words that are neither the text nor a gazetteer word are
	// written into one buffer, allocated at most once per text; offsets
	// into it stay valid when it grows.
	var low strings.Builder
	var anyFlags uint32
	words2, allCaps2 := 0, 0
	anyCap, anyDigit := false, false
	gap, nl := false, false
	i := 0
	for i < len(text) {
		c := text[i]
		switch byteKinds[c] {
		case bkSpace:
			gap = true
			i++
			continue
		case bkNewline:
			gap, nl = true, true
			i++
			continue
		case bkDigit:
			j := i + 1
			for j < len(text) && isDigit(text[j]) {
				j++
			}
			toks = append(toks, token{start: i, end: j, kind: tokNum, gap: gap, nl: nl})
			anyDigit = true
			gap, nl = false, false
			i = j
			continue
		case bkPunct:
			toks = append(toks, token{start: i, end: i + 1, kind: tokPunct, gap: gap, nl: nl})
			gap, nl = false, false
			i++
			continue
		}
		capital := c <= 'Z' // an ASCII letter here
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(text[i:])
			if !unicode.IsLetter(r) {
				if unicode.IsSpace(r) {
					gap = true
					if r == '\u2028' || r == '\u0085' {
						nl = true
					}
				} else {
					toks = append(toks, token{start: i, end: i + n, kind: tokPunct, gap: gap, nl: nl})
					gap, nl = false, false
				}
				i += n
				continue
			}
			capital = unicode.IsUpper(r)
		}
		// The token is written in place: a token built on the stack and
		// copied in would be read back before its bytes reach memory.
		toks = append(toks, token{})
		t := &toks[len(toks)-1]
		t.start, t.kind, t.gap, t.nl, t.cap = i, tokWord, gap, nl, capital
		gap, nl = false, false
		// seen collects the kinds of letters in the word: bit 1 a letter
		// that is not upper case, bit 2 an upper-case one.
		letters := 0
		seen := uint8(0)
		ascii := true
		j := i
		for j < len(text) {
			// ASCII fast path: a run of ASCII letters, asciiLetters being
			// 1 for lower case and 2 for upper.
			run := j
			for j < len(text) {
				k := asciiLetters[text[j]]
				if k == 0 {
					break
				}
				seen |= k
				j++
			}
			letters += j - run
			if j >= len(text) {
				break
			}
			if c := text[j]; c < utf8.RuneSelf && c != '\'' && c != '-' {
				break
			}
			r, n := utf8.DecodeRuneInString(text[j:])
			if unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) {
				ascii = false
				letters++
				if unicode.IsUpper(r) {
					seen |= 2
				} else {
					seen |= 1
				}
				j += n
				continue
			}
			// Inner apostrophe or hyphen followed by a letter: O'Brien, Jean-Luc.
			if (r == '\'' || r == '-' || r == '’') && j+n < len(text) {
				r2, n2 := utf8.DecodeRuneInString(text[j+n:])
				if r != '-' && (r2 == 's' || r2 == 'S') && !letterAt(text, j+n+n2) {
					break // possessive 's stays out of the word
				}
				if unicode.IsLetter(r2) {
					ascii = ascii && r < utf8.RuneSelf
					j += n
					continue
				}
			}
			break
		}
		t.end = j
		t.allCap = letters >= 2 && seen&1 == 0
		upper := seen&2 != 0
		w := text[i:j]
		switch {
		case ascii && len(w) <= 16:
			// One lookup of the lower-cased word: by direct index for one
			// or two letters, else packed in two registers and hashed.
			var f, off uint32
			var ok bool
			if len(w) <= 2 {
				ts := &g.table.tiny[tinyIndex(w)]
				f, off, ok = ts.flags, ts.off, ts.ok
			} else {
				k0, k1 := asciiWordKey(text, i, j)
				f, off, ok = g.table.lookup(k0, k1, len(w))
			}
			switch {
			case !upper:
				t.flags = f
			case ok:
				// A gazetteer word: its lower-cased text is the table's copy.
				t.flags, t.lowSrc, t.lowOff, t.lowLen = f, lowArena, off, uint16(len(w))
			default:
				if low.Cap() == 0 {
					low.Grow(len(text))
				}
				t.lowSrc, t.lowOff, t.lowLen = lowDoc, uint32(low.Len()), uint16(len(w))
				for k := 0; k < len(w); k++ {
					c := w[k]
					if c >= 'A' && c <= 'Z' {
						c += 'a' - 'A'
					}
					low.WriteByte(c)
				}
			}
		case !upper:
			t.flags = g.flags(w)
		default:
			off := low.Len()
			if ascii {
				if low.Cap() == 0 {
					low.Grow(len(text))
				}
				for k := 0; k < len(w); k++ {
					c := w[k]
					if c >= 'A' && c <= 'Z' {
						c += 'a' - 'A'
					}
					low.WriteByte(c)
				}
			} else {
				// strings.ToLower, written into the buffer.
				if low.Cap() == 0 {
					low.Grow(len(text) + 8)
				}
				for _, r := range w {
					low.WriteRune(unicode.ToLower(r))
				}
			}
			lw := low.String()[off:]
			t.flags = g.flags(lw)
			if len(lw) <= 0xFFFF {
				t.lowSrc, t.lowOff, t.lowLen = lowDoc, uint32(off), uint16(len(lw))
			} else {
				t.lowSrc, t.lowOff = lowLong, uint32(len(d.longLow))
				d.longLow = append(d.longLow, lw)
			}
		}
		anyFlags |= t.flags
		anyCap = anyCap || t.cap
		if j-i > 1 {
			words2++
			if t.allCap {
				allCaps2++
			}
		}
		i = j
	}
	d.low = low.String()
	d.anyFlags, d.anyCap, d.anyDigit = anyFlags, anyCap, anyDigit
	d.words2, d.allCaps2 = words2, allCaps2
	return toks
}

// Byte kinds for the tokenizer's first look at a token: ASCII space,
// newline, digit and other non-letter bytes; bkOther is an ASCII letter
// or a byte of a multi-byte rune.
const (
	bkOther uint8 = iota
	bkSpace
	bkNewline
	bkDigit
	bkPunct
)

var byteKinds = func() (t [256]uint8) {
	for c := 0; c < utf8.RuneSelf; c++ {
		switch b := byte(c); {
		case b == ' ' || b == '\t' || b == '\r':
			t[c] = bkSpace
		case b == '\n':
			t[c] = bkNewline
		case isDigit(b):
			t[c] = bkDigit
		case !isAlpha(b):
			t[c] = bkPunct
		}
	}
	return t
}()

// asciiLetters is 1 for the ASCII lower-case letters, 2 for upper case.
var asciiLetters = func() (t [256]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = 1, 2
	}
	return t
}()

func asciiOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
