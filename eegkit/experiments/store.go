package experiments

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/safefile"
	"github.com/eegkit/eegkit/eegkit/train"
)

// Store keeps runs side by side in one directory: one subdirectory per
// distinct configuration and data, named
// <model>-<activation>-b<batch>-lr<lr>-e<epochs>-s<seed>-<id>, where the id is
// the first 10 hex digits of the sha256 of the configuration (JSON) and the
// data's content hash (eeg.Data.ID). A tweak of any hyperparameter is another
// run, so nothing is ever replaced; the same configuration on the same data
// is reused when it finished and resumed from its checkpoint when it was
// interrupted.
type Store struct {
	Dir string
}

// OpenStore returns the store in dir (created when a run is first saved).
func OpenStore(dir string) *Store { return &Store{Dir: dir} }

// RunID is the stable id of cfg trained on the data identified by dataID:
// the first 5 bytes of the sha256 of cfg's identity key
// (TrainConfig.IdentityKey), a zero byte and dataID, in hex.
func RunID(cfg train.TrainConfig, dataID string) string {
	h := sha256.Sum256(append(append(cfg.IdentityKey(), 0), dataID...))
	return hex.EncodeToString(h[:5])
}

// RunName is the human-readable part of a run's directory name.
func RunName(cfg train.TrainConfig) string {
	name := cfg.Model
	if cfg.Activation != "" { // "" where the model fixes its nonlinearity
		name += "-" + cfg.Activation
	}
	return fmt.Sprintf("%s-b%d-lr%s-e%d-s%d", name, cfg.Batch,
		strconv.FormatFloat(cfg.LR, 'g', -1, 64), cfg.Epochs, cfg.Seed)
}

// RunDir is where the store keeps cfg trained on data.
func (s *Store) RunDir(cfg train.TrainConfig, data *eeg.Data) string {
	return s.runDir(bind(cfg, data), data.ID())
}

// runDir is where the store keeps cfg, as its run records it, trained on the
// data of id dataID.
func (s *Store) runDir(cfg train.TrainConfig, dataID string) string {
	return filepath.Join(s.Dir, RunName(cfg)+"-"+RunID(cfg, dataID))
}

// bind is where a configuration meets its data: cfg as it trains on data and
// as its run records it (train.TrainConfig.ForData), which its id names.
// Every function of this package that takes a configuration and data binds
// them here, so that callers pass configurations as they wrote them.
func bind(cfg train.TrainConfig, data *eeg.Data) train.TrainConfig {
	return cfg.ForData(data)
}

// Train returns the store's finished run of cfg on data (reused is then
// true), resumes it from its checkpoint if it was interrupted, or trains it,
// checkpointing after every epoch (a few megabytes, milliseconds next to an
// epoch), so that an interrupted run resumes exactly where it stopped. When
// ctx is cancelled the finished epochs are saved. The run's directory is RunDir(cfg, data.ID()).
func (s *Store) Train(ctx context.Context, cfg train.TrainConfig, data *eeg.Data, progress func(train.EpochStats)) (run *train.Run, reused bool, err error) {
	return TrainInDir(ctx, cfg, data, s.RunDir(cfg, data), false, train.FitOptions{CheckpointEvery: 1, Progress: progress})
}

// Fit is Train with Fit's options (a batch transform, progress); the store
// sets the checkpoints.
func (s *Store) Fit(ctx context.Context, cfg train.TrainConfig, data *eeg.Data, opt train.FitOptions) (run *train.Run, reused bool, err error) {
	opt.CheckpointEvery = 1
	return TrainInDir(ctx, cfg, data, s.RunDir(cfg, data), false, opt)
}

// TrainInDir returns the finished run of cfg on data that dir holds
// (reused), or trains it there with opt (its CheckpointDir set to dir),
// resuming from its checkpoint, and saves it (the finished epochs too when
// ctx is cancelled). dir is opened with OpenRunDir(…, replace).
func TrainInDir(ctx context.Context, cfg train.TrainConfig, data *eeg.Data, dir string, replace bool, opt train.FitOptions) (run *train.Run, reused bool, err error) {
	cfg = bind(cfg, data)
	rd, err := train.OpenRunDir(dir, cfg, data.ID(), replace)
	if err != nil {
		return nil, false, err
	}
	defer rd.Close()
	if rd.Finished != nil {
		run, err = train.LoadRun(dir)
		return run, err == nil, err
	}
	opt.CheckpointDir = dir
	run, err = train.Fit(ctx, cfg, data, opt)
	if run != nil && len(run.History) > 0 {
		if serr := run.Save(dir); serr != nil && err == nil {
			err = serr
		}
	}
	return run, false, err
}

// Run statuses in a StoredRun.
const (
	StatusFinished    = "finished"
	StatusInterrupted = "interrupted"
	StatusDamaged     = "damaged"
)

// StoredRun is what the store says of one of its runs without loading it.
type StoredRun struct {
	ID, Name, Dir string
	Config        train.TrainConfig
	Data, DataID  string
	Status        string  // StatusFinished, StatusInterrupted or StatusDamaged
	Problem       string  // what is damaged
	Epochs        int     // epochs finished
	TestAcc       float64 // of the kept model when finished, else of the last finished epoch
	Saved         time.Time
}

