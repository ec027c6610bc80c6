package gen

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/veilhq/veil/anonymize"
)

// Options configure Generate. Zero values take the defaults.
type Options struct {
	N     int      // messages; default 100
	Seed  int64    // same seed, same messages
	Langs []string // "en", "es"; default both
	// PIIRate is the share of messages with personal data, in [0,1]
	// (veil eval gen defaults to 0.5).
	PIIRate float64
	// NoNoise turns typos, emoji and lowercasing off.
	NoNoise bool
}

// Languages lists the languages Generate supports.
func Languages() []string { return []string{"en", "es"} }

// Span is a labeled span in code points, end-exclusive, with its text.
type Span struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Label string `json:"label"`
	Text  string `json:"text"`
}

// Message is one generated labeled message, in Veil's canonical JSONL shape.
type Message struct {
	ID    string `json:"id"`
	Lang  string `json:"lang"`
	Text  string `json:"text"`
	Spans []Span `json:"spans"`
}

func (o *Options) check() error {
	if o.N <= 0 {
		o.N = 100
	}
	if len(o.Langs) == 0 {
		o.Langs = Languages()
	}
	for _, l := range o.Langs {
		if _, ok := templates[l]; !ok {
			return fmt.Errorf("gen: unsupported language %q (have %s)", l, strings.Join(Languages(), ", "))
		}
	}
	if o.PIIRate < 0 || o.PIIRate > 1 {
		return errors.New("gen: pii rate must be within [0,1]")
	}
	return nil
}

// Generate returns opts.N messages, languages taking turns.
func Generate(opts Options) ([]Message, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(uint64(opts.Seed), 0x67656e))
	out := make([]Message, opts.N)
	for i := range out {
		lang := opts.Langs[i%len(opts.Langs)]
		var m Message
		if r.Float64() < opts.PIIRate {
			m = fill(r, lang, templates[lang][r.IntN(len(templates[lang]))], !opts.NoNoise)
		} else {
			m = fill(r, lang, chatter[lang][r.IntN(len(chatter[lang]))], !opts.NoNoise)
		}
		m.ID = "gen-" + strconv.Itoa(i+1)
		m.Lang = lang
		out[i] = m
	}
	return out, nil
}

// Write generates messages and writes them as JSONL.
func Write(w io.Writer, opts Options) error {
	msgs, err := Generate(opts)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, m := range msgs {
		if err := enc.Encode(m); err != nil {
			return fmt.Errorf("gen: %w", err)
		}
	}
	return nil
}

// builder appends text and tracks code-point offsets.
type builder struct {
	sb    strings.Builder
	runes int
	spans []Span
}

func (b *builder) text(s string) {
	b.sb.WriteString(s)
	b.runes += utf8.RuneCountInString(s)
}

func (b *builder) value(label, s string) {
	start := b.runes
	b.text(s)
	b.spans = append(b.spans, Span{Start: start, End: b.runes, Label: label, Text: s})
}

func pick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }

// fill expands a template. Literal text gets typos; the whole message may
// be lowercased (names included) and get emoji.
func fill(r *rand.Rand, lang, tmpl string, noise bool) Message {
	var b builder
	lower := noise && r.IntN(10) < 4
	first := pick(r, firstNames[lang])
	last := pick(r, lastNames[lang])
	if noise && r.IntN(8) == 0 { // a name from the other language
		other := "es"
		if lang == "es" {
			other = "en"
		}
		first = pick(r, firstNames[other])
	}
	caseOf := func(s string) string {
		if lower {
			return strings.ToLower(s)
		}
		return s
	}
	if noise && r.IntN(6) == 0 {
		b.text(caseOf(pick(r, emoji)) + " ")
	}
	for tmpl != "" {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.text(caseOf(typos(r, tmpl, noise)))
			break
		}
		j := strings.IndexByte(tmpl[i:], '}')
		b.text(caseOf(typos(r, tmpl[:i], noise)))
		ph := tmpl[i+1 : i+j]
		tmpl = tmpl[i+j+1:]
		switch ph {
		case "FIRST":
			b.value(anonymize.EntityPerson, caseOf(first))
		case "PERSON":
			name := first + " " + last
			if lang == "es" && r.IntN(3) == 0 {
				name += " " + pick(r, lastNames[lang])
			}
			b.value(anonymize.EntityPerson, caseOf(name))
		case "PHONE":
			b.value(anonymize.EntityPhone, phone(r, lang))
		case "EMAIL":
			b.value(anonymize.EntityEmail, email(r, first, last))
		case "CARD":
			b.value(anonymize.EntityCreditCard, card(r))
		case "IBAN":
			b.value(anonymize.EntityIBAN, iban(r, lang))
		case "ADDRESS":
			b.value(anonymize.EntityStreetAddress, caseOf(address(r, lang)))
		case "CITY":
			b.value(anonymize.EntityLocation, caseOf(pick(r, cities[lang])))
		case "DATE":
			b.value(anonymize.EntityDateTime, date(r, lang))
		default:
			panic("gen: unknown placeholder " + ph)
		}
	}
	if noise && r.IntN(3) == 0 {
		b.text(" " + pick(r, emoji))
	}
	if b.spans == nil {
		b.spans = []Span{}
	}
	return Message{Text: b.sb.String(), Spans: b.spans}
}

