package nn

import (
	"fmt"
	"math"

	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX models read best with the graph ops unqualified.
)

// Layer is one module of a model, with PyTorch's semantics and parameter
// names. A type of your own that implements it can go into a Model next to
// eegkit's layers. Layers run on the activation layout [C, H, N, W]
// (channels, EEG rows, batch, time): every matrix product of the fast
// kernels then contracts leading axes and yields the next layer's layout.
// Shapes in the public API are PyTorch's [C, H, W] per trial.
type Layer interface {
	// String describes the layer as PyTorch prints the module.
	String() string
	// Params lists the layer's parameters and buffers with PyTorch's names
	// (relative to the layer) and shapes.
	Params() []ParamSpec
	// OutShape is the per-trial output shape [C, H, W] for an input shape,
	// or an error when the layer does not accept that input.
	OutShape(in Shape3) (Shape3, error)
	// Forward applies the layer to x, laid out as [C, H, N, W]; p gives it
	// its parameters and tells it whether the model is training.
	Forward(p *Pass, x *Node) *Node
}

// PartsLayer is a Layer whose output for one part of a batch depends on the
// other parts (BatchNorm's batch statistics). A batch is split into parts
// that run side by side on the backend's cores (see Model.forward); such a
// layer sees them all at once.
type PartsLayer interface {
	Layer
	ForwardParts(p *Pass, xs []*Node) []*Node
}

// Shape3 is the shape of one trial's activation: channels, height (EEG rows), width (time).
type Shape3 [3]int

// String prints the shape as PyTorch prints a batch shape, with -1 for the batch.
func (s Shape3) String() string { return fmt.Sprintf("[-1, %d, %d, %d]", s[0], s[1], s[2]) }

// Size is the number of values in one trial's activation.
func (s Shape3) Size() int { return s[0] * s[1] * s[2] }

// ParamSpec describes one entry of a PyTorch state_dict: a parameter the
// optimiser learns, or a buffer (PyTorch's register_buffer) that it leaves
// alone, as BatchNorm's running statistics.
type ParamSpec struct {
	Name   string    // "weight", "bias", "running_mean", ... (full names are prefixed by block and index)
	Shape  []int     // PyTorch's shape
	Buffer bool      // state, not learned: no gradient, no optimiser step, not in NumParams
	Int64  bool      // stored as int64 in a state_dict (a counter, as num_batches_tracked)
	Init   ParamInit // how InitWeights sets it
	FanIn  int       // for InitUniform and InitXavier
	FanOut int       // for InitXavier
	Value  []float32 // a fixed initial value (a filter's taps), in place of Init
}

// Trainable reports whether the optimiser updates the entry: whether it is
// a parameter rather than a buffer.
func (p ParamSpec) Trainable() bool { return !p.Buffer }

// ParamInit is how InitWeights sets an entry.
type ParamInit int

// Initialisations.
const (
	// InitUniform is PyTorch's default for the weights and biases of
	// convolutions and linear layers: U(±1/√fan_in) (kaiming_uniform_ with
	// a = √5 reduces to it).
	InitUniform ParamInit = iota
	// InitXavier is init.xavier_uniform_(gain=1), U(±√(6/(fan_in + fan_out))),
	// as braindecode initialises ShallowFBCSPNet's weights.
	InitXavier
	InitZero // zeros: biases of Xavier layers, BatchNorm's bias and running mean
	InitOne  // ones: BatchNorm's weight and running variance
	// InitKaiming is init.kaiming_uniform_() with its defaults (fan in,
	// ReLU's gain √2): U(±√(6/fan_in)).
	InitKaiming
)

// Size is the number of values in the parameter.
func (p ParamSpec) Size() int { return shapeSize(p.Shape) }

// Pass is what a layer's Forward sees of the graph being built: its own
// parameters and buffers by relative name ("weight"), whether the model is
// training, and a random stream (Uniform).
type Pass struct {
	prefix string // the layer's state_dict prefix, "firstConv.0."
	f      *ForwardState
}

// Param is the layer's parameter or buffer name ("weight", "running_mean").
func (p *Pass) Param(name string) *Node { return p.f.value(p.prefix + name) }

// SetBuffer sets the new value of one of the layer's buffers after a
// training step (BatchNorm's running statistics).
func (p *Pass) SetBuffer(name string, v *Node) { p.f.Updates[p.prefix+name] = v }

// Training reports whether the graph is a training step (dropout active,
// batch statistics) rather than an evaluation.
func (p *Pass) Training() bool { return p.f.Train }

// Uniform draws values uniform in [0, 1) of the given shape from the step's
// random stream in the graph (which checkpoints save, so a resumed run
// draws the same), for layers of your own that need randomness.
func (p *Pass) Uniform(shape shapes.Shape) *Node { return p.f.uniform(shape) }

