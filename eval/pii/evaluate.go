package pii

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/veilhq/veil/anonymize"
	"github.com/veilhq/veil/eval/internal/parallel"
	"github.com/veilhq/veil/eval/labelmaps"
)

// Detector finds PII spans (byte offsets) in text. It must be safe for
// concurrent use; anonymize.Analyzer's Analyze, wrapped in a closure,
// satisfies it.
type Detector func(text string) []anonymize.Span

// None is the label for "no entity" in the confusion matrix.
const None = "O"

// Options configure Evaluate. The zero value uses the defaults.
type Options struct {
	// IoU is the minimum intersection-over-union (in code points) for a
	// predicted span to match a gold span; default 0.9 as presidio-research.
	IoU float64
	// Beta is the β of the reported F-β; default 2.
	Beta float64
	// LabelMap maps dataset labels onto Veil's; nil keeps them.
	LabelMap labelmaps.Map
	// Workers is the number of records analysed at once; default GOMAXPROCS.
	Workers int
	// ScoreAllTypes counts every predicted type. By default predictions of
	// types the dataset never labels (after mapping) are not scored, as in
	// presidio-research: a set without e-mail labels cannot judge e-mails.
	// They still count for the leak rate.
	ScoreAllTypes bool
	// AddressBlocks scores one postal address as one span however it was
	// cut: on each side (gold and predictions alike), runs of
	// STREET_ADDRESS and LOCATION spans parted only by spaces, line breaks
	// and commas, holding at least one STREET_ADDRESS become one STREET_ADDRESS span.
	// Datasets disagree on whether "12 High St, Leeds LS1 4AB" is one
	// address or a street, a town and a postcode (presidio's synthetic set
	// does both); this view removes that cut from the score. The leak rate
	// does not change. Off by default: the headline stays strict.
	AddressBlocks bool
	// ContextChars is how many code points of text each error shows on
	// either side; default 40.
	ContextChars int
	// Progress, when set, is called once per finished record.
	Progress func()
}

