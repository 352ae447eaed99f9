package nn

import (
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX models read best with the graph ops unqualified.
)

// The convolutions and pooling here are written as window extraction plus
// matrix multiplication and reshape plus reduction: on every backend they
// compute PyTorch's result, and on the pure-Go backend they are many times
// faster than ConvGeneral and ReduceWindow. Activations are laid out
// [C, H, N, W] so that every matrix product contracts leading axes and
// produces the next layer's layout without a transpose.

// goBackend says whether the graph runs on the pure-Go backend (which
// calls itself "Go Backend"). The time windows and the pooling's cut are
// one gather of contiguous runs there, and slices elsewhere: XLA fuses
// static slices and their concatenation into the consumers, but runs a
// gather as a loop over its indices, while the Go backend copies a gather's
// runs in one pass (measured in docs/backends.md, "XLA").
func goBackend(g *Graph) bool { return strings.HasPrefix(strings.ToLower(g.Backend().Name()), "go") }

// OnAccelerator says whether b computes on an accelerator (a GPU through
// XLA's CUDA plugin) rather than on the host's CPUs.
func OnAccelerator(b compute.Backend) bool {
	c, ok := b.(interface{ IsCPU() bool })
	return ok && !c.IsCPU()
}

// onAccelerator is OnAccelerator for the graph's backend. A variable so
// that a test can run the accelerator's path on the pure-Go backend.
var onAccelerator = func(g *Graph) bool { return OnAccelerator(g.Backend()) }

// nativeConv says whether a convolution of an evaluation (not training)
// runs as the backend's own convolution op (generalConv): on an
// accelerator, where XLA hands it to the device's library (cuDNN) and the
// windows' copies and small products below would each be a kernel. Training
// keeps the windows and their hand-written gradients there too: XLA's
// derivative of its convolution made EEGNet's training step many times
// slower on a GPU (docs/benchmarks.md). On the CPUs, XLA's CPU plugin
// included, the windows are the faster either way.
func nativeConv(g *Graph, training bool) bool { return !training && onAccelerator(g) }

// temporalConvOf is temporalConv, or the backend's convolution where
// nativeConv says so.
func temporalConvOf(x, w *Node, pad int, training bool) *Node {
	if nativeConv(x.Graph(), training) {
		return generalConv(x, w, [2]int{1, 1}, [2]int{0, pad}, [2]int{1, 1}, 1)
	}
	return temporalConv(x, w, pad)
}

// temporalConv is a (1, k) convolution with zero padding pad on both sides of
// the time axis. x is [C, H, N, W]; w is PyTorch's [O, C, 1, k]. It returns
// [O, H, N, W+2·pad-k+1].
//
// The forward pass is y = W·windows with windows [C·k, positions], a gather
// of C·k long runs in the weight's own (C, k) order, so W needs no
// transpose. Its gradients are written out rather than left to GoMLX's
// generic DotGeneral and GatherSlices gradients, which on the Go backend
// transpose the windows' gradient (the largest tensor of a training step),
// scatter it back and slice away the padding:
//
//	dW = dY·windowsᵀ (see weightGrad);
//	dX = conv(dY padded by k−1−pad, W flipped in time with C and O swapped),
//	     the "full" convolution, built from windows of dY like the forward.
func temporalConv(x, w *Node, pad int) *Node { return dilatedTemporalConv(x, w, pad, 1) }