// Prefix is the layer's state_dict prefix ("firstConv.0."), for messages.
func (p *Pass) Prefix() string { return p.prefix }

// Conv2d is PyTorch's nn.Conv2d: any kernel (height, width), stride,
// zero padding, dilation and groups. Each output position is
//
//	y[o, i, j] = b[o] + Σ_{c in o's group} Σ_{u,v} W[o, c, u, v]·x[c, s₀i + d₀u − p₀, s₁j + d₁v − p₁],
//
// and the output size of an input n along an axis is
// ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1. The lab's kernels (stride 1: temporal
// (1, k), and spatial (H, 1) spanning every EEG row, full or depthwise) run
// on eegkit's fast kernels; every other one on GoMLX's general convolution.
type Conv2d struct {
	In, Out  int
	Kernel   [2]int // (height, width)
	Stride   [2]int // zero means 1
	Padding  [2]int // zero padding on both sides (height, width)
	Dilation [2]int // zero means 1
	Groups   int    // 0 or 1: ordinary convolution; In: depthwise
	Bias     bool
	Xavier   bool // initialise as braindecode's ShallowFBCSPNet: Xavier-uniform weight, zero bias
}

// GroupCount is the number of groups (Groups, or 1 when zero).
func (c Conv2d) GroupCount() int { return max(c.Groups, 1) }

// Strides is the stride along (height, width), 1 where Stride is zero.
func (c Conv2d) Strides() [2]int { return [2]int{max(c.Stride[0], 1), max(c.Stride[1], 1)} }

// Dilations is the dilation along (height, width), 1 where Dilation is zero.
func (c Conv2d) Dilations() [2]int { return [2]int{max(c.Dilation[0], 1), max(c.Dilation[1], 1)} }

// String prints the layer as PyTorch does.
func (c Conv2d) String() string {
	st := c.Strides()
	s := fmt.Sprintf("Conv2d(%d, %d, kernel_size=(%d, %d), stride=(%d, %d)", c.In, c.Out, c.Kernel[0], c.Kernel[1], st[0], st[1])
	if c.Padding != [2]int{} {
		s += fmt.Sprintf(", padding=(%d, %d)", c.Padding[0], c.Padding[1])
	}
	if d := c.Dilations(); d != [2]int{1, 1} {
		s += fmt.Sprintf(", dilation=(%d, %d)", d[0], d[1])
	}
	if c.GroupCount() > 1 {
		s += fmt.Sprintf(", groups=%d", c.GroupCount())
	}
	if !c.Bias {
		s += ", bias=False"
	}
	return s + ")"
}

// Params lists weight [Out, In/Groups, KH, KW] and, if enabled, bias [Out].
func (c Conv2d) Params() []ParamSpec {
	fanIn := c.In / c.GroupCount() * c.Kernel[0] * c.Kernel[1]
	w, b := InitUniform, InitUniform
	if c.Xavier {
		w, b = InitXavier, InitZero
	}
	ps := []ParamSpec{{Name: "weight", Shape: []int{c.Out, c.In / c.GroupCount(), c.Kernel[0], c.Kernel[1]},
		FanIn: fanIn, FanOut: c.Out * c.Kernel[0] * c.Kernel[1], Init: w}}
	if c.Bias {
		ps = append(ps, ParamSpec{Name: "bias", Shape: []int{c.Out}, FanIn: fanIn, Init: b})
	}
	return ps
}

// OutShape applies PyTorch's output size formula.
func (c Conv2d) OutShape(in Shape3) (Shape3, error) {
	if in[0] != c.In {
		return Shape3{}, fmt.Errorf("%s: input has %d channels, want %d", c, in[0], c.In)
	}
	if c.In%c.GroupCount() != 0 || c.Out%c.GroupCount() != 0 {
		return Shape3{}, fmt.Errorf("%s: channels are not divisible by groups", c)
	}
	if c.Kernel[0] < 1 || c.Kernel[1] < 1 || c.Padding[0] < 0 || c.Padding[1] < 0 {
		return Shape3{}, fmt.Errorf("%s: kernel sizes must be positive and paddings not negative", c)
	}
	st, d := c.Strides(), c.Dilations()
	if (st[0] > 1 || st[1] > 1) && (d[0] > 1 || d[1] > 1) {
		// GoMLX's convolution takes one or the other.
		return Shape3{}, fmt.Errorf("%s: a stride and a dilation above 1 together are not supported", c)
	}
	h := (in[1]+2*c.Padding[0]-d[0]*(c.Kernel[0]-1)-1)/st[0] + 1
	w := (in[2]+2*c.Padding[1]-d[1]*(c.Kernel[1]-1)-1)/st[1] + 1
	if in[1]+2*c.Padding[0] < d[0]*(c.Kernel[0]-1)+1 || in[2]+2*c.Padding[1] < d[1]*(c.Kernel[1]-1)+1 {
		return Shape3{}, fmt.Errorf("%s: input %v is smaller than the kernel", c, in)
	}
	return Shape3{c.Out, h, w}, nil
}

