package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"

	"github.com/veilhq/veil/admin"
	"github.com/veilhq/veil/anonymize"
	"gopkg.in/yaml.v3"
)

// Config is everything Veil reads at start-up. YAML keys are the `yaml`
// tags; each leaf that an environment variable can set names it in `env`.
type Config struct {
	Addr        string `yaml:"addr" env:"VEIL_ADDR" validate:"required,hostname_port"`
	DataDir     string `yaml:"data_dir" env:"VEIL_DATA_DIR" validate:"required"`
	DatabaseURL string `yaml:"database_url" env:"VEIL_DATABASE_URL" secret:"true" validate:"omitempty,postgres_url"`
	MasterKey   string `yaml:"master_key" env:"VEIL_MASTER_KEY" secret:"true" validate:"omitempty,base64_32"`
	// KeystoreURL is where per-user data keys live when they must be kept
	// out of the data database's backups (so an erasure survives restoring
	// a dump): a postgres:// URL of another database, or file:PATH for a
	// local file. Empty keeps keys in the main store.
	KeystoreURL string       `yaml:"keystore_url" env:"VEIL_KEYSTORE_URL" secret:"true" validate:"omitempty,keystore_url"`
	WhatsApp    WhatsApp     `yaml:"whatsapp"`
	OpenAI      OpenAI       `yaml:"openai"`
	Log         Log          `yaml:"log"`
	Consent     Consent      `yaml:"consent"`
	Retention   Retention    `yaml:"retention"`
	Pipeline    Pipeline     `yaml:"pipeline"`
	Anonymize   Anonymize    `yaml:"anonymize"`
	NLU         NLU          `yaml:"nlu"`
	Bot         string       `yaml:"bot" env:"VEIL_BOT"` // path to a bot YAML; empty = the embedded example bot
	Admin       admin.Config `yaml:"admin"`              // bearer tokens and roles of the /admin API; none = off
}

// WhatsApp configures the Cloud API channel.
type WhatsApp struct {
	VerifyToken   string `yaml:"verify_token" env:"VEIL_WHATSAPP_VERIFY_TOKEN" secret:"true"`
	AppSecret     string `yaml:"app_secret" env:"VEIL_WHATSAPP_APP_SECRET" secret:"true"`
	AccessToken   string `yaml:"access_token" env:"VEIL_WHATSAPP_ACCESS_TOKEN" secret:"true"`
	APIURL        string `yaml:"api_url" env:"VEIL_WHATSAPP_API_URL" validate:"required,http_url"`
	PhoneNumberID string `yaml:"phone_number_id" env:"VEIL_WHATSAPP_PHONE_NUMBER_ID" validate:"omitempty,numeric"`
	MaxBodyBytes  int64  `yaml:"max_body_bytes" validate:"min=1024,max=67108864"`
}

// OpenAI configures any OpenAI-compatible endpoint. No API key = LLM off.
type OpenAI struct {
	BaseURL string        `yaml:"base_url" env:"VEIL_OPENAI_BASE_URL" validate:"required,http_url"`
	APIKey  string        `yaml:"api_key" env:"VEIL_OPENAI_API_KEY" secret:"true"`
	Model   string        `yaml:"model" env:"VEIL_OPENAI_MODEL" validate:"required"`
	Timeout time.Duration `yaml:"timeout" validate:"min=100ms,max=5m"`
}

// Log configures zerolog.
type Log struct {
	Level  string `yaml:"level" env:"VEIL_LOG_LEVEL" validate:"oneof=trace debug info warn error"`
	Pretty bool   `yaml:"pretty" env:"VEIL_LOG_PRETTY"`
}

// Consent configures the privacy notice users opt in to.
type Consent struct {
	NoticeVersion string   `yaml:"notice_version" validate:"required,max=64"`
	NoticeText    string   `yaml:"notice_text" validate:"required,max=1024"`
	Purposes      []string `yaml:"purposes" validate:"required,min=1,dive,required"`
}

// Retention sets how long each kind of record is kept.
type Retention struct {
	UserText    time.Duration `yaml:"user_text" validate:"min=1m"`
	BotText     time.Duration `yaml:"bot_text" validate:"min=1m"`
	Status      time.Duration `yaml:"status" validate:"min=1m"`
	Vault       time.Duration `yaml:"vault" validate:"min=1m"`
	DialogState time.Duration `yaml:"dialog_state" validate:"min=1m"`
	// Dedupe is how long a message ID is remembered; WhatsApp redelivers for days.
	Dedupe     time.Duration `yaml:"dedupe" validate:"min=1h"`
	PurgeEvery time.Duration `yaml:"purge_every" validate:"min=1s"`
}

