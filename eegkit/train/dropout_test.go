package train

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/gomlx/gomlx/core/tensors"
)

func TestFillMask(t *testing.T) {
	const n = 1<<16 + 3 // not a multiple of 4: the tail is filled too
	for _, p := range []float64{0, 0.25, 0.3, 0.5, 0.9, 1} {
		vals := make([]float32, n)
		for i := range vals {
			vals[i] = -1 // every value must be overwritten
		}
		fillMask(vals, p, rand.NewPCG(1, 2))
		keep := float32(1 / (1 - p))
		kept := 0
		for i, v := range vals {
			switch {
			case v == 0:
			case p < 1 && v == keep:
				kept++
			default:
				t.Fatalf("p=%g: value %d is %g, not 0 or %g", p, i, v, keep)
			}
		}
		// Binomial(n, 1−p): 5 standard deviations.
		want, sd := n*(1-p), math.Sqrt(n*p*(1-p))
		if math.Abs(float64(kept)-want) > 5*sd+1 {
			t.Errorf("p=%g: kept %d of %d, want %.0f ± %.0f", p, kept, n, want, 5*sd)
		}
	}
}

// TestStepMasks: a step's masks depend on the seed and the step only, not
// on whether they were drawn ahead; other steps and seeds draw others.
func TestStepMasks(t *testing.T) {
	m := models.EEGNet(nn.ELU)
	newNet := func(seed uint64) *Net {
		n, err := NewNet(m, nn.InitWeights(m, 1), seed, Device{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	parts := newNet(1).splitParts(make([]int, 64))
	draw := func(n *Net, step int, prefetch bool) [][]float32 {
		ts, err := n.stepMasks(m.NumLayers(), step, parts, prefetch)
		if err != nil {
			t.Fatal(err)
		}
		if len(ts) != 2*len(parts) {
			t.Fatalf("%d masks, want %d (2 dropout layers × %d parts)", len(ts), 2*len(parts), len(parts))
		}
		out := make([][]float32, len(ts))
		for i, x := range ts {
			out[i] = tensors.MustCopyFlatData[float32](x)
		}
		return out
	}
	ahead, fresh := newNet(7), newNet(7)
	var steps [][][]float32
	for step := 1; step <= 3; step++ {
		a, f := draw(ahead, step, true), draw(fresh, step, false)
		for i := range a {
			if !slices.Equal(a[i], f[i]) {
				t.Fatalf("step %d, mask %d: drawn ahead differs from drawn then", step, i)
			}
		}
		steps = append(steps, a)
	}
	if slices.Equal(steps[0][0], steps[1][0]) || slices.Equal(steps[0][0], steps[0][1]) {
		t.Error("two steps or two parts drew the same mask")
	}
	if slices.Equal(draw(newNet(8), 1, false)[0], steps[0][0]) {
		t.Error("another seed drew the same mask")
	}
}

// TestWholeBatchStep: a training step that takes the batch whole, as on an
// accelerator (stepParts, with the parts' dropout masks joined), and one
// that also gathers it from trials kept on the device (keep) compute the
// training logits, loss, gradients and running statistics of the step in
// parts, and evaluation the same logits, up to float rounding. (Adam's
// first update is ±lr wherever a gradient is rounding noise, so the weights
// after a step are compared through these.)
func TestWholeBatchStep(t *testing.T) {
	m := models.EEGNet(nn.ELU)
	rng := rand.New(rand.NewPCG(3, 4))
	const trials = 24
	x := make([]float32, trials*m.Input.Size())
	for i := range x {
		x[i] = float32(5 * rng.NormFloat64())
	}
	y := make([]int32, trials)
	for i := range y {
		y[i] = int32(rng.IntN(2))
	}
	idx := rng.Perm(trials)[:20]
	cfg := TrainConfig{Model: "eegnet", Activation: "elu", Epochs: 1, Batch: len(idx), LR: 1e-3, Seed: 1}
	var parts stepResults
	for _, v := range []struct {
		name        string
		accel, keep bool
	}{{"in parts", false, false}, {"whole", true, false}, {"whole, kept on the device", true, true}} {
		net, err := NewNet(m, nn.InitWeights(m, 1), 9, Device{})
		if err != nil {
			t.Fatal(err)
		}
		net.accel = v.accel
		if v.keep {
			net.Keep(x, y)
			if net.resident(x, y) == nil || net.resident(x[:len(x)-1], y) != nil {
				t.Fatal("keep: the kept trials are not recognised, or another array is taken for them")
			}
		}
		var r stepResults
		if r.eval, err = net.Logits(x, trials); err != nil {
			t.Fatal(err)
		}
		if r.train, r.loss, r.grads, err = net.Gradients(x, y, idx); err != nil {
			t.Fatal(err)
		}
		if r.step, err = net.TrainStep(x, y, idx, cfg, cfg.LR); err != nil {
			t.Fatal(err)
		}
		if r.sd, err = net.StateDict(); err != nil {
			t.Fatal(err)
		}
		if v.accel {
			parts.compare(t, m, v.name, r)
		} else {
			parts = r
		}
	}
}

// stepResults are what TestWholeBatchStep compares.
type stepResults struct {
	eval, train [][]float32
	loss        float64
	grads, sd   nn.StateDict
	step        StepResult
}

// compare reports where o, a step taken another way, differs from r.
func (r stepResults) compare(t *testing.T, m *nn.Model, way string, o stepResults) {
	t.Helper()
	if math.Abs(r.loss-o.loss) > 1e-6 || math.Abs(r.step.Loss-o.step.Loss) > 1e-6 || r.step.Correct != o.step.Correct {
		t.Errorf("%s: losses %g, %g and %d correct; in parts %g, %g and %d", way, o.loss, o.step.Loss, o.step.Correct, r.loss, r.step.Loss, r.step.Correct)
	}
	for i := range r.eval {
		if d := maxDiff(r.eval[i], o.eval[i]); d > 1e-5 {
			t.Errorf("%s: trial %d's eval logits differ by %g", way, i, d)
		}
	}
	for i := range r.train {
		if d := maxDiff(r.train[i], o.train[i]); d > 1e-5 {
			t.Errorf("%s: batch trial %d's training logits (with dropout) differ by %g", way, i, d)
		}
	}
	for name, g := range r.grads {
		if d := maxDiff(g.Data, o.grads[name].Data); d > 1e-5 {
			t.Errorf("%s: the gradient of %s differs by %g", way, name, d)
		}
	}
	for _, p := range m.Params() {
		if !p.Trainable() {
			if d := maxDiff(r.sd[p.FullName].Data, o.sd[p.FullName].Data); d > 1e-5 {
				t.Errorf("%s: running statistic %s differs by %g after a step", way, p.FullName, d)
			}
		}
	}
}

func maxDiff(a, b []float32) float64 {
	worst := 0.0
	for i := range a {
		worst = max(worst, math.Abs(float64(a[i])-float64(b[i])))
	}
	return worst
}
