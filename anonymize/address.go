package anonymize

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// StreetAddressRecognizer finds the parts of postal addresses, each as its
// own span so that a partial address is still caught:
//   - streets: a building number and words ending in a street type ("24
//     Clarke Avenue", "1600 Pennsylvania Ave."), a street type and words
//     then a number ("Calle Mayor 5", "Rue de Tanger 12", "ul. Słowicza 10"),
//     compound street names ("Nybyvägen 65", "Augsburger Strasse 36");
//   - units and boxes: "Apt. 117", "Suite 464", "P.O. Box 149", "piso 3";
//   - postal codes after a ZIP/postcode word, after a US state code, or
//     in UK and Canadian formats.
//
// Cities and countries are LOCATION (LocationRecognizer).
type StreetAddressRecognizer struct{}

var _ Recognizer = StreetAddressRecognizer{}

// Name implements Recognizer.
func (StreetAddressRecognizer) Name() string { return "street_address" }

// Recognize implements Recognizer.
func (r StreetAddressRecognizer) Recognize(text string) []Span {
	return r.recognizeDoc(&doc{text: text, opts: AnalyzeOptions{Language: "en"}})
}

// streetPrefixTypes come before the street name.
var streetPrefixTypes = wordSet("calle", "c", "avenida", "avda", "av", "paseo", "plaza", "pza", "camino", "carretera", "ctra", "ronda",
	"travesía", "travesia", "glorieta", "callejón", "callejon", "pasaje", "bulevar", "calzada", "cerrada", "privada", "carrer", "rambla",
	"rue", "avenue", "boulevard", "bd", "chemin", "allée", "allee", "impasse", "quai", "route", "place",
	"via", "viale", "piazza", "corso", "largo", "rua", "travessa", "praça", "praca", "estrada", "alameda",
	"ul", "ulica", "al", "aleja", "pl", "trg", "ulitsa", "prospekt", "str", "crta", "pº", "po", "cl", "avinguda", "passeig",
	"pso", "pz", "avd", "urb", "urbanización", "urbanizacion", "cno", "gta", "pje", "trav", "prolongación", "prolongacion", "raval", "rúa",
	// Greek and Cyrillic
	"λεωφόρος", "λεωφ", "λ", "οδός", "οδος", "πλατεία", "πλ", "улица", "ул", "проспект", "просп", "пр", "переулок", "пер", "бульвар",
	"шоссе", "площадь", "набережная", "наб", "вулиця", "вул")

// streetSuffixes end compound street names in Germanic, Nordic and other
// languages: Nybyvägen, Magrethevej, Hauptstraße.
var streetSuffixes = []string{"vej", "gade", "gatan", "vägen", "vagen", "gata", "veien", "vegen", "straße", "strasse", "weg", "gasse",
	"platz", "allee", "tie", "katu", "kuja", "polku", "utca", "laan", "straat", "gracht", "steig", "ring", "damm", "stien", "bakken"}

// streetParticles join the words of street names in Romance languages:
// "Via dei Fiorentini", "Rua Vinte e Cinco de Setembro", "Rue des Tuileries".
var streetParticles = wordSet("dei", "degli", "delle", "della", "dello", "e", "des", "d", "du", "das", "dos", "do", "da", "de", "del")

var unitWords = wordSet("apt", "apartment", "suite", "ste", "unit", "flat", "piso", "puerta", "pta", "dpto", "depto", "departamento",
	"box", "psc", "floor", "fl", "planta", "bloque", "portal", "escalera", "esc", "interior", "int", "local", "oficina", "office", "room", "rm", "bldg", "building", "edificio")

// strongUnits are specific enough to stand alone.
var strongUnits = wordSet("apt", "apartment", "suite", "ste", "psc", "dpto", "depto", "box")

var zipCues = wordSet("zip", "zipcode", "postcode", "postal", "cp", "c.p", "codigo", "código", "plz")

var usStates = wordSet("al", "ak", "az", "ar", "ca", "co", "ct", "de", "fl", "ga", "hi", "id", "il", "in", "ia", "ks", "ky", "la", "me", "md",
	"ma", "mi", "mn", "ms", "mo", "mt", "ne", "nv", "nh", "nj", "nm", "ny", "nc", "nd", "oh", "ok", "or", "pa", "ri", "sc", "sd", "tn",
	"tx", "ut", "vt", "va", "wa", "wv", "wi", "wy", "dc", "pr", "aa", "ae", "ap")

func isStreetSuffixWord(w string) bool {
	for _, s := range streetSuffixes {
		if len(w) > len(s)+2 && strings.HasSuffix(w, s) {
			return true
		}
	}
	return false
}

