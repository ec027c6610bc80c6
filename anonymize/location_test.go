package anonymize

import "testing"

// TestLocations covers countries at the start of a sentence or line,
// texts written all in lower case, and addresses that end in a country.
func TestLocations(t *testing.T) {
	a := DefaultAnalyzer()
	tests := []struct {
		name, text string
		want       []found
		lang       string
	}{
		{"country opens a sentence", "Canada was super fun to visit!", []found{{EntityLocation, "Canada"}}, ""},
		{"country on its own line", "Maha Cazares\n\nChiclana de la Frontera\nSpain", []found{{EntityLocation, "Chiclana de la Frontera"}, {EntityLocation, "Spain"}}, ""},
		{"not a country: a name opening a sentence", "Jordan said hi", nil, ""},
		{"province in brackets after a town", "Carretera Toledo 28905 Getafe (Madrid), España", []found{{EntityStreetAddress, "Carretera Toledo"}, {EntityLocation, "28905"}, {EntityLocation, "Getafe"}, {EntityLocation, "Madrid"}, {EntityLocation, "España"}}, "es"},
		{"town after a town and a comma", "Localidad/ Provincia: Torrelodones, Madrid.", []found{{EntityLocation, "Torrelodones"}, {EntityLocation, "Madrid"}}, "es"},
		{"town after a postal code and a full stop", "Av. Galaxia 6, esc. 2, 2ºb 28023. Madrid E-mail", []found{{EntityStreetAddress, "Av. Galaxia 6, esc. 2, 2ºb"}, {EntityLocation, "28023"}, {EntityLocation, "Madrid"}}, "es"},
		{"not a place: an acronym in brackets", "Tomografía Axial Computerizada (TAC) de muñeca", nil, "es"},
		{"lower-case country after a cue", "i'm originally from switzerland", []found{{EntityLocation, "switzerland"}}, ""},
		{"lower-case city needs a cue", "paris was fun, we live in paris now", []found{{EntityLocation, "paris"}}, ""},
		{"lower-case address ending in a country", "my address: 2613 avenida praia 1 suite 463, mohács, hungary 24743",
			[]found{{EntityStreetAddress, "2613 avenida praia 1 suite 463, mohács, hungary 24743"}}, ""},
		{"country with a note in brackets", "The letter arrived at 654 Rua Ana Caciola 1159, ΣΤΡΟΒΟΛΟΣ, Cyprus (Greek) last night.",
			[]found{{EntityStreetAddress, "654 Rua Ana Caciola 1159, ΣΤΡΟΒΟΛΟΣ, Cyprus (Greek)"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []found
			for _, f := range analyzeFound(a, tt.text, WithLanguage(tt.lang)) {
				if f.typ == EntityLocation || f.typ == EntityStreetAddress {
					got = append(got, f)
				}
			}
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
