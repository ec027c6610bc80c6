package anonymize

import (
	"strings"
	"testing"
)

// TestRecognizersMore covers the structured, date, name, address and
// location recognizers: true positives in several formats and the false
// positives to avoid.
func TestRecognizersMore(t *testing.T) {
	a := DefaultAnalyzer()
	tests := []struct {
		name, text, lang string
		want             []found
	}{
		{"iban compact", "send it to GB82WEST12345698765432 today", "", []found{{EntityIBAN, "GB82WEST12345698765432"}}},
		{"iban grouped lower", "iban: es91 2100 0418 4502 0005 1332", "es", []found{{EntityIBAN, "es91 2100 0418 4502 0005 1332"}}},
		{"not iban bad check", "GB82WEST12345698765433", "", nil},
		{"ipv4", "blocked from 10.20.30.40.", "", []found{{EntityIP, "10.20.30.40"}}},
		{"ipv6", "addr 2001:db8::8a2e:370:7334 here", "", []found{{EntityIP, "2001:db8::8a2e:370:7334"}}},
		{"not ip version", "upgrade to 1.2.3.4.5 now", "", nil},
		{"time not ipv6", "meet at 10:30:45", "", []found{{EntityDateTime, "10:30:45"}}},
		{"url", "see https://example.com/a?b=1).", "", []found{{EntityURL, "https://example.com/a?b=1"}}},
		{"url www", "visit www.example.org, thanks", "", []found{{EntityURL, "www.example.org"}}},
		{"mac", "device 00:1A:2B:3C:4D:5E online", "", []found{{EntityMAC, "00:1A:2B:3C:4D:5E"}}},
		{"mac cisco", "mac 001a.2b3c.4d5e", "", []found{{EntityMAC, "001a.2b3c.4d5e"}}},
		{"btc legacy", "wallet 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 ok", "", []found{{EntityCrypto, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"}}},
		{"btc bech32", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "", []found{{EntityCrypto, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"}}},
		{"not btc bad checksum", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", "", nil},
		{"ssn", "my SSN is 536-22-8726", "", []found{{EntityUSSSN, "536-22-8726"}}},
		{"not ssn invalid area", "ref 666-22-8726", "", nil},
		{"nino", "NI number JG 10 37 28 A", "", []found{{EntityUKNINO, "JG 10 37 28 A"}}},
		{"not nino bad prefix", "code BG123456A", "", nil},
		{"dni", "mi DNI es 12345678Z", "es", []found{{EntityESNIF, "12345678Z"}}},
		{"nie", "NIE X1234567L", "es", []found{{EntityESNIF, "X1234567L"}}},
		{"not dni wrong letter", "12345678A", "es", nil},
		{"cpf", "meu CPF é 529.982.247-25", "", []found{{EntityBRCPF, "529.982.247-25"}}},
		{"not cpf bad check", "529.982.247-26", "", nil},
		{"rut", "mi RUT es 12.345.678-5", "es", []found{{EntityCLRUT, "12.345.678-5"}}},
		{"cuit", "CUIT 20-12345678-6", "es", []found{{EntityARCUIT, "20-12345678-6"}}},
		{"curp", "mi CURP es GODE561231HDFRRN00", "es", []found{{EntityMXCURP, "GODE561231HDFRRN00"}}},
		{"driver license", "my driver's license is F1234567", "", []found{{EntityUSDriver, "F1234567"}}},
		{"not driver license without context", "code F1234567", "", nil},
		{"date iso time", "Date: 2020-06-20 14:11:22", "", []found{{EntityDateTime, "2020-06-20 14:11:22"}}},
		{"date written", "born on March 12, 1985", "", []found{{EntityDateTime, "March 12, 1985"}}},
		{"date spanish", "nací el 12 de marzo de 1985", "es", []found{{EntityDateTime, "12 de marzo de 1985"}}},
		{"date of birth slashes", "DOB 1/23/1984", "", []found{{EntityDateTime, "1/23/1984"}}},
		{"not date may verb", "you may go", "", nil},
		{"card expiry", "my card expires 12/27", "", []found{{EntityDateTime, "12/27"}}},
		{"not expiry without a word", "it is 12/27 of the total", "", nil},
		{"not date version", "version 1.2.3", "", nil},
		{"person with cue", "Hi, my name is Laura Martínez", "", []found{{EntityPerson, "Laura Martínez"}}},
		{"person spanish cue lowercase", "hola soy maría garcía", "es", []found{{EntityPerson, "maría garcía"}}},
		{"person lower case unknown after intro", "hi my name is krithika", "", []found{{EntityPerson, "krithika"}}},
		{"not person lower case word after intro", "my name is important", "", nil},
		{"person title", "Please ask for Dr. Okafor", "", []found{{EntityPerson, "Okafor"}}},
		{"person name field", "Name: Toshimi Arata", "", []found{{EntityPerson, "Toshimi Arata"}}},
		{"person middle initial", "contact Mary T. Smith today", "", []found{{EntityPerson, "Mary T. Smith"}}},
		{"person mid sentence", "I talked to Michael yesterday", "", []found{{EntityPerson, "Michael"}}},
		{"person not in email", "write to john.smith@example.com", "", []found{{EntityEmail, "john.smith@example.com"}}},
		{"not person common words", "Will you mark the price as paid?", "", nil},
		{"not person sentence start", "Thanks for the help!", "", nil},
		{"street number first", "I live at 24 Clarke Avenue, thanks", "", []found{{EntityStreetAddress, "24 Clarke Avenue"}}},
		{"street spanish", "vivo en Calle Mayor 5", "es", []found{{EntityStreetAddress, "Calle Mayor 5"}}},
		{"street compound", "address: Nybyvägen 65", "", []found{{EntityStreetAddress, "Nybyvägen 65"}}},
		{"unit", "Apt. 117", "", []found{{EntityStreetAddress, "Apt. 117"}}},
		{"street and unit merge", "I live at 24 Clarke Avenue, Apt. 117 now", "", []found{{EntityStreetAddress, "24 Clarke Avenue, Apt. 117"}}},
		{"zip", "my zip code is 94107", "", []found{{EntityStreetAddress, "94107"}}},
		{"uk postcode", "post it to SW1A 1AA please", "", []found{{EntityStreetAddress, "SW1A 1AA"}}},
		{"country", "I will be travelling to Sweden next week", "", []found{{EntityLocation, "Sweden"}}},
		{"city multiword", "she moved to Rio de Janeiro", "", []found{{EntityLocation, "Rio de Janeiro"}}},
		{"not location common word", "Reading is fun", "", nil},
		{"greeting is not a name", "Hola, quiero reservar una mesa", "es", nil},
		// One address written as one block is one span (one pseudonym).
		{"city before a postcode", "send it to 10 Downing Street, London SW1A 2AA", "", []found{{EntityStreetAddress, "10 Downing Street, London SW1A 2AA"}}},
		{"postal block", "Please return to 35108 ul. Zamkowa 33 Apt. 406\nBeerze\n, OV\n Netherlands 02032 in case of an issue.", "", []found{{EntityStreetAddress, "35108 ul. Zamkowa 33 Apt. 406\nBeerze\n, OV\n Netherlands 02032"}}},
		{"military address", "It is PSC 0272, Box 1651\nAPO AA 94530", "", []found{{EntityStreetAddress, "PSC 0272, Box 1651\nAPO AA 94530"}}},
		{"ship address", "Write to USS Lorenzen\nFPO AE 25990 please", "", []found{{EntityStreetAddress, "USS Lorenzen\nFPO AE 25990"}}},
		{"street corner", "meet at the corner of Dalbraut 99 and Frederikke Coves.", "", []found{{EntityStreetAddress, "the corner of Dalbraut 99 and Frederikke Coves"}}},
		{"town after a street", "send it to 5049 Harjukuja 54, Seinäjoki", "", []found{{EntityStreetAddress, "5049"}, {EntityStreetAddress, "Harjukuja 54"}, {EntityLocation, "Seinäjoki"}}},
		{"one building number per street", "The restaurant is at 17151 2450 Crown St", "", []found{{EntityStreetAddress, "17151"}, {EntityStreetAddress, "2450 Crown St"}}},
		{"place after moved here from", "We moved here from Feysville", "", []found{{EntityLocation, "Feysville"}}},
		{"city and country end an address", "The letter arrived at 55523 175 Iroon Polytechniou Avenue Suite 907 Soloi Cyprus", "", []found{{EntityStreetAddress, "55523 175 Iroon Polytechniou Avenue Suite 907 Soloi Cyprus"}}},
		{"field label after an address", "Unit 5022 Box 1225\nDPO AE 44085\nMobile: see below", "", []found{{EntityStreetAddress, "Unit 5022 Box 1225\nDPO AE 44085"}}},
		{"postal block opened by an unknown street", "Please return to 72134 Coronilla 3599\nNijmegen\n, GE\n Netherlands 62971 in case of an issue.", "", []found{{EntityStreetAddress, "72134 Coronilla 3599\nNijmegen\n, GE\n Netherlands 62971"}}},
		{"common-word country in a sentence", "I will be travelling to Canada next week", "", []found{{EntityLocation, "Canada"}}},
		{"unknown street between two numbers", "The bus drops you off at 077 Příční 1429 tomorrow", "", []found{{EntityStreetAddress, "077"}, {EntityStreetAddress, "Příční 1429"}}},
		{"date is not a numbered street", "we met on 12 March 2024 at noon", "", []found{{EntityDateTime, "12 March 2024"}}},
		{"name stops before an address unit", "Dr. Cindy Holinka Apt. 117 5720 Skoanveien 226", "", []found{{EntityPerson, "Cindy Holinka"}, {EntityStreetAddress, "Apt. 117 5720 Skoanveien 226"}}},
		{"street with inner particles", "Timotea lives on Via dei Fiorentini 17 street.", "", []found{{EntityPerson, "Timotea"}, {EntityStreetAddress, "Via dei Fiorentini 17"}}},
		{"street then sentence", "I live at 24 Clarke Avenue, and Tom visits", "", []found{{EntityStreetAddress, "24 Clarke Avenue"}, {EntityPerson, "Tom"}}},
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

func TestIndexAnyOf3MatchesIndexAny(t *testing.T) {
	tests := []struct{ name, s string }{
		{"empty", ""},
		{"none", "hello world"},
		{"colon only", "ab:cd"},
		{"dash before dot", "a-b.c"},
		{"dot before colon", "x.y:z"},
		{"all three, last first", "..--::"},
		{"at the end", "abcdef-"},
		{"utf8 around", "señor–ñ.ü"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := indexAnyOf3(tt.s, ':', '-', '.'), strings.IndexAny(tt.s, ":-."); got != want {
				t.Errorf("indexAnyOf3(%q) = %d, want %d", tt.s, got, want)
			}
		})
	}
}