func (StreetAddressRecognizer) recognizeDoc(d *doc) []Span {
	toks := d.tokens()
	if !d.anyDigit && d.anyFlags&(gStreet|gStreetPrefix) == 0 {
		return nil // every rule needs a number or a street type
	}
	g := loadGazetteer()
	var out []Span
	add := func(s, e int, score float64) {
		out = append(out, Span{Start: s, End: e, Type: EntityStreetAddress, Score: score, Recognizer: "street_address"})
	}
	// isNameWord: a word that can be part of a street name.
	isNameWord := func(k int) bool {
		if k < 0 || k >= len(toks) || toks[k].kind != tokWord {
			return false
		}
		if toks[k].cap || nameParticles[d.lower(toks[k])] {
			return true
		}
		return toks[k].flags&gStop == 0 || nameParticles[d.lower(toks[k])]
	}
	for i := 0; i < len(toks); i++ {
		t := &toks[i]
		if t.kind != tokWord {
			continue
		}
		w := d.lower(*t)
		f := t.flags
		// Units: "Apt. 117", "Suite 464", "P.O. Box 149", "PSC 3294, Box 9168".
		if f&gUnit != 0 {
			j := i + 1
			if j < len(toks) && (d.str(toks[j]) == "." || d.str(toks[j]) == "#") && !toks[j].gap {
				j++
			}
			if j < len(toks) && d.str(toks[j]) == "#" {
				j++
			}
			if e, _, ok := numAt(d, toks, j); ok && !toks[j].nl && (j == i+1 && toks[j].gap || j > i+1) {
				s := t.start
				// "P.O. Box"
				if w == "box" && i >= 4 && strings.EqualFold(strings.ReplaceAll(d.text[toks[i-4].start:toks[i-1].end], " ", ""), "p.o.") {
					s = toks[i-4].start
				} else if w == "box" && i >= 2 && strings.EqualFold(d.text[toks[i-2].start:toks[i-1].end], "po") {
					s = toks[i-2].start
				}
				score := 0.45
				if strongUnits[w] || t.cap {
					score = 0.65
				}
				add(s, e, score)
				continue
			}
		}
		// A type-first street with its number wins over reading the
		// same word as a type at the end ("… Gómez Plaza de la
		// Encarnación, 32").
		if f&gStreetPrefix != 0 {
			if e, score, ok := prefixStreet(d, toks, i); ok && score >= 0.7 {
				add(t.start, e, score)
				for i+1 < len(toks) && toks[i+1].start < e {
					i++
				}
				continue
			}
		}
		isType := f&gStreet != 0 && !(w == "c" && !(i+1 < len(toks) && d.str(toks[i+1]) == "/")) &&
			(f&gStreetPrefix == 0 || w == "boulevard" || w == "avenue" || w == "place" || w == "plaza" || w == "way" || w == "str")
		// "Hospital Dr. Peset": a title, not Drive.
		if isType && f&gTitle != 0 && i+2 < len(toks) && d.str(toks[i+1]) == "." && !toks[i+1].gap && toks[i+2].cap && !toks[i+2].nl {
			isType = false
		}
		// Street type at the end: NUM words… TYPE.
		if isType && i >= 2 && (t.cap || toks[i-1].kind == tokWord && !toks[i-1].cap && !t.cap) {
			k := i - 1
			words := 0
			for k >= 0 && words < 4 && isNameWord(k) && !toks[k+1].nl && toks[k+1].gap {
				k--
				words++
			}
			if words >= 1 && k >= 0 && toks[k].kind == tokNum && toks[k+1].gap && !toks[k+1].nl && toks[k].end-toks[k].start <= 6 {
				s := toks[k].start
				e := t.end
				if i+1 < len(toks) && d.str(toks[i+1]) == "." && !toks[i+1].gap && len(w) <= 4 {
					e = toks[i+1].end
				}
				if k > 0 && d.str(toks[k-1]) == "-" {
					continue
				}
				// A street has one type: "St." after a street that has
				// its own ("137 Avenue Teboulbi St.", "3784 Archwood
				// Avenue St.") is not a part of its name.
				if (w == "st" || w == "street") && (words >= 2 && toks[k+1].flags&gStreetPrefix != 0 || mainTypes[d.lower(toks[i-1])]) {
					e = toks[i-1].end
				}
				add(s, e, 0.7)
				continue
			}
			if words >= 1 && t.cap {
				k2 := k + 1
				allCap := true
				for m := k2; m < i; m++ {
					if !toks[m].cap && !nameParticles[d.lower(toks[m])] {
						allCap = false
					}
				}
				if allCap && toks[k2].cap {
					e := t.end
					if i+1 < len(toks) && d.str(toks[i+1]) == "." && !toks[i+1].gap && len(w) <= 4 {
						e = toks[i+1].end
					}
					// a number after: "Isaac Lodge Street 5"
					if e2, _, ok := numAt(d, toks, i+1); ok && toks[i+1].gap {
						e = e2
					}
					add(toks[k2].start, e, 0.55)
					continue
				}
			}
		}
		// Lower-case type after the name: "Erzsébet tér 19.", "Trenerys gate 232".
		if !t.cap && i > 0 && t.gap && !t.nl && toks[i-1].kind == tokWord && i+1 < len(toks) && !toks[i+1].nl && (toks[i-1].cap || hungarianLowerWord(d, toks, i)) {
			if s, e, ok := suffixStreet(d, toks, i); ok {
				add(s, e, 0.65)
				continue
			}
		}
		// A building number, then the type and the name: "31 Rue Al Imam
		// Al Bakri", "69 Av Sidi Lakhmi".
		if f&gStreetPrefix != 0 && i > 0 && toks[i-1].kind == tokNum && toks[i-1].end-toks[i-1].start <= 5 && t.gap && !t.nl && (t.cap || unambiguousTypes[w] || w == "avenue") &&
			(i == 1 || toks[i-1].gap || toks[i-2].kind == tokPunct && d.str(toks[i-2]) != "-") {
			if e, ok := prefixStreetNamed(d, toks, i); ok {
				add(toks[i-1].start, e, 0.65)
				for i+1 < len(toks) && toks[i+1].start < e {
					i++
				}
				continue
			}
		}
		// Street type first: "Calle Mayor 5", "rue de Tanger", "ul. Słowicza 10".
		if f&gStreetPrefix != 0 {
			if e, score, ok := prefixStreet(d, toks, i); ok {
				add(t.start, e, score)
				for i+1 < len(toks) && toks[i+1].start < e {
					i++
				}
				continue
			}
		}
		// Compound street names: "Nybyvägen 65", "Augsburger Strasse 36";
		// in lower case when the whole text is ("hersnapvej 18").
		if (t.cap || !d.anyCap) && i+1 < len(toks) && toks[i+1].kind == tokNum && isStreetSuffixWord(w) {
			s := t.start
			if i > 0 && toks[i-1].kind == tokWord && toks[i-1].cap && toks[i].gap && !toks[i].nl {
				s = toks[i-1].start
			} else if i > 1 && d.str(toks[i-1]) == "." && !toks[i-1].gap && toks[i].gap && !toks[i].nl &&
				toks[i-2].kind == tokWord && toks[i-2].cap && utf8.RuneCountInString(d.str(toks[i-2])) == 1 && toks[i-2].gap {
				// An initial of the person the street is named after:
				// "C. Beerninckstraat 88".
				s = toks[i-2].start
			}
			if e, _, ok := numAt(d, toks, i+1); ok && i+1 < len(toks) && toks[i+1].gap && !toks[i+1].nl {
				add(s, e, 0.65)
				continue
			}
		}
	}
	out = append(out, postalCodes(d, toks, g)...)
	out = append(out, addressFields(d, toks)...)
	out = append(out, cuedStreets(d, toks)...)
	out = append(out, numberedStreets(d, toks)...)
	out = append(out, cornerAddresses(d, toks)...)
	out = append(out, militaryAddresses(d, toks)...)
	return out
}

