package nn

import (
	"fmt"
	"math"

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

// Params renames the conv's weight to parametrizations.weight.original,
// after the bias as in torch's state_dict of a parametrized module.
func (c MaxNormConv2d) Params() []ParamSpec { return parametrized(c.Conv2d.Params()) }

// parametrized renames a module's weight (its first entry) to
// parametrizations.weight.original and moves it last, where torch's
// state_dict has it once a parametrization is registered.
func parametrized(ps []ParamSpec) []ParamSpec {
	w := ps[0]
	w.Name = "parametrizations.weight.original"
	return append(ps[1:], w)
}

// renormRows is torch.renorm(w, p=2, dim=0, maxnorm): each slice w[o, …]
// scaled by min(1, maxNorm/(‖w[o]‖₂ + 1e-7)) where its norm exceeds maxNorm.
func renormRows(w *Node, maxNorm float64) *Node {
	d := w.Shape().Dimensions
	axes := make([]int, len(d)-1)
	for i := range axes {
		axes[i] = i + 1
	}
	norm := Sqrt(ReduceAndKeep(Mul(w, w), ReduceSum, axes...))
	g := w.Graph()
	scale := Where(GreaterThan(norm, Scalar(g, w.DType(), maxNorm)),
		Div(Scalar(g, w.DType(), maxNorm), AddScalar(norm, 1e-7)), OnesLike(norm))
	return Mul(w, BroadcastToDims(scale, d...))
}

// Forward implements Layer.
func (c MaxNormConv2d) Forward(p *Pass, x *Node) *Node { return c.forwardAffine(p, x, nil, nil) }

// forwardAffine implements affineFolder.
func (c MaxNormConv2d) forwardAffine(p *Pass, x, scale, shift *Node) *Node {
	w, b := foldAffine(renormRows(p.Param("parametrizations.weight.original"), c.MaxNorm), c.bias(p), scale, shift)
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

// TimeFirstConv2d is a Conv2d whose weight is stored as braindecode stores
// it with time on the first spatial axis: a (1, k) kernel along time as
// [Out, In, k, 1] (ShallowFBCSPNet's and Deep4Net's), a (C, 1) kernel
// across the channels as [Out, In, 1, C] (EEGTCNet's) — the same values in
// the same order, run on eegkit's time-last layout. One of the kernel's
// sides must be 1.
type TimeFirstConv2d struct{ Conv2d }

// String prints the convolution as it runs, and how its weight is stored.
func (c TimeFirstConv2d) String() string {
	return c.Conv2d.String() + fmt.Sprintf(" [weight stored as (%d, %d)]", c.Kernel[1], c.Kernel[0])
}

// Params stores the weight with its kernel's sides swapped.
func (c TimeFirstConv2d) Params() []ParamSpec {
	ps := c.Conv2d.Params()
	ps[0].Shape = []int{c.Out, c.In / c.GroupCount(), c.Kernel[1], c.Kernel[0]} // the fans do not change
	return ps
}

// OutShape is the Conv2d's; the kernel must be (1, k) or (k, 1).
func (c TimeFirstConv2d) OutShape(in Shape3) (Shape3, error) {
	if c.Kernel[0] != 1 && c.Kernel[1] != 1 {
		return Shape3{}, fmt.Errorf("%s: the kernel must be (1, k) or (k, 1)", c)
	}
	return c.Conv2d.OutShape(in)
}

// Forward implements Layer.
func (c TimeFirstConv2d) Forward(p *Pass, x *Node) *Node { return c.forwardAffine(p, x, nil, nil) }

// forwardAffine implements affineFolder.
func (c TimeFirstConv2d) forwardAffine(p *Pass, x, scale, shift *Node) *Node {
	w, b := foldAffine(Reshape(p.Param("weight"), c.Out, c.In/c.GroupCount(), c.Kernel[0], c.Kernel[1]), c.bias(p), scale, shift)
	return c.Conv2d.apply(x, w, b, p.Training())
}

// RenormLinear is braindecode's LinearWithConstraint: a Linear whose
// weight W [Out, In] is used as torch.renorm(W, p=2, dim=0, max_norm), each
// output's row scaled down to a norm of at most MaxNorm, as MaxNormConv2d
// does a filter. The stored weight is "parametrizations.weight.original",
// after the bias.
type RenormLinear struct {
	In, Out int
	MaxNorm float64
}

func (l RenormLinear) String() string {
	return fmt.Sprintf("ParametrizedLinearWithConstraint(in_features=%d, out_features=%d, bias=True) max_norm=%g", l.In, l.Out, l.MaxNorm)
}

func (l RenormLinear) Params() []ParamSpec {
	return parametrized(Linear{In: l.In, Out: l.Out}.Params())
}

func (l RenormLinear) OutShape(in Shape3) (Shape3, error) {
	return Linear{In: l.In, Out: l.Out}.OutShape(in)
}

func (l RenormLinear) Forward(p *Pass, x *Node) *Node {
	return linearLayout(flattenLinear(x, renormRows(p.Param("parametrizations.weight.original"), l.MaxNorm), p.Param("bias")))
}

// MaxNormLinear is braindecode's MaxNormLinear: a Linear whose weight W
// [Out, In] is used, through its MaxNorm parametrization, as
//
//	W[:, j]·min(d_j, M)/(d_j + eps),  d_j = max(‖W[:, j]‖₂, M/2),
//
// each column (input feature) scaled by its norm; the stored weight, the
// one the optimizer updates, is "parametrizations.weight.original". Its
// parameters come in braindecode's state_dict order: bias, then the weight.
type MaxNormLinear struct {
	In, Out int
	MaxNorm float64
	Eps     float64 // 0 is braindecode's 1e-5
}

func (l MaxNormLinear) eps() float64 { return orDefault(l.Eps, 1e-5) }

func (l MaxNormLinear) String() string {
	return fmt.Sprintf("ParametrizedMaxNormLinear(in_features=%d, out_features=%d, bias=True) max_norm=%g", l.In, l.Out, l.MaxNorm)
}

// Params lists bias [Out] and parametrizations.weight.original [Out, In].
func (l MaxNormLinear) Params() []ParamSpec {
	return parametrized(Linear{In: l.In, Out: l.Out}.Params())
}

func (l MaxNormLinear) OutShape(in Shape3) (Shape3, error) {
	return Linear{In: l.In, Out: l.Out}.OutShape(in)
}

func (l MaxNormLinear) Forward(p *Pass, x *Node) *Node {
	w := p.Param("parametrizations.weight.original")
	g := w.Graph()
	norm := Sqrt(ReduceAndKeep(Mul(w, w), ReduceSum, 0)) // [1, In]
	denom := Max(norm, Scalar(g, w.DType(), l.MaxNorm/2))
	number := Min(denom, Scalar(g, w.DType(), l.MaxNorm))
	w = Mul(w, BroadcastToDims(Div(number, AddScalar(denom, l.eps())), l.Out, l.In))
	return linearLayout(flattenLinear(x, w, p.Param("bias")))
}

// MaxNormWeight is the weight a MaxNormLinear uses, computed from the
// stored one on the host (for exports): float64 norms, float32 scale.
func (l MaxNormLinear) MaxNormWeight(w []float32) []float32 {
	out := make([]float32, len(w))
	for j := range l.In {
		var ss float64
		for o := range l.Out {
			ss += float64(w[o*l.In+j]) * float64(w[o*l.In+j])
		}
		denom := math.Max(math.Sqrt(ss), l.MaxNorm/2)
		scale := float32(math.Min(denom, l.MaxNorm) / (denom + l.eps()))
		for o := range l.Out {
			out[o*l.In+j] = w[o*l.In+j] * scale
		}
	}
	return out
}
