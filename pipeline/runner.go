package pipeline

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/rs/zerolog"
)

// DefaultFallback is sent when a stage fails before a reply was decided.
var DefaultFallback = Reply{Text: "Sorry, something went wrong on our side. Please try again in a moment."}

// Options configure a Runner.
type Options struct {
	Timeout  time.Duration // per-turn deadline; 0 = none beyond the caller's
	Fallback *Reply        // reply when a stage fails; nil = DefaultFallback
	Now      func() time.Time
}

// Runner passes turns through ordered stages. It is safe for concurrent use.
type Runner struct {
	stages []Stage
	opts   Options
	log    zerolog.Logger
}

// NewRunner builds a runner over stages, in order.
func NewRunner(log zerolog.Logger, opts Options, stages ...Stage) *Runner {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Runner{stages: stages, opts: opts, log: log}
}

// Stages returns the stage names in order.
func (r *Runner) Stages() []string {
	names := make([]string, len(r.stages))
	for i, s := range r.stages {
		names[i] = s.Name()
	}
	return names
}

// StageError is a stage's failure.
type StageError struct {
	Stage string
	Err   error
}

func (e *StageError) Error() string { return "stage " + e.Stage + ": " + e.Err.Error() }
func (e *StageError) Unwrap() error { return e.Err }

// ErrPanic marks a stage that panicked; the runner recovered it.
var ErrPanic = errors.New("panic")

// Run passes t through the stages. On a stage error it stops, logs the
// failure without content, and makes sure t.Out holds a reply (the
// fallback unless the response stage already produced one); it returns
// the *StageError.
func (r *Runner) Run(ctx context.Context, t *Turn) error {
	if r.opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.opts.Timeout)
		defer cancel()
	}
	for _, s := range r.stages {
		t.current = s.Name()
		start := r.opts.Now()
		err := r.process(ctx, s, t)
		if err == nil {
			err = ctx.Err()
		}
		d := r.opts.Now().Sub(start)
		t.Timings = append(t.Timings, StageTiming{Stage: s.Name(), Duration: d})
		if err != nil {
			r.log.Error().Str("stage", s.Name()).Str("msg_id", t.MessageID).Str("user", t.LogID).
				Dur("took", d).Err(err).Msg("stage failed")
			if len(t.Out) == 0 {
				fb := DefaultFallback
				if r.opts.Fallback != nil {
					fb = *r.opts.Fallback
				}
				t.Out = []Reply{fb}
			}
			return &StageError{Stage: s.Name(), Err: err}
		}
		if t.halted {
			break
		}
	}
	t.current = ""
	ev := r.log.Debug().Str("msg_id", t.MessageID).Str("user", t.LogID)
	for _, tm := range t.Timings {
		ev = ev.Dur(tm.Stage, tm.Duration)
	}
	ev.Msg("turn done")
	return nil
}

func (r *Runner) process(ctx context.Context, s Stage, t *Turn) (err error) {
	defer func() {
		if p := recover(); p != nil {
			// The panic value may hold content; log only the stack.
			r.log.Error().Str("stage", s.Name()).Bytes("stack", debug.Stack()).Msg("stage panicked")
			err = fmt.Errorf("%w in stage %s", ErrPanic, s.Name())
		}
	}()
	return s.Process(ctx, t)
}