// cornerAddresses reads "the corner of Dalbraut 99 and Frederikke Coves":
// after "corner of", a street (words and numbers up to "and") and, after
// "and", one to four capitalised words; the phrase is the address.
func cornerAddresses(d *doc, toks []token) []Span {
	var out []Span
	for i := 0; i+3 < len(toks); i++ {
		if toks[i].kind != tokWord || d.lower(toks[i]) != "corner" || d.lower(toks[i+1]) != "of" {
			continue
		}
		start := toks[i].start
		if i > 0 && d.lower(toks[i-1]) == "the" {
			start = toks[i-1].start
		}
		k := i + 2
		n := 0
		for k < len(toks) && n < 7 && !toks[k].nl && d.lower(toks[k]) != "and" && (toks[k].kind != tokPunct || d.str(toks[k]) == ".") {
			k++
			n++
		}
		if n == 0 || k >= len(toks) || d.lower(toks[k]) != "and" {
			continue
		}
		m := k + 1
		end := -1
		for w := 0; m < len(toks) && w < 4 && !toks[m].nl && toks[m].kind == tokWord && (toks[m].cap || toks[m].flags&gStreet != 0 || w > 0 && nameParticles[d.lower(toks[m])] ||
			!d.anyCap && toks[m].flags&gStop == 0); w++ {
			end = toks[m].end
			m++
			if m < len(toks) && d.str(toks[m]) == "." && !toks[m].gap && toks[m-1].flags&gStreet != 0 {
				end = toks[m].end
				m++
			}
		}
		if end < 0 {
			continue
		}
		out = append(out, Span{Start: start, End: end, Type: EntityStreetAddress, Score: 0.7, Recognizer: "street_address"})
		i = m - 1
	}
	return out
}

var militaryPost = wordSet("apo", "fpo", "dpo")
var militaryUnits = wordSet("psc", "unit", "cmr", "uss", "usns", "usnv", "uscgc")

// militaryAddresses reads US military addresses: "APO AE 09012" (an
// APO/FPO/DPO line with AA, AE or AP and a ZIP), with the line before it
// when that line is a unit or ship ("PSC 3294, Box 9168", "USS Lorenzen").
func militaryAddresses(d *doc, toks []token) []Span {
	if d.anyFlags&gMilitary == 0 {
		return nil // every match starts at a word with the flag
	}
	var out []Span
	for i := 0; i+2 < len(toks); i++ {
		if toks[i].kind != tokWord || toks[i].flags&gMilitary == 0 || !militaryPost[d.lower(toks[i])] {
			continue
		}
		st := d.lower(toks[i+1])
		if st != "aa" && st != "ae" && st != "ap" || toks[i+2].kind != tokNum || toks[i+2].end-toks[i+2].start != 5 || toks[i+1].nl || toks[i+2].nl {
			continue
		}
		start := toks[i].start
		if toks[i].nl {
			// The line before: a unit or a ship.
			for j := i - 1; j >= 0; j-- {
				if toks[j].kind == tokWord && militaryUnits[d.lower(toks[j])] && (toks[j].allCap || j == 0 || toks[j].nl || d.lower(toks[j]) == "unit" || !d.anyCap) {
					start = toks[j].start
					break
				}
				if toks[j].nl {
					break
				}
			}
		}
		out = append(out, Span{Start: start, End: toks[i+2].end, Type: EntityStreetAddress, Score: 0.75, Recognizer: "street_address"})
		i += 2
	}
	return out
}

var streetCueVerbs = wordSet("lives", "live", "living", "lived", "located", "address", "addresses", "resides", "reside", "vivo", "vive", "vivimos",
	"domicilio", "dirección", "direccion", "reside", "situated", "moved")

// cuedStreets reads "lives at Harjukuja 54", "my address is Joaquin Suarez
// 2906", "vivo en Teatinos 180": after an address verb, one to three words
// and a building number.
func cuedStreets(d *doc, toks []token) []Span {
	if d.anyFlags&gStreetCue == 0 {
		return nil // every match starts at a word with the flag
	}
	var out []Span
	for i := 0; i < len(toks); i++ {
		if toks[i].kind != tokWord || toks[i].flags&gStreetCue == 0 || !streetCueVerbs[d.lower(toks[i])] {
			continue
		}
		j := i + 1
		for n := 0; j < len(toks) && n < 5; n++ {
			w := d.lower(toks[j])
			if w == "at" || w == "on" || w == "in" || w == "is" || w == "en" || w == "es" || w == ":" || w == "the" || w == "of" || w == "side" || w == "north" || w == "south" {
				j++
			}
		}
		k := j
		words := 0
		for k < len(toks) && words < 3 && toks[k].kind == tokWord && !toks[k].nl && toks[k].flags&(gStop|gVeryCommon) == 0 {
			k++
			words++
		}
		if words == 0 || k >= len(toks) || toks[k].kind != tokNum || toks[k].nl || toks[k].end-toks[k].start > 5 || !toks[k].gap {
			continue
		}
		end := toks[k].end
		if k+1 < len(toks) && !toks[k+1].gap && toks[k+1].kind == tokWord && toks[k+1].end-toks[k+1].start == 1 {
			end = toks[k+1].end // 12B
		}
		out = append(out, Span{Start: toks[j].start, End: end, Type: EntityStreetAddress, Score: 0.55, Recognizer: "street_address"})
		i = k
	}
	return out
}

// sinNumero matches "s/n", "s / n", "S/N" and "sn" (sin número) at toks[k].
func sinNumero(d *doc, toks []token, k int) (int, int, bool) {
	if k < len(toks) && toks[k].kind == tokWord && d.lower(toks[k]) == "sn" && (k+1 >= len(toks) || toks[k+1].kind != tokWord || toks[k+1].nl) {
		return toks[k].end, k + 1, true
	}
	if k+2 < len(toks) && d.lower(toks[k]) == "s" && d.str(toks[k+1]) == "/" && d.lower(toks[k+2]) == "n" && !toks[k+1].nl && !toks[k+2].nl &&
		toks[k+1].gap == toks[k+2].gap && (k+3 >= len(toks) || toks[k+3].gap || toks[k+3].kind == tokPunct) {
		return toks[k+2].end, k + 3, true
	}
	return 0, 0, false
}

var floorWords = wordSet("bajo", "bajos", "izq", "izqda", "izda", "izquierda", "dcha", "drcha", "dch", "der", "derecha", "esc", "escalera", "piso", "pta", "puerta", "bis", "planta",
	"y", "km", "º", "ª", "o", "a", "apt", "apto", "dpto", "local", "portal", "bloque", "blq", "ático", "atico", "entlo", "entresuelo", "pral", "principal",
	"interior", "int", "exterior", "ext", "er", "contrafrente")