// dilatedTemporalConv is temporalConv with its taps dil steps apart
// (torch's dilation): the windows' runs start dil steps apart, and the
// input's gradient is the full convolution with the same dilation. It
// returns [O, H, N, W+2·pad−dil·(k−1)].
func dilatedTemporalConv(x, w *Node, pad, dil int) *Node {
	d := x.Shape().Dimensions
	c, h, n, width := d[0], d[1], d[2], d[3]
	wd := w.Shape().Dimensions
	o, k := wd[0], wd[3]
	var g outputGradient
	xg := g.input(x, func(dy *Node) *Node { return temporalConvInputGrad(dy, w, pad, dil, width) })
	var win, xp *Node
	out := width + 2*pad - dil*(k-1)
	wg := g.input(w, func(dy *Node) *Node {
		src := win
		if c*k*h*n*out > rematerialized && goBackend(dy.Graph()) {
			// The barrier makes the gather wait for dy, in the backward pass,
			// and keeps the backend from merging it with the forward one.
			src = Reshape(dilatedWindows(SchedulingBarrier(xp, dy), k, out, dil), c*k, h*n*out)
		}
		return Reshape(weightGrad(src, Reshape(dy, o, -1)), o, c, 1, k)
	})
	xp = xg
	if pad > 0 {
		xp = Pad(xg, ScalarZero(x.Graph(), x.DType()), compute.PadAxis{}, compute.PadAxis{}, compute.PadAxis{},
			compute.PadAxis{Start: pad, End: pad})
	}
	win = Reshape(dilatedWindows(xp, k, out, dil), c*k, h*n*out) // [C·k, positions], the weight's (C, k) order
	return g.of(Reshape(DotGeneral(Reshape(wg, o, c*k), []int{1}, nil, win, []int{0}, nil), o, h, n, out))
}

// rematerialized is the size (in values) of a convolution's windows above
// which, on the Go backend, the weight's gradient gathers them again from
// the input rather than keeping the forward pass's: the windows of a
// network of long multichannel kernels (EEGInceptionMI's 48 × 48
// convolutions of up to 108 taps: 124 million values for 32 trials) would
// otherwise all be held until the backward pass, many gigabytes; the lab's
// largest are under 2 million.
var rematerialized = 1 << 24 // a variable for the tests

// temporalConvInputGrad is the gradient of dilatedTemporalConv with
// respect to its input x (width wide) given the output gradient dy
// [O, H, N, out]: dx[c, t] = Σ_{o,j} W[o, c, j]·dy[o, t+pad−dil·j], a
// convolution of dy padded by dil·(k−1)−pad with the kernel flipped in
// time and the same dilation, [C, H, N, width].
func temporalConvInputGrad(dy, w *Node, pad, dil, width int) *Node {
	d := dy.Shape().Dimensions
	o, h, n := d[0], d[1], d[2]
	wd := w.Shape().Dimensions
	c, k := wd[1], wd[3]
	p := dil*(k-1) - pad
	if p > 0 {
		dy = Pad(dy, ScalarZero(dy.Graph(), dy.DType()), compute.PadAxis{}, compute.PadAxis{}, compute.PadAxis{},
			compute.PadAxis{Start: p, End: p})
	}
	win := Reshape(dilatedWindows(dy, k, width, dil), o*k, h*n*width) // [O·k, positions of x]
	// wf[c, o, j] = W[o, c, k-1-j]
	wf := Reshape(TransposeAllAxes(Reverse(Reshape(w, o, c, k), 2), 1, 0, 2), c, o*k)
	return Reshape(DotGeneral(wf, []int{1}, nil, win, []int{0}, nil), c, h, n, width)
}

// timeWindows returns the k shifted views x[c, ..., j:j+out] for j < k of
// each channel c of x [C, H, N, W], laid out [C, k, 1, H, N, out] so that
// (C, k) matches PyTorch's weight layout [O, C, 1, k]. On the Go backend a
// single gather of contiguous runs, so it costs one copy of the result; on
// the others k slices (see goBackend).
func timeWindows(x *Node, k, out int) *Node { return dilatedWindows(x, k, out, 1) }

