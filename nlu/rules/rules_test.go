package rules

import (
	"context"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	p, err := New([]Rule{
		{Intent: "order_status", Keywords: []string{"order", "package", "where is my"}},
		{Intent: "opening_hours", Keywords: []string{"open", "hours"}},
		{Intent: "greet", Keywords: []string{"hi", "hello"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text     string
		want     string
		wantConf float64 // minimum top confidence
	}{
		{"Where is my ORDER?", "order_status", 0.8},
		{"are you open today", "opening_hours", 0.6},
		{"hello, where is my package", "order_status", 0.5},
		{"ordering", "", 0}, // whole words only
		{"my email is <EMAIL_1>", "", 0},
		{"", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			res, err := p.Parse(context.Background(), tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Top().Name; got != tt.want {
				t.Fatalf("top = %q, want %q (%+v)", got, tt.want, res.Intents)
			}
			if tt.want != "" && res.Top().Confidence < tt.wantConf {
				t.Errorf("confidence %.2f < %.2f", res.Top().Confidence, tt.wantConf)
			}
			for i := 1; i < len(res.Intents); i++ {
				if res.Intents[i].Confidence > res.Intents[i-1].Confidence {
					t.Errorf("not ranked: %+v", res.Intents)
				}
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name  string
		rules []Rule
		want  string
	}{
		{"ErrNoIntent", []Rule{{Keywords: []string{"x"}}}, "no intent"},
		{"ErrDuplicate", []Rule{{Intent: "a", Keywords: []string{"x"}}, {Intent: "a", Keywords: []string{"y"}}}, "twice"},
		{"ErrNoKeywords", []Rule{{Intent: "a"}}, "no keywords"},
		{"ErrEmptyKeyword", []Rule{{Intent: "a", Keywords: []string{" ! "}}}, "empty keyword"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.rules)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestParseCancelled(t *testing.T) {
	p, _ := New([]Rule{{Intent: "a", Keywords: []string{"x"}}})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Parse(ctx, "x"); err == nil {
		t.Fatal("want context error")
	}
}
