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
func (r CreditCardRecognizer) RecognizeWithOptions(text string, o AnalyzeOptions) []Span {
	return r.recognizeAfterDigit(text, o, 0)
}

// recognizeAfterDigit implements digitScanner: a card number starts with
// a digit.
func (CreditCardRecognizer) recognizeAfterDigit(text string, o AnalyzeOptions, firstDigit int) []Span {
	var out []Span
	var digits [19]byte
	for i := firstDigit; i < len(text); i++ {
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
		// Unless a card is found, the next try starts at the next digit
		// group: a card may start there ("+34 612 34 56 78 4111 1111 …").
		i = start
		for i < len(text) && isDigit(text[i]) {
			i++
		}
		// A candidate starting inside a longer digit run must end the run:
		// inner windows of long numbers pass Luhn one time in ten.
		inner := start > 1 && (text[start-1] == ' ' || text[start-1] == '-') && isDigit(text[start-2])
		if inner && (!ok || end+1 < len(text) && (text[end] == ' ' || text[end] == '-') && isDigit(text[end+1])) {
			continue
		}
		if !ok {
			// A card followed by more digits ("4111 1111 1111 1111 0412"):
			// take the longest Luhn-valid prefix that ends at a separator.
			if e, found := cardPrefix(text, start, end); found {
				out = append(out, Span{Start: start, End: e, Type: EntityCreditCard, Score: 1, Recognizer: "credit_card", Validated: true})
				i = e
			}
			continue
		}
		if n < 12 {
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
		i = end
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

// cardPrefix finds, in a digit run too long to be one card, the longest
// prefix of 13–19 digits ending before a separator that is a plausible,
// Luhn-valid card grouped like one.
func cardPrefix(text string, start, end int) (int, bool) {
	for p := min(end, len(text)-1); p > start; p-- {
		if (text[p] != ' ' && text[p] != '-') || !isDigit(text[p-1]) {
			continue
		}
		var d []byte
		for k := start; k < p; k++ {
			if isDigit(text[k]) {
				d = append(d, text[k])
			}
		}
		if len(d) < 13 || len(d) > 19 || !uniformGroups(text[start:p]) {
			continue
		}
		if plausibleIssuer(d) && luhn(d) && !allSame(d) {
			return p, true
		}
	}
	return 0, false
}
