package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/eegkit/eegkit/eegkit/baselines"
	"github.com/eegkit/eegkit/eegkit/eeg"
)

func cmdBaseline(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("baseline", "[--method logvar|csp|mdm|tslr] [--bands 8-13,13-30] [--from S --to S] [--estimator oas] [--data DIR] [--out DIR]", stdout, stderr)
	method := fs.String("method", baselines.LogVar, "logvar (log-variance of C3, C4 per band + LDA), csp (of the CSP components + LDA), mdm (Riemannian minimum distance to the class means) or tslr (tangent space + logistic regression)")
	bands := fs.String("bands", "", "frequency bands in Hz, comma-separated LOW-HIGH (default 8-13,13-30; one band for mdm and tslr, default 8-30)")
	estimator := fs.String("estimator", "", "mdm, tslr: the trial covariance estimator, scm, lwf or oas (default oas)")
	c := fs.Float64("c", 0, "tslr: the logistic regression's inverse regularisation C (default 1, as scikit-learn)")
	from := fs.Float64("from", 0, "start of the analysed window, seconds into the trial")
	to := fs.Float64("to", 0, "end of the analysed window (0: the end of the trial)")
	shrinkage := fs.Float64("shrinkage", 0, "LDA covariance shrinkage, 0–1")
	dataDir := newDataFlags(fs)
	out := fs.String("out", "", "directory to write baseline.json into (optional)")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg := baselines.Config{Method: *method, From: *from, To: *to, Shrinkage: *shrinkage, Estimator: *estimator, C: *c}
	if *to == 0 && *from != 0 {
		cfg.To = float64(eeg.Samples) / eeg.SampleRate
	}
	var err error
	if *bands != "" {
		if cfg.Bands, err = list("bands", *bands, parseBand); err != nil {
			return err
		}
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	data, err := dataDir.load()
	if err != nil {
		return err
	}
	res, err := baselines.Run(cfg, data)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "data: %s (%s)\nbaseline: %s, fitted per subject on %d training trials\ntrain accuracy %.2f%%\ntest: %s",
		data.Source, dataDir, res.Name, data.Train.Len(), 100*res.Train.Accuracy, res.Test.String())
	if *out != "" {
		raw, _ := json.MarshalIndent(res, "", "  ")
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return err
		}
		path := filepath.Join(*out, "baseline.json")
		if err := os.WriteFile(path, append(raw, '\n'), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", path)
	}
	return nil
}

func parseBand(s string) ([2]float64, error) {
	lo, hi, ok := strings.Cut(s, "-")
	if !ok {
		return [2]float64{}, errors.New("want LOW-HIGH in Hz, e.g. 8-13")
	}
	l, err1 := strconv.ParseFloat(lo, 64)
	h, err2 := strconv.ParseFloat(hi, 64)
	if err := errors.Join(err1, err2); err != nil {
		return [2]float64{}, err
	}
	return [2]float64{l, h}, nil
}
