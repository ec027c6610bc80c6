// Package nlu turns a pseudonymized utterance into ranked intents.
//
// Every implementation sees pseudonymized text only: the PII stage runs
// before routing, so a Parser never receives a raw identifier.
package nlu

import (
	"context"

	"github.com/veilhq/veil/anonymize"
)

// OutOfScope is the intent name for utterances no intent covers
// (CLINC150's "oos").
const OutOfScope = "oos"

// Intent is one ranked candidate.
type Intent struct {
	Name       string  `json:"name"`
	Confidence float64 `json:"confidence"`
}

// Entity is a value the NLU extracted from the text (slot filling). For a
// pseudonym, Type is its entity type (EMAIL_ADDRESS) and Value the token
// (<EMAIL_1>): the raw value stays in the vault. Start and End are byte
// offsets in the pseudonymized text.
type Entity struct {
	Type  string `json:"type"`
	Value string `json:"value"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// Result is a Parser's answer: Intents ranked by falling confidence
// (possibly empty when nothing matched), and any entities.
type Result struct {
	Intents  []Intent `json:"intents"`
	Entities []Entity `json:"entities,omitempty"`
	// Parser names the parser that produced the result when a chain of
	// them ran (nlu.pipeline's names: classifier, rules, embed, llm).
	Parser string `json:"parser,omitempty"`
}

// Top returns the best intent, or the zero Intent when there is none.
func (r Result) Top() Intent {
	if len(r.Intents) == 0 {
		return Intent{}
	}
	return r.Intents[0]
}

// Parser ranks intents for one utterance. It must be safe for concurrent use.
type Parser interface {
	Parse(ctx context.Context, text string) (Result, error)
}

// Example is one labeled training utterance.
type Example struct {
	Text   string `json:"text"`
	Intent string `json:"intent"`
}

// Trainer is a Parser that learns from examples. Train replaces whatever
// the Parser knew before.
type Trainer interface {
	Parser
	Train(ctx context.Context, examples []Example) error
}

// TokenEntities returns an Entity for every pseudonym token (<EMAIL_1>,
// <PERSON_2>…) in text, in order: the PII stage has already found these
// values, so every parser gets them as entities for free.
func TokenEntities(text string) []Entity {
	var out []Entity
	for i := 0; i < len(text); i++ {
		if text[i] != '<' {
			continue
		}
		j := i + 1
		for j < len(text) && j-i < maxTokenLen && text[j] != '>' && text[j] != '<' {
			j++
		}
		if j == len(text) || text[j] != '>' {
			continue
		}
		label, _, ok := anonymize.ParseToken(text[i : j+1])
		if !ok {
			continue
		}
		out = append(out, Entity{Type: anonymize.TypeOfLabel(label), Value: text[i : j+1], Start: i, End: j + 1})
		i = j
	}
	return out
}

// maxTokenLen bounds the scan for a token's closing '>'.
const maxTokenLen = 48
