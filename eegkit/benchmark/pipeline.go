package benchmark

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/eegkit/eegkit/eegkit/baselines"
	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/metrics"
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/train"
)

// Pipeline is something a benchmark trains or fits: a registered model
// with its preset ("eegnet", "eegnet:elu"), a model of a configuration
// of one's own ("mine=eegnet-lr.json": a train.TrainConfig as JSON, a
// run.json, or a run directory), or a classical baseline ("csp", "tslr",
// "mdm", "logvar").
type Pipeline struct {
	Name     string // as given, up to "=" for a configuration
	Model    *train.TrainConfig
	Baseline *baselines.Config
	// Configured is whether Model was read from a file (its path here),
	// not a registered model's preset: the plan then keeps it, so that a
	// changed file cannot add up with the folds of the old one.
	Configured string
}

// ParsePipelines reads a comma-separated list of pipelines.
func ParsePipelines(list string) ([]Pipeline, error) {
	var out []Pipeline
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		p, err := ParsePipeline(name)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(out, func(q Pipeline) bool { return q.Name == p.Name }) {
			return nil, fmt.Errorf("pipeline %s is given twice", p.Name)
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no pipelines: give models (%s), NAME=CONFIG.json or baselines (%s), separated by commas",
			strings.Join(models.Names(), ", "), strings.Join(baselines.Methods(), ", "))
	}
	return out, nil
}

// ParsePipeline reads one pipeline: a baseline method, a model name
// with an optional ":activation", or NAME=PATH, a model trained as the
// configuration at PATH says (see ReadConfig).
func ParsePipeline(name string) (Pipeline, error) {
	if label, path, ok := strings.Cut(name, "="); ok {
		label = strings.TrimSpace(label)
		if label == "" || strings.ContainsAny(label, ":/") {
			return Pipeline{}, fmt.Errorf("pipeline %s: name the configuration before \"=\" (letters, digits, - and _), e.g. mine=%s", name, path)
		}
		cfg, err := ReadConfig(strings.TrimSpace(path))
		if err != nil {
			return Pipeline{}, fmt.Errorf("pipeline %s: %w", label, err)
		}
		return Pipeline{Name: label, Model: &cfg, Configured: path}, nil
	}
	if isBaseline(name) {
		return Pipeline{Name: name, Baseline: &baselines.Config{Method: strings.ToLower(name)}}, nil
	}
	model, actName, _ := strings.Cut(name, ":")
	act, err := nn.ParseActivation(actName)
	if err != nil {
		return Pipeline{}, fmt.Errorf("pipeline %s: %w", name, err)
	}
	cfg, err := train.Preset(model, act)
	if err != nil {
		return Pipeline{}, fmt.Errorf("pipeline %s is neither a model (%s), NAME=CONFIG.json nor a baseline (%s): %w", name,
			strings.Join(models.Names(), ", "), strings.Join(baselines.Methods(), ", "), err)
	}
	return Pipeline{Name: name, Model: &cfg}, nil
}

// isBaseline is whether a pipeline's name is a baseline method's (in any case).
func isBaseline(name string) bool { return slices.Contains(baselines.Methods(), strings.ToLower(name)) }

// ReadConfig reads a model's training configuration: a train.TrainConfig
// as JSON ({"model": "eegnet", "activation": "elu", "epochs": 300, "batch":
// 64, "lr": 0.001, …}), a run.json (its "config"), or a run directory
// (its run.json). The benchmark decides the seed, the validation split
// and the input's shape; the rest is the configuration's.
func ReadConfig(path string) (train.TrainConfig, error) {
	var cfg train.TrainConfig
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, train.RunFile)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("read the configuration: %w", err)
	}
	var run struct {
		Config *json.RawMessage `json:"config"`
	}
	if err := json.Unmarshal(raw, &run); err != nil {
		return cfg, fmt.Errorf("%s is not a JSON training configuration: %w", path, err)
	}
	if run.Config != nil {
		raw = *run.Config
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return cfg, fmt.Errorf("%s: %w (the fields are train.TrainConfig's: model, activation, epochs, batch, lr, …)", path, err)
	}
	if cfg.Model == "" && cfg.Arch == nil {
		return cfg, fmt.Errorf("%s names no model (\"model\": one of %s)", path, strings.Join(models.Names(), ", "))
	}
	cfg.Seed, cfg.Input = 1, nil // the benchmark's
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// Options say how a plan's folds are carried out, beyond what the plan
// says (its epochs, seed and augmentation).
type Options struct {
	// ValFraction of each training fold's trials (per subject and class)
	// choose a model's epoch (the validation protocol); the test trials
	// never do. 0 is 0.2.
	ValFraction float64
	Device      train.Device
	// Finished, if not nil, is told of every fold of the shard once its
	// scores are written (or found written): its file and its scores.
	Finished func(path string, scores []Score) error
}

