// Package eval is "veil eval": the numbers ML engineers tune Veil by and QA
// gates releases on. cmd/veil calls Main with the arguments after "eval"
// and an Env holding the real detector, NLU and pipeline.
//
// Sub-commands:
//
//	veil eval pii [flags] FILE...      score PII detection (package eval/pii)
//	veil eval nlu [flags] [FILE]       train and score intents (package eval/nlueval)
//	veil eval gen [flags]              synthetic labeled chat messages (package eval/gen)
//	veil eval conversations FILE.yaml  scripted end-to-end conversations
//
// # Workflow
//
// 1. Measure. Span-level scores use an IoU ≥ 0.9 between predicted and gold
// spans, F2 weighs recall 4× (a miss leaks, a false alarm only hides a
// word), and the leak rate is the fraction of gold PII characters that no
// predicted span covers. Shipped label maps (eval/labelmaps) are chosen
// from the file name; --label-map overrides.
//
//	veil eval pii ../shared/data/pii/presidio_synth_dataset_v2.json
//	veil eval pii --lang es ../shared/data/pii/meddocan_es_dev.jsonl
//	veil eval pii ../shared/data/pii/wnut17_dev.conll --html wnut.html --errors wnut.jsonl
//	veil eval nlu ../shared/data/intents/clinc150_data_full.json
//	veil eval nlu banking77_train.csv   # one file without splits: 5-fold cross-validation
//	veil eval nlu --train train.csv --test test.csv
//
// 2. Look at the errors. --errors writes every false positive, false
// negative and wrong-type match as JSONL with its context; --html writes one
// self-contained page (per-entity bars, confusion matrix, worst errors).
//
// 3. Keep a baseline and gate CI. --json writes the report; a later run with
// --baseline old.json fails (exit 1) when a metric drops by more than
// --tolerance; --min-f2 TYPE=0.9,ALL=0.9 and --max-leak 0.01 (pii),
// --min-accuracy, --min-in-scope and --min-oos-recall (nlu) are absolute
// floors:
//
//	veil eval pii --json data.json > base.json
//	veil eval pii --baseline base.json --min-f2 ALL=0.9,PERSON=0.85 --max-leak 0.02 data.json
//
// 4. Supplement, never replace, real data with synthetic messages:
//
//	veil eval gen --n 1000 --seed 7 --lang en,es > synth.jsonl
//	veil eval pii synth.jsonl
//
// 5. Run QA's scripted conversations end to end (package
// eval/conversations documents the YAML) and hand CI a JUnit file; a
// conversation fails on a wrong reply, intent or consent state, and on any
// raw PII value from a user turn observed by the LLM, the intent model, the
// logs or the store:
//
//	veil eval conversations --junit junit.xml qa/conversations.yaml
//
// # Wiring
//
// cmd/veil builds an Env from the configuration and calls Main:
//
//	a := anonymize.DefaultAnalyzer()
//	code := eval.Main(ctx, os.Args[2:], eval.Env{
//		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
//		IsTerminal: term.IsTerminal(int(os.Stderr.Fd())),
//		NewDetector: func(lang string) (func(string) []anonymize.Span, error) {
//			return func(t string) []anonymize.Span { return a.Analyze(t, anonymize.WithLanguage(lang)) }, nil
//		},
//		NewTrainer: func(cfg string) (nlu.Trainer, error) { return classifier.New(classifier.DefaultConfig()), nil },
//	})
//
// Exit status: 0 ok, 1 a gate failed (the failed gates are listed on
// stderr), 2 bad flags or data (the message names file, line and problem).
package eval
