package pipeline

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

func stage(name string, fn func(ctx context.Context, t *Turn) error) Stage {
	return StageFunc{StageName: name, Fn: fn}
}

func appendText(name string) Stage {
	return stage(name, func(_ context.Context, t *Turn) error {
		t.Redacted += name + ";"
		return nil
	})
}

func TestRunner(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name       string
		stages     []Stage
		timeout    time.Duration
		wantErr    error
		wantStage  string // failing stage
		wantTrace  string // t.Redacted
		wantOut    string // first Out text
		wantHalted string
	}{
		{
			name:      "OK all stages in order",
			stages:    []Stage{appendText("a"), appendText("b"), appendText("c")},
			wantTrace: "a;b;c;",
		},
		{
			name: "OK halt skips the rest",
			stages: []Stage{appendText("a"), stage("gate", func(_ context.Context, t *Turn) error {
				t.Halt(Reply{Text: "notice"})
				return nil
			}), appendText("c")},
			wantTrace:  "a;",
			wantOut:    "notice",
			wantHalted: "gate",
		},
		{
			name:      "ErrStage gives fallback and stops",
			stages:    []Stage{appendText("a"), stage("bad", func(context.Context, *Turn) error { return boom }), appendText("c")},
			wantErr:   boom,
			wantStage: "bad",
			wantTrace: "a;",
			wantOut:   DefaultFallback.Text,
		},
		{
			name: "ErrPanic is recovered",
			stages: []Stage{stage("panics", func(context.Context, *Turn) error {
				var m map[string]int
				m["x"] = 1 // nil map write
				return nil
			}), appendText("after")},
			wantErr:   ErrPanic,
			wantStage: "panics",
			wantOut:   DefaultFallback.Text,
		},
		{
			name: "ErrAfterReply keeps the reply",
			stages: []Stage{stage("respond", func(_ context.Context, t *Turn) error {
				t.Out = []Reply{{Text: "real answer"}}
				return nil
			}), stage("record", func(context.Context, *Turn) error { return boom })},
			wantErr:   boom,
			wantStage: "record",
			wantOut:   "real answer",
		},
		{
			name:    "ErrDeadline stops a slow stage",
			timeout: 20 * time.Millisecond,
			stages: []Stage{stage("slow", func(ctx context.Context, _ *Turn) error {
				<-ctx.Done()
				return ctx.Err()
			}), appendText("never")},
			wantErr:   context.DeadlineExceeded,
			wantStage: "slow",
			wantOut:   DefaultFallback.Text,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			r := NewRunner(zerolog.New(&logs), Options{Timeout: tt.timeout}, tt.stages...)
			turn := &Turn{MessageID: "wamid.1", Text: "secret text jane@example.com"}
			err := r.Run(context.Background(), turn)
			if tt.wantErr == nil && err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				var se *StageError
				if !errors.As(err, &se) || se.Stage != tt.wantStage {
					t.Fatalf("want StageError from %q, got %v", tt.wantStage, err)
				}
			}
			if turn.Redacted != tt.wantTrace {
				t.Errorf("trace = %q, want %q", turn.Redacted, tt.wantTrace)
			}
			got := ""
			if len(turn.Out) > 0 {
				got = turn.Out[0].Text
			}
			if got != tt.wantOut {
				t.Errorf("out = %q, want %q", got, tt.wantOut)
			}
			if h, by := turn.Halted(); (tt.wantHalted != "") != h || by != tt.wantHalted {
				t.Errorf("halted = %v by %q, want %q", h, by, tt.wantHalted)
			}
			if strings.Contains(logs.String(), "jane@example.com") || strings.Contains(logs.String(), "secret text") {
				t.Errorf("logs carry message content: %s", logs.String())
			}
			// Every stage that ran is timed.
			if len(turn.Timings) == 0 {
				t.Error("no stage timings recorded")
			}
		})
	}
}

func TestRunnerTimesEachStage(t *testing.T) {
	now := time.Unix(0, 0)
	clock := func() time.Time { now = now.Add(5 * time.Millisecond); return now }
	r := NewRunner(zerolog.Nop(), Options{Now: clock}, appendText("a"), appendText("b"))
	turn := &Turn{}
	if err := r.Run(context.Background(), turn); err != nil {
		t.Fatal(err)
	}
	if len(turn.Timings) != 2 || turn.Timings[0].Stage != "a" || turn.Timings[1].Duration != 5*time.Millisecond {
		t.Fatalf("timings = %+v", turn.Timings)
	}
	if got := r.Stages(); strings.Join(got, ",") != "a,b" {
		t.Fatalf("stages = %v", got)
	}
}
