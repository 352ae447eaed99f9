package train

import (
	"fmt"
	"math"
	"reflect"
	"strings"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
)

// TrainConfig holds a training run's hyperparameters. The zero values of
// Beta1, Beta2 and Eps mean PyTorch's Adam defaults.
type TrainConfig struct {
	Model       string   `json:"model"`             // "eegnet", "deepconvnet", a zoo name, or the key of Arch
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

	// The validation protocol. With ValFraction zero (the default) a run
	// follows the lab's protocol: a fixed number of epochs and the final
	// epoch's model.
	ValFraction float64 `json:"val_fraction,omitempty"` // share of each subject's trials of each class held out of training for validation
	Select      string  `json:"select,omitempty"`       // which epoch's model to keep: "last" (default), "val_loss" or "val_acc"
	Patience    int     `json:"patience,omitempty"`     // stop after this many epochs without a better validation score (0: never)

	// The learning-rate schedule, stepped once per epoch as PyTorch's schedulers are.
	Schedule  string  `json:"schedule,omitempty"`   // "constant" (default), "step" (StepLR) or "cosine" (CosineAnnealingLR over Epochs)
	StepEvery int     `json:"step_every,omitempty"` // step schedule: epochs between decays
	Gamma     float64 `json:"gamma,omitempty"`      // step schedule: decay factor (0.1 when zero)

	// The optimizer, loss and gradient beyond the lab's Adam and
	// cross-entropy (torch.optim's and torch.nn's).
	Optimizer      string  `json:"optimizer,omitempty"`       // "adam" (default), "adamw" or "sgd" (see Optimizers)
	Momentum       float64 `json:"momentum,omitempty"`        // sgd: momentum (0: none)
	Nesterov       bool    `json:"nesterov,omitempty"`        // sgd: Nesterov's momentum
	LabelSmoothing float64 `json:"label_smoothing,omitempty"` // CrossEntropyLoss's label_smoothing: targets (1−ε)·y + ε/K
	Clip           float64 `json:"clip,omitempty"`            // scale the gradients to at most this norm, as clip_grad_norm_ (0: never)
	Warmup         int     `json:"warmup,omitempty"`          // epochs of linear warm-up before the schedule (see EpochLR)

	// Augment names the per-batch transform of the training inputs: an
	// augmentation in package augment's grammar, canonical form
	// ("timeshift:25:0.5,noise:0.1:0.5"), which Fit builds itself, or the
	// Name of a FitOptions.Transform of your own; "" for none. It is part of
	// the configuration so that runs with another augmentation are other runs.
	Augment string `json:"augment,omitempty"`

	// Arch is the architecture of a model that is not what NewModel(Model,
	// Activation) builds (one of your own, or a tweaked one), as data; nil
	// otherwise. Set it with WithModel.
	Arch *nn.ModelSpec `json:"arch,omitempty"`

	// Crop, when > 0, is cropped decoding (Schirrmeister et al. 2017, as
	// braindecode does it): the model is built for windows of Crop samples,
	// every training trial is a window of Crop samples at a random offset
	// (drawn from the augmentation stream, saved in checkpoints), and a
	// trial is classified by the mean logits of its windows every
	// CropStride samples (0: Crop/4), the last window ending with the trial.
	Crop       int `json:"crop,omitempty"`
	CropStride int `json:"crop_stride,omitempty"`

	// Input is what a registered model (Model, with no Arch) is built for
	// when it is not the lab's 2 channels × 750 samples and 2 classes (nil
	// then, so the lab's runs keep their ids). ForData sets it from the data.
	Input *Input `json:"input,omitempty"`
}

// Input is the shape a registered model is built for: trials of Chans
// channels × Times samples, and Classes outputs.
type Input struct {
	Chans   int     `json:"chans"`
	Times   int     `json:"times"`
	Classes int     `json:"classes"`
	Rate    float64 `json:"rate,omitempty"` // Hz, for a model whose layers depend on it (models.Entry.Rate); else 0
}

// labInput is the input of the lab's models (2 channels × 750 samples, 2
// classes), which runs record as no Input: the identity their runs have had
// since before models had inputs of their own.
var labInput = Input{Chans: models.LabInput[1], Times: models.LabInput[2], Classes: 2}

