package anonymize

import (
	"hash/maphash"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// PhoneRecognizer finds telephone numbers in international (+34 612 34 56
// 78, 0034…) and national formats, and validates them with libphonenumber
// (github.com/nyaruka/phonenumbers).
//
// Candidates are found by a byte scan (digits, '+', and the separators
// space - . ( ) /), never by regexp; a candidate must stand alone (no letter,
// digit or hex group glued to it, so GUIDs and codes such as AB-123456789
// are skipped) and must not look like a date or an IPv4 address.
//
// A number written with '+' or 00 is parsed as it is. A national number is
// read in the call's region (AnalyzeOptions.Region); with no region, a
// formatted national number (spaces, dashes, brackets) is tried in each
// fallback region. A bare run of digits is only taken with a phone word nearby
// ("call", "tel", "móvil"…) and never after an order/invoice/reference word.
// Numbers that libphonenumber rejects are still reported, unvalidated and
// with a lower score, when they are formatted like a phone number and a
// phone word is near.
type PhoneRecognizer struct {
	// Regions are tried, in order, for formatted national numbers when the
	// call sets no region. Empty means DefaultPhoneRegions.
	Regions []string
}

// DefaultPhoneRegions are the fallback regions of a PhoneRecognizer.
var DefaultPhoneRegions = []string{"US", "GB", "ES", "MX", "DE", "FR", "IT", "IN", "BR", "AU"}

var _ OptionsRecognizer = (*PhoneRecognizer)(nil)

// NewPhoneRecognizer returns a recognizer trying regions as fallbacks; none
// means DefaultPhoneRegions.
func NewPhoneRecognizer(regions ...string) *PhoneRecognizer {
	return &PhoneRecognizer{Regions: regions}
}

// Name implements Recognizer.
func (*PhoneRecognizer) Name() string { return "phone" }

var phoneContext = map[string]map[string]bool{
	"en": wordSet("phone", "phones", "tel", "telephone", "mobile", "cell", "cellphone", "call", "calling", "number", "num", "no",
		"whatsapp", "fax", "contact", "text", "sms", "reach", "ring", "landline", "desk", "office", "messages", "dial", "ph", "mob", "home", "work"),
	"es": wordSet("teléfono", "telefono", "tel", "tlf", "tfno", "móvil", "movil", "celular", "cel", "llamar", "llama", "llámame", "llamame",
		"llámeme", "número", "numero", "whatsapp", "fax", "contacto", "mensaje", "mensajes", "sms", "fijo", "oficina",
		"telf", "telfs", "telef", "tlfno", "tlfs", "tfnos", "teléf"),
}

// phoneContextBloom holds the wordBloom of each phoneContext set.
var phoneContextBloom = func() map[string]uint64 {
	out := map[string]uint64{}
	for lang, words := range phoneContext {
		out[lang] = wordBloom(words)
	}
	return out
}()

var phoneNegative = wordSet("order", "invoice", "ref", "reference", "tracking", "account", "acct", "id", "ticket", "booking",
	"confirmation", "serial", "po", "sku", "transaction", "case", "policy", "customer", "member", "iban", "card", "isbn",
	"pedido", "factura", "referencia", "seguimiento", "cuenta", "reserva", "expediente", "transacción", "transaccion",
	"póliza", "poliza", "cliente", "socio", "tarjeta", "dni", "nie", "nif", "ssn",
	"zip", "zipcode", "postal", "postcode", "cp", "license", "licence", "dl", "suite", "apt", "box", "unit", "psc",
	"cpf", "rut", "run", "cuit", "cuil", "curp", "rfc", "nss", "col", "nºcol", "colegiado", "nhc", "nass", "nuss", "cip", "sip", "episodio", "historia", "expediente", "dni", "nif")

// Recognize implements Recognizer with no region.
func (r *PhoneRecognizer) Recognize(text string) []Span {
	return r.RecognizeWithOptions(text, AnalyzeOptions{Language: "en"})
}

// RecognizeWithOptions implements OptionsRecognizer.
func (r *PhoneRecognizer) RecognizeWithOptions(text string, o AnalyzeOptions) []Span {
	return r.recognizeAfterDigit(text, o, 0)
}

// recognizeAfterDigit implements digitScanner: a candidate starts with a
// digit, or with '+' or '(' followed by at most three separators and a
// digit.
func (r *PhoneRecognizer) recognizeAfterDigit(text string, o AnalyzeOptions, firstDigit int) []Span {
	var out []Span
	for i := max(0, firstDigit-4); i < len(text); i++ {
		c := text[i]
		if !isDigit(c) {
			if (c != '+' && c != '(') || i+1 >= len(text) || !isDigit(text[i+1]) && text[i+1] != ' ' {
				continue
			}
		}
		if !phoneLeftBoundary(text, i) {
			continue
		}
		cand, ok := scanPhone(text, i)
		if !ok {
			if cand.digits > 15 {
				// Two numbers written one after the other ("612 34 56 78
				// 699 11 22 33") read as one run: take the longest valid
				// number that ends at a space, then go on after it.
				if s, ok := r.splitRun(text, cand, o); ok {
					out = append(out, s)
					i = s.End - 1
					continue
				}
			}
			if cand.end > i {
				i = cand.end - 1
			}
			continue
		}
		i = cand.end - 1
		if s, ok := r.judge(text, cand, o); ok {
			out = append(out, s)
		}
	}
	return out
}

// splitRun looks, in a run of digits too long to be one number, for the
// longest validated number that starts the run and ends before a space.
func (r *PhoneRecognizer) splitRun(text string, run phoneCandidate, o AnalyzeOptions) (Span, bool) {
	for p := run.end - 1; p > run.start; p-- {
		if text[p] != ' ' || !isDigit(text[p-1]) {
			continue
		}
		c := phoneCandidate{start: run.start, end: p, plus: run.plus}
		seps := 0
		for k := run.start; k < p; k++ {
			if isDigit(text[k]) {
				c.digits++
			} else if k > run.start {
				seps++
			}
		}
		if c.digits < 7 || c.digits > 15 {
			continue
		}
		c.formatted = seps > 0
		if s, ok := r.judge(text, c, o); ok && s.Validated && s.Score >= 0.9 {
			return s, true
		}
	}
	return Span{}, false
}

type phoneCandidate struct {
	start, end int // end after the last digit (or extension)
	digits     int
	plus       bool // written with + or 00
	formatted  bool // has separators between digit groups
	ext        bool
	spaced     bool // formatted, with spaces as the only separators
	postcode   bool // shaped as a postal code: 4 digits, '-', 3 digits
	thousands  bool // shaped as a quantity: 1 digit, then groups of 3 after dots (4.860.000)
}

func phoneLeftBoundary(text string, i int) bool {
	if i == 0 {
		return true
	}
	p := text[i-1]
	if isAlnum(p) || p == '_' || p == '#' || p == '@' || p == '+' || p == '$' || p == '/' || p == '=' {
		return false
	}
	if (p == '-' || p == '.' || p == ',') && i > 1 && (isAlnum(text[i-2]) || text[i-2] == '$') {
		// An abbreviation's full stop may touch an international number:
		// "Tfno.+34 945 00 70 00".
		return p == '.' && text[i] == '+' && isAlpha(text[i-2])
	}
	return !letterBefore(text, i)
}

// scanPhone reads a candidate starting at i. ok is false when the run is
// not a candidate; end still tells where the run stops.
func scanPhone(text string, i int) (c phoneCandidate, ok bool) {
	c.start = i
	j := i
	if text[j] == '+' {
		c.plus = true
		j++
	}
	lastDigit := -1
	sepRun := 0
	groups := 0
	var groupLens [24]int
	var seps [24]byte
	cur := 0
	for j < len(text) {
		b := text[j]
		if isDigit(b) {
			cur++
			c.digits++
			j++
			lastDigit = j
			sepRun = 0
			continue
		}
		if b == ' ' || b == '-' || b == '.' || b == '(' || b == ')' || b == '/' {
			if sepRun >= 3 || b == '/' && sepRun > 0 {
				break
			}
			if b == '.' && j+1 < len(text) && text[j+1] == ' ' {
				break // a full stop ends the number
			}
			if cur > 0 {
				if groups == len(groupLens) {
					break
				}
				groupLens[groups] = cur
				seps[groups] = b
				groups++
				cur = 0
			}
			sepRun++
			j++
			continue
		}
		break
	}
	if cur > 0 && groups < len(groupLens) {
		groupLens[groups] = cur
		groups++
	}
	if lastDigit < 0 {
		c.end = i + 1
		return c, false
	}
	c.end = lastDigit
	if strings.HasPrefix(text[c.start:], "00") {
		c.plus = true
	}
	// E.164 numbers have at most 15 digits (17 with a 00 prefix).
	if c.digits < 7 || c.digits > 15 && !(c.plus && c.digits <= 17 && text[c.start] == '0') {
		return c, false
	}
	c.formatted = groups > 1
	if c.formatted && !c.plus {
		c.spaced = true
		for _, b := range seps[:groups-1] {
			c.spaced = c.spaced && b == ' '
		}
		c.postcode = groups == 2 && groupLens[0] == 4 && groupLens[1] == 3 && seps[0] == '-'
		c.thousands = groups >= 3 && groupLens[0] == 1
		for g := 1; g < groups && c.thousands; g++ {
			c.thousands = groupLens[g] == 3 && seps[g-1] == '.'
		}
	}
	// Extension: "x123", " ext. 123", " extension 123".
	if e, ok := phoneExtension(text, c.end); ok {
		c.end = e
		c.ext = true
	} else if !phoneRightBoundary(text, c.end) {
		return c, false
	}
	if !c.plus && groups > 2 && strings.IndexByte(string(seps[:groups-1]), '.') >= 0 && strings.IndexByte(string(seps[:groups-1]), '-') >= 0 {
		return c, false // dots and a dash: an ID (529.982.247-25), not a phone
	}
	if !c.plus && groups == 3 && groupLens[0] == 3 && groupLens[1] == 2 && groupLens[2] == 4 && seps[0] == '-' && seps[1] == '-' {
		return c, false // the shape of a US SSN
	}
	if groups > 1 && (looksLikeDate(groupLens[:groups], seps[:groups-1]) || looksLikeIPv4(groupLens[:groups], seps[:groups-1]) && ipv4Octets(text[c.start:c.end])) {
		return c, false
	}
	// d/mm/yyyy with a typo (16/018/1961) is still a date.
	if groups == 3 && seps[0] == '/' && seps[1] == '/' && groupLens[2] == 4 {
		return c, false
	}
	// A street number then a postal code: "Blasco Ibáñez, 23 46010 Valencia".
	if !c.plus && groups == 2 && groupLens[0] <= 3 && groupLens[1] == 5 && seps[0] == ' ' && c.end+1 < len(text) && text[c.end] == ' ' && letterAt(text, c.end+1) {
		if r, _ := utf8.DecodeRuneInString(text[c.end+1:]); unicode.IsUpper(r) {
			return c, false
		}
	}
	// An unclosed '(' before the first digit is not part of the number.
	return c, true
}

func phoneExtension(text string, i int) (int, bool) {
	j := i
	if j < len(text) && text[j] == ' ' {
		j++
	}
	rest := text[j:]
	var n int
	switch {
	case len(rest) > 0 && (rest[0] == 'x' || rest[0] == 'X') && len(rest) > 1 && isDigit(rest[1]):
		n = 1
	case len(rest) >= 4 && strings.EqualFold(rest[:4], "ext."):
		n = 4
	case len(rest) >= 9 && strings.EqualFold(rest[:9], "extension"):
		n = 9
	case len(rest) >= 3 && strings.EqualFold(rest[:3], "ext"):
		n = 3
	default:
		return 0, false
	}
	j += n
	if j < len(text) && text[j] == ' ' {
		j++
	}
	k := j
	for k < len(text) && isDigit(text[k]) && k-j < 6 {
		k++
	}
	if k == j || !phoneRightBoundary(text, k) {
		return 0, false
	}
	return k, true
}

func phoneRightBoundary(text string, e int) bool {
	if e >= len(text) {
		return true
	}
	b := text[e]
	if isAlnum(b) || b == '_' || b == '@' || letterAt(text, e) {
		return false
	}
	if (b == '.' || b == ',' || b == '/' || b == ':') && e+1 < len(text) && isDigit(text[e+1]) {
		return false
	}
	if b == '-' {
		// A hex group glued by a hyphen (GUID, serial) is not a phone.
		k := e + 1
		for k < len(text) && isHex(text[k]) {
			k++
		}
		if k > e+1 && !(k < len(text) && isAlnum(text[k])) && !letterAt(text, k) {
			return false
		}
	}
	return true
}

func looksLikeDate(g []int, seps []byte) bool {
	if len(g) != 3 {
		return false
	}
	if seps[0] != seps[1] || seps[0] == ' ' || seps[0] == '(' || seps[0] == ')' {
		return false
	}
	small := func(n int) bool { return n == 1 || n == 2 }
	return small(g[0]) && small(g[1]) && (g[2] == 4 || g[2] == 2) || g[0] == 4 && small(g[1]) && small(g[2])
}

func looksLikeIPv4(g []int, seps []byte) bool {
	if len(g) != 4 {
		return false
	}
	for i, n := range g {
		if n > 3 || i < 3 && seps[i] != '.' {
			return false
		}
	}
	return true
}

// ipv4Octets reports whether a dotted candidate's groups are all <= 255.
func ipv4Octets(s string) bool {
	for _, p := range strings.Split(s, ".") {
		if len(p) > 3 || atoiTok(p) > 255 {
			return false
		}
	}
	return true
}

var phoneBufPool = sync.Pool{New: func() any { return new(phoneScratch) }}

// phoneScratch is a pooled PhoneNumber with storage for the fields the
// fast path sets: pointing the number at local variables would move them
// to the heap on every try.
type phoneScratch struct {
	num  phonenumbers.PhoneNumber
	cc   int32
	nn   uint64
	lead bool
	nz   int32
}

// number sets the scratch number to +cc nn with zeros Italian leading
// zeros (0 for none), as phonenumbers.Parse would, and returns it.
func (s *phoneScratch) number(cc int, nn uint64, zeros int) *phonenumbers.PhoneNumber {
	s.num.Reset()
	s.cc, s.nn = int32(cc), nn
	s.num.CountryCode, s.num.NationalNumber = &s.cc, &s.nn
	if zeros > 0 {
		s.lead = true
		s.num.ItalianLeadingZero = &s.lead
		if zeros != 1 {
			s.nz = int32(zeros)
			s.num.NumberOfLeadingZeros = &s.nz
		}
	}
	return &s.num
}

// regions returns the regions to read national numbers in: the call's
// region alone when there is one (a user writes a foreign number with its
// + or 00; trying ten regions costs ten parses), else the fallbacks.
func (r *PhoneRecognizer) regions(o AnalyzeOptions) []string {
	if o.Region != "" {
		return []string{o.Region}
	}
	if len(r.Regions) == 0 {
		return DefaultPhoneRegions
	}
	return r.Regions
}

// validPhone parses raw in the given regions (only the first unless all)
// and returns the E.164 form of the first valid reading.
func validPhone(raw string, regions []string, plus, all bool) (string, bool) {
	return checkPhone(raw, regions, plus, all, true)
}

// checkPhone is validPhone; without format it skips the E.164 form and
// returns "" for a valid number.
func checkPhone(raw string, regions []string, plus, all, format bool) (string, bool) {
	scratch := phoneBufPool.Get().(*phoneScratch)
	defer phoneBufPool.Put(scratch)
	num := &scratch.num
	e164 := func() string {
		if !format {
			return ""
		}
		return phonenumbers.Format(num, phonenumbers.E164)
	}
	e, ok, settled := fastValidPhoneSettled(raw, regions, plus, all, scratch, format)
	if ok {
		return e, true
	}
	if plus {
		if settled&1 != 0 {
			return "", false
		}
		region := "ZZ"
		if strings.HasPrefix(raw, "00") && len(regions) > 0 {
			region = regions[0]
		}
		num.Reset()
		if err := phonenumbers.ParseToNumber(raw, region, num); err == nil && phonenumbers.IsValidNumber(num) {
			return e164(), true
		}
		if !strings.HasPrefix(raw, "00") {
			return "", false
		}
	}
	for k, region := range regions {
		if k > 0 && !all {
			break
		}
		if k < 63 && settled&(2<<k) != 0 {
			continue // the full parse would read it as the fast path did
		}
		num.Reset()
		if err := phonenumbers.ParseToNumber(raw, region, num); err == nil && phonenumbers.IsValidNumber(num) {
			return e164(), true
		}
	}
	return "", false
}

// phoneParseMeta is what the full parse (phonenumbers.Parse) needs of a
// region beyond its country code to read a number of plain digits: the
// international (IDD) and national prefixes it strips. A number that
// starts with none of them, with no 0 and not with the country code, is
// read by Parse exactly as fastValidPhone builds it.
type phoneParseMeta struct {
	cc  string         // country calling code, in digits
	idd *regexp.Regexp // ^(?:international prefix)
	npp *regexp.Regexp // ^(?:national prefix for parsing), nil if none
}

// phoneMeta maps region codes (and, for non-geographic entities, "001:"
// and the calling code) to their parse metadata, from the metadata
// libphonenumber embeds. It is built on the first phone candidate.
var phoneMeta = sync.OnceValue(func() map[string]*phoneParseMeta {
	out := map[string]*phoneParseMeta{}
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return out // every fast "no" then falls back to the full parse
	}
	for _, md := range coll.GetMetadata() {
		m := &phoneParseMeta{cc: strconv.Itoa(int(md.GetCountryCode()))}
		var err error
		if p := md.GetInternationalPrefix(); p != "" {
			if m.idd, err = regexp.Compile("^(?:" + p + ")"); err != nil {
				continue
			}
		}
		if p := md.GetNationalPrefixForParsing(); p != "" {
			if m.npp, err = regexp.Compile("^(?:" + p + ")"); err != nil {
				continue
			}
		}
		key := md.GetId()
		if key == "001" {
			key += ":" + m.cc
		}
		out[key] = m
	}
	return out
})

