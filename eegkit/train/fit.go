package train

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/eegkit/eegkit/eegkit/augment"
	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/metrics"
	"github.com/eegkit/eegkit/eegkit/nn"
)

// EpochStats is one epoch of a run's history.
type EpochStats struct {
	Epoch     int     `json:"epoch"` // 1-based
	LR        float64 `json:"lr"`    // learning rate of the epoch
	TrainLoss float64 `json:"train_loss"`
	TrainAcc  float64 `json:"train_acc"`          // over the epoch's mini-batches in training mode, as the lab's loop counts it
	ValLoss   float64 `json:"val_loss,omitempty"` // validation set, evaluation mode (validation protocol only)
	ValAcc    float64 `json:"val_acc,omitempty"`
	TestLoss  float64 `json:"test_loss"`
	TestAcc   float64 `json:"test_acc"` // evaluation mode, after the epoch
	Seconds   float64 `json:"seconds"`  // wall time of the epoch, training and evaluation
}

// Run is a trained model with its configuration and history.
type Run struct {
	Config    TrainConfig      `json:"config"`
	Protocol  string           `json:"protocol"` // how the model was chosen (TrainConfig.Protocol)
	Data      string           `json:"data"`     // which data it was trained on, in words (eeg.Data.Source)
	DataID    string           `json:"data_id"`  // the content hash of that data (eeg.Data.ID)
	History   []EpochStats     `json:"history"`
	BestEpoch int              `json:"best_epoch"`        // the epoch whose model the run kept
	Complete  bool             `json:"complete"`          // false if training was interrupted
	ResumedAt []int            `json:"resumed,omitempty"` // epochs after which training resumed from a checkpoint
	Stopped   string           `json:"stopped,omitempty"` // why training stopped before cfg.Epochs (a callback's reason), if it did
	Val       *metrics.Metrics `json:"val,omitempty"`     // of the kept model on the validation set
	Test      metrics.Metrics  `json:"test"`              // of the kept model
	Version   string           `json:"eegkit_version"`    // the eegkit that trained it
	Net       *Net             `json:"-"`
}

// Final is the last epoch's statistics (zero if no epoch finished).
func (r *Run) Final() EpochStats {
	if len(r.History) == 0 {
		return EpochStats{}
	}
	return r.History[len(r.History)-1]
}

// Kept is the statistics of the epoch whose model the run kept: the final
// epoch under the lab's protocol, the best validation epoch otherwise.
func (r *Run) Kept() EpochStats {
	for _, e := range r.History {
		if e.Epoch == r.BestEpoch {
			return e
		}
	}
	return r.Final()
}

// FitOptions say how a run is carried out, apart from its hyperparameters.
type FitOptions struct {
	// Progress, if not nil, is called after each epoch, once its
	// checkpoint is written.
	Progress func(EpochStats)
	// Callbacks are told of every finished epoch after the configuration's
	// model selection and early stopping (see Callback); any of them can
	// stop the training.
	Callbacks []Callback
	// Transform, if not nil, changes every training batch before its step
	// (data augmentation); cfg.Augment must be its Name.
	Transform BatchTransform
	// CheckpointDir, if set, is where a checkpoint is written every
	// CheckpointEvery epochs (and after the last one), atomically, and
	// where Fit looks for one to resume from.
	CheckpointDir   string
	CheckpointEvery int
	// Device is where the network computes (the zero Device: the pure-Go
	// backend, DefaultParts).
	Device Device
	// FinalTestOnly evaluates the test set once, on the chosen model, not
	// after every epoch (EpochStats' test loss and accuracy stay 0): for
	// evaluations whose epochs must not see the test trials, and to save
	// the work.
	FinalTestOnly bool
}

