// Package llmclass is an NLU back-end that asks an OpenAI-compatible chat
// model to pick the intent of an utterance.
//
// Train records the intents, a few examples of each and their
// descriptions; Parse sends them with the (pseudonymized) utterance and
// asks for a JSON object {"intent": "<name>|none", "confidence": 0..1}.
// An answer that is not valid JSON, names an unknown intent or lacks a
// confidence, and any API failure, gives an empty Result (no intent) and a
// log line without content:
//
//	c, err := llmclass.New(client, llmclass.Config{Model: "gpt-4o-mini", Descriptions: desc}, log)
//	err = c.Train(ctx, examples)
//	res, err := c.Parse(ctx, "where is my order <ORDER_ID_1>?")
package llmclass
