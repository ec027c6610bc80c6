package app

import (
	"fmt"
	"slices"
	"strings"

	"github.com/veilhq/veil/anonymize"
	"github.com/veilhq/veil/config"
)

// newAnalyzer builds the analyzer from config: every built-in recognizer
// except the disabled ones, plus the custom patterns, allow and deny lists
// and context words.
func newAnalyzer(cfg config.Anonymize) (*anonymize.Analyzer, error) {
	all := anonymize.DefaultRecognizers()
	known := make([]string, 0, len(all)+len(cfg.Patterns))
	for _, r := range all {
		known = append(known, r.Name())
	}
	for _, p := range cfg.Patterns {
		known = append(known, p.Name)
	}
	for _, name := range cfg.Disabled {
		if !slices.Contains(known, name) {
			return nil, fmt.Errorf("anonymize.disabled_recognizers: unknown recognizer %q (known: %s)", name, strings.Join(known, ", "))
		}
	}
	acfg := anonymize.DefaultAnalyzerConfig()
	acfg.Threshold = cfg.Threshold
	acfg.Language = cfg.Language
	acfg.Region = cfg.DefaultRegion
	acfg.Disabled = cfg.Disabled
	acfg.AllowList = cfg.AllowList
	acfg.DenyList = cfg.DenyList
	acfg.Patterns = cfg.Patterns
	acfg.Context = cfg.Context
	acfg.NegativeContext = cfg.NegativeContext
	a, err := anonymize.NewAnalyzer(acfg, all...)
	if err != nil {
		return nil, fmt.Errorf("anonymize: %w", err)
	}
	return a, nil
}

func operators(cfg config.Anonymize) (map[string]anonymize.OperatorConfig, error) {
	ops := make(map[string]anonymize.OperatorConfig, len(cfg.Operators))
	for typ, name := range cfg.Operators {
		op, err := anonymize.ParseOperator(name)
		if err != nil {
			return nil, fmt.Errorf("anonymize.operators.%s: %w", typ, err)
		}
		ops[strings.ToUpper(typ)] = anonymize.OperatorConfig{Operator: op}
	}
	return ops, nil
}
