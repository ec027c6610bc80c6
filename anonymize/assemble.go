package anonymize

import (
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// assembleAddresses joins the parts of one postal address into one
// STREET_ADDRESS span, so that an address written as a block gets one
// pseudonym and no piece of it is left in clear:
//
//	6750 Koskikatu 25 Apt. 864      ← a street (and a leading number)
//	Artilleros                      ← a city line
//	, CO                            ← a state or province code
//	Uruguay 64677                   ← a country and a postal code
//
// Starting from a street or unit span, it extends forward over the parts
// that follow with only spaces, commas and line breaks between them:
// other address and place spans, postal codes, two-letter state codes, and
// short capitalised lines (a city) when another part follows them. It also
// extends backward over a building number written before a street ("1987
// 74 Diakou Street") and over "the corner of … and …". Quoted blocks ("> "
// on every line) break the chain, so their lines stay separate spans.
func assembleAddresses(d *doc, spans []Span) []Span {
	if len(spans) == 0 {
		return spans
	}
	if d.anyFlags&gStreetPrefix != 0 {
		spans = streetsOverNames(d, spans)
	}
	if d.anyDigit {
		spans = zipsAfterPlaces(d, spans)
		spans = namedStreetsBeforeZip(d, spans)
	}
	hasAddr := false
	for _, s := range spans {
		if s.Type == EntityStreetAddress || s.Type == EntityLocation {
			hasAddr = true
			break
		}
	}
	if !hasAddr {
		return spans
	}
	toks := d.tokens()
	text := d.text
	tokAt := func(pos int) int { return tokAtOrAfter(toks, pos) }
	dead := make([]bool, len(spans))
	var extra []Span
	// In Spanish the street, the postal code, the town and the country
	// written on one line are separate pieces (street, then territory):
	// the convention of Spanish annotation (MEDDOCAN CALLE/TERRITORIO).
	pieces := zipType(d) == EntityLocation
	for si := range spans {
		s := &spans[si]
		if dead[si] || s.Type != EntityStreetAddress && s.Type != EntityLocation {
			continue
		}
		if s.Type == EntityLocation || !hasLetter(text[s.Start:s.End]) {
			// A postal code or a place ending an address block: walk
			// back over the city and state to a street line.
			// On one line ("28014 Madrid", "Calle X 5, 28013 Madrid") the
			// pieces stay pieces; a block over lines, or one that ends
			// in a country, is one address.
			sk := tokAt(s.Start)
			if ns, ok := addressBlockBefore(d, toks, spans, dead, si, sk); ok &&
				(strings.Contains(text[ns:s.Start], "\n") || !pieces && sk < len(toks) && isCountryAt(d, toks, sk)) {
				s.Start = ns
				s.Type = EntityStreetAddress
				s.Score = max(s.Score, 0.6)
			} else {
				continue
			}
		}
		// Backward: the street line before a unit or a street ("9721
		// Dalmatinova 43 Apt. 678", "971 Kesk 53\n Suite 343"), or a
		// building number before a street ("1987 74 Diakou Street").
		k := tokAt(s.Start)
		seedStart, seedK := s.Start, k
		leadOnly := false // only a lone number was taken in
		if ns, nk, ok := streetLineBefore(d, toks, spans, si, k); ok {
			lone := nk == k-1 && toks[nk].kind == tokNum
			leadOnly = lone && hasDigit(text[s.Start:s.End])
			// A street that opens with its type ("Av. Gaspar Aguilar,
			// 90") starts there: only a building number written right
			// before it joins ("35108 ul. Zamkowa 33").
			if !(k < len(toks) && toks[k].flags&gStreetPrefix != 0 && !lone) {
				s.Start, k = ns, nk
			}
		}
		corner := false
		if k >= 3 && toks[k].gap && d.lower(toks[k-3]) == "the" && d.lower(toks[k-2]) == "corner" && d.lower(toks[k-1]) == "of" {
			s.Start = toks[k-3].start
			corner = true
		}
		// Forward.
		end := s.End
		parts := 0
		keepEnd := s.End // where a rejected chain ends
		var killed []int
		sawNL, strong := false, false
		for steps := 0; steps < 12; steps++ {
			j := tokAt(end)
			// Separators: spaces, commas, at most two line breaks.
			nl := 0
			for j < len(toks) && toks[j].kind == tokPunct && d.str(toks[j]) == "," {
				j++
			}
			if j >= len(toks) {
				break
			}
			gap := text[end:toks[j].start]
			if len(gap) > 8 || strings.Trim(gap, " ,\n\r\t") != "" {
				break
			}
			nl = strings.Count(gap, "\n")
			if nl > 2 {
				break
			}
			t := toks[j]
			// A note in brackets after a part: "Cyprus (Greek)".
			if parts > 0 && nl == 0 && d.str(t) == "(" && j+2 < len(toks) && toks[j+1].kind == tokWord && !toks[j+1].gap {
				if q := j + 2; d.str(toks[q]) == ")" && !toks[q].gap || q+1 < len(toks) && toks[q].kind == tokWord && d.str(toks[q+1]) == ")" && !toks[q+1].gap {
					for d.str(toks[q]) != ")" {
						q++
					}
					end = toks[q].end
					continue
				}
			}
			if pieces && nl == 0 {
				if n := spanStartingAt(spans, dead, si, t.start); n >= 0 && spans[n].Type == EntityLocation || n < 0 && t.kind == tokWord {
					break
				}
			}
			// Another address or place span starts here.
			if n := spanStartingAt(spans, dead, si, t.start); n >= 0 && (spans[n].Type == EntityStreetAddress || spans[n].Type == EntityLocation) {
				if nl > 0 {
					sawNL = true
				}
				if spans[n].Type == EntityStreetAddress && hasLetter(text[spans[n].Start:spans[n].End]) || isCountryAt(d, toks, j) {
					strong = true
				}
				prev := end
				end = spans[n].End
				dead[n] = true
				killed = append(killed, n)
				parts++
				if nl > 0 && spans[n].Type == EntityLocation {
					end = townLineEnd(d, toks, spans, dead, si, tokAt(end), end)
				} else if spans[n].Type == EntityLocation {
					// A known town after a unit may close the line with
					// a short code too: "Apt. 085 BODØ nan".
					if e, ok := townClosingUnitLine(d, toks, prev, j, tokAt(end), 0); ok && e > end {
						end = e
					}
				}
				continue
			}
			if nl > 0 {
				sawNL = true
			}
			if corner && d.lower(t) == "and" && parts == 0 {
				// "the corner of A and B Road": up to four words ending in a
				// street type, or an address span.
				if n := spanStartingAt(spans, dead, si, tokStartAfter(toks, j)); n >= 0 && spans[n].Type == EntityStreetAddress {
					end = spans[n].End
					dead[n] = true
					parts++
					corner = false
					continue
				}
				m := j + 1
				e := -1
				for w := 0; m < len(toks) && w < 5 && !toks[m].nl && (toks[m].kind == tokWord || toks[m].kind == tokNum); w++ {
					if toks[m].kind == tokWord && toks[m].flags&gStreet != 0 && w > 0 {
						e = toks[m].end
						if m+1 < len(toks) && d.str(toks[m+1]) == "." && !toks[m+1].gap {
							e = toks[m+1].end
						}
					}
					m++
				}
				if e > 0 {
					end = e
					parts++
				}
				corner = false
				break
			}
			// A house number after a street type: "Passauer Strasse 33".
			if t.kind == tokNum && parts == 0 && nl == 0 && t.end-t.start <= 4 && gap != "" && !strings.Contains(gap, ",") &&
				(j+1 >= len(toks) || toks[j+1].gap || toks[j+1].kind == tokPunct) {
				end = t.end
				keepEnd = end
				parts++
				continue
			}
			// A region code written before the postal code, in any case:
			// ", nan 18237", ", mp 35739", ", 32\n 60810", ", WHT\n 59050".
			if parts > 0 && !(t.allCap && t.end-t.start >= 2 && t.end-t.start <= 3) {
				if e, ok := regionCodeAt(d, toks, j); ok {
					end = e
					strong = true
					parts++
					continue
				}
			}
			// A postal code: 12345, 12345-678, 53-320, 394 13, 7412 SL.
			if t.kind == tokNum && t.end-t.start >= 3 && t.end-t.start <= 6 || t.kind == tokNum && t.end-t.start == 2 && j+2 < len(toks) && d.str(toks[j+1]) == "-" {
				e, ok := zipAt(d, toks, j)
				if ok && zipThenTown(d, toks, e) {
					// "28013 Madrid": a postcode before its town opens a
					// locality of its own (the Spanish and most European
					// order); the street ends here.
					break
				}
				if ok {
					end = e
					parts++
					continue
				}
				break
			}
			if t.kind != tokWord {
				break
			}
			// A state or province code: ", CO", "NO 9100".
			if t.allCap && t.end-t.start >= 2 && t.end-t.start <= 3 && (j+1 >= len(toks) || toks[j+1].gap || toks[j+1].kind == tokPunct) {
				end = t.end
				strong = true
				parts++
				continue
			}
			// A city: a short run of capitalised words, kept only when
			// another part of the address follows.
			// In a text written all in lower case the city is too.
			lowerDoc := !d.anyCap
			if !t.cap && !(lowerDoc && t.flags&(gStop|gVeryCommon) == 0) {
				// A lower-case town before a region code and a postcode:
				// "delmas, mp 35739".
				if t.kind != tokWord || t.flags&gStop != 0 || j+2 >= len(toks) || d.str(toks[j+1]) != "," {
					break
				}
				if _, ok := regionCodeAt(d, toks, j+2); !ok {
					break
				}
				end = t.end
				parts++
				continue
			}
			m := j
			ce := -1
			for w := 0; m < len(toks) && w < 5 && (m == j || !toks[m].nl); w++ {
				tk := toks[m]
				if m > j {
					// A town named like a person ("St Georges") is still
					// the town; any other span ends the run.
					if n := spanStartingAt(spans, dead, si, tk.start); n >= 0 && (spans[n].Validated || spans[n].Type != EntityPerson) {
						break
					}
				}
				// A symbol inside or opening a word: "ΧΑΝ∆ΡΙΑ", "ΑΓΙΟΣ
				// ∆ΟΜΕΤΙΟΣ" (∆ is not a letter).
				if m > j && tk.kind == tokPunct && !tk.nl && m+1 < len(toks) && !toks[m+1].gap && toks[m+1].kind == tokWord && toks[m-1].kind == tokWord && !strings.Contains(",.;:()-'\"", d.str(tk)) {
					m++
					continue
				}
				if m > j && tk.kind == tokWord && tk.allCap && tk.end-tk.start <= 3 && !toks[j].allCap {
					break // "Sindi PR": the region code is a part of its own
				}
				if tk.kind == tokWord && (tk.cap || lowerDoc && tk.flags&(gStop|gVeryCommon) == 0 || placeInner[d.lower(tk)] || nameParticles[d.lower(tk)] ||
					m > j && townParticles[d.lower(tk)] && m+1 < len(toks) && toks[m+1].cap && !toks[m+1].nl) {
					ce = tk.end
					m++
					continue
				}
				if tk.kind == tokPunct && (d.str(tk) == "(" || d.str(tk) == ")" || d.str(tk) == "-") && !toks[m].nl {
					m++
					if d.str(tk) == ")" {
						ce = tk.end
					}
					continue
				}
				break
			}
			if ce < 0 {
				break
			}
			if nk := tokAt(ce); nk < len(toks) && !toks[nk].gap && d.str(toks[nk]) == ":" {
				break // a field label on the next line: "Mobile: …"
			}
			if !followedByAddressPart(d, toks, spans, dead, si, tokAt(ce), ce) && !runHasCountry(d, toks, j, tokAt(ce)) {
				// After a unit on the same line, a town and a short code
				// may close the address: "Apt. 501 POLSING OO", "Suite
				// 691 Birmensdorf nan".
				if e, ok := townClosingUnitLine(d, toks, end, j, tokAt(ce), nl); ok {
					end = e
					parts++
				}
				break
			}
			end = ce
			if isCountryAt(d, toks, j) {
				strong = true
			}
			parts++
		}
		for q := tokAt(s.Start); !strong && q < len(toks) && toks[q].start < end; q++ {
			strong = toks[q].flags&gUnit != 0 && strongUnits[d.lower(toks[q])] || isCountryAt(d, toks, q)
		}
		if !sawNL && !strong && !corner {
			// "Calle Mayor 5, 28013, Madrid": on one line, without a unit,
			// state or country, the street stays a street.
			end = keepEnd
			for _, n := range killed {
				dead[n] = false
			}
			if leadOnly {
				// A street has one building number: a number before a
				// street that has its own ("17151 2450 Crown St") is a
				// part of its own (kept as one, so it does not leak)
				// unless the address goes on.
				extra = append(extra, Span{Start: s.Start, End: toks[k].end, Type: EntityStreetAddress, Score: 0.5, Recognizer: "street_address"})
				s.Start, k = seedStart, seedK
			}
		}
		s.End = end
		// Swallow anything the assembled span now covers: spans after it
		// that start before its end, spans before it that start after
		// its new start.
		for n := si + 1; n < len(spans) && spans[n].Start < s.End; n++ {
			if !dead[n] && spans[n].End <= s.End && !spans[n].Validated {
				dead[n] = true
			}
		}
		for n := si - 1; n >= 0 && spans[n].Start >= s.Start; n-- {
			if !dead[n] && spans[n].End <= s.End && !spans[n].Validated {
				dead[n] = true
			}
		}
	}
	out := spans[:0]
	for n, s := range spans {
		if !dead[n] {
			out = append(out, s)
		}
	}
	// Drop any overlap the extension created against other types: the
	// address keeps its part, the other span loses (it was not absorbed,
	// so it is not an address part; trim the address instead).
	for n := 1; n < len(out); n++ {
		if out[n].Start < out[n-1].End {
			if out[n-1].Type == EntityStreetAddress {
				out[n-1].End = out[n].Start
				out[n-1].End = trimRightSeps(text, out[n-1].Start, out[n-1].End)
			} else if out[n].Type == EntityStreetAddress {
				out[n].Start = out[n-1].End
			}
		}
	}
	res := out[:0]
	for _, s := range out {
		if s.Start < s.End {
			res = append(res, s)
		}
	}
	if len(extra) > 0 {
		res = append(res, extra...)
		slices.SortFunc(res, func(x, y Span) int { return x.Start - y.Start })
	}
	return noOverlaps(text, townsAfterStreets(d, toks, res))
}

// noOverlaps makes spans sorted by start non-overlapping, as Analyze
// promises: a span inside the one before it is dropped, one that sticks
// out keeps its own part; a validated span keeps its whole extent.
func noOverlaps(text string, spans []Span) []Span {
	out := spans[:0]
	for _, s := range spans {
		if n := len(out); n > 0 && s.Start < out[n-1].End {
			p := &out[n-1]
			switch {
			case s.Validated && !p.Validated:
				p.End = trimRightSeps(text, p.Start, s.Start)
				if p.End <= p.Start {
					out = out[:n-1]
				}
			case s.End <= p.End:
				continue
			default:
				s.Start = p.End
				for s.Start < s.End && strings.IndexByte(" ,.;:\n\t", text[s.Start]) >= 0 {
					s.Start++
				}
				if s.Start >= s.End {
					continue
				}
			}
		}
		out = append(out, s)
	}
	return out
}

// townsAfterStreets marks the town written after a street and a comma on
// the same line ("Harjukuja 54, Seinäjoki", "Calle Mayor 5, 28013,
// Madrid") as a LOCATION when nothing else claimed it: one to four
// capitalised words that end the line, the sentence or the clause.
func townsAfterStreets(d *doc, toks []token, spans []Span) []Span {
	var add []Span
	for n, s := range spans {
		if s.Type != EntityStreetAddress {
			continue
		}
		k := tokAtOrAfter(toks, s.End)
		// ", 28013," may sit between.
		for k+1 < len(toks) && d.str(toks[k]) == "," && toks[k+1].kind == tokNum && !toks[k+1].nl {
			k += 2
		}
		if k+1 >= len(toks) || d.str(toks[k]) != "," || toks[k+1].nl {
			continue
		}
		t := toks[k+1]
		if t.kind != tokWord || !t.cap || t.flags&(gStop|gMonth|gWeekday|gField|gTitle) != 0 || !t.gap {
			continue
		}
		if n+1 < len(spans) && spans[n+1].Start < t.end+1 && spans[n+1].Start <= t.start {
			continue // already a span there
		}
		m, end := k+1, t.end
		for w := 0; m < len(toks) && w < 4 && (m == k+1 || toks[m].gap && !toks[m].nl); w++ {
			tm := toks[m]
			if tm.kind != tokWord || !(tm.cap || placeInner[d.lower(tm)] || nameParticles[d.lower(tm)]) {
				break
			}
			if tm.cap {
				end = tm.end
			}
			m++
		}
		// It must end the clause: end of text or line, or punctuation.
		if m < len(toks) && !toks[m].nl && !(toks[m].kind == tokPunct && strings.Contains(".,;?!)", d.str(toks[m]))) {
			continue
		}
		if n+1 < len(spans) && spans[n+1].Start < end {
			continue
		}
		add = append(add, Span{Start: t.start, End: end, Type: EntityLocation, Score: 0.55, Recognizer: "location"})
	}
	if len(add) == 0 {
		return spans
	}
	spans = append(spans, add...)
	slices.SortFunc(spans, func(x, y Span) int { return x.Start - y.Start })
	return spans
}

// followedByAddressPart reports whether, after pos (token k), separators
// lead to a postal code, a state code, an address or place span, or a
// capitalised word that is a known place.
func followedByAddressPart(d *doc, toks []token, spans []Span, dead []bool, self, k, pos int) bool {
	for k < len(toks) && d.str(toks[k]) == "," {
		k++
	}
	if k >= len(toks) {
		return false
	}
	gap := d.text[pos:toks[k].start]
	if len(gap) > 8 || strings.Trim(gap, " ,\n\r\t") != "" || strings.Count(gap, "\n") > 2 {
		return false
	}
	t := toks[k]
	if n := spanStartingAt(spans, dead, self, t.start); n >= 0 && (spans[n].Type == EntityStreetAddress || spans[n].Type == EntityLocation) {
		return true
	}
	if _, ok := regionCodeAt(d, toks, k); ok {
		return true
	}
	if t.kind == tokNum {
		_, ok := zipAt(d, toks, k)
		return ok
	}
	if t.kind == tokWord && t.allCap && t.end-t.start == 2 {
		return true
	}
	// A line ending in a postal code: "Greenland 21169".
	if t.kind == tokWord && t.cap && k+1 < len(toks) && toks[k+1].kind == tokNum && !toks[k+1].nl && toks[k+1].gap {
		if _, ok := zipAt(d, toks, k+1); ok {
			return true
		}
	}
	return t.kind == tokWord && t.flags&(gPlace|gPlaceStart) != 0 && (t.cap || !d.anyCap)
}

// zipAt matches a postal code at toks[k]: 3 to 6 digits, optionally
// followed by "-NNN", " NN" (Swedish 394 13) or " AA" (Dutch 7412 SL); or
// "NN-NNN" (Polish). The code must end the word.
func zipAt(d *doc, toks []token, k int) (int, bool) {
	t := toks[k]
	n := t.end - t.start
	if t.kind != tokNum || n < 2 || n > 6 {
		return 0, false
	}
	e := t.end
	next := k + 1
	if next+1 < len(toks) && d.str(toks[next]) == "-" && !toks[next].gap && toks[next+1].kind == tokNum && !toks[next+1].gap && toks[next+1].end-toks[next+1].start <= 4 {
		e = toks[next+1].end
		next += 2
	} else if n == 2 {
		return 0, false
	} else if n == 3 && next < len(toks) && toks[next].kind == tokNum && toks[next].gap && !toks[next].nl && toks[next].end-toks[next].start == 2 {
		e = toks[next].end
		next++
	} else if n == 4 && next < len(toks) && toks[next].kind == tokWord && toks[next].allCap && toks[next].end-toks[next].start == 2 && toks[next].gap && !toks[next].nl {
		e = toks[next].end
		next++
	}
	if next < len(toks) && !toks[next].gap && (toks[next].kind == tokWord || toks[next].kind == tokNum) {
		return 0, false
	}
	// Not a decimal, time or the first part of a longer number.
	if next+1 < len(toks) && !toks[next].gap && toks[next+1].kind == tokNum && !toks[next+1].gap && strings.Contains(".:/", d.str(toks[next])) {
		return 0, false
	}
	return e, true
}

// spanStartingAt returns the index of a live span other than self that
// starts at pos, or -1. pos lies after spans[self]: the spans after self
// are still sorted by start (only spans[self] is being extended), so the
// search stops at the first one starting after pos.
func spanStartingAt(spans []Span, dead []bool, self, pos int) int {
	for n := self + 1; n < len(spans) && spans[n].Start <= pos; n++ {
		if (dead == nil || !dead[n]) && spans[n].Start == pos {
			return n
		}
	}
	return -1
}

func tokStartAfter(toks []token, j int) int {
	if j+1 < len(toks) {
		return toks[j+1].start
	}
	return -1
}

func overlapsAny(spans []Span, self, s, e int) bool {
	for n := range spans {
		if n != self && spans[n].Start < e && s < spans[n].End {
			return true
		}
	}
	return false
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// trimRightSeps moves end left over spaces, commas and line breaks.
func trimRightSeps(text string, start, end int) int {
	for end > start {
		r, n := utf8.DecodeLastRuneInString(text[start:end])
		if r != ' ' && r != ',' && r != '\n' && r != '\r' && r != '\t' {
			break
		}
		end -= n
	}
	return end
}

// streetLineBefore extends an address span starting at toks[k] backward
// over the street written before it: words and numbers on the same line
// (or, when the span starts its line, on the line before), back to a
// function word, a punctuation mark or another span. The run must hold a
// word and a number. It returns the new start and its token index.
func streetLineBefore(d *doc, toks []token, spans []Span, self, k int) (int, int, bool) {
	if k <= 0 || k >= len(toks) {
		return 0, 0, false
	}
	start, sk := -1, k
	words, nums := 0, 0
	crossed := false
	for m := k - 1; m >= 0; m-- {
		nxt := toks[m+1]
		if !nxt.gap && toks[m].kind != tokPunct && !(nxt.kind == tokPunct && d.str(nxt) == ".") {
			break // glued to the span: "A12" is not a street
		}
		if nxt.nl {
			if crossed || m+1 != k || strings.Count(d.text[toks[m].end:nxt.start], "\n") > 1 {
				break
			}
			crossed = true
		}
		t := toks[m]
		if overlapsHard(spans, self, t.start, t.end) {
			break
		}
		ok := false
		switch t.kind {
		case tokNum:
			ok = t.end-t.start <= 6
			if ok {
				nums++
			}
		case tokWord:
			ok = (t.cap || t.flags&gStreet != 0 || !asciiOnly(d.str(t))) && (t.flags&gStop == 0 || t.flags&gStreet != 0) && !streetCueVerbs[d.lower(t)]
			if ok {
				words++
			}
		case tokPunct:
			// "Dr. …"; "Rákóczi út 13. Suite 104" (a unit after the
			// street), but not "Área 3400. Dr Esquerdo 46" (a number and
			// a full stop end a sentence).
			ok = d.str(t) == "." && m > 0 && (toks[m-1].kind == tokWord && toks[m-1].end-toks[m-1].start <= 4 || toks[m-1].kind == tokNum && toks[k].flags&gUnit != 0)
		}
		if !ok {
			break
		}
		start, sk = t.start, m
	}
	if start < 0 || toks[sk].kind == tokPunct {
		return 0, 0, false
	}
	// A lone building number before a street; otherwise a word and a number.
	if words == 0 && (nums != 1 || crossed) || words > 0 && nums == 0 && !crossed && !startsWithNum(toks, k) {
		return 0, 0, false
	}
	if words > 0 && nums == 0 {
		return 0, 0, false
	}
	if words > 5 {
		return 0, 0, false
	}
	return start, sk, true
}

func startsWithNum(toks []token, k int) bool { return k < len(toks) && toks[k].kind == tokNum }

// addressBlockBefore walks back from the span at toks[k] over the parts of
// a postal address written before it (place and address spans, state
// codes, one city line) and returns the start of the street line that
// opens the block. It fails unless it reaches a street line: words and a
// building number.
func addressBlockBefore(d *doc, toks []token, spans []Span, dead []bool, self, k int) (int, bool) {
	cities := 0
	before := self // the spans before this index are searched for parts
	for steps := 0; k > 0 && k < len(toks) && steps < 8; steps++ {
		// Separators before toks[k].
		m := k - 1
		for m >= 0 && toks[m].kind == tokPunct && d.str(toks[m]) == "," {
			m--
		}
		if m < 0 {
			return 0, false
		}
		gap := d.text[toks[m].end:toks[k].start]
		if len(gap) > 8 || strings.Trim(gap, " ,\n\r\t") != "" || strings.Count(gap, "\n") > 2 {
			return 0, false
		}
		// A span ending here: one of the last live spans before self
		// (the spans do not overlap, so it is the nearest ones).
		n := -1
		for q, live := before-1, 0; q >= 0 && live < 4; q-- {
			if dead[q] {
				continue
			}
			live++
			if spans[q].End == toks[m].end {
				n = q
				before = q
				break
			}
		}
		if n >= 0 {
			if spans[n].Type == EntityStreetAddress && hasDigit(d.text[spans[n].Start:spans[n].End]) && hasLetter(d.text[spans[n].Start:spans[n].End]) {
				return spans[n].Start, true // the street itself
			}
			if spans[n].Type != EntityLocation && spans[n].Type != EntityStreetAddress {
				return 0, false
			}
			k = tokAtOrAfter(toks, spans[n].Start)
			continue
		}
		t := toks[m]
		if t.kind == tokWord && t.allCap && t.end-t.start == 2 {
			k = m
			continue
		}
		// The segment of the line that ends at toks[m].
		q := m
		words, nums := 0, 0
		for q >= 0 {
			tq := toks[q]
			if tq.kind == tokNum && tq.end-tq.start <= 6 {
				nums++
			} else if tq.kind == tokWord && (tq.cap || !asciiOnly(d.str(tq)) || placeInner[d.lower(tq)] || nameParticles[d.lower(tq)]) &&
				(tq.flags&gStop == 0 || tq.flags&gStreet != 0 || placeInner[d.lower(tq)]) && !streetCueVerbs[d.lower(tq)] {
				words++
			} else if !(tq.kind == tokPunct && d.str(tq) == "." && q > 0 && q < m && toks[q+1].gap && toks[q-1].kind == tokWord && toks[q-1].end-toks[q-1].start <= 4) {
				break
			}
			if tq.nl || overlapsHard(spans, self, tq.start, tq.end) {
				if overlapsHard(spans, self, tq.start, tq.end) {
					return 0, false
				}
				q--
				break
			}
			q--
		}
		first := q + 1
		for first <= m && toks[first].kind == tokPunct {
			first++
		}
		if first > m || words == 0 || words > 6 {
			return 0, false
		}
		if nums > 0 {
			if toks[m].kind != tokNum && !(toks[first].kind == tokNum) {
				return 0, false
			}
			return toks[first].start, true
		}
		if cities > 0 {
			return 0, false
		}
		cities++
		k = first
	}
	return 0, false
}

// tokAtOrAfter returns the index of the first token starting at or after
// pos (binary search: tokens are sorted).
func tokAtOrAfter(toks []token, pos int) int {
	return sort.Search(len(toks), func(i int) bool { return toks[i].start >= pos })
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			return true
		}
	}
	return false
}

