package models

import (
	"fmt"

	"github.com/eegkit/eegkit/eegkit/nn"
)

// ATCNetOptions are the architecture keywords of braindecode's ATCNet
// (Altaheri et al. 2022, "Physics-informed attention temporal convolutional
// network for EEG-based motor imagery classification", IEEE Transactions on
// Industrial Informatics), with braindecode 1.8's names; DefaultATCNetOptions
// gives its defaults. braindecode's conv_max_norm_const (off by default) is
// not offered.
type ATCNetOptions struct {
	ConvBlockNFilters      int           // conv_block_n_filters: temporal filters (16)
	ConvBlockKernelLength1 int           // conv_block_kernel_length_1: their length (64)
	ConvBlockKernelLength2 int           // conv_block_kernel_length_2: the second temporal convolution's (16)
	ConvBlockPoolSize1     int           // conv_block_pool_size_1 (8)
	ConvBlockPoolSize2     int           // conv_block_pool_size_2 (7)
	ConvBlockDepthMult     int           // conv_block_depth_mult: spatial filters per temporal one (2)
	ConvBlockDropout       float64       // conv_block_dropout: of whole channels (0.3)
	NWindows               int           // n_windows: sliding windows (5)
	HeadDim                int           // head_dim (8)
	NumHeads               int           // num_heads (2)
	AttDropProb            float64       // att_drop_prob: of the attention's output (0.5)
	TCNDepth               int           // tcn_depth: residual blocks (2)
	TCNKernelSize          int           // tcn_kernel_size (4)
	TCNDropProb            float64       // tcn_drop_prob (0.3)
	TCNActivation          nn.Activation // tcn_activation (ELU)
	Concat                 bool          // concat: one classifier of the windows' features instead of their classifiers' mean
	MaxNormConst           float64       // max_norm_const: of the classifiers (0.25)
}

// DefaultATCNetOptions are braindecode's defaults.
func DefaultATCNetOptions() ATCNetOptions {
	return ATCNetOptions{ConvBlockNFilters: 16, ConvBlockKernelLength1: 64, ConvBlockKernelLength2: 16, ConvBlockPoolSize1: 8,
		ConvBlockPoolSize2: 7, ConvBlockDepthMult: 2, ConvBlockDropout: 0.3, NWindows: 5, HeadDim: 8, NumHeads: 2, AttDropProb: 0.5,
		TCNDepth: 2, TCNKernelSize: 4, TCNDropProb: 0.3, TCNActivation: nn.ELU, MaxNormConst: 0.25}
}

// fitted is o for trials of nTimes samples: as braindecode does, kernels,
// pools, windows and the TCN's kernel are scaled down (by nTimes over the
// shortest length they fit) when the trials are shorter than that.
func (o ATCNetOptions) fitted(nTimes int) ATCNetOptions {
	minTCN := (o.TCNKernelSize-1)*(1<<(o.TCNDepth-1)) + 1
	minTimes := (o.NWindows + minTCN - 1) * o.ConvBlockPoolSize1 * o.ConvBlockPoolSize2
	if nTimes >= minTimes {
		return o
	}
	s := float64(nTimes) / float64(minTimes)
	scale := func(v, least int) int { return max(least, int(float64(v)*s)) }
	o.ConvBlockKernelLength1, o.ConvBlockKernelLength2 = scale(o.ConvBlockKernelLength1, 1), scale(o.ConvBlockKernelLength2, 1)
	o.ConvBlockPoolSize1, o.ConvBlockPoolSize2 = scale(o.ConvBlockPoolSize1, 1), scale(o.ConvBlockPoolSize2, 1)
	o.NWindows, o.TCNKernelSize = scale(o.NWindows, 1), scale(o.TCNKernelSize, 2)
	return o
}