// Pipeline configures turn processing.
type Pipeline struct {
	TurnTimeout time.Duration `yaml:"turn_timeout" validate:"min=10ms,max=10m"`
	// ClaimLease is how long a replica holds a claimed message (PostgreSQL):
	// if it dies mid-turn, another replica runs the turn after the lease.
	// It must outlast a turn.
	ClaimLease time.Duration `yaml:"claim_lease" validate:"gtfield=TurnTimeout,max=1h"`
}

// Anonymize configures the PII stage.
type Anonymize struct {
	// Operators maps an entity type to an operator name; unlisted types are pseudonymized.
	Operators map[string]string `yaml:"operators" validate:"dive,keys,required,endkeys,oneof=pseudonymize replace redact mask hash encrypt"`
	// Threshold drops detections scoring below it.
	Threshold float64 `yaml:"threshold" validate:"gte=0,lte=1"`
	// Disabled lists recognizer names to turn off.
	Disabled []string `yaml:"disabled_recognizers"`
	// DefaultRegion is the phone region used when a number has no country code
	// and the sender's own number gives none.
	DefaultRegion string `yaml:"default_region" validate:"omitempty,len=2,uppercase"`
	Language      string `yaml:"language" validate:"oneof=en es"`
	// AllowList values are never treated as personal data (the business's
	// own support address, a product named "Paris").
	AllowList []string `yaml:"allow_list"`
	// DenyList maps an entity type to values always treated as that type.
	DenyList map[string][]string `yaml:"deny_list"`
	// Patterns are custom regex recognizers (name, type, regex, score, context).
	Patterns []anonymize.PatternConfig `yaml:"patterns" validate:"dive"`
	// Context and NegativeContext add words that raise or lower a nearby
	// unvalidated span's score: language ("" for all) → entity type → words.
	Context         map[string]map[string][]string `yaml:"context"`
	NegativeContext map[string]map[string][]string `yaml:"negative_context"`
}

// NLU configures intent recognition and routing.
type NLU struct {
	// Pipeline lists the intent parsers tried in order; the first confident
	// one wins: classifier (trained locally), rules (the bot's keywords),
	// llm (the OpenAI-compatible model; needs openai.api_key).
	Pipeline []string `yaml:"pipeline" validate:"min=1,dive,oneof=classifier rules llm embed"`
	// EmbeddingModel is the OpenAI-compatible embedding model of the embed
	// parser when an API key is set (otherwise a local embedder is used).
	EmbeddingModel string `yaml:"embedding_model" validate:"required"`
	// Threshold is the confidence an intent needs to start a dialog.
	Threshold float64 `yaml:"threshold" validate:"gte=0,lte=1"`
	// MarginThreshold: when the top two intents are closer than this, the
	// user is asked to choose (reply buttons); 0 turns that off.
	MarginThreshold float64 `yaml:"margin_threshold" validate:"gte=0,lte=1"`
	// Overrides sets the threshold of single intents.
	Overrides map[string]float64 `yaml:"overrides" validate:"dive,gte=0,lte=1"`
	// Parsers sets thresholds for single parsers of the pipeline (by
	// name): a classifier's probability, a cosine similarity and an LLM's
	// self-reported confidence are not on one scale.
	Parsers map[string]ParserThresholds `yaml:"parsers" validate:"dive,keys,oneof=classifier rules llm embed,endkeys"`
	// Model is a classifier saved by `veil nlu train`; empty = train on the
	// bot's examples at start.
	Model string `yaml:"model" env:"VEIL_NLU_MODEL"`
}

// ParserThresholds replace nlu.threshold and nlu.margin_threshold for one
// parser; 0 keeps the pipeline's.
type ParserThresholds struct {
	Threshold       float64 `yaml:"threshold" validate:"gte=0,lte=1"`
	MarginThreshold float64 `yaml:"margin_threshold" validate:"gte=0,lte=1"`
}

