package anonymize

import (
	"bufio"
	"embed"
	"strings"
	"sync"
	"unicode/utf8"
)

// The word lists under data/ ship with the package; each folder carries the
// licence of its sources (see data/README.md).
//
//go:embed data/names/*.txt data/words/*.txt data/places/*.txt
var dataFS embed.FS

// Word flags in the gazetteer.
const (
	gFirst        uint32 = 1 << iota // a given name
	gLast                            // a surname
	gCommon                          // a common English word (top ~22k, dictionary)
	gVeryCommon                      // one of the ~3,000 commonest English words
	gStop                            // a function word (English or Spanish)
	gCountry                         // a country name (single-word, or the first word of one)
	gCity                            // a city (single-word, or the first word of one)
	gRegion                          // a state or region
	gStreet                          // a street type (street, avenue, calle…)
	gPlace                           // a one-word place name
	gPlaceStart                      // the first word of a multi-word place name
	gStreetPrefix                    // a street type written first (calle, rue, via)
	gUnit                            // apt, suite, piso…
	gTitle                           // mr, dr, sra…
	gPersonCue                       // the last word of a person cue
	gMonth                           // a month name
	gWeekday                         // a weekday name
	gZipCue                          // zip, postcode…
	gField                           // name, nombre… (a field label)
	gDLCue                           // license, licencia, dl…
	gAddrField                       // a word of addressFieldWords
	gMilitary                        // a word of militaryPost
	gStreetCue                       // a word of streetCueVerbs
	gIntroEnd                        // a word of introEnd
)

type gazetteer struct {
	words map[string]uint32
	// places maps a lower-cased multi-word place name to its flag.
	places   map[string]uint32
	maxWords int // the most words in a place name
	// table holds words for the per-token lookups of flags.
	table *wordTable
}

var loadGazetteer = sync.OnceValue(func() *gazetteer {
	g := &gazetteer{words: make(map[string]uint32, 80000), places: make(map[string]uint32, 40000)}
	g.addFile("data/names/first.txt", gFirst, -1)
	g.addFile("data/names/last.txt", gLast, -1)
	g.addFile("data/words/common_en.txt", gCommon, -1)
	g.addFile("data/words/common_en.txt", gVeryCommon, 3000)
	g.addFile("data/words/common_es.txt", gCommon, -1)
	g.addFile("data/words/common_es.txt", gVeryCommon, 1500)
	g.addFile("data/words/stopwords.txt", gStop, -1)
	// A word of the name lists that is also a common English word is a
	// name (Michael, Laura) unless name_words.txt says it is first of all
	// a word (Will, Mark, Grace).
	wordFirst := map[string]bool{}
	for _, f := range []string{"data/words/name_words.txt", "data/words/name_words_es.txt"} {
		g.lines(f, -1, func(s string) {
			for _, w := range strings.Fields(s) {
				wordFirst[strings.ToLower(w)] = true
			}
		})
	}
	for w, f := range g.words {
		if f&(gFirst|gLast) != 0 && f&gStop == 0 && !wordFirst[w] {
			g.words[w] = f &^ (gCommon | gVeryCommon)
		}
	}
	g.addPlaces("data/places/countries.txt", gCountry)
	g.addPlaces("data/places/cities_geonames.txt", gCity)
	g.addPlaces("data/places/cities_faker.txt", gCity)
	g.addPlaces("data/places/regions.txt", gRegion)
	for _, w := range streetTypes {
		g.words[w] |= gStreet
	}
	for _, set := range []struct {
		words map[string]bool
		flag  uint32
	}{
		{streetPrefixTypes, gStreetPrefix}, {unitWords, gUnit}, {personTitles, gTitle}, {weekdays, gWeekday},
		{zipCues, gZipCue}, {personFields, gField},
		// Membership bits of small word sets: a recognizer tests the bit
		// on the token before it pays for a map lookup.
		{addressFieldWords, gAddrField}, {militaryPost, gMilitary}, {streetCueVerbs, gStreetCue}, {introEnd, gIntroEnd},
	} {
		for w := range set.words {
			g.words[w] |= set.flag
		}
	}
	for w := range months {
		g.words[w] |= gMonth
	}
	for _, w := range []string{"license", "licence", "licencia", "dl", "cdl", "permiso", "carnet", "carné"} {
		g.words[w] |= gDLCue
	}
	for w := range personCuesByLast {
		g.words[w] |= gPersonCue
	}
	g.table = newWordTable(g.words)
	return g
})

