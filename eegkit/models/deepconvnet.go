package models

import (
	"github.com/eegkit/eegkit/eegkit/nn"
)

// DeepConvNet builds the lab's DeepConvNet (Figure 2 of the lab) with the
// given activation, for the lab's input (2 channels × 750 samples, 2 classes).
func DeepConvNet(act nn.Activation) *nn.Model {
	m, err := DeepConvNetWith(LabInput[1], 2, LabInput[2], act)
	if err != nil {
		panic(err) // the lab's network always fits its input
	}
	return m
}

// DeepConvNetWith builds the lab's DeepConvNet for trials of nChans
// channels × nTimes samples and nOutputs classes: four blocks of
// convolution, BatchNorm, act, max-pooling by 2 and dropout, the first
// with a temporal and a spatial convolution; the classifier's input size
// follows from nTimes (8600 for the lab's 750 samples).
func DeepConvNetWith(nChans, nOutputs, nTimes int, act nn.Activation) (*nn.Model, error) {
	block := func(name string, in, out int) nn.Block {
		return nn.Block{Name: name, Layers: []nn.Layer{
			nn.Conv2d{In: in, Out: out, Kernel: [2]int{1, 5}, Bias: true},
			nn.BatchNorm(out),
			act,
			nn.MaxPool2d(1, 2),
			nn.Dropout{P: 0.5},
		}}

	}
	return (&nn.Model{Name: "DeepConvNet", Act: act, Input: nn.Shape3{1, nChans, nTimes}, Blocks: []nn.Block{
		{Name: "firstConv", Layers: []nn.Layer{
			nn.Conv2d{In: 1, Out: 25, Kernel: [2]int{1, 5}, Bias: true},
			nn.Conv2d{In: 25, Out: 25, Kernel: [2]int{nChans, 1}, Bias: true},
			nn.BatchNorm(25),
			act,
			nn.MaxPool2d(1, 2),
			nn.Dropout{P: 0.5},
		}},
		block("secondConv", 25, 50),
		block("thirdConv", 50, 100),
		block("fourthConv", 100, 200),
		{Name: "classify", Layers: []nn.Layer{
			nn.Linear{Out: nOutputs},
		}},
	}}).Build()
}
