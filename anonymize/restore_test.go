package anonymize

import (
	"context"
	"strings"
	"testing"
)

func TestRestore(t *testing.T) {
	ctx := context.Background()
	e, err := NewEngine(EngineConfig{}, DefaultAnalyzer(), newFakeVault(), newFakeSealer(t))
	if err != nil {
		t.Fatal(err)
	}
	a := Conversation{ID: "conv-a", Subject: "subj-a", Region: "GB"}
	b := Conversation{ID: "conv-b", Subject: "subj-b", Region: "GB"}
	res, err := e.Anonymize(ctx, a, "write to ann@example.com")
	if err != nil || len(res.Tokens) != 1 {
		t.Fatalf("anonymize: %v %+v", err, res)
	}
	tok := res.Tokens[0]
	tests := []struct {
		name string
		conv Conversation
		text string
		want string
	}{
		{"own token restored", a, "Updates go to " + tok + " on Monday.", "Updates go to ann@example.com on Monday."},
		{"trusted text is not guarded", a, "We're open Monday to Friday, call +44 20 7946 0000.", "We're open Monday to Friday, call +44 20 7946 0000."},
		{"another conversation's token stays", b, "Updates go to " + tok, "Updates go to " + tok},
		{"unknown token stays", a, "Hi <PERSON_9>", "Hi <PERSON_9>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.Restore(ctx, tt.conv, tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
	// The guarded path still masks what is not the user's own.
	got, err := e.Reidentify(ctx, a, "mail "+tok+" or bob@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "ann@example.com") || strings.Contains(got, "bob@example.org") {
		t.Fatalf("Reidentify = %q", got)
	}
}
