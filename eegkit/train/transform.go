package train

import (
	"math/rand/v2"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/nn"
)

// BatchTransform changes each training batch before its step: the hook
// that data augmentation plugs into. x holds len(y) trials of trial.Size()
// values each, laid out [C, H, W] per trial; it is a copy of the data, which
// Apply may change in place, labels included (a left/right mirror swaps the
// channels and the class). rng is the run's augmentation stream: seeded from
// the run's seed, saved in checkpoints, so that a resumed run draws what an
// uninterrupted one would.
type BatchTransform interface {
	// Name identifies the transform and its parameters
	// ("signflip:0.5"); it is the run's TrainConfig.Augment.
	Name() string
	Apply(x []float32, y []int32, trial nn.Shape3, rng *rand.Rand)
}

// A SoftTransform is a BatchTransform that may also mix the labels, as
// Mixup does: ApplySoft changes the batch as Apply does and returns each
// trial's class weights (len(y)·k values, summing to 1 per trial), which the
// loss then takes as soft targets, or nil when it mixed no labels.
type SoftTransform interface {
	BatchTransform
	ApplySoft(x []float32, y []int32, k int, trial nn.Shape3, rng *rand.Rand) []float32
}

// augmenter applies a BatchTransform to the batches of one run.
// With crops (cropped decoding), it cuts each trial's window of the model's
// length at an offset drawn from the same stream, before the transform.
type augmenter struct {
	t       BatchTransform
	src     *rand.PCG
	rng     *rand.Rand
	trial   nn.Shape3
	classes int
	crop    bool
}

func newAugmenter(t BatchTransform, seed uint64, trial nn.Shape3, classes, crop int) *augmenter {
	if t == nil && crop == 0 {
		return nil
	}
	src := rand.NewPCG(seed, 0x6175676d656e74) // "augment"
	return &augmenter{t: t, src: src, rng: rand.New(src), trial: trial, classes: classes, crop: crop > 0}
}

// batch returns the training step's inputs for trials idx of ds: ds's own
// arrays without a transform; otherwise a transformed copy of the batch
// (and its indices 0…len(idx)−1), with soft targets when a SoftTransform
// mixed the labels.
func (a *augmenter) batch(ds *eeg.Dataset, idx []int) ([]float32, []int32, []float32, []int) {
	if a == nil {
		return ds.X, ds.Y, nil, idx
	}
	size := a.trial.Size()
	x := make([]float32, 0, len(idx)*size)
	y := make([]int32, len(idx))
	local := make([]int, len(idx))
	c, t, w := ds.NChans(), ds.Times, a.trial[2]
	for i, j := range idx {
		trial := ds.Trial(j)
		if a.crop {
			o := a.rng.IntN(t - w + 1)
			for ch := range c {
				x = append(x, trial[ch*t+o:ch*t+o+w]...)
			}
		} else {
			x = append(x, trial...)
		}
		y[i], local[i] = ds.Y[j], i
	}
	if a.t == nil {
		return x, y, nil, local
	}
	if st, ok := a.t.(SoftTransform); ok {
		return x, y, st.ApplySoft(x, y, a.classes, a.trial, a.rng), local
	}
	a.t.Apply(x, y, a.trial, a.rng)
	return x, y, nil, local
}

// state is the augmentation stream's state for a checkpoint (nil without a transform).
func (a *augmenter) state() ([]byte, error) {
	if a == nil {
		return nil, nil
	}
	return a.src.MarshalBinary()
}

// restore puts a checkpoint's augmentation stream back.
func (a *augmenter) restore(state []byte) error {
	if a == nil {
		return nil
	}
	return a.src.UnmarshalBinary(state)
}
