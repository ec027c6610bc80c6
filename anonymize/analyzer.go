package anonymize

import (
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// AnalyzerConfig configures an Analyzer.
type AnalyzerConfig struct {
	// Threshold drops spans scoring below it before conflicts are resolved.
	Threshold float64 `yaml:"threshold" json:"threshold"`
	// Language is the default language ("en", "es") when a call sets none.
	Language string `yaml:"language" json:"language"`
	// Region is the default phone region (ISO 3166-1 alpha-2, e.g. "ES")
	// when a call sets none.
	Region string `yaml:"region" json:"region"`
	// Disabled names built-in or given recognizers to leave out.
	Disabled []string `yaml:"disabled" json:"disabled,omitempty"`
	// AllowList values are never reported (whole span, case-insensitive):
	// the business's own support e-mail or phone, a product called "Paris".
	AllowList []string `yaml:"allow_list" json:"allow_list,omitempty"`
	// DenyList maps an entity type to values always reported as that type.
	DenyList map[string][]string `yaml:"deny_list" json:"deny_list,omitempty"`
	// Patterns are custom regex recognizers.
	Patterns []PatternConfig `yaml:"patterns" json:"patterns,omitempty"`
	// Context adds context words: language ("" for all) → entity type →
	// words. A context word near an unvalidated span raises its score.
	Context map[string]map[string][]string `yaml:"context" json:"context,omitempty"`
	// NegativeContext words, in the same shape, lower the score of an
	// unvalidated span near them by 0.3 ("order", "ref" before a number
	// that could be a phone).
	NegativeContext map[string]map[string][]string `yaml:"negative_context" json:"negative_context,omitempty"`
}

// DefaultAnalyzerConfig is the configuration DefaultAnalyzer uses.
func DefaultAnalyzerConfig() AnalyzerConfig {
	return AnalyzerConfig{Threshold: 0.4, Language: "en"}
}

// AnalyzeOptions is what one Analyze call knows about its text. Recognizers
// that implement OptionsRecognizer receive it.
type AnalyzeOptions struct {
	Language string // "en", "es"; lower case
	Region   string // default region for national phone numbers, upper case

	// minScore is the analyzer's threshold: a recognizer may skip work
	// whose best outcome scores below it (a phone without context or
	// format is never parsed when it could only reach 0.3).
	minScore float64
}

// AnalyzeOption sets a field of AnalyzeOptions.
type AnalyzeOption func(*AnalyzeOptions)

// WithLanguage sets the language of the analysed text ("en", "es").
func WithLanguage(lang string) AnalyzeOption {
	return func(o *AnalyzeOptions) {
		if lang != "" {
			o.Language = asciiLower(lang)
		}
	}
}

// WithRegion sets the default region used to read national phone numbers,
// e.g. RegionForNumber(waID). An empty region keeps the configured default.
func WithRegion(region string) AnalyzeOption {
	return func(o *AnalyzeOptions) {
		if region != "" {
			o.Region = asciiUpper(region)
		}
	}
}

// OptionsRecognizer is a Recognizer whose results depend on the language or
// region of the text. The Analyzer calls RecognizeWithOptions instead of
// Recognize when a recognizer implements it.
type OptionsRecognizer interface {
	Recognizer
	RecognizeWithOptions(text string, o AnalyzeOptions) []Span
}

// Analyzer runs recognizers over a text and resolves their overlaps.
// It is safe for concurrent use.
type Analyzer struct {
	cfg      AnalyzerConfig
	recs     []Recognizer
	allow    map[string]bool
	context  map[string]map[string]map[string]bool // lang → type → words
	negative map[string]map[string]map[string]bool
	plan     []recPlan                         // per recognizer, what Analyze needs to know
	boost    map[string]map[string]contextSets // language → type → context words (buildBoost)
	// byClass lists, for each set of byte classes a text can have, the
	// plans whose needMask it passes, in order: Analyze walks only those.
	byClass [clsAll + 1][]int
}

// recPlan is how Analyze runs one recognizer: its prefilters and the form
// to call, asserted once rather than per call.
type recPlan struct {
	needMask  uint8  // trigger bytes as byte classes (0 = none, or see needs)
	needs     string // trigger bytes no class covers: one must be present
	minDigits int    // the fewest ASCII digits a text needs for a match
	doc       docRecognizer
	digit     digitScanner
	opt       OptionsRecognizer
	rec       Recognizer
}

// digitScanner is implemented by built-in byte-scan recognizers whose
// matches all start within a few bytes before an ASCII digit: the
// analyzer passes the offset of the text's first digit (0 when it has
// none or does not know), and the scan starts there.
type digitScanner interface {
	recognizeAfterDigit(text string, o AnalyzeOptions, firstDigit int) []Span
}

// ErrNoRecognizers is returned by NewAnalyzer when it is given none; pass
// DefaultRecognizers() for the built-in set.
var ErrNoRecognizers = errors.New("anonymize: no recognizers")

// NewAnalyzer returns an analyzer running recs. Recognizer names must be
// unique and non-empty.
func NewAnalyzer(cfg AnalyzerConfig, recs ...Recognizer) (*Analyzer, error) {
	for _, pc := range cfg.Patterns {
		p, err := NewPatternRecognizer(pc)
		if err != nil {
			return nil, err
		}
		recs = append(recs, p)
	}
	denyTypes := make([]string, 0, len(cfg.DenyList))
	for typ := range cfg.DenyList {
		denyTypes = append(denyTypes, typ)
	}
	slices.Sort(denyTypes)
	for _, typ := range denyTypes {
		d, err := NewDenyListRecognizer("deny_list_"+strings.ToLower(typ), typ, cfg.DenyList[typ])
		if err != nil {
			return nil, err
		}
		recs = append(recs, d)
	}
	if len(cfg.Disabled) > 0 {
		off := wordSet(cfg.Disabled...)
		recs = slices.DeleteFunc(slices.Clone(recs), func(r Recognizer) bool { return r != nil && off[strings.ToLower(r.Name())] })
	}
	if len(recs) == 0 {
		return nil, ErrNoRecognizers
	}
	if cfg.Threshold < 0 || cfg.Threshold > 1 {
		return nil, fmt.Errorf("anonymize: threshold %v outside [0,1]", cfg.Threshold)
	}
	seen := make(map[string]bool, len(recs))
	for i, r := range recs {
		if r == nil {
			return nil, fmt.Errorf("anonymize: recognizer %d is nil", i)
		}
		n := r.Name()
		if n == "" {
			return nil, fmt.Errorf("anonymize: recognizer %d has no name", i)
		}
		if seen[n] {
			return nil, fmt.Errorf("anonymize: duplicate recognizer %q", n)
		}
		seen[n] = true
	}
	if cfg.Language == "" {
		cfg.Language = "en"
	}
	cfg.Language = asciiLower(cfg.Language)
	cfg.Region = asciiUpper(cfg.Region)
	a := &Analyzer{cfg: cfg, recs: slices.Clone(recs), context: buildContext(cfg.Context), negative: buildWordMap(cfg.NegativeContext)}
	a.boost = a.buildBoost()
	a.plan = make([]recPlan, len(a.recs))
	for i, r := range a.recs {
		p := &a.plan[i]
		p.rec = r
		if nb, ok := r.(needsBytes); ok {
			if p.needMask = classMask(nb.needs()); p.needMask == 0 {
				p.needs = nb.needs()
			}
		}
		if md, ok := r.(needsDigits); ok {
			p.minDigits = md.minDigits()
		}
		p.doc, _ = r.(docRecognizer)
		p.digit, _ = r.(digitScanner)
		p.opt, _ = r.(OptionsRecognizer)
		if p.doc != nil {
			// Load the gazetteers now (~40 ms) rather than on the first
			// message.
			loadGazetteer()
		}
		if pr, ok := r.(*PhoneRecognizer); ok {
			// Likewise the phone parse metadata (~2 ms), the number
			// patterns of the regions a national number is read in
			// (~0.3 ms each) and the gazetteer (street words after a
			// number).
			phoneMeta()
			for _, region := range append(pr.regions(AnalyzeOptions{}), cfg.Region) {
				if region != "" {
					phoneTypesFor(region)
				}
			}
			loadGazetteer()
		}
	}
	for c := range a.byClass {
		for i, p := range a.plan {
			if p.needMask == 0 || uint8(c)&p.needMask != 0 {
				a.byClass[c] = append(a.byClass[c], i)
			}
		}
	}
	if len(cfg.AllowList) > 0 {
		a.allow = make(map[string]bool, len(cfg.AllowList))
		for _, v := range cfg.AllowList {
			a.allow[strings.ToLower(strings.TrimSpace(v))] = true
		}
	}
	return a, nil
}

// DefaultAnalyzer returns an analyzer with every built-in recognizer on and
// DefaultAnalyzerConfig.
func DefaultAnalyzer() *Analyzer {
	a, err := NewAnalyzer(DefaultAnalyzerConfig(), DefaultRecognizers()...)
	if err != nil {
		panic("anonymize: default analyzer: " + err.Error())
	}
	return a
}

// Recognizers returns the analyzer's recognizers, in order.
func (a *Analyzer) Recognizers() []Recognizer { return slices.Clone(a.recs) }

// Options returns the options an Analyze call with opts would use.
func (a *Analyzer) Options(opts ...AnalyzeOption) AnalyzeOptions {
	base := AnalyzeOptions{Language: a.cfg.Language, Region: a.cfg.Region, minScore: a.cfg.Threshold}
	if len(opts) == 0 {
		return base
	}
	o := base
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	return o
}

// Analyze returns the personal data found in text: non-overlapping spans,
// sorted by Start, on rune boundaries.
func (a *Analyzer) Analyze(text string, opts ...AnalyzeOption) []Span {
	d := newDoc(text)
	defer d.release()
	// The options are set in the pooled doc: an option function writing
	// through a pointer would otherwise move them to the heap every call.
	d.opts = AnalyzeOptions{Language: a.cfg.Language, Region: a.cfg.Region, minScore: a.cfg.Threshold}
	for _, f := range opts {
		if f != nil {
			f(&d.opts)
		}
	}
	o := d.opts
	// Candidates gather in the doc's pooled buffer; resolve copies the
	// winners out.
	all := d.spanBuf[:0]
	// One pass over the bytes: which trigger classes occur, and how many
	// digits. Only a recognizer needing some other byte pays for a table
	// of every byte present.
	classes, digits, firstDigit := scanClasses(text)
	var present *[256]bool
	var boost map[string]contextSets // the language's context words, looked up on the first span
	// Cheap prefilters: skip when the text lacks every byte needed (the
	// plans byClass leaves out), or has too few digits.
	for _, pi := range a.byClass[classes&clsAll] {
		p := &a.plan[pi]
		if digits < p.minDigits {
			continue
		}
		if p.needs != "" {
			if present == nil {
				present = new([256]bool)
				for i := 0; i < len(text); i++ {
					present[text[i]] = true
				}
			}
			if !anyPresent(present, p.needs) {
				continue
			}
		}
		var got []Span
		switch {
		case p.doc != nil:
			got = p.doc.recognizeDoc(d)
		case p.digit != nil:
			got = p.digit.recognizeAfterDigit(text, o, firstDigit)
		case p.opt != nil:
			got = p.opt.RecognizeWithOptions(text, o)
		default:
			got = p.rec.Recognize(text)
		}
		for _, s := range got {
			if !validSpan(text, s) {
				continue
			}
			if boost == nil {
				boost = a.boostFor(o.Language)
			}
			contextBoost(text, boost, &s)
			if s.Score < a.cfg.Threshold {
				continue
			}
			if a.allow != nil && a.allow[strings.ToLower(text[s.Start:s.End])] {
				continue
			}
			if s.Recognizer == "" {
				s.Recognizer = p.rec.Name()
			}
			all = append(all, s)
		}
	}
	d.spanBuf = all[:0]
	switch len(all) {
	case 0:
		return nil
	case 1:
		// resolve returns a lone span in place: give the caller its own.
		all = []Span{all[0]}
	}
	return assembleAddresses(d, mergeAdjacent(text, resolve(text, all)))
}

// mergeAdjacent joins consecutive STREET_ADDRESS pieces separated only by
// spaces or a comma ("24 Clarke Avenue, Apt. 117") into one span: one
// address, one pseudonym. The merged span keeps the higher score and is
// validated only if both were.
func mergeAdjacent(text string, spans []Span) []Span {
	if len(spans) < 2 {
		return spans
	}
	out := spans[:1]
	for _, s := range spans[1:] {
		p := &out[len(out)-1]
		if p.Type == s.Type && s.Type == EntityStreetAddress && onlySeparators(text[p.End:s.Start]) {
			p.End = s.End
			p.Score = max(p.Score, s.Score)
			p.Validated = p.Validated && s.Validated
			continue
		}
		out = append(out, s)
	}
	return out
}

func onlySeparators(gap string) bool {
	if len(gap) > 3 {
		return false
	}
	for i := 0; i < len(gap); i++ {
		if gap[i] != ' ' && gap[i] != ',' {
			return false
		}
	}
	return true
}

// validSpan reports whether s is non-empty, inside text and on rune
// boundaries. Spans that are not are dropped: a buggy custom recognizer
// must not make the engine cut a rune in half.
func validSpan(text string, s Span) bool {
	if s.Start < 0 || s.End > len(text) || s.Start >= s.End {
		return false
	}
	return runeStart(text, s.Start) && runeStart(text, s.End)
}

// runeStart reports whether i is a rune boundary of text (len(text) is).
func runeStart(text string, i int) bool {
	if i == 0 || i == len(text) {
		return true
	}
	if utf8.RuneStart(text[i]) {
		return true
	}
	// A continuation byte is a boundary when it is not part of a valid
	// sequence: Go decodes each invalid byte as a rune of its own.
	j := i - 1
	for j > 0 && j > i-utf8.UTFMax && !utf8.RuneStart(text[j]) {
		j--
	}
	_, n := utf8.DecodeRuneInString(text[j:])
	return j+n <= i
}

// Resolve turns overlapping candidate spans into non-overlapping ones sorted
// by Start. Conflicts are won by, in order: a validated span over an
// unvalidated one, the longer span over the shorter (so a contained span
// loses), the higher score. An unvalidated loser that only partly overlaps
// keeps its part outside the winner (trimmed of spaces and punctuation)
// when that part still has a letter or digit. spans is reordered.
func Resolve(spans []Span) []Span { return resolve("", spans) }

// resolve is Resolve; with the text, partly overlapping losers are trimmed
// to their own part instead of dropped.
func resolve(text string, spans []Span) []Span {
	if len(spans) <= 1 {
		return spans
	}
	slices.SortFunc(spans, func(x, y Span) int {
		switch {
		case x.Validated != y.Validated:
			if x.Validated {
				return -1
			}
			return 1
		case x.Len() != y.Len():
			return y.Len() - x.Len()
		case x.Score != y.Score:
			if x.Score > y.Score {
				return -1
			}
			return 1
		default:
			return x.Start - y.Start
		}
	})
	out := make([]Span, 0, len(spans))
	// With many spans, owner[b] tells which accepted span covers byte b,
	// so that finding overlaps costs the span's length, not len(out).
	var owner []int32
	limit := 0
	if len(spans) > 64 {
		for _, s := range spans {
			limit = max(limit, s.End)
		}
		owner = make([]int32, limit)
	}
	overlapping := func(s Span) []int {
		if owner == nil {
			var idx []int
			for k, t := range out {
				if s.Overlaps(t) {
					idx = append(idx, k)
				}
			}
			return idx
		}
		var idx []int
		for b := s.Start; b < s.End; b++ {
			if o := owner[b]; o > 0 && (len(idx) == 0 || idx[len(idx)-1] != int(o-1)) {
				idx = append(idx, int(o-1))
			}
		}
		return idx
	}
	for _, s := range spans {
		ok := true
		for _, k := range overlapping(s) {
			t := out[k]
			if !s.Overlaps(t) {
				continue
			}
			// An unvalidated span sticking out of a winner keeps its own
			// part when that part is a whole word or more: "call Ana
			// ana@example.com" keeps the name next to the e-mail.
			if text != "" && !s.Validated && s.Start < t.Start && s.End <= t.End {
				s.End = t.Start
			} else if text != "" && !s.Validated && s.End > t.End && s.Start >= t.Start {
				s.Start = t.End
			} else {
				ok = false
				break
			}
		}
		if ok && trimSpan(text, &s) {
			out = append(out, s)
			if owner != nil {
				for b := s.Start; b < s.End; b++ {
					owner[b] = int32(len(out))
				}
			}
		}
	}
	slices.SortFunc(out, func(x, y Span) int { return x.Start - y.Start })
	return out
}

// needsBytes is implemented by built-in recognizers that can only find
// something when the text holds at least one of the bytes needs returns.
type needsBytes interface {
	needs() string
}

// needsDigits is implemented by built-in recognizers that can only find
// something in a text with at least minDigits ASCII digits: a card has
// 12, an SSN 9, a DNI or NIE 7.
type needsDigits interface {
	minDigits() int
}

func (CreditCardRecognizer) minDigits() int { return 12 }
func (USSSNRecognizer) minDigits() int      { return 9 }
func (ESNIFRecognizer) minDigits() int      { return 7 } // NIE: X + 7 digits
func (UKNINORecognizer) minDigits() int     { return 6 }
func (LatAmIDRecognizer) minDigits() int    { return 7 } // RUT 1.234.567-K; CURP has 7

func anyPresent(present *[256]bool, bytes string) bool {
	for i := 0; i < len(bytes); i++ {
		if present[bytes[i]] {
			return true
		}
	}
	return false
}

const digitBytes = "0123456789"

// Byte classes of the analyzer's prefilter: the trigger bytes of the
// built-in recognizers (needsBytes).
const (
	clsDigit uint8 = 1 << iota // must stay bit 0: Analyze adds it up as the digit count
	clsAt
	clsColon
	clsDot
	clsAll = clsDigit | clsAt | clsColon | clsDot
)

var byteClasses = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = clsDigit
	}
	t['@'], t[':'], t['.'] = clsAt, clsColon, clsDot
	return t
}()

