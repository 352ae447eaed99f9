package nn

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX models read best with the graph ops unqualified.
)

// Squared is x² element by element (the name Square is GoMLX's op) (braindecode's Square, ShallowFBCSPNet's
// nonlinearity after the spatial filter: with the average pooling and
// SafeLog that follow, the log band power of FBCSP).
type Squared struct{}

// String prints the layer as PyTorch does.
func (Squared) String() string { return "Square()" }

// Params: none.
func (Squared) Params() []ParamSpec { return nil }

// OutShape is the input shape.
func (Squared) OutShape(in Shape3) (Shape3, error) { return in, nil }

// Forward implements Layer.
func (Squared) Forward(_ *Pass, x *Node) *Node { return Mul(x, x) }

// SafeLog is log(max(x, Eps)) element by element (braindecode's SafeLog,
// eps 1e-6 by default).
type SafeLog struct{ Eps float64 }

// String prints the layer as PyTorch does.
func (s SafeLog) String() string { return fmt.Sprintf("SafeLog(eps=%g)", s.eps()) }

func (s SafeLog) eps() float64 {
	if s.Eps == 0 {
		return 1e-6
	}
	return s.Eps
}

// Params: none.
func (SafeLog) Params() []ParamSpec { return nil }

// OutShape is the input shape.
func (SafeLog) OutShape(in Shape3) (Shape3, error) { return in, nil }

// Forward implements Layer.
func (s SafeLog) Forward(_ *Pass, x *Node) *Node {
	return Log(Max(x, Scalar(x.Graph(), x.DType(), s.eps())))
}

// Func is an element-wise layer given as a Go function of a graph node, for a
// notebook cell: Func{Name: "Tanh()", F: graph.Tanh}. F must keep the shape.
type Func struct {
	Name string
	F    func(x *Node) *Node
}

// String is the layer's Name.
func (f Func) String() string { return f.Name }

// Params: none.
func (Func) Params() []ParamSpec { return nil }

// OutShape is the input shape.
func (Func) OutShape(in Shape3) (Shape3, error) { return in, nil }

// Forward implements Layer.
func (f Func) Forward(_ *Pass, x *Node) *Node { return f.F(x) }

// PassThrough passes its input on (nn.Identity; the name Identity is GoMLX's op).
type PassThrough struct{}

// String prints the layer as PyTorch does.
func (PassThrough) String() string { return "Identity()" }

// Params: none.
func (PassThrough) Params() []ParamSpec { return nil }

// OutShape is the input shape.
func (PassThrough) OutShape(in Shape3) (Shape3, error) { return in, nil }

// Forward implements Layer.
func (PassThrough) Forward(_ *Pass, x *Node) *Node { return x }

// Named gives a layer its own name in the state_dict instead of its index in
// the block: braindecode's modules are attributes (conv_temporal, bnorm_1),
// not the entries of an nn.Sequential.
type Named struct {
	Name string
	Layer
}

// unnamed is the layer a Named wraps, or l itself.
func unnamed(l Layer) Layer {
	if n, ok := l.(Named); ok {
		return n.Layer
	}
	return l
}
