package anonymize

import (
	"slices"
	"strings"
)

// PersonRecognizer finds people's names with gazetteers of given names and
// surnames from many cultures (data/names), capitalisation, and context:
// cues such as "my name is", "this is", "soy", "me llamo", salutations
// ("Dear", "Hi", "Hola"), titles ("Mr.", "Dr.", "Sra.") and "Name:" fields.
//
// Rules, in short:
//   - after a cue or a title, the following 1–4 name-like words (capitalised,
//     or lower-case words of the gazetteers) are a name;
//   - a capitalised given name followed by capitalised surnames (or words
//     that are not common English words) is a name;
//   - a lone capitalised given name counts when it is not a common word, or
//     when it is in mid-sentence and not one of the commonest words;
//   - in lower-case chat text, a given name followed by a surname, both in
//     the gazetteers and neither a common word, is a name.
//
// Suffixes (Jr., Sr., II, MD, PhD) stay with the name; titles do not.
//
// After the rules, a trained token tagger (persontagger.go) scores the
// candidate words they left alone: it adds names typed in lower case or
// that no list knows, and extends rule spans that stopped early.
type PersonRecognizer struct{}

var _ Recognizer = PersonRecognizer{}

// Name implements Recognizer.
func (PersonRecognizer) Name() string { return "person" }

// Recognize implements Recognizer.
func (r PersonRecognizer) Recognize(text string) []Span {
	return r.recognizeDoc(&doc{text: text, opts: AnalyzeOptions{Language: "en"}})
}

// personCues precede a name. Each is a sequence of lower-case words.
var personCues = [][]string{
	{"my", "name", "is"}, {"my", "name's"}, {"name", "is"}, {"i", "am"}, {"i'm"}, {"im"}, {"i’m"}, {"this", "is"}, {"it's"}, {"it", "is"},
	{"call", "me"}, {"called"}, {"named"}, {"dear"}, {"hi"}, {"hello"}, {"hey"}, {"thanks"}, {"thank", "you"}, {"regards"}, {"cheers"},
	{"sincerely"}, {"attn"}, {"ask", "for"}, {"speak", "to"}, {"talk", "to"}, {"spoke", "to"}, {"spoke", "with"}, {"contact"},
	{"me", "llamo"}, {"mi", "nombre", "es"}, {"soy"}, {"habla"}, {"hola"}, {"estimado"}, {"estimada"}, {"querido"}, {"querida"},
	{"gracias"}, {"saludos"}, {"atentamente"}, {"atte"}, {"se", "llama"}, {"llamado"}, {"llamada"}, {"hablar", "con"}, {"preguntar", "por"},
	{"signed"}, {"firmado"}, {"by"}, {"with"}, {"from"}, {"para"}, {"de", "parte", "de"},
}

// personWeakCues ("by", "with", "from", "para") only support a name that
// the gazetteer already knows.
var personWeakCues = wordSet("by", "with", "from", "para", "contact", "thanks", "gracias")

var personTitles = wordSet("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam", "lady", "lord", "rev", "fr",
	"sr", "sra", "srta", "don", "doña", "dña", "dn", "señor", "señora", "señorita", "lic", "ing", "dra", "mister", "doctor", "doctora", "profesor", "profesora")

var personFields = wordSet("by", "name", "nombre", "fullname", "customer", "client", "cliente", "patient", "paciente", "user", "usuario",
	"contact", "contacto", "from", "to", "attn", "signed", "firma", "titular", "holder", "passenger", "pasajero", "guest", "huésped", "employee", "empleado", "author", "autor", "apellidos", "apellido", "surname", "firstname")

var personSuffixes = map[string]bool{"jr": true, "sr": true, "ii": true, "iii": true, "iv": true, "md": true, "phd": true, "dds": true, "dvm": true, "esq": true}

var nameParticles = wordSet("de", "del", "la", "las", "los", "van", "von", "der", "den", "da", "di", "do", "dos", "das", "du", "le", "bin", "ibn", "al", "el", "y", "ten", "ter", "mac", "st")

// nameClass tells how name-like a word token is: the token's gazetteer
// flags of nameFlags, and the ncCap, ncAllCap and ncLower bits (above
// every gazetteer flag), packed in one word so that a class is built with
// a few register operations.
type nameClass uint32

const (
	nameFlags = gFirst | gLast | gCommon | gVeryCommon | gStop | gPlace

	ncCap    nameClass = 1 << 29 // capitalised, in a text that is not shouting
	ncAllCap nameClass = 1 << 30 // all upper case, in a text that is not shouting
	ncLower  nameClass = 1 << 31 // not capitalised
)

