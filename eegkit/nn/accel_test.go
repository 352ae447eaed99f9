package nn

import (
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // as in the package
	"github.com/gomlx/gomlx/core/tensors"
)

// TestAcceleratorConvolutions: the convolutions an accelerator evaluates
// with (the backend's own convolution op, see nativeConv) give the CPUs'
// windows paths' logits, for every kind of convolution the models use:
// temporal with padding and an even kernel, a composed temporal-spatial
// pair, depthwise spatial, depthwise temporal (separable), braindecode's
// CombinedConv and a max-norm one, with BatchNorms folded into them.
// Training there keeps the windows.
func TestAcceleratorConvolutions(t *testing.T) {
	backend, err := BackendFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	const h, width, trials = 3, 48, 5
	m := &Model{Name: "Convs", Act: ELU, Input: Shape3{1, h, width}, Blocks: []Block{{Name: "b", Layers: []Layer{
		Conv2d{In: 1, Out: 4, Kernel: [2]int{1, 8}, Padding: [2]int{0, 4}, Bias: true}, // even kernel, padded: width+1
		Conv2d{In: 4, Out: 3, Kernel: [2]int{h, 1}},                                    // composes with the one before
		BatchNorm(3), ELU,
		MaxNormConv2d{Conv2d: Conv2d{In: 3, Out: 6, Kernel: [2]int{1, 1}, Groups: 3}, MaxNorm: 1},
		Conv2d{In: 6, Out: 6, Kernel: [2]int{1, 5}, Padding: [2]int{0, 2}, Groups: 6}, // depthwise temporal
		Conv2d{In: 6, Out: 4, Kernel: [2]int{1, 1}},
		BatchNorm(4), ReLU, AvgPool2d(1, 4),
		Linear{In: 4 * ((width + 1) / 4), Out: 2},
	}}}}
	shallow := &Model{Name: "Combined", Act: ELU, Input: Shape3{1, h, width}, Blocks: []Block{{Name: "b", Layers: []Layer{
		CombinedConv{Filters: 3, Length: 7, SpatFilters: 4, Chans: h}, BatchNorm(4), Squared{},
		Conv2d{In: 4, Out: 4, Kernel: [2]int{1, 1}, Groups: 4}, // after a spatial conv: depthwise spatial on one row
		Linear{In: 4 * (width - 6), Out: 2},
	}}}}
	saved := onAccelerator
	onAccelerator = func(*Graph) bool { return true }
	if !nativeConv(nil, false) || nativeConv(nil, true) {
		t.Error("on an accelerator evaluation must take the backend's convolution and training the windows")
	}
	onAccelerator = saved
	for _, m := range []*Model{m, shallow} {
		t.Run(m.Name, func(t *testing.T) {
			sd := InitWeights(m, 3)
			rng := rand.New(rand.NewPCG(5, 7))
			x := make([]float32, trials*h*width)
			for i := range x {
				x[i] = float32(rng.NormFloat64())
			}
			for _, p := range m.Params() {
				for j := range sd[p.FullName].Data {
					switch p.Name {
					case "running_mean":
						sd[p.FullName].Data[j] = float32(rng.NormFloat64())
					case "running_var":
						sd[p.FullName].Data[j] = float32(0.1 + rng.Float64()*3)
					}
				}
			}
			run := func(accel bool) *tensors.Tensor {
				saved := onAccelerator
				onAccelerator = func(*Graph) bool { return accel }
				defer func() { onAccelerator = saved }()
				return evalLogits(t, backend, m, sd, x, trials)
			}
			if d := worstRelDiff(run(false), run(true)); d > 1e-5 {
				t.Errorf("the accelerator's logits differ by %g (relative)", d)
			}
		})
	}
}
