package train_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/datasets"
	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/experiments"
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/train"
)

// shapedData is a small K-class problem of c channels × t samples at rate
// Hz: class k has a 10 Hz rhythm on channel k mod c.
func shapedData(c, t, k, n int, rate float64) *eeg.Data {
	rng := rand.New(rand.NewPCG(7, 7))
	names := make([]string, c)
	for i := range names {
		names[i] = "E" + string(rune('1'+i))
	}
	classes := make([]string, k)
	for i := range classes {
		classes[i] = "class " + string(rune('A'+i))
	}
	mk := func(n int) *eeg.Dataset {
		ds := &eeg.Dataset{Shape: eeg.Shape{ChannelNames: names, Times: t, Rate: rate, ClassNames: classes}, Subjects: []string{"s1"}}
		for i := range n {
			y := i % k
			for ch := range c {
				for s := range t {
					v := rng.NormFloat64()
					if ch == y%c {
						v += 3 * float64(s%13) / 13
					}
					ds.X = append(ds.X, float32(v))
				}
			}
			ds.Y = append(ds.Y, int32(y))
			ds.Subject = append(ds.Subject, 0)
		}
		return ds
	}
	return &eeg.Data{Train: mk(n), Test: mk(n / 2), Source: "shaped test data"}
}

// TestFitAnyShape trains registered models on data that is not the lab's
// (3 channels × 200 samples, 3 classes), saves, reloads and reuses the run.
func TestFitAnyShape(t *testing.T) {
	data := shapedData(3, 200, 3, 48, 100)
	for _, name := range []string{"eegnetv4", "shallowfbcspnet"} {
		t.Run(name, func(t *testing.T) {
			cfg, err := train.Preset(name, nn.NoActivation)
			if err != nil {
				t.Fatal(err)
			}
			cfg.Epochs, cfg.Batch = 2, 16
			if cfg.Input != nil {
				t.Fatalf("the preset has input %+v, want nil (the lab's)", cfg.Input)
			}
			if bound := cfg.ForData(data); bound.Input == nil || *bound.Input != (train.Input{Chans: 3, Times: 200, Classes: 3}) {
				t.Fatalf("ForData: input %+v", bound.Input)
			}
			// The store binds the preset, as written, to the data: training,
			// RunDir and Load name the same run.
			store := experiments.OpenStore(t.TempDir())
			run, reused, err := store.Fit(context.Background(), cfg, data, train.FitOptions{Device: testDevice(t)})
			if err != nil || reused {
				t.Fatalf("train: reused %v, %v", reused, err)
			}
			if len(run.Test.Confusion) != 3 || run.Net.Model.Input != (nn.Shape3{1, 3, 200}) {
				t.Fatalf("confusion %v, input %v", run.Test.Confusion, run.Net.Model.Input)
			}
			again, reused, err := store.Fit(context.Background(), cfg, data, train.FitOptions{Device: testDevice(t)})
			if err != nil || !reused || again.Test.Accuracy != run.Test.Accuracy {
				t.Fatalf("second train: reused %v, accuracy %v vs %v, %v", reused, again.Test.Accuracy, run.Test.Accuracy, err)
			}
			m, err := again.Net.Evaluate(data.Test)
			if err != nil || m.Accuracy != run.Test.Accuracy {
				t.Fatalf("reloaded model: %v, %v", m.Accuracy, err)
			}
			if loaded, err := train.LoadRun(store.RunDir(cfg, data)); err != nil || loaded.Config.Input == nil {
				t.Fatalf("RunDir of the preset as written: %v", err)
			}
			if runs, err := store.Load([]train.TrainConfig{cfg}, data); err != nil || runs[0].Test.Accuracy != run.Test.Accuracy {
				t.Fatalf("Load of the preset as written: %v", err)
			}
		})
	}
}

