package nn

import (
	"fmt"
	"slices"

	"github.com/eegkit/eegkit/eegkit/preprocess"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX models read best with the graph ops unqualified.
)

// FilterBank is braindecode's FilterBankLayer with its defaults (FIR,
// zero phase, firwin with a Hamming window, MNE's automatic lengths and
// transition bands): each of the Bands [low, high] Hz band-passes every
// channel of a trial [1, C, T] at Rate Hz, giving [bands, C, T] —
//
//	y[b, c, t] = Σ_k h_b[k]·x[c, t + k − (K_b − 1)/2],
//
// zeros beyond the trial's ends (fftconvolve's mode "same"). The taps h_b
// are MNE's create_filter's (preprocess.NewBandPass), held as the
// state_dict's fixed entries fir_list.b, with fir_a_list.b (1 then zeros:
// the FIR's denominator, unused) beside them, so braindecode's weights load
// with their filters. They are buffers: no gradient, no optimizer step, not
// in NumParams.
type FilterBank struct {
	Bands [][2]float64
	Rate  float64
}

func (f FilterBank) String() string {
	return fmt.Sprintf("FilterBankLayer(bands=%v, sfreq=%g, method='fir')", f.Bands, f.Rate)
}

// taps designs the band-pass filters.
func (f FilterBank) taps() ([][]float32, error) {
	out := make([][]float32, len(f.Bands))
	for i, b := range f.Bands {
		fir, err := preprocess.NewBandPass(b[0], b[1], f.Rate)
		if err != nil {
			return nil, fmt.Errorf("%s: band %d: %w", f, i, err)
		}
		out[i] = make([]float32, len(fir.H))
		for k, v := range fir.H {
			out[i][k] = float32(v)
		}
	}
	return out, nil
}

// Params are fir_list.b and fir_a_list.b for every band, buffers holding
// the designed filters (none where a band cannot be designed: OutShape
// says why).
func (f FilterBank) Params() []ParamSpec {
	taps, err := f.taps()
	if err != nil {
		return nil
	}
	var ps []ParamSpec
	for i, h := range taps {
		a := make([]float32, len(h))
		a[0] = 1
		ps = append(ps,
			ParamSpec{Name: fmt.Sprintf("fir_list.%d", i), Shape: []int{len(h)}, Buffer: true, Value: h},
			ParamSpec{Name: fmt.Sprintf("fir_a_list.%d", i), Shape: []int{len(h)}, Buffer: true, Value: a})
	}
	return ps
}

// OutShape: a trial [1, C, T] → [len(Bands), C, T].
func (f FilterBank) OutShape(in Shape3) (Shape3, error) {
	if len(f.Bands) == 0 {
		return in, fmt.Errorf("%s: no bands", f)
	}
	if _, err := f.taps(); err != nil {
		return in, err
	}
	if in[0] != 1 {
		return in, fmt.Errorf("%s: input %v, want one plane [1, channels, samples]", f, in)
	}
	return Shape3{len(f.Bands), in[1], in[2]}, nil
}

// Forward applies every band at once: the filters, centred in the longest
// one's length K, as one (1, K) convolution of len(Bands) outputs. The
// lengths are the state_dict's own, as the ONNX export reads them.
func (f FilterBank) Forward(p *Pass, x *Node) *Node {
	taps := make([]*Node, len(f.Bands))
	k := 0
	for i := range taps {
		taps[i] = p.Param(fmt.Sprintf("fir_list.%d", i))
		k = max(k, taps[i].Shape().Dimensions[0])
	}
	for i, h := range taps {
		pad := (k - h.Shape().Dimensions[0]) / 2
		taps[i] = Pad(h, Scalar(h.Graph(), h.DType(), 0), PadAxis{Start: pad, End: pad})
	}
	// A convolution here is a correlation, fftconvolve a true one: the
	// same for MNE's symmetric filters.
	w := Reshape(Stack(taps, 0), len(f.Bands), 1, 1, k)
	return Conv2d{In: 1, Out: len(f.Bands), Kernel: [2]int{1, k}, Padding: [2]int{0, k / 2}}.apply(x, w, nil, p.Training())
}

