package anonymize

import (
	"net/netip"
	"strings"
	"unicode/utf8"
)

// This file holds the validated structured recognizers: IBAN, IP, URL,
// MAC, US SSN, UK NINO, Spanish NIF/NIE. Each scans bytes for a cheap
// trigger (two letters and two digits, a dot between digits, "://"…) and
// validates the candidate by hand.

// wordStart reports whether i starts a token: no letter, digit or
// underscore just before it.
func wordStart(text string, i int) bool {
	if i == 0 {
		return true
	}
	c := text[i-1]
	if c < utf8.RuneSelf {
		return !isAlnum(c) && c != '_'
	}
	return !letterBefore(text, i)
}

// wordEnd reports whether e ends a token.
func wordEnd(text string, e int) bool {
	if e >= len(text) {
		return true
	}
	c := text[e]
	if c < utf8.RuneSelf {
		return !isAlnum(c) && c != '_'
	}
	return !letterAt(text, e)
}

// ---------------------------------------------------------------- IBAN

// IBANRecognizer finds IBANs (ISO 13616), compact or in groups of four,
// any case, checked against the country's length and the mod-97 check.
type IBANRecognizer struct{}

var _ Recognizer = IBANRecognizer{}

// Name implements Recognizer.
func (IBANRecognizer) Name() string { return "iban" }

// ibanLengths maps a country code to its IBAN length (SWIFT IBAN registry).
var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27, "BR": 29,
	"BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
	"ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
	"HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28,
	"LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20,
	"MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25,
	"QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
	"SO": 23, "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}

// Recognize implements Recognizer.
func (r IBANRecognizer) Recognize(text string) []Span {
	return r.recognizeAfterDigit(text, AnalyzeOptions{}, 0)
}

// recognizeAfterDigit implements digitScanner: an IBAN's first digit is
// its third character.
func (IBANRecognizer) recognizeAfterDigit(text string, _ AnalyzeOptions, firstDigit int) []Span {
	var out []Span
	var buf [34]byte
	for i := max(0, firstDigit-2); i+4 <= len(text); i++ {
		if !isAlpha(text[i]) || !isAlpha(text[i+1]) || !isDigit(text[i+2]) || !isDigit(text[i+3]) || !wordStart(text, i) {
			continue
		}
		cc := asciiUpper(text[i : i+2])
		want, ok := ibanLengths[cc]
		if !ok {
			continue
		}
		// Collect alphanumerics, allowing single spaces between groups of 4.
		n, j, end := 0, i, i
		for j < len(text) && n < want {
			c := text[j]
			if isAlnum(c) {
				buf[n] = c
				n++
				j++
				end = j
				continue
			}
			if (c == ' ' || c == '-') && (j-i)%5 == 4 && j+1 < len(text) && isAlnum(text[j+1]) {
				j++
				continue
			}
			break
		}
		if n != want || !wordEnd(text, end) {
			continue
		}
		if !ibanValid(buf[:n]) {
			continue
		}
		out = append(out, Span{Start: i, End: end, Type: EntityIBAN, Score: 1, Recognizer: "iban", Validated: true})
		i = end - 1
	}
	return out
}

func ibanValid(b []byte) bool {
	// Move the first four characters to the end; letters become 10..35.
	rem := 0
	step := func(c byte) {
		switch {
		case isDigit(c):
			rem = (rem*10 + int(c-'0')) % 97
		default:
			v := int((c | 0x20) - 'a' + 10)
			rem = (rem*100 + v) % 97
		}
	}
	for _, c := range b[4:] {
		step(c)
	}
	for _, c := range b[:4] {
		step(c)
	}
	return rem == 1
}

// ---------------------------------------------------------------- IP

// IPRecognizer finds IPv4 and IPv6 addresses (net/netip validates them).
type IPRecognizer struct{}

var _ Recognizer = IPRecognizer{}

// Name implements Recognizer.
func (IPRecognizer) Name() string { return "ip" }

// Recognize implements Recognizer.
func (r IPRecognizer) Recognize(text string) []Span {
	return r.recognizeAfterDigit(text, AnalyzeOptions{}, 0)
}

