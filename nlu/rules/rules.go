// Package rules is a keyword NLU: each intent lists words and phrases, and
// Parse ranks intents by how many of them occur as whole words. It needs no
// training and no network, and is the first-version default until the
// trained classifier takes over.
package rules

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/veilhq/veil/nlu"
)

// Rule lists the keywords of one intent. A keyword may be several words;
// matching is case-insensitive and on whole words.
type Rule struct {
	Intent   string
	Keywords []string
}

// Parser ranks intents by keyword hits. It is safe for concurrent use.
type Parser struct {
	rules []compiled
}

type compiled struct {
	intent   string
	keywords [][]string // each keyword as a word sequence
}

var _ nlu.Parser = (*Parser)(nil)

// New compiles rules; an intent with no keywords, an empty keyword or an
// intent listed twice is an error.
func New(rules []Rule) (*Parser, error) {
	seen := map[string]bool{}
	p := &Parser{}
	for i, r := range rules {
		if r.Intent == "" {
			return nil, fmt.Errorf("rules: rule %d has no intent", i)
		}
		if seen[r.Intent] {
			return nil, fmt.Errorf("rules: intent %q listed twice", r.Intent)
		}
		seen[r.Intent] = true
		c := compiled{intent: r.Intent}
		for _, k := range r.Keywords {
			words := tokenize(k)
			if len(words) == 0 {
				return nil, fmt.Errorf("rules: intent %q has an empty keyword", r.Intent)
			}
			c.keywords = append(c.keywords, words)
		}
		if len(c.keywords) == 0 {
			return nil, fmt.Errorf("rules: intent %q has no keywords", r.Intent)
		}
		p.rules = append(p.rules, c)
	}
	return p, nil
}

// tokenize lowercases and splits on anything that is not a letter or digit,
// so pseudonyms like <EMAIL_1> never match a keyword by accident.
func tokenize(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
}

// Parse implements nlu.Parser. Confidence grows with the number of distinct
// keywords matched: 0.6 for one, 0.8 for two, 0.9 for three or more, then
// normalised down when several intents compete.
func (p *Parser) Parse(ctx context.Context, text string) (nlu.Result, error) {
	if err := ctx.Err(); err != nil {
		return nlu.Result{}, err
	}
	words := tokenize(text)
	var res nlu.Result
	total := 0
	hits := make([]int, len(p.rules))
	for i, r := range p.rules {
		for _, kw := range r.keywords {
			if containsSeq(words, kw) {
				hits[i]++
			}
		}
		total += hits[i]
	}
	for i, r := range p.rules {
		if hits[i] == 0 {
			continue
		}
		conf := map[int]float64{1: 0.6, 2: 0.8}[hits[i]]
		if hits[i] >= 3 {
			conf = 0.9
		}
		conf *= float64(hits[i]) / float64(total) // share of all hits
		res.Intents = append(res.Intents, nlu.Intent{Name: r.intent, Confidence: conf})
	}
	sort.SliceStable(res.Intents, func(a, b int) bool { return res.Intents[a].Confidence > res.Intents[b].Confidence })
	return res, nil
}

func containsSeq(words, seq []string) bool {
	for i := 0; i+len(seq) <= len(words); i++ {
		match := true
		for j, w := range seq {
			if words[i+j] != w {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}