// zeroAgrees reports whether phonenumbers.Parse reads national, digits
// after +cc that start with 0, with nothing stripped: the region has no
// national prefix for parsing that matches, and the length is one
// fastValidPhone tries. Parse then keeps the zeros as Italian leading
// zeros, as tryLeadingZeros does.
func zeroAgrees(m *phoneParseMeta, national []byte) bool {
	if m == nil || len(national) < 4 || len(national) > 14 {
		return false
	}
	return m.npp == nil || !m.npp.MatchString(string(national))
}

// tryLeadingZeros builds the number cc + national, national starting
// with 0, as phonenumbers.Parse does (its setItalianLeadingZeros…), and
// returns its E.164 form if it is valid.
func tryLeadingZeros(cc int, national []byte, s *phoneScratch, format bool) (string, bool) {
	zeros := 1
	for zeros < len(national)-1 && national[zeros] == '0' {
		zeros++
	}
	var nn uint64
	for _, c := range national {
		nn = nn*10 + uint64(c-'0')
	}
	num := s.number(cc, nn, zeros)
	if isValidPhone(cc, string(national), num) {
		if !format {
			return "", true
		}
		return phonenumbers.Format(num, phonenumbers.E164), true
	}
	return "", false
}

// parseAgrees reports whether phonenumbers.Parse reads national, the
// digits of a number written in a region (with its country code cc) or
// after +cc, as the number cc + national with nothing stripped: no
// leading 0, no international, national prefix or country code prefix the
// parser would remove, and a length fastValidPhone tries. Then a "no" of
// the fast path is the parser's answer too and the parse can be skipped.
func parseAgrees(m *phoneParseMeta, national []byte, withCC bool) bool {
	if m == nil || len(national) < 4 || len(national) > 14 || national[0] == '0' {
		return false
	}
	s := string(national)
	if m.npp != nil && m.npp.MatchString(s) {
		return false
	}
	if withCC {
		return true
	}
	return !strings.HasPrefix(s, m.cc) && (m.idd == nil || !m.idd.MatchString(s))
}

