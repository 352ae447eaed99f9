package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	"github.com/eegkit/eegkit/eegkit/baselines"
	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/safefile"
)

func cmdBaseline(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("baseline", "[--method logvar|csp|mdm|tslr] [--bands 8-13,13-30] [--from S --to S] [--estimator oas] [--data DIR] [--out DIR [--replace]]", stdout, stderr)
	method := fs.String("method", baselines.LogVar, "logvar (log-variance of C3, C4 per band + LDA), csp (of the CSP components + LDA), mdm (Riemannian minimum distance to the class means) or tslr (tangent space + logistic regression)")
	bands := fs.String("bands", "", "frequency bands in Hz, comma-separated LOW-HIGH (default 8-13,13-30; one band for mdm and tslr, default 8-30)")
	estimator := fs.String("estimator", "", "mdm, tslr: the trial covariance estimator, scm, lwf or oas (default oas)")
	c := fs.Float64("c", 0, "tslr: the logistic regression's inverse regularisation C (default 1, as scikit-learn)")
	from := fs.Float64("from", 0, "start of the analysed window, seconds into the trial")
	to := fs.Float64("to", 0, "end of the analysed window (0: the end of the trial)")
	shrinkage := fs.Float64("shrinkage", 0, "LDA covariance shrinkage, 0–1")
	dataDir := newDataFlags(fs)
	out := fs.String("out", "", "directory to write baseline.json into (optional; one that holds another baseline's is refused, the same baseline's is reused)")
	replace := fs.Bool("replace", false, "replace the baseline.json of another baseline in --out")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg := baselines.Config{Method: *method, From: *from, To: *to, Shrinkage: *shrinkage, Estimator: *estimator, C: *c}
	var err error
	if *bands != "" {
		if cfg.Bands, err = list("bands", *bands, parseBand); err != nil {
			return err
		}
	}
	if *replace && *out == "" {
		return usageError{errors.New("--replace replaces the baseline.json in --out: give --out")}
	}
	data, err := dataDir.load()
	if err != nil {
		return err
	}
	if *to == 0 && *from != 0 { // to the end of the data's trials
		cfg.To = float64(data.Train.Times) / data.Train.Rate
	}
	if err := cfg.ValidateFor(data.Train); err != nil { // against the data's own duration and rate
		return usageError{err}
	}
	path := filepath.Join(*out, "baseline.json")
	if *out != "" && !*replace {
		prev, err := readBaseline(path)
		if err != nil {
			return err
		}
		if prev != nil {
			if !sameBaseline(prev, cfg.For(data.Train), data) {
				return fmt.Errorf("%s holds another baseline (%s, on %s): choose another --out, or replace it with --replace", path, prev.Name, prev.Data)
			}
			fmt.Fprintf(stdout, "%s already holds this baseline on this data: reused (--replace fits it again)\n", path)
			printBaseline(stdout, prev, data, dataDir.String())
			return nil
		}
	}
	res, err := baselines.Run(cfg, data)
	if err != nil {
		return err
	}
	printBaseline(stdout, res, data, dataDir.String())
	if *out != "" {
		raw, _ := json.MarshalIndent(res, "", "  ")
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return err
		}
		if err := safefile.WriteFile(path, append(raw, '\n')); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", path)
	}
	return nil
}

func printBaseline(stdout io.Writer, res *baselines.Result, data *eeg.Data, dir string) {
	fmt.Fprintf(stdout, "data: %s (%s)\nbaseline: %s, fitted per subject on %d training trials\ntrain accuracy %.2f%%\ntest: %s",
		data.Source, dir, res.Name, data.Train.Len(), 100*res.Train.Accuracy, res.Test.String())
}

// readBaseline reads a baseline.json (nil if there is none), a regular file
// only (safefile.ReadRegular: a FIFO there would block the read).
func readBaseline(path string) (*baselines.Result, error) {
	if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	raw, err := safefile.ReadRegular(path, "a baseline.json")
	if err != nil {
		return nil, err
	}
	var res baselines.Result
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, fmt.Errorf("%s is not a baseline of this eegkit (%w): move it away, or replace it with --replace", path, err)
	}
	return &res, nil
}

// sameBaseline says whether prev is the baseline cfg (with its defaults) on
// data: the same configuration and the same data (by content; by name for
// a baseline.json written before eegkit recorded the data's hash).
func sameBaseline(prev *baselines.Result, cfg baselines.Config, data *eeg.Data) bool {
	if !reflect.DeepEqual(prev.Config, cfg) {
		return false
	}
	if prev.DataID == "" {
		return prev.Data == data.Source
	}
	return prev.DataID == data.ID()
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
