// Package llm talks to OpenAI-compatible chat and embeddings APIs (OpenAI,
// Azure OpenAI, any compatible local server) through go-openai, and
// implements the pipeline's LLM fallback responder.
//
// Client wraps go-openai with a timeout per attempt and retries with
// exponential backoff and jitter on 429, 5xx and timeouts, honouring
// Retry-After; its errors and logs carry status codes, model, attempt and
// latency, never prompt or completion content. Responder (a
// stages.Fallback) sends the system prompt, the conversation's bounded,
// pseudonymized history and the turn's pseudonymized text, and returns the
// model's reply with the pseudonyms as the model wrote them:
//
//	if llm.Enabled(cfg) {
//		r, err := llm.New(cfg, st, log)
//		...
//		route.Fallback = r
//	}
//
// Without an API key the LLM is off and the bot's canned reply is used.
package llm