// overlapsHard reports whether [s, e) overlaps a span other than self that
// an address may not swallow: anything but an unvalidated name or place
// (a Spanish postal code is a LOCATION but stays a piece of its own).
//
// [s, e) lies before spans[self] (the callers walk backward from it), and
// spans do not overlap, so only the spans just before self can overlap
// it: the search looks at the eight before self.
func overlapsHard(spans []Span, self, s, e int) bool {
	for n := self - 1; n >= 0 && n >= self-8; n-- {
		if spans[n].Start < e && s < spans[n].End &&
			(spans[n].Validated || spans[n].Type != EntityPerson && spans[n].Type != EntityLocation || spans[n].Recognizer == "street_address") {
			return true
		}
	}
	return false
}

// zipThenTown reports whether the postal code ending at byte end is
// followed, on the same line, by a capitalised word.
func zipThenTown(d *doc, toks []token, end int) bool {
	k := tokAtOrAfter(toks, end)
	return k < len(toks) && toks[k].gap && !toks[k].nl && toks[k].kind == tokWord && toks[k].cap
}

// isCountryAt reports whether a country name (one or two words) starts at
// toks[k].
func isCountryAt(d *doc, toks []token, k int) bool {
	if k >= len(toks) || toks[k].kind != tokWord || !toks[k].cap || toks[k].flags&(gPlace|gPlaceStart) == 0 {
		return false
	}
	g := loadGazetteer()
	w := d.lower(toks[k])
	if g.places[w]&gCountry != 0 {
		return true
	}
	if k+1 < len(toks) && toks[k+1].kind == tokWord && !toks[k+1].nl {
		return g.places[w+" "+d.lower(toks[k+1])]&gCountry != 0
	}
	return false
}

