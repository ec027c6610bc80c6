package llmclass

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/rs/zerolog"
	openai "github.com/sashabaranov/go-openai"

	"github.com/veilhq/veil/llm"
	"github.com/veilhq/veil/nlu"
)

// Interface guards.
var _ nlu.Trainer = (*Classifier)(nil)

// None is the answer for "no intent fits"; Parse reports it as
// nlu.OutOfScope with the model's confidence.
const None = "none"

// DefaultExamples is how many examples per intent the prompt shows.
const DefaultExamples = 3

// Config configures a Classifier.
type Config struct {
	Model string // chat model (default llm.DefaultModel)
	// Examples per intent shown to the model (default DefaultExamples;
	// negative: none).
	Examples int
	// Descriptions of intents by name; intents without one are described by
	// their examples only.
	Descriptions map[string]string
	// Temperature for sampling. 0 leaves the field out (go-openai omits
	// it), so the server's default applies; set a small value such as 0.01
	// for near-deterministic answers.
	Temperature float32
}

// Classifier is an LLM intent classifier. It is safe for concurrent use.
type Classifier struct {
	client *llm.Client
	cfg    Config
	log    zerolog.Logger

	mu      sync.RWMutex
	intents map[string]bool // known intent names (not oos)
	byFold  map[string]string
	system  string
}

// New returns an untrained classifier (Parse finds no intent until Train).
func New(client *llm.Client, cfg Config, log zerolog.Logger) (*Classifier, error) {
	if client == nil {
		return nil, errors.New("llmclass: nil client")
	}
	if cfg.Model == "" {
		cfg.Model = llm.DefaultModel
	}
	if cfg.Examples == 0 {
		cfg.Examples = DefaultExamples
	}
	return &Classifier{client: client, cfg: cfg, log: log}, nil
}

type intentInfo struct {
	name     string
	examples []string
}

// Train records the intents of examples (in order of first appearance),
// up to Config.Examples distinct examples of each, and builds the prompt.
// Examples of nlu.OutOfScope illustrate "none". It makes no API call.
func (c *Classifier) Train(ctx context.Context, examples []nlu.Example) error {
	var infos []*intentInfo
	idx := map[string]*intentInfo{}
	for i, ex := range examples {
		name := strings.TrimSpace(ex.Intent)
		if name == "" {
			return fmt.Errorf("llmclass: train: example %d has no intent", i)
		}
		if strings.EqualFold(name, None) {
			return fmt.Errorf("llmclass: train: intent name %q is reserved", name)
		}
		info := idx[name]
		if info == nil {
			info = &intentInfo{name: name}
			idx[name] = info
			infos = append(infos, info)
		}
		text := strings.TrimSpace(ex.Text)
		if text != "" && len(info.examples) < max(c.cfg.Examples, 0) && !slices.Contains(info.examples, text) {
			info.examples = append(info.examples, text)
		}
	}
	for name := range c.cfg.Descriptions {
		if idx[name] == nil {
			return fmt.Errorf("llmclass: train: description for intent %q that has no examples", name)
		}
	}
	intents := map[string]bool{}
	byFold := map[string]string{}
	for _, info := range infos {
		if info.name == nlu.OutOfScope {
			continue
		}
		intents[info.name] = true
		byFold[strings.ToLower(info.name)] = info.name
	}
	system := c.prompt(infos, idx[nlu.OutOfScope])
	c.mu.Lock()
	defer c.mu.Unlock()
	c.intents, c.byFold, c.system = intents, byFold, system
	return nil
}

