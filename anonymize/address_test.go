package anonymize

import (
	"math/rand"
	"strings"
	"testing"
)

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
		{"road code", "Ctra. N-332 Valencia-Alicante, s/n", []found{{EntityStreetAddress, "Ctra. N-332 Valencia-Alicante, s/n"}}},
		{"title is not drive", "Hospital Dr. Peset Av. Gaspar Aguilar, 90.", []found{{EntityStreetAddress, "Av. Gaspar Aguilar, 90"}}},
		{"street named after a person", "Hospital Miguel Servet Pso. Isabel La Católica, s/n.", []found{{EntityStreetAddress, "Pso. Isabel La Católica, s/n"}}},
		{"street named after a place", "vivo en Av. Kansas City 92, 8ºB", []found{{EntityStreetAddress, "Av. Kansas City 92, 8ºB"}}},
		{"name and number before a postal code", "Hospital Gregorio Marañón. Doctor Esquerdo, 46. 28007 Madrid.", []found{{EntityStreetAddress, "Doctor Esquerdo, 46"}}},
		{"name and s/n before a postal code", "Hospital de Albacete. Hermanos Falcó, s/n - 02006 Albacete", []found{{EntityStreetAddress, "Hermanos Falcó, s/n"}}},
		{"name after a place before a postal code", "Complejo Hospitalario de Navarra Irunlarrea, 4 31008 Pamplona", []found{{EntityStreetAddress, "Irunlarrea, 4"}}},
		{"not a street: name and age", "Paciente: Juan, 46 años.", nil},
		{"name, number and floor before a postal code", "Unidad de Reumatología. Colón, 28, 1º. 36201 Vigo.", []found{{EntityStreetAddress, "Colón, 28, 1º"}}},
		{"name, number and floor before a town", "Hospital Virgen del Rocío. Reyes Católicos, 19 - 5o. Sevilla. España.", []found{{EntityStreetAddress, "Reyes Católicos, 19 - 5o"}}},
		{"not a street: name and number before a town", "Visita: Juan, 25. Madrid.", nil},
		{"kilometre", "Ctra. de Colmenar Viejo, Km 9,100 - 28034 Madrid", []found{{EntityStreetAddress, "Ctra. de Colmenar Viejo, Km 9,100"}}},
		{"door letter after a comma", "Domicilio en Av. Estrecho, 34, 2, H.", []found{{EntityStreetAddress, "Av. Estrecho, 34, 2, H"}}},
		{"door after a hash", "Av. la Viña. 326 #543.", []found{{EntityStreetAddress, "Av. la Viña. 326 #543"}}},
		{"postal code is not the building number", "Avenida de la Constitución 13600 Alcázar de San Juan", []found{{EntityStreetAddress, "Avenida de la Constitución"}}},
		{"C.P. is not a door", "Avda. Purísima Concepción 6, 1o A C.P. 51001", []found{{EntityStreetAddress, "Avda. Purísima Concepción 6, 1o A"}}},
		{"a number ending a sentence stays out", "Área 3400. C/ Dr. Esquerdo 46.", []found{{EntityStreetAddress, "C/ Dr. Esquerdo 46"}}},
		{"not a street: visual acuity", "presentó una AV de 0,8 con corrección", nil},
		{"not a street: al without its full stop", "adyacentes al espacio discal D10-D11.", nil},
		{"not a street: an abbreviation before a lower-case word", "K sérico 4,2 mmol/l Cl. serico 118 mmol/l", nil},
		{"not a street: vía with a lower-case word", "Enantyun 25/8 h vía oral y morfina 5 mg", nil},
		{"street named with a weekday", "Facultad. C/ Domingo Miral s/n, 50009 Zaragoza", []found{{EntityStreetAddress, "C/ Domingo Miral s/n"}}},
		{"street with a cardinal point", "Hospital del Sureste Ronda del Sur, 10, 28500 Arganda", []found{{EntityStreetAddress, "Ronda del Sur, 10"}}},
		{"polish avenue", "al. Jerozolimskie 65", []found{{EntityStreetAddress, "al. Jerozolimskie 65"}}},
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