// ForData returns c with Input set for data's training trials (nil for the
// lab's shape). A configuration with an Arch is returned as it is: its
// model's shape is its own, and Fit checks it against the data. Fit applies
// it, and so do experiments' stores and sweeps where they name a run: a
// caller passes a configuration as written.
func (c TrainConfig) ForData(data *eeg.Data) TrainConfig {
	if c.Arch != nil || data == nil || data.Train == nil {
		return c
	}
	in := Input{Chans: data.Train.NChans(), Times: data.Train.Times, Classes: len(data.Train.ClassNames)}
	if e, err := models.Lookup(c.Model); err == nil && e.Rate {
		in.Rate = data.Train.Rate
	}
	if c.Crop > 0 {
		in.Times = c.Crop
	}
	c.Input = nil
	if in != labInput {
		c.Input = &in
	}
	return c
}

// WithModel returns c set to train m: Model becomes m's key, Activation the
// name of its activation, and Arch its spec unless m is exactly what
// NewModel builds for that name (so the lab's models keep their run ids). It
// fails if m cannot be saved with a run (see Model.Spec) or does not fit
// together (see Model.Build).
func (c TrainConfig) WithModel(m *nn.Model) (TrainConfig, error) {
	built, err := m.Build()
	if err != nil {
		return c, err
	}
	spec, err := built.Spec()
	if err != nil {
		return c, err
	}
	c.Model, c.Activation, c.Arch = built.Key(), built.Act.Name(), spec
	if std, err := models.New(c.Model, built.Act); err == nil {
		if stdSpec, err := std.Spec(); err == nil && reflect.DeepEqual(stdSpec, spec) {
			c.Arch = nil
		}
	}
	return c, nil
}

// Model-selection rules for TrainConfig.Select.
const (
	SelectLast    = "last"
	SelectValLoss = "val_loss"
	SelectValAcc  = "val_acc"
)

// Learning-rate schedules for TrainConfig.Schedule.
const (
	ScheduleConstant = "constant"
	ScheduleStep     = "step"
	ScheduleCosine   = "cosine"
)

// Adam's defaults in PyTorch.
const (
	DefaultBeta1 = 0.9
	DefaultBeta2 = 0.999
	DefaultEps   = 1e-8
)

// Preset returns the default hyperparameters of a registered model and
// activation: its registry entry's batch size, learning rate, epochs and,
// where its reference trains otherwise than with Adam, optimizer, weight
// decay and schedule
// (models.PresetOf: for the lab's models the lab's, for the zoo's their
// references') and seed 1. act NoActivation is the model's own.
func Preset(model string, act nn.Activation) (TrainConfig, error) {
	m, err := models.New(model, act)
	if err != nil {
		return TrainConfig{}, err
	}
	p, err := models.PresetOf(model, act)
	if err != nil {
		return TrainConfig{}, err
	}
	return TrainConfig{Model: m.Key(), Activation: m.Act.Name(), Epochs: p.Epochs, Seed: 1, Batch: p.Batch, LR: p.LR,
		Optimizer: p.Optimizer, WeightDecay: p.WeightDecay, Schedule: p.Schedule}, nil
}