func (r *PhoneRecognizer) judge(text string, c phoneCandidate, o AnalyzeOptions) (Span, bool) {
	raw := text[c.start:c.end]
	if raw[0] == '(' && strings.IndexByte(raw, ')') < 0 {
		c.start++
		raw = raw[1:]
	}
	lang := o.Language
	if phoneContext[lang] == nil {
		lang = "en"
	}
	ctx := hasContextBloom(text, c.start, c.end, 40, phoneContext[lang], phoneContextBloom[lang], true)
	if !c.plus && (nearNegative(text, c.start) || streetAfter(text, c.end)) {
		return Span{}, false
	}
	if !c.plus && !ctx && (c.spaced && capitalAfter(text, c.end) || c.postcode || c.thousands) &&
		(o.Region == "" || !cachedValidPhone(raw, []string{o.Region}, false, false)) {
		// Digits in groups followed by a capitalised word are a building
		// number and the street's name ("is at 9816 214 Pavlou
		// Drandaki"), 4+3 digits joined by a dash are a postal code
		// (3610-114), and one digit followed by groups of three after
		// dots is a quantity (hematíes 4.860.000/µl), unless a phone word
		// says otherwise or the digits are a valid number of the sender's
		// own region ("612 34 56 78 Pedro" from Spain).
		return Span{}, false
	}
	if !c.plus && !c.formatted && !ctx && o.minScore > 0.3 {
		// The best this candidate can score is 0.3 (valid, bare digits,
		// no context): below the threshold, so skip the parse.
		return Span{}, false
	}
	valid := cachedValidPhone(raw, r.regions(o), c.plus, c.formatted || c.plus)
	s := Span{Start: c.start, End: c.end, Type: EntityPhone, Recognizer: "phone"}
	if raw[0] == '+' && len(raw) > 1 && raw[1] == ' ' {
		// A '+' standing apart ("Tel.: + 34 93 693 29 05") says the number
		// is international but is not one of its characters.
		for s.Start < s.End && !isDigit(text[s.Start]) {
			s.Start++
		}
	}
	switch {
	case valid && (c.plus || c.formatted):
		s.Score, s.Validated = 0.95, true
		if ctx {
			s.Score = 1
		}
	case valid && ctx:
		s.Score, s.Validated = 0.9, true
	case valid:
		s.Score, s.Validated = 0.3, true
	case ctx && (c.plus || c.formatted) && c.digits <= 15:
		s.Score = 0.6
	case ctx && c.digits >= 8 && c.digits <= 12:
		s.Score = 0.45
	default:
		return Span{}, false
	}
	return s, true
}