// runHasCountry reports whether a country name starts at one of the
// tokens toks[from:to] (a city run that ends in its country: "Soloi
// Cyprus").
func runHasCountry(d *doc, toks []token, from, to int) bool {
	for q := from; q < to && q < len(toks); q++ {
		if isCountryAt(d, toks, q) {
			return true
		}
	}
	return false
}

// streetsOverNames gives a street written type first, with its number,
// precedence over a name or place that overlaps it: streets are named
// after people and places ("Av. Kansas City 92", "Pº Isabel la Católica
// 1"), and a name guess may run into the street type that follows it
// ("… Hospital Marqués de Valdecilla Avda. Valdecilla, s/n"). The name
// keeps the words before the street.
func streetsOverNames(d *doc, spans []Span) []Span {
	toks := d.tokens()
	text := d.text
	var out []Span // nil until a street is placed
	placed := Span{}
	for n := 0; n < len(spans); n++ {
		sp := spans[n]
		// A span after a street placed just before: keep its part outside.
		if out != nil && sp.Start < placed.End {
			if sp.Validated || sp.End <= placed.End || sp.Type == EntityStreetAddress {
				if !sp.Validated {
					continue
				}
			} else {
				sp.Start = placed.End
				for sp.Start < sp.End && strings.IndexByte(" ,.", text[sp.Start]) >= 0 {
					sp.Start++
				}
				if sp.End <= sp.Start || !hasLetter(text[sp.Start:sp.End]) && !hasDigit(text[sp.Start:sp.End]) {
					continue
				}
			}
		}
		if st, ok := streetInName(d, toks, spans, n); ok && (out == nil || st.Start >= placed.End) {
			if out == nil {
				out = make([]Span, 0, len(spans)+1)
				out = append(out, spans[:n]...)
			}
			// The name keeps the words before the street.
			sp.End = trimRightSeps(text, sp.Start, st.Start)
			if sp.End > sp.Start && text[sp.End-1] == '.' && sp.Type == EntityPerson && strings.Count(text[sp.Start:sp.End], " ") == 0 {
				sp.End-- // not "Arvelo."
			}
			if sp.End > sp.Start && (hasLetter(text[sp.Start:sp.End]) || hasDigit(text[sp.Start:sp.End])) {
				out = append(out, sp)
			}
			out = append(out, st)
			placed = st
			continue
		}
		if out != nil {
			out = append(out, sp)
		}
	}
	if out == nil {
		return spans
	}
	return out
}

