package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/veilhq/veil/config"
	"github.com/veilhq/veil/internal/openaitest"
)

func TestLLMFallbackSeesPseudonymsOnly(t *testing.T) {
	ctx := context.Background()
	srv := openaitest.New(t)
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.OpenAI.BaseURL = srv.URL
	cfg.OpenAI.APIKey = openaitest.DefaultAPIKey
	cfg.OpenAI.Timeout = 2 * time.Second
	clk := &clock{now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	a, err := New(ctx, cfg, zerolog.Nop(), Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(ctx)

	const user = "447700900222"
	say(t, a, "m1", user, "hi")
	press(t, a, "m2", user, "consent:agree")

	// The model echoes the user's pseudonym and invents someone else's email.
	srv.QueueChat(openaitest.Completion("Sure, I'll send the return label to <EMAIL_1>, cc returns@othershop.example."))
	out := say(t, a, "m3", user, "is the wool jacket also made in green? my email is rosa.diaz@example.com and my card 4111 1111 1111 1111")
	if len(out) != 1 {
		t.Fatalf("replies = %+v", out)
	}
	got := out[0].Text
	if !strings.Contains(got, "rosa.diaz@example.com") {
		t.Errorf("the user's own value was not restored: %q", got)
	}
	if strings.Contains(got, "returns@othershop.example") {
		t.Errorf("the output guard let a foreign email through: %q", got)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("LLM requests = %d", len(reqs))
	}
	joined := string(reqs[0].Body) + strings.Join(reqs[0].Strings, "\n")
	for _, raw := range []string{"rosa.diaz@example.com", "4111 1111 1111 1111", user} {
		if strings.Contains(joined, raw) {
			t.Errorf("the LLM received %q", raw)
		}
	}
	if !strings.Contains(strings.Join(reqs[0].Strings, "\n"), "<EMAIL_1>") {
		t.Errorf("the LLM did not receive the pseudonymized message: %q", reqs[0].Strings)
	}

	// LLM down: the bot's canned fallback answers.
	for i := 0; i < 5; i++ {
		srv.QueueChat(openaitest.ServerError())
	}
	out = say(t, a, "m4", user, "tell me a joke")
	if len(out) != 1 || !strings.Contains(out[0].Text, "Sorry, I can help") {
		t.Fatalf("LLM down, reply = %+v", out)
	}
}
