package models

import (
	"github.com/eegkit/eegkit/eegkit/nn"
)

// EEGNetOptions are the lab EEGNet's architecture keywords (braindecode's
// names where it has them); DefaultEEGNetOptions gives the lab's values.
type EEGNetOptions struct {
	F1              int           // temporal filters (16)
	D               int           // depth multiplier of the depthwise spatial convolution (2)
	F2              int           // filters of the separable convolution; 0 is F1·D (32)
	KernelLength    int           // temporal kernel, odd, padded by half (51)
	SeparableLength int           // kernel of the separable convolution, odd (15)
	Pool1, Pool2    int           // average-pooling widths (4, 8)
	DropProb        float64       // dropout after each pooling (0.25)
	Activation      nn.Activation // the nonlinearity after each BatchNorm but the first
}

// DefaultEEGNetOptions are the lab's EEGNet with activation act.
func DefaultEEGNetOptions(act nn.Activation) EEGNetOptions {
	return EEGNetOptions{F1: 16, D: 2, KernelLength: 51, SeparableLength: 15, Pool1: 4, Pool2: 8, DropProb: 0.25, Activation: act}
}

// EEGNet builds the lab's EEGNet (Figure 1 of the lab) with the given
// activation, for the lab's input (2 channels × 750 samples, 2 classes).
func EEGNet(act nn.Activation) *nn.Model {
	m, err := EEGNetWith(LabInput[1], 2, LabInput[2], DefaultEEGNetOptions(act))
	if err != nil {
		panic(err) // the lab's options always fit its input
	}
	return m
}

// EEGNetWith builds the lab's EEGNet with other architecture keywords for
// trials of nChans channels × nTimes samples and nOutputs classes; the
// classifier's input size follows from them (736 for the lab's).
func EEGNetWith(nChans, nOutputs, nTimes int, o EEGNetOptions) (*nn.Model, error) {
	f2 := o.F2
	if f2 == 0 {
		f2 = o.F1 * o.D
	}
	return (&nn.Model{Name: "EEGNet", Act: o.Activation, Input: nn.Shape3{1, nChans, nTimes}, Blocks: []nn.Block{
		{Name: "firstConv", Layers: []nn.Layer{
			nn.Conv2d{In: 1, Out: o.F1, Kernel: [2]int{1, o.KernelLength}, Padding: [2]int{0, o.KernelLength / 2}},
			nn.BatchNorm(o.F1),
		}},
		{Name: "depthwiseConv", Layers: []nn.Layer{
			nn.Conv2d{In: o.F1, Out: o.F1 * o.D, Kernel: [2]int{nChans, 1}, Groups: o.F1},
			nn.BatchNorm(o.F1 * o.D),
			o.Activation,
			nn.AvgPool2d(1, o.Pool1),
			nn.Dropout{P: o.DropProb},
		}},
		{Name: "separableConv", Layers: []nn.Layer{
			nn.Conv2d{In: o.F1 * o.D, Out: f2, Kernel: [2]int{1, o.SeparableLength}, Padding: [2]int{0, o.SeparableLength / 2}},
			nn.BatchNorm(f2),
			o.Activation,
			nn.AvgPool2d(1, o.Pool2),
			nn.Dropout{P: o.DropProb},
		}},
		{Name: "classify", Layers: []nn.Layer{
			nn.Linear{Out: nOutputs},
		}},
	}}).Build()
}
