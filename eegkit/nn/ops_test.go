package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // as in the package
	"github.com/gomlx/gomlx/core/tensors"
)

func TestComposable(t *testing.T) {
	temporal := func(in, out, k int) Conv2d { return Conv2d{In: in, Out: out, Kernel: [2]int{1, k}} }
	spatial := func(in, out, h int) Conv2d { return Conv2d{In: in, Out: out, Kernel: [2]int{h, 1}} }
	for _, tc := range []struct {
		name string
		a, b Layer
		x    []int // [C, H, N, W]
		want bool
	}{
		{"DeepConvNet's first two layers", temporal(1, 25, 5), spatial(25, 25, 2), []int{1, 2, 16, 750}, true},
		{"EEGNet: BatchNorm follows the first conv", temporal(1, 16, 51), BatchNorm(16), []int{1, 2, 16, 750}, false},
		{"depthwise spatial conv", temporal(1, 16, 5), Conv2d{In: 16, Out: 32, Kernel: [2]int{2, 1}, Groups: 16}, []int{1, 2, 16, 750}, false},
		{"spatial then temporal", spatial(1, 25, 2), temporal(25, 25, 5), []int{1, 2, 16, 750}, false},
		{"composition costs more", temporal(1, 4, 51), spatial(4, 64, 2), []int{1, 2, 16, 750}, false},
		{"channel mismatch", temporal(1, 25, 5), spatial(24, 25, 2), []int{1, 2, 16, 750}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, got := composable(tc.a, tc.b, tc.x); got != tc.want {
				t.Errorf("composable = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestTemporalSpatialConvMatchesTheLayers checks the composed convolution
// against the two layers applied one after the other: outputs and the
// gradients of every parameter and of the input.
func TestTemporalSpatialConvMatchesTheLayers(t *testing.T) {
	backend, err := BackendFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	const c, h, n, width, m, o, k = 2, 3, 4, 20, 4, 6, 5
	for _, tc := range []struct {
		pad          int
		biasA, biasB bool
	}{{0, true, true}, {2, false, true}, {2, true, false}, {0, false, false}} {
		t.Run(fmt.Sprintf("pad=%d,biasA=%v,biasB=%v", tc.pad, tc.biasA, tc.biasB), func(t *testing.T) {
			a := Conv2d{In: c, Out: m, Kernel: [2]int{1, k}, Padding: [2]int{0, tc.pad}, Bias: tc.biasA}
			b := Conv2d{In: m, Out: o, Kernel: [2]int{h, 1}, Bias: tc.biasB}
			if _, ok := composable(a, b, []int{c, h, n, width}); !ok {
				t.Fatal("the test's layers are not composable")
			}
			rng := rand.New(rand.NewPCG(3, uint64(tc.pad)))
			random := func(dims ...int) *tensors.Tensor { return randomTensor(rng, dims...) }
			inputs := []*tensors.Tensor{random(c, h, n, width), random(m, c, 1, k), random(m), random(o, m, h, 1), random(o)}
			run := func(composed bool) []*tensors.Tensor {
				exec, err := NewExec(backend, func(in []*Node) []*Node {
					f := &ForwardState{Values: map[string]*Node{"a.weight": in[1], "a.bias": in[2], "b.weight": in[3], "b.bias": in[4]}}
					pa, pb := &Pass{prefix: "a.", f: f}, &Pass{prefix: "b.", f: f}
					var y *Node
					if composed {
						y = temporalSpatialConv(a, b, pa, pb, []*Node{in[0]}, nil, nil)[0]
					} else {
						y = b.Forward(pb, a.Forward(pa, in[0]))
					}
					return append([]*Node{y}, Gradient(projected(y), in...)...)
				})
				if err != nil {
					t.Fatal(err)
				}
				args := make([]any, len(inputs))
				for i, x := range inputs {
					args[i] = x
				}
				res, err := exec.Exec(args...)
				if err != nil {
					t.Fatal(err)
				}
				return res
			}
			want, got := run(false), run(true)
			names := []string{"output", "dx", "d a.weight", "d a.bias", "d b.weight", "d b.bias"}
			for i := range want {
				if i == 3 && !tc.biasA || i == 5 && !tc.biasB {
					continue // an unused bias has no gradient to compare
				}
				if !want[i].Shape().Equal(got[i].Shape()) {
					t.Fatalf("%s: shape %s, want %s", names[i], got[i].Shape(), want[i].Shape())
				}
				if worst := worstRelDiff(want[i], got[i]); worst > 1e-5 {
					t.Errorf("%s differs by %.2g (relative)", names[i], worst)
				}
			}
		})
	}
}

// TestBlockedTemporalConvMatchesTheWindows checks the blocked convolution
// against the windows' one: outputs and the weight's gradient, with blocks
// that divide the output and blocks that run over its end.
func TestBlockedTemporalConvMatchesTheWindows(t *testing.T) {
	backend, err := BackendFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ h, n, width, o, k, pad, b int }{
		{2, 3, 40, 4, 9, 4, 5},  // output 40: 8 blocks of 5
		{2, 3, 40, 4, 9, 4, 6},  // 7 blocks of 6, the last cut to 4 steps
		{1, 2, 30, 3, 7, 0, 4},  // no padding: output 24
		{2, 2, 33, 2, 10, 5, 7}, // an even kernel: output 34
	} {
		t.Run(fmt.Sprintf("%+v", tc), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(tc.k), uint64(tc.b)))
			x, w := randomTensor(rng, 1, tc.h, tc.n, tc.width), randomTensor(rng, tc.o, 1, 1, tc.k)
			run := func(blocked bool) []*tensors.Tensor {
				exec, err := NewExec(backend, func(x, w *Node) []*Node {
					var y *Node
					if blocked {
						y = blockedTemporalConv(x, w, tc.pad, tc.b)
					} else {
						y = temporalConv(x, w, tc.pad)
					}
					return []*Node{y, Gradient(projected(y), w)[0]}
				})
				if err != nil {
					t.Fatal(err)
				}
				res, err := exec.Exec(x, w)
				if err != nil {
					t.Fatal(err)
				}
				return res
			}
			want, got := run(false), run(true)
			for i, name := range []string{"output", "d weight"} {
				if !want[i].Shape().Equal(got[i].Shape()) {
					t.Fatalf("%s: shape %s, want %s", name, got[i].Shape(), want[i].Shape())
				}
				if worst := worstRelDiff(want[i], got[i]); worst > 1e-5 {
					t.Errorf("%s differs by %.2g (relative)", name, worst)
				}
			}
		})
	}
}

func TestBlockSize(t *testing.T) {
	for _, tc := range []struct {
		name          string
		conv          Conv2d
		trials, width int
		want          int
	}{
		{"EEGNet's (1, 51): 25 divides 750", Conv2d{In: 1, Out: 16, Kernel: [2]int{1, 51}, Padding: [2]int{0, 25}}, 16, 750, 25},
		{"EEGNet-v4's (1, 64): 751 is prime", Conv2d{In: 1, Out: 8, Kernel: [2]int{1, 64}, Padding: [2]int{0, 32}}, 16, 750, 32},
		{"a short kernel keeps the windows", Conv2d{In: 1, Out: 25, Kernel: [2]int{1, 5}}, 16, 750, 0},
		{"two input channels keep the windows", Conv2d{In: 2, Out: 16, Kernel: [2]int{1, 51}, Padding: [2]int{0, 25}}, 16, 750, 0},
		{"parts of 3 trials keep the windows", Conv2d{In: 1, Out: 16, Kernel: [2]int{1, 51}, Padding: [2]int{0, 25}}, 3, 750, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.conv.blockSize(tc.trials, tc.width); got != tc.want {
				t.Errorf("blockSize = %d, want %d", got, tc.want)
			}
		})
	}
}

