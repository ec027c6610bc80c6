package anonymize

import (
	_ "embed"
	"encoding/binary"
	"math"
	"math/bits"
	"sort"
	"sync"
)

// The person tagger is a small linear model (an averaged perceptron over
// hashed features) that marks word tokens as part of a person's name. It
// adds what the rules of person.go cannot see: names typed in lower case,
// single given names no list knows, names that only the words around them
// give away ("cheering for kaite", "concert by Wale"). It was trained
// offline on the train splits of WNUT-17 and MEDDOCAN (see
// data/persontagger/README.md); the weights ship embedded.
//
// Cost: the features of a token are a few integer hashes of its flags,
// shape and neighbours; only candidate tokens (see personCandidate) are
// scored, so most tokens of a chat message, which are common words, cost
// one flag test.

//go:embed data/persontagger/weights.bin
var personTaggerBlob []byte

// personTaggerBits is log2 of the number of hashed feature weights.
const personTaggerBits = 16

// personModel holds the quantized weights: a token's score is the sum of
// its features' weights. A token no rule found is a name when its score
// reaches thresh, or ext when it touches a rule's name (it would extend
// that name).
type personModel struct {
	w           []int16
	thresh, ext int32
}

// loadPersonModel decodes weights.bin: magic "VPT2", the two thresholds
// (int32, little-endian), then 1<<personTaggerBits int16 weights.
var loadPersonModel = sync.OnceValue(func() *personModel {
	m, err := decodePersonModel(personTaggerBlob)
	if err != nil {
		panic("anonymize: embedded person tagger: " + err.Error())
	}
	return m
})

type personModelError string

func (e personModelError) Error() string { return string(e) }

func decodePersonModel(b []byte) (*personModel, error) {
	n := 1 << personTaggerBits
	if len(b) != 12+2*n || string(b[:4]) != "VPT2" {
		return nil, personModelError("bad weights file")
	}
	m := &personModel{w: make([]int16, n), thresh: int32(binary.LittleEndian.Uint32(b[4:])), ext: int32(binary.LittleEndian.Uint32(b[8:]))}
	for i := range m.w {
		m.w[i] = int16(binary.LittleEndian.Uint16(b[12+2*i:]))
	}
	return m, nil
}

// encodePersonModel is the inverse of decodePersonModel.
func encodePersonModel(w []float64, thresh, ext float64) []byte {
	maxAbs := 0.0
	for _, v := range w {
		maxAbs = max(maxAbs, math.Abs(v))
	}
	scale := 1.0
	if maxAbs > 0 {
		scale = 32000 / maxAbs
	}
	q := func(t float64) uint32 {
		return uint32(int32(max(math.MinInt32, min(math.MaxInt32, math.Round(t*scale)))))
	}
	b := make([]byte, 12+2*len(w))
	copy(b, "VPT2")
	binary.LittleEndian.PutUint32(b[4:], q(thresh))
	binary.LittleEndian.PutUint32(b[8:], q(ext))
	for i, v := range w {
		binary.LittleEndian.PutUint16(b[12+2*i:], uint16(int16(math.Round(v*scale))))
	}
	return b
}

// Feature templates. Each feature is a template and a value, hashed into
// the weight table.
const (
	ftBias uint64 = iota + 1
	ftShape
	ftFlag
	ftWord
	ftSuffix
	ftPrev
	ftPrevFlag
	ftNext
	ftNextFlag
	ftPrev2
	ftNext2
	ftRule
	ftLang
	ftAttached
	ftShout
	ftPrevNextFlag
)

// maxPersonFeatures bounds the features of one token.
const maxPersonFeatures = 96

// personFeats collects the feature indexes of one token.
type personFeats struct {
	idx [maxPersonFeatures]uint32
	n   int
}

func (f *personFeats) add(template, value uint64) {
	if f.n == maxPersonFeatures/2 {
		return
	}
	h := (value ^ template*0x9E3779B97F4A7C15) * 0xBF58476D1CE4E5B9
	h ^= h >> 31
	h *= 0x94D049BB133111EB
	h ^= h >> 29
	f.idx[f.n] = uint32(h) & (1<<personTaggerBits - 1)
	f.n++
}

// personFlagMask are the gazetteer flags the tagger looks at.
const personFlagMask = gFirst | gLast | gCommon | gVeryCommon | gStop | gCountry | gCity | gRegion | gStreet | gPlace | gPlaceStart |
	gUnit | gTitle | gPersonCue | gMonth | gWeekday | gField | gIntroEnd

