package models

import (
	"fmt"

	"github.com/eegkit/eegkit/eegkit/nn"
)

// EEGNeXOptions are the architecture keywords of braindecode's EEGNeX
// (Chen et al. 2024, "Toward reliable signals decoding for
// electroencephalogram: A benchmark study to EEGNeX", Biomedical Signal
// Processing and Control), with braindecode 1.8's names;
// DefaultEEGNeXOptions gives its defaults.
type EEGNeXOptions struct {
	Activation      nn.Activation // activation (ELU)
	DepthMultiplier int           // depth_multiplier: spatial filters per temporal one (2)
	Filter1         int           // filter_1 (8)
	Filter2         int           // filter_2 (32)
	DropProb        float64       // drop_prob (0.5)
	KernelBlock12   int           // kernel_block_1_2: the first two temporal kernels (64)
	KernelBlock4    int           // kernel_block_4 (16)
	DilationBlock4  int           // dilation_block_4 (2)
	AvgPoolBlock4   int           // avg_pool_block4 (4)
	KernelBlock5    int           // kernel_block_5 (16)
	DilationBlock5  int           // dilation_block_5 (4)
	AvgPoolBlock5   int           // avg_pool_block5 (8)
	MaxNormConv     float64       // max_norm_conv: of the depthwise spatial convolution (1)
	MaxNormLinear   float64       // max_norm_linear (0.25)
}

// DefaultEEGNeXOptions are braindecode's defaults.
func DefaultEEGNeXOptions() EEGNeXOptions {
	return EEGNeXOptions{Activation: nn.ELU, DepthMultiplier: 2, Filter1: 8, Filter2: 32, DropProb: 0.5, KernelBlock12: 64,
		KernelBlock4: 16, DilationBlock4: 2, AvgPoolBlock4: 4, KernelBlock5: 16, DilationBlock5: 4, AvgPoolBlock5: 8,
		MaxNormConv: 1, MaxNormLinear: 0.25}
}

// EEGNeX builds braindecode's EEGNeX for trials of nChans channels ×
// nTimes samples and nOutputs classes, with its state_dict names: two
// temporal convolutions with BatchNorm, a max-norm depthwise spatial
// convolution with BatchNorm, activation, pooling and dropout, two dilated
// temporal convolutions with BatchNorm (the second then activated, pooled
// and dropped), and a max-norm Linear. Every temporal convolution keeps the
// length (padding "same"). For the lab's input (2 × 750, 2 classes) it has
// 54,546 parameters.
func EEGNeX(nChans, nOutputs, nTimes int, o EEGNeXOptions) (*nn.Model, error) {
	if o.Activation == nn.NoActivation {
		return nil, fmt.Errorf("eegnex needs an activation (ELU by default)")
	}
	f1, f2, f3 := o.Filter1, o.Filter2, o.Filter2*o.DepthMultiplier
	named := func(name string, l nn.Layer) nn.Layer { return nn.Named{Name: name, Layer: l} }
	// same is a temporal convolution with torch's padding="same": (d(k−1))/2
	// zeros before, the rest after.
	same := func(name string, in, out, k, d int) []nn.Layer {
		total := d * (k - 1)
		c := nn.Conv2d{In: in, Out: out, Kernel: [2]int{1, k}, Dilation: [2]int{1, d}}
		if total%2 == 0 {
			c.Padding = [2]int{0, total / 2}
			return []nn.Layer{named(name, c)}
		}
		return []nn.Layer{named("", nn.ZeroPad{Left: total / 2, Right: total - total/2}), named(name, c)}
	}
	pool := func(k int) nn.Layer { return nn.Pool2d{Kernel: [2]int{1, k}, Padding: [2]int{0, 1}} }
	t3 := (nTimes+2-o.AvgPoolBlock4)/o.AvgPoolBlock4 + 1
	t5 := (t3+2-o.AvgPoolBlock5)/o.AvgPoolBlock5 + 1
	m := &nn.Model{Name: "EEGNeX", Act: o.Activation, Input: nn.Shape3{1, nChans, nTimes}, Blocks: []nn.Block{{Layers: []nn.Layer{
		named("block_1", nn.Seq(append(same("1", 1, f1, o.KernelBlock12, 1), named("2", nn.BatchNorm(f1)))...)), // 0 is the Rearrange
		named("block_2", nn.Seq(append(same("0", f1, f2, o.KernelBlock12, 1), named("1", nn.BatchNorm(f2)))...)),
		named("block_3", nn.Seq(
			named("0", nn.MaxNormConv2d{Conv2d: nn.Conv2d{In: f2, Out: f3, Kernel: [2]int{nChans, 1}, Groups: f2}, MaxNorm: o.MaxNormConv}),
			named("1", nn.BatchNorm(f3)), o.Activation, named("3", pool(o.AvgPoolBlock4)), named("4", nn.Dropout{P: o.DropProb}))),
		named("block_4", nn.Seq(append(same("0", f3, f2, o.KernelBlock4, o.DilationBlock4), named("1", nn.BatchNorm(f2)))...)),
		named("block_5", nn.Seq(append(same("0", f2, f1, o.KernelBlock5, o.DilationBlock5),
			named("1", nn.BatchNorm(f1)), o.Activation, named("3", pool(o.AvgPoolBlock5)), named("4", nn.Dropout{P: o.DropProb}))...)),
		named("final_layer", nn.RenormLinear{In: f1 * t5, Out: nOutputs, MaxNorm: o.MaxNormLinear}),
	}}}}
	return m.Build()
}
