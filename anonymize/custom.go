package anonymize

import (
	"fmt"
	"regexp"
	"strings"
)

// PatternConfig is a custom regex recognizer from configuration.
type PatternConfig struct {
	Name  string  `yaml:"name" json:"name"`   // recognizer name, unique
	Type  string  `yaml:"type" json:"type"`   // entity type, e.g. "ORDER_ID"
	Regex string  `yaml:"regex" json:"regex"` // Go RE2 syntax
	Score float64 `yaml:"score" json:"score"` // 0 means 0.6
	// Context words raise the score by 0.25 when one appears near a match.
	Context []string `yaml:"context" json:"context,omitempty"`
}

// PatternRecognizer runs one regular expression. When the expression
// starts with a literal, a substring search finds the places worth trying
// first (RE2 is slow next to the byte scans of the built-ins).
type PatternRecognizer struct {
	name, typ string
	re        *regexp.Regexp
	prefix    string
	score     float64
	context   map[string]bool
}

var _ Recognizer = (*PatternRecognizer)(nil)

// NewPatternRecognizer compiles a custom recognizer.
func NewPatternRecognizer(pc PatternConfig) (*PatternRecognizer, error) {
	if pc.Name == "" || pc.Type == "" {
		return nil, fmt.Errorf("anonymize: pattern needs a name and a type")
	}
	re, err := regexp.Compile(pc.Regex)
	if err != nil {
		return nil, fmt.Errorf("anonymize: pattern %s: %w", pc.Name, err)
	}
	if pc.Score == 0 {
		pc.Score = 0.6
	}
	if pc.Score < 0 || pc.Score > 1 {
		return nil, fmt.Errorf("anonymize: pattern %s: score %v outside [0,1]", pc.Name, pc.Score)
	}
	prefix, _ := re.LiteralPrefix()
	if strings.HasPrefix(pc.Regex, "(?i)") {
		prefix = ""
	}
	return &PatternRecognizer{name: pc.Name, typ: pc.Type, re: re, prefix: prefix, score: pc.Score, context: wordSet(pc.Context...)}, nil
}

// Name implements Recognizer.
func (p *PatternRecognizer) Name() string { return p.name }

// Recognize implements Recognizer.
func (p *PatternRecognizer) Recognize(text string) []Span {
	if p.prefix != "" && !strings.Contains(text, p.prefix) {
		return nil
	}
	var out []Span
	for _, m := range p.re.FindAllStringIndex(text, -1) {
		if m[0] == m[1] {
			continue
		}
		s := Span{Start: m[0], End: m[1], Type: p.typ, Score: p.score, Recognizer: p.name}
		if hasContext(text, m[0], m[1], 40, p.context, true) {
			s.Score = min(1, s.Score+0.25)
		}
		out = append(out, s)
	}
	return out
}

// DenyListRecognizer reports every whole-word occurrence of listed values
// (ASCII case-insensitive) as its entity type, with score 1: a business
// lists the names or codes it knows are personal.
type DenyListRecognizer struct {
	name, typ string
	values    []string
}

var _ Recognizer = (*DenyListRecognizer)(nil)

// NewDenyListRecognizer returns a recognizer for values of type typ.
func NewDenyListRecognizer(name, typ string, values []string) (*DenyListRecognizer, error) {
	if name == "" || typ == "" {
		return nil, fmt.Errorf("anonymize: deny list needs a name and a type")
	}
	var vs []string
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			vs = append(vs, v)
		}
	}
	return &DenyListRecognizer{name: name, typ: typ, values: vs}, nil
}

// Name implements Recognizer.
func (r *DenyListRecognizer) Name() string { return r.name }

// Recognize implements Recognizer.
func (r *DenyListRecognizer) Recognize(text string) []Span {
	var out []Span
	for _, v := range r.values {
		for i := 0; i+len(v) <= len(text); i++ {
			if text[i]|0x20 != v[0]|0x20 || !strings.EqualFold(text[i:i+len(v)], v) {
				continue
			}
			if letterBefore(text, i) || letterAt(text, i+len(v)) {
				continue
			}
			out = append(out, Span{Start: i, End: i + len(v), Type: r.typ, Score: 1, Recognizer: r.name})
			i += len(v) - 1
		}
	}
	return out
}

// contextSets are the context and negative context words of one entity
// type in one language, the language-neutral ones standing in for a
// language that has none.
type contextSets struct {
	pos, neg           map[string]bool
	posBloom, negBloom uint64 // wordBloom of pos and neg
}