// extendFloorDoor extends a Spanish-style street after its number over
// floor and door details: ", 3, 1D", " bajo A", ", esc. 2, 2ºb", " 3 - 5º 2ª",
// ", 3.º C", ", km 9,100", " 255 - 1er Piso".
func extendFloorDoor(d *doc, toks []token, k, end int) int {
	for steps := 0; k < len(toks) && steps < 12; steps++ {
		t := toks[k]
		if t.nl {
			break
		}
		switch {
		case t.kind == tokNum && t.end-t.start <= 3:
			end, k = t.end, k+1
			continue
		case t.kind == tokWord && k+1 < len(toks) && !toks[k+1].gap && d.str(toks[k+1]) == "-" && k+2 < len(toks) && toks[k+2].kind == tokNum && toks[k+2].end-toks[k+2].start >= 4:
			// "E-31008": a postal code, not a door.
		case t.kind == tokWord && t.end-t.start == 1 && k+2 < len(toks) && d.str(toks[k+1]) == "." && !toks[k+1].gap && toks[k+2].kind == tokWord && toks[k+2].end-toks[k+2].start == 1 && !toks[k+2].gap:
			// "C.P.": an abbreviation, not a door.
		case t.kind == tokPunct && d.str(t) == "#" && k+1 < len(toks) && !toks[k+1].gap && toks[k+1].kind == tokNum && toks[k+1].end-toks[k+1].start <= 6:
			end, k = toks[k+1].end, k+2 // "#543"
			continue
		case t.kind == tokWord && t.cap && utf8.RuneCountInString(d.str(t)) <= 2 && k+1 < len(toks) && !toks[k+1].gap && toks[k+1].kind == tokNum && toks[k+1].end-toks[k+1].start <= 2:
			end, k = toks[k+1].end, k+2 // "P1", "Esc.2a"
			if k < len(toks) && !toks[k].gap && toks[k].kind == tokWord && utf8.RuneCountInString(d.str(toks[k])) <= 2 {
				end, k = toks[k].end, k+1
			}
			continue
		case t.kind == tokWord && (floorWords[d.lower(t)] || !t.gap && utf8.RuneCountInString(d.str(t)) <= 2 || utf8.RuneCountInString(d.str(t)) == 1 ||
			strings.HasPrefix(d.str(t), "º") || strings.HasPrefix(d.str(t), "ª")):
			end, k = t.end, k+1
			if k < len(toks) && d.str(toks[k]) == "." && !toks[k].gap && k+1 < len(toks) && !toks[k+1].nl && (toks[k+1].kind == tokNum || !toks[k+1].gap && toks[k+1].kind == tokWord) {
				end, k = toks[k].end, k+1 // "esc. 2", "n.o"
			}
			continue
		case t.kind == tokPunct && d.str(t) == "." && !t.gap && k+1 < len(toks) && !toks[k+1].gap && toks[k+1].kind == tokWord && (strings.HasPrefix(d.str(toks[k+1]), "º") || d.str(toks[k+1]) == "o" || strings.HasPrefix(d.str(toks[k+1]), "ª")):
			k++ // "3.º C", "3.o B"
			continue
		case t.kind == tokPunct && (d.str(t) == "," || d.str(t) == "-" || d.str(t) == "." && !t.gap && k+1 < len(toks) && toks[k+1].gap) && k+1 < len(toks) && !toks[k+1].nl &&
			(toks[k+1].kind == tokNum && toks[k+1].end-toks[k+1].start <= 3 || toks[k+1].kind == tokWord && floorWords[d.lower(toks[k+1])] ||
				// ", H", "- P1": a door letter or a short code after a separator
				d.str(t) != "." && toks[k+1].kind == tokWord && toks[k+1].cap && utf8.RuneCountInString(d.str(toks[k+1])) <= 2 &&
					(k+2 >= len(toks) || toks[k+2].nl || toks[k+2].kind != tokWord) ||
				d.str(t) != "." && toks[k+1].kind == tokPunct && d.str(toks[k+1]) == "#"):
			k++
			continue
		}
		break
	}
	return end
}

var addressFieldWords = wordSet("domicilio", "dirección", "direccion", "address", "addr", "calle", "dir", "residencia", "street")

// addressFields reads "Domicilio: Teatinos 180." and "Address: 12 Oak St":
// the rest of the line after an address field, up to a full stop, when it
// holds a number.
func addressFields(d *doc, toks []token) []Span {
	if d.anyFlags&gAddrField == 0 {
		return nil // every match starts at a word with the flag
	}
	var out []Span
	for i := 0; i+2 < len(toks); i++ {
		if toks[i].kind != tokWord || toks[i].flags&gAddrField == 0 || !addressFieldWords[d.lower(toks[i])] || d.str(toks[i+1]) != ":" {
			continue
		}
		k := i + 2
		if k >= len(toks) || toks[k].nl {
			continue
		}
		start := toks[k].start
		end, digit := start, false
		for ; k < len(toks) && !toks[k].nl; k++ {
			t := toks[k]
			if t.kind == tokPunct && (d.str(t) == "." && (k+1 >= len(toks) || toks[k+1].gap) || d.str(t) == ";") {
				// A Hungarian house number is an ordinal: "utca 76.".
				if d.str(t) == "." && !t.gap && k >= 2 && toks[k-1].kind == tokNum && hungarianTypes[d.lower(toks[k-2])] {
					end = t.end
				}
				break
			}
			// A postal code and city after the street end it: "… 2, 3F 28013 Madrid".
			if t.kind == tokNum && t.end-t.start == 5 && end > start && digit {
				break
			}
			if t.kind == tokNum {
				digit = true
			}
			end = t.end
		}
		if digit && end > start && end-start <= 80 {
			out = append(out, Span{Start: start, End: end, Type: EntityStreetAddress, Score: 0.75, Recognizer: "street_address"})
		}
	}
	return out
}