// classOf returns the class of a word token; capsText tells whether the
// text is shouting (isShouting).
func classOf(t *token, capsText bool) nameClass {
	c := nameClass(t.flags & nameFlags)
	if !t.cap {
		c |= ncLower
	}
	if !capsText {
		if t.allCap {
			c |= ncAllCap | ncCap
		} else if t.cap {
			c |= ncCap
		}
	}
	return c
}

func (c nameClass) first() bool      { return uint32(c)&gFirst != 0 }
func (c nameClass) last() bool       { return uint32(c)&gLast != 0 }
func (c nameClass) common() bool     { return uint32(c)&gCommon != 0 }
func (c nameClass) veryCommon() bool { return uint32(c)&gVeryCommon != 0 }
func (c nameClass) stop() bool       { return uint32(c)&gStop != 0 }
func (c nameClass) place() bool      { return uint32(c)&gPlace != 0 }
func (c nameClass) cap() bool        { return c&ncCap != 0 }
func (c nameClass) allCap() bool     { return c&ncAllCap != 0 }
func (c nameClass) lower() bool      { return c&ncLower != 0 }

func (PersonRecognizer) recognizeDoc(d *doc) []Span {
	// The spans are built in the doc's result buffer (see docRecognizer).
	spans := tagPersons(d, d.tokens(), personRulesTo(d, d.spanOut[:0]))
	if cap(spans) > 0 {
		d.spanOut = spans[:0]
	}
	return spans
}

// personRules finds names with the rules above, without the tagger.
func personRules(d *doc) []Span { return personRulesTo(d, nil) }