// TestFitShapeErrors: data and a model that do not fit together fail
// before training, saying what to change.
func TestFitShapeErrors(t *testing.T) {
	data := shapedData(3, 200, 3, 24, 100)
	// A tweaked model is saved as its architecture, built for its own input.
	o := models.DefaultEEGNetV4Options()
	o.F1 = 4
	lab, err := models.EEGNetV4(datasets.LabShape().NChans(), 2, datasets.LabShape().Times, o)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := train.TrainConfig{Epochs: 1, Batch: 8, LR: 1e-3, Seed: 1}.WithModel(lab)
	if err != nil {
		t.Fatal(err)
	}
	mixed := shapedData(3, 200, 3, 24, 100)
	mixed.Test = shapedData(2, 200, 3, 24, 100).Test
	torn := shapedData(3, 200, 3, 24, 100)
	torn.Train.X = torn.Train.X[:len(torn.Train.X)-1]
	preset, _ := train.Preset("eegnet", nn.ELU)
	preset.Epochs = 1
	for _, tc := range []struct {
		name string
		cfg  train.TrainConfig
		data *eeg.Data
		want string
	}{
		{"classes", cfg, data, "has 2 outputs but the data has 3 classes"},
		{"channels", cfg, shapedData(3, 200, 2, 24, 100), "takes trials of 2 channels × 750 samples but the data's are 3 channels (E1, E2, E3) × 200 samples at 100 Hz"},
		{"test set", preset, mixed, "the test set's are 2 channels"},
		{"values", preset, torn, "holds 14399 values for 24 trials"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := train.Fit(context.Background(), tc.cfg, tc.data, train.FitOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

// TestCallbacks: a callback sees every epoch with the run so far, can stop
// the training (the reason is kept, and survives a resume from the
// checkpoint), and its error ends the run naming the epoch.
func TestCallbacks(t *testing.T) {
	data := shapedData(2, 120, 2, 32, 60)
	cfg, err := train.Preset("shallowfbcspnet", nn.NoActivation)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Epochs, cfg.Batch = 6, 16
	var seen []int
	stopAt3 := train.CallbackFunc(func(run *train.Run, net *train.Net, e train.EpochStats) (string, error) {
		if len(run.History) != e.Epoch || net == nil {
			t.Errorf("epoch %d: history of %d epochs", e.Epoch, len(run.History))
		}
		seen = append(seen, e.Epoch)
		if e.Epoch == 3 {
			return "enough at epoch 3", nil
		}
		return "", nil
	})
	dir := t.TempDir()
	run, err := train.Fit(context.Background(), cfg, data, train.FitOptions{Callbacks: []train.Callback{stopAt3}, CheckpointDir: dir, CheckpointEvery: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(run.History) != 3 || !run.Complete || run.Stopped != "enough at epoch 3" || run.BestEpoch != 3 || len(seen) != 3 {
		t.Fatalf("history %d, complete %v, stopped %q, best %d, seen %v", len(run.History), run.Complete, run.Stopped, run.BestEpoch, seen)
	}
	again, err := train.Fit(context.Background(), cfg, data, train.FitOptions{CheckpointDir: dir, CheckpointEvery: 1})
	if err != nil || len(again.History) != 3 || again.Stopped != run.Stopped || again.Test.Accuracy != run.Test.Accuracy {
		t.Fatalf("resumed: %d epochs, stopped %q, %v", len(again.History), again.Stopped, err)
	}
	failing := train.CallbackFunc(func(*train.Run, *train.Net, train.EpochStats) (string, error) { return "", errBoom })
	if _, err := train.Fit(context.Background(), cfg, data, train.FitOptions{Callbacks: []train.Callback{failing}}); err == nil || err.Error() != "epoch 1: boom" {
		t.Errorf("failing callback: %v", err)
	}
}

var errBoom = errors.New("boom")

// TestSoftTargets: a training step with one-hot soft targets is the step
// with hard labels; with mixed targets it is another.
func TestSoftTargets(t *testing.T) {
	data := shapedData(2, 120, 2, 16, 60)
	m, err := models.For("shallowfbcspnet", 2, 2, 120, nn.NoActivation)
	if err != nil {
		t.Fatal(err)
	}
	cfg := train.TrainConfig{Model: "shallowfbcspnet", Epochs: 1, Batch: 16, LR: 1e-3, Seed: 1}
	idx := make([]int, 16)
	onehot := make([]float32, 32)
	mixed := make([]float32, 32)
	for i := range idx {
		idx[i] = i
		onehot[2*i+int(data.Train.Y[i])] = 1
		mixed[2*i+int(data.Train.Y[i])], mixed[2*i+1-int(data.Train.Y[i])] = 0.7, 0.3
	}
	weights := func(targets []float32) nn.StateDict {
		net, err := train.NewNet(m, nn.InitWeights(m, 1), 1, testDevice(t))
		if err != nil {
			t.Fatal(err)
		}
		if targets == nil {
			_, err = net.TrainStep(data.Train.X, data.Train.Y, idx, cfg, 1e-3)
		} else {
			_, err = net.TrainStepSoft(data.Train.X, data.Train.Y, targets, idx, cfg, 1e-3)
		}
		if err != nil {
			t.Fatal(err)
		}
		sd, _ := net.StateDict()
		return sd
	}
	hard, soft, mix := weights(nil), weights(onehot), weights(mixed)
	same, differ := true, false
	for k, v := range hard {
		for j := range v.Data {
			same = same && math.Abs(float64(v.Data[j]-soft[k].Data[j])) <= 1e-7
			differ = differ || v.Data[j] != mix[k].Data[j]
		}
	}
	if !same || !differ {
		t.Errorf("one-hot soft targets give the hard step: %v; mixed targets another: %v", same, differ)
	}
	net, _ := train.NewNet(m, nn.InitWeights(m, 1), 1, testDevice(t))
	if _, err := net.TrainStepSoft(data.Train.X, data.Train.Y, mixed[:5], idx, cfg, 1e-3); err == nil {
		t.Error("targets of the wrong size were taken")
	}
}

// TestCroppedDecoding trains on random windows of the trials and classifies
// whole trials by their windows' mean logits; the run reloads and resumes
// with its crops.
func TestCroppedDecoding(t *testing.T) {
	if got := (train.Crops{Len: 120, Stride: 30}).Offsets(200); !slices.Equal(got, []int{0, 30, 60, 80}) {
		t.Errorf("offsets %v", got)
	}
	data := shapedData(2, 200, 2, 48, 100)
	cfg, err := train.Preset("eegnetv4", nn.NoActivation)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Epochs, cfg.Batch, cfg.Crop, cfg.CropStride = 3, 16, 120, 20
	store := experiments.OpenStore(t.TempDir())
	run, _, err := store.Train(context.Background(), cfg, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if run.Net.Model.Input[2] != 120 || run.Config.Input == nil || run.Config.Input.Times != 120 || run.Test.Trials != data.Test.Len() {
		t.Fatalf("model input %v, config input %+v, %d test trials", run.Net.Model.Input, run.Config.Input, run.Test.Trials)
	}
	again, reused, err := store.Train(context.Background(), cfg, data, nil)
	if err != nil || !reused || again.Net.Crops == nil {
		t.Fatalf("reloaded: reused %v, crops %v, %v", reused, again.Net.Crops, err)
	}
	m, err := again.Net.Evaluate(data.Test)
	if err != nil || m.Accuracy != run.Test.Accuracy {
		t.Errorf("the reloaded cropped model scores %v (%v), the run %v", m.Accuracy, err, run.Test.Accuracy)
	}
	// Resumed after an interruption, a cropped run ends where an uninterrupted one does.
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	train.Fit(ctx, cfg, data, train.FitOptions{CheckpointDir: dir, CheckpointEvery: 1, Progress: func(e train.EpochStats) {
		if e.Epoch == 1 {
			cancel()
		}
	}})
	resumed, err := train.Fit(context.Background(), cfg, data, train.FitOptions{CheckpointDir: dir, CheckpointEvery: 1})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := run.Net.StateDict()
	b, _ := resumed.Net.StateDict()
	for k := range a {
		if !slices.Equal(a[k].Data, b[k].Data) {
			t.Errorf("%s differs after resuming a cropped run", k)
		}
	}
	cfg.Crop = 200
	if _, err := train.Fit(context.Background(), cfg, data, train.FitOptions{}); err == nil || !strings.Contains(err.Error(), "need trials longer than that") {
		t.Errorf("crops as long as the trials: %v", err)
	}
}
