package anonymize

// CreditCardRecognizer finds payment card numbers: 12 to 19 digits, alone
// or in groups separated by single spaces or hyphens, passing the Luhn
// check and starting with a known issuer digit. Twelve-digit numbers
// (Maestro) also need a card word nearby, since one random number in ten
// passes Luhn.
type CreditCardRecognizer struct{}

var _ OptionsRecognizer = CreditCardRecognizer{}

// Name implements Recognizer.
func (CreditCardRecognizer) Name() string { return "credit_card" }

var cardContext = map[string]map[string]bool{
	"en": wordSet("card", "cards", "credit", "debit", "visa", "mastercard", "amex", "maestro", "cc", "payment", "pay", "charge", "discover", "jcb", "diners"),
	"es": wordSet("tarjeta", "tarjetas", "crédito", "credito", "débito", "debito", "visa", "mastercard", "amex", "maestro", "pago", "pagar", "cobro", "cobrar"),
}

// Recognize implements Recognizer.
func (r CreditCardRecognizer) Recognize(text string) []Span {
	return r.RecognizeWithOptions(text, AnalyzeOptions{Language: "en"})
}

// RecognizeWithOptions implements OptionsRecognizer.
func (CreditCardRecognizer) RecognizeWithOptions(text string, o AnalyzeOptions) []Span {
	var out []Span
	var digits [19]byte
	for i := 0; i < len(text); i++ {
		if !isDigit(text[i]) {
			continue
		}
		if i > 0 && (isAlnum(text[i-1]) || text[i-1] == '_' || text[i-1] == '.' && i > 1 && isDigit(text[i-2])) || letterBefore(text, i) {
			// skip the rest of this run
			for i < len(text) && isAlnum(text[i]) {
				i++
			}
			continue
		}
		start := i
		n := 0
		end := i
		j := i
		ok := true
		for j < len(text) {
			c := text[j]
			if isDigit(c) {
				if n == len(digits) {
					ok = false
					break
				}
				digits[n] = c
				n++
				j++
				end = j
				continue
			}
			if (c == ' ' || c == '-') && j+1 < len(text) && isDigit(text[j+1]) {
				j++
				continue
			}
			break
		}
		// The next iteration resumes after this candidate.
		i = end
		if !ok || n < 12 {
			for i < len(text) && (isDigit(text[i]) || text[i] == ' ' || text[i] == '-') {
				i++
			}
			continue
		}
		if end < len(text) && (isAlpha(text[end]) || text[end] == '_' || letterAt(text, end) ||
			(text[end] == '.' || text[end] == ',') && end+1 < len(text) && isDigit(text[end+1])) {
			continue
		}
		d := digits[:n]
		if !plausibleIssuer(d) || !luhn(d) || allSame(d) {
			continue
		}
		score := 1.0
		if n < 13 || !uniformGroups(text[start:end]) {
			words := cardContext[o.Language]
			if words == nil {
				words = cardContext["en"]
			}
			if !hasContext(text, start, end, 48, words, false) {
				continue
			}
		}
		out = append(out, Span{Start: start, End: end, Type: EntityCreditCard, Score: score, Recognizer: "credit_card", Validated: true})
	}
	return out
}

// uniformGroups reports whether a candidate is either ungrouped or grouped
// like a card (4-4-4-4, 4-6-5, 4-4-4-4-3) with one kind of separator.
func uniformGroups(s string) bool {
	var groups []int
	var sep byte
	n := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			n++
			continue
		}
		if sep != 0 && s[i] != sep {
			return false
		}
		sep = s[i]
		groups = append(groups, n)
		n = 0
	}
	groups = append(groups, n)
	if len(groups) == 1 {
		return true
	}
	for i, g := range groups {
		if i < len(groups)-1 && g != 4 && !(len(groups) == 3 && i == 1 && g == 6) {
			return false
		}
	}
	return true
}

func plausibleIssuer(d []byte) bool {
	// 1: UATP/JCB 1800; 2: Mastercard 2-series, Mir; 3: Amex, Diners, JCB;
	// 4: Visa; 5: Mastercard, Maestro; 6: Discover, UnionPay, Maestro, RuPay.
	return d[0] >= '1' && d[0] <= '6'
}

func luhn(d []byte) bool {
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i] - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}

func allSame(d []byte) bool {
	for _, c := range d[1:] {
		if c != d[0] {
			return false
		}
	}
	return true
}