// Stat is a statistic over time that a StatLayer takes.
type Stat string

// The statistics of braindecode's temporal layers.
const (
	StatVar    Stat = "var"    // VarLayer: the unbiased variance
	StatLogVar Stat = "logvar" // LogVarLayer: log of the variance clamped to [1e-6, 1e6]
	StatStd    Stat = "std"    // StdLayer: the unbiased standard deviation
	StatMean   Stat = "mean"   // MeanLayer
	StatMax    Stat = "max"    // MaxLayer
)

// StatLayer is braindecode's temporal statistic layers (VarLayer,
// LogVarLayer, StdLayer, MeanLayer, MaxLayer) as FBCNet uses them: the time
// axis of [C, 1, T] is padded with zeros to a multiple of Segments, cut into
// Segments consecutive runs (FBCNet's view to stride_factor rows), and
// each run reduced to its statistic, giving [C, Segments, 1]. The variances
// are unbiased (torch.var's correction 1).
type StatLayer struct {
	Stat     Stat
	Segments int // 0 is 1
}

func (s StatLayer) segments() int { return max(s.Segments, 1) }

func (s StatLayer) String() string {
	return fmt.Sprintf("StatLayer(%s, segments=%d, dim=3)", s.Stat, s.segments())
}
func (StatLayer) Params() []ParamSpec { return nil }

func (s StatLayer) OutShape(in Shape3) (Shape3, error) {
	if !slices.Contains([]Stat{StatVar, StatLogVar, StatStd, StatMean, StatMax}, s.Stat) {
		return in, fmt.Errorf("%s: unknown statistic %q; want var, logvar, std, mean or max", s, s.Stat)
	}
	if in[1] != 1 {
		return in, fmt.Errorf("%s: input %v, want a height of 1", s, in)
	}
	if w := (in[2] + s.segments() - 1) / s.segments(); w < 2 && s.Stat != StatMean && s.Stat != StatMax {
		return in, fmt.Errorf("%s: runs of %d samples have no variance", s, w)
	}
	return Shape3{in[0], s.segments(), 1}, nil
}

func (s StatLayer) Forward(_ *Pass, x *Node) *Node {
	d := x.Shape().Dimensions // [C, 1, N, T]
	seg := s.segments()
	w := (d[3] + seg - 1) / seg
	x = Pad(x, Scalar(x.Graph(), x.DType(), 0), PadAxis{}, PadAxis{}, PadAxis{}, PadAxis{End: w*seg - d[3]})
	x = TransposeAllAxes(Reshape(x, d[0], d[2], seg, w), 0, 2, 1, 3) // [C, seg, N, w]
	switch s.Stat {
	case StatMean:
		return ReduceAndKeep(x, ReduceMean, 3)
	case StatMax:
		return ReduceAndKeep(x, ReduceMax, 3)
	}
	v := MulScalar(ReduceAndKeep(Square(Sub(x, ReduceAndKeep(x, ReduceMean, 3))), ReduceSum, 3), 1/float64(w-1))
	switch s.Stat {
	case StatStd:
		return Sqrt(v)
	case StatLogVar:
		return Log(Max(Min(v, Scalar(x.Graph(), x.DType(), 1e6)), Scalar(x.Graph(), x.DType(), 1e-6))) // Clamp has no gradient in GoMLX
	}
	return v
}

// SiLU is torch.nn.SiLU(): x·σ(x).
type SiLU struct{}

func (SiLU) String() string                     { return "SiLU()" }
func (SiLU) Params() []ParamSpec                { return nil }
func (SiLU) OutShape(in Shape3) (Shape3, error) { return in, nil }
func (SiLU) Forward(_ *Pass, x *Node) *Node     { return Mul(x, Sigmoid(x)) }