// scanClasses returns the byte classes present in text, its number of
// ASCII digits and the offset of the first (len(text) when none). It reads
// eight bytes at a time: per byte lane, bit 7 of the sums below says
// whether the byte (its low seven bits; bytes with bit 7 set are never
// ASCII) is >= '0', > '9', or equal to a trigger byte.
func scanClasses(text string) (classes uint8, digits, firstDigit int) {
	const (
		lo7  = 0x7f7f7f7f7f7f7f7f
		hi   = 0x8080808080808080
		ones = 0x0101010101010101
	)
	firstDigit = len(text)
	var at, colon, dot uint64
	i := 0
	for ; i+8 <= len(text); i += 8 {
		x := le64(text[i:])
		ascii := ^x & hi
		y := x & lo7
		dig := (y + (0x80-'0')*ones) &^ (y + (0x80-'9'-1)*ones) & ascii
		if dig != 0 {
			if firstDigit == len(text) {
				firstDigit = i + bits.TrailingZeros64(dig)/8
			}
			digits += bits.OnesCount64(dig)
		}
		// A lane of y^c is zero exactly where the byte is c; adding 0x7f
		// sets bit 7 of every other lane without carrying across lanes.
		at |= zeroLanes(y^('@'*ones)) & ascii
		colon |= zeroLanes(y^(':'*ones)) & ascii
		dot |= zeroLanes(y^('.'*ones)) & ascii
	}
	if digits > 0 {
		classes |= clsDigit
	}
	if at != 0 {
		classes |= clsAt
	}
	if colon != 0 {
		classes |= clsColon
	}
	if dot != 0 {
		classes |= clsDot
	}
	for ; i < len(text); i++ {
		b := byteClasses[text[i]]
		classes |= b
		if b&clsDigit != 0 {
			if firstDigit == len(text) {
				firstDigit = i
			}
			digits++
		}
	}
	return classes, digits, firstDigit
}

