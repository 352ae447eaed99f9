package nn

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX models read best with the graph ops unqualified.
)

// MaxNormConv2d is a Conv2d whose weight is renormalised in the forward pass,
// as braindecode's Conv2dWithConstraint does with a parametrization:
// each output filter w_o is used as w_o·min(1, MaxNorm/(‖w_o‖₂ + 1e-7))
// (torch.renorm(p=2, dim=0, maxnorm)); the stored weight, the one Adam
// updates, is "parametrizations.weight.original".
type MaxNormConv2d struct {
	Conv2d
	MaxNorm float64
}

// String prints the layer as PyTorch prints the parametrized module.
func (c MaxNormConv2d) String() string {
	return "ParametrizedConv2dWithConstraint" + c.Conv2d.String()[len("Conv2d"):] + fmt.Sprintf(" max_norm=%g", c.MaxNorm)
}

// Params renames the conv's weight to parametrizations.weight.original.
func (c MaxNormConv2d) Params() []ParamSpec {
	ps := c.Conv2d.Params()
	for i := range ps {
		if ps[i].Name == "weight" {
			ps[i].Name = "parametrizations.weight.original"
		}
	}
	return ps
}

// Forward implements Layer.
func (c MaxNormConv2d) Forward(p *Pass, x *Node) *Node { return c.forwardAffine(p, x, nil, nil) }

// forwardAffine implements affineFolder.
func (c MaxNormConv2d) forwardAffine(p *Pass, x, scale, shift *Node) *Node {
	w := p.Param("parametrizations.weight.original")
	d := w.Shape().Dimensions
	norm := Sqrt(ReduceAndKeep(Mul(w, w), ReduceSum, 1, 2, 3)) // [O, 1, 1, 1]
	renorm := Where(GreaterThan(norm, Scalar(w.Graph(), w.DType(), c.MaxNorm)),
		Div(Scalar(w.Graph(), w.DType(), c.MaxNorm), AddScalar(norm, 1e-7)), OnesLike(norm))
	w, b := foldAffine(Mul(w, BroadcastToDims(renorm, d...)), c.bias(p), scale, shift)
	return c.Conv2d.apply(x, w, b, p.Training())
}

// CombinedConv is braindecode's CombinedConv, ShallowFBCSPNet's first layer:
// a temporal convolution conv_time (Filters kernels of Length samples, with
// bias) followed by a spatial one conv_spat (SpatFilters × Filters × Chans,
// no bias), computed as the one convolution whose kernel is their
// composition,
//
//	K[o, c, k] = Σ_m S[o, m, 0, c]·T[m, 0, k, 0],  b[o] = Σ_{m,c} S[o, m, 0, c]·b_T[m].
//
// braindecode first moves time to the first spatial axis ('batch C T 1 ->
// batch 1 T C'); eegkit keeps time on the last axis and runs K as a (1, k)
// convolution of the Chans rows taken as input channels, on its fast
// temporal kernel. The parameters keep braindecode's names and shapes, and
// its initialisation (Xavier-uniform weights, zero bias).
type CombinedConv struct {
	Filters, Length, SpatFilters, Chans int
}

// String describes the module and its two convolutions on one line.
func (c CombinedConv) String() string {
	return fmt.Sprintf("CombinedConv(time Conv2d(1, %d, (%d, 1)), spat Conv2d(%d, %d, (1, %d), bias=False))",
		c.Filters, c.Length, c.Filters, c.SpatFilters, c.Chans)
}

// Params lists conv_time.weight, conv_time.bias and conv_spat.weight.
func (c CombinedConv) Params() []ParamSpec {
	return []ParamSpec{
		{Name: "conv_time.weight", Shape: []int{c.Filters, 1, c.Length, 1}, FanIn: c.Length, FanOut: c.Filters * c.Length, Init: InitXavier},
		{Name: "conv_time.bias", Shape: []int{c.Filters}, FanIn: c.Length, Init: InitZero},
		{Name: "conv_spat.weight", Shape: []int{c.SpatFilters, c.Filters, 1, c.Chans}, FanIn: c.Filters * c.Chans, FanOut: c.SpatFilters * c.Chans, Init: InitXavier},
	}
}

// OutShape: one input plane [1, Chans, T] → [SpatFilters, 1, T − Length + 1].
func (c CombinedConv) OutShape(in Shape3) (Shape3, error) {
	if in[0] != 1 || in[1] != c.Chans || in[2] < c.Length {
		return Shape3{}, fmt.Errorf("%s: input %v, want [-1, 1, %d, T ≥ %d]", c, in, c.Chans, c.Length)
	}
	return Shape3{c.SpatFilters, 1, in[2] - c.Length + 1}, nil
}

// Forward implements Layer.
func (c CombinedConv) Forward(p *Pass, x *Node) *Node { return c.forwardAffine(p, x, nil, nil) }

// forwardAffine implements affineFolder.
func (c CombinedConv) forwardAffine(p *Pass, x, scale, shift *Node) *Node {
	wt := Reshape(p.Param("conv_time.weight"), c.Filters, c.Length)
	ws := Reshape(p.Param("conv_spat.weight"), c.SpatFilters, c.Filters, c.Chans)
	k := Reshape(DotGeneral(ws, []int{1}, nil, wt, []int{0}, nil), c.SpatFilters, c.Chans, 1, c.Length) // [O, C, 1, L]
	b := DotGeneral(ReduceSum(ws, 2), []int{1}, nil, p.Param("conv_time.bias"), []int{0}, nil)          // [O]
	k, b = foldAffine(k, b, scale, shift)
	d := x.Shape().Dimensions // [1, C, N, T]
	y := temporalConvOf(Reshape(x, c.Chans, 1, d[2], d[3]), k, 0, p.Training())
	return Add(y, Reshape(b, c.SpatFilters, 1, 1, 1))
}

// TimeFirstConv2d is a (1, k) Conv2d whose weight is stored as braindecode
// stores a (k, 1) kernel along time, [Out, In, k, 1] (the same values in the
// same order): ShallowFBCSPNet's classifier, run on eegkit's time-last layout.
type TimeFirstConv2d struct{ Conv2d }

// String prints the convolution as it runs, and how its weight is stored.
func (c TimeFirstConv2d) String() string {
	return c.Conv2d.String() + fmt.Sprintf(" [weight stored as (%d, 1)]", c.Kernel[1])
}

// Params stores the weight as [Out, In, k, 1].
func (c TimeFirstConv2d) Params() []ParamSpec {
	ps := c.Conv2d.Params()
	ps[0].Shape = []int{c.Out, c.In / c.GroupCount(), c.Kernel[1], c.Kernel[0]} // the fans do not change
	return ps
}

// OutShape is the Conv2d's; the kernel must be (1, k).
func (c TimeFirstConv2d) OutShape(in Shape3) (Shape3, error) {
	if c.Kernel[0] != 1 {
		return Shape3{}, fmt.Errorf("%s: the kernel must be (1, k)", c)
	}
	return c.Conv2d.OutShape(in)
}

// Forward implements Layer.
func (c TimeFirstConv2d) Forward(p *Pass, x *Node) *Node { return c.forwardAffine(p, x, nil, nil) }

// forwardAffine implements affineFolder.
func (c TimeFirstConv2d) forwardAffine(p *Pass, x, scale, shift *Node) *Node {
	w, b := foldAffine(Reshape(p.Param("weight"), c.Out, c.In/c.GroupCount(), 1, c.Kernel[1]), c.bias(p), scale, shift)
	return c.Conv2d.apply(x, w, b, p.Training())
}