// Score is one row of a benchmark: a pipeline's score on one session of
// one subject after one fold's training.
type Score struct {
	Dataset    string  `json:"dataset"`
	Evaluation string  `json:"evaluation"`
	Pipeline   string  `json:"pipeline"`
	Subject    string  `json:"subject"`
	Session    string  `json:"session"`
	Fold       int     `json:"fold"`
	Seed       uint64  `json:"seed,omitempty"` // of a model's weights; 0 for a baseline
	Score      float64 `json:"score"`          // ROC-AUC for two classes, accuracy for more (MOABB's choice)
	Accuracy   float64 `json:"accuracy"`
	Kappa      float64 `json:"kappa"`
	Balanced   float64 `json:"balanced_accuracy"`
	Time       float64 `json:"time"`    // s of training
	Samples    int     `json:"samples"` // training trials
	Tested     int     `json:"tested"`  // test trials
	Channels   int     `json:"channels"`
	NSessions  int     `json:"n_sessions"`
}

type evaluator interface {
	Evaluate(ds *eeg.Dataset) (metrics.Metrics, error)
}

// RunFold trains the pipeline on the fold's training trials as the plan
// says (a model with the plan's epochs when not 0, its augmentation and
// the seed given; the baselines take none) and scores it on each of its
// test sessions.
func RunFold(ctx context.Context, p *Pool, pipe Pipeline, f Fold, seed uint64, plan Plan, opt Options) ([]Score, error) {
	trainSet := p.Subset(f.Train)
	tests := make([]*eeg.Dataset, len(f.Tests))
	var all []int
	for i, t := range f.Tests {
		tests[i] = p.Subset(t.Trials)
		all = append(all, t.Trials...)
	}
	start := time.Now()
	var model evaluator
	var used uint64 // the model's seed
	switch {
	case pipe.Baseline != nil:
		if f.Pooled { // one model of all training subjects, for a subject it has not seen
			pool := func(ds *eeg.Dataset) {
				ds.Subjects, ds.Subject = []string{"pooled"}, make([]int, ds.Len())
			}
			pool(trainSet)
			for _, t := range tests {
				pool(t)
			}
		}
		bl, err := baselines.Fit(pipe.Baseline.For(trainSet), trainSet)
		if err != nil {
			return nil, err
		}
		model = bl
	default:
		cfg := *pipe.Model
		if plan.Epochs > 0 {
			cfg.Epochs = plan.Epochs
		}
		used = max(seed, 1)
		cfg.Seed = used
		cfg.ValFraction = opt.ValFraction
		if cfg.ValFraction == 0 {
			cfg.ValFraction = 0.2
		}
		cfg.Select = train.SelectValLoss
		cfg.Augment = plan.Augment
		data := &eeg.Data{Train: trainSet, Test: p.Subset(all), Source: p.Name}
		run, err := train.Fit(ctx, cfg, data, train.FitOptions{Device: opt.Device, FinalTestOnly: true})
		if err != nil {
			return nil, err
		}
		model = run.Net
	}
	took := time.Since(start).Seconds()
	var out []Score
	for i, t := range f.Tests {
		m, err := model.Evaluate(tests[i])
		if err != nil {
			return nil, err
		}
		score := m.AUC
		if p.NClasses() > 2 {
			score = m.Accuracy
		} else if math.IsNaN(score) {
			return nil, fmt.Errorf("subject %s session %s: its %d test trials are of one class, so ROC-AUC is undefined", t.Subject, t.Session, len(t.Trials))
		}
		out = append(out, Score{Dataset: p.Name, Evaluation: plan.Evaluation, Pipeline: pipe.Name, Subject: t.Subject, Session: t.Session,
			Fold: f.Index, Seed: used, Score: score, Accuracy: m.Accuracy, Kappa: m.Kappa, Balanced: m.Value(metrics.BalancedAccuracy),
			Time: took, Samples: len(f.Train), Tested: len(t.Trials), Channels: p.NChans(), NSessions: len(p.Sessions(slices.Index(p.Subjects, t.Subject)))})
	}
	return out, nil
}
