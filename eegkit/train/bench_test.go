package train_test

import (
	"math/rand/v2"
	"testing"

	"github.com/eegkit/eegkit/eegkit/internal/synthtest"
	"github.com/eegkit/eegkit/eegkit/lab"
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/train"
)

// BenchmarkTrainEpoch times one training epoch (1080 trials, batch 64,
// shuffled, forward + backward + Adam, the last partial batch included) of
// each model: go test -bench TrainEpoch -run '^$' ./eegkit
func BenchmarkTrainEpoch(b *testing.B) {
	ld := synthtest.Load(b)
	for _, model := range lab.Models() {
		b.Run(model, func(b *testing.B) {
			cfg := train.TrainConfig{Model: model, Activation: "elu", Epochs: 1, Batch: 64, LR: 1e-3, Seed: 1}
			m, _ := cfg.BuildModel()
			net, err := train.NewNet(m, nn.InitWeights(m, 1), 1, testDevice(b))
			if err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			epoch := func() {
				perm := rng.Perm(ld.Train.Len())
				for s := 0; s < len(perm); s += cfg.Batch {
					if _, err := net.TrainStep(ld.Train.X, ld.Train.Y, perm[s:min(s+cfg.Batch, len(perm))], cfg, cfg.LR); err != nil {
						b.Fatal(err)
					}
				}
			}
			epoch() // compile both batch shapes
			b.ResetTimer()
			for range b.N {
				epoch()
			}
		})
	}
}

// BenchmarkEvaluate times evaluation (eval mode) of 1080 trials.
func BenchmarkEvaluate(b *testing.B) {
	ld := synthtest.Load(b)
	for _, model := range lab.Models() {
		b.Run(model, func(b *testing.B) {
			m, _ := models.New(model, nn.ELU)
			net, err := train.NewNet(m, nn.InitWeights(m, 1), 1, testDevice(b))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := net.Evaluate(ld.Test); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if _, err := net.Evaluate(ld.Test); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
