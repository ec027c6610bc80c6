package app

import (
	"context"
	"fmt"
	"os"
	"slices"

	"github.com/rs/zerolog"

	"github.com/veilhq/veil/config"
	"github.com/veilhq/veil/dialogs"
	"github.com/veilhq/veil/llm"
	"github.com/veilhq/veil/nlu"
	"github.com/veilhq/veil/nlu/chain"
	"github.com/veilhq/veil/nlu/classifier"
	"github.com/veilhq/veil/nlu/embed"
	"github.com/veilhq/veil/nlu/llmclass"
	"github.com/veilhq/veil/nlu/rules"
	"github.com/veilhq/veil/store"
	"github.com/veilhq/veil/store/postgres"
)

// newNLU builds the configured parser chain for a bot. The classifier is
// loaded from nlu.model, or trained on the bot's examples.
func newNLU(ctx context.Context, cfg config.Config, bot *dialogs.Bot, st store.Store, log zerolog.Logger) (*chain.Chain, error) {
	var steps []chain.Step
	for name := range cfg.NLU.Parsers {
		if !slices.Contains(cfg.NLU.Pipeline, name) {
			return nil, fmt.Errorf("nlu.parsers.%s: %q is not in nlu.pipeline %v", name, name, cfg.NLU.Pipeline)
		}
	}
	for _, name := range cfg.NLU.Pipeline {
		var p nlu.Parser
		var err error
		switch name {
		case "classifier":
			p, err = loadClassifier(ctx, cfg.NLU.Model, bot)
		case "rules":
			p, err = rulesParser(bot)
		case "llm":
			p, err = llmClassifier(ctx, cfg.OpenAI, bot, log)
		case "embed":
			p, err = embedClassifier(ctx, cfg, bot, st, log)
		default:
			err = fmt.Errorf("unknown parser %q", name)
		}
		if err != nil {
			return nil, fmt.Errorf("nlu.pipeline %s: %w", name, err)
		}
		th := cfg.NLU.Parsers[name]
		steps = append(steps, chain.Step{Name: name, Parser: p, Threshold: th.Threshold, MarginThreshold: th.MarginThreshold})
	}
	c, err := chain.NewSteps(chain.Config{Threshold: cfg.NLU.Threshold, MarginThreshold: cfg.NLU.MarginThreshold, Overrides: cfg.NLU.Overrides}, steps...)
	if err != nil {
		return nil, fmt.Errorf("nlu: %w", err)
	}
	c.Log = log
	return c, nil
}

func loadClassifier(ctx context.Context, model string, bot *dialogs.Bot) (nlu.Parser, error) {
	if model != "" {
		f, err := os.Open(model)
		if err != nil {
			return nil, fmt.Errorf("nlu.model (VEIL_NLU_MODEL): %w", err)
		}
		defer f.Close()
		c, err := classifier.Load(f)
		if err != nil {
			return nil, fmt.Errorf("nlu.model %s: %w", model, err)
		}
		return c, nil
	}
	ex := bot.Examples()
	if len(ex) == 0 {
		return nil, fmt.Errorf("the bot has no intent examples to train on (add `examples:` to its intents, or drop classifier from nlu.pipeline)")
	}
	c := classifier.New(classifier.DefaultConfig())
	if err := c.Train(ctx, ex); err != nil {
		return nil, err
	}
	return c, nil
}

// embedClassifier ranks intents by the nearest training examples: OpenAI
// embeddings when an API key is set, the local embedder otherwise; vectors
// in PostgreSQL (pgvector, HNSW) when that is the store, in memory otherwise.
func embedClassifier(ctx context.Context, cfg config.Config, bot *dialogs.Bot, st store.Store, log zerolog.Logger) (nlu.Parser, error) {
	var emb embed.Embedder = embed.NewLocal(0)
	model := "local"
	if cfg.OpenAI.APIKey != "" {
		client, err := llm.NewClient(llm.ClientConfig{BaseURL: cfg.OpenAI.BaseURL, APIKey: cfg.OpenAI.APIKey, Timeout: cfg.OpenAI.Timeout}, log)
		if err != nil {
			return nil, err
		}
		o, err := embed.NewOpenAI(client, embed.OpenAIConfig{Model: cfg.NLU.EmbeddingModel})
		if err != nil {
			return nil, err
		}
		emb, model = o, cfg.NLU.EmbeddingModel
	}
	var idx embed.Index = embed.NewMemory()
	if pg, ok := st.(*postgres.Store); ok {
		p, err := embed.NewPostgres(pg, bot.Name+"/"+model)
		if err != nil {
			return nil, err
		}
		idx = p
	}
	c, err := embed.New(emb, idx, embed.Config{})
	if err != nil {
		return nil, err
	}
	ex := bot.Examples()
	if len(ex) == 0 {
		return nil, fmt.Errorf("the bot has no intent examples to embed")
	}
	if err := c.Train(ctx, ex); err != nil {
		return nil, err
	}
	return c, nil
}

func rulesParser(bot *dialogs.Bot) (nlu.Parser, error) {
	var rs []rules.Rule
	for name, kws := range bot.Keywords() {
		if len(kws) > 0 {
			rs = append(rs, rules.Rule{Intent: name, Keywords: kws})
		}
	}
	return rules.New(rs)
}

func llmClassifier(ctx context.Context, cfg config.OpenAI, bot *dialogs.Bot, log zerolog.Logger) (nlu.Parser, error) {
	lc := llm.ClientConfig{BaseURL: cfg.BaseURL, APIKey: cfg.APIKey, Timeout: cfg.Timeout}
	if cfg.APIKey == "" {
		return nil, fmt.Errorf("needs openai.api_key (VEIL_OPENAI_API_KEY)")
	}
	client, err := llm.NewClient(lc, log)
	if err != nil {
		return nil, err
	}
	desc := map[string]string{}
	for name, in := range bot.Intents {
		desc[name] = in.Description
	}
	c, err := llmclass.New(client, llmclass.Config{Model: cfg.Model, Descriptions: desc, Temperature: 0.01}, log)
	if err != nil {
		return nil, err
	}
	if err := c.Train(ctx, bot.Examples()); err != nil {
		return nil, err
	}
	return c, nil
}