// kernelPath says which of eegkit's fast kernels computes the convolution
// of an input with h rows: "temporal", "dilated temporal", "rows" (a
// kernel of all the rows of one plane, SCCNet's), "spatial", "depthwise"
// (spatial), "depthwise temporal", or "" for GoMLX's general convolution.
func (c Conv2d) kernelPath(h int) string {
	if c.Strides() != [2]int{1, 1} || c.Dilations()[0] != 1 {
		return ""
	}
	if c.Dilations()[1] != 1 {
		if c.Kernel[0] == 1 && c.Padding[0] == 0 && c.GroupCount() == 1 && c.Padding[1] <= c.Dilations()[1]*(c.Kernel[1]-1) {
			return "dilated temporal"
		}
		return ""
	}
	switch {
	case c.In == 1 && c.Kernel[0] == h && c.Kernel[0] > 1 && c.Kernel[1] > 1 && c.Padding[0] == 0:
		return "rows" // a kernel over all the rows of one plane: they are its input channels
	case c.Kernel[0] == 1 && c.Padding[0] == 0 && c.GroupCount() == 1:
		return "temporal"
	case c.Kernel[1] == 1 && c.Padding == [2]int{} && c.Kernel[0] == h && c.GroupCount() == 1:
		return "spatial"
	case c.Kernel[1] == 1 && c.Padding == [2]int{} && c.Kernel[0] == h && c.GroupCount() == c.In:
		return "depthwise"
	case c.Kernel[0] == 1 && c.Padding[0] == 0 && c.GroupCount() == c.In:
		return "depthwise temporal"
	}
	return ""
}

// blockSize is the block of output steps blockedTemporalConv takes for
// this convolution on trials trials of the given width, or 0 where the windows'
// product (temporalConv) is the faster: for one input channel, a kernel of
// at least 32 steps and at least 6 trials (a part of the batch), in
// training. The block is about half the kernel, and divides the output
// where it can, which saves a copy. Fewer trials lose the gain, and
// evaluation and a single trial keep the windows (docs/benchmarks.md, "CPU
// kernel choices").
func (c Conv2d) blockSize(trials, width int) int {
	k := c.Kernel[1]
	if c.In != 1 || k < 32 || trials < 6 {
		return 0
	}
	out := width + 2*c.Padding[1] - k + 1
	best, divides := k/2, false
	for b := k / 3; b <= 2*k/3; b++ {
		if out%b == 0 && (!divides || abs(b-k/2) < abs(best-k/2)) {
			best, divides = b, true
		}
	}
	return best
}

func abs(x int) int { return max(x, -x) }

// Forward implements Layer.
func (c Conv2d) Forward(p *Pass, x *Node) *Node { return c.forwardAffine(p, x, nil, nil) }

// forwardAffine implements affineFolder.
func (c Conv2d) forwardAffine(p *Pass, x, scale, shift *Node) *Node {
	w, b := foldAffine(p.Param("weight"), c.bias(p), scale, shift)
	return c.apply(x, w, b, p.Training())
}

// bias is the layer's bias parameter, nil when it has none.
func (c Conv2d) bias(p *Pass) *Node {
	if !c.Bias {
		return nil
	}
	return p.Param("bias")
}

// apply convolves x with the weight w and adds the bias b (if not nil), in
// a training step or an evaluation.
func (c Conv2d) apply(x, w, b *Node, training bool) *Node {
	var y *Node
	path := c.kernelPath(x.Shape().Dimensions[1])
	if nativeConv(x.Graph(), training) {
		path = "general"
	}
	switch path {
	case "temporal":
		if b := c.blockSize(x.Shape().Dimensions[2], x.Shape().Dimensions[3]); b > 0 && training {
			y = blockedTemporalConv(x, w, c.Padding[1], b)
		} else {
			y = temporalConv(x, w, c.Padding[1])
		}
	case "spatial":
		y = spatialConv(x, w)
	case "depthwise":
		y = depthwiseSpatialConv(x, w, c.Out/c.In)
	case "depthwise temporal":
		y = temporalConv(x, blockDiagonal(w, c.In), c.Padding[1])
	case "dilated temporal":
		y = dilatedTemporalConv(x, w, c.Padding[1], c.Dilations()[1])
	case "rows":
		d := x.Shape().Dimensions // [1, H, N, W]
		y = temporalConv(Reshape(x, d[1], 1, d[2], d[3]), Reshape(w, c.Out, d[1], 1, c.Kernel[1]), c.Padding[1])
	default:
		y = generalConv(x, w, c.Strides(), c.Padding, c.Dilations(), c.GroupCount())
	}
	if b != nil {
		y = Add(y, Reshape(b, c.Out, 1, 1, 1))
	}
	return y
}

