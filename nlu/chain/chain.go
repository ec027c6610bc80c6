package chain

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/rs/zerolog"

	"github.com/veilhq/veil/nlu"
)

// Interface guards.
var _ nlu.Trainer = (*Chain)(nil)

// MaxClarify is the most candidates a clarifying question offers
// (WhatsApp allows three reply buttons).
const MaxClarify = 3

// Config holds the routing thresholds, as Rasa's FallbackClassifier.
type Config struct {
	// Threshold is the confidence an intent needs to be acted on.
	Threshold float64 `json:"threshold" yaml:"threshold"`
	// MarginThreshold is the gap the top intent needs over the second
	// (ambiguity_threshold in Rasa); when the top ones are closer, the user
	// is asked to choose. 0 turns the check and clarifying questions off.
	MarginThreshold float64 `json:"margin_threshold" yaml:"margin_threshold"`
	// Overrides replaces Threshold for some intents (by name).
	Overrides map[string]float64 `json:"overrides,omitempty" yaml:"overrides,omitempty"`
}

// Validate checks every threshold is in [0, 1].
func (c Config) Validate() error {
	check := func(what string, v float64) error {
		if math.IsNaN(v) || v < 0 || v > 1 {
			return fmt.Errorf("chain: %s %v is not in [0, 1]", what, v)
		}
		return nil
	}
	if err := check("threshold", c.Threshold); err != nil {
		return err
	}
	if err := check("margin threshold", c.MarginThreshold); err != nil {
		return err
	}
	for name, v := range c.Overrides {
		if name == "" {
			return errors.New("chain: override for an empty intent name")
		}
		if err := check("threshold of "+name, v); err != nil {
			return err
		}
	}
	return nil
}

// ThresholdFor is intent's threshold: its override, else Threshold.
func (c Config) ThresholdFor(intent string) float64 {
	if v, ok := c.Overrides[intent]; ok {
		return v
	}
	return c.Threshold
}

// Decision is what to do with a parsed turn: act on Intent, or ask the
// user to pick one of Clarify (turned into reply buttons by the caller),
// or, when both are empty, hand the turn to the fallback (the LLM or the
// canned reply).
type Decision struct {
	Intent  string       `json:"intent,omitempty"`
	Clarify []nlu.Intent `json:"clarify,omitempty"`
}

// Fallback reports whether the turn goes to the fallback.
func (d Decision) Fallback() bool { return d.Intent == "" && len(d.Clarify) == 0 }

// eps absorbs floating-point error at the thresholds: 0.7-0.55 is a
// margin of 0.15.
const eps = 1e-9

// Decide applies cfg to res:
//   - the top intent is acted on when its confidence reaches its threshold
//     and (with MarginThreshold > 0) it leads the second intent by at
//     least MarginThreshold;
//   - otherwise, with MarginThreshold > 0, the intents within
//     MarginThreshold of the top one (at most MaxClarify, out of scope
//     excluded) become a clarifying question when there are at least two
//     and their confidences together reach the top intent's threshold: the
//     user meant one of them, the model could not tell which;
//   - otherwise, and whenever out of scope ranks first, the fallback.
func Decide(res nlu.Result, cfg Config) Decision {
	top := res.Top()
	if top.Name == "" || top.Name == nlu.OutOfScope {
		return Decision{}
	}
	thr := cfg.ThresholdFor(top.Name)
	margin := math.Inf(1)
	if len(res.Intents) > 1 {
		margin = top.Confidence - res.Intents[1].Confidence
	}
	if top.Confidence >= thr-eps && (cfg.MarginThreshold <= 0 || margin >= cfg.MarginThreshold-eps) {
		return Decision{Intent: top.Name}
	}
	if cfg.MarginThreshold <= 0 {
		return Decision{}
	}
	var cands []nlu.Intent
	sum := 0.0
	for _, in := range res.Intents {
		if top.Confidence-in.Confidence >= cfg.MarginThreshold-eps || len(cands) == MaxClarify {
			break
		}
		if in.Name == nlu.OutOfScope || in.Name == "" || in.Confidence <= 0 {
			continue
		}
		cands = append(cands, in)
		sum += in.Confidence
	}
	if len(cands) >= 2 && sum >= thr-eps {
		return Decision{Clarify: cands}
	}
	return Decision{}
}

// confident reports whether res settles the turn: an intent to act on, or
// out of scope ranked first with at least its threshold.
func confident(res nlu.Result, cfg Config) bool {
	top := res.Top()
	if top.Name == nlu.OutOfScope {
		return top.Confidence >= cfg.ThresholdFor(nlu.OutOfScope)-eps
	}
	return Decide(res, cfg).Intent != ""
}

// Chain runs parsers in order, like Rasa's pipeline of classifiers with a
// FallbackClassifier: the first confident answer wins, so put the cheap
// local classifier first and the LLM classifier last. It is safe for
// concurrent use when its parsers are.
type Chain struct {
	cfg   Config
	steps []Step
	// Log receives a line (without content) when a parser fails.
	Log zerolog.Logger
}

// Step is one parser of a chain. Threshold and MarginThreshold, when
// above 0, replace the chain's for this parser's answers: a classifier's
// calibrated probability, a cosine similarity and an LLM's self-reported
// confidence are not on one scale. Per-intent Overrides still win.
type Step struct {
	Name            string // reported as nlu.Result.Parser; default: its position
	Parser          nlu.Parser
	Threshold       float64
	MarginThreshold float64
}

