package redactcmd

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func run(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := Run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestRunLines(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		stdin string
		want  string
	}{
		{"replace default", nil, "mail ana@example.com\n\nno pii\n", "mail <EMAIL_ADDRESS>\n\nno pii\n"},
		{"no trailing newline", nil, "call +34 612 34 56 78", "call <PHONE_NUMBER>\n"},
		{"pseudonymize consistent across lines", []string{"--operator", "pseudonymize"},
			"a@example.com b@example.com\nA@EXAMPLE.COM\n", "<EMAIL_1> <EMAIL_2>\n<EMAIL_1>\n"},
		{"mask keep", []string{"--operator", "mask", "--keep", "2"}, "card 4111 1111 1111 1111\n", "card **** **** **** **11\n"},
		{"redact", []string{"--operator", "redact"}, "x ana@example.com y\n", "x  y\n"},
		{"per type operators", []string{"--operator", "redact,EMAIL_ADDRESS=replace,PHONE_NUMBER=mask", "--keep", "2"},
			"ana@example.com +34 612 34 56 78 4111 1111 1111 1111\n", "<EMAIL_ADDRESS> +** *** ** ** 78 \n"},
		{"spanish region from number", []string{"--lang", "es", "--region", "34600000000"}, "llámame al 612345678\n", "llámame al <PHONE_NUMBER>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, stderr, err := run(t, tt.stdin, tt.args...)
			if err != nil {
				t.Fatalf("Run: %v (stderr %q)", err, stderr)
			}
			if got != tt.want {
				t.Errorf("output %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRunJSON(t *testing.T) {
	in := "mail ana@example.com\n"
	got, _, err := run(t, in, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var line lineOut
	if err := json.Unmarshal([]byte(got), &line); err != nil {
		t.Fatalf("output %q is not JSON: %v", got, err)
	}
	if line.Text != "mail <EMAIL_ADDRESS>" || len(line.Spans) != 1 {
		t.Fatalf("got %+v", line)
	}
	s := line.Spans[0]
	if s.Type != "EMAIL_ADDRESS" || in[s.Start:s.End] != "ana@example.com" || s.Recognizer != "email" || s.Score <= 0 {
		t.Errorf("span %+v", s)
	}
}

func TestRunJSONL(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "in.jsonl")
	if err := os.WriteFile(path, []byte(`{"id":7,"msg":"soy Ana, ana@example.com"}`+"\n\n"+`{"id":8,"msg":"nada"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, _, err := run(t, "", "--jsonl", "--field", "msg", "--json", path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(got), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines: %q", len(lines), got)
	}
	var first struct {
		ID    int       `json:"id"`
		Msg   string    `json:"msg"`
		Spans []spanOut `json:"spans"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.ID != 7 || strings.Contains(first.Msg, "ana@") || !strings.Contains(first.Msg, "<EMAIL_ADDRESS>") || len(first.Spans) == 0 {
		t.Errorf("first line %+v", first)
	}
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		stdin string
	}{
		{"unknown operator", []string{"--operator", "shred"}, ""},
		{"unknown per-type operator", []string{"--operator", "PERSON=shred"}, ""},
		{"unknown flag", []string{"--nope"}, ""},
		{"unknown language", []string{"--lang", "fr"}, ""},
		{"missing file", []string{"/nonexistent/file"}, ""},
		{"bad jsonl", []string{"--jsonl"}, "{not json}\n"},
		{"jsonl without field", []string{"--jsonl"}, `{"x":"y"}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := run(t, tt.stdin, tt.args...); err == nil {
				t.Error("Run succeeded, want an error")
			}
		})
	}
}

func TestRunInvalidUTF8(t *testing.T) {
	got, _, err := run(t, "a\xffb ana@example.com\n")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(got, "ana@") || !strings.Contains(got, "<EMAIL_ADDRESS>") {
		t.Errorf("got %q", got)
	}
}