func (g *gazetteer) lines(name string, limit int, f func(string)) {
	fh, err := dataFS.Open(name)
	if err != nil {
		panic("anonymize: embedded data: " + err.Error())
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	n := 0
	for sc.Scan() {
		if limit >= 0 && n >= limit {
			return
		}
		if s := strings.TrimSpace(sc.Text()); s != "" && !strings.HasPrefix(s, "#") {
			f(s)
			n++
		}
	}
}

func (g *gazetteer) addFile(name string, flag uint32, limit int) {
	g.lines(name, limit, func(s string) {
		s = strings.ToLower(s)
		g.words[s] |= flag
		if f := foldAccents(s); f != s {
			g.words[f] |= flag
		}
	})
}

func (g *gazetteer) addPlaces(name string, flag uint32) {
	g.lines(name, -1, func(s string) {
		key := strings.Join(lowerWords(s), " ")
		if key == "" {
			return
		}
		n := strings.Count(key, " ") + 1
		g.maxWords = max(g.maxWords, n)
		for _, k := range []string{key, foldAccents(key)} {
			g.places[k] |= flag
			if n == 1 {
				g.words[k] |= gPlace
			} else {
				g.words[k[:strings.IndexByte(k, ' ')]] |= gPlaceStart
			}
		}
	})
}

// flags returns the flags of a lower-cased word (accents folded as a
// fallback).
func (g *gazetteer) flags(w string) uint32 {
	if f, ok := g.table.get(w); ok {
		return f
	}
	if asciiOnly(w) {
		return 0
	}
	// foldAccents, into a stack buffer: most words tried here are not in
	// the table, and a failed lookup must not cost an allocation.
	var buf [64]byte
	f := buf[:0]
	for _, r := range w {
		r = foldRune(r)
		f = utf8.AppendRune(f, r)
	}
	if string(f) == w {
		return 0
	}
	fl, _ := g.table.get(string(f))
	return fl
}

var accentFold = map[rune]rune{
	'á': 'a', 'à': 'a', 'â': 'a', 'ä': 'a', 'ã': 'a', 'å': 'a', 'ā': 'a', 'ą': 'a', 'ă': 'a',
	'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e', 'ē': 'e', 'ę': 'e', 'ě': 'e', 'ė': 'e',
	'í': 'i', 'ì': 'i', 'î': 'i', 'ï': 'i', 'ī': 'i', 'ı': 'i', 'į': 'i',
	'ó': 'o', 'ò': 'o', 'ô': 'o', 'ö': 'o', 'õ': 'o', 'ø': 'o', 'ō': 'o', 'ő': 'o',
	'ú': 'u', 'ù': 'u', 'û': 'u', 'ü': 'u', 'ū': 'u', 'ů': 'u', 'ű': 'u', 'ų': 'u',
	'ý': 'y', 'ÿ': 'y', 'ñ': 'n', 'ń': 'n', 'ň': 'n', 'ç': 'c', 'ć': 'c', 'č': 'c',
	'ś': 's', 'š': 's', 'ş': 's', 'ș': 's', 'ź': 'z', 'ż': 'z', 'ž': 'z', 'ł': 'l', 'ľ': 'l',
	'ř': 'r', 'ť': 't', 'ț': 't', 'ţ': 't', 'ď': 'd', 'đ': 'd', 'ğ': 'g', 'ß': 's', 'æ': 'a', 'œ': 'o', 'þ': 't', 'ð': 'd',
}

// accentFoldTable is accentFold as an array indexed by rune, 0 where a
// rune has no folding: every key of accentFold is below its length, and
// an index is cheaper than a map lookup per letter.
var accentFoldTable = func() (t [0x250]rune) {
	for r, a := range accentFold {
		t[r] = a
	}
	return t
}()

// foldRune returns r without its diacritic (accentFold), or r.
func foldRune(r rune) rune {
	if uint32(r) < uint32(len(accentFoldTable)) {
		if a := accentFoldTable[r]; a != 0 {
			return a
		}
		return r
	}
	if a, ok := accentFold[r]; ok {
		return a
	}
	return r
}

// foldAccents strips the diacritics of lower-case Latin letters.
func foldAccents(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = foldRune(r)
		b.WriteRune(r)
	}
	return b.String()
}

// streetTypes are the words that make a street name (English, Spanish and
// a few more European languages), lower case, abbreviations without dot.
var streetTypes = []string{
	"street", "st", "road", "rd", "avenue", "ave", "av", "boulevard", "blvd", "lane", "ln", "drive", "dr", "court", "ct",
	"place", "pl", "square", "sq", "terrace", "ter", "way", "close", "crescent", "cres", "parkway", "pkwy", "highway", "hwy",
	"circle", "cir", "trail", "trl", "alley", "row", "walk", "grove", "gardens", "gdns", "hill", "mews", "park", "path", "pike",
	"plaza", "point", "ridge", "run", "view", "vista", "loop", "crossing", "expressway", "freeway", "turnpike", "green", "heights",
	"calle", "c", "avenida", "avda", "paseo", "pº", "plaza", "pza", "camino", "carretera", "ctra", "ronda", "travesía", "travesia",
	"glorieta", "callejón", "callejon", "pasaje", "urbanización", "urbanizacion", "urb", "bulevar", "calzada", "cerrada", "privada", "colonia", "col",
	"rue", "boulevard", "chemin", "allée", "allee", "impasse", "quai", "route",
	"straße", "strasse", "str", "weg", "gasse", "platz", "allee", "ring", "damm",
	"via", "viale", "piazza", "corso", "largo", "rua", "travessa", "praça", "praca", "estrada", "avenida",
	"straat", "laan", "gracht", "plein", "gade", "vej", "gatan", "vägen", "vagen", "gata", "veien", "vei", "tie", "katu", "utca", "ulica", "ul",
}
