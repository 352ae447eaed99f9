package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/eegkit/eegkit/eegkit/datasets"
	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/experiments"
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/npz"
	"github.com/eegkit/eegkit/eegkit/train"
)

// cmdPredict is `eegkit predict`: logits and classes of the trials in an .npz file.
func cmdPredict(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("predict", "(--model-dir DIR | --model M --act A --weights W.npz) --input X.npz --out Y.npz", stdout, stderr)
	nf := newNetFlags(fs)
	input := fs.String("input", "", "input .npz with key signal: [N, samples, channels] as in the lab files or [N, 1, channels, samples]; with --weights the model is built for its channels × samples and the classes the weights hold (required)")
	out := fs.String("out", "", "output .npz with logits [N, classes] and pred [N] (required; an existing file is replaced only if it holds predictions)")
	force := fs.Bool("force", false, "replace an existing --out file even if it does not hold predictions")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *input == "" || *out == "" {
		return usageError{errors.New("--input and --out are required")}
	}
	if err := checkPredictOut(*out, *input, *nf.weights, *nf.modelDir, *force); err != nil {
		return err
	}
	net, err := nf.load(*input)
	if err != nil {
		return err
	}
	// The lab's trials for a model of the lab's input; otherwise numbered
	// channels and classes (predictions need no sampling rate).
	like := datasets.LabShape()
	if net.Model.Input != models.LabInput || net.Model.Classes() != like.NClasses() {
		like = eeg.Shape{ChannelNames: eeg.NumberedChannels(net.Model.Input[1]), Times: net.Model.Input[2]}
	}
	if net.Crops != nil && net.Crops.Len > 0 {
		like.Times = 0 // whole trials, classified by their windows' mean logits (as eval does)
	}
	trials, nans, err := eeg.ReadTrials(*input, like)
	if err != nil {
		return err
	}
	if trials.Times < net.Model.Input[2] {
		return fmt.Errorf("%s: trials of %d samples are shorter than the model's windows of %d", *input, trials.Times, net.Model.Input[2])
	}
	if nans > 0 {
		fmt.Fprintf(stderr, "eegkit predict: %d NaN values in %s replaced by the array's nanmean\n", nans, *input)
	}
	logits, pred, err := net.Predict(trials)
	if err != nil {
		return err
	}
	if err := eeg.WritePredictions(*out, logits, pred); err != nil {
		return err
	}
	names := trials.ClassNames
	counts := make([]int, max(len(names), net.Model.Classes()))
	for _, p := range pred {
		counts[p]++
	}
	var parts []string
	for c, n := range counts {
		name := fmt.Sprintf("class %d", c)
		if c < len(names) && len(counts) == len(names) {
			name = names[c]
		}
		parts = append(parts, fmt.Sprintf("%d %s", n, name))
	}
	fmt.Fprintf(stdout, "%d trials: %s; wrote %s\n", len(pred), strings.Join(parts, ", "), *out)
	return nil
}

// checkPredictOut refuses an --out that would destroy data: the input, the
// weights, a file of the model directory or a genuine course file, and
// (unless force) any existing file that does not hold predictions.
func checkPredictOut(out, input, weights, modelDir string, force bool) error {
	st, err := os.Stat(out)
	if errors.Is(err, os.ErrNotExist) {
		return checkInsideDir(out, modelDir)
	}
	if err != nil {
		return fmt.Errorf("--out %s: %w", out, err)
	}
	if st.IsDir() {
		return fmt.Errorf("--out %s is a directory; name the .npz file to write", out)
	}
	for _, other := range []struct{ flag, path string }{{"--input", input}, {"--weights", weights}} {
		if o, err := os.Stat(other.path); other.path != "" && err == nil && os.SameFile(st, o) {
			return fmt.Errorf("--out %s is the %s file; write the predictions to another file", out, other.flag)
		}
	}
	if err := checkInsideDir(out, modelDir); err != nil {
		return err
	}
	if datasets.IsGenuine(out) {
		return fmt.Errorf("--out %s is a genuine course data file; refusing to overwrite it", out)
	}
	if !force && !eeg.IsPredictionsFile(out) {
		return fmt.Errorf("--out %s exists and does not hold predictions (logits, pred); refusing to overwrite it: choose another file, or add --force", out)
	}
	return nil
}

// checkInsideDir refuses an output file inside the model directory dir.
func checkInsideDir(out, dir string) error {
	if dir == "" {
		return nil
	}
	a, err1 := filepath.Abs(filepath.Dir(out))
	b, err2 := filepath.Abs(dir)
	if ra, err := filepath.EvalSymlinks(a); err == nil {
		a = ra
	}
	if rb, err := filepath.EvalSymlinks(b); err == nil {
		b = rb
	}
	if err1 == nil && err2 == nil && a == b {
		return fmt.Errorf("--out %s is inside the model directory %s; write the predictions elsewhere", out, dir)
	}
	return nil
}

