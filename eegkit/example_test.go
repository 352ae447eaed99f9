package eegkit_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/eegkit/eegkit/eegkit"
	"github.com/eegkit/eegkit/eegkit/datasets"
	"github.com/eegkit/eegkit/eegkit/lab"
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/train"
)

// The lab's two models, with the parameter counts of their PyTorch modules.
func ExampleEEGNet() {
	for _, m := range []*nn.Model{models.EEGNet(nn.ELU), models.DeepConvNet(nn.ELU)} {
		fmt.Printf("%s: %d parameters\n", m.Name, m.NumParams())
	}
	// Output:
	// EEGNet: 17874 parameters
	// DeepConvNet: 150977 parameters
}

// The lab's hyperparameters for each run.
func ExamplePreset() {
	for _, act := range nn.Activations() {
		cfg, _ := train.Preset("eegnet", act)
		fmt.Println(cfg)
	}
	// Output:
	// eegnet/relu batch 64 lr 0.001 300 epochs seed 1
	// eegnet/leakyrelu batch 12 lr 0.0004 300 epochs seed 1
	// eegnet/elu batch 12 lr 0.0005 300 epochs seed 1
}

// Train EEGNet on the synthetic data and save it.
func ExampleTrain() {
	dir, _ := os.MkdirTemp("", "eegkit-example")
	defer os.RemoveAll(dir)
	if err := datasets.GenerateLab(dir, 1); err != nil {
		log.Fatal(err)
	}
	data, err := datasets.LoadLab(dir)
	if err != nil {
		log.Fatal(err)
	}
	cfg, _ := train.Preset("eegnet", nn.ELU)
	cfg.Epochs, cfg.Batch = 2, 64 // a quick run
	run, err := train.Train(context.Background(), cfg, data, nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := run.Save(dir + "/model"); err != nil {
		log.Fatal(err)
	}
	fmt.Println(data.Source)
	fmt.Println(len(run.History), "epochs, test accuracy above chance:", run.Final().TestAcc > 0.55)
	// Output:
	// eegkit synthetic BCI-IIIb-like data (eegkit-synth-v1, seed 1)
	// 2 epochs, test accuracy above chance: true
}

// Table 1 of the lab from its reported accuracies.
func ExampleTable1() {
	table, best := lab.Table1(map[string]map[string]float64{
		"EEGNet":      {"ReLU": 0.853, "LeakyReLU": 0.830, "ELU": 0.833},
		"DeepConvNet": {"ReLU": 0.752, "LeakyReLU": 0.767, "ELU": 0.759},
	})
	fmt.Print(table)
	fmt.Println("best:", best)
	// Output:
	// | | ReLU | Leaky ReLU | ELU |
	// |---|---|---|---|
	// | EEGNet | **85.30%** | 83.00% | 83.30% |
	// | DeepConvNet | 75.20% | 76.70% | 75.90% |
	// best: EEGNet/ReLU
}

// A network of one's own with an inception block (two branches joined on
// the channels) and a residual block with a projection, written with the
// front door's layers; its parameters keep torch's nested names.
func ExampleSeq() {
	conv := func(in, out, k int) eegkit.Conv2d {
		return eegkit.Conv2d{In: in, Out: out, Kernel: [2]int{1, k}, Padding: [2]int{0, k / 2}, Bias: true}
	}
	m := &eegkit.Model{Name: "Mine", Act: eegkit.ELU, Input: eegkit.LabInput, Blocks: []eegkit.Block{
		{Name: "stem", Layers: []eegkit.Layer{conv(1, 8, 25), eegkit.Conv2d{In: 8, Out: 8, Kernel: [2]int{2, 1}, Groups: 8}, eegkit.BatchNorm(8), eegkit.ELU}},
		{Layers: []eegkit.Layer{
			eegkit.Named{Name: "inception", Layer: eegkit.Concat{Branches: []eegkit.Layer{
				eegkit.Seq(conv(8, 4, 9), eegkit.BatchNorm(4), eegkit.ELU),
				eegkit.Seq(eegkit.Pool2d{Kernel: [2]int{1, 3}, Stride: [2]int{1, 1}, Padding: [2]int{0, 1}}, conv(8, 4, 1)),
			}}},
			eegkit.Named{Name: "res", Layer: eegkit.Residual{
				Body:     eegkit.Seq(eegkit.Named{Name: "conv1", Layer: conv(8, 12, 9)}, eegkit.Named{Name: "bn1", Layer: eegkit.BatchNorm(12)}),
				Shortcut: eegkit.Named{Name: "downsample", Layer: conv(8, 12, 1)},
			}},
			eegkit.ELU, eegkit.Pool2d{Kernel: [2]int{1, 10}},
		}},
		{Name: "classify", Layers: []eegkit.Layer{eegkit.Linear{Out: 2}}},
	}}
	built, err := m.Build()
	if err != nil {
		log.Fatal(err)
	}
	rows, _ := built.Summary()
	for _, r := range rows[4:9] {
		fmt.Printf("%-16s %v %d\n", r.Name, r.Output, r.Params)
	}
	fmt.Println(built.NumParams(), "parameters")
	// Output:
	// inception.0.0    [-1, 4, 1, 750] 292
	// inception.0.1    [-1, 4, 1, 750] 8
	// inception.0.2    [-1, 4, 1, 750] 0
	// inception.1.0    [-1, 8, 1, 750] 0
	// inception.1.1    [-1, 4, 1, 750] 36
	// 3386 parameters
}
