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
		{"place field with an article", "Localidad/ Provincia: La Habana.\nCP: 11300.", []found{{EntityLocation, "La Habana"}, {EntityLocation, "11300"}}, "es"},
		{"place field with an abbreviation", "Localidad/ Provincia: Cdad. Real.", []found{{EntityLocation, "Cdad. Real"}}, "es"},
		{"place field with several places", "Provincia: San Lucas, Coyoacan, CDMX.", []found{{EntityLocation, "San Lucas"}, {EntityLocation, "Coyoacan"}, {EntityLocation, "CDMX"}}, "es"},
		{"port before a town", "We sailed back to Port Gisborne today", []found{{EntityLocation, "Port Gisborne"}}, ""},
		{"town word after a town", "We moved to Gisborne Town.", []found{{EntityLocation, "Gisborne Town"}}, ""},
		{"not a town word: a longer name goes on", "We moved to Gisborne Town Hall.", []found{{EntityLocation, "Gisborne"}}, ""},
		{"postal district after a town", "The Aarhus C office is closed", []found{{EntityLocation, "Aarhus C"}}, ""},
		{"not a district: a letter before a capitalised word", "I want to add Aarhus C Jensen to my account", []found{{EntityLocation, "Aarhus"}}, ""},
		{"not a port: a sentence word before a town", "Export Nelson goods", nil, ""},
		{"place of common words alone", "We moved to Country Club last year", []found{{EntityLocation, "Country Club"}}, ""},
		{"not a place: common words after a name, a venue", "Dinner is at the Brightwater Country Club tonight", nil, ""},
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

// TestFieldPlaces checks that only fields naming a place give their value
// as places: "Where:" and "Location:" may name a venue.
func TestFieldPlaces(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"City: Upton Scudamore", []string{"Upton Scudamore"}},
		{"Provincia: Torrelodones, Madrid.", []string{"Torrelodones", "Madrid"}},
		{"Where: Beerze Country Club.", nil},
		{"Location: Kuncsorba Country Club", nil},
		{"Ciudad: en casa", nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			d := &doc{text: tt.text}
			var got []string
			for _, s := range fieldPlaces(d, d.tokens()) {
				got = append(got, tt.text[s.Start:s.End])
			}
			if len(got) != len(tt.want) {
				t.Fatalf("fieldPlaces(%q) = %q, want %q", tt.text, got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("fieldPlaces(%q)[%d] = %q, want %q", tt.text, i, got[i], tt.want[i])
				}
			}
		})
	}
}
