package eegkit

import (
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX models read best with the graph ops unqualified.
)

// The convolutions and pooling here are written as window extraction plus
// matrix multiplication and reshape plus reduction: on every backend they
// compute PyTorch's result, and on the pure-Go backend they are many times
// faster than ConvGeneral and ReduceWindow. Activations are laid out
// [C, H, N, W] so that every matrix product contracts leading axes and
// produces the next layer's layout without a transpose.

// temporalConv is a (1, k) convolution with zero padding pad on both sides of
// the time axis. x is [C, H, N, W]; w is PyTorch's [O, C, 1, k]. It returns
// [O, H, N, W+2·pad-k+1].
//
// Without gradients (evaluation) the windows are [k·C, positions]: a
// gather of k long runs per channel row, the cheapest to build. When x needs
// a gradient (training, C > 1) they are laid out so that GoMLX's gradients
// need no transpose of them: the backend's matrix product wants the
// contracting axis last on the left and either first or last on the right,
// and GoMLX computes an operand's gradient as [cross, contracting] and
// transposes it back otherwise. Windows [positions, C·k] on the right of W
// [O, C·k] give W's gradient and the windows' gradient in their operands'
// layouts; only the output gradient [O, positions] is transposed. The first
// layer (C = 1) takes the data, which needs no gradient, and short kernels
// keep the first layout (see positionWindowsMinK).
func temporalConv(x, w *Node, pad int, needsGrad bool) *Node {
	d := x.Shape().Dimensions
	c, h, n := d[0], d[1], d[2]
	wd := w.Shape().Dimensions
	o, k := wd[0], wd[3]
	if pad > 0 {
		x = Pad(x, ScalarZero(x.Graph(), x.DType()), compute.PadAxis{}, compute.PadAxis{}, compute.PadAxis{},
			compute.PadAxis{Start: pad, End: pad})
	}
	width := x.Shape().Dimensions[3]
	out := width - k + 1
	if c == 1 || !needsGrad || k < positionWindowsMinK {
		win := Reshape(timeWindows(x, k, out), k*c, h*n*out) // [k·C, positions]
		// Weight [O, C, 1, k] -> [O, k, C] so that its contraction axis matches the windows' (k, C).
		wm := Reshape(TransposeAllAxes(Reshape(w, o, c, k), 0, 2, 1), o, k*c)
		y := DotGeneral(wm, []int{1}, nil, win, []int{0}, nil)
		return Reshape(y, o, h, n, out)
	}
	win := Reshape(positionWindows(Reshape(x, c, h*n, width), k, out), h*n*out, c*k) // [positions, C·k]
	y := DotGeneral(Reshape(w, o, c*k), []int{1}, nil, win, []int{1}, nil)           // [O, positions]
	return Reshape(y, o, h, n, out)
}

// positionWindowsMinK is the shortest kernel for which position-major
// windows pay: they are gathered as C runs of k values each, and for short
// runs (DeepConvNet's k = 5) the per-run cost outweighs the saved transpose.
const positionWindowsMinK = 8

// timeWindows returns the k shifted views x[..., j:j+out] for j < k, stacked
// on a new leading axis: [k, C, H, N, out]. A single gather of contiguous
// slices, so it costs one copy of the result.
func timeWindows(x *Node, k, out int) *Node {
	starts := make([][]int32, k)
	for j := range starts {
		starts[j] = []int32{int32(j)}
	}
	idx := Const(x.Graph(), starts)
	return GatherSlices(x, []int{3}, idx, []int{out}, true)
}

// positionWindows returns, for every row r of x [C, R, W] and position t <
// out, the window x[:, r, t:t+k]: [R, out, C, 1, k], one gather.
func positionWindows(x *Node, k, out int) *Node {
	rows := x.Shape().Dimensions[1]
	starts := make([][][]int32, rows)
	for r := range starts {
		starts[r] = make([][]int32, out)
		for t := range out {
			starts[r][t] = []int32{int32(r), int32(t)}
		}
	}
	return GatherSlices(x, []int{1, 2}, Const(x.Graph(), starts), []int{1, k}, true)
}

// spatialConv is a (H, 1) convolution spanning all H rows: x [C, H, N, W],
// w [O, C, H, 1] -> [O, 1, N, W].
func spatialConv(x, w *Node) *Node {
	d := x.Shape().Dimensions
	c, h, n, width := d[0], d[1], d[2], d[3]
	o := w.Shape().Dimensions[0]
	y := DotGeneral(Reshape(w, o, c*h), []int{1}, nil, Reshape(x, c*h, n*width), []int{0}, nil)
	return Reshape(y, o, 1, n, width)
}

// depthwiseSpatialConv is a (H, 1) convolution with groups == C and
// mult output channels per input channel: x [C, H, N, W], w [C·mult, 1, H, 1]
// -> [C·mult, 1, N, W], output channel g·mult+m reading input channel g.
func depthwiseSpatialConv(x, w *Node, mult int) *Node {
	d := x.Shape().Dimensions
	c, h, n, width := d[0], d[1], d[2], d[3]
	wg := Reshape(w, c, mult, h)
	y := DotGeneral(wg, []int{2}, []int{0}, Reshape(x, c, h, n*width), []int{1}, []int{0}) // [C, mult, N·W]
	return Reshape(y, c*mult, 1, n, width)
}

// temporalPool pools non-overlapping windows of k time steps (stride k,
// floor), averaging or taking the maximum: [C, H, N, W] -> [C, H, N, W/k].
func temporalPool(x *Node, k int, useMax bool) *Node {
	d := x.Shape().Dimensions
	out := d[3] / k
	if out*k != d[3] {
		x = Slice(x, AxisRange(), AxisRange(), AxisRange(), AxisRange(0, out*k))
	}
	x = Reshape(x, d[0], d[1], d[2], out, k)
	if useMax {
		return ReduceMax(x, 4)
	}
	return ReduceMean(x, 4)
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

// crossEntropy is PyTorch's nn.CrossEntropyLoss (mean over the batch) of
// logits [N, K] against integer labels [N].
func crossEntropy(logits, labels *Node) *Node {
	k := logits.Shape().Dimensions[1]
	logp := LogSoftmax(logits, 1)
	onehot := OneHot(labels, k, logits.DType())
	return Neg(ReduceAllMean(ReduceSum(Mul(logp, onehot), 1)))
}

// countCorrect counts the rows of logits whose argmax equals the label.
func countCorrect(logits, labels *Node) *Node {
	pred := ArgMax(logits, 1, dtypes.Int32)
	return ReduceAllSum(ConvertDType(Equal(pred, labels), dtypes.Float32))
}
