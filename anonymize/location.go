package anonymize

import "strings"

// LocationRecognizer finds countries, regions and cities from gazetteers
// (data/places: ISO country names in English and Spanish, GeoNames cities
// of 15,000+ people, and more city and region names). Names of one or
// more capitalised words are matched longest first. A country or region
// counts on its own; a city that is also a common word or a given name
// ("Reading", "Florence") needs a place word before it ("in", "from",
// "visit", "en", "desde"…).
type LocationRecognizer struct{}

var _ Recognizer = LocationRecognizer{}

// Name implements Recognizer.
func (LocationRecognizer) Name() string { return "location" }

// Recognize implements Recognizer.
func (r LocationRecognizer) Recognize(text string) []Span {
	return r.recognizeDoc(&doc{text: text, opts: AnalyzeOptions{Language: "en"}})
}

var placeCues = wordSet("in", "from", "to", "at", "near", "visit", "visiting", "visited", "around", "outside", "across", "into", "towards",
	"travel", "travelling", "traveling", "moved", "live", "lives", "living", "based", "born", "city", "country", "town",
	"en", "de", "desde", "a", "hacia", "cerca", "vivo", "vive", "viajo", "ciudad", "país", "pais", "pueblo", "del", "por")

var placeInner = wordSet("de", "del", "la", "las", "los", "le", "les", "di", "da", "do", "dos", "das", "upon", "on", "the", "of", "and", "y", "am", "an", "der", "im", "sur", "en", "el", "al", "u")

