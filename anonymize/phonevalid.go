package anonymize

import (
	"regexp/syntax"
	"strconv"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// This file answers phonenumbers.IsValidNumber for a number given as
// country code and national significant number, with the same metadata
// but without regular expressions: every number pattern of a region is
// compiled once into a table-driven automaton over the ten digits. The
// library matches up to twenty anchored regular expressions per number
// (each type's pattern twice, with a cache lookup under a lock and a
// string concatenation each time), about half of the time spent on a
// chat message that holds a phone number.

// digitDFA is a deterministic automaton over the digits 0–9.
type digitDFA struct {
	next   [][10]int32 // state → digit → state; -1 is the dead state
	accept []bool      // the pattern matches the digits read so far
}

// maxDFAStates bounds an automaton; a pattern needing more falls back to
// the regular expression.
const maxDFAStates = 4096

// compileDigitDFA builds the automaton of a pattern of the metadata. ok is
// false when the pattern uses something other than digit classes,
// alternation, grouping and repetition (word boundaries, anchors), or
// needs too many states.
func compileDigitDFA(pattern string) (*digitDFA, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, false
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil, false
	}
	// closure adds pc and what it reaches without reading a digit; only
	// rune and match instructions are kept.
	var closure func(pc uint32, seen []bool, set []uint32) ([]uint32, bool)
	closure = func(pc uint32, seen []bool, set []uint32) ([]uint32, bool) {
		if seen[pc] {
			return set, true
		}
		seen[pc] = true
		in := &prog.Inst[pc]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			var ok bool
			if set, ok = closure(in.Out, seen, set); !ok {
				return set, false
			}
			return closure(in.Arg, seen, set)
		case syntax.InstCapture, syntax.InstNop:
			return closure(in.Out, seen, set)
		case syntax.InstFail:
			return set, true
		case syntax.InstMatch, syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			return append(set, pc), true
		default: // empty-width assertions
			return set, false
		}
	}
	d := &digitDFA{}
	index := map[string]int32{}
	var sets [][]uint32
	key := func(set []uint32) string {
		b := make([]byte, 0, 4*len(set))
		for _, pc := range set {
			b = strconv.AppendUint(b, uint64(pc), 36)
			b = append(b, ',')
		}
		return string(b)
	}
	add := func(set []uint32) int32 {
		// Sort the set so that equal sets get equal keys.
		for i := 1; i < len(set); i++ {
			for j := i; j > 0 && set[j] < set[j-1]; j-- {
				set[j], set[j-1] = set[j-1], set[j]
			}
		}
		k := key(set)
		if s, ok := index[k]; ok {
			return s
		}
		s := int32(len(sets))
		index[k] = s
		sets = append(sets, set)
		acc := false
		for _, pc := range set {
			acc = acc || prog.Inst[pc].Op == syntax.InstMatch
		}
		d.accept = append(d.accept, acc)
		d.next = append(d.next, [10]int32{})
		return s
	}
	start, ok := closure(uint32(prog.Start), make([]bool, len(prog.Inst)), nil)
	if !ok {
		return nil, false
	}
	add(start)
	for s := 0; s < len(sets); s++ {
		if len(sets) > maxDFAStates {
			return nil, false
		}
		for digit := range 10 {
			seen := make([]bool, len(prog.Inst))
			var next []uint32
			for _, pc := range sets[s] {
				in := &prog.Inst[pc]
				if in.Op == syntax.InstMatch || !in.MatchRune(rune('0'+digit)) {
					continue
				}
				if next, ok = closure(in.Out, seen, next); !ok {
					return nil, false
				}
			}
			if len(next) == 0 {
				d.next[s][digit] = -1
				continue
			}
			d.next[s][digit] = add(next)
		}
	}
	return d, true
}

// full reports whether the automaton accepts all of nsn (ASCII digits).
func (d *digitDFA) full(nsn string) bool {
	s := int32(0)
	for i := 0; i < len(nsn); i++ {
		if s = d.next[s][nsn[i]-'0']; s < 0 {
			return false
		}
	}
	return d.accept[s]
}

// prefix reports whether the automaton accepts some prefix of nsn.
func (d *digitDFA) prefix(nsn string) bool {
	s := int32(0)
	for i := 0; i < len(nsn); i++ {
		if d.accept[s] {
			return true
		}
		if s = d.next[s][nsn[i]-'0']; s < 0 {
			return false
		}
	}
	return d.accept[s]
}

// phoneDesc is one number type of a region: possible lengths and pattern.
type phoneDesc struct {
	lengths []int32 // none: any length
	dfa     *digitDFA
}

// matches is the library's isNumberMatchingDesc.
func (p *phoneDesc) matches(nsn string) bool {
	if p == nil {
		return false
	}
	if len(p.lengths) > 0 {
		found := false
		for _, l := range p.lengths {
			found = found || int(l) == len(nsn)
		}
		if !found {
			return false
		}
	}
	return p.dfa.full(nsn)
}

// phoneRegionTypes is a region's number types in the order the library's
// getNumberTypeHelper tries them.
type phoneRegionTypes struct {
	general        *phoneDesc
	special        []*phoneDesc // premium, toll free, shared cost, VoIP, personal, pager, UAN, voicemail
	fixed, mobile  *phoneDesc
	sameFixMobile  bool
	leadingDigits  *digitDFA // nil: none
	hasLeadingDigs bool
}

