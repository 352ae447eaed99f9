package nn

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX models read best with the graph ops unqualified.
)

// In evaluation a BatchNorm2d is a fixed affine map per channel, with the
// running statistics μ and σ²:
//
//	BN(y) = (y − μ)·s + β,  s = γ/√(σ² + ε).
//
// After a convolution y = W∗x + b, whose output channel o is linear in W_o
// and b_o, it is the same convolution with other weights:
//
//	BN(W∗x + b) = (W·s)∗x + (b·s + β − μ·s),
//
// so an evaluation computes it on the weights, once per call, instead of in
// three passes over the activation (the fold PyTorch's and ONNX Runtime's
// inference optimisers make). Training keeps the BatchNorm: its statistics
// are the batch's there.

// affineFolder is a layer whose output channels are linear in its
// weights, so that a per-channel affine map after it, y·scale + shift,
// folds into them (Conv2d, MaxNormConv2d, TimeFirstConv2d, CombinedConv).
type affineFolder interface {
	// forwardAffine is Forward with each output channel o multiplied by
	// scale[o] and shifted by shift[o] (Forward itself when both are nil).
	forwardAffine(p *Pass, x, scale, shift *Node) *Node
}

// foldAffine returns a weight w [O, …] and bias b [O] (nil: none) scaled
// and shifted per output channel: w·scale and b·scale + shift (shift when
// b is nil). Without a scale it returns them unchanged.
func foldAffine(w, b, scale, shift *Node) (*Node, *Node) {
	if scale == nil {
		return w, b
	}
	d := w.Shape().Dimensions
	ws := make([]int, len(d))
	for i := range ws {
		ws[i] = 1
	}
	ws[0] = d[0]
	w = Mul(w, Reshape(scale, ws...))
	if b == nil {
		return w, shift
	}
	return w, Add(Mul(b, scale), shift)
}

// evalAffine is the BatchNorm's evaluation map as y·scale + shift, both [C].
func (b BatchNorm2d) evalAffine(p *Pass) (scale, shift *Node) {
	scale = Mul(Rsqrt(AddScalar(p.Param("running_var"), b.Eps)), p.Param("weight"))
	return scale, Sub(p.Param("bias"), Mul(p.Param("running_mean"), scale))
}

// foldedBatchNorm is the BatchNorm2d that follows layer i of b, when an
// evaluation folds it into that layer (or into the composed pair that ends
// there when composed): nil otherwise.
func foldedBatchNorm(b Block, i int, composed bool) *BatchNorm2d {
	if i+1 >= len(b.Layers) {
		return nil
	}
	// The concrete types, not the interface: a layer type of another package
	// that embeds Conv2d has Conv2d's forwardAffine too, but a Forward of
	// its own that the fold would bypass.
	switch unnamed(b.Layers[i]).(type) {
	case Conv2d, MaxNormConv2d, TimeFirstConv2d, CombinedConv:
	default:
		if !composed {
			return nil
		}
	}
	bn, ok := unnamed(b.Layers[i+1]).(BatchNorm2d)
	if !ok {
		return nil
	}
	return &bn
}