// Default returns the embedded-default configuration: no PostgreSQL, no
// API keys, data under ./veil-data.
func Default() Config {
	return Config{
		Addr:    "127.0.0.1:8080",
		DataDir: "veil-data",
		WhatsApp: WhatsApp{
			APIURL:       "https://graph.facebook.com/v21.0",
			MaxBodyBytes: 1 << 20,
		},
		OpenAI: OpenAI{BaseURL: "https://api.openai.com/v1", Model: "gpt-4o-mini", Timeout: 20 * time.Second},
		Log:    Log{Level: "info"},
		Consent: Consent{
			NoticeVersion: "2026-11-v1",
			NoticeText: "Hi! Before we chat: we process your messages to answer you. Personal details " +
				"(emails, phone numbers, cards...) are replaced by placeholders before any AI sees them, " +
				"and transcripts are deleted after 30 days. Reply STOP at any time to opt out, " +
				"MY DATA to see what we keep, DELETE MY DATA to erase it.",
			Purposes: []string{"customer_support"},
		},
		Retention: Retention{
			UserText:    30 * 24 * time.Hour,
			BotText:     30 * 24 * time.Hour,
			Status:      7 * 24 * time.Hour,
			Vault:       30 * 24 * time.Hour,
			DialogState: 24 * time.Hour,
			Dedupe:      8 * 24 * time.Hour,
			PurgeEvery:  time.Hour,
		},
		Pipeline:  Pipeline{TurnTimeout: 10 * time.Second, ClaimLease: 30 * time.Second},
		Anonymize: Anonymize{Language: "en", Threshold: 0.4},
		NLU:       NLU{Pipeline: []string{"classifier", "rules"}, Threshold: 0.5, MarginThreshold: 0.1, EmbeddingModel: "text-embedding-3-small"},
	}
}

// Load reads the YAML file at path (if path is not empty) over the
// defaults, then applies environment variables from getenv (nil means
// os.Getenv), then validates.
func Load(path string, getenv func(string) string) (Config, error) {
	cfg := Default()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return Config{}, fmt.Errorf("config: %w", err)
		}
		if err := decodeYAML(data, &cfg); err != nil {
			return Config{}, fmt.Errorf("config %s: %w", path, err)
		}
	}
	if getenv == nil {
		getenv = os.Getenv
	}
	if err := applyEnv(reflect.ValueOf(&cfg).Elem(), getenv); err != nil {
		return Config{}, err
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

func decodeYAML(data []byte, cfg *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

// applyEnv walks the struct and sets each field that has an env tag and a
// non-empty variable.
func applyEnv(v reflect.Value, getenv func(string) string) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		fv := v.Field(i)
		if f.Type.Kind() == reflect.Struct {
			if err := applyEnv(fv, getenv); err != nil {
				return err
			}
			continue
		}
		name := f.Tag.Get("env")
		if name == "" {
			continue
		}
		raw, ok := lookup(getenv, name)
		if !ok {
			continue
		}
		switch fv.Kind() {
		case reflect.String:
			fv.SetString(raw)
		case reflect.Bool:
			b, err := strconv.ParseBool(raw)
			if err != nil {
				return fmt.Errorf("config: %s: want true or false", name)
			}
			fv.SetBool(b)
		default:
			return fmt.Errorf("config: %s: unsupported kind %s", name, fv.Kind())
		}
	}
	return nil
}

// lookup treats an empty variable as unset, except VEIL_DATABASE_URL where
// empty explicitly means "embedded" (and so equals unset anyway).
func lookup(getenv func(string) string, name string) (string, bool) {
	raw := getenv(name)
	return raw, raw != ""
}

// Embedded reports whether Veil runs on the embedded single-file store.
func (c Config) Embedded() bool { return c.DatabaseURL == "" }

// Validate checks every field and returns all problems, one per line, each
// naming the YAML key (and the environment variable that sets it).
func (c Config) Validate() error {
	err := validate.Struct(c)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return fmt.Errorf("config: %w", err)
	}
	msgs := make([]string, 0, len(verrs))
	for _, fe := range verrs {
		msgs = append(msgs, describe(fe))
	}
	return &Error{Problems: msgs}
}

// ValidateServe checks what `veil serve` needs beyond Validate: the
// WhatsApp credentials.
func (c Config) ValidateServe() error {
	var msgs []string
	need := []struct{ key, env, val string }{
		{"whatsapp.verify_token", "VEIL_WHATSAPP_VERIFY_TOKEN", c.WhatsApp.VerifyToken},
		{"whatsapp.app_secret", "VEIL_WHATSAPP_APP_SECRET", c.WhatsApp.AppSecret},
		{"whatsapp.access_token", "VEIL_WHATSAPP_ACCESS_TOKEN", c.WhatsApp.AccessToken},
		{"whatsapp.phone_number_id", "VEIL_WHATSAPP_PHONE_NUMBER_ID", c.WhatsApp.PhoneNumberID},
	}
	for _, n := range need {
		if n.val == "" {
			msgs = append(msgs, fmt.Sprintf("%s (%s) is required to serve WhatsApp", n.key, n.env))
		}
	}
	if len(msgs) > 0 {
		return &Error{Problems: msgs}
	}
	return nil
}

// Error lists every configuration problem found.
type Error struct{ Problems []string }

func (e *Error) Error() string {
	return "invalid configuration:\n  " + strings.Join(e.Problems, "\n  ")
}
