package benchmark

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/experiments"
	"github.com/eegkit/eegkit/eegkit/safefile"
)

// Plan is what a benchmark directory was made for: a second run in it
// must ask the same, so that its folds add up (plan.json).
type Plan struct {
	Dataset    string   `json:"dataset"`
	DataID     string   `json:"data_id"`
	Data       string   `json:"data"`    // the data in words
	Classes    []string `json:"classes"` // the data's classes (two: the score is ROC-AUC)
	Evaluation string   `json:"evaluation"`
	Pipelines  []string `json:"pipelines"`
	Folds      int      `json:"folds,omitempty"` // within-session: folds per session; cross-subject: groups of subjects (0: one each)
	Epochs     int      `json:"epochs,omitempty"`
	Augment    string   `json:"augment,omitempty"` // the models' data augmentation
	Seed       uint64   `json:"seed"`              // of the folds, the models' weights and the random permutation tests
}

// NewPlan is the plan of a benchmark of pipes on the pool of data under
// evaluation: folds is within-session's folds per session (0: 5) or
// cross-subject's groups of subjects (0: one subject each); epochs
// overrides the models' presets when not 0; augment is their data
// augmentation.
func NewPlan(p *Pool, data *eeg.Data, evaluation string, pipes []Pipeline, folds, epochs int, augment string, seed uint64) Plan {
	plan := Plan{Dataset: p.Name, DataID: data.ID(), Data: data.Source, Classes: p.ClassNames, Evaluation: evaluation,
		Epochs: epochs, Augment: augment, Seed: seed}
	for _, pipe := range pipes {
		plan.Pipelines = append(plan.Pipelines, pipe.Name)
	}
	switch evaluation {
	case WithinSession:
		plan.Folds = folds
		if folds == 0 {
			plan.Folds = 5
		}
	case CrossSubject:
		plan.Folds = folds
	}
	return plan
}

// Run carries out the plan's folds of shard in dir, each pipeline on each
// fold, skipping those already written (a benchmark resumes where it
// stopped) and writing each as dir/folds/PIPELINE/FOLD.json when done.
// progress, if not nil, is told of every fold started. It returns the
// scores of the shard's folds, done before or now.
func Run(ctx context.Context, dir string, p *Pool, pipes []Pipeline, plan Plan, shard experiments.Shard, opt Options, progress func(done, total int, what string)) ([]Score, error) {
	if err := writePlan(dir, plan); err != nil {
		return nil, err
	}
	folds, err := Folds(p, plan.Evaluation, plan.Folds, plan.Seed)
	if err != nil {
		return nil, err
	}
	type job struct {
		pipe Pipeline
		fold Fold
	}
	var jobs []job
	for _, pipe := range pipes {
		for _, f := range folds {
			jobs = append(jobs, job{pipe, f})
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
		path := foldPath(dir, j.pipe.Name, j.fold)
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
			progress(i, len(mine), fmt.Sprintf("%s on %s", j.pipe.Name, j.fold.Key()))
		}
		if err := ctx.Err(); err != nil {
			return out, err
		}
		scores, err := RunFold(ctx, p, j.pipe, j.fold, plan, opt)
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

func foldPath(dir, pipeline string, f Fold) string {
	return filepath.Join(dir, "folds", safeName(pipeline), f.Key()+".json")
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
// same.
func writePlan(dir string, plan Plan) error {
	path := filepath.Join(dir, "plan.json")
	if old, err := ReadPlan(dir); err == nil {
		if old.DataID != plan.DataID || old.Evaluation != plan.Evaluation || old.Folds != plan.Folds || old.Epochs != plan.Epochs ||
			old.Seed != plan.Seed || old.Augment != plan.Augment || !slices.Equal(old.Pipelines, plan.Pipelines) {
			return fmt.Errorf("%s holds a benchmark of other settings (%s of %v on %s); give another --out, or the same settings to resume it",
				dir, old.Evaluation, old.Pipelines, old.Data)
		}
		return nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	raw, _ := json.MarshalIndent(plan, "", "  ")
	return safefile.WriteFile(path, append(raw, '\n'))
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
