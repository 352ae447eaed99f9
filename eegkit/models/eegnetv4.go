package models

import "github.com/eegkit/eegkit/eegkit/nn"

// EEGNetV4Options are the architecture keywords of braindecode's EEGNet
// (EEGNet-v4 of Lawhern et al. 2018), with braindecode 1.8's names;
// DefaultEEGNetV4Options gives its defaults, the paper's EEGNet-8,2.
type EEGNetV4Options struct {
	F1                    int           // temporal filters (8)
	D                     int           // depth multiplier of the spatial convolution (2)
	F2                    int           // pointwise filters; 0 is F1·D
	KernelLength          int           // kernel_length: temporal kernel (64; padded by half, so an even one adds a sample)
	DepthwiseKernelLength int           // depthwise_kernel_length of the separable convolution (16)
	Pool1KernelSize       int           // pool1_kernel_size (4)
	Pool2KernelSize       int           // pool2_kernel_size (8)
	ConvSpatialMaxNorm    float64       // conv_spatial_max_norm: max-norm of each spatial filter (1)
	BatchNormMomentum     float64       // batch_norm_momentum (0.01)
	BatchNormEps          float64       // batch_norm_eps (1e-3)
	DropProb              float64       // drop_prob (0.25)
	Activation            nn.Activation // activation (ELU)
	FinalConvLength       int           // final_conv_length: 0 is "auto"
}

// DefaultEEGNetV4Options are braindecode's defaults.
func DefaultEEGNetV4Options() EEGNetV4Options {
	return EEGNetV4Options{F1: 8, D: 2, KernelLength: 64, DepthwiseKernelLength: 16, Pool1KernelSize: 4, Pool2KernelSize: 8,
		ConvSpatialMaxNorm: 1, BatchNormMomentum: 0.01, BatchNormEps: 1e-3, DropProb: 0.25, Activation: nn.ELU}
}

// EEGNetV4 builds braindecode's EEGNet for trials of nChans channels ×
// nTimes samples and nOutputs classes, with braindecode's state_dict names:
// a temporal convolution, a depthwise spatial convolution under a max-norm
// constraint, ELU, pooling, a separable convolution (depthwise then
// pointwise), ELU, pooling, and a convolution over the remaining time as the
// classifier. For the lab's input (2 × 750, 2 classes) it has 1,874 parameters.
func EEGNetV4(nChans, nOutputs, nTimes int, o EEGNetV4Options) (*nn.Model, error) {
	f1d := o.F1 * o.D
	f2 := o.F2
	if f2 == 0 {
		f2 = f1d
	}
	bn := func(n int) nn.BatchNorm2d {
		return nn.BatchNorm2d{Features: n, Eps: o.BatchNormEps, Momentum: o.BatchNormMomentum}
	}
	m := &nn.Model{Name: "EEGNetV4", Act: o.Activation, Input: nn.Shape3{1, nChans, nTimes}, Blocks: []nn.Block{
		{Name: "", Layers: []nn.Layer{
			nn.Named{Name: "conv_temporal", Layer: nn.Conv2d{In: 1, Out: o.F1, Kernel: [2]int{1, o.KernelLength}, Padding: [2]int{0, o.KernelLength / 2}}},
			nn.Named{Name: "bnorm_temporal", Layer: bn(o.F1)},
			nn.Named{Name: "conv_spatial", Layer: nn.MaxNormConv2d{Conv2d: nn.Conv2d{In: o.F1, Out: f1d, Kernel: [2]int{nChans, 1}, Groups: o.F1}, MaxNorm: o.ConvSpatialMaxNorm}},
			nn.Named{Name: "bnorm_1", Layer: bn(f1d)},
			nn.Named{Name: "elu_1", Layer: o.Activation},
			nn.Named{Name: "pool_1", Layer: nn.AvgPool2d(1, o.Pool1KernelSize)},
			nn.Named{Name: "drop_1", Layer: nn.Dropout{P: o.DropProb}},
			nn.Named{Name: "conv_separable_depth", Layer: nn.Conv2d{In: f1d, Out: f1d, Kernel: [2]int{1, o.DepthwiseKernelLength}, Padding: [2]int{0, o.DepthwiseKernelLength / 2}, Groups: f1d}},
			nn.Named{Name: "conv_separable_point", Layer: nn.Conv2d{In: f1d, Out: f2, Kernel: [2]int{1, 1}}},
			nn.Named{Name: "bnorm_2", Layer: bn(f2)},
			nn.Named{Name: "elu_2", Layer: o.Activation},
			nn.Named{Name: "pool_2", Layer: nn.AvgPool2d(1, o.Pool2KernelSize)},
			nn.Named{Name: "drop_2", Layer: nn.Dropout{P: o.DropProb}},
		}},
	}}
	final := o.FinalConvLength
	if final == 0 {
		shape, err := nn.OutShapeOf(m)
		if err != nil {
			return nil, err
		}
		final = shape[2]
	}
	m.Blocks = append(m.Blocks, nn.Block{Name: "final_layer", Layers: []nn.Layer{
		nn.Named{Name: "conv_classifier", Layer: nn.Conv2d{In: f2, Out: nOutputs, Kernel: [2]int{1, final}, Bias: true}},
	}})
	return m.Build()
}
