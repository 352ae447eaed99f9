package train_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/eegkit/eegkit/eegkit/internal/fixtures"
	"github.com/eegkit/eegkit/eegkit/lab"
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/train"
)

// parityFixture is one PyTorch reference computation (scripts/torch_fixtures.py).
type parityFixture struct {
	x        []float32
	y        []int32
	init     nn.StateDict
	after    nn.StateDict
	grads    nn.StateDict
	eval     []float64
	train    []float64
	loss     float64
	numTrial int
}

func loadParityFixture(t *testing.T, name string) parityFixture {
	t.Helper()
	fx, err := fixtures.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	return parityFixture{x: fx.X, y: fx.Y, init: fx.Init, after: fx.After, grads: fx.Grads, eval: fx.Eval, train: fx.Train, loss: fx.Loss, numTrial: fx.NumTrial}
}

func toFloat32(x []float64) []float32 { return fixtures.Float32(x) }

func maxAbsDiff(a []float32, b []float32) float64 {
	m := 0.0
	for i := range a {
		m = math.Max(m, math.Abs(float64(a[i])-float64(b[i])))
	}
	return m
}

func flatLogits(l [][]float32) []float32 {
	var out []float32
	for _, r := range l {
		out = append(out, r...)
	}
	return out
}

// TestParityWithPyTorch compares eval logits, training logits, loss,
// gradients, one Adam step and the BatchNorm running statistics with
// PyTorch's, for both models and the three activations.
func TestParityWithPyTorch(t *testing.T) {
	for _, model := range lab.Models() {
		for _, act := range nn.Activations() {
			t.Run(model+"/"+act.Name(), func(t *testing.T) { checkParity(t, model, act, "") })
		}
	}
}

// TestParityBatchOfOne checks a training step on a batch of one trial (the
// last partial batch when trials % batch == 1) against PyTorch, which trains
// on it: BatchNorm2d's batch statistics then run over the samples of one trial.
func TestParityBatchOfOne(t *testing.T) {
	for _, model := range lab.Models() {
		t.Run(model, func(t *testing.T) { checkParity(t, model, nn.ELU, "_batch1") })
	}
}

// TestParityInOnePart runs EEGNet's fixtures with the batch of 6 as one
// part: a part of 6 trials trains its first convolution in Toeplitz blocks
// (nn's blockedTemporalConv) where parts of 2 take the windows.
func TestParityInOnePart(t *testing.T) {
	for _, act := range nn.Activations() {
		t.Run("eegnet/"+act.Name(), func(t *testing.T) { checkParityOn(t, "eegnet", act, "", 1) })
	}
}

// checkParity compares one fixture (scripts/torch_fixtures.py) with eegkit.
func checkParity(t *testing.T, model string, act nn.Activation, suffix string) {
	checkParityOn(t, model, act, suffix, 0)
}

// checkParityOn is checkParity with batches split in parts (0: the
// environment's, as testDevice).
func checkParityOn(t *testing.T, model string, act nn.Activation, suffix string, parts int) {
	fx := loadParityFixture(t, fmt.Sprintf("%s_%s%s", model, act.Name(), suffix))
	m, err := models.New(model, act)
	if err != nil {
		t.Fatal(err)
	}
	dev := testDevice(t)
	if parts > 0 {
		dev.Parts = parts
	}
	checkModelParity(t, m, fx, train.TrainConfig{Model: model, Activation: act.Name()}, dev)
}

// checkModelParity compares model m with a fixture's reference computation:
// eval and train logits, loss, gradients, one Adam step, running statistics.
func checkModelParity(t *testing.T, m *nn.Model, fx parityFixture, cfg train.TrainConfig, dev train.Device) {
	m = m.WithDropout(0)
	net, err := train.NewNet(m, fx.init, 1, dev)
	if err != nil {
		t.Fatal(err)
	}
	idx := make([]int, fx.numTrial)
	for i := range idx {
		idx[i] = i
	}
	logits, err := net.Logits(fx.x, fx.numTrial)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxAbsDiff(flatLogits(logits), toFloat32(fx.eval)); d > 1e-4 {
		t.Errorf("eval logits differ by %g (> 1e-4)", d)
	} else {
		t.Logf("eval logits max abs diff %.2g", d)
	}
	tl, loss, grads, err := net.Gradients(fx.x, fx.y, idx)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxAbsDiff(flatLogits(tl), toFloat32(fx.train)); d > 1e-4 {
		t.Errorf("train logits differ by %g", d)
	}
	if d := math.Abs(loss - fx.loss); d > 1e-5 {
		t.Errorf("loss %g, PyTorch %g", loss, fx.loss)
	}
	worstGrad := 0.0
	for name, g := range fx.grads {
		d := maxAbsDiff(grads[name].Data, g.Data)
		worstGrad = math.Max(worstGrad, d)
		if d > 1e-4 {
			t.Errorf("gradient of %s differs by %g", name, d)
		}
	}
	cfg.Epochs, cfg.Batch, cfg.LR, cfg.WeightDecay = 1, fx.numTrial, 1e-3, 1e-2
	if _, err := net.TrainStep(fx.x, fx.y, idx, cfg, cfg.LR); err != nil {
		t.Fatal(err)
	}
	sd, err := net.StateDict()
	if err != nil {
		t.Fatal(err)
	}
	worstStep, worstStat, illConditioned := 0.0, 0.0, 0
	for _, p := range m.Params() {
		ours, want := sd[p.FullName].Data, fx.after[p.FullName].Data
		if !p.Trainable() {
			d := maxAbsDiff(ours, want)
			worstStat = math.Max(worstStat, d)
			if d > 1e-5 {
				t.Errorf("running statistic %s differs by %g (> 1e-5)", p.FullName, d)
			}
			continue
		}
		// Adam's first update is lr·g/(|g|+eps) with g the gradient plus weight decay: where
		// |g| is below 1e-6 it swings with the float32 rounding of g, so there the update is
		// only required to stay within Adam's bound (lr); everywhere else it must match.
		before, grad := fx.init[p.FullName].Data, fx.grads[p.FullName].Data
		for i := range ours {
			g := float64(grad[i]) + cfg.WeightDecay*float64(before[i])
			if math.Abs(g) < 1e-6 {
				illConditioned++
				if step := math.Abs(float64(ours[i]) - float64(before[i])); step > cfg.LR*1.001 {
					t.Errorf("%s[%d]: Adam moved it by %g, more than lr", p.FullName, i, step)
				}
				continue
			}
			d := math.Abs(float64(ours[i]) - float64(want[i]))
			worstStep = math.Max(worstStep, d)
			if d > 1e-4 {
				t.Errorf("after one Adam step %s[%d] differs by %g (> 1e-4)", p.FullName, i, d)
			}
		}
	}
	if illConditioned > 0 {
		t.Logf("%d weights with |gradient| < 1e-6 checked against Adam's bound only", illConditioned)
	}
	t.Logf("grad %.2g, Adam step %.2g, running stats %.2g", worstGrad, worstStep, worstStat)
}
