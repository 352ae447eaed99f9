package eegkit

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// EpochStats is one epoch of a run's history.
type EpochStats struct {
	Epoch     int     `json:"epoch"` // 1-based
	TrainLoss float64 `json:"train_loss"`
	TrainAcc  float64 `json:"train_acc"` // over the epoch's mini-batches in training mode, as the lab's loop counts it
	TestLoss  float64 `json:"test_loss"`
	TestAcc   float64 `json:"test_acc"` // evaluation mode, after the epoch
	Seconds   float64 `json:"seconds"`  // wall time of the epoch, training and evaluation
}

// Run is a trained model with its configuration and history.
type Run struct {
	Config  TrainConfig  `json:"config"`
	Data    string       `json:"data"` // which data it was trained on (LabData.Source)
	History []EpochStats `json:"history"`
	Test    Metrics      `json:"test"` // of the final model
	Net     *Net         `json:"-"`
}

// Final is the last epoch's statistics (zero if no epoch finished).
func (r *Run) Final() EpochStats {
	if len(r.History) == 0 {
		return EpochStats{}
	}
	return r.History[len(r.History)-1]
}

// Train trains a model as the lab does: PyTorch-initialised weights from
// cfg.Seed, Adam with cross-entropy on shuffled mini-batches (the last
// partial batch included), and after every epoch an evaluation on the test
// set. progress, if not nil, is called after each epoch. When ctx is
// cancelled, Train stops after the current mini-batch and returns the run so
// far together with ctx's error, so no finished epoch is lost.
func Train(ctx context.Context, cfg TrainConfig, data *LabData, progress func(EpochStats)) (*Run, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if data == nil || data.Train == nil || data.Train.Len() < 2 {
		return nil, fmt.Errorf("training needs at least 2 training trials")
	}
	m, err := cfg.BuildModel()
	if err != nil {
		return nil, err
	}
	net, err := NewNet(m, InitWeights(m, cfg.Seed), cfg.Seed)
	if err != nil {
		return nil, err
	}
	run := &Run{Config: cfg, Data: data.Source, Net: net}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x73687566)) // "shuf"
	train := data.Train
	n := train.Len()
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		start := time.Now()
		perm := rng.Perm(n)
		var lossSum float64
		correct, seen := 0, 0
		for b := 0; b < n; b += cfg.Batch {
			if err := ctx.Err(); err != nil {
				return run, err
			}
			idx := perm[b:min(b+cfg.Batch, n)]
			if len(idx) < 2 { // BatchNorm cannot train on one trial; PyTorch would raise
				continue
			}
			res, err := net.TrainStep(train.X, train.Y, idx, cfg, cfg.LR)
			if err != nil {
				return run, err
			}
			lossSum += res.Loss * float64(len(idx))
			correct += res.Correct
			seen += len(idx)
		}
		st := EpochStats{Epoch: epoch, TrainLoss: lossSum / float64(seen), TrainAcc: float64(correct) / float64(seen)}
		if data.Test != nil && data.Test.Len() > 0 {
			tm, err := net.Evaluate(data.Test)
			if err != nil {
				return run, err
			}
			st.TestLoss, st.TestAcc = tm.Loss, tm.Accuracy
			run.Test = tm
		}
		st.Seconds = time.Since(start).Seconds()
		run.History = append(run.History, st)
		if progress != nil {
			progress(st)
		}
	}
	return run, nil
}
