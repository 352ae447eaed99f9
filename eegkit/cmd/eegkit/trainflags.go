package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/eegkit/eegkit/eegkit/augment"
	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/train"
)

// protocolFlags are the flags of the validation protocol and the
// learning-rate schedule, shared by train and sweep.
type protocolFlags struct {
	val, gamma                *float64
	sel, schedule             *string
	patience, stepEvery, ckpt *int
	crop, cropStride          *int

	// The optimizer, loss and gradient: one value each for train; the
	// optimizers and label smoothings are comma-separated axes of a sweep.
	optimizerFlag, smoothingFlag *string
	momentum, clip               *float64
	nesterov                     *bool
	warmup                       *int
}

func addProtocolFlags(fs *flagSet) *protocolFlags {
	return &protocolFlags{
		val:        fs.Float64("val", 0, "hold out this share of each subject's training trials per class for validation (0: the lab's protocol)"),
		sel:        fs.String("select", "", "which epoch's model to keep: last, val_loss or val_acc (default: val_loss with --val, else last)"),
		patience:   fs.Int("patience", 0, "stop after this many epochs without a better validation score (0: never)"),
		schedule:   fs.String("schedule", "constant", "learning-rate schedule: constant, step or cosine"),
		stepEvery:  fs.Int("step-every", 0, "step schedule: epochs between decays"),
		gamma:      fs.Float64("gamma", 0, "step schedule: decay factor (0: 0.1)"),
		ckpt:       fs.Int("checkpoint-every", 10, "write a checkpoint every N epochs, from which a rerun resumes (0: none)"),
		crop:       fs.Int("crop", 0, "cropped decoding: train on random windows of this many samples, classify a trial by its windows' mean logits (0: whole trials)"),
		cropStride: fs.Int("crop-stride", 0, "cropped decoding: samples between the windows a trial is classified by (0: a quarter of --crop)"),

		optimizerFlag: fs.String("optimizer", "", "optimizer: "+strings.Join(train.Optimizers(), ", ")+" (torch.optim's; adamw decouples --weight-decay, torch's default for it is 0.01; default: the model's preset, adam for the lab's models)"),
		momentum:      fs.Float64("momentum", 0, "sgd: momentum (0: none)"),
		nesterov:      fs.Bool("nesterov", false, "sgd: Nesterov's momentum (needs --momentum)"),
		smoothingFlag: fs.String("label-smoothing", "0", "label smoothing ε of the cross-entropy: targets (1−ε)·y + ε/K, as torch's CrossEntropyLoss"),
		warmup:        fs.Int("warmup", 0, "epochs of linear warm-up to --lr before the schedule (torch's LinearLR then the schedule, as SequentialLR)"),
		clip:          fs.Float64("clip", 0, "clip the gradients' norm to this, as torch's clip_grad_norm_ (0: never)"),
	}
}

// trainer applies the optimizer, loss and gradient flags with one
// optimizer and one label smoothing, as train takes them.
func (p *protocolFlags) trainer(c *train.TrainConfig) error {
	if *p.optimizerFlag != "" { // else the preset's
		c.Optimizer = normalOptimizer(*p.optimizerFlag)
	}
	c.Momentum, c.Nesterov, c.Warmup, c.Clip = *p.momentum, *p.nesterov, *p.warmup, *p.clip
	eps, err := strconv.ParseFloat(strings.TrimSpace(*p.smoothingFlag), 64)
	if err != nil {
		return usageError{fmt.Errorf("--label-smoothing %q: want a number in [0, 1)", *p.smoothingFlag)}
	}
	c.LabelSmoothing = eps
	return nil
}

// normalOptimizer is "" for Adam, the default, so that naming it keeps a
// run's identity.
func normalOptimizer(name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	if name == train.OptimizerAdam {
		return ""
	}
	return name
}