// postalCodes finds postal codes after a ZIP word, after a US state code,
// after a country name, before a town ("28014 Madrid", "E-41013
// Sevilla"), and in UK and Canadian formats. A postal code is a
// STREET_ADDRESS, except in Spanish, whose annotation convention files
// it with the town under territory (LOCATION): MEDDOCAN's TERRITORIO,
// after the Spanish clinical de-identification guidelines.
func postalCodes(d *doc, toks []token, g *gazetteer) []Span {
	var out []Span
	typ := zipType(d)
	for i := 0; i < len(toks); i++ {
		t := &toks[i]
		switch t.kind {
		case tokNum:
			n := t.end - t.start
			// "E-28015": the Spanish country prefix.
			ePrefix := n == 5 && i >= 2 && !t.gap && d.str(toks[i-1]) == "-" && !toks[i-1].gap && d.str(toks[i-2]) == "E" && (i == 2 || toks[i-2].gap)
			// "CP:28036", "CP: 1650000": right after a postal-code field.
			fieldCue := i >= 2 && d.str(toks[i-1]) == ":" && toks[i-2].kind == tokWord && toks[i-2].flags&gZipCue != 0 &&
				(i+1 >= len(toks) || toks[i+1].gap || toks[i+1].kind == tokPunct && !strings.Contains("/:-", d.str(toks[i+1])))
			if n < 3 || n > 7 || n == 7 && !fieldCue || !ePrefix && !fieldCue && !standaloneZip(d, toks, i) {
				continue
			}
			e := t.end
			// ZIP+4 or Polish/Portuguese forms: 12345-6789, 53-320, 75534-030.
			if i+2 < len(toks) && d.str(toks[i+1]) == "-" && !toks[i+1].gap && toks[i+2].kind == tokNum && !toks[i+2].gap && toks[i+2].end-toks[i+2].start <= 4 {
				e = toks[i+2].end
			}
			score := 0.0
			// "ZIP: 12345", "código postal 28013"
			for k := i - 1; k >= 0 && k >= i-3; k-- {
				if toks[k].kind == tokWord && toks[k].flags&gZipCue != 0 {
					score = 0.85
				}
			}
			// ", CO 70079", "NY 10001"
			if score == 0 && n == 5 && i > 0 && toks[i-1].kind == tokWord && toks[i-1].allCap && usStates[d.lower(toks[i-1])] {
				score = 0.7
			}
			// "Spain 61709", "Greenland 2390" at a line end.
			// "New Zealand 34694", "belgium 97466" in a lower-case text.
			if score == 0 && i > 0 && toks[i-1].kind == tokWord && (toks[i-1].cap || !d.anyCap) && (i+1 >= len(toks) || toks[i+1].nl || d.str(toks[i+1]) == "," || d.str(toks[i+1]) == "." && (i+2 >= len(toks) || toks[i+2].nl)) {
				if toks[i-1].flags&gPlace != 0 && g.places[d.lower(toks[i-1])]&gCountry != 0 || countryEndingAt(d, toks, g, i-1) {
					score = 0.6
				}
			}
			// After a ZIP field the code takes its Swedish or Dutch
			// second part: "ZIP: 394 13", "ZIP: 7412 SL".
			if score >= 0.85 && e == t.end {
				if e2, ok := zipAt(d, toks, i); ok {
					e = e2
				}
			}
			s := t.start
			// "12345 Town", "E-41013 Sevilla", "31008-Pamplona", "28023. Madrid":
			// five digits, not after a lower-case word, before a
			// capitalised word on the same line.
			if score == 0 && n == 5 && e == t.end && zipBeforeTown(d, toks, i) {
				score = 0.6
			}
			if ePrefix {
				if score == 0 && (i+1 >= len(toks) || toks[i+1].gap || toks[i+1].kind == tokPunct) {
					score = 0.6
				}
				s = toks[i-2].start
			}
			if score > 0 {
				out = append(out, Span{Start: s, End: e, Type: typ, Score: score, Recognizer: "street_address"})
			}
		case tokWord:
			// UK postcodes (SW1A 1AA, M1 1AE) and Canadian (B0J 2H0) are
			// tokenized as letter/digit runs; check the raw text.
			if !t.cap || t.end-t.start > 2 || !wordStart(d.text, t.start) {
				continue
			}
			if e, ok := ukOrCAPostcode(d.text, t.start); ok {
				out = append(out, Span{Start: t.start, End: e, Type: typ, Score: 0.6, Recognizer: "street_address"})
				for i+1 < len(toks) && toks[i+1].start < e {
					i++
				}
			}
		}
	}
	return out
}

// zipType is the entity type of a postal code in the document's language.
func zipType(d *doc) string {
	if strings.HasPrefix(d.opts.Language, "es") {
		return EntityLocation
	}
	return EntityStreetAddress
}

// zipBeforeTown reports whether the number at toks[i] stands where a
// postal code stands before its town: not after a lower-case word, and
// followed on the same line (after an optional "." or "-") by a
// capitalised word that is not a month, weekday, title or field label.
func zipBeforeTown(d *doc, toks []token, i int) bool {
	// Not after a lower-case word ("pagué 12345 Euros"), but after a
	// floor, a door or "s/n" ("5º 2ª 08022 Barcelona").
	if i > 0 && toks[i-1].kind == tokWord && !toks[i-1].cap && toks[i-1].flags&gZipCue == 0 &&
		utf8.RuneCountInString(d.str(toks[i-1])) > 2 && !floorWords[d.lower(toks[i-1])] {
		return false
	}
	if i > 0 && toks[i-1].kind == tokWord && toks[i-1].flags&(gMonth|gWeekday) != 0 {
		return false
	}
	k := i + 1
	if k < len(toks) && (d.str(toks[k]) == "." || d.str(toks[k]) == "-" || d.str(toks[k]) == ",") && !toks[k].nl {
		k++
	}
	if k >= len(toks) || toks[k].nl || toks[k].kind != tokWord || !toks[k].cap || toks[k].allCap && toks[k].end-toks[k].start <= 2 {
		return false
	}
	if toks[k].flags&(gMonth|gWeekday|gTitle|gField|gStop|gUnit|gStreet|gStreetPrefix) != 0 || isStreetSuffixWord(d.lower(toks[k])) {
		return false
	}
	// A number after the words is a street's: "62314 Mellemvej 32".
	for m := k + 1; m < len(toks) && m <= k+3 && !toks[m].nl; m++ {
		if toks[m].kind == tokNum {
			return false
		}
		if toks[m].kind == tokPunct {
			break
		}
	}
	return true
}

func standaloneZip(d *doc, toks []token, i int) bool {
	if i > 0 && !toks[i].gap && (toks[i-1].kind != tokPunct || strings.Contains("-/.:+$€#", d.str(toks[i-1]))) {
		return false
	}
	if i+1 < len(toks) && !toks[i+1].gap && (toks[i+1].kind == tokWord || strings.Contains("/.:%", d.str(toks[i+1])) && i+2 < len(toks) && toks[i+2].kind == tokNum && !toks[i+2].gap) {
		return false
	}
	return true
}

