package train_test

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/experiments"
	"github.com/eegkit/eegkit/eegkit/internal/synthtest"
	"github.com/eegkit/eegkit/eegkit/lab"
	"github.com/eegkit/eegkit/eegkit/metrics"
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/train"
	"github.com/gomlx/gomlx/core/graph"
)

// shallowConvNet is the notebook's ShallowConvNet cell, written with the
// public API: Schirrmeister's shallow network in the lab's layout.
func shallowConvNet() *nn.Model {
	return &nn.Model{Name: "ShallowConvNet", Act: nn.NoActivation, Input: models.LabInput, Blocks: []nn.Block{
		{Name: "features", Layers: []nn.Layer{
			nn.Conv2d{In: 1, Out: 40, Kernel: [2]int{1, 25}, Bias: true}, // temporal filters
			nn.Conv2d{In: 40, Out: 40, Kernel: [2]int{2, 1}},             // spatial filters across C3 and C4
			nn.BatchNorm(40),
			nn.Squared{},
			nn.Pool2d{Kernel: [2]int{1, 75}, Stride: [2]int{1, 15}}, // overlapping average pooling
			nn.SafeLog{},
			nn.Dropout{P: 0.5},
		}},
		{Name: "classify", Layers: []nn.Layer{nn.Linear{Out: 2}}}, // its input size is inferred
	}}
}

// TestSpecRoundTrip: every model NewModel builds, and a model of one's own,
// turns into data and back into the same model.
func TestSpecRoundTrip(t *testing.T) {
	all := []*nn.Model{shallowConvNet()}
	for _, name := range append(append([]string(nil), lab.Models()...), "eegnetv4") {
		m, err := models.New(name, nn.LeakyReLU)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, m)
	}
	s, _ := models.New("shallowfbcspnet", nn.NoActivation)
	all = append(all, s)
	for _, m := range all {
		want, err := m.Build()
		if err != nil {
			t.Fatal(err)
		}
		spec, err := want.Spec()
		if err != nil {
			t.Fatal(err)
		}
		got, err := spec.Model()
		if err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the rebuilt model differs:\n got %+v\nwant %+v", m.Name, got, want)
		}
	}
}

// TestTrainAModelOfYourOwn: a model defined in a notebook cell trains
// through the store, is saved with its architecture, and loads back without
// code; the lab's models keep their run ids; what cannot be saved or does
// not fit the data is a clear error before training.
func TestTrainAModelOfYourOwn(t *testing.T) {
	data := synthtest.Small(t)
	base := train.TrainConfig{Epochs: 1, Batch: 32, LR: 1e-3, Seed: 1}
	cfg, err := base.WithModel(shallowConvNet())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Model != "shallowconvnet" || cfg.Activation != "" || cfg.Arch == nil {
		t.Fatalf("WithModel: %q %q arch %v", cfg.Model, cfg.Activation, cfg.Arch != nil)
	}
	store := experiments.OpenStore(t.TempDir())
	run, _, err := store.Fit(context.Background(), cfg, data, train.FitOptions{Device: testDevice(t)})
	if err != nil {
		t.Fatal(err)
	}
	dir := store.RunDir(cfg, data)
	if !strings.Contains(dir, "shallowconvnet-b32-lr0.001-e1-s1-") {
		t.Errorf("run directory %s", dir)
	}
	loaded, err := train.LoadRunOn(dir, testDevice(t))
	if err != nil {
		t.Fatal(err)
	}
	a, err := run.Net.Logits(data.Test.X, data.Test.Len())
	if err != nil {
		t.Fatal(err)
	}
	b, err := loaded.Net.Logits(data.Test.X, data.Test.Len())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("the loaded run's logits differ from the trained one's")
	}
	params := shallowConvNet()
	built, _ := params.Build()
	if table := experiments.CompareRuns([]*train.Run{loaded}); !strings.Contains(table, fmt.Sprintf("| shallowconvnet | %d | 32 | 0.001 | 1 |", built.NumParams())) {
		t.Errorf("CompareRuns:\n%s", table)
	}
	f, err := experiments.CompareFigure("t", []*train.Run{run, loaded})
	if err != nil || !strings.Contains(f.Caption, experiments.RunID(cfg, data.ID())) {
		t.Errorf("CompareFigure: %v, caption %q", err, f.Caption)
	}
	if _, err := f.Render("png"); err != nil {
		t.Error(err)
	}
	// The lab's EEGNet through WithModel is the preset's run, not a new one.
	preset, _ := train.Preset("eegnet", nn.ELU)
	same, err := preset.WithModel(models.EEGNet(nn.ELU))
	if err != nil || same.Arch != nil || experiments.RunID(same, "d") != experiments.RunID(preset, "d") {
		t.Errorf("WithModel(EEGNet(ELU)): arch %v, %v", same.Arch != nil, err)
	}
	// A tweak of the architecture is another run, which the lab's report leaves out.
	tweaked := models.EEGNet(nn.ELU)
	tweaked.Blocks[0].Layers[0] = nn.Conv2d{In: 1, Out: 16, Kernel: [2]int{1, 31}, Padding: [2]int{0, 15}}
	tc, err := base.WithModel(tweaked)
	if err != nil || tc.Arch == nil || experiments.RunID(tc, "d") == experiments.RunID(preset, "d") || tc.Model != "eegnet" {
		t.Fatalf("tweaked EEGNet: arch %v, %v", tc.Arch != nil, err)
	}
	if _, _, err := store.Train(context.Background(), tc, data, nil); err != nil {
		t.Fatal(err)
	}
	if latest, err := lab.Latest(store, data.ID()); err != nil || len(latest) != 0 {
		t.Errorf("the lab's report holds %v (%v), want neither ShallowConvNet nor the tweaked EEGNet", latest, err)
	}
	for _, tc := range []struct {
		name string
		m    *nn.Model
		want string
	}{
		{"a Go function", func() *nn.Model {
			m := shallowConvNet()
			m.Blocks[0].Layers[3] = nn.Func{Name: "Square()", F: func(x *graph.Node) *graph.Node { return graph.Mul(x, x) }}
			return m
		}(), "features.3 is a Func (Square()): a Go function cannot be saved with a run"},
		{"an unregistered type", func() *nn.Model {
			m := shallowConvNet()
			m.Blocks[0].Layers[3] = myLayer{}
			return m
		}(), `has type train_test.myLayer, which is not registered: call nn.RegisterLayer("myLayer", train_test.myLayer{})`},
	} {
		if _, err := base.WithModel(tc.m); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	four := shallowConvNet()
	four.Blocks[1].Layers[0] = nn.Linear{Out: 4}
	c4, err := base.WithModel(four)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := train.Fit(context.Background(), c4, data, train.FitOptions{}); err == nil || !strings.Contains(err.Error(), "has 4 outputs but the data has 2 classes") {
		t.Errorf("4 outputs on 2 classes: %v", err)
	}
	spec := *cfg.Arch
	spec.Blocks = append([]nn.BlockSpec(nil), spec.Blocks...)
	spec.Blocks[0].Layers = append([]nn.LayerSpec{{Type: "Mystery"}}, spec.Blocks[0].Layers...)
	if _, err := spec.Model(); err == nil || !strings.Contains(err.Error(), `names a layer type "Mystery" that this program does not know: register it with nn.RegisterLayer`) {
		t.Errorf("unknown layer type: %v", err)
	}
}

