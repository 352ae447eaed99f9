package experiments

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/safefile"
	"github.com/eegkit/eegkit/eegkit/train"
)

// Files of a sweep directory that a sweep's shards share.
const (
	PlanFile  = "plan.json" // the grid and data (SweepPlan)
	PointsDir = "points"    // one result file per point (WritePoint)
)

// SweepPlan is what a sweep directory is for: the grid's points, in order,
// and the data they train on. Every shard of a sweep writes the same plan;
// MergeSweep reads it to say which points are missing.
type SweepPlan struct {
	Points   []train.TrainConfig `json:"points"`
	Data     string              `json:"data"`    // eeg.Data.Source
	DataID   string              `json:"data_id"` // eeg.Data.ID
	Protocol string              `json:"protocol"`
	Seeds    int                 `json:"seeds"` // seeds per configuration
	// Extra is the front end's own: the command line keeps how to load the
	// data again and whether to add the baselines.
	Extra json.RawMessage `json:"extra,omitempty"`
}

// NewSweepPlan is the plan of a sweep of configs on data, with seeds seeds
// per configuration and the front end's extra: the points bound to data, as
// Sweep trains them and their runs record them.
func NewSweepPlan(configs []train.TrainConfig, data *eeg.Data, seeds int, extra json.RawMessage) *SweepPlan {
	points := bindAll(configs, data)
	protocol := ""
	if len(points) > 0 {
		protocol = points[0].Protocol()
	}
	return &SweepPlan{Points: points, Data: data.Source, DataID: data.ID(), Protocol: protocol, Seeds: seeds, Extra: extra}
}

// same says whether two plans are of the same grid and data (the data's
// content, wherever each shard reads it from).
func (p *SweepPlan) same(q *SweepPlan) bool {
	a, _ := json.Marshal(p.Points)
	b, _ := json.Marshal(q.Points)
	return string(a) == string(b) && p.DataID == q.DataID
}

// WritePlan records plan in the sweep directory dir. A shard (replace
// false) keeps a plan of the same grid and data that dir holds, and
// refuses one of another (shards of one sweep must agree). A single-machine
// sweep (replace true) writes its plan over any other (the points already
// in dir stay and are reused wherever the new grid has them); it returns
// the old plan when that was of another grid or data.
func WritePlan(dir string, plan *SweepPlan, replace bool) (old *SweepPlan, err error) {
	old, err = readPlan(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if old != nil && old.same(plan) {
		if !replace {
			return nil, nil
		}
		old = nil // the same grid: nothing to say
	}
	if old != nil && !replace {
		return old, fmt.Errorf("%s holds the plan of another sweep (%d points on %s; this one has %d on %s): give every shard the same flags, use another --out, or remove %s to start a new grid there (finished points are kept and reused)",
			dir, len(old.Points), old.Data, len(plan.Points), plan.Data, filepath.Join(dir, PlanFile))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return old, fmt.Errorf("cannot create the sweep directory %s: %w", dir, safefile.Cause(err))
	}
	raw, _ := json.MarshalIndent(plan, "", " ")
	return old, safefile.WriteFile(filepath.Join(dir, PlanFile), append(raw, '\n'))
}

// readPlan reads a sweep directory's plan; the error wraps os.ErrNotExist
// when it has none.
func readPlan(dir string) (*SweepPlan, error) {
	path := filepath.Join(dir, PlanFile)
	raw, err := safefile.ReadRegular(path, "sweep plan")
	if err != nil {
		if _, serr := os.Stat(path); errors.Is(serr, os.ErrNotExist) {
			return nil, noPlanError{dir}
		}
		return nil, err
	}
	var p SweepPlan
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, fmt.Errorf("%s is not a sweep plan of this eegkit (%w)", path, err)
	}
	return &p, nil
}

// noPlanError says a directory has no plan; it is an os.ErrNotExist.
type noPlanError struct{ dir string }

func (e noPlanError) Error() string {
	return fmt.Sprintf("%s has no %s: it is not a sweep directory of this eegkit (run eegkit sweep --out %s first)", e.dir, PlanFile, e.dir)
}

func (e noPlanError) Is(target error) bool { return target == os.ErrNotExist }

// MergedSweep is a sweep directory's results gathered by MergeSweep.
type MergedSweep struct {
	Plan    *SweepPlan
	Points  []SweepPoint        // the plan's finished points, in the plan's order
	Missing []train.TrainConfig // the plan's points not finished, in the plan's order
	Failed  []PointFailure      // those of Missing whose last try failed
	Others  []SweepPoint        // finished points of the directory that the plan does not have (of an earlier grid)
	failed  map[string]int      // configKey -> index in Failed
}

// FailureOf is the record of the last failed try of the plan's point cfg,
// if it is missing because it failed.
func (m *MergedSweep) FailureOf(cfg train.TrainConfig) (PointFailure, bool) {
	i, ok := m.failed[configKey(cfg)]
	if !ok {
		return PointFailure{}, false
	}
	return m.Failed[i], true
}

// MergeSweep gathers a sweep directory's results: its plan, its points
// directory and its sweep.csv (which a single-machine sweep also writes,
// and older eegkits wrote alone).
func MergeSweep(dir string) (*MergedSweep, error) {
	plan, err := readPlan(dir)
	if err != nil {
		return nil, err
	}
	points, failures, err := ReadPoints(filepath.Join(dir, PointsDir))
	if err != nil {
		return nil, err
	}
	legacy, err := ReadSweep(filepath.Join(dir, "sweep.csv"))
	if err != nil {
		return nil, err
	}
	failedAt := map[string]PointFailure{}
	for _, f := range failures {
		if f.DataID == plan.DataID {
			failedAt[configKey(f.Config)] = f
		}
	}
	m := &MergedSweep{Plan: plan, failed: map[string]int{}}
	for _, cfg := range plan.Points {
		if p, ok := findPoint(points, cfg, plan.DataID); ok {
			m.Points = append(m.Points, p)
		} else if p, ok := findPoint(legacy, cfg, plan.DataID); ok {
			m.Points = append(m.Points, p)
		} else {
			m.Missing = append(m.Missing, cfg)
			if f, ok := failedAt[configKey(cfg)]; ok {
				m.failed[configKey(cfg)] = len(m.Failed)
				m.Failed = append(m.Failed, f)
			}
		}
	}
	for _, p := range append(points, legacy...) {
		if _, ok := findPoint(m.Points, p.Config, p.DataID); !ok {
			if _, ok := findPoint(m.Others, p.Config, p.DataID); !ok {
				m.Others = append(m.Others, p)
			}
		}
	}
	return m, nil
}

// WriteCSV writes dir/sweep.csv atomically: the plan's points in its order,
// then the others, so that no finished point is lost.
func (m *MergedSweep) WriteCSV(dir string) error {
	return safefile.WriteFile(filepath.Join(dir, "sweep.csv"), sweepCSV(append(slices.Clone(m.Points), m.Others...)))
}