// capitalAfter reports whether a word starting with an upper-case letter
// follows e after one space.
func capitalAfter(text string, e int) bool {
	if e+1 >= len(text) || text[e] != ' ' {
		return false
	}
	r, _ := utf8.DecodeRuneInString(text[e+1:])
	return unicode.IsUpper(r)
}

// nearNegative reports whether one of the last two words before i says the
// number is an order, invoice or other reference.
func nearNegative(text string, i int) bool {
	b, _ := contextWindow(text, i, i, 32)
	var buf [3]string
	ws := lastLowerWords(buf[:0], b)
	for k := len(ws) - 1; k >= 0; k-- {
		if phoneNegative[ws[k]] {
			return true
		}
	}
	return false
}

// NormalizePhone returns the E.164 form of a phone number read in region
// (or any default region), or its digits with a leading '+' kept when no
// region accepts it.
func NormalizePhone(raw, region string) string {
	regions := DefaultPhoneRegions
	if region != "" {
		regions = append([]string{asciiUpper(region)}, regions...)
	}
	plus := strings.HasPrefix(strings.TrimSpace(raw), "+") || strings.HasPrefix(strings.TrimSpace(raw), "00")
	if e, ok := validPhone(raw, regions, plus, true); ok {
		return e
	}
	var b strings.Builder
	if plus {
		b.WriteByte('+')
	}
	for i := 0; i < len(raw); i++ {
		if isDigit(raw[i]) {
			b.WriteByte(raw[i])
		}
	}
	return b.String()
}

