package eval

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGenCommand(t *testing.T) {
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := Main(context.Background(), append([]string{"gen"}, args...), Env{Stdout: &out, Stderr: &errb})
		return code, out.String(), errb.String()
	}
	code, a, _ := run("--n", "50", "--seed", "9", "--lang", "es", "--pii-rate", "1")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(a), "\n")
	if len(lines) != 50 {
		t.Errorf("lines = %d", len(lines))
	}
	for _, l := range lines {
		if !strings.Contains(l, `"lang":"es"`) || strings.Contains(l, `"spans":[]`) {
			t.Errorf("line %s: want Spanish with PII", l)
		}
	}
	if _, b, _ := run("--n", "50", "--seed", "9", "--lang", "es", "--pii-rate", "1"); b != a {
		t.Error("not reproducible")
	}
	// The output is valid input for eval pii.
	p := filepath.Join(t.TempDir(), "g.jsonl")
	if code, _, _ := run("--n", "30", "-o", p); code != ExitOK {
		t.Fatalf("-o: exit %d", code)
	}
	env, out, errb := detectorEnv(emailOnly)
	if code := Main(context.Background(), []string{"pii", p}, env); code != ExitOK {
		t.Fatalf("pii on generated data: exit %d %s", code, errb)
	}
	if !strings.Contains(out.String(), "records 30") {
		t.Errorf("pii table:\n%s", out)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]string{{"--lang", "fr"}, {"--pii-rate", "2"}, {"--n", "0"}, {"extra"}} {
		if code, _, _ := run(bad...); code != ExitUsage {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
}
