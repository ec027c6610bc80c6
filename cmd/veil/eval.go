package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"gopkg.in/yaml.v3"

	"github.com/veilhq/veil/anonymize"
	"github.com/veilhq/veil/app"
	"github.com/veilhq/veil/eval"
	"github.com/veilhq/veil/nlu"
	"github.com/veilhq/veil/nlu/classifier"
)

func cmdEval(ctx context.Context, args []string, io stdio) int {
	return eval.Main(ctx, args, eval.Env{
		Stdin:      io.in,
		Stdout:     io.out,
		Stderr:     io.err,
		IsTerminal: isTerminal(io.err),
		NewDetector: func(lang string) (func(string) []anonymize.Span, error) {
			a := anonymize.DefaultAnalyzer()
			opts := []anonymize.AnalyzeOption{anonymize.WithLanguage(lang)}
			return func(text string) []anonymize.Span { return a.Analyze(text, opts...) }, nil
		},
		NewTrainer: newTrainer,
		NewConversationRunner: func(_ context.Context, cfgPath string) (eval.ConversationRunner, error) {
			return app.NewQARunner(cfgPath)
		},
	})
}

// newTrainer builds the local classifier, with its defaults or the
// settings of a YAML file.
func newTrainer(cfgPath string) (nlu.Trainer, error) { return newClassifier(cfgPath) }

func newClassifier(cfgPath string) (*classifier.Classifier, error) {
	cfg := classifier.DefaultConfig()
	if cfgPath != "" {
		data, err := os.ReadFile(cfgPath)
		if err != nil {
			return nil, err
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: %w", cfgPath, err)
		}
		if err := cfg.Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", cfgPath, err)
		}
	}
	return classifier.New(cfg), nil
}