// RegionForNumber returns the ISO region of a WhatsApp ID (the sender's
// number in international format, with or without '+'), e.g. "34612345678"
// → "ES", or "" when it cannot tell.
func RegionForNumber(waID string) string {
	s := strings.TrimSpace(waID)
	if s == "" {
		return ""
	}
	if !strings.HasPrefix(s, "+") {
		s = "+" + s
	}
	num, err := phonenumbers.Parse(s, "ZZ")
	if err != nil {
		return ""
	}
	r := phonenumbers.GetRegionCodeForNumber(num)
	if r == "" || r == "ZZ" {
		// Not a valid number (a reserved or fictional range): the main
		// region of its country code still tells the country.
		r = phonenumbers.GetRegionCodeForCountryCode(int(num.GetCountryCode()))
	}
	if r == "" || r == "ZZ" || r == "001" {
		return ""
	}
	return r
}

// streetAfter reports whether one of the three words after i is a street
// type ("24 4966 Bond Street"): the digits are a building number.
func streetAfter(text string, i int) bool {
	_, a := contextWindow(text, i, i, 40)
	if nl := strings.IndexByte(a, '\n'); nl >= 0 {
		a = a[:nl] // the next line's street is not this number's ("…618981345\nRemitido por: Dr. …")
	}
	var buf [3]string
	ws := firstLowerWords(buf[:0], a)
	g := loadGazetteer()
	for k := 0; k < len(ws); k++ {
		if g.flags(ws[k])&gStreet != 0 && len(ws[k]) > 1 || isStreetSuffixWord(ws[k]) {
			return true
		}
	}
	return false
}