func (p *protocolFlags) apply(c *train.TrainConfig) {
	c.ValFraction, c.Patience, c.StepEvery, c.Gamma = *p.val, *p.patience, *p.stepEvery, *p.gamma
	c.Crop, c.CropStride = *p.crop, *p.cropStride
	c.Select = *p.sel
	if c.Select == "" && c.ValFraction > 0 {
		c.Select = train.SelectValLoss
	}
	if *p.schedule != train.ScheduleConstant {
		c.Schedule = *p.schedule
	}
}

// protocolNeeds lists the flags that mean something only with another
// setting, and that setting: a flag given without it is refused, never
// silently ignored (nor recorded in run.json as if it had acted).
var protocolNeeds = []struct {
	flag, needs string
	given, ok   func(*protocolFlags) bool
}{
	{"--gamma", "--schedule step", func(p *protocolFlags) bool { return *p.gamma != 0 }, (*protocolFlags).stepSchedule},
	{"--step-every", "--schedule step", func(p *protocolFlags) bool { return *p.stepEvery != 0 }, (*protocolFlags).stepSchedule},
	{"--crop-stride", "--crop", func(p *protocolFlags) bool { return *p.cropStride != 0 }, func(p *protocolFlags) bool { return *p.crop != 0 }},
	{"--patience", "--val (a validation split to stop on)", func(p *protocolFlags) bool { return *p.patience != 0 }, func(p *protocolFlags) bool { return *p.val != 0 }},
}

func (p *protocolFlags) stepSchedule() bool { return *p.schedule == train.ScheduleStep }

// check says whether every flag given has what it needs (protocolNeeds)
// and returns --checkpoint-every.
func (p *protocolFlags) check() (checkpointEvery int, err error) {
	for _, n := range protocolNeeds {
		if n.given(p) && !n.ok(p) {
			return 0, usageError{fmt.Errorf("%s needs %s; without it the flag would do nothing", n.flag, n.needs)}
		}
	}
	if *p.ckpt < 0 {
		return 0, usageError{fmt.Errorf("--checkpoint-every must be >= 0, got %d", *p.ckpt)}
	}
	return *p.ckpt, nil
}

// augmentHelp describes --augment, with the transforms augment knows.
var augmentHelp = `data augmentation, e.g. "timeshift:0.2s,noise:0.1,mirror:0.5": transforms name[:value[:probability]] of ` +
	strings.Join(augment.Names(), ", ") + ` (see go doc eegkit/augment)`

// augmentSpecs canonicalises the augmentations of value for data: one spec
// for train, specs separated by ";" for sweep ("none" is no augmentation).
func augmentSpecs(value string, many bool, data *eeg.Data) ([]string, error) {
	specs := []string{value}
	if many {
		specs = strings.Split(value, ";")
	}
	var out []string
	for _, spec := range specs {
		spec = strings.TrimSpace(spec)
		if spec == "none" {
			spec = ""
		}
		p, err := augment.Parse(spec, augment.InfoOf(data.Train))
		if err != nil {
			return nil, usageError{fmt.Errorf("--augment: %w", err)}
		}
		out = append(out, p.Name())
	}
	return out, nil
}

// seedList is the seeds first, first+1, …, first+n−1.
func seedList(first uint64, n int) ([]uint64, error) {
	if n < 1 {
		return nil, usageError{fmt.Errorf("--seeds must be at least 1, got %d", n)}
	}
	s := make([]uint64, n)
	for i := range s {
		s[i] = first + uint64(i)
	}
	return s, nil
}

// list parses a comma-separated flag value with parse; empty gives nil.
func list[T any](name, value string, parse func(string) (T, error)) ([]T, error) {
	if strings.TrimSpace(value) == "" {
		return nil, nil
	}
	var out []T
	for _, f := range strings.Split(value, ",") {
		v, err := parse(strings.TrimSpace(f))
		if err != nil {
			return nil, usageError{fmt.Errorf("--%s: %q is not valid: %w", name, f, err)}
		}
		out = append(out, v)
	}
	return out, nil
}

func parseFloat(s string) (float64, error) { return strconv.ParseFloat(s, 64) }

func parseDropout(s string) (float64, error) {
	if s == "lab" {
		return -1, nil
	}
	return strconv.ParseFloat(s, 64)
}
