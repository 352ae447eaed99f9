package benchmark

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/experiments"
	"github.com/eegkit/eegkit/eegkit/safefile"
	"github.com/eegkit/eegkit/eegkit/train"
)

// Plan is what a benchmark directory was made for: a second run in it
// must ask the same, so that its folds add up (plan.json). It may add
// pipelines: their folds are their own.
type Plan struct {
	Dataset    string   `json:"dataset"`
	DataID     string   `json:"data_id"`
	Data       string   `json:"data"`    // the data in words
	Classes    []string `json:"classes"` // the data's classes (two: the score is ROC-AUC)
	Evaluation string   `json:"evaluation"`
	Pipelines  []string `json:"pipelines"`       // every pipeline run in the directory, in the order first given
	Folds      int      `json:"folds,omitempty"` // within-session: folds per session; cross-subject: groups of subjects (0: one each)
	Epochs     int      `json:"epochs,omitempty"`
	Augment    string   `json:"augment,omitempty"` // the models' data augmentation
	Seed       uint64   `json:"seed"`              // of the folds, the models' weights and the random permutation tests
	Seeds      int      `json:"seeds,omitempty"`   // trainings of each model per fold, with seeds Seed, Seed+1, …; 0 is 1
	// Configs are the pipelines given as configurations (NAME=CONFIG.json),
	// by name, as read.
	Configs map[string]train.TrainConfig `json:"configs,omitempty"`
	// Keys name the evaluation's folds (Fold.Key), so that a report knows
	// which are missing.
	Keys []string `json:"fold_keys,omitempty"`
}

// Settings are a benchmark's choices beyond its data, evaluation and
// pipelines.
type Settings struct {
	// Folds are within-session's folds per session (0: 5), or
	// cross-subject's groups of subjects (0: one subject each).
	Folds int
	// Epochs override the models' own when not 0.
	Epochs int
	// Seeds is how many times each model is trained on each fold, with
	// seeds Seed, Seed+1, … (0: once); its scores are averaged with the
	// folds'.
	Seeds int
	// Augment is the models' data augmentation (package augment's grammar).
	Augment string
	// Seed draws the folds, the models' weights (seed 0 trains them as
	// seed 1) and the random permutation tests.
	Seed uint64
}

// NewPlan is the plan of a benchmark of pipes on the pool of data under
// evaluation with the settings s.
func NewPlan(p *Pool, data *eeg.Data, evaluation string, pipes []Pipeline, s Settings) Plan {
	plan := Plan{Dataset: p.Name, DataID: data.ID(), Data: data.Source, Classes: p.ClassNames, Evaluation: evaluation,
		Epochs: s.Epochs, Augment: s.Augment, Seed: s.Seed}
	if s.Seeds > 1 {
		plan.Seeds = s.Seeds
	}
	for _, pipe := range pipes {
		plan.Pipelines = append(plan.Pipelines, pipe.Name)
		if pipe.Configured != "" {
			if plan.Configs == nil {
				plan.Configs = map[string]train.TrainConfig{}
			}
			plan.Configs[pipe.Name] = *pipe.Model
		}
	}
	switch evaluation {
	case WithinSession:
		plan.Folds = s.Folds
		if s.Folds == 0 {
			plan.Folds = 5
		}
	case CrossSubject:
		plan.Folds = s.Folds
	}
	return plan
}