// phoneCache remembers whether a candidate parsed as a valid number:
// libphonenumber takes ~10 µs per parse and the same numbers come back
// (the user's own, the output guard re-reading a reply). Keys are seeded
// 64-bit hashes, so the cache holds no phone number; it is emptied when
// full.
var phoneCache = struct {
	sync.Mutex
	seed maphash.Seed
	m    map[uint64]bool
}{seed: maphash.MakeSeed(), m: make(map[uint64]bool)}

const phoneCacheMax = 1 << 14

// phoneCacheOff turns the cache off (benchmarks measure every parse).
var phoneCacheOff bool

func cachedValidPhone(raw string, regions []string, plus, all bool) bool {
	var h maphash.Hash
	h.SetSeed(phoneCache.seed)
	h.WriteString(raw)
	for _, r := range regions {
		h.WriteByte(0)
		h.WriteString(r)
	}
	if plus {
		h.WriteByte(1)
	}
	if all {
		h.WriteByte(2)
	}
	key := h.Sum64()
	if phoneCacheOff {
		_, v := checkPhone(raw, regions, plus, all, false)
		return v
	}
	phoneCache.Lock()
	v, ok := phoneCache.m[key]
	phoneCache.Unlock()
	if ok {
		return v
	}
	_, v = checkPhone(raw, regions, plus, all, false)
	phoneCache.Lock()
	if len(phoneCache.m) >= phoneCacheMax {
		clear(phoneCache.m)
	}
	phoneCache.m[key] = v
	phoneCache.Unlock()
	return v
}