// personRulesTo is personRules appending to out, which must be empty.
func personRulesTo(d *doc, out []Span) []Span {
	toks := d.tokens()
	if len(toks) == 0 || !d.anyCap && d.anyFlags&gFirst == 0 {
		return out // no capital and no given name: nothing to start a name
	}
	g := loadGazetteer()
	// Mostly upper-case texts carry no capitalisation signal.
	capsText := isShouting(d, toks)
	var clsBuf [64]nameClass
	cls := clsBuf[:0]
	if len(toks) > len(clsBuf) {
		cls = make([]nameClass, len(toks))
	} else {
		cls = clsBuf[:len(toks)]
	}
	for i := range toks {
		if t := &toks[i]; t.kind == tokWord {
			cls[i] = classOf(t, capsText)
		}
	}
	for i := 0; i < len(toks); i++ {
		if toks[i].kind != tokWord || !cls[i].cap() && !cls[i].first() && !cls[i].last() && !(i > 0 && afterIntro(d, &toks[i-1])) {
			continue // every rule starts at a capitalised word, a listed name or after "my name is"
		}
		if !toks[i].gap && i > 0 && inHandle(d, toks, i) {
			continue // part of an @handle or a #hashtag: an identifier, not a name as written
		}
		start, score, strong, takeNext := -1, 0.0, false, false
		// A speaker label at the start of a line: "Mary: hello".
		if sentenceStart(d, toks, i) && cls[i].cap() && !cls[i].common() && !cls[i].place() && i+1 < len(toks) && d.str(toks[i+1]) == ":" && !toks[i+1].gap && cls[i].first() && toks[i].flags&gField == 0 {
			start, score = i, 0.6
		}
		// 1. Cues, titles and fields before i.
		if cueEnd, weak := personCueAt(d, toks, i); start < 0 && cueEnd > 0 {
			c := cls[i]
			switch {
			case !weak && c.lower() && !c.common() && !c.stop() && !c.place() && toks[i].end-toks[i].start >= 3 && selfIntroBefore(d, toks, i):
				// "my name is krithika", "me llamo maría": a name typed in
				// lower case that no list knows.
				start, score, strong = i, 0.8, true
			case !weak && (c.cap() || (c.first() || c.last()) && !c.stop() && !c.common()) && !c.stop() && !(c.veryCommon() && !c.first() && !c.last()):
				start, score, strong = i, 0.85, true
			case weak && c.cap() && (c.first() || c.last()) && !c.veryCommon():
				start, score, strong = i, 0.7, true
			}
		}
		c := cls[i]
		if toks[i].flags&gTitle != 0 {
			continue
		}
		if start < 0 && c.cap() && !c.stop() {
			next := i + 1
			nextIsName := next < len(toks) && toks[next].kind == tokWord && toks[next].gap && !toks[next].nl && cls[next].cap() && !cls[next].stop() &&
				(cls[next].last() || cls[next].first() || !cls[next].common() || c.first() && !cls[next].veryCommon() && toks[next].flags&(gStreet|gMonth|gWeekday) == 0)
			// After "in", "to", "from", a word that is also a place is a place.
			placeCue := c.place() && i > 0 && toks[i-1].kind == tokWord && strongPlacePreps[d.lower(toks[i-1])]
			initial := sentenceStart(d, toks, i)
			switch {
			case c.first() && nextIsName && !(c.veryCommon() && initial && !cls[next].last()):
				start, score = i, 0.85
			case (c.last() || !c.common()) && !c.place() && nextIsName && cls[next].last() && !initial:
				start, score = i, 0.75
			case c.first() && !c.common() && !placeCue:
				start, score = i, 0.65
				if initial {
					score = 0.55
				}
			case c.first() && !initial && !c.veryCommon() && !placeCue:
				start, score = i, 0.5
			case c.last() && !c.common() && !c.place() && !c.allCap():
				start, score = i, 0.5
				if initial {
					score = 0.45
				}
			case !c.common() && !c.place() && !c.allCap() && possessiveAfter(d, toks, i):
				start, score = i, 0.45
			case unknownName(c) && nextIsName && unknownName(cls[next]) && toks[next].flags&(gStreet|gUnit) == 0:
				// Two capitalised words no list knows: "Rubija Liberšar".
				start, score = i, 0.5
				if initial {
					score = 0.45
				}
			case unknownName(c) && !c.allCap() && personVerbAfter(d, toks, i+1):
				// "Dzhambek is from…", "Mehrudin shouted at…"
				start, score = i, 0.5
			}
			if start >= 0 && c.allCap() && !nextIsName {
				start = -1 // a lone upper-case word is an acronym more often than a name
			}
		}
		if start < 0 && c.lower() && c.first() && !c.common() && !c.stop() && !c.place() && i+1 < len(toks) {
			n := cls[i+1]
			if toks[i+1].kind == tokWord && toks[i+1].gap && !toks[i+1].nl && n.lower() && !n.common() && !n.stop() && !n.place() {
				start, score, takeNext = i, 0.5, true
				if n.last() {
					score = 0.6
				}
			}
		}
		if start < 0 {
			continue
		}
		// Extend over following surnames, initials, particles and suffixes.
		end := toks[start].end
		k := start + 1
		words := 1
		for k < len(toks) && words < 5 {
			t := toks[k]
			if !t.gap && !(t.kind == tokPunct && d.str(t) == ".") || t.nl {
				break
			}
			if t.kind == tokPunct {
				break
			}
			if t.kind != tokWord {
				break
			}
			n := cls[k]
			lw := d.lower(t)
			if n.allCap() && !cls[start].allCap() && !personSuffixes[lw] {
				break // "Aaron Rodgers SILENCING the…": a shouted word is not the name's
			}
			if k+1 < len(toks) && d.str(toks[k+1]) == ":" && !toks[k+1].gap {
				break // a field label: "… NºCol: 28 28 20943"
			}
			if strongUnits[lw] && k+1 < len(toks) && (d.str(toks[k+1]) == "." || toks[k+1].kind == tokNum) {
				break // an address unit after the name: "Cindy Holinka Apt. 117"
			}
			// A middle initial: "Chise T. Hori", "Kate M Begum".
			if t.end-t.start == 1 && n.cap() && k+2 < len(toks) && d.str(toks[k+1]) == "." && !toks[k+1].gap && toks[k+2].kind == tokWord && cls[k+2].cap() {
				end, k, words = toks[k+1].end, k+2, words+1
				continue
			}
			if t.end-t.start == 1 && n.cap() && k+1 < len(toks) && toks[k+1].kind == tokWord && toks[k+1].gap && !toks[k+1].nl && cls[k+1].cap() && !cls[k+1].stop() {
				end, k, words = t.end, k+1, words+1
				continue
			}
			if personSuffixes[strings.TrimSuffix(lw, ".")] && (n.cap() || n.allCap()) && words >= 2 {
				end = t.end
				if k+1 < len(toks) && d.str(toks[k+1]) == "." && !toks[k+1].gap {
					end = toks[k+1].end
				}
				break
			}
			if nameParticles[lw] && !n.cap() && k+1 < len(toks) && cls[k+1].cap() && toks[k+1].gap && !toks[k+1].nl && (cls[k+1].last() || !cls[k+1].common()) {
				end, k, words = toks[k+1].end, k+2, words+1
				continue
			}
			ok := false
			switch {
			case takeNext && k == start+1:
				ok = true
			case n.stop() && !(n.cap() && n.last() && !n.allCap()):
			case n.cap() && (n.last() || n.first() || !n.common()):
				ok = true
			case n.cap() && strong && !n.veryCommon():
				ok = true
			case n.cap() && words == 1 && cls[start].first() && !n.veryCommon() && t.flags&(gStreet|gMonth|gWeekday|gTitle) == 0:
				ok = true // a surname the lists do not know: "James Talbot"
			case n.cap() && words == 1 && cls[start].first() && !cls[start].common() && !cls[start].lower() && t.flags&(gStreet|gMonth|gWeekday|gTitle|gPlace) == 0:
				ok = true // a surname that is also a word: "Martin Short"
			case n.lower() && words == 1 && cls[start].first() && !cls[start].lower() && !n.common() && !n.place() && !personVerbAfter(d, toks, k+1) && len(lw) > 2:
				ok = true // a surname typed in lower case: "Kylie minogue"
			case n.lower() && c.lower() && n.last() && !n.common():
				ok = true
			case n.lower() && strong && (n.last() || n.first()) && !n.common():
				ok = true
			}
			if !ok {
				break
			}
			end = t.end
			words++
			k++
		}
		// A known place is not a name unless a cue says so: "Rio de Janeiro".
		if !strong && toks[start].flags&(gPlace|gPlaceStart) != 0 && placeFlags(g, d.text[toks[start].start:end]) != 0 &&
			(words > 1 || start > 0 && toks[start-1].kind == tokWord && strongPlacePreps[d.lower(toks[start-1])]) {
			continue
		}
		// A name right before a street type is a street: "Gordon Terrace".
		if k < len(toks) && toks[k].kind == tokWord && toks[k].gap && toks[k].flags&gStreet != 0 && cls[k].cap() {
			continue
		}
		if words >= 2 {
			score = max(score, 0.75)
		}
		if strong {
			score = max(score, 0.85)
		}
		out = append(out, Span{Start: toks[start].start, End: end, Type: EntityPerson, Score: score, Recognizer: "person"})
		for i+1 < len(toks) && toks[i+1].start < end {
			i++
		}
	}
	return propagateNames(d, toks, cls, out)
}