// zeroLanes returns bit 7 of every byte lane of z (lanes of seven bits)
// that is zero.
func zeroLanes(z uint64) uint64 {
	const lo7, hi = 0x7f7f7f7f7f7f7f7f, 0x8080808080808080
	return ^((z + lo7) | z) & hi
}

// classMask returns the byte classes that hold exactly the bytes of need,
// or 0 when need has a byte of no class or only part of a class.
func classMask(need string) uint8 {
	var m uint8
	var in [256]bool
	for i := 0; i < len(need); i++ {
		c := byteClasses[need[i]]
		if c == 0 {
			return 0
		}
		m |= c
		in[need[i]] = true
	}
	for b := range 256 {
		if byteClasses[b]&m != 0 && !in[b] {
			return 0
		}
	}
	return m
}

func (EmailRecognizer) needs() string           { return "@" }
func (*PhoneRecognizer) needs() string          { return digitBytes }
func (CreditCardRecognizer) needs() string      { return digitBytes }
func (IBANRecognizer) needs() string            { return digitBytes }
func (IPRecognizer) needs() string              { return digitBytes + ":" }
func (URLRecognizer) needs() string             { return ":." }
func (MACRecognizer) needs() string             { return digitBytes }
func (CryptoRecognizer) needs() string          { return digitBytes }
func (USSSNRecognizer) needs() string           { return digitBytes }
func (UKNINORecognizer) needs() string          { return digitBytes }
func (ESNIFRecognizer) needs() string           { return digitBytes }
func (USDriverLicenseRecognizer) needs() string { return digitBytes }

// trimSpan trims spaces and separators from the ends of a span cut by
// resolve and reports whether a part worth keeping is left: one starting
// and ending at word boundaries, with a letter or digit.
func trimSpan(text string, s *Span) bool {
	if text == "" {
		return s.End > s.Start
	}
	for s.Start < s.End && strings.IndexByte(" \t\r\n,;:-(<", text[s.Start]) >= 0 {
		s.Start++
	}
	for s.End > s.Start && strings.IndexByte(" \t\r\n,;:-)>", text[s.End-1]) >= 0 {
		s.End--
	}
	if s.End <= s.Start || letterBefore(text, s.Start) && letterAt(text, s.Start) || letterBefore(text, s.End) && letterAt(text, s.End) {
		return false
	}
	for _, r := range text[s.Start:s.End] {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}