// Validate checks every hyperparameter and says what is wrong.
func (c TrainConfig) Validate() error {
	if _, err := c.BuildModel(); err != nil {
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
	case bad(c.ValFraction) || c.ValFraction < 0 || c.ValFraction > 0.5:
		return fmt.Errorf("validation fraction must be in [0, 0.5], got %g", c.ValFraction)
	case c.Select != "" && c.Select != SelectLast && c.Select != SelectValLoss && c.Select != SelectValAcc:
		return fmt.Errorf("unknown model selection %q (want %s, %s or %s)", c.Select, SelectLast, SelectValLoss, SelectValAcc)
	case c.Selection() != SelectLast && c.ValFraction == 0:
		return fmt.Errorf("selecting the model by %s needs a validation split (set a validation fraction such as 0.2)", c.Select)
	case c.Crop < 0 || c.CropStride < 0:
		return fmt.Errorf("crop and crop stride must be >= 0 samples, got %d and %d", c.Crop, c.CropStride)
	case c.CropStride > 0 && c.Crop == 0:
		return fmt.Errorf("a crop stride (%d) needs a crop length (crop)", c.CropStride)
	case c.Patience < 0:
		return fmt.Errorf("patience must be >= 0, got %d", c.Patience)
	case c.Patience > 0 && c.Selection() == SelectLast:
		return fmt.Errorf("early stopping (patience %d) needs a validation score: select by %s or %s", c.Patience, SelectValLoss, SelectValAcc)
	case c.Schedule != "" && c.Schedule != ScheduleConstant && c.Schedule != ScheduleStep && c.Schedule != ScheduleCosine:
		return fmt.Errorf("unknown learning-rate schedule %q (want %s, %s or %s)", c.Schedule, ScheduleConstant, ScheduleStep, ScheduleCosine)
	case c.Schedule == ScheduleStep && c.StepEvery < 1:
		return fmt.Errorf("the step schedule needs step_every >= 1 epochs, got %d", c.StepEvery)
	case bad(c.Gamma) || c.Gamma < 0 || c.Gamma > 1:
		return fmt.Errorf("schedule gamma must be in (0, 1], got %g", c.Gamma)
	}
	return c.checkOptimizer()
}

// Selection is the model-selection rule: Select, or SelectLast when unset.
func (c TrainConfig) Selection() string {
	if c.Select == "" {
		return SelectLast
	}
	return c.Select
}

// EpochLR is the learning rate of epoch (1-based). The first Warmup
// epochs rise linearly, lr·epoch/Warmup; the schedule then runs over the
// remaining E = Epochs − Warmup epochs, e counting them from 1: constant;
// step, lr·gamma^⌊(e−1)/StepEvery⌋ as StepLR; cosine,
// lr·(1+cos(π·(e−1)/E))/2 as CosineAnnealingLR with T_max = E. With a
// warm-up this is torch's SequentialLR of LinearLR(start_factor=1/Warmup,
// total_iters=Warmup−1) and the schedule, milestone Warmup.
func (c TrainConfig) EpochLR(epoch int) float64 {
	if epoch <= c.Warmup {
		return c.LR * float64(epoch) / float64(c.Warmup)
	}
	e, n := epoch-c.Warmup, c.Epochs-c.Warmup
	switch c.Schedule {
	case ScheduleStep:
		g := c.Gamma
		if g == 0 {
			g = 0.1
		}
		return c.LR * math.Pow(g, float64((e-1)/c.StepEvery))
	case ScheduleCosine:
		return c.LR * (1 + math.Cos(math.Pi*float64(e-1)/float64(n))) / 2
	}
	return c.LR
}

// Protocol describes how the run picks its model and what its test
// accuracy means, for reports.
func (c TrainConfig) Protocol() string {
	if c.ValFraction == 0 {
		return fmt.Sprintf("lab protocol: %d epochs on the whole training set, test accuracy of the final epoch", c.Epochs)
	}
	s := fmt.Sprintf("validation protocol: %.0f %% of each subject's training trials per class held out (drawn with the run's seed)", 100*c.ValFraction)
	switch c.Selection() {
	case SelectLast:
		s += fmt.Sprintf(", final epoch of %d", c.Epochs)
	default:
		s += fmt.Sprintf(", epoch with the best validation %s of at most %d", map[string]string{SelectValLoss: "loss", SelectValAcc: "accuracy"}[c.Selection()], c.Epochs)
		if c.Patience > 0 {
			s += fmt.Sprintf(", early stopping after %d epochs without improvement", c.Patience)
		}
	}
	return s + "; the test set is never used to choose"
}

