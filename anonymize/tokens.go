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

// token is one word, number or punctuation mark of a text.
type token struct {
	start, end int
	kind       tokKind
	cap        bool   // word starts with an upper-case letter
	allCap     bool   // word is all upper case (and has 2+ letters)
	nl         bool   // a newline lies between the previous token and this one
	gap        bool   // whitespace lies between the previous token and this one
	low        string // the word lower-cased (words only)
	flags      uint32 // gazetteer flags of the word
}

// doc is a text being analysed, with its tokens computed once for every
// recognizer that needs them.
type doc struct {
	text   string
	opts   AnalyzeOptions
	toks   []token
	tokked bool
	pooled bool    // the doc comes from docPool; its buf is reused
	buf    []token // a token slice kept from an earlier text, for reuse
	shout  int8    // isShouting cache: 0 unknown, 1 no, 2 yes
	// Summaries of the tokens, for recognizers to skip texts early.
	anyFlags uint32 // OR of every word's gazetteer flags
	anyCap   bool   // some word starts with a capital
	anyDigit bool   // some token is a number
}

// tokens returns the text's tokens.
func (d *doc) tokens() []token {
	if !d.tokked {
		d.toks = tokenizeInto(d.buf[:0], d.text)
		d.tokked = true
		for _, t := range d.toks {
			switch t.kind {
			case tokWord:
				d.anyFlags |= t.flags
				d.anyCap = d.anyCap || t.cap
			case tokNum:
				d.anyDigit = true
			}
		}
	}
	return d.toks
}

// docPool recycles docs, with their token slices, between Analyze calls.
var docPool = sync.Pool{New: func() any { return &doc{pooled: true} }}

// newDoc returns a pooled doc for text; release gives it back.
func newDoc(text string) *doc {
	d := docPool.Get().(*doc)
	*d = doc{text: text, pooled: true, buf: d.buf}
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
	*d = doc{pooled: true, buf: buf[:0]}
	docPool.Put(d)
}

func (d *doc) str(t token) string { return d.text[t.start:t.end] }

// lower returns a token's text lower-cased.
func (d *doc) lower(t token) string {
	if t.kind == tokWord {
		return t.low
	}
	return d.text[t.start:t.end]
}

// docRecognizer is implemented by built-in recognizers that share the
// analyzer's tokenization.
type docRecognizer interface {
	recognizeDoc(d *doc) []Span
}

// tokenizeInto appends the tokens of text to toks[:0].
func tokenizeInto(toks []token, text string) []token {
	g := loadGazetteer()
	if toks == nil {
		toks = make([]token, 0, len(text)/4+4)
	}
	// Lower-cased words are written into one buffer, allocated once per
	// text; the strings taken from it stay valid when it grows.
	var lowBuf strings.Builder
	lower := func(w string) string {
		if !asciiOnly(w) {
			return strings.ToLower(w)
		}
		if lowBuf.Cap() == 0 {
			lowBuf.Grow(len(text))
		}
		off := lowBuf.Len()
		for i := 0; i < len(w); i++ {
			c := w[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			lowBuf.WriteByte(c)
		}
		return lowBuf.String()[off:]
	}
	gap, nl := false, false
	i := 0
	for i < len(text) {
		c := text[i]
		if c < utf8.RuneSelf {
			switch {
			case c == ' ' || c == '\t' || c == '\r':
				gap = true
				i++
				continue
			case c == '\n':
				gap, nl = true, true
				i++
				continue
			case isDigit(c):
				j := i + 1
				for j < len(text) && isDigit(text[j]) {
					j++
				}
				toks = append(toks, token{start: i, end: j, kind: tokNum, gap: gap, nl: nl})
				gap, nl = false, false
				i = j
				continue
			case !isAlpha(c):
				toks = append(toks, token{start: i, end: i + 1, kind: tokPunct, gap: gap, nl: nl})
				gap, nl = false, false
				i++
				continue
			}
		}
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
		t := token{start: i, kind: tokWord, gap: gap, nl: nl, cap: unicode.IsUpper(r)}
		gap, nl = false, false
		upper, letters := 0, 0
		j := i
		for j < len(text) {
			if c := text[j]; c < utf8.RuneSelf {
				// ASCII fast path.
				if isAlpha(c) {
					letters++
					if c <= 'Z' {
						upper++
					}
					j++
					continue
				}
				if c != '\'' && c != '-' {
					break
				}
			}
			r, n := utf8.DecodeRuneInString(text[j:])
			if unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) {
				letters++
				if unicode.IsUpper(r) {
					upper++
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
					j += n
					continue
				}
			}
			break
		}
		t.end = j
		t.allCap = letters >= 2 && upper == letters
		t.low = text[i:j]
		if upper == 0 {
			t.flags = g.flags(t.low)
		} else if f, low, ok := g.table.getLower(t.low); ok {
			// A gazetteer word: its lower-cased text is the table's copy.
			t.low, t.flags = low, f
		} else {
			t.low = lower(t.low)
			t.flags = g.flags(t.low)
		}
		toks = append(toks, t)
		i = j
	}
	return toks
}

func asciiOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
