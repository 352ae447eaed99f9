package experiments

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/eegkit/eegkit/eegkit/safefile"
	"github.com/eegkit/eegkit/eegkit/train"
)

// A sweep's points directory holds one file per point, named for the
// point's configuration and data (as its run directory is): <name>.csv, a
// one-row sweep CSV, when it finished, or <name>.failed, a PointFailure,
// when its last try failed. Each is written atomically and by one process,
// so the shards of a sweep on many machines share the directory without
// locks on a shared filesystem and without appending to one file.
const (
	pointExt  = ".csv"
	failedExt = ".failed"
)

// PointFailure is a point whose training failed, as its .failed file
// records it.
type PointFailure struct {
	Config train.TrainConfig `json:"config"`
	DataID string            `json:"data_id"`
	Error  string            `json:"error"`
	Time   time.Time         `json:"time"`
}

// WritePoint writes a finished point's file in dir atomically and removes
// the record of an earlier failure of it.
func WritePoint(dir string, p SweepPoint) error {
	name := filepath.Join(dir, pointDir(p.Config, p.DataID))
	if err := safefile.WriteFile(name+pointExt, sweepCSV([]SweepPoint{p})); err != nil {
		return err
	}
	if err := os.Remove(name + failedExt); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// writeFailure records in dir that a point failed with err.
func writeFailure(dir string, cfg train.TrainConfig, dataID string, err error) error {
	raw, _ := json.MarshalIndent(PointFailure{Config: cfg, DataID: dataID, Error: err.Error(), Time: time.Now().UTC()}, "", " ")
	return safefile.WriteFile(filepath.Join(dir, pointDir(cfg, dataID)+failedExt), append(raw, '\n'))
}

// ReadPoints reads a points directory: its finished points and its failed
// ones (a point that finished after it failed is only finished), each in
// file-name order. A missing directory holds none.
func ReadPoints(dir string) ([]SweepPoint, []PointFailure, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	var (
		points   []SweepPoint
		failures []PointFailure
		finished = map[string]bool{}
	)
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasSuffix(name, pointExt) || strings.HasPrefix(name, safefile.TempPrefix) {
			continue
		}
		path := filepath.Join(dir, name)
		raw, err := safefile.ReadRegular(path, "sweep point file")
		if err != nil {
			return nil, nil, err
		}
		ps, _, err := parseSweep(path, bytes.NewReader(raw))
		if err != nil {
			return nil, nil, err
		}
		if len(ps) != 1 {
			return nil, nil, fmt.Errorf("%s holds %d points, not one; it is not a sweep point file of this eegkit: move it away", path, len(ps))
		}
		points = append(points, ps[0])
		finished[strings.TrimSuffix(name, pointExt)] = true
	}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasSuffix(name, failedExt) || finished[strings.TrimSuffix(name, failedExt)] {
			continue
		}
		path := filepath.Join(dir, name)
		raw, err := safefile.ReadRegular(path, "sweep failure record")
		if err != nil {
			return nil, nil, err
		}
		var f PointFailure
		if err := json.Unmarshal(raw, &f); err != nil {
			return nil, nil, fmt.Errorf("%s is not a failure record of this eegkit (%w); move it away", path, err)
		}
		failures = append(failures, f)
	}
	return points, failures, nil
}
