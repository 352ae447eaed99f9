package eegkit

import "github.com/eegkit/eegkit/eegkit/nn"

// DeepConvNet builds the lab's DeepConvNet (Figure 2 of the lab) with the given activation.
func DeepConvNet(act nn.Activation) *nn.Model {
	block := func(name string, in, out int) nn.Block {
		return nn.Block{Name: name, Layers: []nn.Layer{
			nn.Conv2d{In: in, Out: out, Kernel: [2]int{1, 5}, Bias: true},
			nn.BatchNorm(out),
			act,
			nn.MaxPool2d(1, 2),
			nn.Dropout{P: 0.5},
		}}

	}
	return &nn.Model{Name: "DeepConvNet", Act: act, Input: LabInput, Blocks: []nn.Block{
		{Name: "firstConv", Layers: []nn.Layer{
			nn.Conv2d{In: 1, Out: 25, Kernel: [2]int{1, 5}, Bias: true},
			nn.Conv2d{In: 25, Out: 25, Kernel: [2]int{2, 1}, Bias: true},
			nn.BatchNorm(25),
			act,
			nn.MaxPool2d(1, 2),
			nn.Dropout{P: 0.5},
		}},
		block("secondConv", 25, 50),
		block("thirdConv", 50, 100),
		block("fourthConv", 100, 200),
		{Name: "classify", Layers: []nn.Layer{
			nn.Linear{In: 8600, Out: 2},
		}},
	}}
}
