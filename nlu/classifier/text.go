package classifier

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// normalize lowercases text, folds accents (é → e) and curly quotes, and
// returns the tokens: runs of letters and digits, with in-word apostrophes
// dropped ("what's" → "whats"). A digit run becomes "0" so amounts and
// dates generalise. A pseudonym placeholder from the PII stage such as
// <EMAIL_ADDRESS_1> becomes one token "<email_address>".
func normalize(text string) []string {
	s := foldString(text)
	toks := make([]string, 0, 16)
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			toks = append(toks, b.String())
			b.Reset()
		}
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '<':
			if tok, n := placeholder(s[i:]); n > 0 {
				flush()
				toks = append(toks, tok)
				i += n
				continue
			}
			flush()
		case unicode.IsLetter(r):
			b.WriteRune(r)
		case unicode.IsDigit(r):
			// Collapse a digit run (with inner separators like 1,000.50) to "0".
			j := i
			for j < len(s) {
				c := s[j]
				if c >= '0' && c <= '9' {
					j++
					continue
				}
				if (c == '.' || c == ',') && j+1 < len(s) && s[j+1] >= '0' && s[j+1] <= '9' {
					j++
					continue
				}
				break
			}
			if j == i { // a non-ASCII digit
				b.WriteRune(r)
				break
			}
			b.WriteByte('0')
			i = j
			continue
		case r == '\'' || r == '’':
			// Keep going inside a word: "don't" → "dont".
		case unicode.Is(unicode.Mn, r):
			// Combining mark left over from folding.
		default:
			flush()
		}
		i += size
	}
	flush()
	return toks
}

// foldString lowercases and removes diacritics when the text has any
// non-ASCII rune; pure ASCII text only needs lowercasing.
func foldString(text string) string {
	ascii := true
	for i := 0; i < len(text); i++ {
		if text[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(text)
	}
	d := norm.NFKD.String(text)
	var b strings.Builder
	b.Grow(len(d))
	for _, r := range d {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// placeholder recognizes "<type_n>" (already lowercased) at the start of s
// and returns the token "<type>" and the bytes consumed, or 0.
func placeholder(s string) (string, int) {
	end := strings.IndexByte(s, '>')
	if end < 3 || end > 64 {
		return "", 0
	}
	body := s[1:end]
	us := strings.LastIndexByte(body, '_')
	if us <= 0 || us == len(body)-1 {
		return "", 0
	}
	for i := 0; i < us; i++ {
		c := body[i]
		if (c < 'a' || c > 'z') && c != '_' {
			return "", 0
		}
	}
	for i := us + 1; i < len(body); i++ {
		if c := body[i]; c < '0' || c > '9' {
			return "", 0
		}
	}
	return "<" + body[:us] + ">", end + 1
}