// BuildModel returns the model the configuration describes.
func (c TrainConfig) BuildModel() (*nn.Model, error) {
	act, err := nn.ParseActivation(c.Activation)
	if err != nil {
		return nil, err
	}
	var m *nn.Model
	switch {
	case c.Arch != nil && c.Input != nil:
		return nil, fmt.Errorf("a configuration with an architecture (arch) takes its input shape from it: leave input out")
	case c.Arch != nil:
		m, err = c.Arch.Model()
	default:
		in := labInput
		if c.Input != nil {
			in = *c.Input
		}
		if in.Chans < 1 || in.Times < 1 || in.Classes < 2 {
			return nil, fmt.Errorf("input %d channels × %d samples with %d classes: want at least 1 channel, 1 sample and 2 classes", in.Chans, in.Times, in.Classes)
		}
		rate := in.Rate
		if c.Input == nil {
			rate = models.LabRate
		}
		m, err = models.ForRate(c.Model, in.Chans, in.Classes, in.Times, rate, act)
	}
	if err != nil {
		return nil, err
	}
	if c.Dropout != nil {
		m = m.WithDropout(*c.Dropout)
	}
	return m, nil
}

// Adam is Adam's β₁, β₂ and ε: the configuration's, or PyTorch's defaults
// where they are zero.
func (c TrainConfig) Adam() (b1, b2, eps float64) {
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
	name := c.Model
	if c.Activation != "" {
		name += "/" + c.Activation
	}
	s := fmt.Sprintf("%s batch %d lr %g %d epochs seed %d", name, c.Batch, c.LR, c.Epochs, c.Seed)
	if c.WeightDecay != 0 {
		s += fmt.Sprintf(" weight decay %g", c.WeightDecay)
	}
	if c.Dropout != nil {
		s += fmt.Sprintf(" dropout %g", *c.Dropout)
	}
	if t := c.Training(); t != "" {
		s += " " + strings.ReplaceAll(t, ",", "")
	}
	if c.Schedule != "" && c.Schedule != ScheduleConstant {
		s += " " + c.Schedule + " schedule"
	}
	if c.ValFraction > 0 {
		s += fmt.Sprintf(" val %g select %s", c.ValFraction, c.Selection())
		if c.Patience > 0 {
			s += fmt.Sprintf(" patience %d", c.Patience)
		}
	}
	if c.Augment != "" {
		s += " augment " + c.Augment
	}
	if c.Crop > 0 {
		s += fmt.Sprintf(" crops of %d", c.Crop)
	}
	return s
}

// Training describes how the configuration trains where it is not the
// lab's Adam on the plain cross-entropy ("sgd momentum 0.9 nesterov,
// warm-up 10, clip 1, label smoothing 0.1"); "" where it is.
func (c TrainConfig) Training() string {
	var parts []string
	if c.Optimizer != "" && c.Optimizer != OptimizerAdam || c.Momentum != 0 {
		o := c.Optim().Name()
		if c.Momentum != 0 {
			o += fmt.Sprintf(" momentum %g", c.Momentum)
			if c.Nesterov {
				o += " nesterov"
			}
		}
		parts = append(parts, o)
	}
	if c.Warmup != 0 {
		parts = append(parts, fmt.Sprintf("warm-up %d", c.Warmup))
	}
	if c.Clip != 0 {
		parts = append(parts, fmt.Sprintf("clip %g", c.Clip))
	}
	if c.LabelSmoothing != 0 {
		parts = append(parts, fmt.Sprintf("label smoothing %g", c.LabelSmoothing))
	}
	return strings.Join(parts, ", ")
}

// Crops returns the cropped decoding of the configuration, or nil without.
func (c TrainConfig) Crops() *Crops {
	if c.Crop <= 0 {
		return nil
	}
	stride := c.CropStride
	if stride == 0 {
		stride = max(1, c.Crop/4)
	}
	return &Crops{Len: c.Crop, Stride: stride}
}

// Crops are the windows of cropped decoding: Len samples every Stride.
type Crops struct{ Len, Stride int }

// Times is the number of samples the model takes for trials of t samples:
// the window's length when it is shorter than the trials, else t (also
// for no crops, c nil).
func (c *Crops) Times(t int) int {
	if c != nil && c.Len < t {
		return c.Len
	}
	return t
}

// Offsets are the windows' starts in a trial of t samples: 0, Stride, …,
// and t − Len, so that the last window ends with the trial.
func (c Crops) Offsets(t int) []int {
	var out []int
	for o := 0; o+c.Len <= t; o += c.Stride {
		out = append(out, o)
	}
	if last := t - c.Len; len(out) > 0 && out[len(out)-1] != last {
		out = append(out, last)
	}
	return out
}
