package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/veilhq/veil/dialogs"
	"github.com/veilhq/veil/eval/nlueval"
	"github.com/veilhq/veil/nlu"
)

// cmdNLU: `veil nlu train` trains the local classifier and saves it.
func cmdNLU(ctx context.Context, args []string, io stdio) error {
	if len(args) == 0 || args[0] != "train" {
		return usageError{errors.New("want `veil nlu train [--bot FILE | --data FILE] --out FILE`")}
	}
	fs := flag.NewFlagSet("nlu train", flag.ContinueOnError)
	bot := fs.String("bot", "", "train on a bot YAML's intent examples (default: the example bot)")
	data := fs.String("data", "", "train on a CLINC150 JSON, CSV/TSV (text,intent or a header such as text,category), JSON(L) ({text,intent}) or Rasa nlu.yml file instead")
	splits := fs.String("splits", strings.Join(nlueval.DefaultTrainSplits, ","), "CLINC150 splits to train on")
	cfgPath := fs.String("config", "", "YAML file of classifier settings (default: the built-in configuration)")
	out := fs.String("out", "", "where to write the model (required)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *out == "" {
		return usageError{errors.New("--out is required")}
	}
	var examples []nlu.Example
	switch {
	case *data != "" && *bot != "":
		return usageError{errors.New("give --bot or --data, not both")}
	case *data != "":
		ex, lines, err := nlueval.ReadFileLines(*data, strings.Split(*splits, ","))
		if err != nil {
			return err
		}
		if err := nlueval.CheckTrainingData(ex, lines, *data); err != nil {
			return err
		}
		examples = ex
	default:
		b := dialogs.ExampleBot()
		if *bot != "" {
			var err error
			if b, err = dialogs.LoadFile(*bot); err != nil {
				return err
			}
		}
		examples = b.Examples()
	}
	tr, err := newClassifier(*cfgPath)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := tr.Train(ctx, examples); err != nil {
		return err
	}
	took := time.Since(start)
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	tmp := *out + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if err := tr.Save(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, *out); err != nil {
		return err
	}
	fmt.Fprintf(io.out, "trained on %d examples in %.1fs; wrote %s (use it with nlu.model or VEIL_NLU_MODEL)\n", len(examples), took.Seconds(), *out)
	return nil
}