func (o *Options) defaults() {
	if o.IoU <= 0 {
		o.IoU = 0.9
	}
	if o.Beta <= 0 {
		o.Beta = 2
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.ContextChars <= 0 {
		o.ContextChars = 40
	}
}

// ErrorKind classifies a scoring error.
type ErrorKind string

// Error kinds.
const (
	KindFN        ErrorKind = "FN"         // gold span not found (IoU below threshold)
	KindFP        ErrorKind = "FP"         // predicted span matching no gold span
	KindWrongType ErrorKind = "wrong_type" // boundaries match, type differs
)

// Error is one false positive, false negative or wrong-type match, with
// offsets in code points.
type Error struct {
	Record int       `json:"record"` // 0-based index in the evaluated records
	Source string    `json:"source,omitempty"`
	Kind   ErrorKind `json:"kind"`
	Gold   string    `json:"gold,omitempty"`
	Pred   string    `json:"pred,omitempty"`
	Start  int       `json:"start"`
	End    int       `json:"end"`
	Text   string    `json:"text"`
	// Context is the span with text around it, the span in [[…]].
	Context string `json:"context"`
	// Overlap is the best IoU of this span with a span on the other side
	// (0 when it overlaps nothing): a boundary error has 0 < Overlap < IoU.
	Overlap float64 `json:"overlap"`
	// Leaked is the number of gold code points no prediction covered (FN only).
	Leaked int `json:"leaked,omitempty"`
}

// EntityReport is one entity type's result.
type EntityReport struct {
	Scores
	Exact       Scores  `json:"exact"`
	Token       Scores  `json:"token"`
	LeakRate    float64 `json:"leak_rate"`
	GoldChars   int     `json:"gold_chars"`
	LeakedChars int     `json:"leaked_chars"`
}

// Config records how a report was made.
type Config struct {
	Files    []string `json:"files,omitempty"`
	LabelMap string   `json:"label_map,omitempty"`
	IoU      float64  `json:"iou"`
	Beta     float64  `json:"beta"`
	Sample   int      `json:"sample,omitempty"`
	Seed     int64    `json:"seed,omitempty"`
	Limit    int      `json:"limit,omitempty"`
	// AddressBlocks: see Options.AddressBlocks.
	AddressBlocks bool `json:"address_blocks,omitempty"`
}

// Report is the result of one evaluation. Span-level scores (IoU ≥
// threshold, type must agree) are the headline: Overall is their micro
// average over types, Macro their unweighted mean over types with gold
// support.
type Report struct {
	Records int    `json:"records"`
	Config  Config `json:"config"`
	Overall Scores `json:"overall"`
	Macro   Scores `json:"macro"`
	// Exact requires identical boundaries; Token scores each token.
	Exact Scores `json:"exact"`
	Token Scores `json:"token"`
	// AnyPII ignores the type: a span is found if anything covers it.
	AnyPII      Scores                   `json:"any_pii"`
	AnyPIIToken Scores                   `json:"any_pii_token"`
	Entities    map[string]*EntityReport `json:"entities"`
	// LeakRate is the fraction of gold PII code points (whitespace not
	// counted) that no predicted span of any type covers: what survives
	// anonymization.
	LeakRate    float64 `json:"leak_rate"`
	GoldChars   int     `json:"gold_chars"`
	LeakedChars int     `json:"leaked_chars"`
	// Confusion[gold][pred] counts span matches; None ("O") is no span.
	Confusion map[string]map[string]int `json:"confusion"`
	// Unscored counts predictions by type the dataset does not label.
	Unscored map[string]int `json:"unscored_predictions,omitempty"`
	// IgnoredPredictions overlapped only ignored gold spans.
	IgnoredPredictions int     `json:"ignored_predictions"`
	IgnoredGold        int     `json:"ignored_gold"`
	MsPerRecord        float64 `json:"ms_per_record"`
	WallSeconds        float64 `json:"wall_seconds"`
	// Errors lists every error in record order (not in the JSON report;
	// written with --errors).
	Errors []Error `json:"-"`
}

// typed is a span in code points.
type typed struct {
	start, end int
	label      string
}

func (a typed) overlaps(b typed) bool { return a.start < b.end && b.start < a.end }

// IoU is the intersection over union of two spans' code-point ranges.
func IoU(aStart, aEnd, bStart, bEnd int) float64 {
	inter := min(aEnd, bEnd) - max(aStart, bStart)
	if inter <= 0 {
		return 0
	}
	union := max(aEnd, bEnd) - min(aStart, bStart)
	return float64(inter) / float64(union)
}

// iouEps absorbs floating-point error so that an IoU of exactly the
// threshold (9/10 against 0.9) matches.
const iouEps = 1e-9

type recordResult struct {
	span, exact, token  map[string]*Counts
	anySpan, anyToken   Counts
	gold, leaked        map[string]int
	goldAll, leakedAll  int
	confusion           map[[2]string]int
	unscored            map[string]int
	ignoredPred, ignGld int
	errors              []Error
	dur                 time.Duration
}

func counts(m map[string]*Counts, k string) *Counts {
	c, ok := m[k]
	if !ok {
		c = &Counts{}
		m[k] = c
	}
	return c
}

// Evaluate runs detect over records in parallel and scores it. The result
// does not depend on the number of workers.
func Evaluate(ctx context.Context, records []Record, detect Detector, opts Options) (*Report, error) {
	if detect == nil {
		return nil, errors.New("evaluate: nil detector")
	}
	opts.defaults()
	scored := map[string]bool{}
	for _, r := range records {
		for _, s := range r.Spans {
			if l, keep := opts.LabelMap.Apply(s.Label); keep {
				scored[l] = true
			}
		}
	}
	for _, t := range opts.LabelMap.Targets() {
		scored[t] = true
	}
	if opts.ScoreAllTypes {
		scored = nil
	}

	results := make([]recordResult, len(records))
	start := time.Now()
	ctxErr := parallel.Each(ctx, len(records), opts.Workers, func(i int) {
		results[i] = evalRecord(i, records[i], detect, scored, &opts)
		if opts.Progress != nil {
			opts.Progress()
		}
	})
	if ctxErr != nil {
		return nil, fmt.Errorf("evaluate: %w", ctxErr)
	}
	wall := time.Since(start)
	rep := aggregate(results, &opts)
	rep.Records = len(records)
	rep.Config.IoU, rep.Config.Beta = opts.IoU, opts.Beta
	rep.Config.AddressBlocks = opts.AddressBlocks
	rep.WallSeconds = wall.Seconds()
	return rep, nil
}

func evalRecord(idx int, rec Record, detect Detector, scored map[string]bool, opts *Options) recordResult {
	res := recordResult{
		span: map[string]*Counts{}, exact: map[string]*Counts{}, token: map[string]*Counts{},
		gold: map[string]int{}, leaked: map[string]int{}, confusion: map[[2]string]int{},
		unscored: map[string]int{},
	}
	off := newOffsets(rec.Text)
	var gold, ignored []typed
	for _, s := range rec.Spans {
		t := typed{off.runeAt(s.Start), off.runeAt(s.End), ""}
		l, keep := opts.LabelMap.Apply(s.Label)
		t.label = l
		if keep {
			gold = append(gold, t)
		} else {
			ignored = append(ignored, t)
		}
	}
	res.ignGld = len(ignored)

	t0 := time.Now()
	raw := detect(rec.Text)
	res.dur = time.Since(t0)

	// All predictions, for the leak rate.
	var all []typed
	seen := map[typed]bool{}
	for _, s := range raw {
		p := typed{off.runeAt(s.Start), off.runeAt(s.End), strings.ToUpper(s.Type)}
		if p.end <= p.start || seen[p] {
			continue
		}
		seen[p] = true
		all = append(all, p)
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].start != all[j].start {
			return all[i].start < all[j].start
		}
		if all[i].end != all[j].end {
			return all[i].end < all[j].end
		}
		return all[i].label < all[j].label
	})

	// Leak: gold code points (not whitespace) covered by no prediction.
	runes := []rune(rec.Text)
	covered := make([]bool, len(runes))
	for _, p := range all {
		for i := p.start; i < p.end && i < len(covered); i++ {
			covered[i] = true
		}
	}
	// Overlapping gold spans count each code point once, per type and overall.
	goldLeak := make([]int, len(gold))
	var seenAll []bool
	seenType := map[string][]bool{}
	if len(gold) > 0 {
		seenAll = make([]bool, len(runes))
	}
	for gi, g := range gold {
		seen := seenType[g.label]
		if seen == nil {
			seen = make([]bool, len(runes))
			seenType[g.label] = seen
		}
		for i := g.start; i < g.end; i++ {
			if unicode.IsSpace(runes[i]) {
				continue
			}
			if !covered[i] {
				goldLeak[gi]++
			}
			if !seen[i] {
				seen[i] = true
				res.gold[g.label]++
				if !covered[i] {
					res.leaked[g.label]++
				}
			}
			if !seenAll[i] {
				seenAll[i] = true
				res.goldAll++
				if !covered[i] {
					res.leakedAll++
				}
			}
		}
	}

	if opts.AddressBlocks {
		gold = addressBlocks(gold, runes)
	}

	// Scored predictions.
	var preds []typed
	for _, p := range all {
		if scored != nil && !scored[p.label] {
			res.unscored[p.label]++
			continue
		}
		if overlapsAny(p, ignored) && !overlapsAny(p, gold) {
			res.ignoredPred++
			continue
		}
		preds = append(preds, p)
	}
	if opts.AddressBlocks {
		preds = addressBlocks(preds, runes)
	}

	// Span level: same-type matches first, then wrong-type matches.
	gm := unmatched(len(gold)) // index of the matched prediction, or -1
	pm := unmatched(len(preds))
	gBest := make([]float64, len(gold))
	pBest := make([]float64, len(preds))
	for gi, g := range gold {
		for pi, p := range preds {
			v := IoU(g.start, g.end, p.start, p.end)
			gBest[gi] = max(gBest[gi], v)
			pBest[pi] = max(pBest[pi], v)
		}
	}
	match(gold, preds, gm, pm, opts.IoU, true)
	match(gold, preds, gm, pm, opts.IoU, false) // leftovers: wrong type
	for gi, g := range gold {
		switch {
		case gm[gi] >= 0 && preds[gm[gi]].label == g.label:
			counts(res.span, g.label).TP++
			res.anySpan.TP++
			res.confusion[[2]string{g.label, g.label}]++
		case gm[gi] >= 0:
			p := preds[gm[gi]]
			counts(res.span, g.label).FN++
			counts(res.span, p.label).FP++
			res.anySpan.TP++
			res.confusion[[2]string{g.label, p.label}]++
			res.errors = append(res.errors, mkError(idx, rec, runes, KindWrongType, g.label, p.label, g, gBest[gi], 0, opts))
		default:
			counts(res.span, g.label).FN++
			res.anySpan.FN++
			res.confusion[[2]string{g.label, None}]++
			res.errors = append(res.errors, mkError(idx, rec, runes, KindFN, g.label, "", g, gBest[gi], goldLeak[gi], opts))
		}
	}
	for pi, p := range preds {
		if pm[pi] < 0 {
			counts(res.span, p.label).FP++
			res.anySpan.FP++
			res.confusion[[2]string{None, p.label}]++
			res.errors = append(res.errors, mkError(idx, rec, runes, KindFP, "", p.label, p, pBest[pi], 0, opts))
		}
	}
	sort.SliceStable(res.errors, func(i, j int) bool { return res.errors[i].Start < res.errors[j].Start })

	// Exact match.
	em, epm := unmatched(len(gold)), unmatched(len(preds))
	match(gold, preds, em, epm, 1, true)
	for gi, g := range gold {
		if em[gi] >= 0 {
			counts(res.exact, g.label).TP++
		} else {
			counts(res.exact, g.label).FN++
		}
	}
	for pi, p := range preds {
		if epm[pi] < 0 {
			counts(res.exact, p.label).FP++
		}
	}

	// Token level.
	for _, tok := range tokenize(runes) {
		g, p := labelAt(tok, gold), labelAt(tok, preds)
		if g == None && overlapsAny(tok, ignored) {
			continue
		}
		if g != None && p == g {
			counts(res.token, g).TP++
		} else {
			if g != None {
				counts(res.token, g).FN++
			}
			if p != None {
				counts(res.token, p).FP++
			}
		}
		switch {
		case g != None && p != None:
			res.anyToken.TP++
		case g != None:
			res.anyToken.FN++
		case p != None:
			res.anyToken.FP++
		}
	}
	return res
}

