package audit

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// ErrFindings is returned by Run with --fail when the report has findings.
// The command should exit with a non-zero status; the report was printed.
var ErrFindings = errors.New("audit: the report has findings")

// Env is what Run needs besides its arguments.
type Env struct {
	Auditor *Auditor
	Stdout  io.Writer
	Stderr  io.Writer // usage and flag errors; nil = io.Discard
}

// Run is `veil audit`. args are the arguments after "audit":
//
//	--json          print the report as JSON
//	--since WHEN    a duration back from now (720h, 30d) or a date
//	                (2026-01-02 or RFC 3339)
//	--sample N      references listed per finding (default 20)
//	--fail          return ErrFindings when there are findings (for CI)
func Run(ctx context.Context, args []string, env Env) error {
	if env.Auditor == nil {
		return errors.New("audit: no auditor")
	}
	stderr := env.Stderr
	if stderr == nil {
		stderr = io.Discard
	}
	fs := flag.NewFlagSet("veil audit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	sinceArg := fs.String("since", "", "report ledger events, transcripts and admin access from this time: a duration back from now (720h, 30d) or a date (2026-01-02, RFC 3339)")
	sample := fs.Int("sample", DefaultSample, "references listed per finding")
	fail := fs.Bool("fail", false, "exit non-zero when the report has findings")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("audit: unexpected argument %q", fs.Arg(0))
	}
	now := time.Now
	if env.Auditor.Now != nil {
		now = env.Auditor.Now
	}
	since, err := ParseSince(*sinceArg, now())
	if err != nil {
		return err
	}
	opts := Options{Since: since, Sample: *sample}
	if *sample == 0 {
		opts.Sample = -1
	}
	rep, err := env.Auditor.Report(ctx, opts)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		err = rep.WriteText(env.Stdout)
	}
	if err != nil {
		return fmt.Errorf("audit: write report: %w", err)
	}
	if *fail && rep.Findings > 0 {
		return ErrFindings
	}
	return nil
}

// ParseSince reads --since: empty (the beginning), a duration back from
// now ("720h", "90m", or whole days "30d"), a date "2006-01-02" (UTC
// midnight) or an RFC 3339 time.
func ParseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(days, "%d", &n); err == nil && n >= 0 && fmt.Sprint(n) == days {
			return now.AddDate(0, 0, -n), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d < 0 {
			return time.Time{}, fmt.Errorf("audit: --since %q: want a positive duration", s)
		}
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("audit: --since %q: want a duration (720h, 30d), a date (2026-01-02) or an RFC 3339 time", s)
}