// streetInName returns the type-first street, with its number, that
// starts inside the unvalidated name or place spans[n] and ends after it,
// unless a validated span is in its way.
func streetInName(d *doc, toks []token, spans []Span, n int) (Span, bool) {
	sp := spans[n]
	if sp.Validated || sp.Type != EntityPerson && sp.Type != EntityLocation {
		return Span{}, false
	}
	for q := tokAtOrAfter(toks, sp.Start); q < len(toks) && toks[q].start < sp.End; q++ {
		tq := toks[q]
		if tq.kind != tokWord || tq.flags&gStreetPrefix == 0 || !tq.cap && !unambiguousTypes[d.lower(tq)] {
			continue
		}
		e, score, ok := prefixStreet(d, toks, q)
		if !ok || score < 0.7 || e <= sp.End {
			continue
		}
		for m := n + 1; m < len(spans) && spans[m].Start < e; m++ {
			if spans[m].Validated {
				return Span{}, false
			}
		}
		return Span{Start: tq.start, End: e, Type: EntityStreetAddress, Score: score, Recognizer: "street_address"}, true
	}
	return Span{}, false
}

// namedStreetsBeforeZip reads a street written without its type, as a
// name and a number just before a postal code: "Doctor Esquerdo, 46.
// 28007 Madrid", "Irunlarrea, 4 31008 Pamplona", "Hermanos Falcó, s/n -
// 02006 Albacete". The name is one to four capitalised words that start
// a line or follow a punctuation mark; a name or place guess over them
// gives way.
func namedStreetsBeforeZip(d *doc, spans []Span) []Span {
	toks := d.tokens()
	text := d.text
	var add []Span
	for n := 0; n < len(spans); n++ {
		z := spans[n]
		isZip := z.Recognizer == "street_address" && (!hasLetter(text[z.Start:z.End]) || strings.HasPrefix(text[z.Start:z.End], "E-"))
		// A town may stand for the postal code when floor details show
		// the number is a building's: "Reyes Católicos, 19 - 5o. Sevilla".
		isTown := z.Type == EntityLocation && z.Recognizer == "location"
		if !isZip && !isTown {
			continue
		}
		k := tokAtOrAfter(toks, z.Start)
		if k == 0 || toks[k].nl {
			continue
		}
		// Separators: ". ", ", ", " - ".
		m := k - 1
		for seps := 0; m >= 0 && seps < 2 && toks[m].kind == tokPunct && strings.Contains(".,-", d.str(toks[m])) && !toks[m+1].nl; seps++ {
			m--
		}
		if m < 0 || toks[m+1].nl {
			continue
		}
		numEnd := toks[m].end
		// Floor and door details after the number: ", 1º", " - 5o", ", 3 B".
		floor := false
		for steps := 0; steps < 3 && m >= 2; steps++ {
			t := toks[m]
			if t.kind == tokWord && !t.gap && toks[m-1].kind == tokNum && (strings.HasPrefix(d.str(t), "º") || strings.HasPrefix(d.str(t), "ª") || d.lower(t) == "o" || d.lower(t) == "a") {
				m-- // "1º", "5o"
			} else if t.kind == tokWord && utf8.RuneCountInString(d.str(t)) == 1 && t.cap && toks[m-1].kind == tokNum && t.gap {
				m-- // "3 B"
			} else if t.kind == tokWord && floorWords[d.lower(t)] && t.end-t.start > 2 {
				m-- // "bajo"
				if toks[m].kind == tokNum {
					floor = true
					break
				}
				continue
			} else {
				break
			}
			floor = true
			// the floor number, then "," or "-" before it
			if m >= 2 && toks[m].kind == tokNum && toks[m].end-toks[m].start <= 2 && (d.str(toks[m-1]) == "," || d.str(toks[m-1]) == "-") && toks[m-2].kind == tokNum {
				m -= 2
				break
			}
			break
		}
		if isTown && !floor {
			continue
		}
		// The number: "46", "180-317", "s/n".
		switch {
		case toks[m].kind == tokNum && toks[m].end-toks[m].start <= 4:
			if m >= 2 && d.str(toks[m-1]) == "-" && !toks[m-1].gap && !toks[m].gap && toks[m-2].kind == tokNum {
				m -= 2
			}
		case m >= 2 && d.lower(toks[m]) == "n" && d.str(toks[m-1]) == "/" && d.lower(toks[m-2]) == "s":
			m -= 2
		default:
			continue
		}
		if toks[m].nl || m == 0 {
			continue
		}
		w := m - 1
		if d.str(toks[w]) == "," && !toks[w].gap {
			w--
		}
		first := -1
		for words := 0; w >= 0 && words < 4 && toks[w].kind == tokWord; words++ {
			if words > 0 && spanEndingAt(spans, toks[w].end, EntityLocation) {
				break // "… de Navarra Irunlarrea, 4": the place ends the run
			}
			lw := d.lower(toks[w])
			if !toks[w].cap && !placeInner[lw] && !streetParticles[lw] || toks[w].flags&(gMonth|gWeekday) != 0 {
				break
			}
			if toks[w].cap {
				first = w
			}
			if toks[w].nl {
				break
			}
			w--
		}
		if first < 0 || toks[first].flags&gStop != 0 && !toks[first].allCap {
			continue
		}
		// The name must open its line or follow a punctuation mark.
		// (or a place or name span that ends right before it).
		if !(first == 0 || toks[first].nl || toks[first-1].kind == tokPunct && strings.Contains(".,:;)", d.str(toks[first-1])) ||
			spanEndingAt(spans, toks[first-1].end, EntityLocation)) {
			continue
		}
		st := Span{Start: toks[first].start, End: numEnd, Type: EntityStreetAddress, Score: 0.6, Recognizer: "street_address"}
		if len(add) > 0 && add[len(add)-1].End > st.Start {
			continue
		}
		// Only unvalidated names, places and address pieces inside the
		// street give way (spans are sorted and do not overlap).
		blocked := false
		for m := firstEndingAfter(spans, st.Start); m < len(spans) && spans[m].Start < st.End; m++ {
			o := spans[m]
			if o.Type == EntityStreetAddress && o.Start == st.Start && o.End == st.End {
				blocked = true // already read
				break
			}
			if o.Validated || o.Type != EntityPerson && o.Type != EntityLocation && o.Type != EntityStreetAddress || o.Start < st.Start || o.End > st.End {
				blocked = true
				break
			}
		}
		if !blocked {
			add = append(add, st)
		}
	}
	if len(add) == 0 {
		return spans
	}
	// Drop what the new streets cover, then merge the two sorted lists.
	out := make([]Span, 0, len(spans)+len(add))
	a := 0
	for _, o := range spans {
		for a < len(add) && add[a].End <= o.Start {
			out = append(out, add[a])
			a++
		}
		if a < len(add) && o.Start < add[a].End && add[a].Start < o.End {
			continue
		}
		out = append(out, o)
	}
	return append(out, add[a:]...)
}