// ukOrCAPostcode matches "SW1A 1AA", "M1 1AE", "B0J 2H0" at i.
func ukOrCAPostcode(text string, i int) (int, bool) {
	up := func(k int) bool { return k < len(text) && text[k] >= 'A' && text[k] <= 'Z' }
	dg := func(k int) bool { return k < len(text) && isDigit(text[k]) }
	// Canadian: A9A 9A9
	if up(i) && dg(i+1) && up(i+2) && i+3 < len(text) && text[i+3] == ' ' && dg(i+4) && up(i+5) && dg(i+6) && wordEnd(text, i+7) {
		return i + 7, true
	}
	// UK outward: A9, A99, AA9, AA99, A9A, AA9A; inward: 9AA
	j := i
	if !up(j) {
		return 0, false
	}
	j++
	if up(j) {
		j++
	}
	if !dg(j) {
		return 0, false
	}
	j++
	if dg(j) || up(j) {
		j++
	}
	if j >= len(text) || text[j] != ' ' {
		return 0, false
	}
	j++
	if dg(j) && up(j+1) && up(j+2) && wordEnd(text, j+3) {
		return j + 3, true
	}
	return 0, false
}

// numberedStreets reads streets of unknown names written between two
// numbers, the European "Name Number" after a building or postal number:
// "at 077 Příční 1429", "10252 Μεγάλη Άμμος 184". The street is the words
// and the second number; the assembler decides what the first number is.
func numberedStreets(d *doc, toks []token) []Span {
	var out []Span
	for i := 0; i+2 < len(toks); i++ {
		if toks[i].kind != tokNum || toks[i].end-toks[i].start < 2 || toks[i].end-toks[i].start > 6 {
			continue
		}
		if i > 0 && !toks[i].gap && toks[i-1].kind != tokPunct || i > 0 && !toks[i].gap && strings.Contains("-/.:+$€#,", d.str(toks[i-1])) {
			continue
		}
		k := i + 1
		words := 0
		for k < len(toks) && words < 3 && toks[k].kind == tokWord && toks[k].gap && !toks[k].nl && toks[k].cap &&
			toks[k].flags&(gStop|gVeryCommon|gMonth|gWeekday|gUnit|gTitle) == 0 {
			k++
			words++
		}
		if words == 0 || k >= len(toks) || toks[k].kind != tokNum || !toks[k].gap || toks[k].nl || toks[k].end-toks[k].start > 5 {
			continue
		}
		e := toks[k].end
		// The number must end the word: not "12:30", "3.5", "10/12".
		if k+1 < len(toks) && !toks[k+1].gap && (toks[k+1].kind != tokPunct || strings.Contains(":/-", d.str(toks[k+1])) ||
			d.str(toks[k+1]) == "." && k+2 < len(toks) && toks[k+2].kind == tokNum && !toks[k+2].gap) {
			continue
		}
		out = append(out, Span{Start: toks[i+1].start, End: e, Type: EntityStreetAddress, Score: 0.55, Recognizer: "street_address"})
		i = k
	}
	return out
}

// numberMarkers come between a street name and its number: "nº 6",
// "No. 654", "número 2", "n.o 119".
var numberMarkers = wordSet("n", "nº", "no", "nro", "num", "núm", "numero", "número", "nª")

// numberMarkerAt reports whether a number marker ("nº", "n°", "No.",
// "n.o", "#") starts at toks[k] and a number follows it; it returns the
// index of the token after the marker.
func numberMarkerAt(d *doc, toks []token, k int) (int, bool) {
	if k >= len(toks) {
		return 0, false
	}
	n := k
	switch {
	case toks[k].kind == tokWord && numberMarkers[d.lower(toks[k])]:
		n++
		// "n°", "No.", "n.o", "n.º"
		for m := 0; m < 2 && n < len(toks) && !toks[n].gap; m++ {
			if s := d.str(toks[n]); s == "." || s == "°" || s == "º" || s == "o" {
				n++
				continue
			}
			break
		}
	case d.str(toks[k]) == "#":
		n++
	default:
		return 0, false
	}
	if n < len(toks) && toks[n].kind == tokNum && !toks[n].nl {
		return n, true
	}
	return 0, false
}

// unambiguousTypes are street types written first that are not also
// common words of English or Spanish prose ("via", "place", "route" are).
var unambiguousTypes = wordSet("calle", "c", "avenida", "avda", "av", "paseo", "carretera", "ctra", "ul", "trg", "carrer", "passeig",
	"avinguda", "pza", "pso", "pº", "glorieta", "travesía", "travesia", "rua", "rue", "ulica", "ulitsa", "pz", "avd", "urb", "cno", "gta", "pje",
	"urbanización", "urbanizacion", "prolongación", "prolongacion", "raval", "rúa",
	"λεωφόρος", "λεωφ", "οδός", "οδος", "улица", "ул", "проспект", "просп", "переулок", "бульвар", "шоссе", "вулиця", "вул")

// suffixTypes are street types written in lower case after the name, in
// Hungarian ("Erzsébet tér 19.", "Király u. 15."), Nordic ("Trenerys gate
// 232", "Stensås terrasse 38"), Czech, Slovene and others. They are looked
// up only between a capitalised word and a building number.
var suffixTypes = wordSet("u", "utca", "út", "útja", "tér", "tere", "krt", "körút", "rkp", "sétány", "köz", "fasor", "gate", "gata", "gatan",
	"vei", "veien", "veg", "vegen", "terrasse", "allé", "alle", "plass", "torg", "stræde", "straede", "vænget", "vej", "gade", "gyde", "vägen",
	"gränd", "ulice", "náměstí", "namesti", "třída", "trida", "nábřeží", "cesta", "ulica", "strasse", "straße", "gasse", "weg", "platz",
	"laan", "straat", "steeg", "plein", "kade", "tie", "katu", "kuja", "tori", "st", "str", "street", "road", "rd", "avenue", "ave",
	"tee", "põik", "maantee", "puiestee")

// hungarianTypes write the house number as an ordinal, with a full stop
// that belongs to the address: "Király u. 15."
var hungarianTypes = wordSet("u", "utca", "út", "útja", "tér", "tere", "krt", "körút", "rkp", "sétány", "köz", "fasor")

