package app

import (
	"context"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/veilhq/veil/config"
	"github.com/veilhq/veil/llm"
	"github.com/veilhq/veil/pipeline"
	"github.com/veilhq/veil/stages"
	"github.com/veilhq/veil/store"
)

// newLLMFallback returns the LLM responder when an API key is configured,
// or nil (the bot's canned reply answers instead).
func newLLMFallback(cfg config.OpenAI, history store.Transcripts, log zerolog.Logger) (stages.Fallback, error) {
	lc := llm.Config{BaseURL: cfg.BaseURL, APIKey: cfg.APIKey, Model: cfg.Model, Timeout: cfg.Timeout}
	if !llm.Enabled(lc) {
		return nil, nil
	}
	r, err := llm.New(lc, history, log)
	if err != nil {
		return nil, fmt.Errorf("openai: %w", err)
	}
	return generated{r}, nil
}

// generated marks the LLM's replies so the response stage guards them.
type generated struct{ f stages.Fallback }

func (g generated) Respond(ctx context.Context, t *pipeline.Turn) (pipeline.Reply, error) {
	r, err := g.f.Respond(ctx, t)
	r.Generated = true
	return r, err
}
