package lab_test

import (
	"bytes"
	"image/png"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/datasets"
	"github.com/eegkit/eegkit/eegkit/experiments"
	"github.com/eegkit/eegkit/eegkit/lab"
	"github.com/eegkit/eegkit/eegkit/metrics"
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/plot"
	"github.com/eegkit/eegkit/eegkit/train"
)

func fakeRun(t *testing.T, model string, act nn.Activation, trainAcc float64, testAccs ...float64) *train.Run {
	t.Helper()
	m, _ := models.New(model, act)
	net, err := train.NewNet(m, nn.InitWeights(m, 1), 1, train.Device{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := train.Preset(model, act)
	cfg.Epochs = len(testAccs)
	r := &train.Run{Config: cfg, Data: "test data", Net: net, Test: metrics.Metrics{Trials: 1080}}
	for i, a := range testAccs {
		r.History = append(r.History, train.EpochStats{Epoch: i + 1, TrainAcc: trainAcc, TestAcc: a})
	}
	return r
}

func TestLabReport(t *testing.T) {
	runs := lab.Runs{"eegnet": {}, "deepconvnet": {}}
	acc := map[string][3]float64{"eegnet": {0.85, 0.83, 0.84}, "deepconvnet": {0.75, 0.77, 0.76}}
	for _, model := range lab.Models() {
		for i, act := range nn.Activations() {
			runs[model][act] = fakeRun(t, model, act, 0.95, 0.80, acc[model][i]+0.02, acc[model][i])
		}
	}
	model, act, best := runs.Best()
	if model != "eegnet" || act != nn.ReLU || best.Final().TestAcc != 0.85 {
		t.Errorf("best %s/%s", model, act.Name())
	}
	if table, best := runs.Table1(); best != "EEGNet/ReLU" || !strings.Contains(table, "| EEGNet | **85.00 % [") || strings.Count(table, " [") != 6 {
		t.Errorf("Table 1 with intervals (best %s):\n%s", best, table)
	}
	if model, act, r := runs.RunnerUp(); model != "eegnet" || act != nn.ELU || r.Final().TestAcc != 0.84 {
		t.Errorf("runner-up %s/%s", model, act.Name())
	}
	d := runs.Discussion()
	for _, want := range []string{
		"**Best run**: EEGNet with ReLU, 85.00% test accuracy after 3 epochs (batch 64, learning rate 0.001)",
		"EEGNet reaches 84.00% and DeepConvNet 76.00% (+8.00 points)",
		"ReLU 85.00%, ELU 84.00%, LeakyReLU 83.00%: a spread of 2.00 points",
		"exceeds test accuracy most for DeepConvNet with ReLU, by 20.00 points",
		"would report 87.00% for the best run (epoch 2) instead of 85.00%",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("discussion lacks %q:\n%s", want, d)
		}
	}
	// When the last epoch is also the best on the test set, there is no optimism to report.
	runs["eegnet"][nn.ReLU] = fakeRun(t, "eegnet", nn.ReLU, 0.95, 0.80, 0.82, 0.85)
	if d := runs.Discussion(); !strings.Contains(d, "would change nothing here: the best run's last epoch (85.00%) is also its best") || strings.Contains(d, "0.00 points of optimism") {
		t.Errorf("discussion without optimism:\n%s", d)
	}
	if h := lab.HyperparameterTable(best); !strings.Contains(h, "| batch size | 64 |") || !strings.Contains(h, "| parameters | 17874 |") {
		t.Errorf("hyperparameters:\n%s", h)
	}
	if runs.Data() != "test data" || runs.ModelName("deepconvnet") != "DeepConvNet" || len(runs.Histories("eegnet")) != 3 {
		t.Error("LabRuns accessors")
	}
	table, bestName := lab.Table1(runs.Accuracies())
	if bestName != "EEGNet/ReLU" || !strings.Contains(table, "| DeepConvNet | 75.00% | 77.00% | 76.00% |") {
		t.Errorf("table %s\n%s", bestName, table)
	}
}

func TestDataReport(t *testing.T) {
	ld, err := datasets.LoadLab("../datasets/testdata/lab")
	if err != nil {
		t.Fatal(err)
	}
	r := lab.DataReport(ld)
	for _, want := range []string{"| train | S4b | 4 | 2 | 2 | 2 |", "| test | X11b | 4 | 2 | 2 | 0 |", "user data"} {
		if !strings.Contains(r, want) {
			t.Errorf("report lacks %q:\n%s", want, r)
		}
	}
	if ld.Train.FirstOfClass(1) != 1 || ld.Train.FirstOfClass(0) != 0 {
		t.Errorf("FirstOfClass: %d %d", ld.Train.FirstOfClass(0), ld.Train.FirstOfClass(1))
	}
}

// TestFigureRendering: figures render as a 2× PNG (1536 × 960) and an SVG,
// the legend stands outside the axes, ticks fall on round values, and heat
// map labels contrast with their cells.
func TestFigureRendering(t *testing.T) {
	h := []train.EpochStats{{Epoch: 1, TrainAcc: 0.5, TestAcc: 0.52}, {Epoch: 300, TrainAcc: 0.99, TestAcc: 0.83}}
	f, err := plot.AccuracyFigure("EEGNet", map[nn.Activation][]train.EpochStats{nn.ReLU: h, nn.ELU: h})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := f.Render("png")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil || img.Bounds().Dx() != 1536 || img.Bounds().Dy() != 960 {
		t.Fatalf("PNG %v, %v", img.Bounds(), err)
	}
	svg, err := f.Render("svg")
	if err != nil || !bytes.Contains(svg, []byte("<svg")) || !bytes.Contains(svg, []byte("relu_train")) {
		t.Errorf("SVG: %v", err)
	}
	if f.Y.Min != 50 || f.Y.Max != 100 || f.X.Min != 1 || f.X.Max != 300 {
		t.Errorf("axes %g..%g, x %g..%g (epochs count from 1)", f.Y.Min, f.Y.Max, f.X.Min, f.X.Max)
	}
	// Epoch axes: whole epochs from the first, for a short run and a long one.
	for _, c := range []struct {
		lo, hi float64
		want   []string
	}{
		{1, 3, []string{"1", "2", "3"}},
		{1, 2, []string{"1", "2"}},
		{1, 300, []string{"1", "50", "100", "150", "200", "250", "300"}},
		{1, 20, []string{"1", "5", "10", "15", "20"}},
	} {
		var got []string
		for _, tk := range (plot.EpochTicks{}).Ticks(c.lo, c.hi) {
			got = append(got, tk.Label)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("epoch ticks of %g..%g: %v, want %v", c.lo, c.hi, got, c.want)
		}
	}
	for _, c := range []struct {
		lo, hi float64
		want   []float64
	}{
		{0, 300, []float64{0, 50, 100, 150, 200, 250, 300}},
		{50, 100, []float64{50, 60, 70, 80, 90, 100}},
		{76, 86, []float64{76, 78, 80, 82, 84, 86}},
		{0, 2, []float64{0, 0.5, 1, 1.5, 2}},
	} {
		var got []float64
		for _, tk := range (plot.RoundTicks{}).Ticks(c.lo, c.hi) {
			if tk.Label != "" {
				got = append(got, tk.Value)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("ticks of %g..%g: %v, want %v", c.lo, c.hi, got, c.want)
		}
	}
	hm, err := plot.HeatmapFigure("t", "batch", "lr", []string{"12", "64"}, []string{"0.001"}, [][]float64{{0.9}, {0.6}})
	if err != nil || hm.ColorBar == nil {
		t.Fatalf("heat map: %v, colour bar %v", err, hm != nil && hm.ColorBar != nil)
	}
	if _, err := hm.Render("png"); err != nil {
		t.Fatal(err)
	}
}

// TestNotebookMarkdown: the model summary and the metrics render as Markdown
// tables (a notebook wraps them to its width; fixed-width text ran on or
// overflowed), with the same numbers as the plain-text reports.
func TestNotebookMarkdown(t *testing.T) {
	sum, err := models.EEGNet(nn.ELU).SummaryMarkdown()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| layer | module | output shape | params |", "| firstConv.0 | `Conv2d(1, 16, kernel_size=(1, 51)", "| classify.0 | `Linear(in_features=736, out_features=2, bias=True)` | `[-1, 2]` | 1474 |", "Total trainable parameters: 17874"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
	for _, line := range strings.Split(sum, "\n") {
		if strings.HasPrefix(line, "|") && strings.Count(line, "|") != 5 {
			t.Errorf("summary row with %d cells: %q", strings.Count(line, "|")-1, line)
		}
	}
	m := metrics.Metrics{Trials: 10, Accuracy: 0.7, Loss: 0.5, Kappa: 0.4, AUC: math.NaN(), Confusion: [][]int{{4, 1}, {2, 3}}, PerSubject: map[string]float64{"X11b": 0.6, "S4b": 0.8}}
	md := m.Markdown()
	for _, want := range []string{"Accuracy **70.0%** on 10 trials", "ROC-AUC undefined", "| S4b | 80.0% |\n| X11b | 60.0% |", "| left hand | 4 | 1 |\n| right hand | 2 | 3 |"} {
		if !strings.Contains(md, want) {
			t.Errorf("metrics Markdown lacks %q:\n%s", want, md)
		}
	}
}

// TestFigureCaptionNamesDataAndRuns: Figures 9 and 10 say which data and
// which runs they show, and the caption is drawn (the PNG's bottom rows are
// not blank).
func TestFigureCaptionNamesDataAndRuns(t *testing.T) {
	h := []train.EpochStats{{Epoch: 1, TrainAcc: 0.5, TestAcc: 0.52}, {Epoch: 2, TrainAcc: 0.6, TestAcc: 0.55}}
	cfg := train.TrainConfig{Model: "eegnet", Activation: "relu", Epochs: 2, Batch: 64, LR: 1e-3, Seed: 1}
	runs := lab.Runs{"eegnet": {nn.ReLU: {Config: cfg, Data: "synthetic (seed 1)", DataID: "sha256:x", History: h}}}
	f, err := runs.AccuracyFigure("eegnet")
	if err != nil {
		t.Fatal(err)
	}
	if want := "Data: synthetic (seed 1) · runs: relu " + experiments.RunID(cfg, "sha256:x"); f.Caption != want {
		t.Errorf("caption %q, want %q", f.Caption, want)
	}
	blank := func(f *plot.Figure) bool {
		raw, err := f.Render("png")
		if err != nil {
			t.Fatal(err)
		}
		img, _ := png.Decode(bytes.NewReader(raw))
		for y := img.Bounds().Max.Y - 30; y < img.Bounds().Max.Y; y++ {
			for x := 0; x < img.Bounds().Max.X/4; x++ { // left of the axis label
				if r, _, _, _ := img.At(x, y).RGBA(); r < 0xf000 {
					return false
				}
			}
		}
		return true
	}
	if blank(f) {
		t.Error("the caption is not drawn at the bottom of the PNG")
	}
	f.Caption = ""
	if !blank(f) {
		t.Error("the bottom of a figure without caption is not blank: the check above proves nothing")
	}
	if got := plot.DataCaption([]string{"a", "", "b", "a"}); got != "Data: a; b" {
		t.Errorf("dataCaption = %q", got)
	}
}