// firstEndingAfter returns the index of the first span that ends after
// pos, in spans sorted by start that do not overlap (so sorted by end).
func firstEndingAfter(spans []Span, pos int) int {
	return sort.Search(len(spans), func(i int) bool { return spans[i].End > pos })
}

// spanEndingAt reports whether a span of type typ ends at pos, in spans
// sorted by start that do not overlap.
func spanEndingAt(spans []Span, pos int, typ string) bool {
	m := firstEndingAfter(spans, pos-1)
	return m < len(spans) && spans[m].End == pos && spans[m].Type == typ
}

// regionCodeAt matches a short region code written before a postal code,
// in any case: a word of one to three letters or a number of one or two
// digits ("nan", "mp", "Z", "WHT", "32") that a postal code follows on
// the same line or the next. It returns the end of the code.
func regionCodeAt(d *doc, toks []token, k int) (int, bool) {
	if k+1 >= len(toks) {
		return 0, false
	}
	t := toks[k]
	switch {
	case t.kind == tokWord && utf8.RuneCountInString(d.str(t)) <= 3 && t.flags&gUnit == 0 && (t.flags&gStop == 0 || t.cap || t.end-t.start >= 2):
	case t.kind == tokNum && t.end-t.start <= 2:
	default:
		return 0, false
	}
	n := k + 1
	if !toks[n].gap || strings.Count(d.text[t.end:toks[n].start], "\n") > 1 {
		return 0, false
	}
	// The country line may come between: ", nan\n Norway 61682".
	if toks[n].kind == tokWord && toks[n].nl && isCountryAt(d, toks, n) {
		return t.end, true
	}
	if toks[n].kind != tokNum {
		return 0, false
	}
	// Four digits at least, or a code with a dash ("53-320").
	if e, ok := zipAt(d, toks, n); !ok || e-toks[n].start < 4 {
		return 0, false
	}
	return t.end, true
}