// worstRelDiff is the largest |want − got|/(1 + |want|) over two tensors' values.
func worstRelDiff(want, got *tensors.Tensor) float64 {
	w, g := tensors.MustCopyFlatData[float32](want), tensors.MustCopyFlatData[float32](got)
	worst := 0.0
	for j := range w {
		worst = max(worst, math.Abs(float64(w[j]-g[j]))/(1+math.Abs(float64(w[j]))))
	}
	return worst
}

// TestFastPathsMatchTheGeneralOnes checks the zoo's fast paths against
// GoMLX's general convolution and window reduction, differentiated by
// GoMLX: a dilated temporal convolution (EEGNeX's), a kernel over all the
// rows of a plane (SCCNet's), windows gathered again for the weight's
// gradient (rematerialized, EEGInceptionMI's long multichannel kernels)
// and a stride-1 max pool, padded, with ties (EEGInceptionMI's): outputs
// and the gradients of the input and of the weight.
func TestFastPathsMatchTheGeneralOnes(t *testing.T) {
	backend, err := BackendFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		x, w  []int // shapes; w nil for the pool
		fast  func(x, w *Node) *Node
		slow  func(x, w *Node) *Node
		remat bool
	}{
		{"dilated temporal", []int{3, 2, 4, 40}, []int{5, 3, 1, 4},
			func(x, w *Node) *Node { return dilatedTemporalConv(x, w, 3, 2) },
			func(x, w *Node) *Node { return generalConv(x, w, [2]int{1, 1}, [2]int{0, 3}, [2]int{1, 2}, 1) }, false},
		{"rows", []int{1, 4, 3, 30}, []int{6, 1, 4, 5},
			func(x, w *Node) *Node {
				return Conv2d{In: 1, Out: 6, Kernel: [2]int{4, 5}, Padding: [2]int{0, 2}}.apply(x, w, nil, true)
			},
			func(x, w *Node) *Node { return generalConv(x, w, [2]int{1, 1}, [2]int{0, 2}, [2]int{1, 1}, 1) }, false},
		{"rematerialized windows", []int{3, 1, 4, 30}, []int{5, 3, 1, 7},
			func(x, w *Node) *Node { return temporalConv(x, w, 3) },
			func(x, w *Node) *Node { return generalConv(x, w, [2]int{1, 1}, [2]int{0, 3}, [2]int{1, 1}, 1) }, true},
		{"sliding max", []int{3, 1, 4, 30}, nil,
			func(x, _ *Node) *Node { return slidingMax(x, 6, 3) },
			func(x, _ *Node) *Node { return generalPool(x, [2]int{1, 6}, [2]int{1, 1}, [2]int{0, 3}, true) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.remat {
				old := rematerialized
				rematerialized = 0
				defer func() { rematerialized = old }()
			}
			rng := rand.New(rand.NewPCG(5, uint64(len(tc.name))))
			x, w := randomTensor(rng, tc.x...), randomTensor(rng, 1)
			if tc.w != nil {
				w = randomTensor(rng, tc.w...)
			} else {
				err := tensors.MutableFlatData(x, func(v []float32) {
					for i := 0; i < len(v); i += 3 {
						v[i] = 2.5 // tied maxima in most windows: the gradient goes to the first
					}
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			run := func(f func(x, w *Node) *Node) []*tensors.Tensor {
				exec, err := NewExec(backend, func(x, w *Node) []*Node {
					y := f(x, w)
					loss := projected(y)
					if tc.w == nil {
						return []*Node{y, Gradient(loss, x)[0]}
					}
					g := Gradient(loss, x, w)
					return []*Node{y, g[0], g[1]}
				})
				if err != nil {
					t.Fatal(err)
				}
				res, err := exec.Exec(x, w)
				if err != nil {
					t.Fatal(err)
				}
				return res
			}
			want, got := run(tc.slow), run(tc.fast)
			for i, name := range []string{"output", "dx", "dw"}[:len(want)] {
				if !want[i].Shape().Equal(got[i].Shape()) {
					t.Fatalf("%s: shape %s, want %s", name, got[i].Shape(), want[i].Shape())
				}
				if worst := worstRelDiff(want[i], got[i]); worst > 1e-5 {
					t.Errorf("%s differs by %.2g (relative)", name, worst)
				}
			}
		})
	}
}

// randomTensor is a tensor of standard normal values from rng.
func randomTensor(rng *rand.Rand, dims ...int) *tensors.Tensor {
	v := make([]float32, shapes.Make(dtypes.Float32, dims...).Size())
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return tensors.FromFlatDataAndDimensions(v, dims...)
}

// projected is a loss of y that gives every output position a gradient of
// its own: y summed against a fixed pattern along time.
func projected(y *Node) *Node {
	return ReduceAllSum(Mul(y, Sin(AddScalar(MulScalar(ConvertDType(Iota(y.Graph(), y.Shape(), 3), dtypes.Float32), 0.7), 0.3))))
}
