package models

import "github.com/eegkit/eegkit/eegkit/nn"

// ShallowFBCSPNetOptions are the architecture keywords of braindecode's
// ShallowFBCSPNet (Schirrmeister et al. 2017), with braindecode 1.8's names;
// DefaultShallowFBCSPNetOptions gives its defaults.
type ShallowFBCSPNetOptions struct {
	NFiltersTime     int     // n_filters_time: temporal filters (40)
	FilterTimeLength int     // filter_time_length: their length in samples (25)
	NFiltersSpat     int     // n_filters_spat: spatial filters (40)
	PoolTimeLength   int     // pool_time_length (75)
	PoolTimeStride   int     // pool_time_stride (15)
	FinalConvLength  int     // final_conv_length: 0 is "auto", the whole remaining time axis
	BatchNormAlpha   float64 // batch_norm_alpha: BatchNorm momentum (0.1)
	DropProb         float64 // drop_prob (0.5)
}

// DefaultShallowFBCSPNetOptions are braindecode's defaults.
func DefaultShallowFBCSPNetOptions() ShallowFBCSPNetOptions {
	return ShallowFBCSPNetOptions{NFiltersTime: 40, FilterTimeLength: 25, NFiltersSpat: 40, PoolTimeLength: 75,
		PoolTimeStride: 15, BatchNormAlpha: 0.1, DropProb: 0.5}
}

// ShallowFBCSPNet builds braindecode's ShallowFBCSPNet for trials of nChans
// channels × nTimes samples and nOutputs classes, with braindecode's
// state_dict names: a temporal and a spatial convolution combined into one
// (conv_time_spat), BatchNorm, squaring, average pooling and a log — the log
// band power of FBCSP, learned — then a convolution over what is left of
// time as the classifier, initialised as braindecode does (Xavier-uniform
// weights, zero biases). For the lab's input (2 × 750, 2 classes) it has
// 7,842 parameters.
func ShallowFBCSPNet(nChans, nOutputs, nTimes int, o ShallowFBCSPNetOptions) (*nn.Model, error) {
	// braindecode runs time along the first spatial axis, eegkit along the
	// last: its (k, 1) kernels and pools along time are (1, k) here.
	m := &nn.Model{Name: "ShallowFBCSPNet", Act: nn.NoActivation, Input: nn.Shape3{1, nChans, nTimes}, Blocks: []nn.Block{
		{Name: "", Layers: []nn.Layer{
			nn.Named{Name: "conv_time_spat", Layer: nn.CombinedConv{Filters: o.NFiltersTime, Length: o.FilterTimeLength, SpatFilters: o.NFiltersSpat, Chans: nChans}},
			nn.Named{Name: "bnorm", Layer: nn.BatchNorm2d{Features: o.NFiltersSpat, Eps: 1e-5, Momentum: o.BatchNormAlpha}},
			nn.Named{Name: "conv_nonlin_exp", Layer: nn.Squared{}},
			nn.Named{Name: "pool", Layer: nn.Pool2d{Kernel: [2]int{1, o.PoolTimeLength}, Stride: [2]int{1, o.PoolTimeStride}}},
			nn.Named{Name: "pool_nonlin_exp", Layer: nn.SafeLog{Eps: 1e-6}},
			nn.Named{Name: "drop", Layer: nn.Dropout{P: o.DropProb}},
		}},
	}}
	final := o.FinalConvLength
	if final == 0 { // "auto": the time steps left after pooling
		shape, err := nn.OutShapeOf(m)
		if err != nil {
			return nil, err
		}
		final = shape[2]
	}
	m.Blocks = append(m.Blocks, nn.Block{Name: "final_layer", Layers: []nn.Layer{
		nn.Named{Name: "conv_classifier", Layer: nn.TimeFirstConv2d{Conv2d: nn.Conv2d{In: o.NFiltersSpat, Out: nOutputs, Kernel: [2]int{1, final}, Bias: true, Xavier: true}}},
	}})
	return m.Build()
}
