package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/rs/zerolog"
	"golang.org/x/term"

	"github.com/veilhq/veil/app"
	"github.com/veilhq/veil/config"
	"github.com/veilhq/veil/logging"
)

type stdio struct {
	in       io.Reader
	out, err io.Writer
}

const usage = `veil — privacy-first conversational pipeline for WhatsApp

Usage:
  veil chat    [--config FILE] [--user NUMBER] [--pretty]   talk to the assistant in the terminal
  veil serve   [--config FILE] [--pretty]                   serve the WhatsApp webhook
  veil purge   [--config FILE]                              delete everything past its retention
  veil migrate [--config FILE] up|status                    PostgreSQL schema migrations
  veil audit   [--config FILE] [--json] [--since 30d] [--fail]  compliance report
  veil redact  [flags] [FILE...]                            pseudonymize text from stdin or files
  veil nlu train [--bot FILE | --data FILE] --out FILE       train the local intent classifier
  veil eval    pii|nlu|gen|conversations [flags]            measure accuracy (veil eval -h)
  veil version

Configuration: a YAML file (--config or VEIL_CONFIG) and VEIL_* environment
variables, which win. With no VEIL_DATABASE_URL, data lives in an embedded
file store under VEIL_DATA_DIR (default ./veil-data).
`

var version = "dev"

// run is main without the process: tests call it.
func run(ctx context.Context, args []string, io stdio, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(io.err, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "chat":
		err = cmdChat(ctx, args[1:], io, getenv)
	case "serve":
		err = cmdServe(ctx, args[1:], io, getenv)
	case "purge":
		err = cmdPurge(ctx, args[1:], io, getenv)
	case "migrate":
		err = cmdMigrate(ctx, args[1:], io, getenv)
	case "redact":
		err = cmdRedact(ctx, args[1:], io)
	case "audit":
		err = cmdAudit(ctx, args[1:], io, getenv)
	case "nlu":
		err = cmdNLU(ctx, args[1:], io)
	case "eval":
		return cmdEval(ctx, args[1:], io)
	case "version", "--version":
		fmt.Fprintln(io.out, "veil", version)
	case "help", "-h", "--help":
		fmt.Fprint(io.out, usage)
	default:
		fmt.Fprintf(io.err, "veil: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(io.err, "veil %s: %v\n", args[0], err)
		var u usageError
		if errors.As(err, &u) {
			return 2
		}
		return 1
	}
	return 0
}

type usageError struct{ error }

// common are the flags every pipeline command takes.
type common struct {
	config string
	pretty bool
}

func (c *common) register(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&c.config, "config", getenv("VEIL_CONFIG"), "YAML config file (env VEIL_CONFIG)")
	fs.BoolVar(&c.pretty, "pretty", false, "human-readable console logs instead of JSON")
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	return nil
}

// setup parses a pipeline command's flags (the common ones, plus what
// extra registers), then loads the configuration and builds the logger.
func setup(name string, args []string, io stdio, getenv func(string) string, extra func(fs *flag.FlagSet)) (*flag.FlagSet, config.Config, zerolog.Logger, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	var c common
	c.register(fs, getenv)
	if extra != nil {
		extra(fs)
	}
	if err := parseFlags(fs, args); err != nil {
		return fs, config.Config{}, zerolog.Nop(), err
	}
	cfg, log, err := c.load(getenv, io.err)
	return fs, cfg, log, err
}

// load reads the configuration and builds the logger.
func (c *common) load(getenv func(string) string, logTo io.Writer) (config.Config, zerolog.Logger, error) {
	cfg, err := config.Load(c.config, getenv)
	if err != nil {
		return cfg, zerolog.Nop(), err
	}
	if c.pretty {
		cfg.Log.Pretty = true
	}
	return cfg, logging.New(logTo, cfg.Log.Level, cfg.Log.Pretty), nil
}

// openApp builds the App on the configured store.
func openApp(ctx context.Context, cfg config.Config, log zerolog.Logger, opts app.Options) (*app.App, error) {
	if cfg.Embedded() {
		if err := app.EnsureDataDir(cfg.DataDir); err != nil {
			return nil, err
		}
	}
	return app.New(ctx, cfg, log, opts)
}

func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func trimLine(s string) string { return strings.TrimRight(s, "\r\n") }
