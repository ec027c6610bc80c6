package anonymize

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// TestIsValidPhoneAgreesWithLibrary checks the automata against
// phonenumbers.IsValidNumber over every calling code: the example number
// of every region and number type (valid by construction), and random
// national numbers of every length, some with leading zeros.
func TestIsValidPhoneAgreesWithLibrary(t *testing.T) {
	compiled := 0
	for key := range phoneMetadata() {
		if phoneTypesFor(key) != nil {
			compiled++
		}
	}
	if compiled < 200 {
		t.Fatalf("only %d regions have automata", compiled)
	}
	type number struct {
		cc  int
		nsn string
	}
	var nums []number
	for region := range phonenumbers.GetSupportedRegions() {
		for typ := phonenumbers.FIXED_LINE; typ <= phonenumbers.VOICEMAIL; typ++ {
			if ex := phonenumbers.GetExampleNumberForType(region, typ); ex != nil {
				nums = append(nums, number{int(ex.GetCountryCode()), phonenumbers.GetNationalSignificantNumber(ex)})
			}
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	var ccs []int
	for cc := range phonenumbers.GetSupportedCallingCodes() {
		ccs = append(ccs, cc)
	}
	for i := 0; i < 40000; i++ {
		cc := ccs[r.IntN(len(ccs))]
		n := 4 + r.IntN(11)
		b := make([]byte, n)
		for k := range b {
			b[k] = byte('0' + r.IntN(10))
		}
		if r.IntN(8) != 0 && b[0] == '0' {
			b[0] = '1' + byte(r.IntN(9))
		}
		nums = append(nums, number{cc, string(b)})
	}
	valid := 0
	for _, x := range nums {
		num := &phonenumbers.PhoneNumber{}
		cc := int32(x.cc)
		num.CountryCode = &cc
		nn, _ := strconv.ParseUint(x.nsn, 10, 64)
		num.NationalNumber = &nn
		if x.nsn[0] == '0' {
			zeros := 1
			for zeros < len(x.nsn)-1 && x.nsn[zeros] == '0' {
				zeros++
			}
			lead, nz := true, int32(zeros)
			num.ItalianLeadingZero, num.NumberOfLeadingZeros = &lead, &nz
		}
		want := phonenumbers.IsValidNumber(num)
		if got := isValidPhone(x.cc, x.nsn, num); got != want {
			t.Errorf("isValidPhone(+%d %s) = %v, IsValidNumber %v", x.cc, x.nsn, got, want)
		}
		if want {
			valid++
		}
	}
	t.Logf("%d numbers, %d valid", len(nums), valid)
	if valid < 500 {
		t.Errorf("only %d valid numbers: the comparison hardly tests acceptance", valid)
	}
}

// TestDigitDFA checks the automata on small patterns against their
// meaning: whole-string and prefix matches.
func TestDigitDFA(t *testing.T) {
	tests := []struct {
		pattern, s   string
		full, prefix bool
	}{
		{`6\d{8}`, "612345678", true, true},
		{`6\d{8}`, "61234567", false, false},
		{`6\d{8}`, "6123456789", false, true},
		{`[67]\d{2}|8(?:0[01]|9)\d`, "701", true, true},
		{`[67]\d{2}|8(?:0[01]|9)\d`, "8915", false, true},
		{`[67]\d{2}|8(?:0[01]|9)\d`, "802", false, false},
		{`(?:1[0-2]|3)\d?`, "3", true, true},
		{`(?:1[0-2]|3)\d?`, "13", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+"/"+tt.s, func(t *testing.T) {
			d, ok := compileDigitDFA(tt.pattern)
			if !ok {
				t.Fatal("not compiled")
			}
			if got := d.full(tt.s); got != tt.full {
				t.Errorf("full = %v, want %v", got, tt.full)
			}
			if got := d.prefix(tt.s); got != tt.prefix {
				t.Errorf("prefix = %v, want %v", got, tt.prefix)
			}
		})
	}
	if _, ok := compileDigitDFA(`\b12`); ok {
		t.Error("a word boundary compiled")
	}
}
