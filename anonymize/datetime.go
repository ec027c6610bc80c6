package anonymize

import "strings"

// DateTimeRecognizer finds dates and times: ISO dates with an optional
// time (1985-04-12, 1985-04-12 07:04:41, 1985-04-12T07:04Z), numeric dates
// (12/04/1985, 4-5-92, 12.04.1985), written dates in English and Spanish
// (12 March 1985, March 12th, 1985, 12 de marzo de 1985, Mar 1985),
// weekdays, times with am/pm, and years (1900–2099) after a word such as
// "in", "since", "born", "desde". A date after "born", "date of birth",
// "DOB", "nacido", "fecha de nacimiento" scores highest: dates of birth
// are the ones that identify.
type DateTimeRecognizer struct{}

var _ Recognizer = DateTimeRecognizer{}

// Name implements Recognizer.
func (DateTimeRecognizer) Name() string { return "date_time" }

// Recognize implements Recognizer.
func (r DateTimeRecognizer) Recognize(text string) []Span {
	return r.recognizeDoc(&doc{text: text, opts: AnalyzeOptions{Language: "en"}})
}

var months = map[string]int{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
	"september": 9, "october": 10, "november": 11, "december": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
	"enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
	"septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
	"ene": 1, "abr": 4, "ago": 8, "dic": 12,
}

// ambiguousMonths are month words that are also common words; they count
// only next to a day or a year.
var ambiguousMonths = wordSet("may", "mar", "jan", "jun", "sep", "oct", "nov", "dec", "ago", "ene", "dic", "march", "august")

