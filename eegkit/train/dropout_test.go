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
		n, err := NewNet(m, nn.InitWeights(m, 1), seed)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	parts := splitParts(make([]int, 64))
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