// typos swaps, drops or doubles a letter in some longer words.
func typos(r *rand.Rand, s string, noise bool) string {
	if !noise || s == "" {
		return s
	}
	words := strings.Split(s, " ")
	for i, w := range words {
		rs := []rune(w)
		if len(rs) < 4 || r.IntN(12) != 0 {
			continue
		}
		k := 1 + r.IntN(len(rs)-2)
		if !unicode.IsLetter(rs[k]) || !unicode.IsLetter(rs[k+1]) {
			continue
		}
		switch r.IntN(3) {
		case 0:
			rs[k], rs[k+1] = rs[k+1], rs[k]
		case 1:
			rs = append(rs[:k], rs[k+1:]...)
		default:
			rs = append(rs[:k+1], rs[k:]...)
		}
		words[i] = string(rs)
	}
	return strings.Join(words, " ")
}

var deaccent = strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "ñ", "n", "Á", "A", "É", "E", "Í", "I", "Ó", "O", "Ú", "U", "'", "")

func email(r *rand.Rand, first, last string) string {
	f := strings.ToLower(deaccent.Replace(first))
	l := strings.ToLower(deaccent.Replace(last))
	var local string
	switch r.IntN(5) {
	case 0:
		local = f + "." + l
	case 1:
		local = f + l + strconv.Itoa(r.IntN(100))
	case 2:
		local = f[:1] + l
	case 3:
		local = f + "_" + strconv.Itoa(1970+r.IntN(40))
	default:
		local = l + "." + f + strconv.Itoa(r.IntN(10))
	}
	return local + "@" + pick(r, emailDomains)
}

func address(r *rand.Rand, lang string) string {
	num := strconv.Itoa(1 + r.IntN(250))
	st := pick(r, streets[lang])
	typ := pick(r, streetTypes[lang])
	if lang == "es" {
		s := typ + " " + st + " " + num
		if r.IntN(2) == 0 {
			s += ", " + strconv.Itoa(1+r.IntN(8)) + "º" + string(rune('A'+r.IntN(4)))
		}
		return s
	}
	s := num + " " + st + " " + typ
	if r.IntN(3) == 0 {
		s += " apt " + strconv.Itoa(1+r.IntN(40))
	}
	return s
}

func date(r *rand.Rand, lang string) string {
	d, m, y := 1+r.IntN(28), 1+r.IntN(12), 1950+r.IntN(56)
	switch r.IntN(4) {
	case 0:
		if lang == "en" {
			return fmt.Sprintf("%02d/%02d/%d", m, d, y)
		}
		return fmt.Sprintf("%02d/%02d/%d", d, m, y)
	case 1:
		return fmt.Sprintf("%d-%02d-%02d", y, m, d)
	case 2:
		if lang == "es" {
			return fmt.Sprintf("%d de %s de %d", d, months[lang][m-1], y)
		}
		return fmt.Sprintf("%s %d %d", months[lang][m-1], d, y)
	}
	return fmt.Sprintf("%d/%d/%02d", d, m, y%100)
}