// prefixStreet reads a street written type first at toks[i]: "Calle
// Mayor 5", "C/ Manuel Silvela nº 2, 6º A", "Av. puerta de hierro 47, 5G",
// "Avda. Valdecilla s/n", "calle embajadores, 23", "rue de Tanger". It
// returns the end of the street with its number and floor or door
// details. Without a number only some type words stand alone ("Calle
// Mayor", score 0.5); a lower-case type or name needs the number.
func prefixStreet(d *doc, toks []token, i int) (int, float64, bool) {
	t := toks[i]
	w := d.lower(t)
	j := i + 1
	// "Av.", "C/", "C/.", "Pº."
	slash := false
	for m := 0; m < 2 && j < len(toks) && !toks[j].gap; m++ {
		if s := d.str(toks[j]); s == "." || s == "/" {
			slash = slash || s == "/"
			j++
			continue
		}
		break
	}
	if w == "c" && !slash {
		return 0, 0, false // "C" alone is a letter, not "C/"
	}
	if (w == "al" || w == "ul" || w == "pl") && j == i+1 {
		return 0, 0, false // "al", "pl" without their full stop are words ("al espacio")
	}
	lowerType := !t.cap
	k := j
	words, lowerName := 0, false
	// A numbered street: "Calle 15 No. 654", "Calle 78b Numero 69-240".
	if k < len(toks) && toks[k].kind == tokNum && !toks[k].nl && toks[k].end-toks[k].start <= 3 {
		m := k + 1
		if m < len(toks) && !toks[m].gap && toks[m].kind == tokWord && toks[m].end-toks[m].start == 1 {
			m++
		}
		if _, ok := numberMarkerAt(d, toks, m); ok {
			k, words = m, 1
		}
	}
	for k < len(toks) && words < 6 && toks[k].kind == tokWord && !toks[k].nl && (k == j || toks[k].gap || d.str(toks[k-1]) == ".") {
		if _, ok := numberMarkerAt(d, toks, k); ok {
			break
		}
		if _, _, sn := sinNumero(d, toks, k); sn {
			break
		}
		// A road code: "Ctra. N-332", "M-608".
		if toks[k].cap && toks[k].end-toks[k].start <= 2 && k+2 < len(toks) && d.str(toks[k+1]) == "-" && !toks[k+1].gap && toks[k+2].kind == tokNum && !toks[k+2].gap {
			k += 3
			words++
			continue
		}
		lw := d.lower(toks[k])
		if toks[k].flags&gUnit != 0 && (words > 0 || strongUnits[lw]) {
			break // "Rue Gafsa Apt. 981", "Fourth Avenue Suite 697": the unit is not the name
		}
		if words > 0 && secondType(d, toks, k) {
			break // a street has one type: "Rue Hsine Eloued St."
		}
		if !toks[k].cap {
			if words == 0 && toks[k].flags&gStop != 0 && !streetParticles[lw] && !placeInner[lw] {
				break
			}
			if !streetParticles[lw] && !placeInner[lw] && !nameParticles[lw] {
				if toks[k].flags&gStop != 0 {
					break
				}
				lowerName = true
			}
		}
		k++
		words++
		// "Ctra. Madrid - Cartagena"
		if k+1 < len(toks) && d.str(toks[k]) == "-" && toks[k].gap && toks[k+1].gap && toks[k+1].kind == tokWord && toks[k+1].cap && !toks[k+1].nl {
			k++
		}
		// An abbreviation inside the name: "Calle Dr. Fleming", "Pza. Sta. Ana".
		if k+1 < len(toks) && d.str(toks[k]) == "." && !toks[k].gap && toks[k-1].end-toks[k-1].start <= 4 && toks[k+1].gap && toks[k+1].kind == tokWord && toks[k+1].cap && !toks[k+1].nl {
			k++
		}
	}
	if words == 0 {
		return 0, 0, false
	}
	// A lower-case name needs a type that is no other word or
	// abbreviation: "Av. embajadores 23", not "Cl. serico 118" (chloride)
	// or "vía oral y morfina 5".
	if lowerName && !unambiguousTypes[w] {
		return 0, 0, false
	}
	// The name needs a word that is not a particle: "AV de 1" is a
	// visual acuity.
	content := false
	for m := j; m < k; m++ {
		if toks[m].kind == tokNum || toks[m].kind == tokWord && (toks[m].cap || !(streetParticles[d.lower(toks[m])] || placeInner[d.lower(toks[m])])) {
			content = true
			break
		}
	}
	if !content {
		return 0, 0, false
	}
	// The name must not end in a function word: "Calle de".
	last := k - 1
	for last > j && toks[last].kind == tokWord && !toks[last].cap && (streetParticles[d.lower(toks[last])] || placeInner[d.lower(toks[last])]) {
		last--
	}
	e := toks[last].end
	n := last + 1
	if n < k {
		// the trailing particles were not part of the name
		k = n
	}
	score := 0.5
	// Separators before the number: ",", "." ("Calle La Ventilla. 98").
	if n < len(toks) && (d.str(toks[n]) == "," || d.str(toks[n]) == ".") && !toks[n].gap && n+1 < len(toks) && !toks[n+1].nl {
		n++
	}
	if n2, ok := numberMarkerAt(d, toks, n); ok {
		n = n2
	}
	// "Carretera de Colmenar Viejo, Km 9,100", "Carretera Nacional IV, km. 665"
	if n < len(toks) && toks[n].kind == tokWord && d.lower(toks[n]) == "km" && !toks[n].nl {
		m := n + 1
		if m < len(toks) && d.str(toks[m]) == "." && !toks[m].gap {
			m++
		}
		if m < len(toks) && toks[m].kind == tokNum && !toks[m].nl && toks[m].end-toks[m].start <= 4 {
			n = m
		}
	}
	if n < len(toks) && !toks[n].nl && (n == k || toks[n].gap || d.str(toks[n-1]) == "," || d.str(toks[n-1]) == ".") &&
		!(toks[n].kind == tokNum && toks[n].end-toks[n].start == 5 && zipBeforeTown(d, toks, n)) {
		if e2, n2, ok := numAt(d, toks, n); ok {
			e, score = e2, 0.7
			e = extendFloorDoor(d, toks, n2, e)
		} else if e2, n2, ok := sinNumero(d, toks, n); ok {
			e, score = e2, 0.7
			e = extendFloorDoor(d, toks, n2, e)
		}
	}
	if score < 0.7 {
		if lowerType || lowerName || !toks[last].cap {
			return 0, 0, false
		}
		if w != "calle" && w != "rue" && w != "avenida" && w != "via" && w != "rua" && w != "ul" && w != "carretera" && w != "paseo" && w != "avda" && w != "ctra" {
			return 0, 0, false
		}
	}
	if lowerType && !unambiguousTypes[w] && words == 1 && !toks[j].cap {
		// "via email 2": a lower-case type and one lower-case word
		// are rarely a street.
		return 0, 0, false
	}
	return e, score, true
}

// mainTypes are street types that are never a word of a name before
// another type ("Archwood Avenue", not the "Hill" of "Church Hill Road").
var mainTypes = wordSet("avenue", "ave", "road", "rd", "boulevard", "blvd", "lane", "drive", "street", "rue")

