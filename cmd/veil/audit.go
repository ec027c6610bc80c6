package main

import (
	"context"
	"errors"
	"flag"

	"github.com/veilhq/veil/app"
	"github.com/veilhq/veil/audit"
)

// cmdAudit prints the compliance report; it exits 1 when --fail is given
// and the report has findings.
func cmdAudit(ctx context.Context, args []string, io stdio, getenv func(string) string) error {
	var cfgPath string
	var rest []string
	// --config is ours; everything else is the audit package's.
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--config" || a == "-config":
			if i+1 >= len(args) {
				return usageError{errors.New("--config needs a file")}
			}
			cfgPath = args[i+1]
			i++
		case len(a) > 9 && (a[:9] == "--config=" || a[:8] == "-config="):
			cfgPath = a[len("--config="):]
			if a[1] != '-' {
				cfgPath = a[len("-config="):]
			}
		default:
			rest = append(rest, a)
		}
	}
	cargs := []string{}
	if cfgPath != "" {
		cargs = append(cargs, "--config", cfgPath)
	}
	_, cfg, log, err := setup("audit", cargs, io, getenv, nil)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, log, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	au, err := a.Auditor()
	if err != nil {
		return err
	}
	err = audit.Run(ctx, rest, audit.Env{Auditor: au, Stdout: io.out, Stderr: io.err})
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}