// inHandle reports whether toks[i] belongs to an @handle or a #hashtag:
// the run of tokens with no space before it starts with '@' or '#'.
func inHandle(d *doc, toks []token, i int) bool {
	for j := i; j > 0 && !toks[j].gap; j-- {
		if p := toks[j-1]; p.kind == tokPunct && (d.text[p.start] == '@' || d.text[p.start] == '#') {
			return true
		}
	}
	return false
}

// isShouting reports whether most words of the text are upper case.
func isShouting(d *doc, toks []token) bool {
	if d.shout == 0 {
		d.shout = 1
		// The tokenizer counted the words of d.toks; other token slices
		// are counted here.
		if d.tokked && len(toks) == len(d.toks) && (len(toks) == 0 || &toks[0] == &d.toks[0]) {
			if shouting(d.words2, d.allCaps2) {
				d.shout = 2
			}
		} else if computeShouting(toks) {
			d.shout = 2
		}
	}
	return d.shout == 2
}

// shouting is the rule on the counts: five or more words of two or more
// bytes, at least 60% of them all upper case.
func shouting(words, caps int) bool { return words >= 5 && caps*10 >= words*6 }

func computeShouting(toks []token) bool {
	words, caps := 0, 0
	for _, t := range toks {
		if t.kind == tokWord && t.end-t.start > 1 {
			words++
			if t.allCap {
				caps++
			}
		}
	}
	return shouting(words, caps)
}

// sentenceStart reports whether toks[i] begins a sentence or a line.
func sentenceStart(d *doc, toks []token, i int) bool {
	if i == 0 || toks[i].nl {
		return true
	}
	p := d.str(toks[i-1])
	switch p {
	case ".", "!", "?", "¡", "¿", "\"", "“", ">", "-", "*", "•", "(", ":":
		// After a title ("Dr."), the word is not a sentence start.
		if p == "." && i >= 2 && toks[i-2].kind == tokWord && inWordSet(d, &toks[i-2], gTitle, personTitles) {
			return false
		}
		return true
	}
	return false
}

