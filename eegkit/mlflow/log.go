package mlflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/eegkit/eegkit/eegkit/metrics"
	"github.com/eegkit/eegkit/eegkit/safefile"
	"github.com/eegkit/eegkit/eegkit/train"
)

// RecordFile, in a run directory, says which MLflow run it was logged as.
const RecordFile = "mlflow.json"

// DefaultExperiment is the MLflow experiment runs go to unless told otherwise.
const DefaultExperiment = "eegkit"

// Record is a run directory's RecordFile.
type Record struct {
	TrackingURI  string    `json:"tracking_uri"`
	ExperimentID string    `json:"experiment_id"`
	RunID        string    `json:"run_id"`
	RunJSON      string    `json:"run_json_sha256"` // the run it logged (a replaced run is logged anew)
	Logged       time.Time `json:"logged"`
}

// Options say where a run goes.
type Options struct {
	Experiment string // DefaultExperiment when empty
	RunName    string // the MLflow run's name; the run directory's name when empty
}

// Params are a run's MLflow parameters: every field of its training
// configuration as run.json's config has it (a nested value as JSON), but
// the architecture, which is the run.json artifact's.
func Params(run *train.Run) ([]KeyValue, error) {
	raw, err := json.Marshal(run.Config)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, err
	}
	var out []KeyValue
	for k, v := range fields {
		if k == "arch" {
			continue
		}
		var s string
		if json.Unmarshal(v, &s) != nil {
			s = string(v)
		}
		out = append(out, KeyValue{Key: k, Value: s})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// History is a run's per-epoch metrics, the epoch as the step: train_loss,
// train_acc, test_loss, test_acc, lr and seconds, and val_loss and val_acc
// under the validation protocol. Timestamps count the epochs' seconds from
// start.
func History(run *train.Run, start time.Time) []Metric {
	var out []Metric
	at := start
	val := run.Config.ValFraction > 0
	for _, e := range run.History {
		at = at.Add(time.Duration(e.Seconds * float64(time.Second)))
		add := func(k string, v float64) {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				out = append(out, Metric{Key: k, Value: v, Timestamp: at.UnixMilli(), Step: int64(e.Epoch)})
			}
		}
		add("train_loss", e.TrainLoss)
		add("train_acc", e.TrainAcc)
		add("test_loss", e.TestLoss)
		add("test_acc", e.TestAcc)
		add("lr", e.LR)
		add("seconds", e.Seconds)
		if val {
			add("val_loss", e.ValLoss)
			add("val_acc", e.ValAcc)
		}
	}
	return out
}

// Final is the kept model's metrics: final_test_<metric> for every
// registered metric (final_val_<metric> with a validation split) and
// best_epoch, at the last epoch's step.
func Final(run *train.Run, at time.Time) []Metric {
	step := int64(len(run.History))
	var out []Metric
	add := func(k string, v float64) {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			out = append(out, Metric{Key: k, Value: v, Timestamp: at.UnixMilli(), Step: step})
		}
	}
	for _, m := range metrics.All() {
		add("final_test_"+m.Name, run.Test.Value(m.Name))
		if run.Val != nil {
			add("final_val_"+m.Name, run.Val.Value(m.Name))
		}
	}
	add("best_epoch", float64(run.BestEpoch))
	return out
}

// tags are a run's MLflow tags.
func tags(run *train.Run, name string) []KeyValue {
	c := run.Config
	return []KeyValue{
		{"mlflow.runName", name}, {"mlflow.source.name", "eegkit"}, {"mlflow.source.type", "LOCAL"},
		{"eegkit.model", c.Model}, {"eegkit.activation", c.Activation}, {"eegkit.protocol", run.Protocol},
		{"eegkit.data", run.Data}, {"eegkit.data_id", run.DataID}, {"eegkit.version", run.Version},
		{"eegkit.complete", strconv.FormatBool(run.Complete)}, {"eegkit.stopped", run.Stopped},
	}
}

