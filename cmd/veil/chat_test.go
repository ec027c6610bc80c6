package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func chat(t *testing.T, dataDir, input string, extra ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	args := append([]string{"chat"}, extra...)
	code := run(context.Background(), args, stdio{in: strings.NewReader(input), out: &out, err: &errOut},
		func(k string) string { return map[string]string{"VEIL_DATA_DIR": dataDir}[k] })
	return out.String(), errOut.String(), code
}

// blocks splits chat output into one reply block per input line.
func blocks(out string) []string {
	return strings.Split(strings.TrimSuffix(out, "\n\n"), "\n\n")
}

func TestChatScripted(t *testing.T) {
	dir := t.TempDir()
	input := strings.Join([]string{
		"hello",
		"1", // presses "I agree"
		"my email is Jane.Doe@Example.com, where is my order 12345678?",
		"hi",
		"opening hours", // the title of the second button of the greeting
		"MY DATA",
		"stop",
		"where is my order 12345678?",
	}, "\n") + "\n"
	out, errOut, code := chat(t, dir, input)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	bs := blocks(out)
	if len(bs) != 8 {
		t.Fatalf("want 8 reply blocks, got %d:\n%s", len(bs), out)
	}
	want := []string{
		"[1] I agree",
		"Thank you",
		"Jane.Doe@Example.com", // the user sees their own value
		"[2] Opening hours",
		"Monday to Friday",
		"email address ×1",
		"opted out",
		"[1] I agree", // after withdrawal: the notice again, nothing processed
	}
	for i, w := range want {
		if !strings.Contains(bs[i], w) {
			t.Errorf("block %d = %q, want %q", i+1, bs[i], w)
		}
	}
	if strings.Contains(bs[7], "12345678") {
		t.Errorf("a message after withdrawal was processed: %q", bs[7])
	}
	// What is stored is pseudonymized.
	db, err := os.ReadFile(filepath.Join(dir, "veil.db"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(bytes.ToLower(db), []byte("jane.doe@example.com")) {
		t.Error("the store holds the raw email")
	}
	if !bytes.Contains(db, []byte("<EMAIL_1>")) {
		t.Error("the store does not hold the pseudonymized message")
	}
	if strings.Contains(errOut, "Jane") || strings.Contains(errOut, "447700900123") {
		t.Errorf("logs carry PII: %s", errOut)
	}

	// State survives a restart: the user is still opted out.
	out, _, _ = chat(t, dir, "where is my order?\n")
	if !strings.Contains(out, "[1] I agree") {
		t.Errorf("after restart, want the notice again, got %q", out)
	}
}

func TestChatDeleteMyData(t *testing.T) {
	dir := t.TempDir()
	out, errOut, code := chat(t, dir, "hi\n1\nmy email is a.b@example.org\ndelete my data\n1\nMY DATA\n", "--user", "+34612345678")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	bs := blocks(out)
	if len(bs) != 6 || !strings.Contains(bs[3], "Erase now?") || !strings.Contains(bs[4], "erased") {
		t.Fatalf("unexpected conversation:\n%s", out)
	}
	if !strings.Contains(bs[5], "Messages kept (with personal details replaced): 0") || !strings.Contains(bs[5], "Personal details kept: none") {
		t.Errorf("after erasure MY DATA says %q", bs[5])
	}
}

func TestChatErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		code int
		want string
	}{
		{"ErrBadUser", []string{"chat", "--user", "bob"}, nil, 2, "--user"},
		{"ErrBadFlag", []string{"chat", "--nope"}, nil, 2, "flag provided but not defined"},
		{"ErrBadConfig", []string{"chat"}, map[string]string{"VEIL_ADDR": "x"}, 1, "addr (VEIL_ADDR)"},
		{"ErrUnknownCommand", []string{"dance"}, nil, 2, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"VEIL_DATA_DIR": t.TempDir()}
			for k, v := range tt.env {
				env[k] = v
			}
			var errOut bytes.Buffer
			code := run(context.Background(), tt.args, stdio{in: strings.NewReader(""), out: io.Discard, err: &errOut}, func(k string) string { return env[k] })
			if code != tt.code || !strings.Contains(errOut.String(), tt.want) {
				t.Fatalf("code %d, stderr %q; want %d and %q", code, errOut.String(), tt.code, tt.want)
			}
		})
	}
}

