package app

import (
	"context"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/veilhq/veil/config"
	"github.com/veilhq/veil/internal/openaitest"
	"github.com/veilhq/veil/keyring"
	"github.com/veilhq/veil/store/postgres"
	"github.com/veilhq/veil/store/postgres/pgtest"
)

// The embed parser on PostgreSQL keeps the example vectors in pgvector and
// routes by nearest neighbour; the embedded store keeps them in memory.
func TestEmbedParserRoutes(t *testing.T) {
	for _, pg := range []bool{false, true} {
		name := "embedded"
		if pg {
			name = "postgres"
		}
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			cfg := config.Default()
			cfg.DataDir = t.TempDir()
			cfg.NLU.Pipeline = []string{"embed"}
			opts := Options{}
			if pg {
				cfg.DatabaseURL = "postgres://ignored@localhost/veil"
				cfg.MasterKey = keyring.GenerateMasterKey()
				st := pgtest.Open(t, pgtest.Schema(t), postgres.Options{})
				opts.Store = st
			}
			a, err := New(ctx, cfg, zerolog.Nop(), opts)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close(ctx)
			const user = "447700900666"
			say(t, a, "m1", user, "hi")
			press(t, a, "m2", user, "consent:agree")
			out := say(t, a, "m3", user, "what time do you open on saturday?")
			if len(out) == 0 || !strings.Contains(out[0].Text, "Monday to Friday") {
				t.Fatalf("reply = %+v", out)
			}
			if pg {
				var n int
				if err := opts.Store.(*postgres.Store).Pool().QueryRow(ctx, `SELECT count(*) FROM intent_vectors`).Scan(&n); err != nil || n < 40 {
					t.Fatalf("intent vectors in PostgreSQL: %d, %v", n, err)
				}
			}
		})
	}
}

// The llm parser asks the chat model (pseudonymized text only) and routes
// on its JSON answer; a broken answer means no intent.
func TestLLMParserRoutes(t *testing.T) {
	ctx := context.Background()
	srv := openaitest.New(t)
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.NLU.Pipeline = []string{"llm"}
	cfg.OpenAI.BaseURL, cfg.OpenAI.APIKey = srv.URL, openaitest.DefaultAPIKey
	a, err := New(ctx, cfg, zerolog.Nop(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(ctx)
	const user = "447700900665"
	say(t, a, "m1", user, "hi")
	press(t, a, "m2", user, "consent:agree")
	srv.QueueChat(openaitest.CompletionJSON(map[string]any{"intent": "opening_hours", "confidence": 0.93}))
	out := say(t, a, "m3", user, "are you around on saturdays? mail me at llm.parse@example.com")
	if len(out) == 0 || !strings.Contains(out[0].Text, "Monday to Friday") {
		t.Fatalf("reply = %+v", out)
	}
	srv.AssertNoRaw(t, "llm.parse@example.com")
	// Not JSON: no intent, so the fallback (here the LLM responder) answers.
	srv.QueueChat(openaitest.Completion("sure thing!"), openaitest.Completion("Happy to help."))
	out = say(t, a, "m4", user, "hmm")
	if len(out) == 0 || strings.Contains(out[0].Text, "Monday to Friday") {
		t.Fatalf("a non-JSON classification routed to an intent: %+v", out)
	}
}

// nlu.parsers gives one parser its own threshold: an LLM's 0.93 that would
// pass the pipeline's 0.5 does not pass llm's 0.95.
func TestParserThresholds(t *testing.T) {
	ctx := context.Background()
	srv := openaitest.New(t)
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.NLU.Pipeline = []string{"llm"}
	cfg.NLU.Parsers = map[string]config.ParserThresholds{"llm": {Threshold: 0.95}}
	cfg.OpenAI.BaseURL, cfg.OpenAI.APIKey = srv.URL, openaitest.DefaultAPIKey
	a, err := New(ctx, cfg, zerolog.Nop(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(ctx)
	const user = "447700900664"
	say(t, a, "m1", user, "hi")
	press(t, a, "m2", user, "consent:agree")
	srv.QueueChat(openaitest.CompletionJSON(map[string]any{"intent": "opening_hours", "confidence": 0.93}), openaitest.Completion("Let me check that for you."))
	out := say(t, a, "m3", user, "are you around on saturdays?")
	if len(out) == 0 || strings.Contains(out[0].Text, "Monday to Friday") || !strings.Contains(out[0].Text, "Let me check") {
		t.Fatalf("0.93 < llm's 0.95 should go to the fallback, got %+v", out)
	}
	srv.QueueChat(openaitest.CompletionJSON(map[string]any{"intent": "opening_hours", "confidence": 0.97}))
	out = say(t, a, "m4", user, "are you around on saturdays?")
	if len(out) == 0 || !strings.Contains(out[0].Text, "Monday to Friday") {
		t.Fatalf("0.97 ≥ 0.95 should route, got %+v", out)
	}

	cfg.NLU.Parsers = map[string]config.ParserThresholds{"embed": {Threshold: 0.9}}
	cfg.DataDir = t.TempDir()
	if _, err := New(ctx, cfg, zerolog.Nop(), Options{}); err == nil || !strings.Contains(err.Error(), "nlu.parsers.embed") {
		t.Errorf("thresholds for a parser outside the pipeline: err = %v", err)
	}
}
