package train_test

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/lab"
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/npz"
)

func TestInitWeightsFollowsPyTorchDefaults(t *testing.T) {
	m := models.EEGNet(nn.ELU)
	sd := nn.InitWeights(m, 3)
	if err := sd.Check(m); err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Params() {
		data := sd[p.FullName].Data
		switch p.Init {
		case nn.InitUniform:
			bound := 1 / math.Sqrt(float64(p.FanIn))
			lo, hi := float64(data[0]), float64(data[0])
			for _, v := range data {
				lo, hi = math.Min(lo, float64(v)), math.Max(hi, float64(v))
			}
			if lo < -bound || hi > bound || (len(data) > 100 && (hi < 0.9*bound || lo > -0.9*bound)) {
				t.Errorf("%s: range [%g, %g], want within ±%g and filling it", p.FullName, lo, hi, bound)
			}
		case nn.InitOne:
			if data[0] != 1 {
				t.Errorf("%s = %v, want 1", p.FullName, data[0])
			}
		}
	}
	other := nn.InitWeights(m, 3)
	if maxAbsDiff(sd["firstConv.0.weight"].Data, other["firstConv.0.weight"].Data) != 0 {
		t.Error("same seed gave different weights")
	}
	if maxAbsDiff(sd["firstConv.0.weight"].Data, nn.InitWeights(m, 4)["firstConv.0.weight"].Data) == 0 {
		t.Error("different seeds gave the same weights")
	}
}

func TestWeightsRoundTrip(t *testing.T) {
	for _, model := range lab.Models() {
		m, _ := models.New(model, nn.ReLU)
		sd := nn.InitWeights(m, 1)
		var counter string
		for _, p := range m.Params() {
			if p.Int64 {
				counter = p.FullName
				break
			}
		}
		sd[counter] = &nn.Tensor{Shape: []int{}, Data: []float32{42}}
		path := filepath.Join(t.TempDir(), "w.npz")
		if err := nn.SaveWeights(path, m, sd); err != nil {
			t.Fatal(err)
		}
		back, err := nn.LoadWeights(path, m)
		if err != nil {
			t.Fatal(err)
		}
		for name, v := range sd {
			if d := maxAbsDiff(v.Data, back[name].Data); d != 0 {
				t.Errorf("%s: %s differs by %g", model, name, d)
			}
		}
		z, err := npz.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		a, err := z.Array(counter)
		z.Close()
		if err != nil || a.DType != "<i8" || len(a.Shape) != 0 || a.Data[0] != 42 {
			t.Errorf("num_batches_tracked stored as %+v, %v; want int64 scalar 42", a, err)
		}
	}
}

func TestLoadWeightsErrors(t *testing.T) {
	dir := t.TempDir()
	eeg := models.EEGNet(nn.ReLU)
	path := filepath.Join(dir, "eegnet.npz")
	if err := nn.SaveWeights(path, eeg, nn.InitWeights(eeg, 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := nn.LoadWeights(path, models.DeepConvNet(nn.ReLU)); err == nil || !strings.Contains(err.Error(), "weights for DeepConvNet") {
		t.Errorf("EEGNet weights loaded as DeepConvNet: %v", err)
	}
	sd := nn.InitWeights(eeg, 1)
	sd["classify.0.weight"].Data[3] = float32(math.NaN())
	if err := nn.SaveWeights(filepath.Join(dir, "nan.npz"), eeg, sd); err == nil || !strings.Contains(err.Error(), "NaN") {
		t.Errorf("NaN weights saved: %v", err)
	}
	sd = nn.InitWeights(eeg, 1)
	sd["classify.0.weight"] = &nn.Tensor{Shape: []int{2, 700}, Data: make([]float32, 1400)}
	if err := sd.Check(eeg); err == nil || !strings.Contains(err.Error(), "shape [2 700], want [2 736]") {
		t.Errorf("wrong shape: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "junk.npz"), []byte("junk"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := nn.LoadWeights(filepath.Join(dir, "junk.npz"), eeg); err == nil {
		t.Error("junk loaded")
	}
}
