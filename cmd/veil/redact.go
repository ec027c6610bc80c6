package main

import (
	"context"

	"github.com/veilhq/veil/anonymize/redactcmd"
)

func cmdRedact(ctx context.Context, args []string, io stdio) error {
	return redactcmd.Run(ctx, args, io.in, io.out, io.err)
}
