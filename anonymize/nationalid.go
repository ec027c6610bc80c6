package anonymize

import "strings"

// LatAmIDRecognizer finds Latin American national IDs whose check digits
// verify: Brazilian CPF (ddd.ddd.ddd-dd, two mod-11 digits), Chilean RUT
// (dd.ddd.ddd-k, mod 11), Argentine CUIT/CUIL (dd-dddddddd-d, mod 11) and
// Mexican CURP (18 characters, check digit). Bare digit runs count only
// with the ID's name nearby ("CPF", "RUT", "CUIT", "CUIL").
type LatAmIDRecognizer struct{}

var _ Recognizer = LatAmIDRecognizer{}

// Name implements Recognizer.
func (LatAmIDRecognizer) Name() string { return "latam_id" }

func (LatAmIDRecognizer) needs() string { return digitBytes }

var (
	cpfContext  = wordSet("cpf")
	rutContext  = wordSet("rut", "run")
	cuitContext = wordSet("cuit", "cuil")
)

// Recognize implements Recognizer.
func (r LatAmIDRecognizer) Recognize(text string) []Span {
	return r.recognizeAfterDigit(text, AnalyzeOptions{}, 0)
}

// recognizeAfterDigit implements digitScanner: a CPF, CUIT or RUT starts
// with a digit, a CURP with four letters and six digits.
func (LatAmIDRecognizer) recognizeAfterDigit(text string, _ AnalyzeOptions, firstDigit int) []Span {
	var out []Span
	for i := max(0, firstDigit-4); i < len(text); i++ {
		c := text[i]
		if !wordStart(text, i) {
			continue
		}
		if isAlpha(c) {
			if i+18 <= len(text) && curpValid(text[i:i+18]) && wordEnd(text, i+18) {
				out = append(out, Span{Start: i, End: i + 18, Type: EntityMXCURP, Score: 1, Recognizer: "latam_id", Validated: true})
				i += 17
			}
			continue
		}
		if !isDigit(c) {
			continue
		}
		// Read digits with . - / separators and an optional final K.
		j := i
		var dbuf [14]byte
		d := dbuf[:0]
		for j < len(text) && len(d) < 14 {
			b := text[j]
			switch {
			case isDigit(b):
				d = append(d, b)
			case (b == '.' || b == '-' || b == '/') && j+1 < len(text) && (isDigit(text[j+1]) || text[j+1]|0x20 == 'k' && b == '-'):
			case (b|0x20 == 'k') && j > i && text[j-1] == '-':
				d = append(d, 'K')
			default:
				goto done
			}
			j++
		}
	done:
		if !wordEnd(text, j) || j < len(text) && (text[j] == '.' || text[j] == '-') && j+1 < len(text) && isDigit(text[j+1]) {
			i = j
			continue
		}
		raw := text[i:j]
		formatted := strings.ContainsAny(raw, ".-/")
		var typ string
		switch {
		case len(d) == 11 && cpfValid(d) && (formatted && cpfShape(raw) || hasContext(text, i, j, 24, cpfContext, false)):
			typ = EntityBRCPF
		case len(d) == 11 && cuitValid(d) && (formatted && cuitShape(raw) || hasContext(text, i, j, 24, cuitContext, false)):
			typ = EntityARCUIT
		case (len(d) == 8 || len(d) == 9) && rutValid(d) && (formatted && rutShape(raw) || hasContext(text, i, j, 24, rutContext, false)):
			typ = EntityCLRUT
		}
		if typ != "" {
			out = append(out, Span{Start: i, End: j, Type: typ, Score: 1, Recognizer: "latam_id", Validated: true})
		}
		i = j
	}
	return out
}

// rutShape: 12.345.678-5 or 12345678-5.
func rutShape(s string) bool {
	n := len(s)
	if n < 3 || s[n-2] != '-' || strings.Count(s, "-") != 1 || strings.Contains(s, "/") {
		return false
	}
	body := s[:n-2]
	if !strings.Contains(body, ".") {
		return true
	}
	// dots every three digits from the right
	for k := len(body) - 4; k > 0; k -= 4 {
		if body[k] != '.' {
			return false
		}
	}
	return strings.Count(body, ".") == (len(body)-1)/4
}

func cpfShape(s string) bool  { return len(s) == 14 && s[3] == '.' && s[7] == '.' && s[11] == '-' }
func cuitShape(s string) bool { return len(s) == 13 && s[2] == '-' && s[11] == '-' }

func cpfValid(d []byte) bool {
	if allSame(d) {
		return false
	}
	for _, n := range []int{9, 10} {
		sum := 0
		for k := 0; k < n; k++ {
			sum += int(d[k]-'0') * (n + 1 - k)
		}
		v := sum * 10 % 11 % 10
		if v != int(d[n]-'0') {
			return false
		}
	}
	return true
}

func cuitValid(d []byte) bool {
	w := []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2}
	sum := 0
	for k, x := range w {
		sum += int(d[k]-'0') * x
	}
	v := 11 - sum%11
	if v == 11 {
		v = 0
	}
	if v == 10 {
		return false
	}
	switch string(d[:2]) {
	case "20", "23", "24", "27", "30", "33", "34":
	default:
		return false
	}
	return v == int(d[10]-'0')
}

func rutValid(d []byte) bool {
	body, dv := d[:len(d)-1], d[len(d)-1]
	sum, m := 0, 2
	for k := len(body) - 1; k >= 0; k-- {
		if !isDigit(body[k]) {
			return false
		}
		sum += int(body[k]-'0') * m
		m++
		if m > 7 {
			m = 2
		}
	}
	v := 11 - sum%11
	var want byte
	switch v {
	case 11:
		want = '0'
	case 10:
		want = 'K'
	default:
		want = byte('0' + v)
	}
	return dv == want
}

// curpChars gives each character its value; Ñ (never in a CURP, which
// writes X) keeps its place as '&'.
const curpChars = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ"

// curpValid checks a CURP: 4 letters, 6 digits (birth date), H/M, 2-letter
// state, 3 consonants, a letter or digit, and the check digit.
func curpValid(s string) bool {
	for k := 0; k < 18; k++ {
		c := s[k]
		switch {
		case k < 4 || k >= 11 && k < 16:
			if c < 'A' || c > 'Z' {
				return false
			}
		case k < 10 || k == 17:
			if !isDigit(c) {
				return false
			}
		case k == 10:
			if c != 'H' && c != 'M' && c != 'X' {
				return false
			}
		case k == 16:
			if !isDigit(c) && (c < 'A' || c > 'Z') {
				return false
			}
		}
	}
	sum := 0
	for k := 0; k < 17; k++ {
		v := strings.IndexByte(curpChars, s[k])
		if v < 0 {
			return false
		}
		sum += v * (18 - k)
	}
	check := (10 - sum%10) % 10
	return int(s[17]-'0') == check
}
