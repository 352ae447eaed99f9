package train

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"

	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/gomlx/gomlx/core/tensors"
)

// Dropout's masks are drawn here, on the host, and passed to a training
// step as inputs (nn.ForwardState.Masks): in the graph each mask took the
// backend's random bits and five element-wise passes to turn them into
// uniform values, a comparison and a selection, and its gradient another
// selection; as an input it is one product forward and one backward. The
// next step's masks are drawn while a step runs.
//
// The masks of step t depend only on the run's seed, t and the masks'
// shapes, so a resumed run (which restores the step count) draws the same
// masks, whether or not a step's masks were drawn ahead.

// maskDraw is a step's dropout masks, drawn in the background.
type maskDraw struct {
	step  int
	specs []nn.DropoutMask
	done  chan struct{}
	masks []*tensors.Tensor
}

// stepMasks are the dropout masks of training step step (counted from 1)
// of the model's first layers layers on a batch in parts. With prefetch it
// also starts drawing step+1's masks for parts of the same sizes, which the
// next call takes if it asks for them.
func (n *Net) stepMasks(layers, step int, parts [][]int, prefetch bool) ([]*tensors.Tensor, error) {
	sizes := make([]int, len(parts))
	for i, p := range parts {
		sizes[i] = len(p)
	}
	specs, err := n.Model.DropoutMasks(layers, sizes...)
	if err != nil || len(specs) == 0 {
		return nil, err
	}
	var masks []*tensors.Tensor
	if d := n.next; d != nil && d.step == step && slices.Equal(d.specs, specs) {
		<-d.done
		masks = d.masks
	} else {
		masks = drawMasks(n.seed, step, specs)
	}
	if prefetch {
		d := &maskDraw{step: step + 1, specs: specs, done: make(chan struct{})}
		seed := n.seed
		go func() {
			d.masks = drawMasks(seed, d.step, specs)
			close(d.done)
		}()
		n.next = d
	}
	return masks, nil
}

// drawMasks draws step's masks: mask i is filled (see fillMask) by a
// generator seeded from (seed, step, i) through splitmix64, so the masks
// are filled side by side on the cores and do not depend on the scheduling.
func drawMasks(seed uint64, step int, specs []nn.DropoutMask) []*tensors.Tensor {
	out := make([]*tensors.Tensor, len(specs))
	base := splitmix64(seed ^ splitmix64(uint64(step)))
	var wg sync.WaitGroup
	work := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(specs)) {
		wg.Go(func() {
			for i := range work {
				s := specs[i].Shape
				vals := make([]float32, s[0]*s[1]*s[2]*s[3])
				k := splitmix64(base + uint64(i))
				fillMask(vals, specs[i].P, rand.NewPCG(k, splitmix64(k)))
				out[i] = tensors.FromFlatDataAndDimensions(vals, s[:]...)
			}
		})
	}
	for i := range specs {
		work <- i
	}
	close(work)
	wg.Wait()
	return out
}

// splitmix64 is the finaliser of Vigna's SplitMix64, a bijective mix of 64
// bits, to seed independent generators from consecutive numbers.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// fillMask sets each value of vals to 1/(1−p) with probability 1−p and to 0
// otherwise: a value is kept where a 16-bit uniform value is at least
// p·2¹⁶ (rounded), so the probability is p's to within 2⁻¹⁷, and exact for
// the lab's 0.25 and 0.5. Each 64-bit draw of src gives four values, set
// without branches (a kept value is 1/(1−p)'s bits masked by all ones): a
// branch per value would be mispredicted half of the time.
func fillMask(vals []float32, p float64, src *rand.PCG) {
	threshold := uint64(math.Round(math.Min(p, 1) * (1 << 16)))
	keep := math.Float32bits(float32(1 / (1 - p)))
	if p >= 1 {
		keep = 0 // nothing is kept (PyTorch's Dropout(p=1) zeroes everything)
	}
	set := func(i int, u uint64) {
		kept := 1 ^ uint32((u-threshold)>>63) // u < threshold wraps around to a number with the top bit set
		vals[i] = math.Float32frombits(keep & -kept)
	}
	i := 0
	for ; i+4 <= len(vals); i += 4 {
		r := src.Uint64()
		set(i, r&0xffff)
		set(i+1, r>>16&0xffff)
		set(i+2, r>>32&0xffff)
		set(i+3, r>>48)
	}
	for r := src.Uint64(); i < len(vals); i, r = i+1, r>>16 {
		set(i, r&0xffff)
	}
}