// Run carries out the plan's folds of shard in dir, each pipeline on each
// fold, skipping those already written (a benchmark resumes where it
// stopped) and writing each as dir/folds/PIPELINE/FOLD.json when done.
// progress, if not nil, is told of every fold started. It returns the
// scores of the shard's folds, done before or now.
func Run(ctx context.Context, dir string, p *Pool, pipes []Pipeline, plan Plan, shard experiments.Shard, opt Options, progress func(done, total int, what string)) ([]Score, error) {
	folds, err := Folds(p, plan.Evaluation, plan.Folds, plan.Seed)
	if err != nil {
		return nil, err
	}
	plan.Keys = nil
	for _, f := range folds {
		plan.Keys = append(plan.Keys, f.Key())
	}
	if err := writePlan(dir, &plan); err != nil {
		return nil, err
	}
	type job struct {
		pipe Pipeline
		fold Fold
		r    int // the model's r-th training on the fold, with seed max(plan.Seed, 1) + r
	}
	var jobs []job
	for _, pipe := range pipes {
		for _, f := range folds {
			if pipe.Model == nil {
				jobs = append(jobs, job{pipe, f, 0})
				continue
			}
			for r := range max(plan.Seeds, 1) {
				jobs = append(jobs, job{pipe, f, r})
			}
		}
	}
	var mine []job
	for i, j := range jobs {
		if shard.Whole() || i%shard.N == shard.K {
			mine = append(mine, j)
		}
	}
	var out []Score
	for i, j := range mine {
		path := foldPath(dir, j.pipe.Name, j.fold.Key(), j.r)
		seed := max(plan.Seed, 1) + uint64(j.r)
		if scores, err := readFold(path); err == nil {
			out = append(out, scores...)
			if opt.Finished != nil {
				if err := opt.Finished(path, scores); err != nil {
					return out, err
				}
			}
			continue
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		if progress != nil {
			what := fmt.Sprintf("%s on %s", j.pipe.Name, j.fold.Key())
			if plan.Seeds > 1 {
				what += fmt.Sprintf(" (seed %d)", seed)
			}
			progress(i, len(mine), what)
		}
		if err := ctx.Err(); err != nil {
			return out, err
		}
		scores, err := RunFold(ctx, p, j.pipe, j.fold, seed, plan, opt)
		if err != nil {
			return out, fmt.Errorf("%s on subject %s (fold %s): %w", j.pipe.Name, j.fold.Subject, j.fold.Key(), err)
		}
		raw, _ := json.MarshalIndent(scores, "", "  ")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return out, err
		}
		if err := safefile.WriteFile(path, append(raw, '\n')); err != nil {
			return out, err
		}
		out = append(out, scores...)
		if opt.Finished != nil {
			if err := opt.Finished(path, scores); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// foldPath is where a fold's scores are written: the r-th training of a
// model on it (r from 0) after the first in a file of its own.
func foldPath(dir, pipeline, key string, r int) string {
	name := key
	if r > 0 {
		name += fmt.Sprintf("_r%d", r)
	}
	return filepath.Join(dir, "folds", safeName(pipeline), name+".json")
}

func readFold(path string) ([]Score, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s []Score
	if err := json.Unmarshal(raw, &s); err != nil || len(s) == 0 {
		return nil, fmt.Errorf("%s is damaged (%v); remove it to run its fold again", path, err)
	}
	return s, nil
}

// writePlan writes dir/plan.json, or checks that the one there asks the
// same and adds plan's new pipelines to it; plan becomes the directory's.
func writePlan(dir string, plan *Plan) error {
	path := filepath.Join(dir, "plan.json")
	old, err := ReadPlan(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		if old.DataID != plan.DataID || old.Evaluation != plan.Evaluation || old.Folds != plan.Folds || old.Epochs != plan.Epochs ||
			old.Seed != plan.Seed || old.Seeds != plan.Seeds || old.Augment != plan.Augment {
			return fmt.Errorf("%s holds a benchmark of other settings (%s on %s, %s; asked: %s on %s, %s); give another --out, or the same settings to resume it or add pipelines to it",
				dir, old.Evaluation, old.Data, old.settings(), plan.Evaluation, plan.Data, plan.settings())
		}
		for name, cfg := range plan.Configs {
			was, ok := old.Configs[name]
			if ok && !reflect.DeepEqual(was, cfg) {
				return fmt.Errorf("%s ran pipeline %s with another configuration; give the changed one another name", dir, name)
			}
			if !ok && slices.Contains(old.Pipelines, name) {
				return fmt.Errorf("%s ran pipeline %s as a preset, not a configuration; give the configuration another name", dir, name)
			}
		}
		for name := range old.Configs {
			if _, ok := plan.Configs[name]; !ok && slices.Contains(plan.Pipelines, name) {
				return fmt.Errorf("%s ran pipeline %s as a configuration (NAME=CONFIG.json), not a preset; give it as then", dir, name)
			}
		}
		merged := old
		if len(old.Keys) == 0 { // planned by an eegkit that did not keep them
			merged.Keys = plan.Keys
		}
		for _, name := range plan.Pipelines {
			if !slices.Contains(merged.Pipelines, name) {
				merged.Pipelines = append(merged.Pipelines, name)
			}
		}
		for name, cfg := range plan.Configs {
			if merged.Configs == nil {
				merged.Configs = map[string]train.TrainConfig{}
			}
			merged.Configs[name] = cfg
		}
		if reflect.DeepEqual(merged, old) {
			*plan = old
			return nil
		}
		*plan = merged
	}
	raw, _ := json.MarshalIndent(plan, "", "  ")
	return safefile.WriteFile(path, append(raw, '\n'))
}

// settings are the plan's choices in words.
func (p Plan) settings() string {
	s := fmt.Sprintf("seed %d", p.Seed)
	if p.Folds > 0 {
		s += fmt.Sprintf(", %d folds", p.Folds)
	}
	if p.Epochs > 0 {
		s += fmt.Sprintf(", %d epochs", p.Epochs)
	}
	if p.Seeds > 1 {
		s += fmt.Sprintf(", %d seeds", p.Seeds)
	}
	if p.Augment != "" {
		s += ", augment " + p.Augment
	}
	return s
}

// ReadPlan reads dir/plan.json.
func ReadPlan(dir string) (Plan, error) {
	var plan Plan
	raw, err := os.ReadFile(filepath.Join(dir, "plan.json"))
	if err != nil {
		return plan, err
	}
	if err := json.Unmarshal(raw, &plan); err != nil {
		return plan, fmt.Errorf("%s/plan.json is damaged: %w", dir, err)
	}
	return plan, nil
}

// Missing are the folds of the plan's pipelines not written in dir, by
// pipeline (none when the plan does not name its folds).
func (p Plan) Missing(dir string) map[string][]string {
	out := map[string][]string{}
	for _, pipe := range p.Pipelines {
		runs := 1
		if !isBaseline(pipe) {
			runs = max(p.Seeds, 1)
		}
		for _, key := range p.Keys {
			for r := range runs {
				path := foldPath(dir, pipe, key, r)
				if _, err := os.Stat(path); err != nil {
					out[pipe] = append(out[pipe], strings.TrimSuffix(filepath.Base(path), ".json"))
				}
			}
		}
	}
	return out
}

// ReadScores reads every fold written in dir, in a stable order.
func ReadScores(dir string) ([]Score, error) {
	files, err := filepath.Glob(filepath.Join(dir, "folds", "*", "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []Score
	for _, f := range files {
		s, err := readFold(f)
		if err != nil {
			return nil, err
		}
		out = append(out, s...)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s has no finished folds (folds/*/*.json); run eegkit benchmark into it first", dir)
	}
	return out, nil
}
