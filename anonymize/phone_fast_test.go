package anonymize

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// TestFastValidPhoneAgreesWithParse checks that the parse-free fast path
// never accepts a number the full parse rejects, and normalises it the same.
func TestFastValidPhoneAgreesWithParse(t *testing.T) {
	tests := []struct {
		raw     string
		regions []string
		plus    bool
		fast    bool // the fast path is expected to decide
	}{
		{"612 34 56 78", []string{"ES"}, false, true},
		{"+34 612 34 56 78", []string{"ES"}, true, true},
		{"0034 612345678", []string{"ES"}, true, true},
		{"(415) 555-2671", []string{"US"}, false, true},
		{"020 7946 0958", []string{"GB"}, false, true},
		{"+44 20 7946 0958", nil, true, true},
		{"06 1234 5678", []string{"IT"}, false, false}, // Italian leading zero: full parse
		{"12345", []string{"ES"}, false, false},
		{"555-2671 ext 12", []string{"US"}, false, false},
		{"+999 1234 5678", nil, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			fe, fok := fastValidPhone(tt.raw, tt.regions, tt.plus, true)
			if fok != tt.fast {
				t.Errorf("fastValidPhone(%q) ok = %v, want %v", tt.raw, fok, tt.fast)
			}
			if !fok {
				return
			}
			// The full parse must agree.
			region := "ZZ"
			if len(tt.regions) > 0 {
				region = tt.regions[0]
			}
			p, err := phonenumbers.Parse(tt.raw, region)
			if err != nil || !phonenumbers.IsValidNumber(p) {
				t.Fatalf("fast path accepted %q, full parse rejects it (%v)", tt.raw, err)
			}
			if pe := phonenumbers.Format(p, phonenumbers.E164); pe != fe {
				t.Errorf("fast path E.164 %q, full parse %q", fe, pe)
			}
		})
	}
}

// TestParseSkipAgreesWithParse checks that the parses validPhone skips
// (fastValidPhoneSettled's settled bits) are ones the full parse would
// have rejected: over numbers of random digits written after + and
// nationally in regions with different trunk, international and country
// code prefixes, validPhone must answer as fast path + full parse do.
func TestParseSkipAgreesWithParse(t *testing.T) {
	reference := func(raw string, regions []string, plus, all bool) (string, bool) {
		if e, ok := fastValidPhone(raw, regions, plus, all); ok {
			return e, true
		}
		if plus {
			region := "ZZ"
			if strings.HasPrefix(raw, "00") && len(regions) > 0 {
				region = regions[0]
			}
			if p, err := phonenumbers.Parse(raw, region); err == nil && phonenumbers.IsValidNumber(p) {
				return phonenumbers.Format(p, phonenumbers.E164), true
			}
			if !strings.HasPrefix(raw, "00") {
				return "", false
			}
		}
		for k, region := range regions {
			if k > 0 && !all {
				break
			}
			if p, err := phonenumbers.Parse(raw, region); err == nil && phonenumbers.IsValidNumber(p) {
				return phonenumbers.Format(p, phonenumbers.E164), true
			}
		}
		return "", false
	}
	r := rand.New(rand.NewPCG(3, 4))
	regionSets := [][]string{{"ES"}, {"US"}, {"GB"}, {"MX"}, {"AR"}, {"BR"}, {"RU"}, {"IT"}, {"DE"}, {"FR"}, {"CL"}, {"IN"}, {"AU"}, DefaultPhoneRegions}
	prefixes := []string{"+", "+1", "+3", "+4", "+5", "+7", "+8", "+9", "00", "0", "1", "6", "9", "34", "44", "52", "54", "55", "8", "011", "810", ""}
	// Numbers whose national part keeps a leading zero (Italy, Côte
	// d'Ivoire, Gabon), some valid, some not, and one with a trunk zero.
	fixed := []string{"+39 06 6988 4200", "+39 02 1234 5678", "+39 0331 123456", "+225 07 12 34 56 78", "+241 06 12 34 56",
		"+47 02 7941 3006", "+43 07 1968 3176", "+44 020 7946 0958", "+39 00 1234 5678"}
	checked, settledSeen, validFixed := 0, 0, 0
	for i := 0; i < 6000+len(fixed); i++ {
		var raw string
		if i < len(fixed) {
			raw = fixed[i]
		} else {
			p := prefixes[r.IntN(len(prefixes))]
			n := 5 + r.IntN(10)
			b := []byte(p)
			for k := 0; k < n; k++ {
				if k > 0 && r.IntN(4) == 0 {
					b = append(b, " -."[r.IntN(3)])
				}
				b = append(b, byte('0'+r.IntN(10)))
			}
			raw = string(b)
		}
		regions := regionSets[r.IntN(len(regionSets))]
		plus := strings.HasPrefix(raw, "+") || strings.HasPrefix(raw, "00")
		all := r.IntN(2) == 0
		if _, ok, settled := fastValidPhoneSettled(raw, regions, plus, all, new(phoneScratch), true); !ok && settled != 0 {
			settledSeen++
		}
		we, wok := reference(raw, regions, plus, all)
		if i < len(fixed) && wok {
			validFixed++
		}
		ge, gok := validPhone(raw, regions, plus, all)
		if _, ok := checkPhone(raw, regions, plus, all, false); ok != gok {
			t.Errorf("checkPhone(%q) without the E.164 form = %v, with it %v", raw, ok, gok)
		}
		if ge != we || gok != wok {
			t.Errorf("validPhone(%q, %v, plus=%v, all=%v) = %q, %v; with every parse %q, %v", raw, regions, plus, all, ge, gok, we, wok)
		}
		checked++
	}
	if validFixed < 3 {
		t.Errorf("only %d of the fixed numbers are valid: the leading-zero reading is not exercised", validFixed)
	}
	if settledSeen < checked/4 {
		t.Errorf("only %d of %d numbers skipped a parse: the test no longer exercises the skip", settledSeen, checked)
	}
}
