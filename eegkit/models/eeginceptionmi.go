package models

import (
	"fmt"

	"github.com/eegkit/eegkit/eegkit/nn"
)

// EEGInceptionMIOptions are the architecture keywords of braindecode's
// EEGInceptionMI (Zhang et al. 2021, "EEG-inception: an accurate and
// robust end-to-end neural network for EEG-based motor imagery
// classification", J. Neural Eng. 18), with braindecode 1.8's names;
// DefaultEEGInceptionMIOptions gives its defaults.
type EEGInceptionMIOptions struct {
	NConvs      int           // n_convs: the convolution branches of an inception module (5)
	NFilters    int           // n_filters: each branch's filters (48)
	KernelUnitS float64       // kernel_unit_s: the kernels are (2u+1)·kernel_unit_s·sfreq samples, u < n_convs (0.1 s)
	Activation  nn.Activation // activation (ReLU)
}

// DefaultEEGInceptionMIOptions are braindecode's defaults.
func DefaultEEGInceptionMIOptions() EEGInceptionMIOptions {
	return EEGInceptionMIOptions{NConvs: 5, NFilters: 48, KernelUnitS: 0.1, Activation: nn.ReLU}
}

// EEGInceptionMI builds braindecode's EEGInceptionMI for trials of nChans
// channels × nTimes samples at sfreq Hz and nOutputs classes, with its
// state_dict names: the channels are the input's feature maps; six
// inception modules (a 1×1 bottleneck feeding NConvs convolutions of
// growing length, beside a max pooling and a 1×1 convolution, all joined
// on the channels, then BatchNorm and the activation) in two residual
// groups of three, each group's input added through a 1×1 convolution,
// BatchNorm and the activation; then average pooling over time and a
// Linear. Its kernels depend on the sampling rate: for the lab's input
// (2 × 750 at 125 Hz, 2 classes) it has 4,376,930 parameters.
func EEGInceptionMI(nChans, nOutputs, nTimes int, sfreq float64, o EEGInceptionMIOptions) (*nn.Model, error) {
	unit := int(o.KernelUnitS * sfreq)
	if unit < 1 {
		return nil, fmt.Errorf("eeginceptionmi: kernel_unit_s %g s at %g Hz is no sample; give the sampling rate", o.KernelUnitS, sfreq)
	}
	f, width := o.NFilters, (o.NConvs+1)*o.NFilters
	named := func(name string, l nn.Layer) nn.Layer { return nn.Named{Name: name, Layer: l} }
	conv1x1 := func(in, out int) nn.Conv2d { return nn.Conv2d{In: in, Out: out, Kernel: [2]int{1, 1}, Bias: true} }
	inception := func(in int) nn.Layer { // braindecode's _InceptionModuleMI
		var convs []nn.Layer
		for u := range o.NConvs {
			k := (2*u + 1) * unit
			// padding="same": (k−1)/2 zeros before, the rest after
			convs = append(convs, nn.Seq(named("", nn.ZeroPad{Left: (k - 1) / 2, Right: k - 1 - (k-1)/2}),
				named("", nn.Conv2d{In: f, Out: f, Kernel: [2]int{1, k}, Bias: true})))
		}
		pooled := []nn.Layer{named("pooling", nn.Pool2d{Max: true, Kernel: [2]int{1, unit}, Stride: [2]int{1, 1}, Padding: [2]int{0, unit / 2}}),
			named("pooling_conv", conv1x1(in, f))}
		if unit%2 == 0 { // an even pool is one step longer: X2[..., :target_len]
			pooled = append(pooled, nn.Chomp{N: 1})
		}
		return nn.Seq(
			named("", nn.Concat{Branches: []nn.Layer{
				named("", nn.Seq(named("bottleneck", conv1x1(in, f)), named("conv_list", nn.Concat{Branches: convs}))),
				named("", nn.Seq(pooled...)),
			}}),
			named("bn", nn.BatchNorm(width)), o.Activation)
	}
	residual := func(in int) nn.Layer { // braindecode's _ResidualModuleMI
		return nn.Seq(named("conv", conv1x1(in, width)), named("bn", nn.BatchNorm(width)), o.Activation)
	}
	m := &nn.Model{Name: "EEGInceptionMI", Act: o.Activation, Input: nn.Shape3{1, nChans, nTimes}, Blocks: []nn.Block{
		{Layers: []nn.Layer{
			named("dimshuffle", nn.Permute{Axes: [3]int{1, 0, 2}}), // the channels as feature maps: [C, 1, T]
			named("", nn.Residual{ // the residual groups' modules are the model's attributes
				Body: nn.Seq(named("initial_inception_module", inception(nChans)),
					named("intermediate_inception_modules_1", nn.Seq(inception(width), inception(width)))),
				Shortcut: named("residual_block_1", residual(nChans)),
			}),
			named("", nn.Residual{
				Body:     named("intermediate_inception_modules_2", nn.Seq(inception(width), inception(width), inception(width))),
				Shortcut: named("residual_block_2", residual(width)),
			}),
			named("ave_pooling", nn.AvgPool2d(1, nTimes)),
		}},
		{Name: "final_layer", Layers: []nn.Layer{named("fc", nn.Linear{In: width, Out: nOutputs})}},
	}}
	return m.Build()
}