// dilatedWindows is timeWindows with the runs starting dil steps apart:
// x[c, ..., dil·j : dil·j+out].
func dilatedWindows(x *Node, k, out, dil int) *Node {
	if !goBackend(x.Graph()) {
		d := x.Shape().Dimensions
		views := make([]*Node, k)
		for j := range k {
			views[j] = Reshape(Slice(x, AxisRange(), AxisRange(), AxisRange(), AxisRange(dil*j, dil*j+out)), d[0], 1, 1, d[1], d[2], out)
		}
		return Concatenate(views, 1)
	}
	c := x.Shape().Dimensions[0]
	starts := make([][][]int32, c)
	for ch := range starts {
		starts[ch] = make([][]int32, k)
		for j := range starts[ch] {
			starts[ch][j] = []int32{int32(ch), int32(dil * j)}
		}
	}
	return GatherSlices(x, []int{0, 3}, Const(x.Graph(), starts), []int{1, out}, true)
}

// weightGrad is the gradient dY·Xᵀ [O, R] of a weight W [O, R] used as
// y = W·x, for x [R, P] and dy [O, P]. Both operands contract their long
// trailing axis P, so the backend packs the right operand transposed, which
// the Go backend does with scalar code; its 4×32 kernel then runs
// ⌈rows/4⌉·⌈cols/32⌉ times per step. dY goes on the left when it has fewer
// rows than x or at most half a strip, the faster order on the lab's
// shapes (docs/benchmarks.md, "CPU kernel choices"); otherwise x does, and
// the small [R, O] result is transposed. Either order gives the same values.
func weightGrad(x, dy *Node) *Node {
	if r, o := x.Shape().Dimensions[0], dy.Shape().Dimensions[0]; r < o || o <= 16 {
		return DotGeneral(dy, []int{1}, nil, x, []int{1}, nil)
	}
	return Transpose(DotGeneral(x, []int{1}, nil, dy, []int{1}, nil), 0, 1)
}

// weightTimes is y = W·x for a weight w [O, R] and x [R, P], with its
// gradients written out so that every product is in a layout the backend
// multiplies without transposing a large operand: dx = Wᵀ·dY (only W, small,
// is transposed) and dW from weightGrad. GoMLX's generic gradient of the
// product computes dx transposed and transposes it back.
func weightTimes(w, x *Node) *Node {
	var g outputGradient
	xg := g.input(x, func(dy *Node) *Node {
		return DotGeneral(Transpose(w, 0, 1), []int{1}, nil, dy, []int{0}, nil)
	})
	wg := g.input(w, func(dy *Node) *Node { return weightGrad(x, dy) })
	return g.of(DotGeneral(wg, []int{1}, nil, xg, []int{0}, nil))
}

// spatialConv is a (H, 1) convolution spanning all H rows: x [C, H, N, W],
// w [O, C, H, 1] -> [O, 1, N, W].
func spatialConv(x, w *Node) *Node {
	d := x.Shape().Dimensions
	c, h, n, width := d[0], d[1], d[2], d[3]
	o := w.Shape().Dimensions[0]
	return Reshape(weightTimes(Reshape(w, o, c*h), Reshape(x, c*h, n*width)), o, 1, n, width)
}

// depthwiseSpatialConv is a (H, 1) convolution with groups == C and
// mult output channels per input channel: x [C, H, N, W], w [C·mult, 1, H, 1]
// -> [C·mult, 1, N, W], output channel g·mult+m reading input channel g.
//
// It runs as the full spatial convolution whose weight [C·mult, C·H] is zero
// outside the groups' diagonal blocks: C times the arithmetic of a grouped
// product, but one well-shaped matrix product where a grouped one contracts
// only H values per group (the Go backend's slowest case). The weight's
// gradient, a long contraction per group, is the grouped product
// dW[g, m, h] = Σ_p dY[g·mult+m, p]·x[g, h, p], a C-th of the full one's arithmetic.
func depthwiseSpatialConv(x, w *Node, mult int) *Node {
	d := x.Shape().Dimensions
	c, h, positions := d[0], d[1], d[2]*d[3]
	var g outputGradient
	wg := g.input(w, func(dy *Node) *Node {
		dw := DotGeneral(Reshape(dy, c, mult, positions), []int{2}, []int{0}, Reshape(x, c, h, positions), []int{2}, []int{0})
		return Reshape(dw, c*mult, 1, h, 1)
	})
	mask := make([][][]float32, c*mult)
	for i := range mask {
		mask[i] = make([][]float32, c)
		for j := range mask[i] {
			mask[i][j] = []float32{0}
			if i/mult == j {
				mask[i][j][0] = 1
			}
		}
	}
	full := Mul(Reshape(wg, c*mult, 1, h), ConvertDType(Const(x.Graph(), mask), w.DType())) // [C·mult, C, H]
	return g.of(spatialConv(x, Reshape(full, c*mult, c, h, 1)))
}

