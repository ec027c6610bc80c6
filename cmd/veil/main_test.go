package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"testing"
)

// runAsVeil makes the test binary act as the veil command when a test
// starts it as a child process, so tests can run real `veil serve`
// processes (and kill them) without building another binary.
const runAsVeil = "VEIL_TEST_RUN_AS_VEIL"

func TestMain(m *testing.M) {
	if os.Getenv(runAsVeil) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr}, os.Getenv)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}