// personCandidate reports whether the tagger scores toks[i]: a word of two
// or more letters that is not a function word, a month, a title or an
// address unit, and is
// capitalised, a listed name, or no common word.
func personCandidate(t *token) bool {
	if t.kind != tokWord || t.end-t.start < 2 {
		return false
	}
	f := t.flags
	name := f&(gFirst|gLast) != 0
	if f&(gMonth|gWeekday|gTitle|gUnit) != 0 || f&(gStop|gVeryCommon) != 0 && !name {
		return false
	}
	// Function words and cue words that the name lists also hold ("de",
	// "can", "hola") count only when capitalised.
	if f&(gStop|gPersonCue) != 0 && !t.cap {
		return false
	}
	return t.cap || name || f&gCommon == 0
}

// taggable reports whether the tagger scores toks[i]: a candidate word
// that is not part of an e-mail address, an @handle, a #hashtag or an
// identifier, not the town of a
// postal address and, unless the whole text is in capitals, not a short
// upper-case word (an acronym: SSN, IBAN, OMG).
func taggable(d *doc, toks []token, i int, shout bool) bool {
	return personCandidate(&toks[i]) && taggableCandidate(d, toks, i, shout)
}

// taggableCandidate is taggable for a token that passes personCandidate.
func taggableCandidate(d *doc, toks []token, i int, shout bool) bool {
	t := &toks[i]
	return !(t.allCap && !shout && t.end-t.start <= 4) && !gluedToAddress(d, toks, i) && !townAfterAddress(d, toks, i) &&
		(t.gap || i == 0 || !inHandle(d, toks, i))
}

// townAfterAddress reports whether toks[i] follows ", " after a number or
// a street type, abbreviated or not ("Damvergi Street, Nicosia",
// "Filadelfeos Str., Klirou", "Calle Mayor 3, Madrid"): the town of an
// address, which the address recognizer takes.
func townAfterAddress(d *doc, toks []token, i int) bool {
	if i < 2 || toks[i-1].kind != tokPunct || d.text[toks[i-1].start] != ',' {
		return false
	}
	k := i - 2
	if k >= 1 && toks[k].kind == tokPunct && d.text[toks[k].start] == '.' && !toks[k].gap {
		k-- // the full stop of an abbreviated type
	}
	p := &toks[k]
	return p.kind == tokNum || p.kind == tokWord && p.flags&gStreet != 0
}

// gluedToAddress reports whether toks[i] is part of an e-mail address, a
// host name or a dotted identifier ("ana.lopez@…", "maria@…"): a '.' or
// '@' touches it and another word touches that.
func gluedToAddress(d *doc, toks []token, i int) bool {
	if i+1 < len(toks) && !toks[i+1].gap && toks[i+1].kind == tokPunct {
		c := d.text[toks[i+1].start]
		if c == '@' || c == '.' && i+2 < len(toks) && !toks[i+2].gap && toks[i+2].kind == tokWord {
			return true
		}
	}
	if i >= 2 && !toks[i].gap && toks[i-1].kind == tokPunct && !toks[i-1].gap && toks[i-2].kind != tokPunct {
		c := d.text[toks[i-1].start]
		return c == '@' || c == '.'
	}
	return false
}

// wordID hashes a token's lower-cased text.
func wordID(d *doc, t *token) uint64 {
	w := d.lower(*t)
	n := len(w)
	if n > 16 {
		w = w[:16]
	}
	k0, k1 := wordKey(w)
	return wordHash(k0, k1, n)
}

// neighbour describes the token toks[j] next to a word: the word's
// text, or the kind of a number or punctuation mark (with its first byte),
// and whether a space or a line break separates them.
func neighbour(d *doc, toks []token, j int, gap, nl bool) uint64 {
	if j < 0 || j >= len(toks) {
		return 1
	}
	t := &toks[j]
	g := b2u(gap)<<40 | b2u(nl)<<41
	switch t.kind {
	case tokWord:
		return wordID(d, t) | 1<<63
	case tokNum:
		return 2 | g
	default:
		return 3 | uint64(d.text[t.start])<<8 | g
	}
}

