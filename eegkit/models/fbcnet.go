package models

import (
	"fmt"

	"github.com/eegkit/eegkit/eegkit/nn"
)

// FBCNetOptions are the architecture keywords of braindecode's FBCNet
// (Mane et al. 2021, "FBCNet: A Multi-view Convolutional Neural Network for
// Brain-Computer Interface", arXiv:2104.01233), with braindecode 1.8's
// names; DefaultFBCNetOptions gives its defaults.
type FBCNetOptions struct {
	NBands        int          // n_bands: band-passes of equal width from 4 to 40 Hz (9: 4–8, 8–12, …, 36–40 Hz)
	NFiltersSpat  int          // n_filters_spat: spatial filters per band (32)
	TemporalLayer nn.Stat      // temporal_layer: the statistic of each segment (LogVarLayer)
	StrideFactor  int          // stride_factor: segments of the time axis (4)
	Activation    nn.Layer     // activation (SiLU, as the authors' code; the paper's is ELU)
	LinearMaxNorm float64      // linear_max_norm (0.5)
	CNNMaxNorm    float64      // cnn_max_norm (2)
	Bands         [][2]float64 // band_filters given as a list; nil means NBands bands
}

// DefaultFBCNetOptions are braindecode's defaults.
func DefaultFBCNetOptions() FBCNetOptions {
	return FBCNetOptions{NBands: 9, NFiltersSpat: 32, TemporalLayer: nn.StatLogVar, StrideFactor: 4, Activation: nn.SiLU{},
		LinearMaxNorm: 0.5, CNNMaxNorm: 2}
}

// FBCNet builds braindecode's FBCNet for trials of nChans channels ×
// nTimes samples at sfreq Hz and nOutputs classes, with its state_dict
// names: a bank of band-pass filters (MNE's FIR designs, fixed), a
// max-norm spatial convolution per band with BatchNorm and activation, the
// log-variance of each of StrideFactor segments of time, and a max-norm
// Linear. For the lab's input (2 × 750 at 125 Hz, 2 classes) it has 3,746
// trainable parameters (and 1,938 fixed filter taps).
func FBCNet(nChans, nOutputs, nTimes int, sfreq float64, o FBCNetOptions) (*nn.Model, error) {
	bands := o.Bands
	if bands == nil {
		if o.NBands < 1 {
			return nil, fmt.Errorf("fbcnet needs at least one band; got n_bands %d", o.NBands)
		}
		w := 36.0 / float64(o.NBands) // braindecode divides 4–40 Hz equally
		for i := range o.NBands {
			bands = append(bands, [2]float64{4 + float64(i)*w, 4 + float64(i+1)*w})
		}
	}
	if o.Activation == nil || o.StrideFactor < 1 {
		return nil, fmt.Errorf("fbcnet needs an activation and a stride factor of at least 1")
	}
	nb, spat, seg := len(bands), o.NFiltersSpat*len(bands), o.StrideFactor
	named := func(name string, l nn.Layer) nn.Layer { return nn.Named{Name: name, Layer: l} }
	act, ok := o.Activation.(nn.Activation)
	if !ok {
		act = nn.NoActivation // SiLU, a layer of its own
	}
	m := &nn.Model{Name: "FBCNet", Act: act, Input: nn.Shape3{1, nChans, nTimes}, Blocks: []nn.Block{
		{Layers: []nn.Layer{
			named("spectral_filtering", nn.FilterBank{Bands: bands, Rate: sfreq}),
			named("spatial_conv", nn.Seq(
				nn.MaxNormConv2d{Conv2d: nn.Conv2d{In: nb, Out: spat, Kernel: [2]int{nChans, 1}, Groups: nb, Bias: true}, MaxNorm: o.CNNMaxNorm},
				nn.BatchNorm(spat),
				o.Activation,
			)),
			// padding_layer and the view to stride_factor segments, then temporal_layer
			named("temporal_layer", nn.StatLayer{Stat: o.TemporalLayer, Segments: seg}),
			named("final_layer", nn.RenormLinear{In: spat * seg, Out: nOutputs, MaxNorm: o.LinearMaxNorm}),
		}},
	}}
	return m.Build()
}
