package main

import (
	"context"
	"errors"

	"github.com/veilhq/veil/anonymize"
	"github.com/veilhq/veil/app"
	"github.com/veilhq/veil/eval"
	"github.com/veilhq/veil/nlu"
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

var newTrainer = func(cfgPath string) (nlu.Trainer, error) {
	return nil, errors.New("no trainable NLU in this build yet")
}