// composable reports whether a temporal convolution a followed directly by a
// full spatial convolution b (DeepConvNet's first two layers, with no
// nonlinearity between them) is cheaper computed as their composition, one
// (H, k) convolution, on an input laid out x [C, H, N, W]: that needs
// O₂·k·C·H multiply-adds per output position instead of O₁·k·C·H for a and
// O₂·O₁·H for b, and no intermediate activation.
func composable(a, b Layer, x []int) (Conv2d, bool) {
	c1, ok1 := a.(Conv2d)
	c2, ok2 := b.(Conv2d)
	if !ok1 || !ok2 || c1.kernelPath(x[1]) != "temporal" || c2.kernelPath(x[1]) != "spatial" || c2.In != c1.Out {
		return Conv2d{}, false
	}
	c, h, k := x[0], x[1], c1.Kernel[1]
	return c2, c2.Out*k*c*h < c1.Out*k*c*h+c2.Out*c1.Out*h
}

// temporalSpatialConv applies the temporal convolution a and then the full
// spatial convolution b (see composable) to each part of a batch as one
// temporal convolution of the input's C·H rows taken as channels, with the
// composed kernel K[o, (c, h), j] = Σ_m B[o, m, h]·A[m, c, j] and bias
// b_B + Σ_{m,h} B[o, m, h]·b_A[m], composed once for all parts. The
// parameters stay the lab's; gradients reach them through the composition.
//
// A per-channel affine map after b (scale and shift [O], see affineFolder)
// folds into the composed kernel and bias when they are not nil.
func temporalSpatialConv(a, b Conv2d, pa, pb *Pass, xs []*Node, scale, shift *Node) []*Node {
	d := xs[0].Shape().Dimensions
	c, h := d[0], d[1]
	k, m, o := a.Kernel[1], a.Out, b.Out
	wa := Reshape(pa.Param("weight"), m, c, k)
	wb := Reshape(pb.Param("weight"), o, m, h)
	kern := DotGeneral(wb, []int{1}, nil, wa, []int{0}, nil) // [O, H, C, k]
	kern = Reshape(TransposeAllAxes(kern, 0, 2, 1, 3), o, c*h, 1, k)
	var bias *Node
	if a.Bias {
		bias = ReduceSum(Mul(wb, Reshape(pa.Param("bias"), 1, m, 1)), 1, 2)
	}
	if b.Bias {
		if bias == nil {
			bias = pb.Param("bias")
		} else {
			bias = Add(bias, pb.Param("bias"))
		}
	}
	kern, bias = foldAffine(kern, bias, scale, shift)
	ys := make([]*Node, len(xs))
	for i, x := range xs {
		d := x.Shape().Dimensions
		ys[i] = temporalConvOf(Reshape(x, c*h, 1, d[2], d[3]), kern, a.Padding[1], pa.Training())
		if bias != nil {
			ys[i] = Add(ys[i], Reshape(bias, o, 1, 1, 1))
		}
	}
	return ys
}

// BatchNorm2d is PyTorch's nn.BatchNorm2d with affine weights and running
// statistics. In training it normalises with the batch statistics (and
// back-propagates through them) and updates the running statistics with the
// unbiased batch variance; in evaluation it uses the running statistics.
type BatchNorm2d struct {
	Features int
	Eps      float64 // 1e-5 in PyTorch
	Momentum float64 // 0.1 in PyTorch
}

// BatchNorm returns a BatchNorm2d with PyTorch's defaults (eps 1e-5, momentum 0.1).
func BatchNorm(features int) BatchNorm2d {
	return BatchNorm2d{Features: features, Eps: 1e-5, Momentum: 0.1}
}

// String prints the layer as PyTorch does.
func (b BatchNorm2d) String() string {
	return fmt.Sprintf("BatchNorm2d(%d, eps=%g, momentum=%g, affine=True, track_running_stats=True)", b.Features, b.Eps, b.Momentum)
}

