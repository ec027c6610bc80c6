package eval

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/veilhq/veil/eval/gen"
)

func runGen(_ context.Context, args []string, env Env) (int, error) {
	fs := newFlagSet("gen", env, "[flags] > messages.jsonl")
	var (
		n       = fs.Int("n", 100, "number of messages")
		seed    = fs.Int64("seed", 1, "random seed: the same seed gives the same messages")
		lang    = fs.String("lang", strings.Join(gen.Languages(), ","), "comma-separated languages ("+strings.Join(gen.Languages(), ", ")+")")
		rate    = fs.Float64("pii-rate", 0.5, "share of messages containing personal data, 0–1")
		noNoise = fs.Bool("clean", false, "no typos, emoji or lowercasing")
		out     = fs.String("o", "", "write to `FILE` instead of stdout")
	)
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return ExitUsage, err
	}
	if len(pos) > 0 {
		return ExitUsage, usagef("unexpected argument %q", pos[0])
	}
	if *n <= 0 {
		return ExitUsage, usagef("--n must be positive")
	}
	opts := gen.Options{N: *n, Seed: *seed, Langs: splitList(*lang), PIIRate: *rate, NoNoise: *noNoise}
	w := env.Stdout
	var f *os.File
	if *out != "" {
		if f, err = os.Create(*out); err != nil {
			return ExitUsage, err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriter(w)
	if err := gen.Write(bw, opts); err != nil {
		return ExitUsage, err
	}
	if err := bw.Flush(); err != nil {
		return ExitUsage, fmt.Errorf("write: %w", err)
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return ExitUsage, fmt.Errorf("write %s: %w", *out, err)
		}
	}
	return ExitOK, nil
}