// LogRun logs the saved run in dir (see the package comment) and records
// the MLflow run in dir's RecordFile. A run directory already logged to
// the same server is not logged again: it returns the recorded run and
// logged false.
func LogRun(ctx context.Context, c *Client, dir string, opt Options) (rec Record, logged bool, err error) {
	run, err := train.LoadRun(dir)
	if err != nil {
		return rec, false, err
	}
	sum, err := safefile.SHA256(filepath.Join(dir, train.RunFile))
	if err != nil {
		return rec, false, err
	}
	recPath := filepath.Join(dir, RecordFile)
	if rec, done, err := readRecord(recPath, c.URI, sum); done || err != nil {
		return rec, false, err
	}
	if opt.Experiment == "" {
		opt.Experiment = DefaultExperiment
	}
	if opt.RunName == "" {
		abs, _ := filepath.Abs(dir)
		opt.RunName = filepath.Base(abs)
	}
	exp, err := c.Experiment(ctx, opt.Experiment)
	if err != nil {
		return rec, false, err
	}
	seconds := 0.0
	for _, e := range run.History {
		seconds += e.Seconds
	}
	end := time.Now()
	start := end.Add(-time.Duration(seconds * float64(time.Second)))
	info, err := c.CreateRun(ctx, exp, opt.RunName, start, tags(run, opt.RunName))
	if err != nil {
		return rec, false, err
	}
	fail := func(err error) (Record, bool, error) {
		_ = c.EndRun(context.WithoutCancel(ctx), info.ID, "FAILED", time.Now())
		return Record{}, false, fmt.Errorf("logging %s to MLflow run %s: %w", dir, info.ID, err)
	}
	params, err := Params(run)
	if err != nil {
		return fail(err)
	}
	if err := c.LogBatch(ctx, info.ID, append(History(run, start), Final(run, end)...), params, nil); err != nil {
		return fail(err)
	}
	for _, f := range []string{train.RunFile, train.HistoryJSONFile, train.HistoryCSVFile, train.WeightsFile, train.SumsFile} {
		raw, err := os.ReadFile(filepath.Join(dir, f))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return fail(err)
		}
		if err := c.UploadArtifact(ctx, info, f, raw); err != nil {
			return fail(err)
		}
	}
	if err := c.EndRun(ctx, info.ID, "FINISHED", end); err != nil {
		return fail(err)
	}
	rec = Record{TrackingURI: c.URI, ExperimentID: exp, RunID: info.ID, RunJSON: sum, Logged: time.Now().UTC()}
	raw, _ := json.MarshalIndent(rec, "", " ")
	return rec, true, safefile.WriteFile(recPath, append(raw, '\n'))
}

// LogValues logs one MLflow run of parameters and final metrics, such as
// a benchmark fold's scores, unless recPath's record says this server has
// it already with the same digest; it then writes the record to recPath.
// logged is false when nothing was sent.
func LogValues(ctx context.Context, c *Client, recPath, digest string, opt Options, params []KeyValue, metrics []Metric) (rec Record, logged bool, err error) {
	if rec, done, err := readRecord(recPath, c.URI, digest); done || err != nil {
		return rec, false, err
	}
	if opt.Experiment == "" {
		opt.Experiment = DefaultExperiment
	}
	exp, err := c.Experiment(ctx, opt.Experiment)
	if err != nil {
		return rec, false, err
	}
	now := time.Now()
	info, err := c.CreateRun(ctx, exp, opt.RunName, now, []KeyValue{{Key: "mlflow.runName", Value: opt.RunName}})
	if err != nil {
		return rec, false, err
	}
	for i := range metrics {
		metrics[i].Timestamp = now.UnixMilli()
	}
	if err := c.LogBatch(ctx, info.ID, metrics, params, []KeyValue{}); err != nil {
		_ = c.EndRun(context.WithoutCancel(ctx), info.ID, "FAILED", time.Now())
		return rec, false, fmt.Errorf("logging %s to MLflow run %s: %w", opt.RunName, info.ID, err)
	}
	if err := c.EndRun(ctx, info.ID, "FINISHED", time.Now()); err != nil {
		return rec, false, err
	}
	rec = Record{TrackingURI: c.URI, ExperimentID: exp, RunID: info.ID, RunJSON: digest, Logged: time.Now().UTC()}
	raw, _ := json.MarshalIndent(rec, "", "  ")
	return rec, true, safefile.WriteFile(recPath, append(raw, '\n'))
}

// readRecord reads the record at recPath: done when it says this server has
// what digest identifies already.
func readRecord(recPath, uri, digest string) (rec Record, done bool, err error) {
	raw, err := os.ReadFile(recPath)
	if errors.Is(err, os.ErrNotExist) {
		return rec, false, nil
	}
	if err != nil {
		return rec, false, err
	}
	if json.Unmarshal(raw, &rec) == nil && rec.TrackingURI == uri && rec.RunJSON == digest {
		return rec, true, nil
	}
	return Record{}, false, nil
}