// blockDiagonal is a depthwise weight w [C·mult, 1, KH, KW] (groups == C)
// as the full weight [C·mult, C, KH, KW] that is zero outside each output
// channel's own input channel: a grouped convolution run as an ordinary one
// (C times the arithmetic, on the fast kernels; the Go backend's grouped
// convolution is several times slower). Gradients reach w through the mask.
func blockDiagonal(w *Node, c int) *Node {
	d := w.Shape().Dimensions
	o, kh, kw := d[0], d[2], d[3]
	mult := o / c
	mask := make([][]float32, o)
	for i := range mask {
		mask[i] = make([]float32, c)
		mask[i][i/mult] = 1
	}
	m := Reshape(ConvertDType(Const(w.Graph(), mask), w.DType()), o, c, 1, 1)
	return Mul(BroadcastToDims(w, o, c, kh, kw), BroadcastToDims(m, o, c, kh, kw))
}

// outputGradient hand-writes the gradients of an operation's inputs: use
// input(x, grad) in place of each input x when computing the output y, and
// return of(y). GoMLX differentiates y before its inputs, so the gradient
// dy of the output is known when an input's gradient grad(dy) is asked
// for; the generic gradient GoMLX would have derived for the input is then
// unused, and the backend drops it.
type outputGradient struct{ dy *Node }

func (g *outputGradient) input(x *Node, grad func(dy *Node) *Node) *Node {
	return IdentityWithCustomGradient(x, func(_, _ *Node) *Node { return grad(g.dy) })
}

func (g *outputGradient) of(y *Node) *Node {
	return IdentityWithCustomGradient(y, func(_, v *Node) *Node {
		g.dy = v
		return v
	})
}

// slidingMax is a max pool of k steps with stride 1 along time, x [C, H, N,
// W] padded by pad steps of −∞ at both ends: y[t] = max_{j<k} x[t+j], the
// running maximum of k shifted slices, where GoMLX's window reduction visits
// every window element by element (EEGInceptionMI's pools of 288 channels).
// The gradient goes, as PyTorch's, to the first maximum of each window:
// dx[t+j] += dy[t] for the least j with x[t+j] = y[t].
func slidingMax(x *Node, k, pad int) *Node {
	d := x.Shape().Dimensions
	g := x.Graph()
	out := d[3] + 2*pad - k + 1
	var og outputGradient
	var xp, y *Node
	shifted := func(v *Node, j int) *Node {
		return Slice(v, AxisRange(), AxisRange(), AxisRange(), AxisRange(j, j+out))
	}
	x = og.input(x, func(dy *Node) *Node {
		zero := ScalarZero(g, dy.DType())
		var dx, taken *Node
		for j := range k {
			first := Equal(shifted(xp, j), y)
			if taken != nil {
				first = LogicalAnd(first, LogicalNot(taken))
				taken = LogicalOr(taken, first)
			} else {
				taken = first
			}
			part := Pad(Where(first, dy, ZerosLike(dy)), zero, compute.PadAxis{}, compute.PadAxis{}, compute.PadAxis{},
				compute.PadAxis{Start: j, End: k - 1 - j})
			if dx == nil {
				dx = part
			} else {
				dx = Add(dx, part)
			}
		}
		return Slice(dx, AxisRange(), AxisRange(), AxisRange(), AxisRange(pad, pad+d[3]))
	})
	xp = x
	if pad > 0 {
		xp = Pad(x, Infinity(g, x.DType(), -1), compute.PadAxis{}, compute.PadAxis{}, compute.PadAxis{}, compute.PadAxis{Start: pad, End: pad})
	}
	y = shifted(xp, 0)
	for j := 1; j < k; j++ {
		y = Max(y, shifted(xp, j))
	}
	return og.of(y)
}

