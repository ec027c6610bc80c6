package anonymize

import "strings"

// EmailRecognizer finds e-mail addresses. It scans for '@' and checks the
// local part and the domain by hand (no regexp): a domain needs a dot and
// an alphabetic top-level label of two letters or more.
type EmailRecognizer struct{}

var _ Recognizer = EmailRecognizer{}

// Name implements Recognizer.
func (EmailRecognizer) Name() string { return "email" }

func isLocalByte(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '\''
}

func isDomainByte(c byte) bool { return isAlnum(c) || c == '-' || c == '.' }

// Recognize implements Recognizer.
func (EmailRecognizer) Recognize(text string) []Span {
	var out []Span
	from, lastEnd := 0, 0
	for {
		k := strings.IndexByte(text[from:], '@')
		if k < 0 {
			return out
		}
		at := from + k
		from = at + 1
		s := at
		for s > lastEnd && isLocalByte(text[s-1]) {
			s--
		}
		for s < at && (text[s] == '.' || text[s] == '\'' || text[s] == '-') {
			s++
		}
		if s == at || at-s > 64 || s > lastEnd && letterBefore(text, s) {
			continue
		}
		e := at + 1
		for e < len(text) && isDomainByte(text[e]) {
			e++
		}
		for e > at+1 && (text[e-1] == '.' || text[e-1] == '-') {
			e--
		}
		if !validDomain(text[at+1 : e]) {
			continue
		}
		if letterAt(text, e) {
			continue
		}
		if strings.Contains(text[s:at], "..") {
			continue
		}
		out = append(out, Span{Start: s, End: e, Type: EntityEmail, Score: 1, Recognizer: "email", Validated: true})
		from, lastEnd = e, e
	}
}

// validDomain checks a host name: labels of letters, digits and inner
// hyphens, at least two labels, an alphabetic (or punycode) TLD.
func validDomain(d string) bool {
	if len(d) < 4 || len(d) > 253 {
		return false
	}
	// Each label non-empty, at most 63 bytes, no hyphen at either end;
	// at least two labels. (strings.Split without the slice.)
	labels := 0
	for rest := d; ; {
		l, after, more := strings.Cut(rest, ".")
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		labels++
		if !more {
			break
		}
		rest = after
	}
	if labels < 2 {
		return false
	}
	tld := d[strings.LastIndexByte(d, '.')+1:]
	if strings.HasPrefix(tld, "xn--") {
		return true
	}
	if len(tld) < 2 {
		return false
	}
	for i := 0; i < len(tld); i++ {
		if !isAlpha(tld[i]) {
			return false
		}
	}
	return true
}
