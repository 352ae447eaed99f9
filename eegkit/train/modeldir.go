package train

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/safefile"
)

// Files of a saved model directory.
const (
	WeightsFile     = "model.npz"    // state_dict, PyTorch names and shapes
	RunFile         = "run.json"     // configuration, data source, history and final test metrics
	HistoryCSVFile  = "history.csv"  // the history as CSV
	HistoryJSONFile = "history.json" // the history as JSON
)

// Save writes the run to dir: its weights (model.npz, loadable by PyTorch),
// run.json (configuration, data, history, test metrics), history.csv and
// history.json, then SHA256SUMS over them. Every file is replaced
// atomically and durably. Saving a complete run removes its checkpoint.
func (r *Run) Save(dir string) error {
	if r.Net == nil {
		return fmt.Errorf("save %s: the run has no network", dir)
	}
	sd, err := r.Net.StateDict()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// Until the new SHA256SUMS is written last, the run counts as not saved (saveFinished).
	if err := os.Remove(filepath.Join(dir, SumsFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := nn.SaveWeights(filepath.Join(dir, WeightsFile), r.Net.Model, sd); err != nil {
		return err
	}
	raw, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := safefile.WriteFile(filepath.Join(dir, RunFile), append(raw, '\n')); err != nil {
		return err
	}
	hist, err := json.MarshalIndent(r.History, "", "  ")
	if err != nil {
		return err
	}
	if err := safefile.WriteFile(filepath.Join(dir, HistoryJSONFile), append(hist, '\n')); err != nil {
		return err
	}
	if err := safefile.WriteFile(filepath.Join(dir, HistoryCSVFile), historyCSV(r.History, r.Config.ValFraction > 0)); err != nil {
		return err
	}
	if err := writeRunSums(dir); err != nil {
		return err
	}
	if r.Complete { // the checkpoint of a finished run is no longer needed
		if err := os.Remove(filepath.Join(dir, CheckpointFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// historyCSV renders a history; the validation columns are empty for runs without a validation split.
func historyCSV(h []EpochStats, val bool) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"epoch", "lr", "train_loss", "train_acc", "val_loss", "val_acc", "test_loss", "test_acc", "seconds"})
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', 8, 64) }
	for _, e := range h {
		vl, va := "", ""
		if val {
			vl, va = f(e.ValLoss), f(e.ValAcc)
		}
		_ = w.Write([]string{strconv.Itoa(e.Epoch), f(e.LR), f(e.TrainLoss), f(e.TrainAcc), vl, va, f(e.TestLoss), f(e.TestAcc), f(e.Seconds)})
	}
	w.Flush()
	return buf.Bytes()
}

// LoadRun reads a model directory written by Run.Save, checks its files
// against their checksums, and puts the network on the pure-Go backend
// (LoadRunOn for another device), ready to evaluate or predict. A run whose
// training was interrupted loads too (Complete is false): it holds the
// model of its last finished epoch.
func LoadRun(dir string) (*Run, error) { return LoadRunOn(dir, Device{}) }

// LoadRunOn is LoadRun with the network on dev.
func LoadRunOn(dir string, dev Device) (*Run, error) {
	if !fileExistsAny(filepath.Join(dir, RunFile)) {
		return nil, fmt.Errorf("%s is not a saved model: %s is missing (train one with: eegkit train --out %s)", dir, RunFile, dir)
	}
	raw, err := safefile.ReadRegular(filepath.Join(dir, RunFile), "a run.json")
	if err != nil {
		return nil, err
	}
	if err := VerifyRunFiles(dir); err != nil {
		return nil, err
	}
	r := &Run{}
	if err := json.Unmarshal(raw, r); err != nil {
		return nil, fmt.Errorf("%s: %s is corrupt: %w", dir, RunFile, err)
	}
	if !SaveFinished(dir, r) {
		return nil, fmt.Errorf("%s: the run's last save was cut short (no %s); run the same train command again to finish it", dir, SumsFile)
	}
	if err := r.Config.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", dir, RunFile, err)
	}
	m, err := r.Config.BuildModel()
	if err != nil {
		return nil, err
	}
	sd, err := nn.LoadWeights(filepath.Join(dir, WeightsFile), m)
	if err != nil {
		return nil, err
	}
	r.Net, err = NewNet(m, sd, r.Config.Seed, dev)
	if err != nil {
		return nil, err
	}
	r.Net.Crops = r.Config.Crops()
	return r, nil
}