// buildBoost resolves a.context and a.negative into per-language,
// per-type sets, so that contextBoost costs one map lookup per span; ""
// holds the sets of languages without their own.
func (a *Analyzer) buildBoost() map[string]map[string]contextSets {
	langs := map[string]bool{"": true}
	for l := range a.context {
		langs[l] = true
	}
	for l := range a.negative {
		langs[l] = true
	}
	out := map[string]map[string]contextSets{}
	for l := range langs {
		types := map[string]bool{}
		for _, m := range []map[string]map[string]bool{a.context[l], a.context[""], a.negative[l], a.negative[""]} {
			for typ := range m {
				types[typ] = true
			}
		}
		byType := map[string]contextSets{}
		for typ := range types {
			cs := contextSets{pos: a.context[l][typ], neg: a.negative[l][typ]}
			if cs.pos == nil {
				cs.pos = a.context[""][typ]
			}
			if cs.neg == nil {
				cs.neg = a.negative[""][typ]
			}
			if len(cs.pos) > 0 || len(cs.neg) > 0 {
				cs.posBloom, cs.negBloom = wordBloom(cs.pos), wordBloom(cs.neg)
				byType[typ] = cs
			}
		}
		out[l] = byType
	}
	return out
}

// boostFor returns the context sets of a language, by entity type.
func (a *Analyzer) boostFor(lang string) map[string]contextSets {
	if b, ok := a.boost[lang]; ok {
		return b
	}
	return a.boost[""]
}

// contextBoost raises the score of unvalidated spans with a context word
// of their type (per language, sets from boostFor) near them, and lowers
// it for a negative context word.
func contextBoost(text string, sets map[string]contextSets, s *Span) {
	if s.Validated || s.Score >= 1 {
		return
	}
	cs, ok := sets[s.Type]
	if !ok {
		return
	}
	if hasContextBloom(text, s.Start, s.End, 40, cs.pos, cs.posBloom, true) {
		s.Score = min(1, s.Score+0.2)
	}
	if hasContextBloom(text, s.Start, s.End, 40, cs.neg, cs.negBloom, true) {
		s.Score = max(0, s.Score-0.3)
	}
}

// defaultContext are the context words of each type, per language; config
// adds to them (AnalyzerConfig.Context).
var defaultContext = map[string]map[string][]string{
	"en": {
		EntityPerson:        {"name", "named", "mr", "mrs", "ms", "dr", "called", "contact", "customer", "patient", "surname"},
		EntityStreetAddress: {"address", "street", "live", "lives", "ship", "deliver", "delivery", "located", "zip", "postcode"},
		EntityLocation:      {"city", "country", "town", "from", "live", "lives", "visit", "travel", "born"},
		EntityDateTime:      {"born", "birth", "dob", "birthday", "date", "since", "on"},
		EntityUSDriver:      {"driver", "license", "licence", "dl"},
		EntityCrypto:        {"wallet", "bitcoin", "btc", "eth", "address"},
	},
	"es": {
		EntityPerson:        {"nombre", "llamo", "llama", "soy", "sr", "sra", "señor", "señora", "cliente", "paciente", "apellido", "apellidos"},
		EntityStreetAddress: {"dirección", "direccion", "calle", "vivo", "vive", "domicilio", "envío", "envio", "entrega", "cp", "postal"},
		EntityLocation:      {"ciudad", "país", "pais", "pueblo", "de", "desde", "vivo", "vive", "nací", "naci"},
		EntityDateTime:      {"nacido", "nacida", "nací", "naci", "nacimiento", "fecha", "cumpleaños", "desde", "el"},
	},
}

func buildContext(extra map[string]map[string][]string) map[string]map[string]map[string]bool {
	out := buildWordMap(defaultContext)
	for lang, types := range buildWordMap(extra) {
		if out[lang] == nil {
			out[lang] = types
			continue
		}
		for typ, words := range types {
			if out[lang][typ] == nil {
				out[lang][typ] = words
				continue
			}
			for w := range words {
				out[lang][typ][w] = true
			}
		}
	}
	return out
}

// buildWordMap lower-cases a language → type → words configuration into
// sets.
func buildWordMap(src map[string]map[string][]string) map[string]map[string]map[string]bool {
	out := map[string]map[string]map[string]bool{}
	add := func(src map[string]map[string][]string) {
		for lang, types := range src {
			lang = asciiLower(lang)
			if out[lang] == nil {
				out[lang] = map[string]map[string]bool{}
			}
			for typ, words := range types {
				if out[lang][typ] == nil {
					out[lang][typ] = map[string]bool{}
				}
				for _, w := range words {
					out[lang][typ][strings.ToLower(w)] = true
				}
			}
		}
	}
	add(src)
	return out
}