func (LocationRecognizer) recognizeDoc(d *doc) []Span {
	toks := d.tokens()
	// A text written all in lower case ("i'm originally from
	// switzerland") still names places: there countries count and cities
	// need a place preposition before them (in, from, to, en…).
	lowerText := !d.anyCap
	if lowerText && d.anyFlags&(gPlace|gPlaceStart) == 0 {
		return nil
	}
	g := loadGazetteer()
	var out []Span
	shout := lowerText || isShouting(d, toks)
	var keyBuf [64]byte
	key := keyBuf[:0] // on the stack unless a place name runs longer
	for i := 0; i < len(toks); i++ {
		t := &toks[i]
		if t.kind != tokWord || !t.cap && !shout || t.flags&(gPlace|gPlaceStart) == 0 {
			continue
		}
		// In lower case only words that are no common word, or that
		// follow a place word, can be places (see below): skip the
		// lookups for the rest.
		if lowerText && t.flags&(gCommon|gStop) != 0 && !(i > 0 && toks[i-1].kind == tokWord && toks[i-1].flags&gStop != 0 && placeCues[d.lower(toks[i-1])]) {
			continue
		}
		// Longest match over up to maxWords words.
		bestEnd, bestK, bestFlag := 0, 0, uint32(0)
		key = key[:0]
		words := 0
		for k := i; k < len(toks) && words < g.maxWords; k++ {
			tk := toks[k]
			if tk.kind != tokWord {
				// Hyphens and apostrophes inside names: "Stratford-upon-Avon" is one token already.
				break
			}
			if k > i && (!tk.gap || tk.nl) {
				break
			}
			lw := d.lower(tk)
			if k > i && !tk.cap && !shout && !placeInner[lw] {
				break
			}
			if k > i {
				key = append(key, ' ')
			}
			key = append(key, lw...)
			words++
			if f := g.places[string(key)]; f != 0 && (tk.cap || lowerText) {
				bestEnd, bestK, bestFlag = tk.end, k, f
			}
		}
		if bestFlag == 0 {
			continue
		}
		wf := t.flags
		multi := bestK > i
		// A place named with common words only ("Country Club") right
		// after a capitalised word is the end of a longer name, a venue
		// ("Erwetegem Country Club"), not the place.
		if multi && bestFlag&gCountry == 0 && !shout && i > 0 && toks[i-1].kind == tokWord && toks[i-1].cap && toks[i].gap && !toks[i].nl && toks[i-1].flags&gStop == 0 && allCommon(toks[i:bestK+1]) {
			continue
		}
		cue := i > 0 && toks[i-1].kind == tokWord && placeCues[d.lower(toks[i-1])] ||
			// "28034 Madrid": a postal code before the place.
			i > 0 && toks[i-1].kind == tokNum && toks[i-1].end-toks[i-1].start >= 4 && toks[i-1].end-toks[i-1].start <= 5 && !toks[i].nl ||
			// "Provincia: Valencia", "City: Leeds"
			i > 1 && d.str(toks[i-1]) == ":" && toks[i-2].kind == tokWord && placeFields[d.lower(toks[i-2])] ||
			// "…Street, London SW1A 2AA", "Madrid 28013": a postal code after it
			bestK+1 < len(toks) && !toks[bestK+1].nl && (toks[bestK+1].kind == tokNum && toks[bestK+1].end-toks[bestK+1].start >= 4 ||
				toks[bestK+1].kind == tokWord && toks[bestK+1].allCap && func() bool { _, ok := ukOrCAPostcode(d.text, toks[bestK+1].start); return ok }())
		cue = cue || placeContext(d, toks, out, i, bestK)
		initial := sentenceStart(d, toks, i)
		var score float64
		switch {
		case bestFlag&gCountry != 0:
			score = 0.75
		case bestFlag&gRegion != 0:
			score = 0.6
		default:
			score = 0.55
		}
		ambiguous := !multi && (wf&(gCommon|gStop) != 0 || wf&(gFirst|gLast) != 0 && bestFlag&gCountry == 0)
		if ambiguous && bestFlag&gCountry != 0 && t.cap && !shout && (!initial || cue || wf&(gFirst|gLast) == 0) && wf&gStop == 0 {
			// A capitalised country name inside a sentence ("travelling to
			// Canada", "from Turkey") is the country even when the word is
			// common; so it is at the start of a sentence or line ("Canada
			// was fun", "Spain" under a city) unless it is also a name
			// (Chad, Jordan).
			ambiguous = false
		}
		if lowerText {
			// Lower case: a country that is no common word or name, or a
			// place after a place cue.
			switch {
			case i > 0 && toks[i-1].kind == tokWord && toks[i-1].flags&gStop != 0 && placeCues[d.lower(toks[i-1])] && wf&gStop == 0:
			case bestFlag&gCountry != 0 && wf&(gCommon|gStop|gFirst|gLast) == 0:
			case multi && bestFlag&gCountry != 0:
			default:
				continue
			}
			ambiguous = false
			initial = false
		}
		if t.allCap && !shout && !multi && t.end-t.start <= 3 {
			ambiguous = true // USA, UK are in the list; most 2–3 letter capitals are acronyms
			if bestFlag&gCountry != 0 {
				ambiguous = false
			}
		}
		switch {
		case ambiguous && cue && wf&gVeryCommon == 0:
			score = 0.5
		case ambiguous:
			continue
		case cue:
			score += 0.15
		case initial && wf&gCommon != 0 && !multi && (bestFlag&gCountry == 0 || wf&(gFirst|gLast) != 0):
			continue
		}
		start := t.start
		if bestFlag&gCountry == 0 {
			// A generic word that makes a town's name with it: "Port
			// Whangarei", "BASHALL TOWN".
			if i > 0 && toks[i-1].kind == tokWord && toks[i-1].cap && t.gap && !t.nl && d.lower(toks[i-1]) == "port" {
				start = toks[i-1].start
			}
			// A postal district written after the town, in Denmark and
			// Norway: "København K", "Aarhus C", "KRISTIANSUND N".
			if n := bestK + 1; n < len(toks) && toks[n].kind == tokWord && toks[n].cap && toks[n].gap && !toks[n].nl && districtLetters[d.lower(toks[n])] && d.str(toks[n]) == strings.ToUpper(d.str(toks[n])) &&
				// Not a middle initial: "Miki C Kristiansen".
				(n+1 >= len(toks) || toks[n+1].nl || toks[n+1].gap && !toks[n+1].cap && d.str(toks[n+1]) != "." || toks[n+1].kind == tokPunct && strings.Contains(",;:!?)", d.str(toks[n+1]))) {
				bestEnd, bestK = toks[n].end, n
			}
			if n := bestK + 1; n < len(toks) && toks[n].kind == tokWord && toks[n].cap && toks[n].gap && !toks[n].nl && townSuffixes[d.lower(toks[n])] &&
				(n+1 >= len(toks) || toks[n+1].nl || toks[n+1].kind == tokPunct && strings.Contains(".,;:!?)", d.str(toks[n+1]))) {
				bestEnd, bestK = toks[n].end, n
			}
		}
		out = append(out, Span{Start: start, End: bestEnd, Type: EntityLocation, Score: min(score, 0.9), Recognizer: "location"})
		i = bestK
	}
	if lowerText {
		return out // the cues below need capitalised words
	}
	return append(out, cuedPlaces(d, toks, out)...)
}

// strongPlaceCues are verbs that announce a place after a preposition
// ("flew to", "grew up in", "originally from", "vivo en"), and fields.
var strongPlaceCues = wordSet("flew", "fly", "flying", "travelling", "traveling", "travel", "moved", "move", "moving", "went", "going",
	"up", "born", "live", "lives", "living", "lived", "based", "located", "originally", "relocated", "visiting", "visited", "stay", "staying", "stayed",
	"returned", "arrived", "here", "travelled", "traveled", "headed", "came", "back", "emigrated",
	"vivo", "vive", "vivimos", "viajo", "viaja", "voy", "fui", "nací", "naci", "nacido", "nacida", "soy", "mudé", "mude", "estoy", "resido")

