package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // as in the package
	"github.com/gomlx/gomlx/core/tensors"
)

// TestActivationGradients checks each activation's values and hand-written
// gradient against the closed forms, PyTorch's side at 0 included, on
// values from −30 (where exp underflows towards 0) to 30.
func TestActivationGradients(t *testing.T) {
	backend, err := BackendFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	xs := []float32{-30, -5, -1, -1e-3, -1e-8, 0, 1e-8, 1e-3, 0.5, 2, 30}
	for _, tc := range []struct {
		act    Activation
		f, df  func(x float64) float64
		atZero float64 // PyTorch's gradient at 0
	}{
		{ReLU, func(x float64) float64 { return math.Max(x, 0) }, func(x float64) float64 { return b2f(x > 0) }, 0},
		{LeakyReLU, func(x float64) float64 {
			if x > 0 {
				return x
			}
			return LeakySlope * x
		}, func(x float64) float64 {
			if x > 0 {
				return 1
			}
			return LeakySlope
		}, LeakySlope},
		{ELU, func(x float64) float64 {
			if x > 0 {
				return x
			}
			return math.Expm1(x)
		}, func(x float64) float64 { return math.Exp(math.Min(x, 0)) }, 1},
	} {
		t.Run(tc.act.Name(), func(t *testing.T) {
			exec, err := NewExec(backend, func(x, r *Node) []*Node {
				y := tc.act.Forward(&Pass{f: &ForwardState{}}, x)
				return []*Node{y, Gradient(ReduceAllSum(Mul(y, r)), x)[0]}
			})
			if err != nil {
				t.Fatal(err)
			}
			r := make([]float32, len(xs)) // a different upstream gradient per value
			for i := range r {
				r[i] = float32(i+1) / 4
			}
			res, err := exec.Exec(tensors.FromFlatDataAndDimensions(xs, len(xs)), tensors.FromFlatDataAndDimensions(r, len(r)))
			if err != nil {
				t.Fatal(err)
			}
			y, dx := tensors.MustCopyFlatData[float32](res[0]), tensors.MustCopyFlatData[float32](res[1])
			for i, x := range xs {
				want := tc.df(float64(x))
				if x == 0 {
					want = tc.atZero
				}
				if d := math.Abs(float64(y[i]) - tc.f(float64(x))); d > 1e-7*(1+math.Abs(float64(x))) {
					t.Errorf("%s(%g) = %g, want %g", tc.act.Name(), x, y[i], tc.f(float64(x)))
				}
				if d := math.Abs(float64(dx[i]) - float64(r[i])*want); d > 1e-6 {
					t.Errorf("gradient at %g: %g, want %g", x, dx[i], float64(r[i])*want)
				}
			}
		})
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// TestBatchNormGradients checks BatchNorm's hand-written training-mode
// gradients, with the batch in parts of unequal sizes, against GoMLX's
// automatic derivative of the textbook formula on the whole batch: the
// gradients of the input, weight and bias, and the outputs.
func TestBatchNormGradients(t *testing.T) {
	backend, err := BackendFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	const c, h, w = 3, 2, 7
	for _, sizes := range [][]int{{5}, {2, 3}, {1, 4, 2}} {
		n := 0
		for _, s := range sizes {
			n += s
		}
		rng := rand.New(rand.NewPCG(uint64(n), 5))
		random := func(scale float64, dims ...int) *tensors.Tensor {
			size := 1
			for _, d := range dims {
				size *= d
			}
			v := make([]float32, size)
			for i := range v {
				v[i] = float32(scale*rng.NormFloat64() + 0.5)
			}
			return tensors.FromFlatDataAndDimensions(v, dims...)
		}
		x, r, gamma, beta := random(3, c, h, n, w), random(1, c, h, n, w), random(1, c), random(1, c)
		run := func(ours bool) []*tensors.Tensor {
			exec, err := NewExec(backend, func(in []*Node) []*Node {
				x, r, gamma, beta := in[0], in[1], in[2], in[3]
				g4, b4 := Reshape(gamma, c, 1, 1, 1), Reshape(beta, c, 1, 1, 1)
				var y *Node
				if ours {
					var parts []*Node
					start := 0
					for _, s := range sizes {
						parts = append(parts, Slice(x, AxisRange(), AxisRange(), AxisRange(start, start+s), AxisRange()))
						start += s
					}
					out, _, _, _ := batchNormTrain(parts, g4, b4, 1e-5)
					y = Concatenate(out, 2)
				} else {
					mean := ReduceAndKeep(x, ReduceMean, 1, 2, 3)
					xc := Sub(x, mean)
					variance := ReduceAndKeep(Square(xc), ReduceMean, 1, 2, 3)
					y = Add(Mul(xc, Div(g4, Sqrt(AddScalar(variance, 1e-5)))), b4)
				}
				loss := ReduceAllSum(Mul(y, r))
				return append([]*Node{y}, Gradient(loss, x, gamma, beta)...)
			})
			if err != nil {
				t.Fatal(err)
			}
			res, err := exec.Exec(x, r, gamma, beta)
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		want, got := run(false), run(true)
		for i, name := range []string{"output", "dx", "dweight", "dbias"} {
			if worst := worstRelDiff(want[i], got[i]); worst > 2e-5 {
				t.Errorf("parts %v: %s differs by %.2g (relative)", sizes, name, worst)
			}
		}
	}
}

func TestDropoutMasks(t *testing.T) {
	// Two dropout layers, the second behind a Named wrapper, one with P = 0 (no mask).
	m := &Model{Name: "t", Input: Shape3{1, 2, 40}, Blocks: []Block{
		{Name: "a", Layers: []Layer{Conv2d{In: 1, Out: 3, Kernel: [2]int{1, 5}}, Dropout{P: 0.25}, Pool2d{Kernel: [2]int{1, 4}}}},
		{Name: "b", Layers: []Layer{Dropout{P: 0}, Named{Name: "drop", Layer: Dropout{P: 0.5}}, Dropout{P: 0.3, Channels: true}}},
	}}
	got, err := m.DropoutMasks(m.NumLayers(), 5, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []DropoutMask{
		{Layer: "a.1", P: 0.25, Shape: [4]int{3, 2, 5, 36}}, {Layer: "a.1", P: 0.25, Shape: [4]int{3, 2, 3, 36}},
		{Layer: "b.drop", P: 0.5, Shape: [4]int{3, 2, 5, 9}}, {Layer: "b.drop", P: 0.5, Shape: [4]int{3, 2, 3, 9}},
		{Layer: "b.2", P: 0.3, Shape: [4]int{3, 1, 5, 1}}, {Layer: "b.2", P: 0.3, Shape: [4]int{3, 1, 3, 1}}, // whole channels
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("masks\n%v, want\n%v", got, want)
	}
	if first, _ := m.DropoutMasks(2, 5); len(first) != 1 {
		t.Errorf("the first 2 layers take %d masks, want 1", len(first))
	}
}

// TestChannelDropout: Dropout with Channels (torch's Dropout2d) zeroes
// whole channels of a trial, scales the rest by 1/(1−P), and drops about
// P of them, both with the graph's own random stream and with a mask given.
func TestChannelDropout(t *testing.T) {
	backend, err := BackendFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	const c, h, n, w, p = 40, 2, 25, 30, 0.3
	d := Dropout{P: p, Channels: true}
	rng, err := RNGStateFromSeed(7)
	if err != nil {
		t.Fatal(err)
	}
	exec, err := NewExec(backend, func(x, r, mask *Node) []*Node {
		drawn := d.Forward(&Pass{f: &ForwardState{Train: true, RNG: r}}, x)
		given := d.Forward(&Pass{f: &ForwardState{Train: true, Masks: []*Node{mask}}}, x)
		return []*Node{drawn, given}
	})
	if err != nil {
		t.Fatal(err)
	}
	ones := make([]float32, c*h*n*w)
	for i := range ones {
		ones[i] = 1
	}
	mask := make([]float32, c*n)
	for i := range mask {
		if i%3 != 0 {
			mask[i] = 1 / (1 - p)
		}
	}
	res, err := exec.Exec(tensors.FromFlatDataAndDimensions(ones, c, h, n, w), rng, tensors.FromFlatDataAndDimensions(mask, c, 1, n, 1))
	if err != nil {
		t.Fatal(err)
	}
	for k, name := range []string{"drawn", "given"} {
		y := tensors.MustCopyFlatData[float32](res[k])
		dropped := 0
		for ci := range c {
			for ni := range n {
				first := y[((ci*h)*n+ni)*w]
				if first != 0 && math.Abs(float64(first)-1/(1-p)) > 1e-6 {
					t.Fatalf("%s: kept value %g, want 1/(1−P)", name, first)
				}
				for hi := range h {
					for wi := range w {
						if v := y[((ci*h+hi)*n+ni)*w+wi]; v != first {
							t.Fatalf("%s: channel %d of trial %d is not dropped whole (%g and %g)", name, ci, ni, first, v)
						}
					}
				}
				if first == 0 {
					dropped++
				}
				if name == "given" && (first == 0) != (mask[ci*n+ni] == 0) {
					t.Fatalf("given: channel %d of trial %d does not follow its mask", ci, ni)
				}
			}
		}
		if frac := float64(dropped) / (c * n); name == "drawn" && math.Abs(frac-p) > 0.06 {
			t.Errorf("drawn: %.3f of the channels dropped, want about %g", frac, p)
		}
	}
}
