package pipeline

import "context"

// Stage does one job on a turn.
//
// Process may read and change t, may call t.Halt to end the turn with a
// final reply, and returns an error only when the stage could not do its
// job (the runner then answers with its fallback reply). It must honour
// ctx's deadline and must not keep t after returning.
type Stage interface {
	Name() string
	Process(ctx context.Context, t *Turn) error
}

// StageFunc adapts a function to a Stage.
type StageFunc struct {
	StageName string
	Fn        func(ctx context.Context, t *Turn) error
}

func (s StageFunc) Name() string                               { return s.StageName }
func (s StageFunc) Process(ctx context.Context, t *Turn) error { return s.Fn(ctx, t) }

var _ Stage = StageFunc{}