// ATCNet builds braindecode's ATCNet for trials of nChans channels ×
// nTimes samples and nOutputs classes, with its state_dict names: a
// convolution block (an EEGNet: temporal, depthwise spatial and temporal
// convolutions with BatchNorm, pooled by 8 and by 7, channels dropped
// whole), then NWindows sliding windows over its time steps, each with
// its own attention block (LayerNorm, multi-head attention, residual
// connection), temporal convolution network (TCNDepth causal residual
// blocks dilated by 2^i) and max-norm classifier of the last step; the
// windows' logits are averaged. For the lab's input (2 × 750, 2 classes)
// it has 112,762 parameters.
func ATCNet(nChans, nOutputs, nTimes int, o ATCNetOptions) (*nn.Model, error) {
	o = o.fitted(nTimes)
	if o.TCNActivation == nn.NoActivation {
		return nil, fmt.Errorf("atcnet needs an activation (ELU by default)")
	}
	f1, f2 := o.ConvBlockNFilters, o.ConvBlockNFilters*o.ConvBlockDepthMult
	nf := f2 // tcn_n_filters: the TCNs' width, braindecode's depth_mult·n_filters
	tc := nTimes / (o.ConvBlockPoolSize1 * o.ConvBlockPoolSize2)
	tw := tc - o.NWindows + 1
	if o.NWindows < 1 || tw < 1 {
		return nil, fmt.Errorf("atcnet: %d windows do not fit the %d steps the convolution block leaves of %d samples", o.NWindows, tc, nTimes)
	}
	named := func(name string, l nn.Layer) nn.Layer { return nn.Named{Name: name, Layer: l} }
	same := func(k int) nn.Layer { return nn.ZeroPad{Left: (k - 1) / 2, Right: k / 2} } // torch's padding="same"
	// braindecode runs time along the first spatial axis ('batch C T 1 ->
	// batch 1 T C'); eegkit along the last, with the weights stored as braindecode's.
	conv := func(in, out, kh, kw, groups int) nn.Layer {
		return nn.TimeFirstConv2d{Conv2d: nn.Conv2d{In: in, Out: out, Kernel: [2]int{kh, kw}, Groups: groups}}
	}
	bn := func(n int) nn.Layer { return nn.BatchNorm2d{Features: n, Eps: 1e-4, Momentum: 0.1} }
	convBlock := nn.Seq(
		same(o.ConvBlockKernelLength1), named("conv1", conv(1, f1, 1, o.ConvBlockKernelLength1, 1)), named("bn1", bn(f1)),
		named("conv2", conv(f1, f2, nChans, 1, f1)), named("bn2", bn(f2)), nn.ELU,
		named("pool2", nn.AvgPool2d(1, o.ConvBlockPoolSize1)), named("drop2", nn.Dropout{P: o.ConvBlockDropout, Channels: true}),
		same(o.ConvBlockKernelLength2), named("conv3", conv(f2, f2, 1, o.ConvBlockKernelLength2, 1)), named("bn3", bn(f2)), nn.ELU,
		named("pool3", nn.AvgPool2d(1, o.ConvBlockPoolSize2)), named("drop3", nn.Dropout{P: o.ConvBlockDropout, Channels: true}),
	)
	attention := nn.Residual{Body: nn.Seq(
		named("ln", nn.LayerNorm{Features: f2, Eps: 1e-6}),
		named("mha", nn.MHA{In: f2, HeadDim: o.HeadDim, Heads: o.NumHeads, Out: f2}),
		named("mha.dropout", nn.Dropout{P: o.AttDropProb}),
		named("drop", nn.Dropout{P: 0.3}),
	)}
	var tcn []nn.Layer
	for i := range o.TCNDepth {
		in, d := nf, 1<<i
		if i == 0 {
			in = f2
		}
		pad := (o.TCNKernelSize - 1) * d
		causal := func(in int) nn.Layer { // CausalConv1d: padded both sides, the end cut
			return nn.Conv1d{In: in, Out: nf, Kernel: o.TCNKernelSize, Padding: pad, Dilation: d, Bias: true, WeightInit: nn.InitKaiming}
		}
		block := nn.Residual{Body: nn.Seq(
			named("conv1", causal(in)), nn.Chomp{N: pad}, named("bn1", nn.BatchNorm(nf)), o.TCNActivation, named("drop1", nn.Dropout{P: o.TCNDropProb}),
			named("conv2", causal(nf)), nn.Chomp{N: pad}, named("bn2", nn.BatchNorm(nf)), o.TCNActivation, named("drop2", nn.Dropout{P: o.TCNDropProb}),
		)}
		if in != nf {
			block.Shortcut = named("reshaping_conv", nn.Conv1d{In: in, Out: nf, Kernel: 1, Bias: true})
		}
		tcn = append(tcn, named(fmt.Sprint(i), nn.Seq(named("", block), o.TCNActivation)))
	}
	windows := make([]nn.Layer, o.NWindows)
	for w := range windows {
		window := []nn.Layer{
			named(fmt.Sprintf("window.%d", w), nn.Crop{Start: w, Len: tw}), // no parameters: not in the state_dict
			named(fmt.Sprintf("attention_blocks.%d", w), attention),
			named(fmt.Sprintf("temporal_conv_nets.%d", w), nn.Seq(tcn...)),
			named(fmt.Sprintf("last_step.%d", w), nn.LastStep{}),
		}
		if !o.Concat {
			window = append(window, named(fmt.Sprintf("final_layer.%d", w), nn.MaxNormLinear{In: nf, Out: nOutputs, MaxNorm: o.MaxNormConst}))
		}
		windows[w] = named("", nn.Seq(window...))
	}
	layers := []nn.Layer{named("conv_block", convBlock)}
	if o.Concat {
		layers = append(layers, named("", nn.Concat{Branches: windows}),
			named("final_layer.0", nn.MaxNormLinear{In: nf * o.NWindows, Out: nOutputs, MaxNorm: o.MaxNormConst}))
	} else {
		layers = append(layers, named("", nn.Mean{Branches: windows}))
	}
	m := &nn.Model{Name: "ATCNet", Act: o.TCNActivation, Input: nn.Shape3{1, nChans, nTimes}, Blocks: []nn.Block{{Layers: layers}}}
	return m.Build()
}
