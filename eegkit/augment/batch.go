package augment

import "math/rand/v2"

// Batch is the training batch a Transform changes in place: N trials of C
// channels × T samples (X, row-major per trial) with their classes Y out of K.
// Targets, once a transform mixes labels (Mixup), are N·K class weights.
type Batch struct {
	X       []float32
	Y       []int32
	N, C, T int
	K       int
	Targets []float32
}

// Trial is trial i's C·T values, sharing memory with b.X.
func (b *Batch) Trial(i int) []float32 { return b.X[i*b.C*b.T : (i+1)*b.C*b.T] }

// targets returns the batch's soft targets, one-hot from Y when no
// transform mixed them yet.
func (b *Batch) targets() []float32 {
	if b.Targets == nil {
		b.Targets = make([]float32, b.N*b.K)
		for i, y := range b.Y {
			b.Targets[i*b.K+int(y)] = 1
		}
	}
	return b.Targets
}

// A Transform changes a batch in place, drawing from rng.
type Transform interface {
	// Name is the transform with its parameters in Parse's grammar
	// ("noise:0.1:0.5"), so that the same name means the same transform.
	Name() string
	Transform(b *Batch, rng *rand.Rand)
}

// chosen draws, for each trial, whether a transform of probability p
// changes it.
func chosen(n int, p float64, rng *rand.Rand) []bool {
	out := make([]bool, n)
	for i := range out {
		out[i] = rng.Float64() < p
	}
	return out
}
