package app

import (
	"fmt"
	"slices"
	"strings"

	"github.com/veilhq/veil/anonymize"
	"github.com/veilhq/veil/config"
)

// newAnalyzer builds the analyzer from config: every built-in recognizer
// except the disabled ones.
func newAnalyzer(cfg config.Anonymize) (*anonymize.Analyzer, error) {
	all := anonymize.DefaultRecognizers()
	known := make([]string, 0, len(all))
	for _, r := range all {
		known = append(known, r.Name())
	}
	for _, name := range cfg.Disabled {
		if !slices.Contains(known, name) {
			return nil, fmt.Errorf("anonymize.disabled_recognizers: unknown recognizer %q (known: %s)", name, strings.Join(known, ", "))
		}
	}
	var recs []anonymize.Recognizer
	for _, r := range all {
		if !slices.Contains(cfg.Disabled, r.Name()) {
			recs = append(recs, r)
		}
	}
	acfg := anonymize.DefaultAnalyzerConfig()
	acfg.Threshold = cfg.Threshold
	acfg.Language = cfg.Language
	acfg.Region = cfg.DefaultRegion
	a, err := anonymize.NewAnalyzer(acfg, recs...)
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