// netFlags are --model-dir, or --weights with --model and --act: a
// trained network to use.
type netFlags struct {
	modelDir, model, act, weights *string
	rate                          *float64
}

// newNetFlags adds --model-dir, --model, --act and --weights to fs.
func newNetFlags(fs *flagSet) *netFlags {
	return &netFlags{
		modelDir: fs.String("model-dir", "", "directory written by eegkit train"),
		model:    fs.String("model", "", "model for --weights: "+modelNames),
		act:      fs.String("act", "", actHelp),
		weights:  fs.String("weights", "", "state_dict .npz (PyTorch names), instead of --model-dir"),
		rate:     fs.Float64("rate", 0, "with --weights: the trials' sampling rate in Hz, for a model whose layers depend on it (eeginceptionmi; default the lab's 125 Hz for trials of the lab's shape)"),
	}
}

// load is the trained network the flags name: a run directory
// (--model-dir), or a state_dict (--weights) for --model and --act, built
// for the trials of input (when not "") and the classes of the weights.
func (f *netFlags) load(input string) (*train.Net, error) {
	modelDir, model, act, weights := *f.modelDir, *f.model, *f.act, *f.weights
	dev, err := device()
	if err != nil {
		return nil, err
	}
	switch {
	case modelDir != "" && weights != "":
		return nil, usageError{errors.New("give either --model-dir or --weights, not both")}
	case *f.rate != 0 && weights == "":
		return nil, usageError{errors.New("--rate goes with --weights: a run directory records its model's rate")}
	case *f.rate < 0:
		return nil, usageError{fmt.Errorf("--rate %g: give the sampling rate in Hz", *f.rate)}
	case modelDir != "":
		run, err := train.LoadRunOn(modelDir, dev)
		if err != nil {
			return nil, err
		}
		if err := agreesWithRun(run, modelDir, model, act); err != nil {
			return nil, err
		}
		return run.Net, nil
	case weights != "":
		if model == "" {
			return nil, usageError{errors.New("--weights needs --model (and --act where the model takes one)")}
		}
		m, err := modelFor(model, act, weights, input, *f.rate)
		if err != nil {
			return nil, err
		}
		sd, err := nn.LoadWeights(weights, m)
		if err != nil {
			return nil, err
		}
		return train.NewNet(m, sd, 1, dev)
	}
	return nil, usageError{errors.New("give --model-dir, or --weights with --model and --act")}
}

// agreesWithRun says whether --model and --act, given next to --model-dir,
// name the run's own model and activation: the run says what it is, and a
// flag that says otherwise is a mistake, not a choice.
func agreesWithRun(run *train.Run, modelDir, model, act string) error {
	cfg := run.Config
	if model != "" {
		e, err := models.Lookup(model)
		if err != nil {
			return usageError{err}
		}
		if e.Name != cfg.Model {
			return usageError{fmt.Errorf("--model %s disagrees with --model-dir %s, which holds %s: drop --model (the run says what it is), or give --weights instead of --model-dir", model, modelDir, experiments.RunLabel(run))}
		}
	}
	if act != "" {
		a, err := nn.ParseActivation(act)
		if err != nil {
			return usageError{err}
		}
		if a.Name() != cfg.Activation {
			return usageError{fmt.Errorf("--act %s disagrees with --model-dir %s, which holds %s: drop --act (the run says what it is)", act, modelDir, experiments.RunLabel(run))}
		}
	}
	return nil
}

// modelFor builds --model with --act for the channels × samples of the
// trials in input (the lab's without one) at rate Hz (the lab's 125 for
// the lab's shape when 0) and the classes of the weights:
// the first dimension of the model's last parameter (its classifier's) in
// the state_dict.
func modelFor(model, act, weights, input string, rate float64) (*nn.Model, error) {
	a, err := nn.ParseActivation(act)
	if err != nil {
		return nil, usageError{err}
	}
	chans, times := models.LabInput[1], models.LabInput[2]
	if input != "" {
		if chans, times, err = eeg.TrialsShape(input); err != nil {
			return nil, err
		}
	}
	if rate == 0 && chans == models.LabInput[1] && times == models.LabInput[2] {
		rate = models.LabRate
	}
	m, err := models.ForRate(model, chans, 2, times, rate, a)
	if err != nil {
		return nil, usageError{err}
	}
	params := m.Params()
	last := params[len(params)-1]
	z, err := npz.Open(weights)
	if err != nil {
		return nil, err
	}
	defer z.Close()
	w, err := z.Array(last.FullName)
	if err != nil || len(w.Shape) == 0 {
		return nil, fmt.Errorf("%s has no classifier %s (%v): are these weights of %s?", weights, last.FullName, err, m.Name)
	}
	if k := w.Shape[0]; k != 2 {
		return models.ForRate(model, chans, k, times, rate, a)
	}
	return m, nil
}
