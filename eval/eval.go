package eval

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/schollz/progressbar/v3"

	"github.com/veilhq/veil/anonymize"
	"github.com/veilhq/veil/nlu"
)

// Exit codes returned by Main.
const (
	ExitOK         = 0 // every gate passed (or none was set)
	ExitGateFailed = 1 // a --min-*/--max-* threshold or the baseline failed
	ExitUsage      = 2 // bad flags, unreadable or invalid data, detector errors
)

// Env is what Main needs from the process and from the rest of Veil.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// IsTerminal is true when Stderr is a terminal; the progress bar is
	// drawn only then.
	IsTerminal bool
	// NewDetector builds the PII detector for a language ("en", "es"). The
	// returned func must be safe for concurrent use and return byte offsets.
	NewDetector func(lang string) (func(text string) []anonymize.Span, error)
	// NewTrainer builds the configured local NLU; cfgPath may be "" (the
	// default configuration). Each call must return a fresh, untrained
	// Trainer: cross-validation trains one per fold.
	NewTrainer func(cfgPath string) (nlu.Trainer, error)
	// NewConversationRunner builds what runs `eval conversations` scripts
	// through the real pipeline; cfgPath may be "".
	NewConversationRunner func(ctx context.Context, cfgPath string) (ConversationRunner, error)
}

func (e *Env) defaults() {
	if e.Stdin == nil {
		e.Stdin = os.Stdin
	}
	if e.Stdout == nil {
		e.Stdout = io.Discard
	}
	if e.Stderr == nil {
		e.Stderr = io.Discard
	}
}

const usage = `usage: veil eval <command> [flags] [files]

commands:
  pii            score the PII detector on labeled data (JSONL, presidio-research JSON, CoNLL)
  nlu            train and score the local NLU on intent data (CLINC150 JSON, CSV/TSV, JSON(L), Rasa YAML)
  gen            write synthetic WhatsApp-style labeled messages (canonical JSONL)
  conversations  run scripted conversations (YAML) through the pipeline

Run "veil eval <command> -h" for its flags. Exit status: 0 ok, 1 a gate failed, 2 usage or data error.
`

// Main runs "veil eval" with args (the words after "eval") and returns the
// process exit code.
func Main(ctx context.Context, args []string, env Env) int {
	env.defaults()
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return ExitUsage
	}
	var err error
	code := ExitOK
	switch args[0] {
	case "pii":
		code, err = runPII(ctx, args[1:], env)
	case "nlu":
		code, err = runNLU(ctx, args[1:], env)
	case "gen":
		code, err = runGen(ctx, args[1:], env)
	case "conversations", "conv":
		code, err = runConversations(ctx, args[1:], env)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(env.Stdout, usage)
		return ExitOK
	default:
		fmt.Fprintf(env.Stderr, "veil eval: unknown command %q\n\n%s", args[0], usage)
		return ExitUsage
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		fmt.Fprintf(env.Stderr, "veil eval %s: %v\n", args[0], err)
		return ExitUsage
	}
	return code
}

// usageError marks errors in the command line (as opposed to the data).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// parseInterleaved parses flags that may appear after positional arguments
// ("veil eval pii data.json --json").
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func newFlagSet(name string, env Env, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("veil eval "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "usage: veil eval %s %s\n\nflags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// progress returns a tick func and a finish func; both are no-ops unless
// env.IsTerminal.
func progress(env Env, n int, what string) (func(), func()) {
	if !env.IsTerminal || n <= 0 {
		return func() {}, func() {}
	}
	bar := progressbar.NewOptions(n,
		progressbar.OptionSetWriter(env.Stderr),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rec"),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionClearOnFinish(),
	)
	return func() { _ = bar.Add(1) }, func() { _ = bar.Finish() }
}

// writeFile creates path and runs write on it.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func lowerTrim(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// report is what the pii and nlu reports both write.
type report interface {
	WriteJSON(w io.Writer) error
	WriteTable(w io.Writer) error
	WriteErrors(w io.Writer) error
	WriteHTML(w io.Writer) error
}

// writeReports writes the table (or JSON) to stdout, and the errors and
// HTML files when asked for.
func writeReports(env Env, rep report, asJSON bool, errPath, htmlPath string) error {
	write := rep.WriteTable
	if asJSON {
		write = rep.WriteJSON
	}
	if err := write(env.Stdout); err != nil {
		return err
	}
	if errPath != "" {
		if err := writeFile(errPath, rep.WriteErrors); err != nil {
			return err
		}
	}
	if htmlPath != "" {
		if err := writeFile(htmlPath, rep.WriteHTML); err != nil {
			return err
		}
	}
	return nil
}
