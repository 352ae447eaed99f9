package nn

import (
	"fmt"
	"math"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX models read best with the graph ops unqualified.
)

// Sequences. A transformer's or a temporal convolution network's sequence
// of tokens is an activation of height 1: [features, 1, N, tokens] in
// eegkit's layout, [features, 1, tokens] per trial, which is what
// braindecode's models have after their convolutions ("b d 1 seq"). The
// layers below act on the features of every token as torch's act on the
// last axis of [batch, seq, features]; Permute reorders the per-trial
// axes where a model flattens tokens first.

// LayerNorm is torch.nn.LayerNorm(features) over the channels (the
// features) of every position:
//
//	y = (x − mean)/√(var + eps)·weight + bias,
//
// mean and the biased variance over the channels.
type LayerNorm struct {
	Features int
	Eps      float64 // 0 is torch's 1e-5
}

func (l LayerNorm) eps() float64 { return orDefault(l.Eps, 1e-5) }

// orDefault is v, or def where v is zero (a field left at its default).
func orDefault(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

func (l LayerNorm) String() string {
	return fmt.Sprintf("LayerNorm((%d,), eps=%g, elementwise_affine=True)", l.Features, l.eps())
}

// Params are weight (ones) and bias (zeros), [Features].
func (l LayerNorm) Params() []ParamSpec {
	return []ParamSpec{{Name: "weight", Shape: []int{l.Features}, Init: InitOne}, {Name: "bias", Shape: []int{l.Features}, Init: InitZero}}
}

func (l LayerNorm) OutShape(in Shape3) (Shape3, error) {
	if in[0] != l.Features {
		return in, fmt.Errorf("%s: input %v has %d channels", l, in, in[0])
	}
	return in, nil
}

func (l LayerNorm) Forward(p *Pass, x *Node) *Node {
	mean := ReduceAndKeep(x, ReduceMean, 0)
	d := Sub(x, mean)
	v := ReduceAndKeep(Square(d), ReduceMean, 0)
	y := Div(d, Sqrt(AddScalar(v, l.eps())))
	c := l.Features
	return Add(Mul(y, Reshape(p.Param("weight"), c, 1, 1, 1)), Reshape(p.Param("bias"), c, 1, 1, 1))
}

// ChannelLinear is torch.nn.Linear applied to the channels of every
// position (the features of each token):
//
//	y[o, h, n, w] = bias[o] + Σ_c weight[o, c]·x[c, h, n, w],
//
// its weight [Out, In] as torch's (Linear, by contrast, flattens a trial).
type ChannelLinear struct{ In, Out int }

func (l ChannelLinear) String() string {
	return fmt.Sprintf("Linear(in_features=%d, out_features=%d, bias=True) [per position]", l.In, l.Out)
}

// Params lists weight [Out, In] and bias [Out], torch's default initialisation.
func (l ChannelLinear) Params() []ParamSpec { return Linear{In: l.In, Out: l.Out}.Params() }

func (l ChannelLinear) OutShape(in Shape3) (Shape3, error) {
	if in[0] != l.In {
		return in, fmt.Errorf("%s: input %v has %d channels", l, in, in[0])
	}
	return Shape3{l.Out, in[1], in[2]}, nil
}

func (l ChannelLinear) Forward(p *Pass, x *Node) *Node { return channelLinear(p, x, l.Out) }

// channelLinear applies the weight and bias of p to the channels of x.
func channelLinear(p *Pass, x *Node, out int) *Node {
	y := Einsum("oc,chnw->ohnw", p.Param("weight"), x)
	return Add(y, Reshape(p.Param("bias"), out, 1, 1, 1))
}

// MultiHeadAttention is braindecode's MultiHeadAttention (as
// torch.nn.MultiheadAttention's self-attention, with keys, queries,
// values and projection as four Linear modules): on a sequence
// [Emb, 1, tokens], each of Heads heads of Emb/Heads features attends
// with softmax(q·kᵀ/√d)·v, the heads concatenated and projected. Dropout
// drops attention weights while training, as scaled_dot_product_attention's
// dropout_p.
type MultiHeadAttention struct {
	Emb, Heads int
	Dropout    float64
}

func (a MultiHeadAttention) String() string {
	return fmt.Sprintf("MultiHeadAttention(emb_size=%d, num_heads=%d, dropout=%g)", a.Emb, a.Heads, a.Dropout)
}

// Params are keys, queries, values and projection, each a Linear(Emb, Emb),
// in braindecode's state_dict order.
func (a MultiHeadAttention) Params() []ParamSpec {
	return attentionParams(a.Parts(), "keys", "queries", "values", "projection")
}

func (a MultiHeadAttention) OutShape(in Shape3) (Shape3, error) {
	switch {
	case a.Heads < 1 || a.Emb%a.Heads != 0:
		return in, fmt.Errorf("%s: the embedding must divide into the heads", a)
	case in[0] != a.Emb || in[1] != 1:
		return in, fmt.Errorf("%s: input %v, want a sequence [-1, %d, 1, tokens]", a, in, a.Emb)
	}
	return in, nil
}

func (a MultiHeadAttention) Forward(p *Pass, x *Node) *Node {
	return attend(p, x, a.Parts(), func(w *Node) *Node {
		if p.Training() && a.Dropout > 0 {
			keep := LessThan(p.Uniform(w.Shape()), Scalar(w.Graph(), dtypes.Float32, 1-a.Dropout))
			w = Mul(w, MulScalar(ConvertDType(keep, w.DType()), 1/(1-a.Dropout)))
		}
		return w
	})
}

// Parts names the attention's projections and gives its sizes.
func (a MultiHeadAttention) Parts() AttentionParts {
	return AttentionParts{Q: "queries", K: "keys", V: "values", O: "projection", In: a.Emb, Emb: a.Emb, Out: a.Emb, Heads: a.Heads}
}

// AttentionParts describe a multi-head self-attention: its four Linear
// projections' names (queries, keys, values, output), the features In of
// its input, Emb of all heads together and Out of its output, and the
// number of heads (of Emb/Heads features each).
type AttentionParts struct {
	Q, K, V, O          string
	In, Emb, Out, Heads int
}

// attend is self-attention on a sequence x [In, 1, N, T]: per head,
// softmax(q·kᵀ/√d)·v, with drop applied to the attention weights, the
// heads concatenated and projected to [Out, 1, N, T].
func attend(p *Pass, x *Node, a AttentionParts, drop func(w *Node) *Node) *Node {
	d := x.Shape().Dimensions // [In, 1, N, T]
	n, t, hd := d[2], d[3], a.Emb/a.Heads
	heads := func(name string) *Node { // [heads, hd, N, T]
		return Reshape(channelLinear(p.Child(name), x, a.Emb), a.Heads, hd, n, t)
	}
	q, k, v := heads(a.Q), heads(a.K), heads(a.V)
	scores := MulScalar(Einsum("adnq,adnk->anqk", q, k), 1/math.Sqrt(float64(hd)))
	out := Einsum("anqk,adnk->adnq", drop(Softmax(scores, 3)), v) // [heads, hd, N, T]
	return channelLinear(p.Child(a.O), Reshape(out, a.Emb, 1, n, t), a.Out)
}

// MHA is ATCNet's attention (braindecode's _MHA): on a sequence
// [In, 1, tokens], fc_q, fc_k and fc_v project to Heads heads of HeadDim
// features, each head attends with softmax(q·kᵀ/√HeadDim)·v, and fc_o
// projects the heads, concatenated, to Out features. Its dropout, on the
// output, is a Dropout after it.
type MHA struct{ In, HeadDim, Heads, Out int }

func (a MHA) String() string {
	return fmt.Sprintf("_MHA(input_dim=%d, head_dim=%d, output_dim=%d, num_heads=%d)", a.In, a.HeadDim, a.Out, a.Heads)
}

// Parts names the attention's projections and gives its sizes.
func (a MHA) Parts() AttentionParts {
	return AttentionParts{Q: "fc_q", K: "fc_k", V: "fc_v", O: "fc_o", In: a.In, Emb: a.HeadDim * a.Heads, Out: a.Out, Heads: a.Heads}
}

// Params are fc_q, fc_k, fc_v (Linear(In, HeadDim·Heads)) and fc_o
// (Linear(HeadDim·Heads, Out)).
func (a MHA) Params() []ParamSpec {
	ps := a.Parts()
	return attentionParams(ps, ps.Q, ps.K, ps.V, ps.O)
}

func (a MHA) OutShape(in Shape3) (Shape3, error) {
	if a.HeadDim < 1 || a.Heads < 1 || a.Out < 1 {
		return in, fmt.Errorf("%s: the sizes must be positive", a)
	}
	if in[0] != a.In || in[1] != 1 {
		return in, fmt.Errorf("%s: input %v, want a sequence [-1, %d, 1, tokens]", a, in, a.In)
	}
	return Shape3{a.Out, 1, in[2]}, nil
}

func (a MHA) Forward(p *Pass, x *Node) *Node {
	return attend(p, x, a.Parts(), func(w *Node) *Node { return w })
}

// attentionParams lists the four projections' weights and biases, each a
// Linear with torch's default initialisation, in the order of their names
// given (the module's state_dict order).
func attentionParams(a AttentionParts, order ...string) []ParamSpec {
	sizes := map[string][2]int{a.Q: {a.In, a.Emb}, a.K: {a.In, a.Emb}, a.V: {a.In, a.Emb}, a.O: {a.Emb, a.Out}}
	var out []ParamSpec
	for _, name := range order {
		for _, p := range (Linear{In: sizes[name][0], Out: sizes[name][1]}).Params() {
			p.Name = name + "." + p.Name
			out = append(out, p)
		}
	}
	return out
}

// Crop keeps Len steps of the time axis from Start: x[..., Start:Start+Len]
// (ATCNet's sliding windows).
type Crop struct{ Start, Len int }

func (c Crop) String() string    { return fmt.Sprintf("Crop(x[..., %d:%d])", c.Start, c.Start+c.Len) }
func (Crop) Params() []ParamSpec { return nil }

func (c Crop) OutShape(in Shape3) (Shape3, error) {
	if c.Start < 0 || c.Len < 1 || c.Start+c.Len > in[2] {
		return in, fmt.Errorf("%s: input %v has %d steps", c, in, in[2])
	}
	return Shape3{in[0], in[1], c.Len}, nil
}

func (c Crop) Forward(_ *Pass, x *Node) *Node {
	return Slice(x, AxisRange(), AxisRange(), AxisRange(), AxisRange(c.Start, c.Start+c.Len))
}

// GELU is torch.nn.GELU(): x·Φ(x) = x·(1 + erf(x/√2))/2.
type GELU struct{}

func (GELU) String() string                     { return "GELU(approximate='none')" }
func (GELU) Params() []ParamSpec                { return nil }
func (GELU) OutShape(in Shape3) (Shape3, error) { return in, nil }
func (GELU) Forward(_ *Pass, x *Node) *Node {
	return Mul(MulScalar(x, 0.5), AddScalar(Erf(MulScalar(x, 1/math.Sqrt2)), 1))
}

// Permute reorders a trial's axes [C, H, W]: output axis i is input axis
// Axes[i], as torch's permute of the axes after the batch (Permute{2, 1, 0}
// turns a sequence [features, 1, tokens] into [tokens, 1, features], so
// that a Linear flattens it token by token, as x.view(N, −1) of
// [N, tokens, features]).
type Permute struct{ Axes [3]int }

func (p Permute) String() string {
	return fmt.Sprintf("Permute(0, %d, %d, %d)", p.Axes[0]+1, p.Axes[1]+1, p.Axes[2]+1)
}
func (Permute) Params() []ParamSpec { return nil }

func (p Permute) OutShape(in Shape3) (Shape3, error) {
	seen := [3]bool{}
	for _, a := range p.Axes {
		if a < 0 || a > 2 || seen[a] {
			return in, fmt.Errorf("%s: the axes must be 0, 1 and 2 in some order", p)
		}
		seen[a] = true
	}
	return Shape3{in[p.Axes[0]], in[p.Axes[1]], in[p.Axes[2]]}, nil
}

func (p Permute) Forward(_ *Pass, x *Node) *Node {
	graphAxis := [3]int{0, 1, 3} // a trial's axes in the [C, H, N, W] layout
	return TransposeAllAxes(x, graphAxis[p.Axes[0]], graphAxis[p.Axes[1]], 2, graphAxis[p.Axes[2]])
}

// Conv1d is torch.nn.Conv1d on a sequence [In, 1, T]: a Conv2d with a
// (1, k) kernel, its stride, padding and dilation along time, its weight
// stored as torch's [Out, In/groups, k]. WeightInit replaces torch's
// default initialisation of the weight (InitKaiming: ATCNet's).
type Conv1d struct {
	In, Out, Kernel           int
	Stride, Padding, Dilation int // zero stride and dilation mean 1
	Groups                    int
	Bias                      bool
	WeightInit                ParamInit `json:",omitempty"`
}

// conv2d is the Conv2d the Conv1d runs as.
func (c Conv1d) conv2d() Conv2d {
	return Conv2d{In: c.In, Out: c.Out, Kernel: [2]int{1, c.Kernel}, Stride: [2]int{1, c.Stride}, Padding: [2]int{0, c.Padding},
		Dilation: [2]int{1, c.Dilation}, Groups: c.Groups, Bias: c.Bias}
}

func (c Conv1d) String() string {
	s := fmt.Sprintf("Conv1d(%d, %d, kernel_size=(%d,), stride=(%d,)", c.In, c.Out, c.Kernel, max(c.Stride, 1))
	if c.Padding != 0 {
		s += fmt.Sprintf(", padding=(%d,)", c.Padding)
	}
	if c.Dilation > 1 {
		s += fmt.Sprintf(", dilation=(%d,)", c.Dilation)
	}
	if c.Groups > 1 {
		s += fmt.Sprintf(", groups=%d", c.Groups)
	}
	if !c.Bias {
		s += ", bias=False"
	}
	return s + ")"
}

// Params are the Conv2d's, the weight [Out, In/groups, k].
func (c Conv1d) Params() []ParamSpec {
	ps := c.conv2d().Params()
	ps[0].Shape = []int{c.Out, c.In / max(c.Groups, 1), c.Kernel}
	if c.WeightInit != InitUniform {
		ps[0].Init = c.WeightInit
	}
	return ps
}

func (c Conv1d) OutShape(in Shape3) (Shape3, error) { return c.conv2d().OutShape(in) }

func (c Conv1d) Forward(p *Pass, x *Node) *Node {
	conv := c.conv2d()
	w := Reshape(p.Param("weight"), c.Out, c.In/conv.GroupCount(), 1, c.Kernel)
	return conv.apply(x, w, conv.bias(p), p.Training())
}

// Chomp drops the last N time steps: braindecode's Chomp1d, which makes a
// convolution padded by N on both sides causal.
type Chomp struct{ N int }

func (c Chomp) String() string    { return fmt.Sprintf("Chomp1d(chomp_size=%d)", c.N) }
func (Chomp) Params() []ParamSpec { return nil }

func (c Chomp) OutShape(in Shape3) (Shape3, error) {
	if c.N < 0 || c.N >= in[2] {
		return in, fmt.Errorf("%s: input %v has too few time steps", c, in)
	}
	return Shape3{in[0], in[1], in[2] - c.N}, nil
}

func (c Chomp) Forward(_ *Pass, x *Node) *Node {
	w := x.Shape().Dimensions[3]
	return Slice(x, AxisRange(), AxisRange(), AxisRange(), AxisRange(0, w-c.N))
}

// LastStep keeps the last time step of a sequence, x[:, :, -1] (a
// temporal convolution network's output).
type LastStep struct{}

func (LastStep) String() string                     { return "LastStep(x[..., -1])" }
func (LastStep) Params() []ParamSpec                { return nil }
func (LastStep) OutShape(in Shape3) (Shape3, error) { return Shape3{in[0], in[1], 1}, nil }
func (LastStep) Forward(_ *Pass, x *Node) *Node {
	w := x.Shape().Dimensions[3]
	return Slice(x, AxisRange(), AxisRange(), AxisRange(), AxisRange(w-1, w))
}

// ZeroPad pads the time axis with Left zeros before and Right after:
// torch's padding="same" of an even kernel k pads (k−1)/2 before and the
// rest after, which a Conv2d's symmetric Padding cannot.
type ZeroPad struct{ Left, Right int }

func (z ZeroPad) String() string    { return fmt.Sprintf("ZeroPad1d((%d, %d))", z.Left, z.Right) }
func (ZeroPad) Params() []ParamSpec { return nil }

func (z ZeroPad) OutShape(in Shape3) (Shape3, error) {
	if z.Left < 0 || z.Right < 0 {
		return in, fmt.Errorf("%s: negative padding", z)
	}
	return Shape3{in[0], in[1], in[2] + z.Left + z.Right}, nil
}

func (z ZeroPad) Forward(_ *Pass, x *Node) *Node {
	zero := Scalar(x.Graph(), x.DType(), 0)
	return Pad(x, zero, PadAxis{}, PadAxis{}, PadAxis{}, PadAxis{Start: z.Left, End: z.Right})
}
