package eval

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/veilhq/veil/eval/internal/gate"
	"github.com/veilhq/veil/eval/labelmaps"
	"github.com/veilhq/veil/eval/pii"
)

// autoLabelMap picks a shipped label map from a reference file's name.
func autoLabelMap(path string) string {
	base := strings.ToLower(filepath.Base(path))
	switch {
	case strings.Contains(base, "synth_dataset"), strings.HasPrefix(base, "presidio"):
		return "presidio_synth_dataset_v2"
	case strings.HasPrefix(base, "wnut17"):
		return "wnut17"
	case strings.HasPrefix(base, "meddocan"):
		return "meddocan"
	}
	return ""
}

// sampleIndexes picks n of total indexes with a seeded generator, in order.
func sampleIndexes(total, n int, seed int64) []int {
	r := rand.New(rand.NewPCG(uint64(seed), 0x7665696c))
	perm := r.Perm(total)[:n]
	keep := make([]bool, total)
	for _, i := range perm {
		keep[i] = true
	}
	out := make([]int, 0, n)
	for i, k := range keep {
		if k {
			out = append(out, i)
		}
	}
	return out
}

func runPII(ctx context.Context, args []string, env Env) (int, error) {
	fs := newFlagSet("pii", env, "[flags] FILE...")
	var (
		format    = fs.String("format", "auto", "data format: auto, jsonl (Veil canonical), presidio (presidio-research JSON) or conll (token<TAB>BIO tag)")
		labelMap  = fs.String("label-map", "auto", "JSON label map file or shipped map ("+strings.Join(labelmaps.Names(), ", ")+"); auto picks one from the file name; none keeps labels")
		lang      = fs.String("lang", "en", "language passed to the detector")
		iou       = fs.Float64("iou", 0.9, "minimum span IoU (code points) for a match")
		beta      = fs.Float64("beta", 2, "β of the reported F-β")
		limit     = fs.Int("limit", 0, "evaluate at most N records (after --sample)")
		sample    = fs.Int("sample", 0, "evaluate a random sample of N records (seeded by --seed)")
		seed      = fs.Int64("seed", 1, "seed for --sample")
		workers   = fs.Int("workers", 0, "records analysed in parallel (default: number of CPUs)")
		allTypes  = fs.Bool("all-types", false, "also score predicted types the data never labels (default: ignore them, as presidio-research)")
		addrBlock = fs.Bool("address-blocks", false, "score a postal address as one span however it is cut (adjacent STREET_ADDRESS/LOCATION pieces joined on both sides); default strict")
		asJSON    = fs.Bool("json", false, "write the JSON report to stdout instead of the table")
		htmlPath  = fs.String("html", "", "write a self-contained HTML report to `FILE`")
		errPath   = fs.String("errors", "", "write FP/FN/wrong-type errors as JSONL to `FILE`")
		minF1     = fs.String("min-f1", "", "gate: minimum span F1, `TYPE=0.9,...` (ALL = micro average)")
		minF2     = fs.String("min-f2", "", "gate: minimum span F2, `TYPE=0.9,...` (ALL = micro average)")
		minP      = fs.String("min-precision", "", "gate: minimum span precision, `TYPE=0.9,...`")
		minR      = fs.String("min-recall", "", "gate: minimum span recall, `TYPE=0.9,...`")
		maxLeak   = fs.Float64("max-leak", -1, "gate: maximum leak rate (fraction of gold PII characters left uncovered)")
		baseline  = fs.String("baseline", "", "compare with a previous --json report and fail on regressions")
		tolerance = fs.Float64("tolerance", 0.01, "allowed drop against --baseline")
	)
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return ExitUsage, err
	}
	if len(files) == 0 {
		fs.Usage()
		return ExitUsage, usagef("no data file given")
	}
	f, err := pii.ParseFormat(*format)
	if err != nil {
		return ExitUsage, err
	}
	if *iou <= 0 || *iou > 1 {
		return ExitUsage, usagef("--iou must be in (0,1], got %v", *iou)
	}
	if *beta <= 0 {
		return ExitUsage, usagef("--beta must be positive, got %v", *beta)
	}
	type gateSpec struct {
		metric string
		ts     []gate.Threshold
	}
	var gates []gateSpec
	for _, g := range []struct{ name, spec string }{{"f1", *minF1}, {"f2", *minF2}, {"precision", *minP}, {"recall", *minR}} {
		if g.spec == "" {
			continue
		}
		ts, err := gate.Parse(g.spec, false)
		if err != nil {
			return ExitUsage, fmt.Errorf("--min-%s: %w", g.name, err)
		}
		gates = append(gates, gateSpec{g.name, ts})
	}
	var base *pii.Report
	if *baseline != "" {
		bf, err := os.Open(*baseline)
		if err != nil {
			return ExitUsage, fmt.Errorf("baseline: %w", err)
		}
		base, err = pii.ReadReport(bf)
		bf.Close()
		if err != nil {
			return ExitUsage, fmt.Errorf("baseline %s: %w", *baseline, err)
		}
	}

	var recs []pii.Record
	for _, path := range files {
		var rs []pii.Record
		if path == "-" {
			rs, err = pii.Read(env.Stdin, "stdin", f)
		} else {
			rs, err = pii.ReadFile(path, f)
		}
		if err != nil {
			return ExitUsage, err
		}
		recs = append(recs, rs...)
	}
	lmName := *labelMap
	if lowerTrim(lmName) == "auto" {
		lmName = autoLabelMap(files[0])
		if lmName != "" {
			fmt.Fprintf(env.Stderr, "label map: %s (chosen from the file name; --label-map none to keep the dataset's labels)\n", lmName)
		}
	}
	var lm labelmaps.Map
	if lmName != "" && lowerTrim(lmName) != "none" {
		if lm, err = labelmaps.Load(lmName); err != nil {
			return ExitUsage, err
		}
	}
	if *sample > 0 && *sample < len(recs) {
		idx := sampleIndexes(len(recs), *sample, *seed)
		picked := make([]pii.Record, len(idx))
		for i, j := range idx {
			picked[i] = recs[j]
		}
		recs = picked
	}
	if *limit > 0 && *limit < len(recs) {
		recs = recs[:*limit]
	}
	if env.NewDetector == nil {
		return ExitUsage, fmt.Errorf("no PII detector configured")
	}
	detect, err := env.NewDetector(*lang)
	if err != nil {
		return ExitUsage, fmt.Errorf("detector: %w", err)
	}
	tick, done := progress(env, len(recs), "pii")
	rep, err := pii.Evaluate(ctx, recs, detect, pii.Options{
		IoU: *iou, Beta: *beta, LabelMap: lm, Workers: *workers, ScoreAllTypes: *allTypes, AddressBlocks: *addrBlock, Progress: tick,
	})
	done()
	if err != nil {
		return ExitUsage, err
	}
	rep.Config.Files = files
	rep.Config.LabelMap = lmName
	rep.Config.Sample, rep.Config.Seed, rep.Config.Limit = *sample, *seed, *limit
	if *sample == 0 {
		rep.Config.Seed = 0
	}

	if err := writeReports(env, rep, *asJSON, *errPath, *htmlPath); err != nil {
		return ExitUsage, err
	}

	var checks []gate.Check
	for _, g := range gates {
		checks = append(checks, gate.Min(g.ts, g.metric, func(key string) (float64, bool) { return rep.Metric(key, g.metric) })...)
	}
	if *maxLeak >= 0 {
		checks = append(checks, gate.Check{Name: "leak_rate", Got: rep.LeakRate, Limit: *maxLeak, Max: true})
	}
	var deltas []gate.Delta
	if base != nil {
		if base.Config.AddressBlocks != rep.Config.AddressBlocks {
			return ExitUsage, fmt.Errorf("baseline %s was scored with --address-blocks=%t, this run with %t: not comparable", *baseline, base.Config.AddressBlocks, rep.Config.AddressBlocks)
		}
		if base.Records != rep.Records || strings.Join(base.Config.Files, ",") != strings.Join(rep.Config.Files, ",") {
			fmt.Fprintf(env.Stderr, "note: the baseline scored %d records of %s; this run %d of %s\n",
				base.Records, strings.Join(base.Config.Files, ", "), rep.Records, strings.Join(rep.Config.Files, ", "))
		}
		deltas = gate.Compare(base.Metrics(), rep.Metrics(), pii.LowerIsBetter, *tolerance)
		gate.WriteDeltas(env.Stderr, deltas)
	}
	if !gate.Report(env.Stderr, checks, deltas, *tolerance) {
		return ExitGateFailed, nil
	}
	return ExitOK, nil
}