func (c *Classifier) prompt(infos []*intentInfo, oos *intentInfo) string {
	var b strings.Builder
	b.WriteString(`You classify one message a customer sent to a business on WhatsApp into one of the intents below, or "none" when no intent fits.
Tokens in angle brackets such as <PERSON_1> or <EMAIL_1> are placeholders for the customer's personal data; treat them as such values.

Intents:
`)
	for _, info := range infos {
		if info.name == nlu.OutOfScope {
			continue
		}
		fmt.Fprintf(&b, "- %s", info.name)
		if d := strings.TrimSpace(c.cfg.Descriptions[info.name]); d != "" {
			fmt.Fprintf(&b, ": %s", d)
		}
		b.WriteByte('\n')
		for _, ex := range info.examples {
			fmt.Fprintf(&b, "    e.g. %q\n", ex)
		}
	}
	fmt.Fprintf(&b, "- %s: the message fits none of the intents above\n", None)
	if oos != nil {
		for _, ex := range oos.examples {
			fmt.Fprintf(&b, "    e.g. %q\n", ex)
		}
	}
	b.WriteString(`
Answer with a JSON object only, exactly of the form {"intent": "<one intent name from the list, or none>", "confidence": <a number from 0 to 1>}.`)
	return b.String()
}

// answer is the JSON the model must return.
type answer struct {
	Intent     *string  `json:"intent"`
	Confidence *float64 `json:"confidence"`
}

// Parse asks the model for the intent of text. It returns an error only
// when ctx ends; every other failure is an empty Result.
func (c *Classifier) Parse(ctx context.Context, text string) (nlu.Result, error) {
	c.mu.RLock()
	system, intents, byFold := c.system, c.intents, c.byFold
	c.mu.RUnlock()
	if system == "" || strings.TrimSpace(text) == "" {
		return nlu.Result{}, ctx.Err()
	}
	resp, err := c.client.Chat(ctx, openai.ChatCompletionRequest{
		Model: c.cfg.Model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: system},
			{Role: openai.ChatMessageRoleUser, Content: text},
		},
		Temperature:    c.cfg.Temperature,
		ResponseFormat: &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject},
	})
	if err != nil {
		if ctx.Err() != nil {
			return nlu.Result{}, ctx.Err()
		}
		c.log.Warn().Err(err).Str("model", c.cfg.Model).Msg("llmclass: classification failed; no intent")
		return nlu.Result{}, nil
	}
	if len(resp.Choices) == 0 {
		c.log.Warn().Str("model", c.cfg.Model).Msg("llmclass: no choices; no intent")
		return nlu.Result{}, nil
	}
	name, conf, reason := interpret(resp.Choices[0].Message.Content, intents, byFold)
	if reason != "" {
		// The reason names what was wrong, never the content.
		c.log.Warn().Str("model", c.cfg.Model).Str("reason", reason).Msg("llmclass: unusable answer; no intent")
		return nlu.Result{}, nil
	}
	return nlu.Result{Intents: []nlu.Intent{{Name: name, Confidence: conf}}}, nil
}

// interpret validates the model's answer; reason is non-empty when it is
// unusable.
func interpret(content string, intents map[string]bool, byFold map[string]string) (name string, conf float64, reason string) {
	var a answer
	dec := json.NewDecoder(strings.NewReader(strings.TrimSpace(content)))
	if err := dec.Decode(&a); err != nil {
		return "", 0, "invalid json"
	}
	if dec.More() {
		return "", 0, "trailing data after json"
	}
	if a.Intent == nil {
		return "", 0, "no intent field"
	}
	if a.Confidence == nil {
		return "", 0, "no confidence field"
	}
	conf = *a.Confidence
	if conf > 1 && conf <= 100 {
		conf /= 100 // a percentage
	}
	if math.IsNaN(conf) || conf < 0 || conf > 1 {
		return "", 0, "confidence out of range"
	}
	n := strings.TrimSpace(*a.Intent)
	switch {
	case strings.EqualFold(n, None) || n == nlu.OutOfScope:
		return nlu.OutOfScope, conf, ""
	case intents[n]:
		return n, conf, ""
	case byFold[strings.ToLower(n)] != "":
		return byFold[strings.ToLower(n)], conf, ""
	}
	return "", 0, "unknown intent"
}