var weekdays = wordSet("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"lunes", "martes", "miércoles", "miercoles", "jueves", "viernes", "sábado", "sabado", "domingo")

var yearCues = wordSet("in", "since", "during", "born", "year", "from", "until", "till", "of", "circa", "c",
	"en", "desde", "durante", "año", "nacido", "nacida", "nací", "naci", "hasta", "del", "de")

var dobCues = wordSet("born", "birth", "dob", "birthday", "b", "nacido", "nacida", "nací", "naci", "nacimiento", "cumpleaños", "fnac")

var dobCuesBloom = wordBloom(dobCues)

func validDay(n int) bool   { return n >= 1 && n <= 31 }
func validMonth(n int) bool { return n >= 1 && n <= 12 }

func atoiTok(s string) int {
	n := 0
	for i := 0; i < len(s) && i < 9; i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func (DateTimeRecognizer) recognizeDoc(d *doc) []Span {
	// Prefilter: a digit or a month/weekday word must exist; digits are
	// everywhere, so go straight to the tokens.
	toks := d.tokens()
	if !d.anyDigit && d.anyFlags&(gMonth|gWeekday) == 0 {
		return nil
	}
	out := d.spanOut[:0] // the doc's result buffer: see docRecognizer
	add := func(s, e int, score float64) {
		if hasContextBloom(d.text, s, e, 32, dobCues, dobCuesBloom, false) {
			score = max(score, 0.95)
		}
		out = append(out, Span{Start: s, End: e, Type: EntityDateTime, Score: score, Recognizer: "date_time"})
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t.kind {
		case tokNum:
			if e, k, ok := numericDate(d, toks, i); ok {
				e2, k2 := timeAfter(d, toks, k)
				if k2 > k {
					e, k = e2, k2
				}
				add(t.start, e, 0.85)
				i = k - 1
				continue
			}
			if e, k, ok := dayMonthYear(d, toks, i); ok {
				add(t.start, e, 0.85)
				i = k - 1
				continue
			}
			if e, k, ok := cardExpiry(d, toks, i); ok {
				add(t.start, e, 0.7)
				i = k - 1
				continue
			}
			if e, k, ok := clockTime(d, toks, i, true); ok {
				add(t.start, e, 0.6)
				i = k - 1
				continue
			}
			if t.end-t.start == 4 && (i == 0 || toks[i-1].kind != tokPunct || d.str(toks[i-1]) == "(" || d.str(toks[i-1]) == ",") && standaloneNum(d, toks, i) {
				y := atoiTok(d.str(t))
				if y >= 1900 && y <= 2099 && i > 0 && toks[i-1].kind == tokWord && yearCues[d.lower(toks[i-1])] {
					add(t.start, t.end, 0.6)
				}
			}
		case tokWord:
			if t.flags&(gMonth|gWeekday) == 0 {
				continue
			}
			w := d.lower(t)
			if m, ok := months[w]; ok && m > 0 {
				if e, k, ok := monthFirst(d, toks, i, ambiguousMonths[w]); ok {
					add(t.start, e, 0.85)
					i = k - 1
					continue
				}
			}
			if weekdays[w] {
				add(t.start, t.end, 0.6)
			}
		}
	}
	d.spanOut = out[:0]
	return out
}

// standaloneNum reports whether toks[i] is not glued to other digits or
// letters by punctuation such as '-', '/', '.', ':'.
func standaloneNum(d *doc, toks []token, i int) bool {
	glued := func(k int) bool {
		if k < 0 || k >= len(toks) {
			return false
		}
		p := d.str(toks[k])
		return toks[k].kind == tokWord && !toks[k].gap && k > i || p == "-" || p == "/" || p == "." && k > i && k+1 < len(toks) && toks[k+1].kind == tokNum && !toks[k+1].gap || p == ":" || p == "+" || p == "$" || p == "€" || p == "#"
	}
	if i > 0 && !toks[i].gap && glued(i-1) {
		return false
	}
	if i+1 < len(toks) && !toks[i+1].gap && glued(i+1) {
		return false
	}
	return true
}

// numericDate matches yyyy-mm-dd, dd/mm/yyyy, mm/dd/yyyy, dd.mm.yyyy,
// dd-mm-yy at toks[i]; it returns the end offset and the next token index.
func numericDate(d *doc, toks []token, i int) (int, int, bool) {
	if i+4 >= len(toks) {
		return 0, 0, false
	}
	a, s1, b, s2, c := toks[i], toks[i+1], toks[i+2], toks[i+3], toks[i+4]
	if b.kind != tokNum || c.kind != tokNum || s1.kind != tokPunct || s2.kind != tokPunct ||
		s1.gap || b.gap || s2.gap || c.gap {
		return 0, 0, false
	}
	sep := d.str(s1)
	if sep != d.str(s2) || sep != "-" && sep != "/" && sep != "." {
		return 0, 0, false
	}
	if i > 0 && !a.gap && toks[i-1].kind != tokWord && strings.Contains("-/.:", d.str(toks[i-1])) {
		return 0, 0, false
	}
	if i+5 < len(toks) && !toks[i+5].gap && (toks[i+5].kind == tokNum || toks[i+5].kind == tokWord ||
		strings.Contains("-/", d.str(toks[i+5])) || d.str(toks[i+5]) == "." && i+6 < len(toks) && toks[i+6].kind == tokNum && !toks[i+6].gap) {
		return 0, 0, false
	}
	la, lb, lc := a.end-a.start, b.end-b.start, c.end-c.start
	na, nb, nc := atoiTok(d.str(a)), atoiTok(d.str(b)), atoiTok(d.str(c))
	switch {
	case la == 4 && lb <= 2 && lc <= 2:
		if na >= 1000 && validMonth(nb) && validDay(nc) {
			return c.end, i + 5, true
		}
	case la <= 2 && lb <= 2 && (lc == 4 || lc == 2):
		if lc == 2 && sep == "." {
			return 0, 0, false // 1.2.34 reads as a version
		}
		if (validDay(na) && validMonth(nb) || validMonth(na) && validDay(nb)) && (lc == 2 || nc >= 1000) {
			return c.end, i + 5, true
		}
	}
	return 0, 0, false
}

// timeAfter extends a date with a following time "07:04:41", "T07:04Z",
// "10:30 pm".
func timeAfter(d *doc, toks []token, k int) (int, int) {
	if k >= len(toks) {
		return 0, k
	}
	j := k
	if toks[j].kind == tokWord && !toks[j].gap && (d.str(toks[j]) == "T" || strings.HasPrefix(d.str(toks[j]), "T")) {
		// "T07" is tokenized as word "T" then number
		j++
	} else if !toks[j].gap || toks[j].nl {
		return 0, k
	}
	if e, n, ok := clockTime(d, toks, j, false); ok {
		return e, n
	}
	return 0, k
}

// clockTime matches hh:mm(:ss)? with an optional am/pm or Z. Alone (no
// date), it needs am/pm or seconds, or strict is false.
func clockTime(d *doc, toks []token, i int, alone bool) (int, int, bool) {
	if i+2 >= len(toks) {
		return 0, 0, false
	}
	h, c1, m := toks[i], toks[i+1], toks[i+2]
	if h.kind != tokNum || m.kind != tokNum || d.str(c1) != ":" || c1.gap || m.gap || h.end-h.start > 2 || m.end-m.start != 2 {
		return 0, 0, false
	}
	if atoiTok(d.str(h)) > 23 || atoiTok(d.str(m)) > 59 {
		return 0, 0, false
	}
	if i > 0 && !h.gap && (toks[i-1].kind == tokNum || d.str(toks[i-1]) == ":") {
		return 0, 0, false
	}
	end, k := m.end, i+3
	secs := false
	if k+1 < len(toks) && d.str(toks[k]) == ":" && !toks[k].gap && toks[k+1].kind == tokNum && !toks[k+1].gap && toks[k+1].end-toks[k+1].start == 2 {
		end, k = toks[k+1].end, k+2
		secs = true
	}
	ampm := false
	if k < len(toks) && toks[k].kind == tokWord {
		w := d.lower(toks[k])
		if w == "am" || w == "pm" || w == "a" || w == "p" || w == "z" || w == "h" || w == "hs" || w == "hrs" {
			end, k = toks[k].end, k+1
			ampm = w != "z"
			if (w == "a" || w == "p") && k+1 < len(toks) && d.str(toks[k]) == "." && k+2 < len(toks) && d.lower(toks[k+1]) == "m" {
				end, k = toks[k+1].end, k+2
				if k < len(toks) && d.str(toks[k]) == "." && !toks[k].gap {
					end, k = toks[k].end, k+1
				}
			}
		}
	}
	if k < len(toks) && !toks[k].gap && (toks[k].kind == tokNum || d.str(toks[k]) == ":") {
		return 0, 0, false
	}
	if alone && !ampm && !secs {
		return 0, 0, false
	}
	return end, k, true
}

// dayMonthYear matches "12 March 1985", "12th of March, 1985", "12 de marzo
// de 1985", "12 Mar".
func dayMonthYear(d *doc, toks []token, i int) (int, int, bool) {
	day := atoiTok(d.str(toks[i]))
	if toks[i].end-toks[i].start > 2 || !validDay(day) {
		return 0, 0, false
	}
	j := i + 1
	if j < len(toks) && toks[j].kind == tokWord && !toks[j].gap {
		switch d.lower(toks[j]) {
		case "st", "nd", "rd", "th", "º", "o":
			j++
		}
	}
	if j < len(toks) && toks[j].kind == tokWord && (d.lower(toks[j]) == "of" || d.lower(toks[j]) == "de") {
		j++
	}
	if j >= len(toks) || toks[j].kind != tokWord {
		return 0, 0, false
	}
	w := d.lower(toks[j])
	if _, ok := months[w]; !ok {
		return 0, 0, false
	}
	end, k := toks[j].end, j+1
	if k < len(toks) && d.str(toks[k]) == "." && !toks[k].gap && len(w) <= 4 {
		end, k = toks[k].end, k+1
	}
	if e, n, ok := yearAfter(d, toks, k); ok {
		return e, n, true
	}
	if ambiguousMonths[w] && !toks[j].cap {
		return 0, 0, false
	}
	return end, k, true
}

// monthFirst matches "March 12, 1985", "March 12th", "March 1985",
// "marzo de 1985".
func monthFirst(d *doc, toks []token, i int, ambiguous bool) (int, int, bool) {
	j := i + 1
	if j < len(toks) && d.str(toks[j]) == "." && !toks[j].gap {
		j++
	}
	if j < len(toks) && toks[j].kind == tokNum && toks[j].end-toks[j].start <= 2 && validDay(atoiTok(d.str(toks[j]))) {
		end, k := toks[j].end, j+1
		if k < len(toks) && toks[k].kind == tokWord && !toks[k].gap {
			switch d.lower(toks[k]) {
			case "st", "nd", "rd", "th":
				end, k = toks[k].end, k+1
			}
		}
		if e, n, ok := yearAfter(d, toks, k); ok {
			return e, n, true
		}
		if ambiguous && !toks[i].cap {
			return 0, 0, false
		}
		if k < len(toks) && !toks[k].gap && (toks[k].kind == tokNum || toks[k].kind == tokWord) {
			return 0, 0, false
		}
		return end, k, true
	}
	if e, n, ok := yearAfter(d, toks, j); ok {
		if ambiguous && !toks[i].cap {
			return 0, 0, false
		}
		return e, n, true
	}
	return 0, 0, false
}

// yearAfter matches ", 1985", " 1985", " de 1985", " del 1985" at toks[k].
func yearAfter(d *doc, toks []token, k int) (int, int, bool) {
	if k < len(toks) && d.str(toks[k]) == "," {
		k++
	}
	if k < len(toks) && toks[k].kind == tokWord && (d.lower(toks[k]) == "de" || d.lower(toks[k]) == "del") {
		k++
	}
	if k < len(toks) && toks[k].kind == tokNum && toks[k].end-toks[k].start == 4 && standaloneNum(d, toks, k) {
		if y := atoiTok(d.str(toks[k])); y >= 1000 && y <= 2199 {
			return toks[k].end, k + 1, true
		}
	}
	return 0, 0, false
}

var expiryCues = wordSet("exp", "expires", "expiry", "expiration", "expiring", "valid", "thru", "caduca", "caducidad", "vence", "vencimiento", "válida", "valida", "hasta")

// cardExpiry matches a card expiry "12/27" or "12/2027" after an expiry
// word.
func cardExpiry(d *doc, toks []token, i int) (int, int, bool) {
	if i+2 >= len(toks) || d.str(toks[i+1]) != "/" || toks[i+1].gap || toks[i+2].gap || toks[i+2].kind != tokNum {
		return 0, 0, false
	}
	m, y := toks[i], toks[i+2]
	if m.end-m.start > 2 || !validMonth(atoiTok(d.str(m))) || (y.end-y.start != 2 && y.end-y.start != 4) {
		return 0, 0, false
	}
	if i+3 < len(toks) && !toks[i+3].gap && (toks[i+3].kind == tokNum || d.str(toks[i+3]) == "/") {
		return 0, 0, false
	}
	for k := i - 1; k >= 0 && k >= i-3; k-- {
		if toks[k].kind == tokWord && expiryCues[d.lower(toks[k])] {
			return y.end, i + 3, true
		}
	}
	return 0, 0, false
}