// recognizeAfterDigit implements digitScanner: an IPv4 address starts
// with a digit (IPv6 addresses are found from their colons).
func (IPRecognizer) recognizeAfterDigit(text string, _ AnalyzeOptions, firstDigit int) []Span {
	var out []Span
	// IPv4: a digit run followed by '.' and a digit.
	for i := firstDigit; i < len(text); i++ {
		if !isDigit(text[i]) || i > 0 && (isAlnum(text[i-1]) || text[i-1] == '.' || text[i-1] == '_' || text[i-1] == ':') {
			continue
		}
		j := i
		for j < len(text) && (isDigit(text[j]) || text[j] == '.') && j-i < 16 {
			j++
		}
		e := j
		for e > i && text[e-1] == '.' {
			e--
		}
		cand := text[i:e]
		if strings.Count(cand, ".") == 3 && wordEnd(text, e) && !(e < len(text) && text[e] == '.' && e+1 < len(text) && isDigit(text[e+1])) {
			if a, err := netip.ParseAddr(cand); err == nil && a.Is4() {
				// A trailing "/24" belongs to the address.
				ce := e
				if ce+1 < len(text) && text[ce] == '/' && isDigit(text[ce+1]) {
					k := ce + 1
					for k < len(text) && isDigit(text[k]) && k-ce <= 2 {
						k++
					}
					if wordEnd(text, k) {
						ce = k
					}
				}
				out = append(out, Span{Start: i, End: ce, Type: EntityIP, Score: 0.95, Recognizer: "ip", Validated: true})
			}
		}
		i = j
	}
	// IPv6: runs of hex digits, ':' and '.', with at least two colons.
	from := 0
	for {
		k := strings.IndexByte(text[from:], ':')
		if k < 0 {
			break
		}
		c := from + k
		s := c
		for s > 0 && (isHex(text[s-1]) || text[s-1] == ':') {
			s--
		}
		e := c
		for e < len(text) && (isHex(text[e]) || text[e] == ':' || text[e] == '.') {
			e++
		}
		for e > c && text[e-1] == '.' {
			e--
		}
		from = max(e, c+1)
		cand := text[s:e]
		if strings.Count(cand, ":") < 2 || !wordStart(text, s) || !wordEnd(text, e) {
			continue
		}
		if !strings.Contains(cand, "::") && strings.Count(cand, ":") < 7 && !strings.Contains(cand, ".") {
			continue
		}
		if cand == "::" || len(cand) < 6 {
			continue
		}
		a, err := netip.ParseAddr(cand)
		if err != nil || !a.Is6() {
			continue
		}
		out = append(out, Span{Start: s, End: e, Type: EntityIP, Score: 0.95, Recognizer: "ip", Validated: true})
	}
	return out
}

// ---------------------------------------------------------------- URL

// URLRecognizer finds URLs with a scheme (http, https, ftp) or starting with
// "www.". The end is trimmed of trailing punctuation and unbalanced
// brackets.
type URLRecognizer struct{}

var _ Recognizer = URLRecognizer{}

// Name implements Recognizer.
func (URLRecognizer) Name() string { return "url" }

func isURLByte(c byte) bool {
	return c > ' ' && c < 0x7f && c != '<' && c != '>' && c != '"' && c != '`' && c != '{' && c != '}' && c != '|' && c != '\\' && c != '^' || c >= 0x80
}

// Recognize implements Recognizer.
func (URLRecognizer) Recognize(text string) []Span {
	var out []Span
	last := 0
	for i := 0; i < len(text); i++ {
		c := text[i] | 0x20
		if c != 'h' && c != 'f' && c != 'w' || i < last || !wordStart(text, i) {
			continue
		}
		rest := text[i:]
		var body int
		switch {
		case hasPrefixFold(rest, "https://"):
			body = 8
		case hasPrefixFold(rest, "http://"):
			body = 7
		case hasPrefixFold(rest, "ftp://"):
			body = 6
		case hasPrefixFold(rest, "www."):
			body = 4
		default:
			continue
		}
		e := i + body
		for e < len(text) && isURLByte(text[e]) && !(text[e] >= 0x80 && isSpaceAt(text, e)) {
			e++
		}
		e = trimURLEnd(text, i+body, e)
		host := text[i+body : e]
		if k := strings.IndexAny(host, "/?#"); k >= 0 {
			host = host[:k]
		}
		if at := strings.LastIndexByte(host, '@'); at >= 0 {
			host = host[at+1:]
		}
		if k := strings.IndexByte(host, ':'); k >= 0 {
			host = host[:k]
		}
		if body == 4 {
			host = "www." + host
		}
		if !validDomain(strings.ToLower(host)) && !isIPHost(host) && host != "localhost" {
			continue
		}
		out = append(out, Span{Start: i, End: e, Type: EntityURL, Score: 0.9, Recognizer: "url", Validated: true})
		last = e
		i = e - 1
	}
	return out
}

func isIPHost(h string) bool {
	h = strings.Trim(h, "[]")
	_, err := netip.ParseAddr(h)
	return err == nil
}

func isSpaceAt(text string, i int) bool {
	return strings.HasPrefix(text[i:], "\u00a0") || strings.HasPrefix(text[i:], "\u2028") || strings.HasPrefix(text[i:], "\u3000")
}