// zipsAfterPlaces marks the postal code written right after a place on
// the same line ("in København K 1421", "Barcelona 08014", "ÖVERTURINGEN
// 840 24"): four to six digits (or the Swedish "NNN NN") that end the
// number, not a year.
func zipsAfterPlaces(d *doc, spans []Span) []Span {
	toks := d.tokens()
	n := len(spans)
	for si := 0; si < n; si++ {
		p := spans[si]
		if p.Type != EntityLocation || p.Recognizer != "location" {
			continue
		}
		k := tokAtOrAfter(toks, p.End)
		if k >= len(toks) || toks[k].kind != tokNum || !toks[k].gap || toks[k].nl {
			continue
		}
		l := toks[k].end - toks[k].start
		if l < 3 || l > 6 {
			continue
		}
		if l == 4 && (d.text[toks[k].start] == '1' && d.text[toks[k].start+1] == '9' || d.text[toks[k].start] == '2' && d.text[toks[k].start+1] == '0') {
			continue // a year: "Madrid 2019"
		}
		e, ok := zipAt(d, toks, k)
		if !ok || l == 3 && e == toks[k].end {
			continue // three digits only as "840 24"
		}
		if si+1 < len(spans) && spans[si+1].Start < e {
			continue // already a span there
		}
		spans = append(spans, Span{Start: toks[k].start, End: e, Type: zipType(d), Score: 0.55, Recognizer: "street_address"})
	}
	if len(spans) > n {
		slices.SortFunc(spans, func(x, y Span) int { return x.Start - y.Start })
	}
	return spans
}