// TestPostalCodePieces covers postal codes before their town and how a
// one-line address splits: in Spanish the postal code and the town are
// territory (LOCATION) next to the street; elsewhere the code is part of
// the address.
func TestPostalCodePieces(t *testing.T) {
	a := DefaultAnalyzer()
	tests := []struct {
		name, text, lang string
		want             []found
	}{
		{"spanish street, code, town", "Avda. Campanar, 19 46009 Valencia", "es",
			[]found{{EntityStreetAddress, "Avda. Campanar, 19"}, {EntityLocation, "46009"}, {EntityLocation, "Valencia"}}},
		{"spanish one line ending in a country", "Avda. Campanar, 19 46009 Valencia España", "es",
			[]found{{EntityStreetAddress, "Avda. Campanar, 19"}, {EntityLocation, "46009"}, {EntityLocation, "Valencia"}, {EntityLocation, "España"}}},
		{"spanish code field", "CP: 28035.", "es", []found{{EntityLocation, "28035"}}},
		{"spanish country prefix", "C/ Irunlarrea, 4 E-31008 Pamplona", "es",
			[]found{{EntityStreetAddress, "C/ Irunlarrea, 4"}, {EntityLocation, "E-31008"}, {EntityLocation, "Pamplona"}}},
		{"code field without a space", "Localidad/ Provincia: Sevilla.\nCP:41001.", "es", []found{{EntityLocation, "Sevilla"}, {EntityLocation, "41001"}}},
		{"code after a door", "Calle Joaquim Folguera, 3 - 5º 2ª 08022 Barcelona.", "es",
			[]found{{EntityStreetAddress, "Calle Joaquim Folguera, 3 - 5º 2ª"}, {EntityLocation, "08022"}, {EntityLocation, "Barcelona"}}},
		{"code after s/n", "Ctra. Madrid - Cartagena s/n 30120 Murcia.", "es",
			[]found{{EntityStreetAddress, "Ctra. Madrid - Cartagena s/n"}, {EntityLocation, "30120"}, {EntityLocation, "Murcia"}}},
		{"code after a town", "Looking to support Factset in Bjert 6091 in its mission", "en", []found{{EntityLocation, "Bjert"}, {EntityStreetAddress, "6091"}}},
		{"not a code: a year after a town", "we were in Madrid 2019 and 2020", "en", []found{{EntityLocation, "Madrid"}}},
		{"code after a two-word country", "Apt. 805\nPines Beach\nNew Zealand 34694", "en", []found{{EntityStreetAddress, "Apt. 805\nPines Beach\nNew Zealand 34694"}}},
		{"english zip field", "my zip code is 94107", "en", []found{{EntityStreetAddress, "94107"}}},
		{"not a code: amount", "pagué 12345 Euros", "es", nil},
		{"not a code: street number after it", "62314 Mellemvej 32", "en", []found{{EntityStreetAddress, "62314"}, {EntityStreetAddress, "Mellemvej 32"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := analyzeFound(a, tt.text, WithLanguage(tt.lang))
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

// TestStreetShapes covers street shapes of other languages: lower-case
// types after the name, a building number before a type-first street,
// Greek and Cyrillic types.
func TestStreetShapes(t *testing.T) {
	a := DefaultAnalyzer()
	tests := []struct {
		name, text string
		want       []found
	}{
		{"hungarian abbreviated type", "It is at Király u. 15. near the river", []found{{EntityStreetAddress, "Király u. 15."}}},
		{"hungarian square", "send it to Erzsébet tér 19.", []found{{EntityStreetAddress, "Erzsébet tér 19."}}},
		{"estonian lower-case type", "see you at Luite tee 87 then", []found{{EntityStreetAddress, "Luite tee 87"}}},
		{"norwegian lower-case type", "the office is in Trenerys gate 232 now", []found{{EntityStreetAddress, "Trenerys gate 232"}}},
		{"number before a type-first street", "Sofie lives on 69 Av Sidi Lakhmi street.", []found{{EntityPerson, "Sofie"}, {EntityStreetAddress, "69 Av Sidi Lakhmi"}}},
		{"number before a french avenue", "we met at 12 Avenue des Lilas yesterday", []found{{EntityStreetAddress, "12 Avenue des Lilas"}}},
		{"number before a lower-case rue and particles", "it is 7 rue de la Paix", []found{{EntityStreetAddress, "7 rue de la Paix"}}},
		{"french avenue then a unit", "send it to 8 Avenue du Parc Apt. 4", []found{{EntityStreetAddress, "8 Avenue du Parc Apt. 4"}}},
		{"avenue after the name before a unit", "send it to 41 Fourth Avenue Suite 20", []found{{EntityStreetAddress, "41 Fourth Avenue Suite 20"}}},
		{"not a street: a number and particles only", "we saw 12 Avenue de la in the list", nil},
		{"st after a type-first street", "enter on 40 Avenue Habib St. in the morning", []found{{EntityStreetAddress, "40 Avenue Habib"}}},
		{"st after a type-last street", "drop me at 22 Maple Avenue St. please", []found{{EntityStreetAddress, "22 Maple Avenue"}}},
		{"st after a rue with a name of two words", "enter on 7 Rue Ibn Khaldoun St. at noon", []found{{EntityStreetAddress, "7 Rue Ibn Khaldoun"}}},
		{"saint inside a rue", "we met at 7 Rue St Denis yesterday", []found{{EntityStreetAddress, "7 Rue St Denis"}}},
		{"number before a lower-case avenue", "she lives on 14 avenue de Lyon street.", []found{{EntityStreetAddress, "14 avenue de Lyon"}}},
		{"elided particle in a french name", "the office is at 5 Avenue d'Italie today", []found{{EntityStreetAddress, "5 Avenue d'Italie"}}},
		{"name and number after a longer street cue", "He lives on the south side of Pedro Lenz 418.", []found{{EntityStreetAddress, "Pedro Lenz 418"}}},
		{"not a street: a cue, a common word and a number", "He lives on the east side of town 5 days a week", nil},
		{"a type word inside the name stays", "drop me at 22 Church Hill Street please", []found{{EntityStreetAddress, "22 Church Hill Street"}}},
		{"hungarian lower-case word in the name", "the shop is on Szent király útja 12. now", []found{{EntityStreetAddress, "Szent király útja 12."}}},
		{"hungarian ordinal number in an address field", "Address: 12 Kossuth Lajos utca 5. Apt. 3", []found{{EntityStreetAddress, "12 Kossuth Lajos utca 5. Apt. 3"}}},
		{"swedish postcode after a zip field", "ZIP: 114 51", []found{{EntityStreetAddress, "114 51"}}},
		{"dutch postcode after a zip field", "ZIP: 1012 AB", []found{{EntityStreetAddress, "1012 AB"}}},
		{"initial before a compound street", "The bus station is on J. Kochstraat 12", []found{{EntityStreetAddress, "J. Kochstraat 12"}}},
		{"str after the name", "he lives at 136 Filadelfeos Str., Klirou", []found{{EntityStreetAddress, "136 Filadelfeos Str."}, {EntityLocation, "Klirou"}}},
		{"greek avenue", "η διεύθυνση είναι Λεωφόρος Συγγρού 119", []found{{EntityStreetAddress, "Λεωφόρος Συγγρού 119"}}},
		{"russian street", "адрес: ул. Ленина 5", []found{{EntityStreetAddress, "ул. Ленина 5"}}},
		{"lower-case compound street", "eva lives at hersnapvej 18, ok?", []found{{EntityPerson, "eva"}, {EntityStreetAddress, "hersnapvej 18"}}},
		{"lower-case corner", "meet at the corner of heiligengeistbrücke 77 and minik courts", []found{{EntityStreetAddress, "the corner of heiligengeistbrücke 77 and minik courts"}}},
		{"lower-case ship address", "send it to uscgc aslakhanov\nfpo ae 44941?", []found{{EntityStreetAddress, "uscgc aslakhanov\nfpo ae 44941"}}},
		{"not a street: lower-case compound in a capitalised text", "Eva went to the bakeryweg 18 times", []found{{EntityPerson, "Eva"}}},
		{"not a street: lower-case word after a name", "Anna u 2 late?", []found{{EntityPerson, "Anna"}}},
		{"not a street: gate number", "Boarding at Gate 23 now", nil},
		{"not a town: a word after a unit inside a sentence", "I stayed in Suite 464 Tuesday and left", []found{{EntityStreetAddress, "Suite 464"}}},
		{"not a unit: a number on the next line", "call the office\n930 167 3943", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := analyzeFound(a, tt.text)
			var addr []found
			for _, f := range got {
				if f.typ == EntityStreetAddress || f.typ == EntityLocation || f.typ == EntityPerson {
					addr = append(addr, f)
				}
			}
			if len(addr) != len(tt.want) {
				t.Fatalf("Analyze(%q) = %v, want %v", tt.text, addr, tt.want)
			}
			for i := range addr {
				if addr[i] != tt.want[i] {
					t.Errorf("Analyze(%q)[%d] = %v, want %v", tt.text, i, addr[i], tt.want[i])
				}
			}
		})
	}
}

// TestPostalBlocks covers addresses written as blocks over lines: the
// city line, a region code in any case and the postal code join the
// street into one span.
func TestPostalBlocks(t *testing.T) {
	a := DefaultAnalyzer()
	tests := []struct {
		name, text, want string
	}{
		{"lower-case region code", "address:\n25615 Tawastintie 72 Apt. 004\nKNIVSTA, nan 18237", "25615 Tawastintie 72 Apt. 004\nKNIVSTA, nan 18237"},
		{"two-word city", "address:\n19607 107 Igias Street\nCockle Bay\n, nan\n 00617", "19607 107 Igias Street\nCockle Bay\n, nan\n 00617"},
		{"town named like a person", "address:\n19902 Dobrovského 1394 Apt. 066\nSt Georges, QC 54256", "19902 Dobrovského 1394 Apt. 066\nSt Georges, QC 54256"},
		{"three-letter region code", "address:\n87645 22 Talga Court Apt. 331\nKaster\n, VWV\n 04494", "87645 22 Talga Court Apt. 331\nKaster\n, VWV\n 04494"},
		{"symbol inside a city name", "address:\n928 Λ. Αλεξάνδρας 14\n Suite 112\n ΧΑΝ∆ΡΙΑ\n Cyprus (Greek) 51034", "928 Λ. Αλεξάνδρας 14\n Suite 112\n ΧΑΝ∆ΡΙΑ\n Cyprus (Greek) 51034"},
		{"numeric region code", "address:\n704 1436 Redbud Drive\nCite Essanaouber\n, 32\n 60810", "704 1436 Redbud Drive\nCite Essanaouber\n, 32\n 60810"},
		{"one-letter region code", "address:\n0538 15 Millicent Drive\nMuel\n, Z\n 16518", "0538 15 Millicent Drive\nMuel\n, Z\n 16518"},
		{"lower-case town before a code", "address:\n0605 πεντέλης 210 apt. 999\ndelmas, mp 35739", "0605 πεντέλης 210 apt. 999\ndelmas, mp 35739"},
		{"town and state code on one line", "It is 7878 Rahu 37 Apt. 405 Sindi PR", "7878 Rahu 37 Apt. 405 Sindi PR"},
		{"town and code after a unit", "I'll meet you at 41377 Schachterlweg 62 Apt. 501 POLSING OO after the concert.", "41377 Schachterlweg 62 Apt. 501 POLSING OO"},
		{"town and lower-case code after a unit", "The office is at 2519 Semperweg 150 Suite 691 Birmensdorf nan", "2519 Semperweg 150 Suite 691 Birmensdorf nan"},
		{"known town and lower-case code after a unit", "Meet me at 12 Storgata 4 Apt. 7 Oslo nan", "12 Storgata 4 Apt. 7 Oslo nan"},
		{"symbol opening a word of a city", "It's in Λεωφόρος Συγγρού 119\n Apt. 658\n ΑΓΙΟΣ ∆ΟΜΕΤΙΟΣ\n Cyprus (Greek) 25572", "Λεωφόρος Συγγρού 119\n Apt. 658\n ΑΓΙΟΣ ∆ΟΜΕΤΙΟΣ\n Cyprus (Greek) 25572"},
		{"town with a particle after a known head", "address:\n1207 Avda. Castilla 9\n Apt. 12\n Soto del Real\n\n Spain 28791", "1207 Avda. Castilla 9\n Apt. 12\n Soto del Real\n\n Spain 28791"},
		{"town with a one-letter district", "address:\n88 Storgata 4 Suite 2\nKRISTIANSUND N\n, nan\n Norway 6509", "88 Storgata 4 Suite 2\nKRISTIANSUND N\n, nan\n Norway 6509"},
		{"region code then a dashed postcode", "address:\n12 ul. Długa 5 Apt. 7\n   Wrocław\n    nan\n    50-123", "12 ul. Długa 5 Apt. 7\n   Wrocław\n    nan\n    50-123"},
		{"town with particles and a name-like word", "address:\n31 Hlavní 12\n Suite 5\n Ústí nad Orlicí\n Czech Republic 56201", "31 Hlavní 12\n Suite 5\n Ústí nad Orlicí\n Czech Republic 56201"},
		{"one-line town with particles", "send it to 5 Main Road Apt. 2, Lhota u Kladna, Czech Republic 27301", "5 Main Road Apt. 2, Lhota u Kladna, Czech Republic 27301"},
		{"unit is not the street name", "address:\n9554 62 Rue Gafsa Apt. 981\nToronto\n, ON\n 82269", "9554 62 Rue Gafsa Apt. 981\nToronto\n, ON\n 82269"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := analyzeFound(a, tt.text)
			if len(got) != 1 || got[0] != (found{EntityStreetAddress, tt.want}) {
				t.Fatalf("Analyze(%q) = %v, want one STREET_ADDRESS %q", tt.text, got, tt.want)
			}
		})
	}
}

// addressHeavyTexts are 1 MB texts full of address pieces, the shapes
// that made the assembler's searches quadratic.
func addressHeavyTexts(size int) map[string]string {
	return map[string]string{
		"named streets":      strings.Repeat("Hospital. Doctor Esquerdo, 46. 28007 Madrid. ", size/45),
		"streets in names":   strings.Repeat("Marqués de Valdecilla Avda. Valdecilla, s/n ", size/45),
		"codes after places": strings.Repeat("in Bjert 6091 ", size/14),
		"postal blocks":      strings.Repeat("address:\n25615 Tawastintie 72 Apt. 004\nKNIVSTA, nan 18237\n", size/56),
	}
}

// TestAnalyzeLargeAddressMessages checks that address-heavy 1 MB texts
// give sorted, non-overlapping spans (their time is watched by
// BenchmarkAnalyzeAddressHeavy).
func TestAnalyzeLargeAddressMessages(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs")
	}
	a := DefaultAnalyzer()
	for name, text := range addressHeavyTexts(1 << 20) {
		t.Run(name, func(t *testing.T) {
			spans := a.Analyze(text, WithLanguage("es"))
			if len(spans) == 0 {
				t.Fatal("no spans")
			}
			prev := 0
			for _, s := range spans {
				if s.Start < prev || s.End > len(text) || s.End <= s.Start {
					t.Fatalf("bad span %+v after %d", s, prev)
				}
				prev = s.End
			}
		})
	}
}

// BenchmarkAnalyzeAddressHeavy times the 1 MB address-heavy texts; the
// time per text must grow linearly with its size.
func BenchmarkAnalyzeAddressHeavy(b *testing.B) {
	a := DefaultAnalyzer()
	for name, text := range addressHeavyTexts(1 << 20) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				a.Analyze(text, WithLanguage("es"))
			}
		})
	}
}