// temporalPool pools non-overlapping windows of k time steps (stride k,
// floor), averaging or taking the maximum: [C, H, N, W] -> [C, H, N, W/k].
// The average's gradient is written out: dY/k repeated k times (an outer
// product with a row of ones) and zero-padded over the steps the floor
// dropped, where GoMLX's generic one broadcasts element by element and
// scatters into zeros.
func temporalPool(x *Node, k int, useMax bool) *Node {
	d := x.Shape().Dimensions
	out := d[3] / k
	var g outputGradient
	if !useMax {
		x = g.input(x, func(dy *Node) *Node {
			ones := MulScalar(Ones(dy.Graph(), shapes.Make(dy.DType(), 1, k)), 1/float64(k))
			dx := Reshape(DotGeneral(Reshape(dy, -1, 1), []int{1}, nil, ones, []int{0}, nil), d[0], d[1], d[2], out*k)
			if out*k == d[3] {
				return dx
			}
			return Pad(dx, ScalarZero(dy.Graph(), dy.DType()), compute.PadAxis{}, compute.PadAxis{}, compute.PadAxis{},
				compute.PadAxis{End: d[3] - out*k})
		})
	}
	if out*k != d[3] { // floor: drop each row's last steps with one gather of contiguous runs
		rows := d[0] * d[1] * d[2]
		starts := make([][]int32, rows)
		for r := range starts {
			starts[r] = []int32{int32(r), 0}
		}
		if !goBackend(x.Graph()) {
			x = Slice(x, AxisRange(), AxisRange(), AxisRange(), AxisRange(0, out*k))
		} else {
			x = GatherSlices(Reshape(x, rows, d[3]), []int{0, 1}, Const(x.Graph(), starts), []int{1, out * k}, true)
		}
	}
	x = Reshape(x, d[0], d[1], d[2], out, k)
	if useMax && goBackend(x.Graph()) {
		return ReduceMax(x, 4)
	}
	if useMax {
		// On XLA the generic gradient of a maximum goes to every tied
		// element (ELU's floor of −1 ties often); PyTorch's goes to the
		// first maximum of each window, and so does this one.
		windows := x
		x = g.input(x, func(dy *Node) *Node {
			first := OneHot(ArgMax(windows, 4, dtypes.Int32), k, dy.DType())
			return Mul(first, BroadcastToDims(Reshape(dy, d[0], d[1], d[2], out, 1), d[0], d[1], d[2], out, k))
		})
		return g.of(ReduceMax(x, 4))
	}
	return g.of(ReduceMean(x, 4))
}

// flattenLinear applies nn.Linear to x [C, H, N, W] flattened per trial in
// PyTorch's (C, H, W) order: w [O, C·H·W], b [O] -> [N, O].
func flattenLinear(x, w, b *Node) *Node {
	d := x.Shape().Dimensions
	c, h, width := d[0], d[1], d[3]
	o := w.Shape().Dimensions[0]
	w4 := Reshape(w, o, c, h, width)
	y := DotGeneral(x, []int{0, 1, 3}, nil, w4, []int{1, 2, 3}, nil) // [N, O]
	return Add(y, Reshape(b, 1, o))
}

// SumNodes adds nodes of one shape (the per-part values of a batch).
func SumNodes(xs []*Node) *Node {
	sum := xs[0]
	for _, x := range xs[1:] {
		sum = Add(sum, x)
	}
	return sum
}

// CrossEntropy is PyTorch's nn.CrossEntropyLoss (mean over the batch) of
// logits [N, K] against integer labels [N].
func CrossEntropy(logits, labels *Node) *Node {
	k := logits.Shape().Dimensions[1]
	logp := LogSoftmax(logits, 1)
	onehot := OneHot(labels, k, logits.DType())
	return Neg(ReduceAllMean(ReduceSum(Mul(logp, onehot), 1)))
}