// Labels joined by Options.AddressBlocks.
const (
	labelAddress  = "STREET_ADDRESS"
	labelLocation = "LOCATION"
)

// addressBlocks joins runs of STREET_ADDRESS and LOCATION spans that only
// separators part, and that hold a STREET_ADDRESS, into one STREET_ADDRESS
// span. spans must be sorted by start; other spans pass through.
func addressBlocks(spans []typed, runes []rune) []typed {
	spans = append([]typed(nil), spans...)
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	isAddr := func(t typed) bool { return t.label == labelAddress || t.label == labelLocation }
	out := spans[:0]
	for i := 0; i < len(spans); {
		if !isAddr(spans[i]) {
			out = append(out, spans[i])
			i++
			continue
		}
		block, hasStreet := spans[i], spans[i].label == labelAddress
		j := i + 1
		for ; j < len(spans) && isAddr(spans[j]) && onlySeparators(runes, block.end, spans[j].start); j++ {
			block.end = max(block.end, spans[j].end)
			hasStreet = hasStreet || spans[j].label == labelAddress
		}
		if hasStreet && j-i > 1 {
			block.label = labelAddress
			out = append(out, block)
		} else {
			out = append(out, spans[i:j]...)
		}
		i = j
	}
	return out
}

// onlySeparators reports whether runes[from:to] holds nothing but spaces
// and commas (an overlap, from ≥ to, counts as joined). A full stop ends a
// sentence as often as an abbreviation, so it parts.
func onlySeparators(runes []rune, from, to int) bool {
	for i := from; i < to; i++ {
		switch r := runes[i]; {
		case unicode.IsSpace(r), r == ',':
		default:
			return false
		}
	}
	return true
}