// personCueAt reports whether a cue, title or field label ends right
// before toks[i]; weak is true for cues that only support known names.
func personCueAt(d *doc, toks []token, i int) (int, bool) {
	j := i - 1
	// Skip a ':' or ',' or '.' after a field or title.
	if j >= 0 && toks[j].kind == tokPunct {
		p := d.str(toks[j])
		if p == "?" && j-1 >= 0 && toks[j-1].kind == tokWord && (d.lower(toks[j-1]) == "name" || d.lower(toks[j-1]) == "nombre" || d.lower(toks[j-1]) == "apellido") {
			return i, false // "What's your name? Sölvi Salómonsson"
		}
		if p == ":" || p == "." || p == "," || p == "-" {
			if j-1 >= 0 && toks[j-1].kind == tokWord {
				w := d.lower(toks[j-1])
				if p == ":" && inWordSet(d, &toks[j-1], gField, personFields) || p == "." && inWordSet(d, &toks[j-1], gTitle, personTitles) {
					return i, false
				}
				if p == "," {
					for _, cue := range []string{"dear", "hi", "hello", "hey", "hola", "regards", "thanks", "gracias", "saludos", "atentamente", "sincerely", "cheers", "estimado", "estimada", "querido", "querida"} {
						if w == cue {
							return i, false
						}
					}
				}
			}
			return 0, false
		}
		return 0, false
	}
	if j < 0 || toks[j].kind != tokWord || toks[j].flags&(gTitle|gPersonCue) == 0 {
		return 0, false
	}
	w := d.lower(toks[j])
	if inWordSet(d, &toks[j], gTitle, personTitles) {
		return i, false
	}
	for _, cue := range personCuesByLast[w] {
		if matchWordsBefore(d, toks, i, cue) {
			return i, len(cue) == 1 && personWeakCues[cue[0]]
		}
	}
	return 0, false
}

// personCuesByLast indexes personCues by their last word.
var personCuesByLast = func() map[string][][]string {
	m := make(map[string][][]string)
	for _, c := range personCues {
		m[c[len(c)-1]] = append(m[c[len(c)-1]], c)
	}
	return m
}()

// matchWordsBefore reports whether the words ending right before toks[i]
// are seq (lower case). An apostrophe inside a word is part of it.
func matchWordsBefore(d *doc, toks []token, i int, seq []string) bool {
	j := i - 1
	for k := len(seq) - 1; k >= 0; k-- {
		if j < 0 || toks[j].kind != tokWord || d.lower(toks[j]) != seq[k] {
			return false
		}
		j--
	}
	return true
}

// possessiveAfter reports whether toks[i] is followed by 's.
func possessiveAfter(d *doc, toks []token, i int) bool {
	if i+2 >= len(toks) || toks[i+1].gap || toks[i+2].gap {
		return false
	}
	a := d.str(toks[i+1])
	return (a == "'" || a == "’") && (d.str(toks[i+2]) == "s")
}

// propagateNames finds, in the rest of the text, the capitalised words
// of names already found in it (a surname said once in full and then
// alone), and names listed next to a found name ("Eklund, Michael and
// Hodge").
func propagateNames(d *doc, toks []token, cls []nameClass, spans []Span) []Span {
	if len(spans) == 0 {
		return spans
	}
	// The words of the confident spans: a handful, so a slice on the
	// stack, not a map.
	var knownBuf [16]string
	known := knownBuf[:0]
	for _, s := range spans {
		if s.Score < 0.6 {
			continue
		}
		for _, w := range lowerWords(d.text[s.Start:s.End]) {
			if len(w) > 2 {
				known = append(known, w)
			}
		}
	}
	// spans are in text order (found left to right); sweep them with the
	// tokens.
	sp := 0
	covered := func(t token) bool {
		for sp < len(spans) && spans[sp].End <= t.start {
			sp++
		}
		return sp < len(spans) && spans[sp].Start < t.end
	}
	inSpan := func(t token) bool {
		k, _ := slices.BinarySearchFunc(spans, t.start, func(s Span, off int) int {
			if s.End <= off {
				return -1
			}
			if s.Start > off {
				return 1
			}
			return 0
		})
		return k < len(spans) && spans[k].Start <= t.start && t.end <= spans[k].End
	}
	var extra []Span
	for i, t := range toks {
		if t.kind != tokWord || !cls[i].cap() || cls[i].allCap() || cls[i].stop() || cls[i].veryCommon() || t.flags&gTitle != 0 || covered(t) {
			continue
		}
		score := 0.0
		if slices.Contains(known, d.lower(t)) {
			score = 0.7
		} else if !cls[i].common() && !cls[i].place() && listedWithName(d, toks, i, inSpan) {
			score = 0.55
		}
		if score > 0 {
			extra = append(extra, Span{Start: t.start, End: t.end, Type: EntityPerson, Score: score, Recognizer: "person"})
		}
	}
	return append(spans, extra...)
}