// SoftCrossEntropy is the mean over the rows of −Σₖ tₖ log softmax(l)ₖ for
// soft targets t [N, K] (class weights summing to 1 per row; a one-hot t
// gives CrossEntropy).
func SoftCrossEntropy(logits, targets *Node) *Node {
	return Neg(ReduceAllMean(ReduceSum(Mul(LogSoftmax(logits, 1), targets), 1)))
}

// CountCorrect counts the rows of logits whose argmax equals the label.
func CountCorrect(logits, labels *Node) *Node {
	pred := ArgMax(logits, 1, dtypes.Int32)
	return ReduceAllSum(ConvertDType(Equal(pred, labels), dtypes.Float32))
}

// generalConv is nn.Conv2d on x [C, H, N, W] with PyTorch's weight
// [O, C/groups, KH, KW], by GoMLX's general convolution (configured for
// eegkit's layout, so nothing is transposed): [O, H′, N, W′].
func generalConv(x, w *Node, stride, pad, dilation [2]int, groups int) *Node {
	axes := ConvolveAxesConfig{
		InputBatch: 2, InputChannels: 0, InputSpatial: []int{1, 3},
		KernelOutputChannels: 0, KernelInputChannels: 1, KernelSpatial: []int{2, 3},
		OutputBatch: 2, OutputChannels: 0, OutputSpatial: []int{1, 3},
	}
	pads := [][2]int{{pad[0], pad[0]}, {pad[1], pad[1]}}
	kd := w.Shape().Dimensions
	var ends [2]int
	for a := range 2 {
		if dilation[a]*(kd[2+a]-1)%2 == 1 { // an even (dilated) kernel size
			ends[a] = 1
			pads[a][1] += dilation[a]
		}
	}
	if ends != [2]int{} {
		// An even kernel becomes an odd one with a zero tap appended, and
		// padding one tap longer at the end keeps every output: GoMLX's
		// input gradient of an even-sized convolution is wrong (found by the
		// braindecode parity test: braindecode's EEGNet pads its even
		// kernels by half), its odd one is right.
		w = Pad(w, ScalarZero(w.Graph(), w.DType()), compute.PadAxis{}, compute.PadAxis{}, compute.PadAxis{End: ends[0]}, compute.PadAxis{End: ends[1]})
	}
	conv := Convolve(x, w).AxesConfig(axes).PaddingPerDim(pads)
	if stride != [2]int{1, 1} {
		conv = conv.StridePerAxis(stride[0], stride[1])
	}
	if dilation != [2]int{1, 1} {
		conv = conv.DilationPerAxis(dilation[0], dilation[1])
	}
	if groups > 1 {
		conv = conv.ChannelGroupCount(groups)
	}
	return conv.Done()
}

// generalPool is nn.AvgPool2d (count_include_pad=True) or nn.MaxPool2d on
// x [C, H, N, W] by GoMLX's window reduction over the H and W axes.
func generalPool(x *Node, kernel, stride, pad [2]int, useMax bool) *Node {
	var pool *PoolBuilder
	if useMax {
		pool = MaxPool(x)
	} else {
		pool = SumPool(x)
	}
	y := pool.FullShape().WindowPerAxis(1, kernel[0], 1, kernel[1]).StridePerAxis(1, stride[0], 1, stride[1]).
		PaddingPerDim([][2]int{{0, 0}, {pad[0], pad[0]}, {0, 0}, {pad[1], pad[1]}}).Done()
	if useMax {
		return y
	}
	return DivScalar(y, float64(kernel[0]*kernel[1]))
}