// Train trains a model as the lab does: PyTorch-initialised weights from
// cfg.Seed, Adam with cross-entropy on shuffled mini-batches (the last
// partial batch included), and after every epoch an evaluation on the test
// set. progress, if not nil, is called after each epoch. When ctx is
// cancelled, Train stops after the current mini-batch and returns the run so
// far together with ctx's error, so no finished epoch is lost.
func Train(ctx context.Context, cfg TrainConfig, data *eeg.Data, progress func(EpochStats)) (*Run, error) {
	return Fit(ctx, cfg, data, FitOptions{Progress: progress})
}

// Fit is Train with checkpoints, resumption and the validation protocol.
// With cfg.ValFraction > 0 it holds out a stratified validation set
// (Dataset.SplitValidation), evaluates it after every epoch, keeps the model
// of the best validation epoch (cfg.Select) and stops early after
// cfg.Patience epochs without improvement. A run resumed from a checkpoint
// ends with the same weights as an uninterrupted one.
func Fit(ctx context.Context, cfg TrainConfig, data *eeg.Data, opt FitOptions) (*Run, error) {
	cfg = cfg.ForData(data)
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := checkData(data); err != nil {
		return nil, err
	}
	switch {
	case opt.Transform != nil && cfg.Augment != opt.Transform.Name():
		return nil, fmt.Errorf("the configuration's Augment is %q but the transform is %q: set cfg.Augment = transform.Name(), so that the run store keeps augmented runs apart", cfg.Augment, opt.Transform.Name())
	case opt.Transform == nil && cfg.Augment != "":
		p, err := augment.Parse(cfg.Augment, augment.InfoOf(data.Train))
		if err != nil {
			return nil, fmt.Errorf("%w; for a transform of your own, pass it as FitOptions.Transform with cfg.Augment = its Name()", err)
		}
		if p.Name() != cfg.Augment {
			return nil, fmt.Errorf("the configuration's Augment %q is not in canonical form: use %q (augment.Parse(…).Name()), so that the same augmentation always names the same runs", cfg.Augment, p.Name())
		}
		opt.Transform = p
	}
	if opt.CheckpointEvery < 0 {
		return nil, fmt.Errorf("checkpoint interval must be >= 0 epochs, got %d", opt.CheckpointEvery)
	}
	train, val := data.Train, (*eeg.Dataset)(nil)
	if cfg.ValFraction > 0 {
		var err error
		if train, val, err = data.Train.SplitValidation(cfg.ValFraction, cfg.Seed); err != nil {
			return nil, err
		}
	}
	m, err := cfg.BuildModel()
	if err != nil {
		return nil, err
	}
	if cfg.Crop >= data.Train.Times {
		return nil, fmt.Errorf("crops of %d samples need trials longer than that; these have %d", cfg.Crop, data.Train.Times)
	}
	if err := CheckFits(m, data.Train, cfg.Crops()); err != nil {
		return nil, err
	}
	net, err := NewNet(m, nn.InitWeights(m, cfg.Seed), cfg.Seed, opt.Device)
	if err != nil {
		return nil, err
	}
	net.SetOptimizer(cfg.Optim())
	net.Crops = cfg.Crops()
	if opt.Transform == nil && cfg.Crop == 0 {
		net.Keep(train.X, train.Y)
	}
	for _, ds := range []*eeg.Dataset{val, data.Test} {
		if ds != nil {
			net.Keep(ds.X, ds.Y)
		}
	}
	defer net.Forget()
	run := &Run{Config: cfg, Protocol: cfg.Protocol(), Data: data.Source, DataID: data.ID(), Version: Version, Net: net}
	shuffle := rand.NewPCG(cfg.Seed, 0x73687566) // "shuf"
	rng := rand.New(shuffle)
	aug := newAugmenter(opt.Transform, cfg.Seed, m.Input, m.Classes(), cfg.Crop)
	sel := NewModelSelection(cfg.Selection())
	callbacks := []Callback{sel}
	if cfg.Patience > 0 {
		callbacks = append(callbacks, &EarlyStopping{Patience: cfg.Patience, Selection: sel})
	}
	callbacks = append(callbacks, opt.Callbacks...)
	if opt.CheckpointDir != "" {
		ck, err := ReadCheckpoint(opt.CheckpointDir)
		if err != nil {
			return nil, err
		}
		if ck != nil {
			if err := ck.matches(cfg, run.DataID, opt.CheckpointDir, net.parts); err != nil {
				return nil, err
			}
			if err := ck.restore(net, shuffle, sel, aug); err != nil {
				return nil, fmt.Errorf("resume from %s: %w", opt.CheckpointDir, err)
			}
			run.History = ck.History
			run.ResumedAt = append(ck.ResumedAt, len(ck.History))
			if ck.Stopped {
				run.Stopped = ck.StopReason
				return finish(run, net, sel, val, data.Test)
			}
		}
	}
	n := train.Len()
	epochTest := data.Test
	if opt.FinalTestOnly {
		epochTest = nil
	}
	// The weights of the last finished epoch: an interruption or a failure
	// inside an epoch puts them back, so what is saved is always the model
	// of len(run.History) epochs, never a half-trained one. Each epoch hands
	// on the copy it checked for NaN.
	finished, err := net.StateDict()
	if err != nil {
		return run, err
	}
	for epoch := len(run.History) + 1; epoch <= cfg.Epochs; epoch++ {
		st, sd, err := fitEpoch(ctx, net, cfg, epoch, rng.Perm(n), train, val, epochTest, aug)
		if err != nil {
			if rerr := net.SetStateDict(finished); rerr != nil {
				return run, rerr
			}
			return run, err
		}
		finished = sd
		run.History = append(run.History, st)
		for _, cb := range callbacks {
			why, err := cb.EpochEnd(run, net, st)
			if err != nil {
				return run, fmt.Errorf("epoch %d: %w", epoch, err)
			}
			if run.Stopped == "" {
				run.Stopped = why
			}
		}
		stop := run.Stopped != ""
		if opt.CheckpointDir != "" && opt.CheckpointEvery > 0 && (epoch%opt.CheckpointEvery == 0 || epoch == cfg.Epochs || stop) {
			if err := writeCheckpoint(opt.CheckpointDir, run, net, shuffle, sel, aug, run.Stopped); err != nil {
				return run, err
			}
		}
		if opt.Progress != nil {
			opt.Progress(st)
		}
		if stop {
			break
		}
	}
	return finish(run, net, sel, val, data.Test)
}