func TestNLUTrainThenChat(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "model.bin")
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"nlu", "train", "--out", model}, stdio{in: strings.NewReader(""), out: &out, err: &errOut}, func(string) string { return "" })
	if code != 0 || !strings.Contains(out.String(), "wrote "+model) {
		t.Fatalf("train: %d %s %s", code, out.String(), errOut.String())
	}
	// The saved model drives the chat.
	out.Reset()
	code = run(context.Background(), []string{"chat"}, stdio{in: strings.NewReader("hi\n1\nwhen do you open on saturday?\n"), out: &out, err: &errOut},
		func(k string) string {
			return map[string]string{"VEIL_DATA_DIR": filepath.Join(dir, "data"), "VEIL_NLU_MODEL": model}[k]
		})
	if code != 0 || !strings.Contains(out.String(), "Monday to Friday") {
		t.Fatalf("chat with the saved model: %d\n%s\n%s", code, out.String(), errOut.String())
	}
	// Bad inputs are clear errors.
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"nlu", "train"}, "--out is required"},
		{[]string{"nlu", "train", "--out", model, "--data", filepath.Join(dir, "missing.json")}, "missing.json"},
		{[]string{"nlu"}, "veil nlu train"},
	} {
		errOut.Reset()
		if code := run(context.Background(), tt.args, stdio{in: strings.NewReader(""), out: io.Discard, err: &errOut}, func(string) string { return "" }); code == 0 || !strings.Contains(errOut.String(), tt.want) {
			t.Errorf("%v: code %d, stderr %q", tt.args, code, errOut.String())
		}
	}
	// A corrupt model stops start-up with the file named.
	if err := os.WriteFile(model, []byte("not a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	errOut.Reset()
	code = run(context.Background(), []string{"chat"}, stdio{in: strings.NewReader("hi\n"), out: io.Discard, err: &errOut},
		func(k string) string {
			return map[string]string{"VEIL_DATA_DIR": filepath.Join(dir, "data"), "VEIL_NLU_MODEL": model}[k]
		})
	if code == 0 || !strings.Contains(errOut.String(), model) {
		t.Fatalf("corrupt model: %d %q", code, errOut.String())
	}
}

func TestAuditCommand(t *testing.T) {
	dir := t.TempDir()
	if _, errOut, code := chat(t, dir, "hi\n1\nmy email is aud.it@example.com\n"); code != 0 {
		t.Fatalf("chat: %s", errOut)
	}
	var out, errOut bytes.Buffer
	env := func(k string) string { return map[string]string{"VEIL_DATA_DIR": dir}[k] }
	code := run(context.Background(), []string{"audit", "--json"}, stdio{in: strings.NewReader(""), out: &out, err: &errOut}, env)
	if code != 0 {
		t.Fatalf("audit: %d %s", code, errOut.String())
	}
	var rep map[string]any
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("audit --json is not JSON: %v\n%s", err, out.String())
	}
	if _, ok := rep["record_of_processing"]; !ok {
		t.Errorf("no record of processing in %s", out.String())
	}
	if strings.Contains(out.String(), "aud.it@example.com") {
		t.Error("the audit report carries a raw value")
	}
	errOut.Reset()
	if code := run(context.Background(), []string{"audit", "--bogus"}, stdio{in: strings.NewReader(""), out: io.Discard, err: &errOut}, env); code == 0 {
		t.Errorf("audit --bogus exited 0: %s", errOut.String())
	}
}
