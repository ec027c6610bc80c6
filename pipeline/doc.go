// Package pipeline passes one conversational turn through ordered stages:
// consent gate → PII pseudonymization → routing → response
// (re-identification) → minimal-retention record.
//
// A Stage does one job on a *Turn. A stage may Halt the turn with a final
// reply (the consent gate does for users who have not opted in); the
// Runner then skips the remaining stages. The Runner times every stage,
// applies the turn's deadline and turns a stage's error or panic into a
// safe canned reply, so one bad stage never crashes the process.
//
//	r := pipeline.NewRunner(logger, pipeline.Options{Timeout: 10 * time.Second},
//		gate, pii, router, responder, recorder)
//	err := r.Run(ctx, turn) // turn.Out holds the replies to send
package pipeline
