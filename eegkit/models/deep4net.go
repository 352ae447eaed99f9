package models

import (
	"fmt"

	"github.com/eegkit/eegkit/eegkit/nn"
)

// Deep4NetOptions are the architecture keywords of braindecode's Deep4Net
// (Schirrmeister et al. 2017, "Deep learning with convolutional neural
// networks for EEG decoding and visualization", Hum. Brain Mapp. 38), with
// braindecode 1.8's names; DefaultDeep4NetOptions gives its defaults
// (split_first_layer, batch_norm, max pooling, no stride before the pool).
type Deep4NetOptions struct {
	NFiltersTime     int           // n_filters_time (25)
	NFiltersSpat     int           // n_filters_spat (25)
	FilterTimeLength int           // filter_time_length (10)
	PoolTimeLength   int           // pool_time_length (3)
	PoolTimeStride   int           // pool_time_stride (3)
	NFilters         [3]int        // n_filters_2, n_filters_3, n_filters_4 (50, 100, 200)
	FilterLengths    [3]int        // filter_length_2, _3, _4 (10, 10, 10)
	FinalConvLength  int           // final_conv_length: 0 is "auto", the whole remaining time axis
	BatchNormAlpha   float64       // batch_norm_alpha: BatchNorm momentum (0.1)
	DropProb         float64       // drop_prob (0.5)
	Activation       nn.Activation // activation_first_conv_nonlin and activation_later_conv_nonlin (ELU)
}

// DefaultDeep4NetOptions are braindecode's defaults.
func DefaultDeep4NetOptions() Deep4NetOptions {
	return Deep4NetOptions{NFiltersTime: 25, NFiltersSpat: 25, FilterTimeLength: 10, PoolTimeLength: 3, PoolTimeStride: 3,
		NFilters: [3]int{50, 100, 200}, FilterLengths: [3]int{10, 10, 10}, BatchNormAlpha: 0.1, DropProb: 0.5, Activation: nn.ELU}
}

// Deep4Net builds braindecode's Deep4Net for trials of nChans channels ×
// nTimes samples and nOutputs classes, with its state_dict names and
// initialisation (Xavier-uniform convolutions, zero biases): a temporal
// and a spatial convolution combined (conv_time_spat), then four blocks
// of BatchNorm, nonlinearity and max pooling, the last three after a
// dropout and a temporal convolution, and a convolution over the time
// left as the classifier. For the lab's input (2 × 750, 2 classes) it has
// 266,377 parameters.
func Deep4Net(nChans, nOutputs, nTimes int, o Deep4NetOptions) (*nn.Model, error) {
	if o.Activation == nn.NoActivation {
		return nil, fmt.Errorf("deep4net needs an activation (ELU by default)")
	}
	bn := func(features int) nn.BatchNorm2d {
		return nn.BatchNorm2d{Features: features, Eps: 1e-5, Momentum: o.BatchNormAlpha}
	}
	pool := nn.Pool2d{Max: true, Kernel: [2]int{1, o.PoolTimeLength}, Stride: [2]int{1, o.PoolTimeStride}}
	// braindecode runs time along the first spatial axis, eegkit along the
	// last: its (k, 1) kernels and pools along time are (1, k) here.
	layers := []nn.Layer{
		nn.Named{Name: "conv_time_spat", Layer: nn.CombinedConv{Filters: o.NFiltersTime, Length: o.FilterTimeLength, SpatFilters: o.NFiltersSpat, Chans: nChans}},
		nn.Named{Name: "bnorm", Layer: bn(o.NFiltersSpat)},
		nn.Named{Name: "conv_nonlin", Layer: o.Activation},
		nn.Named{Name: "pool", Layer: pool},
	}
	in := o.NFiltersSpat
	for i, out := range o.NFilters {
		n := fmt.Sprint(i + 2)
		layers = append(layers,
			nn.Named{Name: "drop_" + n, Layer: nn.Dropout{P: o.DropProb}},
			nn.Named{Name: "conv_" + n, Layer: nn.TimeFirstConv2d{Conv2d: nn.Conv2d{In: in, Out: out, Kernel: [2]int{1, o.FilterLengths[i]}, Xavier: true}}},
			nn.Named{Name: "bnorm_" + n, Layer: bn(out)},
			nn.Named{Name: "nonlin_" + n, Layer: o.Activation},
			nn.Named{Name: "pool_" + n, Layer: pool},
		)
		in = out
	}
	m := &nn.Model{Name: "Deep4Net", Act: o.Activation, Input: nn.Shape3{1, nChans, nTimes}, Blocks: []nn.Block{{Layers: layers}}}
	final := o.FinalConvLength
	if final == 0 { // "auto": the time steps left after the last pool
		shape, err := nn.OutShapeOf(m)
		if err != nil {
			return nil, err
		}
		final = shape[2]
	}
	m.Blocks = append(m.Blocks, nn.Block{Name: "final_layer", Layers: []nn.Layer{
		nn.Named{Name: "conv_classifier", Layer: nn.TimeFirstConv2d{Conv2d: nn.Conv2d{In: in, Out: nOutputs, Kernel: [2]int{1, final}, Bias: true, Xavier: true}}},
	}})
	return m.Build()
}
