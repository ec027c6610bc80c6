package anonymize

import (
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
			num := &phonenumbers.PhoneNumber{}
			fe, fok := fastValidPhone(tt.raw, tt.regions, tt.plus, true, num)
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