// personFeatures computes the features of toks[i]. own, prev and next
// tell what covers the token and the tokens around it: 0 nothing, 1 a
// low-scoring rule span, 2 a high-scoring one, 3 the tagger.
func personFeatures(d *doc, toks []token, i int, own, prev, next uint8, shout, es bool, f *personFeats) {
	f.n = 0
	defer func() {
		// Each feature also in a copy of the language's own: English chat
		// and Spanish clinical text weigh the same evidence differently.
		// The copy's slot is the feature's own slot XOR a constant of the
		// language: no second hash.
		x := uint32(0x5A5A)
		if es {
			x = 0xA5A5
		}
		n := min(f.n, maxPersonFeatures/2)
		for k := 0; k < n; k++ {
			f.idx[n+k] = f.idx[k] ^ x&(1<<personTaggerBits-1)
		}
		f.n = 2 * n
	}()
	t := &toks[i]
	capital, allCap := t.cap && !shout, t.allCap && !shout
	sent := sentenceStart(d, toks, i)
	ln := uint64(min(t.end-t.start, 9))
	shape := b2u(capital) | b2u(allCap)<<1 | b2u(sent)<<2
	f.add(ftBias, 0)
	f.add(ftShape, shape)
	f.add(ftShape, shape|ln<<3)
	f.add(ftWord, wordID(d, t))
	if low := d.lower(*t); len(low) >= 4 {
		f.add(ftSuffix, uint64(low[len(low)-1])|uint64(low[len(low)-2])<<8|uint64(low[len(low)-3])<<16)
	}
	fl := t.flags & personFlagMask
	for x := fl; x != 0; x &= x - 1 {
		b := uint64(bits.TrailingZeros32(x))
		f.add(ftFlag, b|shape<<8)
	}
	if fl&(gFirst|gLast|gCommon) == 0 {
		f.add(ftFlag, 99|shape<<8) // in no list
	}
	f.add(ftRule, uint64(own))
	f.add(ftRule, uint64(own)|uint64(prev)<<4|uint64(next)<<8)
	f.add(ftRule, uint64(own)|uint64(prev)<<4|uint64(next)<<8|shape<<12)
	lang := uint64(0)
	if es {
		lang = 1
	}
	f.add(ftLang, lang|shape<<1)
	if shout {
		f.add(ftShout, 1)
	}
	// Left context.
	p := neighbour(d, toks, i-1, t.gap, t.nl)
	f.add(ftPrev, p)
	if i > 0 {
		pt := &toks[i-1]
		if pt.kind == tokWord {
			pf := pt.flags & personFlagMask
			for x := pf; x != 0; x &= x - 1 {
				f.add(ftPrevFlag, uint64(bits.TrailingZeros32(x))|b2u(pt.cap && !shout)<<8)
			}
			if pf&(gFirst|gLast|gCommon) == 0 {
				f.add(ftPrevFlag, 99|b2u(pt.cap && !shout)<<8)
			}
			f.add(ftPrev2, neighbour(d, toks, i-2, pt.gap, pt.nl))
		} else if !t.gap && (d.text[pt.start] == '@' || d.text[pt.start] == '#') {
			f.add(ftAttached, uint64(d.text[pt.start]))
		}
	}
	// Right context.
	if i+1 < len(toks) {
		f.add(ftNext, neighbour(d, toks, i+1, toks[i+1].gap, toks[i+1].nl))
	} else {
		f.add(ftNext, 1)
	}
	if i+1 < len(toks) {
		nt := &toks[i+1]
		if nt.kind == tokWord {
			nf := nt.flags & personFlagMask
			for x := nf; x != 0; x &= x - 1 {
				f.add(ftNextFlag, uint64(bits.TrailingZeros32(x))|b2u(nt.cap && !shout)<<8)
			}
			if nf&(gFirst|gLast|gCommon) == 0 {
				f.add(ftNextFlag, 99|b2u(nt.cap && !shout)<<8)
			}
			if i+2 < len(toks) {
				f.add(ftNext2, neighbour(d, toks, i+2, toks[i+2].gap, toks[i+2].nl))
			}
		}
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// score sums the weights of a token's features.
func (m *personModel) score(f *personFeats) int32 {
	// As an array, indexed by a masked slot (the slots are masked
	// already): no bounds check per feature.
	w := (*[1 << personTaggerBits]int16)(m.w)
	s := int32(0)
	for _, x := range f.idx[:f.n] {
		s += int32(w[x&(1<<personTaggerBits-1)])
	}
	return s
}

// tagPersons runs the tagger over the candidate tokens of d and returns
// the rule spans, with tagged tokens next to a rule span added to it and
// runs of tagged tokens elsewhere added as new spans.
func tagPersons(d *doc, toks []token, spans []Span) []Span {
	return tagPersonsWith(loadPersonModel(), d, toks, spans)
}

func tagPersonsWith(m *personModel, d *doc, toks []token, spans []Span) []Span {
	shout := isShouting(d, toks)
	es := d.opts.Language == "es"
	var buf [64]uint8
	var state []uint8 // per token: 0 none, 1/2 rule (low/high), 3 tagged
	if len(toks) <= len(buf) {
		state = buf[:len(toks)]
		clear(state)
	} else {
		state = make([]uint8, len(toks))
	}
	markRuleSpans(toks, spans, state)
	var f personFeats
	tagged := false
	for i := range toks {
		// personCandidate inline, before the call: most tokens fail it.
		if state[i] != 0 || !personCandidate(&toks[i]) || !taggableCandidate(d, toks, i, shout) {
			continue
		}
		prev, next := neighbourStates(state, i)
		personFeatures(d, toks, i, 0, prev, next, shout, es, &f)
		th := m.thresh
		if prev == 1 || prev == 2 || next == 1 || next == 2 {
			th = m.ext
		}
		if m.score(&f) >= th {
			state[i] = 3
			tagged = true
		}
	}
	if !tagged {
		return spans
	}
	return addTaggedSpans(d, toks, spans, state)
}

// neighbourStates returns the states of the tokens before and after i.
func neighbourStates(state []uint8, i int) (prev, next uint8) {
	if i > 0 {
		prev = state[i-1]
	}
	if i+1 < len(state) {
		next = state[i+1]
	}
	return prev, next
}

// personWeakScore splits the rules' spans for the tagger's features:
// below it a lone name-like word or a pair no list knows; from it names
// with cues, titles or a given name and a surname.
const personWeakScore = 0.75

// markRuleSpans sets state[i] to 1 or 2 for tokens inside a rule span
// (score below or from personWeakScore).
func markRuleSpans(toks []token, spans []Span, state []uint8) {
	for _, s := range spans {
		v := uint8(1)
		if s.Score >= personWeakScore {
			v = 2
		}
		for k := firstTokenAt(toks, s.Start); k < len(toks) && toks[k].start < s.End; k++ {
			state[k] = max(state[k], v)
		}
	}
}

// firstTokenAt returns the index of the first token ending after off.
func firstTokenAt(toks []token, off int) int {
	return sort.Search(len(toks), func(i int) bool { return toks[i].end > off })
}

// personTaggedScore is the score of a name only the tagger found: above
// the analyzer's default threshold, below the names of the rules and the
// places of the gazetteers.
const personTaggedScore = 0.45

// addTaggedSpans turns runs of tagged tokens (state 3, words on one line
// separated by spaces) into spans: a run touching a rule span extends it,
// others become spans of their own.
func addTaggedSpans(d *doc, toks []token, spans []Span, state []uint8) []Span {
	joined := func(k int) bool { // toks[k] continues the name before it
		return toks[k].kind == tokWord && toks[k].gap && !toks[k].nl
	}
	for i := 0; i < len(toks); i++ {
		if state[i] != 3 {
			continue
		}
		j := i
		for j+1 < len(toks) && state[j+1] == 3 && joined(j+1) {
			j++
		}
		start, end := toks[i].start, toks[j].end
		merged := false
		// Next to a rule span on the same line: extend it.
		if i > 0 && state[i-1] != 0 && state[i-1] != 3 && joined(i) {
			for k := range spans {
				if spans[k].End == toks[i-1].end && spans[k].Type == EntityPerson {
					spans[k].End = end
					merged = true
					break
				}
			}
		}
		if !merged && j+1 < len(toks) && state[j+1] != 0 && state[j+1] != 3 && joined(j+1) {
			for k := range spans {
				if spans[k].Start == toks[j+1].start && spans[k].Type == EntityPerson {
					spans[k].Start = start
					merged = true
					break
				}
			}
		}
		if !merged {
			spans = append(spans, Span{Start: start, End: end, Type: EntityPerson, Score: personTaggedScore, Recognizer: "person"})
		}
		i = j
	}
	return spans
}
