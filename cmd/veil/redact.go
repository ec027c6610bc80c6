package main

import (
	"context"
	"errors"
)

func cmdRedact(ctx context.Context, args []string, io stdio) error {
	return errors.New("redact: not in this build yet")
}