// myLayer is a user's layer type that nobody registered.
type myLayer struct{ nn.Squared }

// TestKClasses: metrics for K > 2 classes (confusion matrix, Cohen's kappa,
// macro one-vs-rest ROC-AUC), and a 4-class model trained on 4-class data.
func TestKClasses(t *testing.T) {
	ds := &eeg.Dataset{Y: []int32{0, 1, 2, 2}, Shape: eeg.Shape{ClassNames: []string{"rest", "left", "right"}}}
	// Every class's score is highest on its own trials: each one-vs-rest AUC is 1.
	logits := [][]float32{{3, 0, 0}, {0, 3, 0}, {0, 0, 3}, {0, 1, 2}}
	m := metrics.Score(ds, logits, []int32{0, 1, 2, 2})
	if !reflect.DeepEqual(m.Confusion, [][]int{{1, 0, 0}, {0, 1, 0}, {0, 0, 2}}) || m.Accuracy != 1 || m.Kappa != 1 || m.AUC != 1 {
		t.Errorf("perfect: %+v", m)
	}
	// One rest trial called right: p_o = 3/4, p_e = (1·0 + 1·1 + 2·3)/16 = 7/16, kappa = (12/16 − 7/16)/(9/16) = 5/9.
	m = metrics.Score(ds, [][]float32{{0, 0, 3}, {0, 3, 0}, {0, 0, 3}, {0, 1, 2}}, []int32{2, 1, 2, 2})
	if math.Abs(m.Kappa-5.0/9) > 1e-12 || !strings.Contains(m.Markdown(), "| true \\ predicted | rest | left | right |") {
		t.Errorf("kappa %g (want 5/9):\n%s", m.Kappa, m.Markdown())
	}
	if got := metrics.CohenKappa([][]int{{10, 0}, {0, 10}}); got != 1 {
		t.Errorf("2-class kappa %g", got)
	}

	data := synthtest.Small(t)
	four := func(d *eeg.Dataset) *eeg.Dataset {
		c := d.Subset(func() []int {
			idx := make([]int, d.Len())
			for i := range idx {
				idx[i] = i
			}
			return idx
		}())
		c.ClassNames = []string{"a", "b", "c", "d"}
		for i := range c.Y {
			c.Y[i] = c.Y[i]*2 + int32(i%2)
		}
		return c
	}
	data4 := &eeg.Data{Train: four(data.Train), Test: four(data.Test), Source: "four classes"}
	m4 := shallowConvNet()
	m4.Blocks[1].Layers[0] = nn.Linear{Out: 4}
	cfg, err := train.TrainConfig{Epochs: 1, Batch: 32, LR: 1e-3, Seed: 1}.WithModel(m4)
	if err != nil {
		t.Fatal(err)
	}
	run, err := train.Fit(context.Background(), cfg, data4, train.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, row := range run.Test.Confusion {
		if len(row) != 4 {
			t.Fatalf("confusion %v", run.Test.Confusion)
		}
		for _, v := range row {
			total += v
		}
	}
	if total != data4.Test.Len() || len(run.Test.Confusion) != 4 || math.IsNaN(run.Test.AUC) || !reflect.DeepEqual(run.Test.Classes, []string{"a", "b", "c", "d"}) {
		t.Errorf("4-class run: confusion %v, AUC %g, classes %v", run.Test.Confusion, run.Test.AUC, run.Test.Classes)
	}
	bad := four(data.Train)
	bad.Y[3] = 7
	if _, err := train.Fit(context.Background(), cfg, &eeg.Data{Train: bad, Test: data4.Test}, train.FitOptions{}); err == nil || !strings.Contains(err.Error(), "trial 3 has label 7, outside the data's 4 classes") {
		t.Errorf("label 7: %v", err)
	}
}
