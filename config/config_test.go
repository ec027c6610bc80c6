package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatalf("default config invalid: %v", err)
	}
	if !Default().Embedded() {
		t.Fatal("default config should use the embedded store")
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.yaml", "addr: 0.0.0.0:9000\nretention:\n  user_text: 48h\nwhatsapp:\n  phone_number_id: \"106540352242922\"\n")
	unknown := write("unknown.yaml", "addr: 0.0.0.0:9000\nwhatsap:\n  verify_token: x\n")
	badType := write("badtype.yaml", "retention:\n  user_text: forever\n")

	tests := []struct {
		name    string
		path    string
		env     map[string]string
		wantErr []string // substrings; empty = success
		check   func(t *testing.T, c Config)
	}{
		{name: "OK defaults", check: func(t *testing.T, c Config) {
			if c.Addr != "127.0.0.1:8080" {
				t.Errorf("addr = %q", c.Addr)
			}
		}},
		{name: "OK file", path: good, check: func(t *testing.T, c Config) {
			if c.Addr != "0.0.0.0:9000" || c.Retention.UserText != 48*time.Hour {
				t.Errorf("got addr %q retention %v", c.Addr, c.Retention.UserText)
			}
			if c.Retention.BotText != Default().Retention.BotText {
				t.Errorf("unset key lost its default: %v", c.Retention.BotText)
			}
		}},
		{name: "OK env wins over file", path: good, env: map[string]string{"VEIL_ADDR": "127.0.0.1:7000", "VEIL_LOG_PRETTY": "true"}, check: func(t *testing.T, c Config) {
			if c.Addr != "127.0.0.1:7000" || !c.Log.Pretty {
				t.Errorf("env not applied: %q %v", c.Addr, c.Log.Pretty)
			}
		}},
		{name: "OK database url switches store", env: map[string]string{"VEIL_DATABASE_URL": "postgres://u@db:5432/veil"}, check: func(t *testing.T, c Config) {
			if c.Embedded() {
				t.Error("expected PostgreSQL mode")
			}
		}},
		{name: "ErrUnknownKey", path: unknown, wantErr: []string{"whatsap", "line 2"}},
		{name: "ErrBadDuration", path: badType, wantErr: []string{"forever"}},
		{name: "ErrMissingFile", path: filepath.Join(dir, "nope.yaml"), wantErr: []string{"nope.yaml"}},
		{name: "ErrBadAddr", env: map[string]string{"VEIL_ADDR": "nonsense"}, wantErr: []string{"addr (VEIL_ADDR)", "host:port"}},
		{name: "ErrBadAPIURL", env: map[string]string{"VEIL_WHATSAPP_API_URL": "ftp://x"}, wantErr: []string{"whatsapp.api_url (VEIL_WHATSAPP_API_URL)", "http(s) URL"}},
		{name: "ErrBadDatabaseURL hides value", env: map[string]string{"VEIL_DATABASE_URL": "mysql://secret-pass@h/db"}, wantErr: []string{"database_url (VEIL_DATABASE_URL)"}},
		{name: "ErrShortMasterKey", env: map[string]string{"VEIL_MASTER_KEY": "c2hvcnQ="}, wantErr: []string{"master_key (VEIL_MASTER_KEY)", "32 bytes"}},
		{name: "ErrBadBool", env: map[string]string{"VEIL_LOG_PRETTY": "maybe"}, wantErr: []string{"VEIL_LOG_PRETTY"}},
		{name: "ErrLeaseShorterThanTurn", path: write("lease.yaml", "pipeline:\n  turn_timeout: 10s\n  claim_lease: 5s\n"), wantErr: []string{"pipeline.claim_lease", "greater than TurnTimeout"}},
		{name: "OK parser thresholds", path: write("parsers.yaml", "nlu:\n  pipeline: [classifier, llm]\n  parsers:\n    llm: {threshold: 0.8, margin_threshold: 0.2}\n"), check: func(t *testing.T, c Config) {
			if got := c.NLU.Parsers["llm"]; got.Threshold != 0.8 || got.MarginThreshold != 0.2 {
				t.Errorf("nlu.parsers.llm = %+v", got)
			}
		}},
		{name: "ErrUnknownParser", path: write("parser-name.yaml", "nlu:\n  parsers:\n    bert: {threshold: 0.8}\n"), wantErr: []string{"nlu.parsers", "bert"}},
		{name: "ErrParserThreshold", path: write("parser-thr.yaml", "nlu:\n  parsers:\n    llm: {threshold: 1.8}\n"), wantErr: []string{"nlu.parsers", "threshold"}},
		{name: "ErrBadLevel", env: map[string]string{"VEIL_LOG_LEVEL": "loud"}, wantErr: []string{"log.level", "one of"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(tt.path, envMap(tt.env))
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				tt.check(t, c)
				return
			}
			if err == nil {
				t.Fatalf("expected an error containing %q", tt.wantErr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "secret-pass") {
				t.Errorf("error leaks a secret value: %q", err)
			}
		})
	}
}

func TestValidateServe(t *testing.T) {
	c := Default()
	err := c.ValidateServe()
	if err == nil || !strings.Contains(err.Error(), "VEIL_WHATSAPP_APP_SECRET") {
		t.Fatalf("want missing app secret error, got %v", err)
	}
	c.WhatsApp = WhatsApp{VerifyToken: "v", AppSecret: "s", AccessToken: "a", PhoneNumberID: "1", APIURL: "http://x", MaxBodyBytes: 4096}
	if err := c.ValidateServe(); err != nil {
		t.Fatalf("complete config rejected: %v", err)
	}
}