var placePreps = wordSet("to", "in", "from", "at", "near", "en", "a", "de", "desde", "cerca")

var placeFields = wordSet("where", "city", "town", "country", "location", "ciudad", "país", "pais", "localidad", "municipio", "provincia", "lugar", "dónde", "donde",
	"state", "region", "county", "estado", "región", "region", "comunidad", "nacionalidad", "residencia")

// cuedPlaces finds capitalised words the gazetteers do not know right
// after a strong place cue ("flew to Staxroith", "grew up in Remniku",
// "Where: Upton Scudamore"): given names and common words are left out.
func cuedPlaces(d *doc, toks []token, found []Span) []Span {
	out := fieldPlaces(d, toks)
	for i := 1; i < len(toks); i++ {
		t := &toks[i]
		if t.kind != tokWord || !t.cap || t.flags&(gFirst|gCommon|gStop|gMonth|gWeekday|gTitle) != 0 {
			continue
		}
		cue := false
		p := toks[i-1]
		switch {
		case p.kind == tokPunct && d.str(p) == ":" && i >= 2 && toks[i-2].kind == tokWord && placeFields[d.lower(toks[i-2])]:
			cue = true
		case p.kind == tokWord && placePreps[d.lower(p)] && i >= 2 && toks[i-2].kind == tokWord && strongPlaceCues[d.lower(toks[i-2])]:
			cue = true
		case p.kind == tokWord && placePreps[d.lower(p)] && i >= 3 && toks[i-2].kind == tokWord && d.lower(toks[i-2]) == "am" || p.kind == tokWord && d.lower(p) == "in" && i >= 3 && d.lower(toks[i-2]) == "m" && d.str(toks[i-3]) == "'":
			cue = true
		case p.kind == tokWord && (d.lower(p) == "in" || d.lower(p) == "en") && t.flags&(gLast|gFirst) == 0 && (i+1 >= len(toks) || toks[i+1].kind == tokNum || d.str(toks[i+1]) == "," || d.str(toks[i+1]) == "."):
			cue = true // "in Tobel, …", "in Bjert 6091"
		case p.kind == tokWord && d.lower(p) == "of" && i >= 2 && (d.lower(toks[i-2]) == "university" || d.lower(toks[i-2]) == "city" || d.lower(toks[i-2]) == "town"):
			cue = true // "the University of Vadsa"
		case addressCityLine(d, toks, i):
			cue = true
		}
		if !cue {
			continue
		}
		covered := false
		for _, s := range found {
			if t.start < s.End && s.Start < t.end {
				covered = true
			}
		}
		if covered {
			continue
		}
		// Up to three capitalised words (with inner particles).
		end, k := t.end, i+1
		for n := 1; k < len(toks) && n < 3; n++ {
			if toks[k].kind != tokWord || !toks[k].gap || toks[k].nl {
				break
			}
			if toks[k].cap && toks[k].flags&(gStop|gCommon|gMonth|gWeekday) == 0 {
				end, k = toks[k].end, k+1
				continue
			}
			if placeInner[d.lower(toks[k])] && k+1 < len(toks) && toks[k+1].cap && toks[k+1].gap && toks[k+1].flags&(gStop|gCommon|gMonth|gWeekday) == 0 {
				end, k = toks[k+1].end, k+2
				continue
			}
			break
		}
		out = append(out, Span{Start: t.start, End: end, Type: EntityLocation, Score: 0.5, Recognizer: "location"})
		i = k - 1
	}
	return out
}

// addressCityLine reports whether toks[i] starts a short line of
// capitalised words inside a postal address: the line before holds a
// number (street, unit) and the line after starts with a country.
func addressCityLine(d *doc, toks []token, i int) bool {
	// toks[i] must start its line (after optional '>' or '?' marks).
	j := i
	for j > 0 && !toks[j].nl && toks[j-1].kind == tokPunct && strings.Contains(">?*-•", d.str(toks[j-1])) {
		j--
	}
	if !toks[j].nl || j == 0 {
		return false
	}
	// The words of this line.
	k := i
	words := 0
	for k < len(toks) && (k == i || !toks[k].nl) {
		if toks[k].kind != tokWord || !toks[k].cap && !placeInner[d.lower(toks[k])] {
			return false
		}
		words++
		k++
	}
	if words > 4 {
		return false
	}
	// A number on the previous line.
	prevNum := false
	for m := j - 1; m >= 0; m-- {
		if toks[m].kind == tokNum {
			prevNum = true
		}
		if toks[m].nl {
			break
		}
	}
	if !prevNum || k >= len(toks) {
		return false
	}
	// The next line starts with a country (after marks).
	for k < len(toks) && toks[k].kind == tokPunct {
		k++
	}
	return k < len(toks) && toks[k].kind == tokWord && toks[k].flags&(gPlace|gPlaceStart) != 0
}