// timeAvgPool averages windows of k time steps every s steps of x
// [C, H, N, W] zero-padded by pad on both sides (count_include_pad): one
// matrix product with the pooling matrix P[t, j] = 1/k for j·s − pad ≤ t <
// j·s − pad + k, [C, H, N, (W + 2·pad − k)/s + 1]. Its gradient is the
// product with Pᵀ; GoMLX's window reduction, which it replaces, is a loop
// per output on the pure-Go backend, which a long overlapping window (as
// ShallowFBCSPNet's (75, 15) pooling) makes the whole of an epoch.
func timeAvgPool(x *Node, k, s, pad int) *Node {
	d := x.Shape().Dimensions
	w := d[3]
	out := (w+2*pad-k)/s + 1
	p := make([][]float32, w)
	for t := range p {
		p[t] = make([]float32, out)
		for j := range out {
			if start := j*s - pad; t >= start && t < start+k {
				p[t][j] = 1 / float32(k)
			}
		}
	}
	pm := ConvertDType(Const(x.Graph(), p), x.DType())
	y := DotGeneral(Reshape(x, -1, w), []int{1}, nil, pm, []int{0}, nil)
	return Reshape(y, d[0], d[1], d[2], out)
}

// blockedTemporalConv is temporalConv for an input of one channel
// (x [1, H, N, W], w [O, 1, 1, k]) and a long kernel, in blocks of b output
// steps: block j of a row is
//
//	y[o, jb+s] = Σ_m T[m, o, s]·X[j, m],  X[j, m] = x_padded[jb+m] (m < b+k−1),  T[m, o, s] = W[o, m−s],
//
// (T zero outside the kernel), one product [rows·blocks, b+k−1]·[b+k−1, O·b]
// and a transpose of its result into the layout [O, H, N, W]. It takes
// (b+k−1)/k times the multiply-adds of the windows' product, but
// materialises (b+k−1)/b copies of the input instead of k, which the
// windows' gather, the backend's packing and, for the weight's gradient,
// its scalar packing of a transposed operand all go through. When b does
// not divide the output width the last block runs over the end (into more
// zero padding) and its extra steps are cut.
func blockedTemporalConv(x, w *Node, pad, b int) *Node {
	d := x.Shape().Dimensions
	h, n, width := d[1], d[2], d[3]
	wd := w.Shape().Dimensions
	o, k := wd[0], wd[3]
	out := width + 2*pad - k + 1
	blocks, l := (out+b-1)/b, b+k-1
	g := x.Graph()
	if end := pad + blocks*b - out; pad > 0 || end > 0 {
		x = Pad(x, ScalarZero(g, x.DType()), compute.PadAxis{}, compute.PadAxis{}, compute.PadAxis{}, compute.PadAxis{Start: pad, End: end})
	}
	starts := make([][]int32, blocks)
	for j := range starts {
		starts[j] = []int32{int32(j * b)}
	}
	xb := Reshape(GatherSlices(x, []int{3}, Const(g, starts), []int{l}, true), blocks*h*n, l) // [blocks·H·N, l]
	// T[m, o, s] = W[o, m−s]: window b−1−s of length l of W zero-padded by
	// b−1 on both sides, for each s; one gather of b runs.
	wp := Pad(Reshape(w, o, k), ScalarZero(g, w.DType()), compute.PadAxis{}, compute.PadAxis{Start: b - 1, End: b - 1})
	wstarts := make([][]int32, b)
	for s := range wstarts {
		wstarts[s] = []int32{int32(b - 1 - s)}
	}
	t := GatherSlices(wp, []int{1}, Const(g, wstarts), []int{l}, false) // [b, O, l]
	t = Reshape(TransposeAllAxes(t, 2, 1, 0), l, o*b)
	y := Reshape(DotGeneral(xb, []int{1}, nil, t, []int{0}, nil), blocks, h, n, o, b)
	y = Reshape(TransposeAllAxes(y, 3, 1, 2, 0, 4), o, h, n, blocks*b)
	if blocks*b > out {
		y = Slice(y, AxisRange(), AxisRange(), AxisRange(), AxisRange(0, out))
	}
	return y
}
