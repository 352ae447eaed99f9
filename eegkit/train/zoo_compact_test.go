package train_test

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/internal/fixtures"
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/npz"
	"github.com/eegkit/eegkit/eegkit/train"
)

// compactFixture reads the arrays of testdata/parity/NAME.npz by key: the
// compact fixtures of scripts/zoo_fixtures.py, and optim.npz of
// scripts/optim_fixtures.py.
func compactFixture(t *testing.T, name string) map[string][]float64 {
	t.Helper()
	z, err := npz.Open(filepath.Join(fixtures.Dir(), name+".npz"))
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	out := map[string][]float64{}
	for _, k := range z.Keys() {
		a, err := z.Array(k)
		if err != nil {
			t.Fatal(err)
		}
		out[k] = a.Data
	}
	return out
}

// TestZooCompactParity compares the zoo's larger models with braindecode
// on the weights and input of scripts/zoo_fixtures.py's formula: eval
// logits for the lab's input and for BCI IV 2a's shape (22 × 1000, 4
// classes) and, for the lab's input, train logits, loss, a sample of every
// gradient (against the float64 one) and of the state after one Adam step
// (lr 1e-3, weight decay 1e-2).
func TestZooCompactParity(t *testing.T) {
	for _, tc := range []struct {
		name           string
		chans, k, time int
		rate           float64
		params         int
		full           bool
	}{
		{"eegconformer", 2, 2, 750, 125, 583426, true},
		{"eegconformer_2a", 22, 4, 1000, 250, 789572, false},
		{"eeginceptionmi", 2, 2, 750, 125, 4376930, true},
		{"eeginceptionmi_2a", 22, 4, 1000, 250, 8877988, false},
		{"atcnet", 2, 2, 750, 125, 112762, true},
		{"atcnet_2a", 22, 4, 1000, 250, 113732, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := compactFixture(t, tc.name)
			m, err := models.ForRate(strings.TrimSuffix(tc.name, "_2a"), tc.chans, tc.k, tc.time, tc.rate, nn.NoActivation)
			if err != nil {
				t.Fatal(err)
			}
			if n := m.NumParams(); n != tc.params {
				t.Errorf("%d parameters, braindecode has %d", n, tc.params)
			}
			init := fixtures.Synthetic(m)
			x := fixtures.SyntheticInput(6, tc.chans, tc.time)
			net, err := train.NewNet(m, init, 1, testDevice(t))
			if err != nil {
				t.Fatal(err)
			}
			logits, err := net.Logits(x, 6)
			if err != nil {
				t.Fatal(err)
			}
			d := maxAbsDiff(flatLogits(logits), toFloat32(fx["eval_logits"]))
			if d > 1e-4 {
				t.Errorf("eval logits differ by %g (> 1e-4)", d)
			}
			t.Logf("eval logits max abs diff %.2g", d)
			if !tc.full {
				return
			}
			m = m.WithDropout(0)
			net, err = train.NewNet(m, init, 1, testDevice(t))
			if err != nil {
				t.Fatal(err)
			}
			y := make([]int32, 6)
			for i, v := range fx["y"] {
				y[i] = int32(v)
			}
			idx := []int{0, 1, 2, 3, 4, 5}
			tl, loss, grads, err := net.Gradients(x, y, idx)
			if err != nil {
				t.Fatal(err)
			}
			if d := maxAbsDiff(flatLogits(tl), toFloat32(fx["train_logits"])); d > 1e-4 {
				t.Errorf("train logits differ by %g", d)
			}
			if d := math.Abs(loss - fx["loss"][0]); d > 1e-5 {
				t.Errorf("loss %g, braindecode %g", loss, fx["loss"][0])
			}
			// The gradients are held to the float64 ones: within 1e-4, or within
			// twice as far as PyTorch's own float32 gradients are from them where
			// that is farther (a deep stack of long convolutions sums many terms).
			worstTorch := 0.0
			for _, p := range m.Params() {
				if p.Trainable() {
					worstTorch = math.Max(worstTorch, maxAbsDiff(toFloat32(fx["grad__"+p.FullName]), toFloat32(fx["grad64__"+p.FullName])))
				}
			}
			worstGrad := 0.0
			for _, p := range m.Params() {
				if !p.Trainable() {
					continue
				}
				d := maxAbsDiff(fixtures.Sample(grads[p.FullName].Data), toFloat32(fx["grad64__"+p.FullName]))
				worstGrad = math.Max(worstGrad, d)
				if d > math.Max(1e-4, 2*worstTorch) {
					t.Errorf("gradient of %s is %g from the float64 one (PyTorch's float32 ones up to %g)", p.FullName, d, worstTorch)
				}
			}
			cfg := train.TrainConfig{Epochs: 1, Batch: 6, LR: 1e-3, WeightDecay: 1e-2}
			if _, err := net.TrainStep(x, y, idx, cfg, cfg.LR); err != nil {
				t.Fatal(err)
			}
			sd, err := net.StateDict()
			if err != nil {
				t.Fatal(err)
			}
			worstStep, ill := 0.0, 0
			for _, p := range m.Params() {
				if strings.HasSuffix(p.FullName, "num_batches_tracked") {
					continue
				}
				ours, want := fixtures.Sample(sd[p.FullName].Data), toFloat32(fx["after__"+p.FullName])
				before := fixtures.Sample(init[p.FullName].Data)
				var ourGrad []float32
				if p.Trainable() {
					ourGrad = fixtures.Sample(grads[p.FullName].Data)
				}
				for i := range want {
					if p.Trainable() {
						// Adam's first update is lr·g/(|g|+eps), about lr·sign(g): where |g| is below 1e-6,
						// or below twice either float32 gradient's distance from the float64 one (a deep
						// stack's rounding), its sign is not determined, so there it is held to Adam's
						// bound only.
						g64 := fx["grad64__"+p.FullName][i]
						noise := 2 * math.Max(math.Abs(fx["grad__"+p.FullName][i]-g64), math.Abs(float64(ourGrad[i])-g64))
						g := g64 + cfg.WeightDecay*float64(before[i])
						if math.Abs(g) < math.Max(1e-6, noise) {
							ill++
							if math.Abs(float64(ours[i])-float64(before[i])) > cfg.LR*1.001 {
								t.Errorf("%s: Adam moved an element by more than lr", p.FullName)
							}
							continue
						}
					}
					d := math.Abs(float64(ours[i]) - float64(want[i]))
					worstStep = math.Max(worstStep, d)
					if d > 1e-4 {
						t.Errorf("after one Adam step %s[sample %d] differs by %g", p.FullName, i, d)
					}
				}
			}
			t.Logf("gradients within %.2g of float64 (PyTorch's float32 within %.2g), the step within %.2g of PyTorch's (%d sampled values of undetermined sign held to Adam's bound)",
				worstGrad, worstTorch, worstStep, ill)
		})
	}
}
