package eegkit

import (
	"fmt"
	"math"
)

// TrainConfig holds a training run's hyperparameters. The zero values of
// Beta1, Beta2 and Eps mean PyTorch's Adam defaults.
type TrainConfig struct {
	Model       string   `json:"model"`             // "eegnet" or "deepconvnet"
	Activation  string   `json:"activation"`        // "relu", "leakyrelu" or "elu"
	Epochs      int      `json:"epochs"`            // passes over the training set
	Batch       int      `json:"batch"`             // mini-batch size
	LR          float64  `json:"lr"`                // Adam learning rate
	WeightDecay float64  `json:"weight_decay"`      // L2 penalty added to the gradient, as torch.optim.Adam's weight_decay
	Dropout     *float64 `json:"dropout,omitempty"` // overrides the lab's dropout probabilities when set
	Seed        uint64   `json:"seed"`              // initial weights, shuffling and dropout
	Beta1       float64  `json:"beta1,omitempty"`   // 0.9 when zero
	Beta2       float64  `json:"beta2,omitempty"`   // 0.999 when zero
	Eps         float64  `json:"eps,omitempty"`     // 1e-8 when zero
}

// Adam's defaults in PyTorch.
const (
	DefaultBeta1 = 0.9
	DefaultBeta2 = 0.999
	DefaultEps   = 1e-8
)

// LabEpochs is the number of epochs of every run in the lab.
const LabEpochs = 300

// Preset returns the lab's hyperparameters for a model and activation:
// EEGNet ReLU batch 64 lr 1e-3, LeakyReLU batch 12 lr 4e-4, ELU batch 12 lr
// 5e-4; DeepConvNet batch 64, lr 1e-3 with ReLU and 3e-4 otherwise; 300 epochs.
func Preset(model string, act Activation) (TrainConfig, error) {
	m, err := NewModel(model, act)
	if err != nil {
		return TrainConfig{}, err
	}
	c := TrainConfig{Model: m.Key(), Activation: act.Name(), Epochs: LabEpochs, Seed: 1}
	switch {
	case m.Name == "EEGNet" && act == ReLU:
		c.Batch, c.LR = 64, 1e-3
	case m.Name == "EEGNet" && act == LeakyReLU:
		c.Batch, c.LR = 12, 4e-4
	case m.Name == "EEGNet":
		c.Batch, c.LR = 12, 5e-4
	case act == ReLU:
		c.Batch, c.LR = 64, 1e-3
	default:
		c.Batch, c.LR = 64, 3e-4
	}
	return c, nil
}

// Validate checks every hyperparameter and says what is wrong.
func (c TrainConfig) Validate() error {
	if _, err := NewModel(c.Model, ReLU); err != nil {
		return err
	}
	if _, err := ParseActivation(c.Activation); err != nil {
		return err
	}
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
	switch {
	case c.Epochs < 1:
		return fmt.Errorf("epochs must be at least 1, got %d", c.Epochs)
	case c.Batch < 2:
		return fmt.Errorf("batch size must be at least 2 (BatchNorm needs two trials), got %d", c.Batch)
	case bad(c.LR) || c.LR <= 0 || c.LR > 10:
		return fmt.Errorf("learning rate must be in (0, 10], got %g", c.LR)
	case bad(c.WeightDecay) || c.WeightDecay < 0:
		return fmt.Errorf("weight decay must be >= 0, got %g", c.WeightDecay)
	case c.Dropout != nil && (bad(*c.Dropout) || *c.Dropout < 0 || *c.Dropout >= 1):
		return fmt.Errorf("dropout must be in [0, 1), got %g", *c.Dropout)
	case bad(c.Beta1) || c.Beta1 < 0 || c.Beta1 >= 1:
		return fmt.Errorf("beta1 must be in [0, 1), got %g", c.Beta1)
	case bad(c.Beta2) || c.Beta2 < 0 || c.Beta2 >= 1:
		return fmt.Errorf("beta2 must be in [0, 1), got %g", c.Beta2)
	case bad(c.Eps) || c.Eps < 0:
		return fmt.Errorf("eps must be >= 0, got %g", c.Eps)
	}
	return nil
}

// BuildModel returns the model the configuration describes.
func (c TrainConfig) BuildModel() (*Model, error) {
	act, err := ParseActivation(c.Activation)
	if err != nil {
		return nil, err
	}
	m, err := NewModel(c.Model, act)
	if err != nil {
		return nil, err
	}
	if c.Dropout != nil {
		m = m.WithDropout(*c.Dropout)
	}
	return m, nil
}

func (c TrainConfig) adam() (b1, b2, eps float64) {
	b1, b2, eps = c.Beta1, c.Beta2, c.Eps
	if b1 == 0 {
		b1 = DefaultBeta1
	}
	if b2 == 0 {
		b2 = DefaultBeta2
	}
	if eps == 0 {
		eps = DefaultEps
	}
	return
}

// String is a one-line description, e.g. "EEGNet/elu batch 12 lr 0.0005 300 epochs seed 1".
func (c TrainConfig) String() string {
	s := fmt.Sprintf("%s/%s batch %d lr %g %d epochs seed %d", c.Model, c.Activation, c.Batch, c.LR, c.Epochs, c.Seed)
	if c.WeightDecay != 0 {
		s += fmt.Sprintf(" weight decay %g", c.WeightDecay)
	}
	if c.Dropout != nil {
		s += fmt.Sprintf(" dropout %g", *c.Dropout)
	}
	return s
}
