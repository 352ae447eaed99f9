package augment

import (
	"math/rand/v2"
	"strings"

	"github.com/eegkit/eegkit/eegkit/nn"
)

// Pipeline applies its transforms in order. It is a train.BatchTransform
// and train.SoftTransform: Fit calls it on every training batch.
type Pipeline []Transform

// Name joins the transforms' names with commas.
func (p Pipeline) Name() string {
	names := make([]string, len(p))
	for i, t := range p {
		names[i] = t.Name()
	}
	return strings.Join(names, ",")
}

// Transform applies every transform to b.
func (p Pipeline) Transform(b *Batch, rng *rand.Rand) {
	for _, t := range p {
		t.Transform(b, rng)
	}
}

// Apply transforms the trials x (laid out [1, C, T] each) and labels y in place.
func (p Pipeline) Apply(x []float32, y []int32, trial nn.Shape3, rng *rand.Rand) {
	p.ApplySoft(x, y, 0, trial, rng)
}

// ApplySoft is Apply for k classes, returning the soft targets when a
// transform mixed the labels (nil otherwise).
func (p Pipeline) ApplySoft(x []float32, y []int32, k int, trial nn.Shape3, rng *rand.Rand) []float32 {
	b := &Batch{X: x, Y: y, N: len(y), C: trial[0] * trial[1], T: trial[2], K: k}
	p.Transform(b, rng)
	return b.Targets
}
