package gen

import (
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Luhn reports whether a digit string passes the Luhn check.
func Luhn(digits string) bool {
	sum, double := 0, false
	n := 0
	for i := len(digits) - 1; i >= 0; i-- {
		c := digits[i]
		if c < '0' || c > '9' {
			continue
		}
		n++
		d := int(c - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return n > 1 && sum%10 == 0
}

func luhnDigit(payload string) byte {
	for d := byte('0'); d <= '9'; d++ {
		if Luhn(payload + string(d)) {
			return d
		}
	}
	return '0'
}

func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

// card returns a Luhn-valid Visa, Mastercard or Amex number, formatted
// with spaces, dashes or nothing.
func card(r *rand.Rand) string {
	var num string
	switch r.IntN(3) {
	case 0:
		num = "4" + digits(r, 14)
	case 1:
		num = "5" + strconv.Itoa(1+r.IntN(5)) + digits(r, 13)
	default:
		num = []string{"34", "37"}[r.IntN(2)] + digits(r, 12)
	}
	num += string(luhnDigit(num))
	sep := []string{" ", "-", ""}[r.IntN(3)]
	if len(num) == 15 {
		return num[:4] + sep + num[4:10] + sep + num[10:]
	}
	return num[:4] + sep + num[4:8] + sep + num[8:12] + sep + num[12:]
}

// ibanCheck computes the two mod-97 check digits of an IBAN.
func ibanCheck(country, bban string) string {
	var sb strings.Builder
	for _, c := range bban + country + "00" {
		if c >= 'A' && c <= 'Z' {
			sb.WriteString(strconv.Itoa(int(c-'A') + 10))
		} else {
			sb.WriteRune(c)
		}
	}
	n, _ := new(big.Int).SetString(sb.String(), 10)
	mod := new(big.Int).Mod(n, big.NewInt(97)).Int64()
	return strconv.FormatInt(98-mod, 10)
}

// ValidIBAN reports whether s (spaces allowed) has valid mod-97 check digits.
func ValidIBAN(s string) bool {
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if len(s) < 15 {
		return false
	}
	want := ibanCheck(s[:2], s[4:])
	if len(want) == 1 {
		want = "0" + want
	}
	return s[2:4] == want
}

// iban returns an IBAN with valid check digits for ES, DE, GB, FR, IT, NL
// or MX-style (ES-heavy for Spanish), grouped by four or not.
func iban(r *rand.Rand, lang string) string {
	type shape struct{ country, bban string }
	upper := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('A' + r.IntN(26))
		}
		return string(b)
	}
	shapes := []shape{
		{"ES", digits(r, 20)},
		{"DE", digits(r, 18)},
		{"GB", upper(4) + digits(r, 14)},
		{"FR", digits(r, 23)},
		{"IT", upper(1) + digits(r, 22)},
		{"NL", upper(4) + digits(r, 10)},
	}
	s := shapes[r.IntN(len(shapes))]
	if lang == "es" && r.IntN(2) == 0 {
		s = shapes[0]
	}
	check := ibanCheck(s.country, s.bban)
	if len(check) == 1 {
		check = "0" + check
	}
	full := s.country + check + s.bban
	if r.IntN(2) == 0 {
		return full
	}
	var parts []string
	for i := 0; i < len(full); i += 4 {
		parts = append(parts, full[i:min(i+4, len(full))])
	}
	return strings.Join(parts, " ")
}

// phone returns a number valid for one of the language's regions, in
// national, international or E.164 format, sometimes with other separators.
func phone(r *rand.Rand, lang string) string {
	regions := phoneRegions[lang]
	for {
		region := regions[r.IntN(len(regions))]
		ex := phonenumbers.GetExampleNumberForType(region, phonenumbers.MOBILE)
		if ex == nil {
			continue
		}
		nsn := phonenumbers.GetNationalSignificantNumber(ex)
		keep := max(len(nsn)-6, 1)
		cand := nsn[:keep] + digits(r, len(nsn)-keep)
		num, err := phonenumbers.Parse(cand, region)
		if err != nil || !phonenumbers.IsValidNumber(num) {
			continue
		}
		var s string
		switch r.IntN(5) {
		case 0, 1:
			s = phonenumbers.Format(num, phonenumbers.NATIONAL)
		case 2, 3:
			s = phonenumbers.Format(num, phonenumbers.INTERNATIONAL)
		default:
			s = phonenumbers.Format(num, phonenumbers.E164)
		}
		switch r.IntN(6) {
		case 0:
			s = strings.ReplaceAll(s, " ", "")
		case 1:
			s = strings.ReplaceAll(s, " ", "-")
		case 2:
			s = strings.ReplaceAll(s, " ", ".")
		}
		return s
	}
}
