// Command veil runs Veil: `veil chat` in the terminal, `veil serve` for the
// WhatsApp webhook, and the tools around them (eval, redact, purge,
// migrate). Run `veil help` for the list.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr}, os.Getenv)
	stop()
	os.Exit(code)
}