func unmatched(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = -1
	}
	return s
}

// match greedily pairs still unmatched gold and predicted spans with IoU ≥
// thr by falling IoU (ties: earlier gold, then earlier prediction); gm[g]
// and pm[p] receive each other's index.
func match(gold, preds []typed, gm, pm []int, thr float64, sameType bool) {
	type cand struct {
		g, p int
		iou  float64
	}
	var cs []cand
	for gi, g := range gold {
		if gm[gi] >= 0 {
			continue
		}
		for pi, p := range preds {
			if pm[pi] >= 0 || (sameType && g.label != p.label) {
				continue
			}
			if v := IoU(g.start, g.end, p.start, p.end); v > 0 && v >= thr-iouEps {
				cs = append(cs, cand{gi, pi, v})
			}
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].iou > cs[j].iou })
	for _, c := range cs {
		if gm[c.g] < 0 && pm[c.p] < 0 {
			gm[c.g], pm[c.p] = c.p, c.g
		}
	}
}

func overlapsAny(t typed, spans []typed) bool {
	for _, s := range spans {
		if t.overlaps(s) {
			return true
		}
	}
	return false
}

// labelAt is the label of the longest span overlapping tok, or None.
func labelAt(tok typed, spans []typed) string {
	l, best := None, 0
	for _, s := range spans {
		if tok.overlaps(s) && s.end-s.start > best {
			l, best = s.label, s.end-s.start
		}
	}
	return l
}