// Params lists weight, bias, running_mean, running_var and num_batches_tracked.
func (b BatchNorm2d) Params() []ParamSpec {
	n := []int{b.Features}
	return []ParamSpec{
		{Name: "weight", Shape: n, Init: InitOne},
		{Name: "bias", Shape: n, Init: InitZero},
		{Name: "running_mean", Shape: n, Buffer: true, Init: InitZero},
		{Name: "running_var", Shape: n, Buffer: true, Init: InitOne},
		{Name: "num_batches_tracked", Shape: []int{}, Buffer: true, Int64: true, Init: InitZero},
	}
}

// OutShape is the input shape; the channel count must match.
func (b BatchNorm2d) OutShape(in Shape3) (Shape3, error) {
	if in[0] != b.Features {
		return Shape3{}, fmt.Errorf("%s: input has %d channels", b, in[0])
	}
	return in, nil
}

func (b BatchNorm2d) Forward(p *Pass, x *Node) *Node {
	return b.ForwardParts(p, []*Node{x})[0]
}

// ForwardParts normalises a batch given in parts (see Model.forward): in
// training the statistics are those of the whole batch, all parts together
// (see batchNormTrain).
func (b BatchNorm2d) ForwardParts(p *Pass, xs []*Node) []*Node {
	c := b.Features
	gamma := Reshape(p.Param("weight"), c, 1, 1, 1)
	beta := Reshape(p.Param("bias"), c, 1, 1, 1)
	if p.Training() {
		out, mean, variance, count := batchNormTrain(xs, gamma, beta, b.Eps)
		unbiased := variance
		if count > 1 {
			unbiased = MulScalar(variance, float64(count)/float64(count-1))
		}
		m := b.Momentum
		rm, rv := p.Param("running_mean"), p.Param("running_var")
		p.SetBuffer("running_mean", Add(MulScalar(rm, 1-m), MulScalar(StopGradient(Reshape(mean, c)), m)))
		p.SetBuffer("running_var", Add(MulScalar(rv, 1-m), MulScalar(StopGradient(Reshape(unbiased, c)), m)))
		p.SetBuffer("num_batches_tracked", AddScalar(p.Param("num_batches_tracked"), 1))
		return out
	}
	mean := Reshape(p.Param("running_mean"), c, 1, 1, 1)
	variance := Reshape(p.Param("running_var"), c, 1, 1, 1)
	scale := Mul(Rsqrt(AddScalar(variance, b.Eps)), gamma)
	out := make([]*Node, len(xs))
	for i, x := range xs {
		out[i] = Add(Mul(Sub(x, mean), scale), beta)
	}
	return out
}

// batchNormTrain normalises the parts xs [C, H, N_i, W] of a batch with the
// statistics of all of them, per channel over the n = Σ H·N_i·W values:
//
//	μ = Σx/n,  xc = x − μ,  σ² = Σxc²/n,  r = 1/√(σ² + ε),  y = γ·r·xc + β,
//
// and returns y's parts with μ [C, 1, 1, 1], σ² and n. Its gradients are
// the closed form PyTorch's batch_norm_backward computes, in four
// element-wise passes and two reductions per part, fewer than GoMLX's
// generic derivative of the forward takes (EEGNet's training epoch went
// from 0.59 to 0.54 s):
//
//	dβ = Σdy,  S = Σdy·xc,  dγ = r·S,
//	dx = γr·dy − (γr·r²·S/n)·xc − γr·dβ/n.
func batchNormTrain(xs []*Node, gamma, beta *Node, eps float64) (out []*Node, mean, variance *Node, count int) {
	var g partsGradient
	g.dys = make([]*Node, len(xs))
	var xc []*Node
	var r, scale *Node
	// The sums over all parts that every input's gradient needs, built once.
	var dBeta, s *Node
	sums := func() {
		if s != nil {
			return
		}
		var db, ds []*Node
		for i, dy := range g.dys {
			if dy != nil {
				db = append(db, ReduceAndKeep(dy, ReduceSum, 1, 2, 3))
				ds = append(ds, ReduceAndKeep(Mul(dy, xc[i]), ReduceSum, 1, 2, 3))
			}
		}
		if len(db) == 0 {
			dBeta, s = ZerosLike(gamma), ZerosLike(gamma)
			return
		}
		dBeta, s = SumNodes(db), SumNodes(ds)
	}
	gammaIn := IdentityWithCustomGradient(gamma, func(_, _ *Node) *Node { sums(); return Mul(s, r) })
	betaIn := IdentityWithCustomGradient(beta, func(_, _ *Node) *Node { sums(); return dBeta })
	xin := make([]*Node, len(xs))
	for i, x := range xs {
		xin[i] = IdentityWithCustomGradient(x, func(_, _ *Node) *Node {
			if g.dys[i] == nil {
				return ZerosLike(x)
			}
			sums()
			n := float64(count)
			k1 := Neg(DivScalar(Mul(Mul(scale, Square(r)), s), n))
			k0 := Neg(DivScalar(Mul(scale, dBeta), n))
			return Add(Add(Mul(g.dys[i], scale), Mul(xc[i], k1)), k0)
		})
	}
	parts := make([]*Node, len(xs))
	for i, x := range xin {
		d := x.Shape().Dimensions
		count += d[1] * d[2] * d[3]
		parts[i] = ReduceAndKeep(x, ReduceSum, 1, 2, 3)
	}
	mean = DivScalar(SumNodes(parts), float64(count))
	xc = make([]*Node, len(xs))
	for i, x := range xin {
		xc[i] = Sub(x, mean)
		parts[i] = ReduceAndKeep(Square(xc[i]), ReduceSum, 1, 2, 3)
	}
	variance = DivScalar(SumNodes(parts), float64(count))
	r = StopGradient(Rsqrt(AddScalar(variance, eps))) // the gradients are hand-written
	scale = Mul(gammaIn, r)
	out = make([]*Node, len(xs))
	for i := range xs {
		out[i] = g.of(i, Add(Mul(xc[i], scale), betaIn))
	}
	return out, mean, variance, count
}

