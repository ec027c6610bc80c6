package anonymize

import (
	"crypto/sha256"
	"encoding/binary"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// surrogateRand is a deterministic stream of numbers from a seed (the blind
// index of a value, itself a keyed hash): the same value of the same user
// always gets the same surrogate.
type surrogateRand struct {
	seed  []byte
	block [32]byte
	n     int
	ctr   uint32
}

func newSurrogateRand(seed []byte, attempt int) *surrogateRand {
	s := &surrogateRand{seed: append(append([]byte(nil), seed...), byte(attempt)), n: 32}
	return s
}

func (r *surrogateRand) next() uint32 {
	if r.n+4 > len(r.block) {
		h := sha256.New()
		h.Write(r.seed)
		var c [4]byte
		binary.BigEndian.PutUint32(c[:], r.ctr)
		h.Write(c[:])
		h.Sum(r.block[:0])
		r.ctr++
		r.n = 0
	}
	v := binary.BigEndian.Uint32(r.block[r.n:])
	r.n += 4
	return v
}

func (r *surrogateRand) intn(n int) int { return int(r.next() % uint32(n)) }

var surrogateNames = sync.OnceValue(func() [2][]string {
	g := loadGazetteer()
	var out [2][]string
	for i, f := range []string{"data/names/first.txt", "data/names/last.txt"} {
		g.lines(f, -1, func(s string) {
			// Short Latin names read naturally in any language.
			if len(s) >= 3 && len(s) <= 10 && strings.IndexFunc(s, func(r rune) bool { return r > 'z' || r < 'a' }) < 0 {
				out[i] = append(out[i], s)
			}
		})
	}
	return out
})

var surrogateCities = []string{"Springfield", "Riverton", "Lakewood", "Fairview", "Greenville", "Bristol", "Salem", "Franklin",
	"Clinton", "Madison", "Georgetown", "Arlington", "Ashland", "Oakland", "Burlington", "Manchester", "Milton", "Newport",
	"Villanueva", "Valdemoro", "Torrelavega", "Santa Rosa", "San Isidro", "Los Robles", "Villalba", "Montealegre"}

var surrogateStreets = []string{"Oak Street", "Maple Avenue", "Cedar Lane", "Pine Road", "Elm Street", "Lake Drive",
	"Hill Road", "Park Avenue", "Calle Mayor", "Calle del Sol", "Avenida de la Paz", "Calle Real"}

// Surrogate returns a realistic fake of value, of the same type and
// format, chosen by seed: names from the gazetteers, e-mails at
// example.com, cards that pass Luhn, IBANs that pass mod-97, other values
// with each digit and letter replaced.
func Surrogate(typ, value string, seed []byte, attempt int) string {
	r := newSurrogateRand(seed, attempt)
	switch typ {
	case EntityPerson:
		return surrogatePerson(r, value)
	case EntityEmail:
		n := surrogateNames()
		local := pick(r, n[0], "alex") + "." + pick(r, n[1], "doe")
		return local + "@" + []string{"example.com", "example.net", "example.org"}[r.intn(3)]
	case EntityCreditCard:
		return surrogateCard(r, value)
	case EntityIBAN:
		return surrogateIBAN(r, value)
	case EntityLocation:
		return matchCase(surrogateCities[r.intn(len(surrogateCities))], value)
	case EntityStreetAddress:
		if strings.IndexFunc(value, unicode.IsLetter) >= 0 && strings.IndexFunc(value, unicode.IsDigit) >= 0 && len(value) > 8 {
			return surrogateDigits(r, digitsPrefix(value), 0) + " " + surrogateStreets[r.intn(len(surrogateStreets))]
		}
	case EntityDateTime:
		if d, ok := surrogateDate(r, value); ok {
			return d
		}
	case EntityPhone:
		keep := 0
		if strings.HasPrefix(value, "+") {
			keep = 3 // '+' and the country code's first digits stay
		}
		return surrogateDigits(r, value, keep)
	}
	return surrogateDigits(r, value, 0)
}

func pick(r *surrogateRand, list []string, def string) string {
	if len(list) == 0 {
		return def
	}
	return list[r.intn(len(list))]
}

func surrogatePerson(r *surrogateRand, value string) string {
	n := surrogateNames()
	words := strings.Fields(value)
	first := capitalize(pick(r, n[0], "alex"))
	var out string
	switch {
	case len(words) <= 1:
		out = first
	default:
		out = first + " " + capitalize(pick(r, n[1], "doe"))
	}
	return matchCase(out, value)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// matchCase writes s all upper or all lower case when like is.
func matchCase(s, like string) string {
	switch {
	case strings.ToUpper(like) == like && strings.ToLower(like) != like:
		return strings.ToUpper(s)
	case strings.ToLower(like) == like:
		return strings.ToLower(s)
	}
	return s
}

// digitsPrefix returns the leading run of digits of value.
func digitsPrefix(value string) string {
	i := 0
	for i < len(value) && isDigit(value[i]) {
		i++
	}
	if i == 0 {
		return "1"
	}
	return value[:i]
}

// surrogateDigits replaces every ASCII digit and letter after the first
// keep bytes by a random one of the same kind and case.
func surrogateDigits(r *surrogateRand, value string, keep int) string {
	b := []byte(value)
	for i := keep; i < len(b); i++ {
		switch c := b[i]; {
		case isDigit(c):
			b[i] = byte('0' + r.intn(10))
		case c >= 'a' && c <= 'z':
			b[i] = byte('a' + r.intn(26))
		case c >= 'A' && c <= 'Z':
			b[i] = byte('A' + r.intn(26))
		}
	}
	return string(b)
}

func surrogateCard(r *surrogateRand, value string) string {
	b := []byte(value)
	var pos []int
	for i, c := range b {
		if isDigit(c) {
			pos = append(pos, i)
		}
	}
	if len(pos) < 2 {
		return surrogateDigits(r, value, 0)
	}
	for _, p := range pos[1 : len(pos)-1] {
		b[p] = byte('0' + r.intn(10))
	}
	// Choose the check digit that makes the number pass Luhn.
	digits := make([]byte, len(pos))
	for i, p := range pos {
		digits[i] = b[p]
	}
	for c := byte('0'); c <= '9'; c++ {
		digits[len(digits)-1] = c
		if luhn(digits) {
			b[pos[len(pos)-1]] = c
			break
		}
	}
	return string(b)
}

func surrogateIBAN(r *surrogateRand, value string) string {
	compact := make([]byte, 0, len(value))
	for i := 0; i < len(value); i++ {
		if c := value[i]; isDigit(c) {
			compact = append(compact, c)
		} else if isAlpha(c) {
			compact = append(compact, c&^0x20)
		}
	}
	if len(compact) < 5 {
		return surrogateDigits(r, value, 0)
	}
	fake := []byte(surrogateDigits(r, string(compact[4:]), 0))
	body := append(append([]byte{}, fake...), compact[0], compact[1], '0', '0')
	rem := 0
	for _, c := range body {
		if isDigit(c) {
			rem = (rem*10 + int(c-'0')) % 97
		} else {
			rem = (rem*100 + int(c-'A'+10)) % 97
		}
	}
	check := 98 - rem
	out := []byte{compact[0], compact[1], byte('0' + check/10), byte('0' + check%10)}
	out = append(out, fake...)
	// Restore the original grouping.
	var b strings.Builder
	k := 0
	for i := 0; i < len(value) && k < len(out); i++ {
		if isAlnum(value[i]) {
			c := out[k]
			if value[i] >= 'a' && value[i] <= 'z' {
				c |= 0x20
			}
			b.WriteByte(c)
			k++
		} else {
			b.WriteByte(value[i])
		}
	}
	return b.String()
}

var dateLayouts = []string{
	"2006-01-02 15:04:05", "2006-01-02T15:04:05Z07:00", "2006-01-02", "02/01/2006", "2/1/2006", "01/02/2006", "1/2/2006",
	"02-01-2006", "02.01.2006", "2 January 2006", "January 2, 2006", "Jan 2, 2006", "2 Jan 2006",
}

// surrogateDate moves a date it can read by a random number of days (up to
// a year either way), written in the same layout; a weekday becomes
// another weekday.
func surrogateDate(r *surrogateRand, value string) (string, bool) {
	for _, layout := range dateLayouts {
		t, err := time.Parse(layout, value)
		if err != nil {
			continue
		}
		shift := r.intn(730) - 365
		if shift == 0 {
			shift = 1
		}
		return t.AddDate(0, 0, shift).Format(layout), true
	}
	if w, ok := weekdayIndex(value); ok {
		names := []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
		if strings.IndexFunc(value, func(c rune) bool { return c > 'z' }) >= 0 || weekdays[strings.ToLower(value)] && spanishWeekday(value) {
			names = []string{"lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"}
		}
		return matchCase(capitalize(names[(w+1+r.intn(6))%7]), value), true
	}
	return "", false
}

func weekdayIndex(v string) (int, bool) {
	for i, group := range [][]string{{"monday", "lunes"}, {"tuesday", "martes"}, {"wednesday", "miércoles", "miercoles"},
		{"thursday", "jueves"}, {"friday", "viernes"}, {"saturday", "sábado", "sabado"}, {"sunday", "domingo"}} {
		for _, n := range group {
			if strings.EqualFold(v, n) {
				return i, true
			}
		}
	}
	return 0, false
}

func spanishWeekday(v string) bool {
	switch strings.ToLower(v) {
	case "lunes", "martes", "miércoles", "miercoles", "jueves", "viernes", "sábado", "sabado", "domingo":
		return true
	}
	return false
}