// townClosingUnitLine reads a town that closes a one-line address after
// its unit: the run toks[from:to] of capitalised words right after the
// unit's number ending at unitEnd on the same line, then an optional code of one
// to three letters in any case, at the end of the line, the text or the
// sentence. The run must be written in capitals, be a known place or be
// followed by the code. It returns the end of the address.
func townClosingUnitLine(d *doc, toks []token, unitEnd, from, to, nl int) (int, bool) {
	if nl > 0 || from >= to || to > len(toks) {
		return 0, false
	}
	// The address so far must end in a unit and its number: "Apt. 501".
	k := from - 1
	for k >= 0 && toks[k].end > unitEnd {
		k--
	}
	if k < 1 || toks[k].end != unitEnd || toks[k].kind != tokNum {
		return 0, false
	}
	u := k - 1
	if u > 0 && (d.str(toks[u]) == "." || d.str(toks[u]) == "#") {
		u--
	}
	if toks[u].kind != tokWord || toks[u].flags&gUnit == 0 {
		return 0, false
	}
	endsAt := func(k int) bool {
		return k >= len(toks) || toks[k].nl || toks[k].kind == tokPunct && strings.Contains(".,;!?", d.str(toks[k]))
	}
	e := toks[to-1].end
	if to < len(toks) && toks[to].kind == tokWord && !toks[to].nl && toks[to].gap && utf8.RuneCountInString(d.str(toks[to])) <= 3 && endsAt(to+1) {
		return toks[to].end, true
	}
	known := toks[from].flags&(gPlace|gPlaceStart) != 0
	allCap := true
	for q := from; q < to; q++ {
		if toks[q].kind == tokWord && !toks[q].allCap {
			allCap = false
		}
	}
	// A town in capitals stands out even inside a sentence: "Apt. 501
	// POLSING OO after the concert".
	if allCap && to < len(toks) && toks[to].kind == tokWord && !toks[to].cap {
		return e, true
	}
	if endsAt(to) && (allCap || known) {
		return e, true
	}
	return 0, false
}