// partsGradient is outputGradient for an operation with several outputs:
// of(i, y) records the gradient of output i for the inputs' gradients.
type partsGradient struct{ dys []*Node }

func (g *partsGradient) of(i int, y *Node) *Node {
	return IdentityWithCustomGradient(y, func(_, v *Node) *Node {
		g.dys[i] = v
		return v
	})
}

// Activation is the nonlinearity of a model: the lab compares three.
type Activation int

// The lab's activations, with PyTorch's defaults.
const (
	ReLU      Activation = iota // max(0, x)
	LeakyReLU                   // negative slope 0.01
	ELU                         // alpha 1
)

// NoActivation stands for "the model's own nonlinearity" where the
// architecture fixes it (ShallowFBCSPNet squares, then takes a log): its
// name is the empty string.
const NoActivation Activation = -1

// Activations lists the activations a model can be built with, in the
// order of the lab's tables.
func Activations() []Activation { return []Activation{ReLU, LeakyReLU, ELU} }

// LeakySlope is PyTorch's default negative slope for nn.LeakyReLU.
const LeakySlope = 0.01

// String prints the activation as PyTorch prints the module.
func (a Activation) String() string {
	switch a {
	case ReLU:
		return "ReLU()"
	case LeakyReLU:
		return "LeakyReLU(negative_slope=0.01)"
	case ELU:
		return "ELU(alpha=1.0)"
	case NoActivation:
		return ""
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

// Name is the short name used on the command line and in tables: relu, leakyrelu, elu.
func (a Activation) Name() string {
	switch a {
	case ReLU:
		return "relu"
	case LeakyReLU:
		return "leakyrelu"
	case ELU:
		return "elu"
	case NoActivation:
		return ""
	}
	return fmt.Sprintf("activation%d", int(a))
}

// Label is the activation's name as the lab's figures print it.
func (a Activation) Label() string {
	switch a {
	case ReLU:
		return "ReLU"
	case LeakyReLU:
		return "LeakyReLU"
	case ELU:
		return "ELU"
	case NoActivation:
		return "none"
	}
	return a.Name()
}

// ParseActivation accepts relu, leakyrelu (or leaky, leaky_relu) and elu, in
// any case, and "" (NoActivation: the model's own nonlinearity).
func ParseActivation(s string) (Activation, error) {
	switch NormalizeName(s) {
	case "":
		return NoActivation, nil
	case "relu":
		return ReLU, nil
	case "leakyrelu", "leaky":
		return LeakyReLU, nil
	case "elu":
		return ELU, nil
	}
	return 0, fmt.Errorf("unknown activation %q: use relu, leakyrelu or elu", s)
}

// Params: activations have none.
func (a Activation) Params() []ParamSpec { return nil }

// OutShape is the input shape.
func (a Activation) OutShape(in Shape3) (Shape3, error) { return in, nil }

// Forward applies the activation. Each is written with its gradient, from
// what the forward pass keeps, in fewer element-wise passes than GoMLX
// derives for the same function (each pass reads and writes the whole
// activation, so passes are what element-wise layers cost):
//
//	ReLU:      y = max(x, 0),                dx = dy·[y > 0]
//	LeakyReLU: y = max(x, 0.01·x),           dx = dy·[y > 0] + 0.01·dy·[y ≤ 0]
//	ELU:       e = exp(min(x, 0)), y = max(x, e − 1),   dx = dy·e
//
// ELU's e is its derivative on both sides of 0 (1 where x > 0, exp(x)
// elsewhere), and max(x, e − 1) is x where x > 0 and e − 1 elsewhere
// (exp(x) − 1 ≥ x), so these are PyTorch's functions and gradients; at 0
// the gradients take PyTorch's side (0 for ReLU, the slope for LeakyReLU,
// 1 for ELU).
func (a Activation) Forward(p *Pass, x *Node) *Node {
	var og outputGradient
	var y, e *Node
	switch a {
	case LeakyReLU:
		xg := og.input(x, func(dy *Node) *Node {
			return Where(GreaterThan(y, ScalarZero(y.Graph(), y.DType())), dy, MulScalar(dy, LeakySlope))
		})
		y = Max(xg, MulScalar(xg, LeakySlope))
	case ELU:
		xg := og.input(x, func(dy *Node) *Node { return Mul(dy, e) })
		e = Exp(MinScalar(xg, 0))
		y = Max(xg, AddScalar(e, -1))
	default:
		xg := og.input(x, func(dy *Node) *Node {
			zero := ScalarZero(y.Graph(), y.DType())
			return Where(GreaterThan(y, zero), dy, zero)
		})
		y = MaxScalar(xg, 0)
	}
	return og.of(y)
}

// Pool2d is PyTorch's nn.AvgPool2d or nn.MaxPool2d with floor rounding:
// windows Kernel (height, width) every Stride (the kernel when zero), on the
// input zero-padded by Padding (−∞ for the maximum); the average divides by
// the window's size, padding included (count_include_pad=True). Windows
// that do not overlap along time, (1, k) with stride k (the lab's pooling),
// and any average along time run on eegkit's fast kernels; every other one
// on GoMLX's window reduction (slow on the pure-Go backend).
type Pool2d struct {
	Max     bool
	Kernel  [2]int
	Stride  [2]int // zero means the kernel
	Padding [2]int
}

// AvgPool2d is nn.AvgPool2d(kernel_size=(kh, kw)).
func AvgPool2d(kh, kw int) Pool2d { return Pool2d{Kernel: [2]int{kh, kw}} }

// MaxPool2d is nn.MaxPool2d(kernel_size=(kh, kw)).
func MaxPool2d(kh, kw int) Pool2d { return Pool2d{Max: true, Kernel: [2]int{kh, kw}} }

// Strides is the stride along (height, width): the kernel's where Stride is zero.
func (pl Pool2d) Strides() [2]int {
	s := pl.Stride
	for i := range s {
		if s[i] == 0 {
			s[i] = pl.Kernel[i]
		}
	}
	return s
}

// String prints the layer as PyTorch does.
func (pl Pool2d) String() string {
	st := pl.Strides()
	pad := "0"
	if pl.Padding != [2]int{} {
		pad = fmt.Sprintf("(%d, %d)", pl.Padding[0], pl.Padding[1])
	}
	if pl.Max {
		return fmt.Sprintf("MaxPool2d(kernel_size=(%d, %d), stride=(%d, %d), padding=%s, dilation=1, ceil_mode=False)",
			pl.Kernel[0], pl.Kernel[1], st[0], st[1], pad)
	}
	return fmt.Sprintf("AvgPool2d(kernel_size=(%d, %d), stride=(%d, %d), padding=%s)", pl.Kernel[0], pl.Kernel[1], st[0], st[1], pad)
}

// Params: pooling has none.
func (pl Pool2d) Params() []ParamSpec { return nil }

// OutShape floors as PyTorch does: ⌊(n + 2p − k)/s⌋ + 1 along each axis.
func (pl Pool2d) OutShape(in Shape3) (Shape3, error) {
	st := pl.Strides()
	if pl.Kernel[0] < 1 || pl.Kernel[1] < 1 || st[0] < 1 || st[1] < 1 || pl.Padding[0] < 0 || pl.Padding[1] < 0 {
		return Shape3{}, fmt.Errorf("%s: kernel and stride must be positive, padding not negative", pl)
	}
	if 2*pl.Padding[0] > pl.Kernel[0] || 2*pl.Padding[1] > pl.Kernel[1] {
		return Shape3{}, fmt.Errorf("%s: padding must be at most half the kernel (as in PyTorch)", pl)
	}
	if in[1]+2*pl.Padding[0] < pl.Kernel[0] || in[2]+2*pl.Padding[1] < pl.Kernel[1] {
		return Shape3{}, fmt.Errorf("%s: input %v is smaller than the kernel", pl, in)
	}
	return Shape3{in[0], (in[1]+2*pl.Padding[0]-pl.Kernel[0])/st[0] + 1, (in[2]+2*pl.Padding[1]-pl.Kernel[1])/st[1] + 1}, nil
}

// Forward implements Layer.
func (pl Pool2d) Forward(_ *Pass, x *Node) *Node {
	if pl.Kernel[0] == 1 && pl.Strides() == pl.Kernel && pl.Padding == [2]int{} {
		return temporalPool(x, pl.Kernel[1], pl.Max)
	}
	if !pl.Max && pl.Kernel[0] == 1 && pl.Strides()[0] == 1 && pl.Padding[0] == 0 {
		return timeAvgPool(x, pl.Kernel[1], pl.Strides()[1], pl.Padding[1])
	}
	if pl.Max && pl.Kernel[0] == 1 && pl.Strides() == [2]int{1, 1} && pl.Padding[0] == 0 {
		return slidingMax(x, pl.Kernel[1], pl.Padding[1])
	}
	return generalPool(x, pl.Kernel, pl.Strides(), pl.Padding, pl.Max)
}

// Dropout is PyTorch's nn.Dropout: in training each value is zeroed with
// probability P and the rest are scaled by 1/(1-P); in evaluation it is the
// identity. With Channels it is nn.Dropout2d: whole channels of a trial
// are zeroed together. A training step gives it its mask as an input (see
// ForwardState.Masks; train draws them on the host); a graph without masks
// draws them with Pass.Uniform.
type Dropout struct {
	P        float64
	Channels bool `json:",omitempty"`
}

// String prints the layer as PyTorch does.
func (d Dropout) String() string {
	if d.Channels {
		return fmt.Sprintf("Dropout2d(p=%g, inplace=False)", d.P)
	}
	return fmt.Sprintf("Dropout(p=%g, inplace=False)", d.P)
}

// Params: dropout has none.
func (d Dropout) Params() []ParamSpec { return nil }

// OutShape is the input shape.
func (d Dropout) OutShape(in Shape3) (Shape3, error) { return in, nil }

// maskShape is the shape of the mask for an input [C, H, N, W]: the same,
// or [C, 1, N, 1] for whole channels.
func (d Dropout) maskShape(c, h, n, w int) [4]int {
	if d.Channels {
		return [4]int{c, 1, n, 1}
	}
	return [4]int{c, h, n, w}
}

func (d Dropout) Forward(p *Pass, x *Node) *Node {
	if !p.Training() || d.P <= 0 {
		return x
	}
	dims := x.Shape().Dimensions
	ms := d.maskShape(dims[0], dims[1], dims[2], dims[3])
	if p.f.Masks != nil {
		return Mul(x, BroadcastToDims(p.f.nextMask(p.prefix, ms), dims...))
	}
	keep := GreaterOrEqual(p.Uniform(shapes.Make(x.DType(), ms[:]...)), Scalar(x.Graph(), x.DType(), d.P))
	scale := Where(keep, Scalar(x.Graph(), x.DType(), 1/(1-d.P)), Scalar(x.Graph(), x.DType(), 0))
	return Mul(x, BroadcastToDims(scale, dims...))
}

// Linear is PyTorch's nn.Linear applied to the activation flattened per trial
// in PyTorch's order (channel, row, time), as the lab's x.view(N, -1) does.
type Linear struct{ In, Out int }

// String prints the layer as PyTorch does.
func (l Linear) String() string {
	return fmt.Sprintf("Linear(in_features=%d, out_features=%d, bias=True)", l.In, l.Out)
}

// Params lists weight [Out, In] and bias [Out].
func (l Linear) Params() []ParamSpec {
	return []ParamSpec{
		{Name: "weight", Shape: []int{l.Out, l.In}, FanIn: l.In, Init: InitUniform},
		{Name: "bias", Shape: []int{l.Out}, FanIn: l.In, Init: InitUniform},
	}
}

// OutShape is [Out, 1, 1]; the flattened input must have In values (any
// number while In is 0, which Model.Build infers).
func (l Linear) OutShape(in Shape3) (Shape3, error) {
	if l.In != 0 && in.Size() != l.In {
		return Shape3{}, fmt.Errorf("%s: flattened input has %d features (%v)", l, in.Size(), in)
	}
	return Shape3{l.Out, 1, 1}, nil
}

func (l Linear) Forward(p *Pass, x *Node) *Node {
	return linearLayout(flattenLinear(x, p.Param("weight"), p.Param("bias")))
}

// linearLayout lays a Linear's result y [N, Out] out as eegkit's
// activations, [Out, 1, N, 1].
func linearLayout(y *Node) *Node {
	d := y.Shape().Dimensions
	return Reshape(TransposeAllAxes(y, 1, 0), d[1], 1, d[0], 1)
}

// fanInBound is the bound of PyTorch's default uniform initialisation for a fan-in.
func fanInBound(fanIn int) float64 {
	if fanIn <= 0 {
		return 0
	}
	return 1 / math.Sqrt(float64(fanIn))
}
