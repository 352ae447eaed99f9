package models

import (
	"fmt"
	"math"

	"github.com/eegkit/eegkit/eegkit/nn"
)

// SCCNetOptions are the architecture keywords of braindecode's SCCNet
// (Wei et al. 2019, "Spatial Component-wise Convolutional Network (SCCNet)
// for Motor-Imagery EEG Classification", IEEE NER), with braindecode 1.8's
// names; DefaultSCCNetOptions gives its defaults.
type SCCNetOptions struct {
	NSpatialFilters       int     // n_spatial_filters: spatial components (22)
	NSpatialFiltersSmooth int     // n_spatial_filters_smooth: spatio-temporal filters of 0.1 s (20)
	DropProb              float64 // drop_prob (0.5)
	BatchNormMomentum     float64 // batch_norm_momentum (0.1)
}

// DefaultSCCNetOptions are braindecode's defaults.
func DefaultSCCNetOptions() SCCNetOptions {
	return SCCNetOptions{NSpatialFilters: 22, NSpatialFiltersSmooth: 20, DropProb: 0.5, BatchNormMomentum: 0.1}
}

// SCCNet builds braindecode's SCCNet for trials of nChans channels ×
// nTimes samples at sfreq Hz and nOutputs classes, with its state_dict
// names: a spatial convolution into components with BatchNorm, a
// convolution across the components over 0.1 s with BatchNorm, squared,
// averaged over 0.5 s every 0.1 s, the log, and a Linear. Trials shorter
// than 0.6 s scale both lengths down, as braindecode does. For the lab's
// input (2 × 750 at 125 Hz, 2 classes) it has 7,712 parameters.
func SCCNet(nChans, nOutputs, nTimes int, sfreq float64, o SCCNetOptions) (*nn.Model, error) {
	conv, pool := int(math.Floor(sfreq*0.1)), int(math.Floor(sfreq*0.5))
	if nTimes < conv+pool {
		s := float64(nTimes) / float64(conv+pool)
		conv, pool = int(math.Floor(float64(conv)*s)), int(math.Floor(float64(pool)*s))
	}
	conv, pool = max(conv, 1), max(pool, 1)
	if o.NSpatialFilters < 1 || o.NSpatialFiltersSmooth < 1 {
		return nil, fmt.Errorf("sccnet needs at least one spatial filter of each kind")
	}
	named := func(name string, l nn.Layer) nn.Layer { return nn.Named{Name: name, Layer: l} }
	bn := func(n int) nn.Layer { return nn.BatchNorm2d{Features: n, Eps: 1e-5, Momentum: o.BatchNormMomentum} }
	ns, nt := o.NSpatialFilters, o.NSpatialFiltersSmooth
	m := &nn.Model{Name: "SCCNet", Act: nn.NoActivation, Input: nn.Shape3{1, nChans, nTimes}, Blocks: []nn.Block{{Layers: []nn.Layer{
		named("spatial_conv", nn.Conv2d{In: 1, Out: ns, Kernel: [2]int{nChans, 1}, Bias: true}),
		named("spatial_batch_norm", bn(ns)),
		named("permute", nn.Permute{Axes: [3]int{1, 0, 2}}), // the components as rows: [1, components, T]
		named("spatial_filt_conv", nn.Conv2d{In: 1, Out: nt, Kernel: [2]int{ns, conv}}),
		named("batch_norm", bn(nt)),
		nn.Squared{},
		named("dropout", nn.Dropout{P: o.DropProb}),
		named("temporal_smoothing", nn.Pool2d{Kernel: [2]int{1, pool}, Stride: [2]int{1, conv}}),
		named("activation", nn.SafeLog{Eps: 1e-6}), // LogActivation: log(max(x, 1e-6))
		named("final_layer", nn.Linear{Out: nOutputs}),
	}}}}
	return m.Build()
}
