package nn

import (
	"fmt"
	"strings"
)

// LayerCost is one layer's arithmetic per trial, in multiply-adds (one
// multiply-add is two floating-point operations).
//
// A convolution producing O×H′×W′ outputs from In/groups input channels
// with a kh×kw kernel costs O·H′·W′·(In/groups)·kh·kw forward; a Linear
// In·Out. Backward, the weight gradient costs as much as the forward pass,
// and the input gradient as much again except for the model's first layer,
// whose input needs none. Normalisation, activations, pooling and dropout
// are element-wise, memory-bound and counted as zero: these are the
// figures of PyTorch's computation (eegkit computes some layers with less,
// e.g. DeepConvNet's first two convolutions as their composition).
type LayerCost struct {
	Name              string // the layer's state_dict prefix: "firstConv.0"
	Layer             string // the layer, as PyTorch prints it
	Forward, Backward int64
}

// Costs lists the arithmetic of every layer of m per trial.
func (m *Model) Costs() ([]LayerCost, error) {
	built, err := m.Build()
	if err != nil {
		return nil, err
	}
	var out []LayerCost
	first := true
	var werr error
	_, err = built.eachLayer(func(b Block, i, _ int, in, _ Shape3) {
		if werr != nil {
			return
		}
		werr = walkLayers(b.Layers[i], layerPrefix(b, i), in, func(prefix string, l Layer, in, next Shape3) {
			fwd := layerMACs(l, in, next)
			c := LayerCost{Name: strings.TrimSuffix(prefix, "."), Layer: fmt.Sprint(l), Forward: fwd}
			if fwd > 0 {
				c.Backward = fwd // the weight gradient
				if !first {
					c.Backward += fwd // the input gradient
				}
				first = false
			}
			out = append(out, c)
		})
	})
	if err == nil {
		err = werr
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// layerMACs is a layer's forward multiply-adds per trial for input in and output out.
func layerMACs(l Layer, in, out Shape3) int64 {
	positions := int64(out[0]) * int64(out[1]) * int64(out[2])
	switch c := l.(type) {
	case Conv2d:
		return positions * int64(c.In/c.GroupCount()*c.Kernel[0]*c.Kernel[1])
	case MaxNormConv2d: // a Conv2d whose weight is renormalised first
		return layerMACs(c.Conv2d, in, out)
	case TimeFirstConv2d: // a Conv2d whose weight is stored transposed
		return layerMACs(c.Conv2d, in, out)
	case CombinedConv:
		// braindecode's two convolutions: time (Filters × Length per input
		// position) then space (SpatFilters × Filters × Chans per output time).
		t := int64(out[2])
		return int64(c.Filters)*int64(c.Chans)*t*int64(c.Length) + int64(c.SpatFilters)*int64(c.Filters)*int64(c.Chans)*t
	case Linear:
		return int64(c.In) * int64(c.Out)
	case Conv1d:
		return layerMACs(c.conv2d(), in, out)
	case MaxNormLinear:
		return int64(c.In) * int64(c.Out)
	case RenormLinear:
		return int64(c.In) * int64(c.Out)
	case FilterBank: // each band's filter at every channel and sample
		taps, _ := c.taps()
		var k int64
		for _, h := range taps {
			k += int64(len(h))
		}
		return k * int64(out[1]) * int64(out[2])
	case ChannelLinear: // a Linear at every position
		return int64(in[1]) * int64(in[2]) * int64(c.In) * int64(c.Out)
	case MultiHeadAttention:
		return attentionMACs(c.Parts(), int64(in[2]))
	case MHA:
		return attentionMACs(c.Parts(), int64(in[2]))
	}
	return 0
}

// attentionMACs is a self-attention's over t tokens: its four
// projections, then q·kᵀ and its product with v.
func attentionMACs(a AttentionParts, t int64) int64 {
	in, e, out := int64(a.In), int64(a.Emb), int64(a.Out)
	return t*(3*in*e+e*out) + 2*t*t*e
}

// TotalCost sums layer costs: forward and backward multiply-adds per trial.
func TotalCost(cs []LayerCost) (forward, backward int64) {
	for _, c := range cs {
		forward += c.Forward
		backward += c.Backward
	}
	return forward, backward
}
