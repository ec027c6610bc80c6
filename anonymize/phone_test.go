package anonymize

import "testing"

// TestPhoneFormats covers phone shapes read from the layout around the
// digits: a detached or glued international '+', building numbers before a
// street name, and postal codes.
func TestPhoneFormats(t *testing.T) {
	a := DefaultAnalyzer()
	tests := []struct {
		name, text, lang, region string
		want                     []string // PHONE_NUMBER spans
	}{
		{"detached plus leaves the sign out", "Tel.: + 34 93 693 29 05. Fax: + 34 93 567 22 28.", "es", "ES", []string{"34 93 693 29 05", "34 93 567 22 28"}},
		{"detached plus with a dash", "FAX: + 34- 963864175 E-mail", "es", "ES", []string{"34- 963864175"}},
		{"plus glued to an abbreviation", "España Tfno.+34 945007000 Fax", "es", "ES", []string{"+34 945007000"}},
		{"attached plus kept", "call +34 612 34 56 78 now", "en", "", []string{"+34 612 34 56 78"}},
		{"building number before a street name", "The restaurant is at 9816 214 Pavlou Drandaki", "en", "", nil},
		{"building number before a name and a unit", "Please return to 94941 2505 Heatherleigh Suite 620", "en", "", nil},
		{"sender's region keeps digits before a capital", "612 34 56 78 Pedro", "es", "ES", []string{"612 34 56 78"}},
		{"no region: digits before a capital are an address", "612 34 56 78 Pedro", "es", "", nil},
		{"phone word keeps digits before a capital", "call me at 612 34 56 78 Tom", "en", "ES", []string{"612 34 56 78"}},
		{"grouped phone before lower case", "mi móvil es 612 34 56 78 gracias", "es", "ES", []string{"612 34 56 78"}},
		{"street word on the next line", "al numero de movil 618981345\nRemitido por: Dr. Francisco", "es", "ES", []string{"618981345"}},
		{"street word on the same line", "call 4966 Bond Street", "en", "GB", nil},
		{"telfs abbreviation", "Alcalá de Henares. Telfs.: 918823884 / 918823984 / 619128686. Correo", "es", "ES", []string{"918823884", "918823984", "619128686"}},
		{"telf abbreviation", "Granada, España. Telf.: 667051570, e-mail", "es", "ES", []string{"667051570"}},
		{"quantity with thousands dots", "hematíes 4.860.000/μl (4.400.000-5.800.000)", "es", "", nil},
		{"quantity shape with a phone word", "tel 9.123.456", "es", "", []string{"9.123.456"}},
		{"phone with dots", "llama al 612.345.678", "es", "ES", []string{"612.345.678"}},
		{"postal code 4-3", "MysticWeb in Quinta de São Tiago 3610-114 in its mission", "en", "", nil},
		{"postal code shape with a phone word", "tel 3610-114", "en", "", []string{"3610-114"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range a.Analyze(tt.text, WithLanguage(tt.lang), WithRegion(tt.region)) {
				if s.Type == EntityPhone {
					got = append(got, tt.text[s.Start:s.End])
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("phones %q, want %q", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("phone %d = %q, want %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}