// listedWithName reports whether toks[i] is separated from a found name
// by only ",", "and", "y", "or", "&".
func listedWithName(d *doc, toks []token, i int, inSpan func(token) bool) bool {
	isSep := func(t token) bool {
		s := d.lower(t)
		return s == "," || s == "and" || s == "y" || s == "or" || s == "o" || s == "&" || s == "e"
	}
	for _, dir := range []int{-1, 1} {
		j := i + dir
		n := 0
		for j >= 0 && j < len(toks) && isSep(toks[j]) && n < 2 {
			j += dir
			n++
		}
		if n == 0 || j < 0 || j >= len(toks) {
			continue
		}
		if inSpan(toks[j]) {
			return true
		}
	}
	return false
}

// unknownName reports whether a capitalised word is in no list that would
// make it something else than a name (common word, stop word, place).
func unknownName(c nameClass) bool {
	return c.cap() && !c.common() && !c.stop() && !c.place()
}

// personVerbs follow a person's name: "X said", "X is from", "X lives".
var personVerbs = wordSet("said", "says", "told", "asked", "shouted", "wrote", "replied", "answered", "lives", "lived", "works", "worked",
	"spent", "began", "joined", "called", "dijo", "vive", "trabaja", "llamó", "llamo", "escribió", "preguntó")

// personVerbAfter reports whether toks[k] is a verb that follows a name,
// or "is from" / "will be".
func personVerbAfter(d *doc, toks []token, k int) bool {
	if k >= len(toks) || toks[k].kind != tokWord || !toks[k].gap || toks[k].nl {
		return false
	}
	w := d.lower(toks[k])
	if personVerbs[w] {
		return true
	}
	if k+1 < len(toks) && toks[k+1].kind == tokWord {
		n := d.lower(toks[k+1])
		return (w == "is" || w == "was") && (n == "from" || n == "very") || w == "will" && n == "be" || w == "es" && n == "de"
	}
	return false
}

// strongPlacePreps before a word that is both a given name and a place
// make it a place ("in Florence"); "at", "to", "with" do not ("talk to
// Florence").
var strongPlacePreps = wordSet("in", "from", "en", "desde", "near", "cerca")

// selfIntroBefore reports whether a self-introduction ("my name is", "i'm",
// "me llamo", "mi nombre es", "call me") ends right before toks[i].
func selfIntroBefore(d *doc, toks []token, i int) bool {
	for _, cue := range [][]string{{"my", "name", "is"}, {"name", "is"}, {"i'm"}, {"im"}, {"i", "am"}, {"call", "me"}, {"me", "llamo"}, {"mi", "nombre", "es"}, {"i’m"}} {
		if matchWordsBefore(d, toks, i, cue) {
			return true
		}
	}
	// "i'm" is tokenized as "i" "'" "m"
	return i >= 3 && d.lower(toks[i-1]) == "m" && (d.str(toks[i-2]) == "'" || d.str(toks[i-2]) == "’") && d.lower(toks[i-3]) == "i"
}

// introEnd are the last words of self-introductions.
// afterIntro reports whether t is a word of introEnd.
func afterIntro(d *doc, t *token) bool { return inWordSet(d, t, gIntroEnd, introEnd) }

// inWordSet reports whether the word token t is in set, a word set whose
// words (and no others) carry flag in the gazetteer, unfolded. For an
// ASCII word, looked up as it is, the flag says so; a word with other
// letters may carry the flag through accent folding ("és" of "es"), and
// is looked up in the set.
func inWordSet(d *doc, t *token, flag uint32, set map[string]bool) bool {
	// The flag test inlines at the call; most words fail it.
	return t.flags&flag != 0 && flaggedInWordSet(d, t, set)
}

// flaggedInWordSet is inWordSet for a word with the flag.
func flaggedInWordSet(d *doc, t *token, set map[string]bool) bool {
	w := d.lower(*t)
	return asciiOnly(w) || set[w]
}

var introEnd = wordSet("is", "m", "am", "im", "llamo", "es", "me")