// fastValidPhone validates a candidate made only of digits and separators
// without phonenumbers.Parse (10–15 µs, most of it regular expressions for
// extensions and formats): it builds the number from its digits — the
// country code after '+' or '00', or the region's code after stripping the
// region's trunk prefix — and asks IsValidNumber. It only ever says yes;
// a no falls back to the full parse, which knows carrier codes, leading
// zeros and the other national rules.
func fastValidPhone(raw string, regions []string, plus, all bool) (string, bool) {
	e, ok, _ := fastValidPhoneSettled(raw, regions, plus, all, new(phoneScratch), true)
	return e, ok
}

// fastValidPhoneSettled is fastValidPhone that also tells which of its
// noes the full parse would repeat (parseAgrees): bit 0 for the reading
// after '+', bit k+1 for regions[k]. validPhone skips those parses.
func fastValidPhoneSettled(raw string, regions []string, plus, all bool, scratch *phoneScratch, format bool) (e string, ok bool, settled uint64) {
	var buf [20]byte
	digits := buf[:0]
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case isDigit(c):
			if len(digits) == len(buf) {
				return "", false, 0
			}
			digits = append(digits, c)
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == '+' && i == 0:
		default:
			return "", false, 0 // letters (extensions) and the rest: full parse
		}
	}
	try := func(cc int, national []byte) (string, bool) {
		if len(national) < 4 || len(national) > 14 || national[0] == '0' {
			return "", false
		}
		var nn uint64
		for _, c := range national {
			nn = nn*10 + uint64(c-'0')
		}
		num := scratch.number(cc, nn, 0)
		if isValidPhone(cc, string(national), num) {
			if !format {
				return "", true
			}
			return phonenumbers.Format(num, phonenumbers.E164), true
		}
		return "", false
	}
	if plus {
		d := digits
		if raw[0] != '+' {
			if len(d) < 2 || d[0] != '0' || d[1] != '0' {
				return "", false, settled
			}
			d = d[2:]
		}
		cc := 0
		found := false
		for n := 1; n <= 3 && n < len(d); n++ {
			cc = cc*10 + int(d[n-1]-'0')
			region := phonenumbers.GetRegionCodeForCountryCode(cc)
			if region == "ZZ" {
				continue
			}
			found = true
			if e, ok := try(cc, d[n:]); ok {
				return e, true, 0
			}
			if raw[0] == '+' && d[0] != '0' {
				if region == "001" {
					region += ":" + strconv.Itoa(cc)
				}
				m, national := phoneMeta()[region], d[n:]
				if parseAgrees(m, national, true) {
					settled |= 1
				} else if len(national) > 0 && national[0] == '0' && zeroAgrees(m, national) {
					// The parse keeps the zeros as Italian leading zeros
					// ("+39 06…"): read the number so.
					if e, ok := tryLeadingZeros(cc, national, scratch, format); ok {
						return e, true, 0
					}
					settled |= 1
				}
			}
			break
		}
		if raw[0] == '+' {
			if !found && len(d) > 3 && d[0] != '0' {
				settled |= 1 // no country code: the parse fails too
			}
			return "", false, settled
		}
	}
	for k, region := range regions {
		if k > 0 && !all {
			break
		}
		cc := phonenumbers.GetCountryCodeForRegion(region)
		if cc == 0 {
			continue
		}
		national := digits
		if ndd := phonenumbers.GetNddPrefixForRegion(region, true); ndd != "" && len(national) > len(ndd) && string(national[:len(ndd)]) == ndd {
			national = national[len(ndd):]
		}
		if e, ok := try(cc, national); ok {
			return e, true, 0
		}
		if k < 63 && len(national) == len(digits) && parseAgrees(phoneMeta()[region], digits, false) {
			settled |= 2 << k
		}
	}
	return "", false, settled
}
