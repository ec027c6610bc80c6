package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/veilhq/veil/eval/conversations"
)

func TestQARunnerShippedSuitePasses(t *testing.T) {
	suite, err := conversations.ReadSuite(filepath.Join("..", "qa", "conversations.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	q, err := NewQARunner("")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := conversations.Run(context.Background(), suite, q, conversations.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Passed < 5 {
		for _, r := range rep.Results {
			t.Logf("%s: passed=%v %v %s", r.Name, r.Passed, r.Failures, r.Error)
		}
		t.Fatalf("shipped QA suite: %d passed, %d failed", rep.Passed, rep.Failed)
	}
}

// With the email recognizer off, the raw email reaches the intent model and
// the store: the privacy invariant must catch it.
func TestQARunnerCatchesLeaks(t *testing.T) {
	cfgPath := filepath.Join(t.TempDir(), "veil.yaml")
	if err := os.WriteFile(cfgPath, []byte("anonymize:\n  disabled_recognizers: ["+emailRecognizer()+"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	suite, err := conversations.ParseSuite([]byte(`conversations:
  - name: leak
    turns:
      - user: hi
      - button: consent:agree
      - user: my email is leak.me@example.com
        pii: [leak.me@example.com]
`), "leak.yaml")
	if err != nil {
		t.Fatal(err)
	}
	q, err := NewQARunner(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := conversations.Run(context.Background(), suite, q, conversations.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() {
		t.Fatal("a raw email reached the NLU and the store, and the suite passed")
	}
	msgs := ""
	for _, f := range rep.Results[0].Failures {
		msgs += f.Message + "\n"
	}
	for _, sink := range []string{"nlu", "store"} {
		if !strings.Contains(msgs, sink) {
			t.Errorf("failures do not name the %q sink:\n%s", sink, msgs)
		}
	}
}