// tokenize splits text into tokens: runs of letters, digits and marks, and
// every other non-space character alone.
func tokenize(runes []rune) []typed {
	var out []typed
	word := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }
	for i := 0; i < len(runes); {
		r := runes[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case word(r):
			j := i + 1
			for j < len(runes) && word(runes[j]) {
				j++
			}
			out = append(out, typed{i, j, ""})
			i = j
		default:
			out = append(out, typed{i, i + 1, ""})
			i++
		}
	}
	return out
}

func mkError(idx int, rec Record, runes []rune, kind ErrorKind, gold, pred string, s typed, overlap float64, leaked int, opts *Options) Error {
	lo := max(0, s.start-opts.ContextChars)
	hi := min(len(runes), s.end+opts.ContextChars)
	ctx := string(runes[lo:s.start]) + "[[" + string(runes[s.start:s.end]) + "]]" + string(runes[s.end:hi])
	return Error{
		Record: idx, Source: rec.Source, Kind: kind, Gold: gold, Pred: pred,
		Start: s.start, End: s.end, Text: string(runes[s.start:s.end]), Context: ctx,
		Overlap: math.Round(overlap*1000) / 1000, Leaked: leaked,
	}
}

func aggregate(results []recordResult, opts *Options) *Report {
	rep := &Report{
		Entities:  map[string]*EntityReport{},
		Confusion: map[string]map[string]int{},
		Unscored:  map[string]int{},
	}
	span, exact, token := map[string]*Counts{}, map[string]*Counts{}, map[string]*Counts{}
	gold, leaked := map[string]int{}, map[string]int{}
	var anySpan, anyToken Counts
	var dur time.Duration
	for _, r := range results {
		for k, c := range r.span {
			counts(span, k).add(*c)
		}
		for k, c := range r.exact {
			counts(exact, k).add(*c)
		}
		for k, c := range r.token {
			counts(token, k).add(*c)
		}
		for k, n := range r.gold {
			gold[k] += n
		}
		for k, n := range r.leaked {
			leaked[k] += n
		}
		for k, n := range r.confusion {
			row := rep.Confusion[k[0]]
			if row == nil {
				row = map[string]int{}
				rep.Confusion[k[0]] = row
			}
			row[k[1]] += n
		}
		for k, n := range r.unscored {
			rep.Unscored[k] += n
		}
		rep.GoldChars += r.goldAll
		rep.LeakedChars += r.leakedAll
		anySpan.add(r.anySpan)
		anyToken.add(r.anyToken)
		rep.IgnoredPredictions += r.ignoredPred
		rep.IgnoredGold += r.ignGld
		rep.Errors = append(rep.Errors, r.errors...)
		dur += r.dur
	}
	types := map[string]bool{}
	for k := range span {
		types[k] = true
	}
	for k := range token {
		types[k] = true
	}
	var micro, microExact, microToken Counts
	var withSupport []Scores
	for t := range types {
		e := &EntityReport{
			Scores:      counts(span, t).Scores(opts.Beta),
			Exact:       counts(exact, t).Scores(opts.Beta),
			Token:       counts(token, t).Scores(opts.Beta),
			GoldChars:   gold[t],
			LeakedChars: leaked[t],
		}
		if gold[t] > 0 {
			e.LeakRate = float64(leaked[t]) / float64(gold[t])
		}
		rep.Entities[t] = e
		micro.add(*span[t])
		microExact.add(*exact[t])
		microToken.add(*token[t])
		if e.Support > 0 {
			withSupport = append(withSupport, e.Scores)
		}
	}
	rep.Overall = micro.Scores(opts.Beta)
	rep.Exact = microExact.Scores(opts.Beta)
	rep.Token = microToken.Scores(opts.Beta)
	rep.Macro = macro(withSupport, opts.Beta)
	rep.AnyPII = anySpan.Scores(opts.Beta)
	rep.AnyPIIToken = anyToken.Scores(opts.Beta)
	if rep.GoldChars > 0 {
		rep.LeakRate = float64(rep.LeakedChars) / float64(rep.GoldChars)
	}
	if len(results) > 0 {
		rep.MsPerRecord = float64(dur.Microseconds()) / 1000 / float64(len(results))
	}
	return rep
}

// EntityNames returns the report's entity types, sorted.
func (r *Report) EntityNames() []string {
	out := make([]string, 0, len(r.Entities))
	for k := range r.Entities {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