// valid is getNumberTypeHelper(nsn) != UNKNOWN.
func (r *phoneRegionTypes) valid(nsn string) bool {
	if !r.general.matches(nsn) {
		return false
	}
	for _, d := range r.special {
		if d.matches(nsn) {
			return true
		}
	}
	if r.fixed.matches(nsn) {
		return true
	}
	return !r.sameFixMobile && r.mobile.matches(nsn)
}

// phoneMetadata maps a region code ("001:" and the calling code for
// non-geographic entities) to the metadata libphonenumber embeds.
var phoneMetadata = sync.OnceValue(func() map[string]*phonenumbers.PhoneMetadata {
	out := map[string]*phonenumbers.PhoneMetadata{}
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return out
	}
	for _, md := range coll.GetMetadata() {
		key := md.GetId()
		if key == "001" {
			key += ":" + strconv.Itoa(int(md.GetCountryCode()))
		}
		out[key] = md
	}
	return out
})

// phoneTypeCache holds the compiled number types of the regions met so
// far (a region compiles in well under a millisecond; all 254 take ~80 ms,
// not worth paying at start-up). A nil entry marks a region whose patterns
// have no automaton: its numbers go to the library.
var phoneTypeCache struct {
	regions sync.Map // key → *phoneRegionTypes
	mu      sync.Mutex
	dfas    map[string]*digitDFA // by pattern; nil: not compilable (under mu)
}

// phoneTypesFor returns the compiled number types of a region key (see
// phoneMetadata), or nil.
func phoneTypesFor(key string) *phoneRegionTypes {
	c := &phoneTypeCache
	if r, ok := c.regions.Load(key); ok {
		return r.(*phoneRegionTypes)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if r, ok := c.regions.Load(key); ok {
		return r.(*phoneRegionTypes)
	}
	if c.dfas == nil {
		c.dfas = map[string]*digitDFA{}
	}
	r := compilePhoneTypes(phoneMetadata()[key], c.dfas)
	c.regions.Store(key, r)
	return r
}

// compilePhoneTypes compiles a region's number types, or returns nil.
func compilePhoneTypes(md *phonenumbers.PhoneMetadata, dfas map[string]*digitDFA) *phoneRegionTypes {
	if md == nil {
		return nil
	}
	compile := func(p string) (*digitDFA, bool) {
		if d, ok := dfas[p]; ok {
			return d, d != nil
		}
		d, ok := compileDigitDFA(p)
		dfas[p] = d
		return d, ok
	}
	desc := func(nd *phonenumbers.PhoneNumberDesc) (*phoneDesc, bool) {
		if nd == nil {
			return nil, true
		}
		d, ok := compile(nd.GetNationalNumberPattern())
		return &phoneDesc{lengths: nd.GetPossibleLength(), dfa: d}, ok
	}
	r := &phoneRegionTypes{sameFixMobile: md.GetSameMobileAndFixedLinePattern()}
	var ok bool
	if r.general, ok = desc(md.GetGeneralDesc()); !ok {
		return nil
	}
	for _, nd := range []*phonenumbers.PhoneNumberDesc{md.GetPremiumRate(), md.GetTollFree(), md.GetSharedCost(), md.GetVoip(),
		md.GetPersonalNumber(), md.GetPager(), md.GetUan(), md.GetVoicemail()} {
		d, ok := desc(nd)
		if !ok {
			return nil
		}
		if d != nil {
			r.special = append(r.special, d)
		}
	}
	if r.fixed, ok = desc(md.GetFixedLine()); !ok {
		return nil
	}
	if r.mobile, ok = desc(md.GetMobile()); !ok {
		return nil
	}
	if ld := md.GetLeadingDigits(); ld != "" {
		r.hasLeadingDigs = true
		if r.leadingDigits, ok = compile(ld); !ok {
			return nil
		}
	}
	return r
}

// isValidPhone is phonenumbers.IsValidNumber for the number cc + nsn, nsn
// being the national significant number with any leading zeros. It asks
// the library only for regions whose patterns have no automaton.
func isValidPhone(cc int, nsn string, num *phonenumbers.PhoneNumber) bool {
	regions := phonenumbers.GetRegionCodesForCountryCode(cc)
	// GetRegionCodeForNumber: the only region, or the first whose leading
	// digits (or, lacking them, whose number types) take the number.
	region := ""
	switch len(regions) {
	case 0:
		return false
	case 1:
		region = regions[0]
	default:
		for _, rc := range regions {
			t := phoneTypesFor(rc)
			if t == nil {
				return phonenumbers.IsValidNumber(num)
			}
			if t.hasLeadingDigs && t.leadingDigits.prefix(nsn) || !t.hasLeadingDigs && t.valid(nsn) {
				region = rc
				break
			}
		}
		if region == "" {
			return false
		}
	}
	key := region
	if region == "001" {
		key += ":" + strconv.Itoa(cc)
	}
	t := phoneTypesFor(key)
	if t == nil {
		return phonenumbers.IsValidNumber(num)
	}
	return t.valid(nsn)
}
