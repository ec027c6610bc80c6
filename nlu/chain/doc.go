// Package chain combines NLU back-ends and decides what a parse means for
// routing, like Rasa's pipeline with its FallbackClassifier.
//
// A Chain runs parsers in order and returns the first confident result;
// Decide turns a result into a Decision: act on an intent, ask a
// clarifying question when the top intents are too close to tell apart
// (the caller makes up to MaxClarify WhatsApp reply buttons of them), or
// hand the turn to the fallback:
//
//	c, err := chain.New(chain.Config{Threshold: 0.7, MarginThreshold: 0.1}, local, llmClassifier)
//	res, err := c.Parse(ctx, t.Redacted)
//	switch d := c.Decide(res); {
//	case d.Intent != "":      // start or continue the intent's dialog
//	case len(d.Clarify) > 0:  // ask: buttons "intent:<name>"
//	default:                  // LLM fallback or canned reply
//	}
package chain
