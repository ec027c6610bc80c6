// Package nlu turns a pseudonymized utterance into ranked intents.
//
// Every implementation sees pseudonymized text only: the PII stage runs
// before routing, so a Parser never receives a raw identifier.
package nlu

import "context"

// OutOfScope is the intent name for utterances no intent covers
// (CLINC150's "oos").
const OutOfScope = "oos"

// Intent is one ranked candidate.
type Intent struct {
	Name       string  `json:"name"`
	Confidence float64 `json:"confidence"`
}

// Entity is a value the NLU extracted from the text (slot filling).
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