// checkData says what is wrong with data for training, if anything: too few
// training trials, an empty test set, trials of the wrong size, labels
// outside the classes, or a test set whose shape or classes differ from the
// training set's.
func checkData(data *eeg.Data) error {
	if data == nil || data.Train == nil || data.Train.Len() < 2 {
		return fmt.Errorf("training needs at least 2 training trials")
	}
	if data.Test == nil || data.Test.Len() == 0 {
		return fmt.Errorf("the test set is empty: there is nothing to report the run's accuracy on; check the data (%s)", data.Source)
	}
	for _, part := range []struct {
		name string
		ds   *eeg.Dataset
	}{{"training set", data.Train}, {"test set", data.Test}} {
		if err := part.ds.Check(); err != nil {
			return fmt.Errorf("the %s: %w", part.name, err)
		}
	}
	if !data.Train.Shape.Equal(data.Test.Shape) {
		return fmt.Errorf("the training set's trials are %s with classes %s but the test set's are %s with classes %s: load both the same way",
			data.Train.Shape, strings.Join(data.Train.ClassNames, ", "), data.Test.Shape, strings.Join(data.Test.ClassNames, ", "))
	}
	return nil
}

// CheckFits says whether m takes ds's trials (or, with crops, windows of
// them) and outputs one score per class, and what to change if not.
func CheckFits(m *nn.Model, ds *eeg.Dataset, crops *Crops) error {
	classes := ds.ClassNames
	if k := m.Classes(); k != len(classes) {
		return fmt.Errorf("%s has %d outputs but the data has %d classes (%s): make its last layer output %d", m.Name, k, len(classes), strings.Join(classes, ", "), len(classes))
	}
	if want := (nn.Shape3{1, ds.NChans(), crops.Times(ds.Times)}); m.Input != want {
		return fmt.Errorf("%s takes trials of %d channels × %d samples but the data's are %s: load the data as the model was trained on (eegkit: --channels, --rate), or build the model for the data (models.For(name, %d, %d, %d, act))",
			m.Name, m.Input[1], m.Input[2], ds.Shape, ds.NChans(), len(classes), ds.Times)
	}
	return nil
}