// placeContext reports whether the place name at toks[i:k+1] stands where
// addresses put places: in brackets after a town ("Getafe (Madrid)"),
// after a place or a postal code and a comma or full stop ("Torrelodones,
// Madrid", "28040, Madrid", "28023. Madrid"), or before a comma or full
// stop and a country ("Sevilla. España").
func placeContext(d *doc, toks []token, found []Span, i, k int) bool {
	if i >= 2 && !toks[i].nl {
		p, pp := toks[i-1], toks[i-2]
		switch d.str(p) {
		case "(":
			if k+1 < len(toks) && d.str(toks[k+1]) == ")" && pp.kind == tokWord && pp.cap && !toks[i].allCap {
				return true
			}
		case ",", ".":
			if pp.kind == tokNum && pp.end-pp.start >= 4 && pp.end-pp.start <= 5 {
				return true
			}
			if len(found) > 0 && found[len(found)-1].End == pp.end && d.str(p) == "," {
				return true
			}
		}
	}
	if k+2 < len(toks) && (d.str(toks[k+1]) == "," || d.str(toks[k+1]) == ".") && !toks[k+2].nl && isCountryAt(d, toks, k+2) {
		return true
	}
	return false
}

// placeNameFields are field labels whose value is the name of a place
// ("where" and "location" may be a venue).
var placeNameFields = wordSet("city", "town", "country", "state", "county", "region", "province", "ciudad", "país", "pais", "localidad",
	"municipio", "provincia", "estado", "región", "comunidad", "población", "poblacion")

// fieldPlaces reads the value of a place field ("Localidad/ Provincia:
// La Habana.", "City: Cdad. Real", "Provincia: San Lucas, Coyoacan,
// CDMX"): each comma-separated part of the rest of the line, of one to
// four words that start with a capital or an article before one.
func fieldPlaces(d *doc, toks []token) []Span {
	var out []Span
	if strings.IndexByte(d.text, ':') < 0 {
		return nil
	}
	for i := 2; i < len(toks); i++ {
		if toks[i-1].kind != tokPunct || d.str(toks[i-1]) != ":" || toks[i].nl || toks[i-2].kind != tokWord || !placeNameFields[d.lower(toks[i-2])] {
			continue
		}
		k := i
		for part := 0; part < 4 && k < len(toks) && !toks[k].nl; part++ {
			t := toks[k]
			if t.kind != tokWord || !t.cap && !(placeInner[d.lower(t)] && k+1 < len(toks) && toks[k+1].cap) || t.flags&(gMonth|gWeekday|gTitle) != 0 {
				break
			}
			start, end := t.start, t.end
			m := k + 1
			for w := 1; m < len(toks) && w < 4 && !toks[m].nl; w++ {
				tm := toks[m]
				if tm.kind == tokWord && tm.allCap && !toks[k].allCap {
					break // "Ciudad de México CDMX": an abbreviation of its own
				}
				if tm.kind == tokWord && tm.gap {
					end, m = tm.end, m+1
					continue
				}
				// "Cdad. Real", "D.F."
				if d.str(tm) == "." && !tm.gap && m+1 < len(toks) && toks[m+1].kind == tokWord && toks[m+1].cap && !toks[m+1].nl &&
					toks[m-1].end-toks[m-1].start <= 4 {
					end, m = toks[m+1].end, m+2
					continue
				}
				break
			}
			out = append(out, Span{Start: start, End: end, Type: EntityLocation, Score: 0.6, Recognizer: "location"})
			if m < len(toks) && d.str(toks[m]) == "," && !toks[m].nl {
				k = m + 1
				continue
			}
			break
		}
	}
	return out
}

// allCommon reports whether every token is a common word.
func allCommon(toks []token) bool {
	for i := range toks {
		if toks[i].kind != tokWord || toks[i].flags&gCommon == 0 {
			return false
		}
	}
	return true
}

// townSuffixes end a town's name after a place word: "Bashall Town".
var townSuffixes = wordSet("town", "village", "city")

// districtLetters are the postal districts written after a Danish or
// Norwegian town.
var districtLetters = wordSet("K", "V", "Ø", "N", "S", "C", "NV", "SV", "NØ", "SØ")