func trimURLEnd(text string, s, e int) int {
	for e > s {
		c := text[e-1]
		switch c {
		case '.', ',', ';', ':', '!', '?', '\'', '*':
			e--
			continue
		case ')', ']':
			open := byte('(')
			if c == ']' {
				open = '['
			}
			if strings.Count(text[s:e], string(open)) < strings.Count(text[s:e], string(c)) {
				e--
				continue
			}
		}
		break
	}
	// Cut a trailing partial rune (only bytes >= 0x80 can be).
	for e > s && !runeStart(text, e) {
		e--
	}
	return e
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// ---------------------------------------------------------------- MAC

// MACRecognizer finds MAC addresses: six hex pairs joined by ':' or '-', or
// three dotted groups of four (Cisco).
type MACRecognizer struct{}

var _ Recognizer = MACRecognizer{}

// Name implements Recognizer.
func (MACRecognizer) Name() string { return "mac" }

// Recognize implements Recognizer.
func (MACRecognizer) Recognize(text string) []Span {
	var out []Span
	// Every MAC has a separator at its third or fifth byte: none can
	// start more than four bytes before the first ':', '-' or '.'.
	sep := indexAnyOf3(text, ':', '-', '.')
	if sep < 0 {
		return nil
	}
	for i := max(0, sep-4); i+14 <= len(text); i++ {
		if !isHex(text[i]) || !wordStart(text, i) {
			continue
		}
		if e, ok := macAt(text, i); ok {
			out = append(out, Span{Start: i, End: e, Type: EntityMAC, Score: 0.9, Recognizer: "mac", Validated: true})
			i = e - 1
		}
	}
	return out
}

// indexAnyOf3 is strings.IndexAny(s, string([]byte{a, b, c})) for three
// ASCII bytes, with one vectorised IndexByte per byte, each searching only
// before the earliest match so far: faster than IndexAny's byte-by-byte
// set test on chat-sized texts.
func indexAnyOf3(s string, a, b, c byte) int {
	best := -1
	for _, x := range [3]byte{a, b, c} {
		if best >= 0 {
			s = s[:best]
		}
		if k := strings.IndexByte(s, x); k >= 0 {
			best = k
		}
	}
	return best
}

func macAt(text string, i int) (int, bool) {
	if i+17 <= len(text) {
		sep := text[i+2]
		if sep == ':' || sep == '-' {
			ok := true
			for g := 0; g < 6 && ok; g++ {
				p := i + 3*g
				ok = isHex(text[p]) && isHex(text[p+1]) && (g == 5 || text[p+2] == sep)
			}
			if ok && wordEnd(text, i+17) && !(i+17 < len(text) && (text[i+17] == sep)) {
				return i + 17, true
			}
		}
	}
	if i+14 <= len(text) && text[i+4] == '.' && text[i+9] == '.' {
		for g := 0; g < 3; g++ {
			for k := 0; k < 4; k++ {
				if !isHex(text[i+5*g+k]) {
					return 0, false
				}
			}
		}
		if wordEnd(text, i+14) && !(i+14 < len(text) && text[i+14] == '.') {
			return i + 14, true
		}
	}
	return 0, false
}

// ---------------------------------------------------------------- US SSN

// USSSNRecognizer finds US social security numbers written AAA-GG-SSSS
// (or with spaces), within the ranges the SSA issues (area not 000, 666 or
// 9xx; group not 00; serial not 0000); nine bare digits need a context
// word ("ssn", "social security").
type USSSNRecognizer struct{}

var _ Recognizer = USSSNRecognizer{}

// Name implements Recognizer.
func (USSSNRecognizer) Name() string { return "us_ssn" }

var ssnContext = wordSet("ssn", "ssns", "social", "security", "ss#", "ssid")

// Recognize implements Recognizer.
func (USSSNRecognizer) Recognize(text string) []Span {
	var out []Span
	for i := 0; i+9 <= len(text); i++ {
		if !isDigit(text[i]) || !wordStart(text, i) || i > 0 && (text[i-1] == '-' || text[i-1] == '.' || text[i-1] == '+') {
			continue
		}
		var d [9]byte
		n, j := 0, i
		var seps []byte
		for j < len(text) && n < 9 {
			c := text[j]
			if isDigit(c) {
				d[n] = c
				n++
				j++
				continue
			}
			if (c == '-' || c == ' ' || c == '.') && (n == 3 || n == 5) && len(seps) < 2 {
				seps = append(seps, c)
				j++
				continue
			}
			break
		}
		if n != 9 || !wordEnd(text, j) || j < len(text) && (text[j] == '-' || text[j] == '.') && j+1 < len(text) && isDigit(text[j+1]) {
			continue
		}
		grouped := len(seps) == 2 && seps[0] == seps[1]
		if len(seps) == 1 {
			continue
		}
		if !ssnValid(d[:]) {
			i = j - 1
			continue
		}
		ctx := hasContext(text, i, j, 40, ssnContext, false)
		s := Span{Start: i, End: j, Type: EntityUSSSN, Recognizer: "us_ssn", Validated: true}
		switch {
		case grouped && seps[0] == '-' && ctx:
			s.Score = 1
		case grouped && seps[0] == '-':
			s.Score = 0.85
		case ctx:
			s.Score = 0.8
		default:
			i = j - 1
			continue
		}
		out = append(out, s)
		i = j - 1
	}
	return out
}

func ssnValid(d []byte) bool {
	area := string(d[:3])
	if area == "000" || area == "666" || d[0] == '9' {
		return false
	}
	if string(d[3:5]) == "00" || string(d[5:]) == "0000" {
		return false
	}
	// Numbers the SSA published as examples or never issued.
	switch string(d) {
	case "078051120", "219099999", "123456789":
		return false
	}
	return !allSame(d)
}

// ---------------------------------------------------------------- UK NINO

// UKNINORecognizer finds UK National Insurance numbers: two prefix letters
// (not D, F, I, Q, U, V; second not O; not BG, GB, KN, NK, NT, TN, ZZ), six
// digits (optionally in pairs) and a suffix A–D.
type UKNINORecognizer struct{}

var _ Recognizer = UKNINORecognizer{}

// Name implements Recognizer.
func (UKNINORecognizer) Name() string { return "uk_nino" }

// Recognize implements Recognizer.
func (UKNINORecognizer) Recognize(text string) []Span {
	var out []Span
	for i := 0; i+9 <= len(text); i++ {
		if !isAlpha(text[i]) || !isAlpha(text[i+1]) || !wordStart(text, i) {
			continue
		}
		p0, p1 := text[i]&^0x20, text[i+1]&^0x20
		if strings.IndexByte("DFIQUV", p0) >= 0 || strings.IndexByte("DFIQUVO", p1) >= 0 {
			continue
		}
		switch string([]byte{p0, p1}) {
		case "BG", "GB", "KN", "NK", "NT", "TN", "ZZ":
			continue
		}
		j := i + 2
		n := 0
		for j < len(text) && n < 6 {
			if isDigit(text[j]) {
				n++
				j++
			} else if text[j] == ' ' && n%2 == 0 && j+1 < len(text) && isDigit(text[j+1]) {
				j++
			} else {
				break
			}
		}
		if n != 6 || j >= len(text) {
			continue
		}
		if text[j] == ' ' {
			j++
		}
		if j >= len(text) || strings.IndexByte("ABCDabcd", text[j]) < 0 || !wordEnd(text, j+1) {
			continue
		}
		out = append(out, Span{Start: i, End: j + 1, Type: EntityUKNINO, Score: 0.85, Recognizer: "uk_nino", Validated: true})
		i = j
	}
	return out
}

// ---------------------------------------------------------------- ES NIF/NIE

// ESNIFRecognizer finds Spanish DNI/NIF (8 digits and a check letter) and
// NIE (X, Y or Z, 7 digits and a check letter), with an optional hyphen or
// space before the letter; the check letter must match (mod 23).
type ESNIFRecognizer struct{}

var _ Recognizer = ESNIFRecognizer{}

// Name implements Recognizer.
func (ESNIFRecognizer) Name() string { return "es_nif" }

const nifLetters = "TRWAGMYFPDXBNJZSQVHLCKE"

// Recognize implements Recognizer.
func (ESNIFRecognizer) Recognize(text string) []Span {
	var out []Span
	for i := 0; i+9 <= len(text); i++ {
		c := text[i]
		nie := strings.IndexByte("XYZxyz", c) >= 0
		if !isDigit(c) && !nie || !wordStart(text, i) {
			continue
		}
		j := i
		var num int
		if nie {
			num = strings.IndexByte("XYZ", c&^0x20)
			j++
		}
		n := 0
		for j < len(text) && isDigit(text[j]) && n < 9 {
			num = num*10 + int(text[j]-'0')
			j++
			n++
		}
		want := 8
		if nie {
			want = 7
		}
		if n != want || j >= len(text) {
			continue
		}
		if text[j] == '-' || text[j] == ' ' {
			j++
		}
		if j >= len(text) || !isAlpha(text[j]) || !wordEnd(text, j+1) {
			continue
		}
		if text[j]&^0x20 != nifLetters[num%23] {
			continue
		}
		out = append(out, Span{Start: i, End: j + 1, Type: EntityESNIF, Score: 1, Recognizer: "es_nif", Validated: true})
		i = j
	}
	return out
}
