package nn

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // as in the package
	"github.com/gomlx/gomlx/core/tensors"
)

// keptBatchNorm is a BatchNorm2d that evaluation does not fold (it is not
// of type BatchNorm2d): the reference the folded models are checked against.
type keptBatchNorm struct{ BatchNorm2d }

// TestEvalFoldsBatchNorm: in evaluation a BatchNorm2d after each kind of
// convolution (and after a composed pair) is folded into its weights, and
// gives the logits the BatchNorm itself gives, with running statistics and
// affine weights far from the identity; after any other layer it is kept.
func TestEvalFoldsBatchNorm(t *testing.T) {
	backend, err := BackendFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	const h, width = 2, 40
	head := func(c, w int) Layer { return Linear{In: c * w, Out: 2} }
	for _, tc := range []struct {
		name   string
		layers []Layer
		folds  int // BatchNorms folded
	}{
		{"temporal conv with bias", []Layer{Conv2d{In: 1, Out: 4, Kernel: [2]int{1, 5}, Padding: [2]int{0, 2}, Bias: true}, BatchNorm(4),
			Conv2d{In: 4, Out: 4, Kernel: [2]int{h, 1}, Groups: 4}, BatchNorm(4), head(4, width)}, 2},
		{"composed pair", []Layer{Conv2d{In: 1, Out: 6, Kernel: [2]int{1, 5}, Bias: true}, Conv2d{In: 6, Out: 3, Kernel: [2]int{h, 1}}, BatchNorm(3),
			ELU, head(3, width-4)}, 1},
		{"named max-norm depthwise", []Layer{Named{Name: "spatial", Layer: MaxNormConv2d{Conv2d: Conv2d{In: 1, Out: 2, Kernel: [2]int{h, 1}}, MaxNorm: 0.5}},
			Named{Name: "bn", Layer: BatchNorm(2)}, head(2, width)}, 1},
		{"combined conv", []Layer{CombinedConv{Filters: 3, Length: 7, SpatFilters: 4, Chans: h}, BatchNorm(4), Squared{}, head(4, width-6)}, 1},
		{"time-first conv", []Layer{Conv2d{In: 1, Out: 3, Kernel: [2]int{h, 1}}, ReLU, TimeFirstConv2d{Conv2d{In: 3, Out: 3, Kernel: [2]int{1, 3}, Bias: true}}, BatchNorm(3),
			head(3, width-2)}, 1},
		{"after an activation", []Layer{Conv2d{In: 1, Out: 3, Kernel: [2]int{h, 1}}, ELU, BatchNorm(3), head(3, width)}, 0},
		{"after a layer that embeds Conv2d", []Layer{doubledConv{Conv2d{In: 1, Out: 3, Kernel: [2]int{h, 1}, Bias: true}}, BatchNorm(3), head(3, width)}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &Model{Name: "Fold", Act: ELU, Input: Shape3{1, h, width}, Blocks: []Block{{Name: "b", Layers: tc.layers}}}
			kept := &Model{Name: "Kept", Act: ELU, Input: m.Input, Blocks: []Block{{Name: "b", Layers: make([]Layer, len(tc.layers))}}}
			folds := 0
			for i, l := range tc.layers {
				kept.Blocks[0].Layers[i] = l
				if foldedBatchNorm(m.Blocks[0], i, i > 0 && isComposed(m, i-1)) != nil {
					folds++
				}
				switch bn := l.(type) {
				case BatchNorm2d:
					kept.Blocks[0].Layers[i] = keptBatchNorm{bn}
				case Named:
					if b, ok := bn.Layer.(BatchNorm2d); ok {
						kept.Blocks[0].Layers[i] = Named{Name: bn.Name, Layer: keptBatchNorm{b}}
					}
				}
			}
			if folds != tc.folds {
				t.Fatalf("%d BatchNorms fold, want %d", folds, tc.folds)
			}
			sd := InitWeights(m, 3)
			rng := rand.New(rand.NewPCG(5, 7))
			for _, p := range m.Params() {
				for j := range sd[p.FullName].Data {
					switch { // BatchNorm's entries (the convolutions here have PyTorch's default init)
					case p.Init == InitOne && !p.Buffer: // weight
						sd[p.FullName].Data[j] = float32(0.5 + rng.Float64()*2)
					case p.Init == InitZero && !p.Buffer, p.Name == "running_mean": // bias
						sd[p.FullName].Data[j] = float32(rng.NormFloat64() * 3)
					case p.Name == "running_var":
						sd[p.FullName].Data[j] = float32(0.01 + rng.Float64()*9)
					}
				}
			}
			x := make([]float32, 3*h*width)
			for i := range x {
				x[i] = float32(rng.NormFloat64())
			}
			run := func(m *Model) *tensors.Tensor { return evalLogits(t, backend, m, sd, x, 3) }
			if d := worstRelDiff(run(kept), run(m)); d > 2e-6 {
				t.Errorf("folded logits differ from the BatchNorm's by %g (relative)", d)
			}
		})
	}
}

// doubledConv is a layer type of one's own that embeds Conv2d (and so its
// unexported methods) with a Forward of its own: the fold must not bypass it.
type doubledConv struct{ Conv2d }

func (c doubledConv) Forward(p *Pass, x *Node) *Node { return MulScalar(c.Conv2d.Forward(p, x), 2) }

// isComposed says whether layer i of m's single block starts a composed pair.
func isComposed(m *Model, i int) bool { return m.ComposedPairs()[i] }

// evalLogits runs m in evaluation mode on the trials x (trials of m's
// input, in PyTorch's layout) with the weights sd: the logits [trials, K].
func evalLogits(t *testing.T, backend compute.Backend, m *Model, sd StateDict, x []float32, trials int) *tensors.Tensor {
	t.Helper()
	params := m.Params()
	exec, err := NewExec(backend, func(in []*Node) []*Node {
		f := &ForwardState{Values: map[string]*Node{}}
		for j, p := range params {
			f.Values[p.FullName] = in[1+j]
		}
		return m.Forward(f, Reshape(in[0], m.Input[0], m.Input[1], trials, m.Input[2]))
	})
	if err != nil {
		t.Fatal(err)
	}
	args := []any{tensors.FromFlatDataAndDimensions(x, len(x))}
	for _, p := range params {
		args = append(args, tensors.FromFlatDataAndDimensions(sd[p.FullName].Data, sd[p.FullName].Shape...))
	}
	res, err := exec.Exec(args...)
	if err != nil {
		t.Fatal(err)
	}
	return res[0]
}
