package eval

import (
	"context"
	"fmt"
	"io"
	"regexp"

	"github.com/veilhq/veil/eval/conversations"
)

// ConversationRunner runs scripted conversations through the real pipeline;
// see package eval/conversations for the contract.
type ConversationRunner = conversations.Runner

func runConversations(ctx context.Context, args []string, env Env) (int, error) {
	fs := newFlagSet("conversations", env, "[flags] SUITE.yaml...")
	var (
		cfgPath   = fs.String("config", "", "Veil configuration for the pipeline under test")
		junitPath = fs.String("junit", "", "write JUnit XML to `FILE`")
		asJSON    = fs.Bool("json", false, "write the JSON report to stdout instead of the table")
		run       = fs.String("run", "", "only conversations whose name matches this `regexp`")
		detect    = fs.Bool("detect-pii", false, "also protect what the PII detector finds in user turns, besides each turn's pii list")
		lang      = fs.String("lang", "en", "language for --detect-pii")
	)
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return ExitUsage, err
	}
	if len(files) == 0 {
		fs.Usage()
		return ExitUsage, usagef("no suite file given")
	}
	opts := conversations.Options{}
	if *run != "" {
		if opts.Filter, err = regexp.Compile(*run); err != nil {
			return ExitUsage, fmt.Errorf("--run: %w", err)
		}
	}
	if *detect {
		if env.NewDetector == nil {
			return ExitUsage, fmt.Errorf("--detect-pii: no PII detector configured")
		}
		d, err := env.NewDetector(*lang)
		if err != nil {
			return ExitUsage, fmt.Errorf("detector: %w", err)
		}
		opts.ExtraPII = func(text string) []string {
			var out []string
			for _, s := range d(text) {
				if s.Start >= 0 && s.End <= len(text) && s.Start < s.End {
					out = append(out, text[s.Start:s.End])
				}
			}
			return out
		}
	}
	var suites []*conversations.Suite
	total := 0
	for _, f := range files {
		s, err := conversations.ReadSuite(f)
		if err != nil {
			return ExitUsage, err
		}
		suites = append(suites, s)
		total += len(s.Conversations)
	}
	if env.NewConversationRunner == nil {
		return ExitUsage, fmt.Errorf("no conversation runner configured")
	}
	runner, err := env.NewConversationRunner(ctx, *cfgPath)
	if err != nil {
		return ExitUsage, fmt.Errorf("runner: %w", err)
	}
	if c, ok := runner.(io.Closer); ok {
		defer c.Close()
	}
	tick, done := progress(env, total, "conversations")
	opts.Progress = tick
	var reports []*conversations.Report
	for _, s := range suites {
		rep, err := conversations.Run(ctx, s, runner, opts)
		if err != nil {
			done()
			return ExitUsage, err
		}
		reports = append(reports, rep)
	}
	done()
	merged := conversations.Merge(reports...)
	if *asJSON {
		err = merged.WriteJSON(env.Stdout)
	} else {
		err = merged.WriteTable(env.Stdout)
	}
	if err != nil {
		return ExitUsage, err
	}
	if *junitPath != "" {
		if err := writeFile(*junitPath, merged.WriteJUnit); err != nil {
			return ExitUsage, err
		}
	}
	if !merged.OK() {
		return ExitGateFailed, nil
	}
	return ExitOK, nil
}
