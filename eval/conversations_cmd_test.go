package eval

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/veilhq/veil/anonymize"
	"github.com/veilhq/veil/eval/conversations"
)

// echoRunner opts every user in and echoes the redacted text; its "LLM"
// sees the redacted text, or the raw text when leak is set.
type echoRunner struct{ leak bool }

type echoSession struct {
	leak bool
	llm  []string
}

func (e echoRunner) Start(context.Context, conversations.ConversationInfo) (conversations.Session, error) {
	return &echoSession{leak: e.leak}, nil
}

func (s *echoSession) Send(_ context.Context, m conversations.Message) (conversations.TurnResult, error) {
	red := testEmailRE.ReplaceAllString(m.Text, "<EMAIL_1>")
	if s.leak {
		s.llm = append(s.llm, m.Text)
	} else {
		s.llm = append(s.llm, red)
	}
	return conversations.TurnResult{Replies: []string{"ok: " + red}, Intent: "echo", Consent: conversations.ConsentOptedIn}, nil
}

func (s *echoSession) Observed(context.Context) (map[string][]string, error) {
	return map[string][]string{"llm": s.llm}, nil
}

func (s *echoSession) Close(context.Context) error { return nil }

const echoSuite = `conversations:
  - name: echo with e-mail
    turns:
      - user: mail me at bo@x.io
        pii: [bo@x.io]
        expect: {intent: echo, consent: opted_in, reply_contains: ["<EMAIL_1>"]}
  - name: wrong intent
    turns:
      - user: hi
        expect: {intent: greet}
`

func TestConversationsCommand(t *testing.T) {
	suite := writeTemp(t, "suite.yaml", echoSuite)
	run := func(leak bool, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		env := Env{Stdout: &out, Stderr: &errb,
			NewConversationRunner: func(context.Context, string) (ConversationRunner, error) { return echoRunner{leak: leak}, nil },
			NewDetector:           func(string) (func(string) []anonymize.Span, error) { return emailOnly, nil },
		}
		code := Main(context.Background(), append([]string{"conversations"}, args...), env)
		return code, out.String(), errb.String()
	}
	code, out, errb := run(false, "--run", "e-mail", suite)
	if code != ExitOK || !strings.Contains(out, "PASS  echo with e-mail") || !strings.Contains(out, "1 passed, 0 failed") {
		t.Errorf("exit %d\n%s%s", code, out, errb)
	}
	junit := filepath.Join(t.TempDir(), "junit.xml")
	code, out, _ = run(true, suite, "--junit", junit, "--detect-pii")
	if code != ExitGateFailed {
		t.Errorf("exit %d, want 1", code)
	}
	for _, want := range []string{"FAIL  echo with e-mail", "privacy: raw pii from turn 1", "privacy: raw detected pii from turn 1", "FAIL  wrong intent", `intent "echo", want "greet"`, "0 passed, 2 failed"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	x, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(x), `<testsuites name="veil eval conversations" tests="2" failures="2"`) {
		t.Errorf("junit:\n%s", x)
	}
	if code, _, errb := run(false, writeTemp(t, "bad.yaml", "conversations:\n  - name: a\n    turns: [{usr: x}]\n")); code != ExitUsage || !strings.Contains(errb, "bad.yaml") {
		t.Errorf("bad suite: exit %d %s", code, errb)
	}
	if code, _, _ := run(false); code != ExitUsage {
		t.Errorf("no file: exit %d", code)
	}
	var errBuf bytes.Buffer
	if code := Main(context.Background(), []string{"conversations", suite}, Env{Stderr: &errBuf}); code != ExitUsage || !strings.Contains(errBuf.String(), "no conversation runner") {
		t.Errorf("no runner: exit %d %s", code, errBuf.String())
	}
}