// townParticles are the lower-case words inside a town's name on an
// address line: "Soto del Barco", "Ostrov nad Ohří", "Chomutice u Hořic
// v Podkrkonoší", "Begunje na Gorenjskem".
var townParticles = wordSet("de", "del", "la", "las", "los", "le", "les", "di", "da", "do", "dos", "das",
	"upon", "on", "the", "y", "am", "an", "der", "im", "sur", "en", "el", "u", "v", "nad", "pod", "na", "pri", "ob", "bei")

// townLineEnd extends a place that opens a line of an address block over
// the rest of the town's name on that line: a place found by the
// gazetteer may be only the head of it ("Soto" of "Soto del Barco",
// "KRISTIANSUND" of "KRISTIANSUND N", "BASHALL" of "BASHALL TOWN").
// The run must be capitalised words and particles that end the line
// (or a comma), so a sentence after the place is never taken.
func townLineEnd(d *doc, toks []token, spans []Span, dead []bool, self, k, end int) int {
	e := end
	for w := 0; k < len(toks) && w < 5; w++ {
		t := toks[k]
		if t.nl || !t.gap || t.kind != tokWord {
			break
		}
		// A word of the town read as a name ("Ostrov nad Ohří") is
		// still the town; any other span ends it.
		if n := spanStartingAt(spans, dead, self, t.start); n >= 0 && (spans[n].Validated || spans[n].Type != EntityPerson) {
			return end
		}
		if t.cap {
			e = t.end
		} else if !townParticles[d.lower(t)] || k+1 >= len(toks) || !toks[k+1].cap || toks[k+1].nl {
			return end
		}
		k++
	}
	if k < len(toks) && !toks[k].nl && d.str(toks[k]) != "," {
		return end
	}
	return e
}