// New returns a chain of parsers (at least one) deciding with cfg.
func New(cfg Config, parsers ...nlu.Parser) (*Chain, error) {
	steps := make([]Step, len(parsers))
	for i, p := range parsers {
		steps[i] = Step{Parser: p}
	}
	return NewSteps(cfg, steps...)
}

// NewSteps returns a chain of steps (at least one, names unique) deciding
// with cfg and each step's own thresholds.
func NewSteps(cfg Config, steps ...Step) (*Chain, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(steps) == 0 {
		return nil, errors.New("chain: no parsers")
	}
	seen := map[string]bool{}
	steps = append([]Step(nil), steps...)
	for i := range steps {
		st := &steps[i]
		if st.Parser == nil {
			return nil, fmt.Errorf("chain: parser %d is nil", i)
		}
		if st.Name == "" {
			st.Name = strconv.Itoa(i)
		}
		if seen[st.Name] {
			return nil, fmt.Errorf("chain: parser %q listed twice", st.Name)
		}
		seen[st.Name] = true
		if err := (Config{Threshold: st.Threshold, MarginThreshold: st.MarginThreshold}).Validate(); err != nil {
			return nil, fmt.Errorf("chain: parser %q: %w", st.Name, err)
		}
	}
	return &Chain{cfg: cfg, steps: steps}, nil
}

// Config returns the chain's thresholds.
func (c *Chain) Config() Config { return c.cfg }

// ConfigFor returns the thresholds that apply to the answers of the step
// named name: the chain's, with the step's own where it sets them.
func (c *Chain) ConfigFor(name string) Config {
	cfg := c.cfg
	for _, st := range c.steps {
		if st.Name != name {
			continue
		}
		if st.Threshold > 0 {
			cfg.Threshold = st.Threshold
		}
		if st.MarginThreshold > 0 {
			cfg.MarginThreshold = st.MarginThreshold
		}
	}
	return cfg
}

// Decide is Decide with the thresholds of the step that produced res.
func (c *Chain) Decide(res nlu.Result) Decision { return Decide(res, c.ConfigFor(res.Parser)) }

// Parse implements nlu.Parser; see ParseStep.
func (c *Chain) Parse(ctx context.Context, text string) (nlu.Result, error) {
	res, _, err := c.ParseStep(ctx, text)
	return res, err
}

// ParseStep runs the parsers in order and returns the first confident
// result (see Decide) and its parser's index. When none is confident it
// returns the first result that makes a clarifying question, else the
// first non-empty one, else an empty result (step -1). A failing parser is
// skipped (and logged); the error is returned only when ctx ended or every
// parser failed.
//
// The result names its step in Parser and carries, besides the entities
// the parser found, one entity per pseudonym token in text
// (nlu.TokenEntities).
func (c *Chain) ParseStep(ctx context.Context, text string) (nlu.Result, int, error) {
	res, step, err := c.parseStep(ctx, text)
	if err != nil {
		return res, step, err
	}
	res.Entities = withTokenEntities(res.Entities, text)
	return res, step, nil
}

func (c *Chain) parseStep(ctx context.Context, text string) (nlu.Result, int, error) {
	var errs []error
	clarify, nonEmpty := -1, -1
	results := make([]nlu.Result, len(c.steps))
	for i, st := range c.steps {
		res, err := st.Parser.Parse(ctx, text)
		if err != nil {
			if ctx.Err() != nil {
				return nlu.Result{}, -1, ctx.Err()
			}
			c.Log.Warn().Str("parser", st.Name).Err(err).Msg("chain: parser failed; trying the next")
			errs = append(errs, fmt.Errorf("chain: parser %s: %w", st.Name, err))
			continue
		}
		res.Parser = st.Name
		cfg := c.ConfigFor(st.Name)
		if confident(res, cfg) {
			return res, i, nil
		}
		results[i] = res
		if clarify < 0 && len(Decide(res, cfg).Clarify) > 0 {
			clarify = i
		}
		if nonEmpty < 0 && len(res.Intents) > 0 {
			nonEmpty = i
		}
	}
	if len(errs) == len(c.steps) {
		return nlu.Result{}, -1, errors.Join(errs...)
	}
	switch {
	case clarify >= 0:
		return results[clarify], clarify, nil
	case nonEmpty >= 0:
		return results[nonEmpty], nonEmpty, nil
	}
	return nlu.Result{}, -1, nil
}

// withTokenEntities adds text's pseudonym entities that no parser entity
// overlaps.
func withTokenEntities(ents []nlu.Entity, text string) []nlu.Entity {
	toks := nlu.TokenEntities(text)
	if len(toks) == 0 {
		return ents
	}
	out := append([]nlu.Entity(nil), ents...)
next:
	for _, t := range toks {
		for _, e := range ents {
			if e.Start < t.End && t.Start < e.End {
				continue next
			}
		}
		out = append(out, t)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// Train trains every parser that is an nlu.Trainer, in order, and stops
// at the first error.
func (c *Chain) Train(ctx context.Context, examples []nlu.Example) error {
	for _, st := range c.steps {
		tr, ok := st.Parser.(nlu.Trainer)
		if !ok {
			continue
		}
		if err := tr.Train(ctx, examples); err != nil {
			return fmt.Errorf("chain: train parser %s: %w", st.Name, err)
		}
	}
	return nil
}