// fitEpoch trains one epoch on the trials of train in the order perm, then
// evaluates the validation and test sets. Every batch trains, the last
// partial one included, down to a single trial as PyTorch's DataLoader
// (drop_last=False) and BatchNorm2d do (checked against PyTorch by
// TestParityBatchOfOne). A non-finite loss or output is an error that says
// training diverged. It also returns the weights after the epoch (checked
// finite).
func fitEpoch(ctx context.Context, net *Net, cfg TrainConfig, epoch int, perm []int, train, val, test *eeg.Dataset, aug *augmenter) (EpochStats, nn.StateDict, error) {
	start := time.Now()
	lr := cfg.EpochLR(epoch)
	var lossSum float64
	correct, seen := 0, 0
	for b := 0; b < len(perm); b += cfg.Batch {
		if err := ctx.Err(); err != nil {
			return EpochStats{}, nil, err
		}
		idx := perm[b:min(b+cfg.Batch, len(perm))]
		x, y, targets, idx := aug.batch(train, idx)
		res, err := net.TrainStepSoft(x, y, targets, idx, cfg, lr)
		if err != nil {
			return EpochStats{}, nil, err
		}
		if math.IsNaN(res.Loss) || math.IsInf(res.Loss, 0) {
			return EpochStats{}, nil, fmt.Errorf("training diverged at epoch %d: the training loss is %g; lower the learning rate (now %g) or check the data's scale", epoch, res.Loss, lr)
		}
		lossSum += res.Loss * float64(len(idx))
		correct += res.Correct
		seen += len(idx)
	}
	st := EpochStats{Epoch: epoch, LR: lr, TrainLoss: lossSum / float64(seen), TrainAcc: float64(correct) / float64(seen)}
	sd, err := net.StateDict()
	if err != nil {
		return EpochStats{}, nil, err
	}
	if err := sd.Check(net.Model); err != nil {
		return EpochStats{}, nil, fmt.Errorf("training diverged at epoch %d: %v; lower the learning rate (now %g) or check the data's scale", epoch, err, lr)
	}
	if val != nil {
		vm, err := net.Evaluate(val)
		if err != nil {
			return EpochStats{}, nil, fmt.Errorf("epoch %d, validation set: %w", epoch, err)
		}
		st.ValLoss, st.ValAcc = vm.Loss, vm.Accuracy
	}
	if test != nil && test.Len() > 0 {
		tm, err := net.Evaluate(test)
		if err != nil {
			return EpochStats{}, nil, fmt.Errorf("epoch %d, test set: %w", epoch, err)
		}
		st.TestLoss, st.TestAcc = tm.Loss, tm.Accuracy
	}
	st.Seconds = time.Since(start).Seconds()
	return st, sd, nil
}

// finish puts the selected epoch's model in the network and evaluates it.
func finish(run *Run, net *Net, sel *ModelSelection, val, test *eeg.Dataset) (*Run, error) {
	run.Complete = true
	run.BestEpoch = run.Final().Epoch
	if sel.Rule != SelectLast && sel.best != nil {
		if err := net.SetStateDict(sel.best); err != nil {
			return run, err
		}
		run.BestEpoch = sel.BestEpoch
	}
	if val != nil {
		vm, err := net.Evaluate(val)
		if err != nil {
			return run, err
		}
		run.Val = &vm
	}
	if test != nil && test.Len() > 0 {
		tm, err := net.Evaluate(test)
		if err != nil {
			return run, err
		}
		run.Test = tm
	}
	return run, nil
}
