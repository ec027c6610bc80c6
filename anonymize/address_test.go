package anonymize

import "testing"

// TestSpanishStreets covers streets written type first, the way Spanish
// and Latin American addresses are: abbreviations, number markers, lower
// case names, "s/n" and floor and door details.
func TestSpanishStreets(t *testing.T) {
	a := DefaultAnalyzer()
	tests := []struct {
		name, text string
		want       []found
	}{
		{"number marker", "vivo en C/ Ramos Silvela nº 2, 6º A desde enero", []found{{EntityStreetAddress, "C/ Ramos Silvela nº 2, 6º A"}}},
		{"floor with ordinal letter", "Av. Galaxia 6, esc. 2, 2ºb", []found{{EntityStreetAddress, "Av. Galaxia 6, esc. 2, 2ºb"}}},
		{"floor with dot ordinal", "C/. Pintor Goya, 1, 3.º B", []found{{EntityStreetAddress, "C/. Pintor Goya, 1, 3.º B"}}},
		{"lower-case name", "Domicilio en Av. puerta de hierro 47, 5G", []found{{EntityStreetAddress, "Av. puerta de hierro 47, 5G"}}},
		{"lower-case type", "vive en la calle embajadores, 23, 2 A de Madrid", []found{{EntityStreetAddress, "calle embajadores, 23, 2 A"}}},
		{"sin numero", "Avda. Valdecilla s/n", []found{{EntityStreetAddress, "Avda. Valdecilla s/n"}}},
		{"sin numero spaced", "Avda. Dr. Fleming, s / n", []found{{EntityStreetAddress, "Avda. Dr. Fleming, s / n"}}},
		{"sn", "Avda. Amazonas Central, SN", []found{{EntityStreetAddress, "Avda. Amazonas Central, SN"}}},
		{"numbered street", "Calle 15 No. 654", []found{{EntityStreetAddress, "Calle 15 No. 654"}}},
		{"number after a full stop", "Calle La Ventilla. 98", []found{{EntityStreetAddress, "Calle La Ventilla. 98"}}},
		{"not a street: lower-case type and word", "te lo mando via email 2 veces", nil},
		{"not a street: type then function word", "the place to be 5 times", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := analyzeFound(a, tt.text, WithLanguage("es"))
			var streets []found
			for _, f := range got {
				if f.typ == EntityStreetAddress {
					streets = append(streets, f)
				}
			}
			if len(streets) != len(tt.want) {
				t.Fatalf("Analyze(%q) streets = %v, want %v (all %v)", tt.text, streets, tt.want, got)
			}
			for i := range streets {
				if streets[i] != tt.want[i] {
					t.Errorf("Analyze(%q)[%d] = %v, want %v", tt.text, i, streets[i], tt.want[i])
				}
			}
		})
	}
}