// List returns the store's runs, newest first. A directory with a
// checkpoint but no saved run yet is listed as interrupted.
func (s *Store) List() ([]StoredRun, error) {
	entries, err := os.ReadDir(s.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []StoredRun
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(s.Dir, e.Name())
		if r, ok := storedRun(dir); ok {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Saved.After(out[j].Saved) })
	return out, nil
}

// storedRun describes the run in dir; ok is false when dir holds no run.
func storedRun(dir string) (StoredRun, bool) {
	name := filepath.Base(dir)
	r := StoredRun{Dir: dir, Name: name}
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		r.Name, r.ID = name[:i], name[i+1:]
	}
	path := filepath.Join(dir, train.RunFile)
	st, err := os.Stat(path)
	if err != nil {
		ck, cerr := train.ReadCheckpoint(dir)
		switch {
		case cerr != nil:
			r.Status, r.Problem = StatusDamaged, cerr.Error()
		case ck == nil:
			return r, false
		default:
			r.Status, r.Epochs, r.Data, r.DataID = StatusInterrupted, len(ck.History), ck.Data, ck.DataID
			_ = json.Unmarshal(ck.Config, &r.Config)
			if n := len(ck.History); n > 0 {
				r.TestAcc = ck.History[n-1].TestAcc
			}
			if cst, err := os.Stat(filepath.Join(dir, train.CheckpointFile)); err == nil {
				r.Saved = cst.ModTime()
			}
		}
		return r, true
	}
	r.Saved = st.ModTime()
	raw, err := safefile.ReadRegular(path, "a run.json")
	var run train.Run
	if err == nil {
		err = json.Unmarshal(raw, &run)
	}
	if err == nil {
		err = train.VerifyRunFiles(dir)
	}
	if err != nil {
		r.Status, r.Problem = StatusDamaged, err.Error()
		return r, true
	}
	r.Config, r.Data, r.DataID, r.Epochs = run.Config, run.Data, run.DataID, len(run.History)
	r.Status, r.TestAcc = StatusFinished, run.Test.Accuracy
	if !run.Complete || !train.SaveFinished(dir, &run) {
		r.Status, r.TestAcc = StatusInterrupted, run.Final().TestAcc
	}
	return r, true
}

// Find returns the run whose id or name starts with ref ("1197884cfc",
// "eegnet-elu"), or whose directory is ref; it is an error when none or
// several match. A name that is whole is never taken for the start of a
// longer one.
func (s *Store) Find(ref string) (StoredRun, error) {
	runs, err := s.List()
	if err != nil {
		return StoredRun{}, err
	}
	var found, exact []StoredRun
	for _, r := range runs {
		switch {
		case ref == "":
		case filepath.Base(r.Dir) == ref || r.Name == ref:
			exact = append(exact, r)
		case strings.HasPrefix(r.ID, ref) || strings.HasPrefix(r.Name, ref+"-"):
			found = append(found, r)
		}
	}
	if len(exact) > 0 {
		found = exact
	}
	switch len(found) {
	case 0:
		return StoredRun{}, fmt.Errorf("%s holds no run %q (eegkit runs list shows them)", s.Dir, ref)
	case 1:
		return found[0], nil
	}
	return StoredRun{}, fmt.Errorf("%q matches %d runs in %s; give more of the name or id (eegkit runs list shows them)", ref, len(found), s.Dir)
}

// Remove deletes a run (see Find), refusing one that a process is training.
func (s *Store) Remove(ref string) (StoredRun, error) {
	r, err := s.Find(ref)
	if err != nil {
		return r, err
	}
	lock, err := train.LockDir(r.Dir)
	if err != nil {
		return r, err
	}
	defer lock.Unlock()
	return r, os.RemoveAll(r.Dir)
}

// NotTrainedError is Load's error for a configuration the store has not
// trained on the data, or whose training was interrupted after Epochs of
// its epochs.
type NotTrainedError struct {
	Store  string
	Config train.TrainConfig
	Epochs int // finished epochs of an interrupted run (0: none)
}

func (e *NotTrainedError) Error() string {
	if e.Epochs > 0 {
		return fmt.Sprintf("%s holds %s after %d of its %d epochs (its training was interrupted): train it again to finish it (eegkit lab or eegkit train resume it)", e.Store, e.Config, e.Epochs, e.Config.Epochs)
	}
	return fmt.Sprintf("%s has not trained %s on this data yet: train it first (eegkit lab trains the lab's presets, eegkit train any configuration)", e.Store, e.Config)
}

// Load returns the store's runs of configs on data, in the order of
// configs, or an error (a NotTrainedError) naming the first configuration
// it has not trained or not finished training.
func (s *Store) Load(configs []train.TrainConfig, data *eeg.Data) ([]*train.Run, error) {
	var out []*train.Run
	for _, cfg := range configs {
		dir := s.RunDir(cfg, data)
		if _, err := os.Lstat(filepath.Join(dir, train.RunFile)); errors.Is(err, os.ErrNotExist) {
			return nil, &NotTrainedError{Store: s.Dir, Config: cfg}
		}
		run, err := train.LoadRun(dir)
		if err != nil {
			return nil, fmt.Errorf("%s: the run of %s: %w", s.Dir, cfg, err)
		}
		if !run.Complete {
			return nil, &NotTrainedError{Store: s.Dir, Config: cfg, Epochs: len(run.History)}
		}
		out = append(out, run)
	}
	return out, nil
}