// TestAnalyzeAddressPiecesProperty runs texts made of random address
// pieces through Analyze (en and es) and checks its promise: sorted,
// non-overlapping spans on the text. The assembler once returned a lone
// building number inside the address it belonged to ("n 12 Av. CP 15 s
// nºbajonº Cyprus"), which made Engine.Anonymize panic.
func TestAnalyzeAddressPiecesProperty(t *testing.T) {
	a := DefaultAnalyzer()
	pieces := []string{"C/", "Av.", "Avda", ".", ",", "\n", "º", "ª", "s/n", "s", "/", "n", "-", "E-", "E", ":", "CP", "Calle", "calle", "Madrid",
		"28013", "12", "5", "3B", "nº", "No.", "#", "Apt.", "Suite", "apt", "(", ")", "Λ.", "ΧΑΝ∆ΡΙΑ", "∆", "u.", "tér", "gate", "Str.", "Rue", "rue",
		"the", "corner", "of", "and", "Doctor", "Esquerdo", "Provincia", "Localidad", "nan", "NO", "ON", "Spain", "New", "Zealand", "km", "bajo",
		"A", "B", "Cyprus", "(Greek)", "Hammarvägen", "15", "PSC", "Box", "APO", "AE", "09012", "uscgc", "fpo", "ae", "Sevilla", "España", "1º",
		"2ºb", "3.º", "ul.", "al.", "Pso.", "Dr.", "Hospital", "Mar", "Domingo", " ", "  ", "x", "1234", "123 45", "7412", "SL"}
	texts := []string{"n 12 Av. CP 15 s nºbajonº Cyprus Dr.rue ", "Pso.CP28013 1234 Esquerdo 5 . Provincia E-ZealandSpain  "}
	r := rand.New(rand.NewSource(1))
	for range 20000 {
		var b strings.Builder
		for n := 1 + r.Intn(14); n > 0; n-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
			if r.Intn(3) > 0 {
				b.WriteByte(' ')
			}
		}
		texts = append(texts, b.String())
	}
	for i, text := range texts {
		lang := []string{"en", "es"}[i%2]
		prev := 0
		for _, s := range a.Analyze(text, WithLanguage(lang)) {
			if s.Start < prev || s.End > len(text) || s.End <= s.Start {
				t.Fatalf("Analyze(%q, %s): span %+v overlaps or is out of order (previous end %d)", text, lang, s, prev)
			}
			prev = s.End
		}
	}
}
