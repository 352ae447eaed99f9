package models

import (
	"fmt"

	"github.com/eegkit/eegkit/eegkit/nn"
)

// EEGTCNetOptions are the architecture keywords of braindecode's EEGTCNet
// (Ingolfsson et al. 2020, "EEG-TCNet: An Accurate Temporal Convolutional
// Network for Embedded Motor-Imagery Brain–Machine Interfaces", IEEE SMC),
// with braindecode 1.8's names; DefaultEEGTCNetOptions gives its defaults.
type EEGTCNetOptions struct {
	Filter1         int           // filter_1: temporal filters (8)
	KernLength      int           // kern_length: their length (64)
	DepthMultiplier int           // depth_multiplier: spatial filters per temporal one (2)
	DropProbEEG     float64       // drop_prob_eeg: in the EEGNet part (drop_prob, 0.5)
	Depth           int           // depth: residual blocks of the TCN (2)
	KernelSize      int           // kernel_size: the TCN's kernel (4)
	Filters         int           // filters: the TCN's channels (12)
	DropProbTCN     float64       // drop_prob_tcn (drop_prob, 0.5)
	MaxNormConst    float64       // max_norm_const: of the classifier (0.25)
	Activation      nn.Activation // activation (ELU)
}

// DefaultEEGTCNetOptions are braindecode's defaults (tcn_batch_norm on).
func DefaultEEGTCNetOptions() EEGTCNetOptions {
	return EEGTCNetOptions{Filter1: 8, KernLength: 64, DepthMultiplier: 2, DropProbEEG: 0.5, Depth: 2, KernelSize: 4, Filters: 12,
		DropProbTCN: 0.5, MaxNormConst: 0.25, Activation: nn.ELU}
}

// EEGTCNet builds braindecode's EEGTCNet for trials of nChans channels ×
// nTimes samples and nOutputs classes, with its state_dict names: an
// EEGNet (temporal, depthwise spatial and separable convolutions, each
// with BatchNorm, pooled by 8 and by Filter1) whose time steps feed a
// temporal convolution network of Depth residual blocks (two causal
// convolutions dilated by 2^i, each with BatchNorm, activation and
// dropout, plus the block's input — projected by a 1×1 convolution where
// the widths differ — then the activation), and a max-norm Linear of the
// last time step. For the lab's input (2 × 750, 2 classes) it has 3,958
// parameters.
func EEGTCNet(nChans, nOutputs, nTimes int, o EEGTCNetOptions) (*nn.Model, error) {
	if o.Activation == nn.NoActivation {
		return nil, fmt.Errorf("eegtcnet needs an activation (ELU by default)")
	}
	f1, f2 := o.Filter1, o.Filter1*o.DepthMultiplier
	named := func(name string, l nn.Layer) nn.Layer { return nn.Named{Name: name, Layer: l} }
	// braindecode runs time along the first spatial axis ('batch 1 ntimes
	// nchans'); eegkit along the last, with the weights stored as braindecode's.
	timeConv := func(in, out, k, pad, groups int) nn.Layer {
		return nn.TimeFirstConv2d{Conv2d: nn.Conv2d{In: in, Out: out, Kernel: [2]int{1, k}, Padding: [2]int{0, pad}, Groups: groups}}
	}
	m := &nn.Model{Name: "EEGTCNet", Act: o.Activation, Input: nn.Shape3{1, nChans, nTimes}, Blocks: []nn.Block{
		{Name: "eegnet_tc", Layers: []nn.Layer{
			named("conv1", timeConv(1, f1, o.KernLength, o.KernLength/2, 1)),
			named("bn1", nn.BatchNorm(f1)), o.Activation,
			named("depthwise_conv", nn.TimeFirstConv2d{Conv2d: nn.Conv2d{In: f1, Out: f2, Kernel: [2]int{nChans, 1}, Groups: f1}}),
			named("bn2", nn.BatchNorm(f2)), o.Activation,
			named("pool1", nn.AvgPool2d(1, 8)),
			named("drop1", nn.Dropout{P: o.DropProbEEG}),
			named("separable_conv_depthwise", timeConv(f2, f2, f2, f2/2, f2)),
			named("separable_conv_pointwise", nn.Conv2d{In: f2, Out: f2, Kernel: [2]int{1, 1}}),
			named("bn3", nn.BatchNorm(f2)), o.Activation,
			named("pool2", nn.AvgPool2d(1, f1)),
			named("drop2", nn.Dropout{P: o.DropProbEEG}),
		}},
	}}
	var tcn []nn.Layer
	in := f2
	for i := range o.Depth {
		d := 1 << i
		pad := (o.KernelSize - 1) * d
		unit := func(in int) []nn.Layer { // a causal dilated convolution, BatchNorm1d(momentum 0.01, eps 1e-3), activation, dropout
			return []nn.Layer{nn.Conv1d{In: in, Out: o.Filters, Kernel: o.KernelSize, Padding: pad, Dilation: d}, nn.Chomp{N: pad},
				nn.BatchNorm2d{Features: o.Filters, Eps: 1e-3, Momentum: 0.01}, o.Activation, nn.Dropout{P: o.DropProbTCN}}
		}
		block := nn.Residual{Body: named(fmt.Sprintf("layers.%d", i), nn.Seq(append(unit(in), unit(o.Filters)...)...))}
		if in != o.Filters {
			block.Shortcut = named("downsample", nn.Conv1d{In: in, Out: o.Filters, Kernel: 1, Bias: true})
		}
		tcn = append(tcn, named("", block), o.Activation) // the blocks' names are their own: layers.i, downsample
		in = o.Filters
	}
	m.Blocks = append(m.Blocks,
		nn.Block{Layers: []nn.Layer{named("tcn_block", nn.Seq(tcn...)), named("last_step", nn.LastStep{})}},
		nn.Block{Layers: []nn.Layer{named("final_layer", nn.MaxNormLinear{In: o.Filters, Out: nOutputs, MaxNorm: o.MaxNormConst})}},
	)
	return m.Build()
}