// secondType reports whether toks[k], inside a street name, is a second
// main type that ends it ("Rue Hsine Eloued St."), not a saint ("Rue St
// Denis", "Avenue St. Laurent"): no capitalised word follows it.
func secondType(d *doc, toks []token, k int) bool {
	lw := d.lower(toks[k])
	if lw != "st" && !mainTypes[lw] {
		return false
	}
	n := k + 1
	if n < len(toks) && d.str(toks[n]) == "." && !toks[n].gap {
		n++
	}
	return n >= len(toks) || toks[n].nl || !(toks[n].kind == tokWord && toks[n].cap)
}

// numAt matches a building number at toks[k]: digits, optionally with a
// letter (12B) or a range (12-14), not followed by more digits. It
// returns the end and the index of the token after it.
func numAt(d *doc, toks []token, k int) (int, int, bool) {
	if k >= len(toks) || toks[k].kind != tokNum || toks[k].end-toks[k].start > 6 {
		return 0, 0, false
	}
	e, n := toks[k].end, k+1
	if n < len(toks) && !toks[n].gap && toks[n].kind == tokWord && toks[n].end-toks[n].start == 1 {
		e, n = toks[n].end, n+1
	}
	if n+1 < len(toks) && !toks[n].gap && d.str(toks[n]) == "-" && toks[n+1].kind == tokNum && !toks[n+1].gap {
		e, n = toks[n+1].end, n+2
	}
	if n < len(toks) && !toks[n].gap && toks[n].kind == tokNum {
		return 0, 0, false
	}
	return e, n, true
}

// suffixStreet reads a street whose lower-case type follows its name, at
// the type toks[i]: one to three capitalised words, the type (with its
// abbreviation's full stop) and a building number. Hungarian house numbers
// keep their full stop. It returns the street's start and end.
func suffixStreet(d *doc, toks []token, i int) (int, int, bool) {
	w := d.lower(toks[i])
	if !suffixTypes[w] {
		return 0, 0, false
	}
	j := i + 1
	if j < len(toks) && d.str(toks[j]) == "." && !toks[j].gap && len(w) <= 4 {
		j++
	} else if len(w) <= 2 {
		return 0, 0, false // "u" without its full stop is chat for "you"
	}
	if j >= len(toks) || !toks[j].gap || toks[j].nl {
		return 0, 0, false
	}
	e, n, ok := numAt(d, toks, j)
	if !ok || toks[j].end-toks[j].start > 5 {
		return 0, 0, false
	}
	if hungarianTypes[w] && n < len(toks) && d.str(toks[n]) == "." && !toks[n].gap && (n+1 >= len(toks) || toks[n+1].gap) {
		e = toks[n].end
	}
	k := i - 1
	start := -1
	for words := 0; k >= 0 && words < 3 && toks[k].kind == tokWord && (toks[k].cap || nameParticles[d.lower(toks[k])] || k == i-1 && hungarianLowerWord(d, toks, i)); words++ {
		if toks[k].cap {
			start = toks[k].start
		}
		if toks[k].nl || !toks[k].gap {
			break
		}
		k--
	}
	if start < 0 {
		return 0, 0, false
	}
	return start, e, true
}

// hungarianLowerWord reports whether the word before the Hungarian street
// type at toks[i] is a lower-case word of the name after a capitalised
// one: "Árpád fejedelem útja 3.", "Szent István körút" has none.
func hungarianLowerWord(d *doc, toks []token, i int) bool {
	if i < 2 {
		return false
	}
	// The token tests first, the set lookup last: most words fail them.
	p := &toks[i-1]
	return p.kind == tokWord && !p.cap && p.flags&(gStop|gVeryCommon) == 0 && p.gap && !p.nl &&
		toks[i-2].kind == tokWord && toks[i-2].cap && hungarianTypes[d.lower(toks[i])]
}

// prefixStreetNamed reads the type and name of a street whose building
// number comes before it ("31 Rue Al Imam Al Bakri"): the street at
// toks[i] as prefixStreet reads it, or, without a number of its own, its
// capitalised name.
func prefixStreetNamed(d *doc, toks []token, i int) (int, bool) {
	if e, score, ok := prefixStreet(d, toks, i); ok && score < 0.7 {
		return e, true
	} else if ok {
		return 0, false // it has its own number
	}
	j := i + 1
	if j < len(toks) && (d.str(toks[j]) == "." || d.str(toks[j]) == "/") && !toks[j].gap {
		j++
	}
	e := -1
	for k, words := j, 0; k < len(toks) && words < 5 && toks[k].kind == tokWord && !toks[k].nl && (k == j || toks[k].gap); k, words = k+1, words+1 {
		lw := d.lower(toks[k])
		if toks[k].flags&gUnit != 0 {
			break // "Avenue des Tuileries Apt. 892": the unit is not the name
		}
		if words > 0 && secondType(d, toks, k) {
			break // a street has one type: "20 Rue Hsine Eloued St."
		}
		if toks[k].cap && toks[k].flags&(gStop|gMonth|gWeekday) == 0 || elidedName(d.str(toks[k])) {
			e = toks[k].end
			continue
		}
		// Particles may open the name too: "95 Avenue des Tuileries",
		// "31 rue de la Hulotais"; the name still needs a capitalised word.
		if streetParticles[lw] || placeInner[lw] || nameParticles[lw] {
			continue
		}
		break
	}
	return e, e > 0
}

// elidedName reports whether w is a French elided particle and a
// capitalised name written as one word: "d'Ouchy", "l'Église".
func elidedName(w string) bool {
	if len(w) < 3 || (w[0] != 'd' && w[0] != 'l') || w[1] != '\'' {
		return false
	}
	r, _ := utf8.DecodeRuneInString(w[2:])
	return unicode.IsUpper(r)
}

// countryEndingAt reports whether a country name of two or three words
// ends at toks[k] ("New Zealand", "Czech Republic").
func countryEndingAt(d *doc, toks []token, g *gazetteer, k int) bool {
	if k < 1 || toks[k].kind != tokWord {
		return false
	}
	var buf [64]byte
	for n := 2; n <= 3 && k-n+1 >= 0; n++ {
		first := k - n + 1
		if toks[first].kind != tokWord || toks[first].flags&gPlaceStart == 0 {
			continue
		}
		key := buf[:0]
		ok := true
		for m := first; m <= k; m++ {
			if toks[m].kind != tokWord || m > first && (toks[m].nl || !toks[m].gap) {
				ok = false
				break
			}
			if m > first {
				key = append(key, ' ')
			}
			key = append(key, d.lower(toks[m])...)
		}
		if ok && g.places[string(key)]&gCountry != 0 {
			return true
		}
	}
	return false
}
