package eval

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/veilhq/veil/eval/internal/gate"
	"github.com/veilhq/veil/eval/nlueval"
	"github.com/veilhq/veil/nlu"
)

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func runNLU(ctx context.Context, args []string, env Env) (int, error) {
	fs := newFlagSet("nlu", env, "[flags] [CLINC150.json | FILE (5-fold CV) | DIR with train.* and test.*]  |  --train FILE --test FILE")
	var (
		trainPath   = fs.String("train", "", "training data: CLINC150 JSON, CSV/TSV (text,intent or a header such as text,category), JSON(L) {text,intent} or Rasa nlu.yml")
		testPath    = fs.String("test", "", "test data, same formats")
		trainSplits = fs.String("train-splits", strings.Join(nlueval.DefaultTrainSplits, ","), "CLINC150 splits used for training")
		testSplits  = fs.String("test-splits", strings.Join(nlueval.DefaultTestSplits, ","), "CLINC150 splits used for testing")
		cfgPath     = fs.String("config", "", "NLU configuration file passed to the trainer")
		folds       = fs.Int("folds", 0, "k-fold cross-validation on the training data instead of the test split (k ≥ 2)")
		seed        = fs.Int64("seed", 1, "seed for --folds and --limit sampling")
		limit       = fs.Int("limit", 0, "use at most N test examples (a seeded, stratified sample)")
		workers     = fs.Int("workers", 0, "test queries parsed in parallel (default: number of CPUs)")
		asJSON      = fs.Bool("json", false, "write the JSON report to stdout instead of the table")
		htmlPath    = fs.String("html", "", "write a self-contained HTML report to `FILE`")
		errPath     = fs.String("errors", "", "write misclassified queries as JSONL to `FILE`")
		minAcc      = fs.Float64("min-accuracy", -1, "gate: minimum accuracy")
		minIn       = fs.Float64("min-in-scope", -1, "gate: minimum in-scope accuracy")
		minOOS      = fs.Float64("min-oos-recall", -1, "gate: minimum out-of-scope recall")
		minMacro    = fs.Float64("min-macro-f1", -1, "gate: minimum macro F1")
		minF1       = fs.String("min-f1", "", "gate: minimum F1 per intent, `INTENT=0.9,...` (ALL = macro F1)")
		baseline    = fs.String("baseline", "", "compare with a previous --json report and fail on regressions")
		tolerance   = fs.Float64("tolerance", 0.01, "allowed drop against --baseline")
	)
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return ExitUsage, err
	}
	var intentGates []gate.Threshold
	if *minF1 != "" {
		if intentGates, err = gate.Parse(*minF1, true); err != nil {
			return ExitUsage, fmt.Errorf("--min-f1: %w", err)
		}
	}
	trS, teS := splitList(*trainSplits), splitList(*testSplits)
	if len(pos) == 1 && *trainPath == "" && *testPath == "" {
		if st, err := os.Stat(pos[0]); err == nil && st.IsDir() {
			tr, te, err := splitFiles(pos[0])
			if err != nil {
				return ExitUsage, err
			}
			if te == "" && *folds == 0 {
				*folds = DefaultNLUFolds
				fmt.Fprintf(env.Stderr, "note: %s has no test file; %d-fold cross-validation of %s\n", pos[0], *folds, filepath.Base(tr))
			}
			pos, *trainPath, *testPath = nil, tr, te
		}
	}
	switch {
	case len(pos) == 1 && *trainPath == "" && *testPath == "":
		*trainPath, *testPath = pos[0], pos[0]
		if *folds == 0 && !nlueval.HasSplits(pos[0]) {
			// One file without splits: scoring on the training data would
			// say nothing, so cross-validate.
			*folds = DefaultNLUFolds
			fmt.Fprintf(env.Stderr, "note: %s has no test split; %d-fold cross-validation (give --test FILE to score a test file)\n", pos[0], *folds)
		}
	case len(pos) == 0 && *trainPath != "" && (*testPath != "" || *folds > 1):
	default:
		fs.Usage()
		return ExitUsage, usagef("give one CLINC150 file, or --train and --test (or --train and --folds)")
	}
	if *folds == 1 || *folds < 0 {
		return ExitUsage, usagef("--folds must be at least 2")
	}
	var base *nlueval.Report
	if *baseline != "" {
		bf, err := os.Open(*baseline)
		if err != nil {
			return ExitUsage, fmt.Errorf("baseline: %w", err)
		}
		base, err = nlueval.ReadReport(bf)
		bf.Close()
		if err != nil {
			return ExitUsage, fmt.Errorf("baseline %s: %w", *baseline, err)
		}
	}
	train, err := nlueval.ReadFile(*trainPath, trS)
	if err != nil {
		return ExitUsage, err
	}
	var test []nlu.Example
	if *folds == 0 {
		if test, err = nlueval.ReadFile(*testPath, teS); err != nil {
			return ExitUsage, err
		}
		if *limit > 0 && *limit < len(test) {
			test = stratifiedSample(test, *limit, *seed)
		}
	}
	if env.NewTrainer == nil {
		return ExitUsage, fmt.Errorf("no NLU trainer configured")
	}
	newTrainer := func() (nlu.Trainer, error) { return env.NewTrainer(*cfgPath) }

	var rep *nlueval.Report
	if *folds > 1 {
		tick, done := progress(env, len(train), "nlu cv")
		rep, err = nlueval.CrossValidate(ctx, newTrainer, train, *folds, *seed, nlueval.Options{Workers: *workers, Progress: tick})
		done()
	} else {
		t, terr := newTrainer()
		if terr != nil {
			return ExitUsage, fmt.Errorf("trainer: %w", terr)
		}
		tick, done := progress(env, len(test), "nlu")
		rep, err = nlueval.Evaluate(ctx, t, train, test, nlueval.Options{Workers: *workers, Progress: tick})
		done()
	}
	if err != nil {
		return ExitUsage, err
	}
	files := []string{*trainPath}
	if *testPath != *trainPath && *testPath != "" {
		files = append(files, *testPath)
	}
	rep.Config.Files = files
	rep.Config.TrainSplits, rep.Config.TestSplits = trS, teS
	if *folds > 1 {
		rep.Config.TestSplits = nil
	}
	rep.Config.Limit = *limit

	if err := writeReports(env, rep, *asJSON, *errPath, *htmlPath); err != nil {
		return ExitUsage, err
	}

	var checks []gate.Check
	for _, g := range []struct {
		name  string
		limit float64
		got   float64
	}{
		{"accuracy", *minAcc, rep.Accuracy},
		{"in_scope_accuracy", *minIn, rep.InScopeAccuracy},
		{"oos_recall", *minOOS, rep.OOSRecall},
		{"macro_f1", *minMacro, rep.MacroF1},
	} {
		if g.limit >= 0 {
			c := gate.Check{Name: g.name, Got: g.got, Limit: g.limit}
			c.Missing = g.name == "oos_recall" && rep.OOSRecords == 0
			checks = append(checks, c)
		}
	}
	checks = append(checks, gate.Min(intentGates, "f1", rep.IntentF1)...)
	var deltas []gate.Delta
	if base != nil {
		if base.Records != rep.Records || strings.Join(base.Config.Files, ",") != strings.Join(rep.Config.Files, ",") {
			fmt.Fprintf(env.Stderr, "note: the baseline scored %d queries of %s; this run %d of %s\n",
				base.Records, strings.Join(base.Config.Files, ", "), rep.Records, strings.Join(rep.Config.Files, ", "))
		}
		deltas = gate.Compare(base.Metrics(), rep.Metrics(), nil, *tolerance)
		gate.WriteDeltas(env.Stderr, deltas)
	}
	if !gate.Report(env.Stderr, checks, deltas, *tolerance) {
		return ExitGateFailed, nil
	}
	return ExitOK, nil
}

// DefaultNLUFolds is the cross-validation used for a single data file
// without splits.
const DefaultNLUFolds = 5

// splitFiles finds a dataset directory's training and test files:
// train.EXT and test.EXT for the formats ReadFile knows (test may be
// missing).
func splitFiles(dir string) (train, test string, err error) {
	find := func(base string) string {
		for _, ext := range []string{".csv", ".tsv", ".jsonl", ".json", ".yml", ".yaml"} {
			p := filepath.Join(dir, base+ext)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p
			}
		}
		return ""
	}
	if train = find("train"); train == "" {
		return "", "", usagef("%s: no train.csv, train.jsonl, train.json or train.yml in the directory", dir)
	}
	return train, find("test"), nil
}

// stratifiedSample keeps n examples, about the same share of each intent.
func stratifiedSample(ex []nlu.Example, n int, seed int64) []nlu.Example {
	k := (len(ex) + n - 1) / n
	folds := nlueval.Folds(ex, k, seed)
	out := folds[0]
	if len(out) > n {
		out = out[:n]
	}
	return out
}
