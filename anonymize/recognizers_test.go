package anonymize

import (
	"testing"
)

type found struct {
	typ, text string
}

// analyzeFound runs the default analyzer and returns what it found.
func analyzeFound(a *Analyzer, text string, opts ...AnalyzeOption) []found {
	var out []found
	for _, s := range a.Analyze(text, opts...) {
		out = append(out, found{s.Type, text[s.Start:s.End]})
	}
	return out
}

func TestRecognizers(t *testing.T) {
	a := DefaultAnalyzer()
	tests := []struct {
		name   string
		text   string
		lang   string
		region string
		want   []found
	}{
		// e-mail
		{"email plain", "write to john.doe@example.com please", "", "", []found{{EntityEmail, "john.doe@example.com"}}},
		{"email plus tag subdomain", "Mail: Ana+veil@mail.example.co.uk.", "", "", []found{{EntityEmail, "Ana+veil@mail.example.co.uk"}}},
		{"email in brackets", "<maria_garcia99@correo.es>", "es", "", []found{{EntityEmail, "maria_garcia99@correo.es"}}},
		{"email two", "a@b.io, c.d@e-f.org", "", "", []found{{EntityEmail, "a@b.io"}, {EntityEmail, "c.d@e-f.org"}}},
		{"not email no tld", "meet me @home or user@localhost", "", "", nil},
		{"not email handle", "follow @veil on twitter", "", "", nil},
		{"not email numeric tld", "root@10.0.0.1x", "", "", nil},

		// phone, international
		{"phone e164", "call me +34612345678", "", "", []found{{EntityPhone, "+34612345678"}}},
		{"phone intl spaced", "my number is +34 612 34 56 78 thanks", "", "", []found{{EntityPhone, "+34 612 34 56 78"}}},
		{"phone uk intl", "ring +44 20 7946 0958 today", "", "", []found{{EntityPhone, "+44 20 7946 0958"}}},
		{"phone us intl dashes", "+1-415-555-2671", "", "", []found{{EntityPhone, "+1-415-555-2671"}}},
		{"phone 00 prefix", "llama al 0034 612 345 678", "es", "ES", []found{{EntityPhone, "0034 612 345 678"}}},
		{"phone trunk zero in brackets", "Desk: +46 (0)8 928 571 38", "", "", []found{{EntityPhone, "+46 (0)8 928 571 38"}}},
		// phone, national with a region
		{"phone us national", "call (415) 555-2671 now", "", "US", []found{{EntityPhone, "(415) 555-2671"}}},
		{"phone us dashes", "They're not answering at 780-999-2181", "", "US", []found{{EntityPhone, "780-999-2181"}}},
		{"phone es national", "mi móvil es 612 34 56 78", "es", "ES", []found{{EntityPhone, "612 34 56 78"}}},
		{"phone es bare digits with context", "llámame al 612345678", "es", "ES", []found{{EntityPhone, "612345678"}}},
		{"phone mx", "mi celular: 55 1234 5678", "es", "MX", []found{{EntityPhone, "55 1234 5678"}}},
		{"phone gb national", "mobile 07700 900123", "", "GB", []found{{EntityPhone, "07700 900123"}}},
		{"phone fr dots", "tel 01.42.68.53.00", "", "FR", []found{{EntityPhone, "01.42.68.53.00"}}},
		{"phone extension", "Fax: 345-899-3560x4587", "", "US", []found{{EntityPhone, "345-899-3560x4587"}}},
		{"phone national via fallback region", "phone: 020 7946 0958", "", "", []found{{EntityPhone, "020 7946 0958"}}},
		// phone false positives
		{"not phone order number", "my order 612345678 has not arrived", "", "ES", nil},
		{"not phone pedido", "el pedido nº 612345678 no llega", "es", "ES", nil},
		{"not phone guid", "request id 123e4567-e89b-12d3-a456-426614174000 failed", "", "US", nil},
		{"not phone guid digits", "trace 12345678-1234-1234-1234-123456789012", "", "US", nil},
		{"not phone glued to letters", "ref AB612345678 and SKU612345678X", "", "ES", nil},
		{"dates not phones", "born on 1985-04-12 or 12/04/1985", "", "US", []found{{EntityDateTime, "1985-04-12"}, {EntityDateTime, "12/04/1985"}}},
		{"ipv4 not phone", "server 192.168.100.200 down", "", "US", []found{{EntityIP, "192.168.100.200"}}},
		{"not phone amount", "it costs $1,234,567.00", "", "US", nil},
		{"not phone bare digits without context", "the code 4155552671 works", "", "US", nil},
		{"not phone short", "code 555-12", "", "US", nil},

		// cards
		{"card visa", "my card 4111111111111111 expired", "", "", []found{{EntityCreditCard, "4111111111111111"}}},
		{"card grouped spaces", "4111 1111 1111 1111", "", "", []found{{EntityCreditCard, "4111 1111 1111 1111"}}},
		{"card grouped dashes", "card: 5500-0000-0000-0004.", "", "", []found{{EntityCreditCard, "5500-0000-0000-0004"}}},
		{"card amex 4-6-5", "amex 3782 822463 10005", "", "", []found{{EntityCreditCard, "3782 822463 10005"}}},
		{"card 19 digits", "My card 4030874397740603788 is expiring", "", "", []found{{EntityCreditCard, "4030874397740603788"}}},
		{"card maestro 12 with context", "card number 630427373398 is lost", "", "", []found{{EntityCreditCard, "630427373398"}}},
		{"card es context", "mi tarjeta 5555 5555 5555 4444 caduca", "es", "", []found{{EntityCreditCard, "5555 5555 5555 4444"}}},
		{"not card luhn fails", "my card 4111111111111112 expired", "", "", nil},
		{"not card 12 digits without context", "tracking 630427373398", "", "", nil},
		{"not card all zero", "0000000000000000", "", "", nil},
		{"not card too long", "41111111111111111111111", "", "", nil},
		{"not card decimal", "total 4111111111111111.50", "", "", nil},
		{"card after a phone", "+34 612 34 56 78 4111 1111 1111 1111", "", "", []found{{EntityPhone, "+34 612 34 56 78"}, {EntityCreditCard, "4111 1111 1111 1111"}}},
		{"card then more digits", "card 4111 1111 1111 1111 0412", "", "", []found{{EntityCreditCard, "4111 1111 1111 1111"}}},
		{"two phones in a row", "call 612 34 56 78 699 11 22 33", "", "ES", []found{{EntityPhone, "612 34 56 78"}, {EntityPhone, "699 11 22 33"}}},
		{"not card inside a long number", "tracking 1234 5678 9012 3456 7890 1234", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := analyzeFound(a, tt.text, WithLanguage(tt.lang), WithRegion(tt.region))
			if len(got) != len(tt.want) {
				t.Fatalf("Analyze(%q) = %v, want %v", tt.text, got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("Analyze(%q)[%d] = %v, want %v", tt.text, i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestRegionForNumber(t *testing.T) {
	tests := []struct{ waID, want string }{
		{"34612345678", "ES"},
		{"+34612345678", "ES"},
		{"14155552671", "US"},
		{"447700900123", "GB"},
		{"5215512345678", "MX"},
		{"", ""},
		{"notanumber", ""},
	}
	for _, tt := range tests {
		t.Run(tt.waID, func(t *testing.T) {
			if got := RegionForNumber(tt.waID); got != tt.want {
				t.Errorf("RegionForNumber(%q) = %q, want %q", tt.waID, got, tt.want)
			}
		})
	}
}

func TestNormalizeValue(t *testing.T) {
	tests := []struct{ typ, a, b, region string }{
		{EntityEmail, "John.Doe@Example.COM", "john.doe@example.com", ""},
		{EntityPhone, "+34 612 34 56 78", "612345678", "ES"},
		{EntityPhone, "0034-612-345-678", "(+34) 612 345 678", "ES"},
		{EntityPhone, "(415) 555-2671", "+1 415 555 2671", "US"},
		{EntityCreditCard, "4111 1111 1111 1111", "4111-1111-1111-1111", ""},
	}
	for _, tt := range tests {
		t.Run(tt.typ+"/"+tt.a, func(t *testing.T) {
			na, nb := NormalizeValue(tt.typ, tt.a, tt.region), NormalizeValue(tt.typ, tt.b, tt.region)
			if na != nb {
				t.Errorf("NormalizeValue(%q) = %q, NormalizeValue(%q) = %q; want equal", tt.a, na, tt.b, nb)
			}
		})
	}
	if a, b := NormalizeValue(EntityPhone, "612345678", "ES"), NormalizeValue(EntityPhone, "612345679", "ES"); a == b {
		t.Errorf("different phones normalized to the same %q", a)
	}
}
