package main

import (
	"context"
	"fmt"
)

func cmdEval(ctx context.Context, args []string, io stdio) int {
	fmt.Fprintln(io.err, "veil eval: not in this build yet")
	return 2
}
