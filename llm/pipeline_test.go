package llm_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/veilhq/veil/anonymize"
	"github.com/veilhq/veil/dialogs"
	"github.com/veilhq/veil/internal/openaitest"
	"github.com/veilhq/veil/keyring"
	"github.com/veilhq/veil/llm"
	"github.com/veilhq/veil/nlu/rules"
	"github.com/veilhq/veil/pipeline"
	"github.com/veilhq/veil/stages"
	"github.com/veilhq/veil/store/bolt"
)

// Interface guard: kept in a test so that package llm (which nlu back-ends
// import for the client) does not depend on the stages.
var _ stages.Fallback = (*llm.Responder)(nil)

// TestPipelineSendsOnlyPseudonymsAndGuardsTheReply runs the real stages
// (PII → route → LLM → respond → record) against the fake API: the vendor
// sees pseudonyms only, this turn's and the recorded history's; the reply
// gets the user's own values back, and a value the model made up is masked.
func TestPipelineSendsOnlyPseudonymsAndGuardsTheReply(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "veil.db"), bolt.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	kr, err := keyring.New(make([]byte, 32), st)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := anonymize.NewEngine(anonymize.EngineConfig{}, anonymize.DefaultAnalyzer(), st, kr)
	if err != nil {
		t.Fatal(err)
	}
	bot := dialogs.ExampleBot()
	var rs []rules.Rule
	for name, kw := range bot.Keywords() {
		rs = append(rs, rules.Rule{Intent: name, Keywords: kw})
	}
	parser, err := rules.New(rs)
	if err != nil {
		t.Fatal(err)
	}
	srv := openaitest.New(t)
	resp, err := llm.New(llm.Config{BaseURL: srv.URL, APIKey: srv.APIKey, Model: "m"}, st, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	runner := pipeline.NewRunner(zerolog.Nop(), pipeline.Options{},
		&stages.PII{Engine: eng},
		&stages.Route{NLU: parser, Dialogs: dialogs.NewEngine(bot, st, time.Hour, nil), Threshold: 0.5, Fallback: resp},
		&stages.Respond{Engine: eng},
		&stages.Record{Store: st, Retention: stages.Retention{UserText: time.Hour, BotText: time.Hour}})

	const (
		rawEmail = "kim.lee@example.net"
		rawWaID  = "447700900123"
		invented = "someone.else@evil.example"
	)
	newTurn := func(id, text string) *pipeline.Turn {
		return &pipeline.Turn{MessageID: id, UserID: rawWaID, Subject: "subj-k", LogID: "log-k", Conversation: "conv-k",
			Region: "GB", Language: "en", Kind: pipeline.KindText, Text: text}
	}

	// Turn 1: no intent matches, the LLM answers using the token.
	srv.HandleChat(func(r openaitest.Request) openaitest.Response {
		req, _ := r.Chat()
		tok := ""
		if last := req.Messages[len(req.Messages)-1].Content; strings.Contains(last, "<EMAIL_1>") {
			tok = "<EMAIL_1>"
		}
		return openaitest.Completion("I'll write the joke to " + tok + " and copy " + invented + ".")
	})
	t1 := newTurn("wamid.1", "tell me a joke and mail it to "+rawEmail)
	if err := runner.Run(ctx, t1); err != nil {
		t.Fatal(err)
	}
	if len(t1.Out) != 1 {
		t.Fatalf("out = %+v, want one reply", t1.Out)
	}
	out := t1.Out[0].Text
	if !strings.Contains(out, rawEmail) {
		t.Errorf("reply %q lacks the user's own email (re-identified from <EMAIL_1>)", out)
	}
	if strings.Contains(out, invented) {
		t.Errorf("reply %q carries an email the model made up: the output guard did not run", out)
	}

	// Turn 2: the recorded history goes along, pseudonymized.
	t2 := newTurn("wamid.2", "another one please")
	if err := runner.Run(ctx, t2); err != nil {
		t.Fatal(err)
	}
	reqs := srv.ChatRequests(t)
	if len(reqs) != 2 {
		t.Fatalf("chat requests = %d, want 2", len(reqs))
	}
	hist := reqs[1].Messages
	if len(hist) != 4 || !strings.Contains(hist[1].Content, "<EMAIL_1>") || hist[2].Role != "assistant" || hist[3].Content != "another one please" {
		t.Errorf("second request messages = %+v, want system, turn 1 (pseudonymized), its reply, turn 2", hist)
	}
	srv.AssertSent(t, "<EMAIL_1>")
	srv.AssertNoRaw(t, rawEmail, rawWaID, "subj-k", "conv-k")
}
