package benchmark

import (
	"context"
	"fmt"
	"math"
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
// with its preset ("eegnet", "eegnet:elu"), or a classical baseline
// ("csp", "tslr", "mdm", "logvar").
type Pipeline struct {
	Name     string // as given
	Model    *train.TrainConfig
	Baseline *baselines.Config
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
			return nil, fmt.Errorf("pipeline %s is given twice", name)
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no pipelines: give models (%s) or baselines (%s), separated by commas",
			strings.Join(models.Names(), ", "), strings.Join(baselines.Methods(), ", "))
	}
	return out, nil
}

// ParsePipeline reads one pipeline: a baseline method, or a model name
// with an optional ":activation".
func ParsePipeline(name string) (Pipeline, error) {
	if slices.Contains(baselines.Methods(), strings.ToLower(name)) {
		return Pipeline{Name: name, Baseline: &baselines.Config{Method: strings.ToLower(name)}}, nil
	}
	model, actName, _ := strings.Cut(name, ":")
	act, err := nn.ParseActivation(actName)
	if err != nil {
		return Pipeline{}, fmt.Errorf("pipeline %s: %w", name, err)
	}
	cfg, err := train.Preset(model, act)
	if err != nil {
		return Pipeline{}, fmt.Errorf("pipeline %s is neither a model (%s) nor a baseline (%s): %w", name,
			strings.Join(models.Names(), ", "), strings.Join(baselines.Methods(), ", "), err)
	}
	return Pipeline{Name: name, Model: &cfg}, nil
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
	Score      float64 `json:"score"` // ROC-AUC for two classes, accuracy for more (MOABB's choice)
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
// says (a model with the plan's epochs when not 0, seed and augmentation;
// the baselines take none) and scores it on each of its test sessions.
func RunFold(ctx context.Context, p *Pool, pipe Pipeline, f Fold, plan Plan, opt Options) ([]Score, error) {
	trainSet := p.Subset(f.Train)
	tests := make([]*eeg.Dataset, len(f.Tests))
	var all []int
	for i, t := range f.Tests {
		tests[i] = p.Subset(t.Trials)
		all = append(all, t.Trials...)
	}
	start := time.Now()
	var model evaluator
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
		cfg.Seed = max(plan.Seed, 1)
		cfg.ValFraction = opt.ValFraction
		if cfg.ValFraction == 0 {
			cfg.ValFraction = 0.2
		}
		cfg.Select = train.SelectValLoss
		cfg.Augment = plan.Augment
		data := &eeg.Data{Train: trainSet, Test: p.Subset(all), Source: p.Name}
		run, err := train.Fit(ctx, cfg, data, train.FitOptions{Device: opt.Device})
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
			Fold: f.Index, Score: score, Accuracy: m.Accuracy, Kappa: m.Kappa, Balanced: m.Value(metrics.BalancedAccuracy),
			Time: took, Samples: len(f.Train), Tested: len(t.Trials), Channels: p.NChans(), NSessions: len(p.Sessions(slices.Index(p.Subjects, t.Subject)))})
	}
	return out, nil
}
