package train

import (
	"fmt"
	"math"

	"github.com/eegkit/eegkit/eegkit/nn"
)

// A Callback is told of every finished epoch, after its evaluation, as
// GoMLX's OnStep hooks and Keras's on_epoch_end are: run.History ends with
// e, and net holds the epoch's weights. It returns why training should stop
// ("" to go on), or an error that ends the run. Fit calls the configuration's
// model selection and early stopping first, then FitOptions.Callbacks in
// order; every callback sees every epoch, and the first reason to stop is
// kept in Run.Stopped. A callback that holds state which should survive a
// resume from a checkpoint must not rely on having seen earlier epochs:
// only the built-in ones are saved in checkpoints. A run a callback stopped
// is a finished run of its configuration (the run store reuses it), as one
// that early stopping ended is.
type Callback interface {
	EpochEnd(run *Run, net *Net, e EpochStats) (stop string, err error)
}

// CallbackFunc makes a function a Callback.
type CallbackFunc func(run *Run, net *Net, e EpochStats) (string, error)

// EpochEnd calls f.
func (f CallbackFunc) EpochEnd(run *Run, net *Net, e EpochStats) (string, error) {
	return f(run, net, e)
}

// ModelSelection keeps the weights of the best epoch by a validation score
// (TrainConfig.Select): the lowest validation loss, or the highest
// validation accuracy with ties broken by the lower loss. With SelectLast it
// keeps nothing and the final epoch's model is the run's. Fit builds it from
// the configuration and saves its state in checkpoints.
type ModelSelection struct {
	Rule      string // SelectLast, SelectValLoss or SelectValAcc
	BestEpoch int    // the best epoch so far (the last one under SelectLast)
	best      nn.StateDict
	bestLoss  float64
	bestAcc   float64
}

// NewModelSelection returns a selection by rule that has seen no epoch.
func NewModelSelection(rule string) *ModelSelection {
	return &ModelSelection{Rule: rule, bestLoss: math.Inf(1), bestAcc: -1}
}

// EpochEnd records an epoch and copies the weights when it is the best so far.
func (s *ModelSelection) EpochEnd(_ *Run, net *Net, e EpochStats) (string, error) {
	better := false
	switch s.Rule {
	case SelectLast:
		s.BestEpoch = e.Epoch
		return "", nil
	case SelectValLoss:
		better = e.ValLoss < s.bestLoss
	case SelectValAcc:
		better = e.ValAcc > s.bestAcc || (e.ValAcc == s.bestAcc && e.ValLoss < s.bestLoss)
	}
	if !better {
		return "", nil
	}
	sd, err := net.StateDict()
	if err != nil {
		return "", err
	}
	s.best, s.BestEpoch, s.bestLoss, s.bestAcc = sd, e.Epoch, e.ValLoss, e.ValAcc
	return "", nil
}

// EarlyStopping stops training after Patience epochs without a better
// epoch by Selection (TrainConfig.Patience).
type EarlyStopping struct {
	Patience  int
	Selection *ModelSelection
}

// EpochEnd says to stop when the best epoch is Patience epochs back.
func (es *EarlyStopping) EpochEnd(_ *Run, _ *Net, e EpochStats) (string, error) {
	if es.Patience > 0 && e.Epoch-es.Selection.BestEpoch >= es.Patience {
		return fmt.Sprintf("early stopping: %d epochs without a better validation score than epoch %d's", es.Patience, es.Selection.BestEpoch), nil
	}
	return "", nil
}
