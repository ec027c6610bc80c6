package anonymize

import (
	"strings"
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
}

// tokens returns the text's tokens.
func (d *doc) tokens() []token {
	if !d.tokked {
		d.toks = tokenize(d.text)
		d.tokked = true
	}
	return d.toks
}

func (d *doc) str(t token) string { return d.text[t.start:t.end] }

// lower returns a token's text lower-cased.
func (d *doc) lower(t token) string {
	if t.kind == tokWord {
		return t.low
	}
	return d.text[t.start:t.end]
}

func asciiOrLower(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf {
			return strings.ToLower(s)
		}
	}
	return s
}

// docRecognizer is implemented by built-in recognizers that share the
// analyzer's tokenization.
type docRecognizer interface {
	recognizeDoc(d *doc) []Span
}

func tokenize(text string) []token {
	g := loadGazetteer()
	toks := make([]token, 0, len(text)/4+1)
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
		t.low = asciiOrLower(text[i:j])
		t.flags = g.flags(t.low)
		toks = append(toks, t)
		i = j
	}
	return toks
}
