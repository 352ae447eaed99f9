package bench

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/eegkit/eegkit/eegkit/datasets"
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/train"
)

// LayerTime is one row of a per-layer profile: a layer (or two that run
// composed, "firstConv.0+1") and its forward and backward time per
// training step, in milliseconds.
type LayerTime struct {
	Name, Layer       string
	Forward, Backward float64
}

// Profile is where a training step's time goes, layer by layer.
type Profile struct {
	Model  string
	Batch  int
	Step   float64     // the fastest training step, ms (TrainStep: forward, backward, loss and Adam)
	Input  float64     // a graph of no layers: the fixed cost of a call, ms
	Layers []LayerTime // in the model's order
	Rest   float64     // the step's time not in Input or Layers: the loss, its gradient, Adam, the buffers, ms
}

// ProfileLayers measures where a training step of model at the given
// batch size goes, without an instrumented backend: it times the model's
// first k layers forward (in training mode), and forward with the backward
// pass of a weighted sum of their output to the weights, for every k, on
// random trials; a layer's time is the difference between the prefixes that
// end after it and before it (the fastest of reps runs each, less the
// objective's own time). The rows add up to the
// prefix of all layers; Rest is the step's time beyond it.
func ProfileLayers(dev train.Device, model string, act nn.Activation, batch, reps int) (*Profile, error) {
	if batch < 2 || reps < 1 {
		return nil, fmt.Errorf("profile: batch must be >= 2 and reps >= 1 (got %d, %d)", batch, reps)
	}
	m, err := models.New(model, act)
	if err != nil {
		return nil, err
	}
	net, err := train.NewNet(m, nn.InitWeights(m, 1), 1, dev)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(1, 1))
	x := make([]float32, batch*datasets.LabShape().TrialSize())
	for i := range x {
		x[i] = float32(5 * rng.NormFloat64())
	}
	y := make([]int32, batch)
	idx := make([]int, batch)
	for i := range idx {
		idx[i], y[i] = i, int32(rng.IntN(2))
	}
	// Each measurement is the fastest of reps runs: the least disturbed by
	// the rest of the machine, so that differences of prefixes are stable.
	fastest := func(run func() error) (float64, error) {
		if err := run(); err != nil { // compiles
			return 0, err
		}
		ts := make([]float64, reps)
		for i := range ts {
			t0 := time.Now()
			if err := run(); err != nil {
				return 0, err
			}
			ts[i] = time.Since(t0).Seconds() * 1000
		}
		sort.Float64s(ts)
		return ts[0], nil
	}
	cfg := train.TrainConfig{Model: m.Key(), Activation: act.Name(), Epochs: 1, Batch: batch, LR: 1e-3, Seed: 1}
	p := &Profile{Model: m.Name, Batch: batch}
	if p.Step, err = fastest(func() error { _, err := net.TrainStep(x, y, idx, cfg, cfg.LR); return err }); err != nil {
		return nil, err
	}
	prefix := func(k int, backward bool) (float64, error) {
		pre, err := net.Prefix(k, backward, x, y, idx)
		if err != nil {
			return 0, err
		}
		defer pre.Close()
		t, err := fastest(pre.Run)
		if err != nil {
			return 0, err
		}
		// Less the objective's own cost (the weighted sum of the prefix's
		// output, and its gradient), which the real step does not have.
		o, err := fastest(pre.RunObjective)
		return t - o, err
	}
	if p.Input, err = prefix(0, false); err != nil {
		return nil, err
	}
	composed := m.ComposedPairs()
	names, layers := train.LayerNames(m)
	lastF, lastB := p.Input, p.Input
	for k := 0; k < len(names); k++ {
		row := LayerTime{Name: names[k], Layer: layers[k]}
		if composed[k] {
			row.Name = names[k] + "+" + names[k+1][strings.LastIndex(names[k+1], ".")+1:]
			row.Layer += " + " + layers[k+1] + " (composed)"
			k++
		}
		f, err := prefix(k+1, false)
		if err != nil {
			return nil, err
		}
		fb, err := prefix(k+1, true)
		if err != nil {
			return nil, err
		}
		row.Forward, row.Backward = f-lastF, (fb-f)-(lastB-lastF)
		lastF, lastB = f, fb
		p.Layers = append(p.Layers, row)
	}
	p.Rest = p.Step - lastB
	return p, nil
}

// Table renders the profile as Markdown, with each row's share of the step
// and each block's total. A layer's row is a difference of two timings of
// whole graphs, so it moves by up to a few milliseconds between runs on a
// 2-core machine (a small layer can even come out negative); a block's
// total is steadier, and the rest, the step less the largest prefix, is
// the least certain.
func (p *Profile) Table() string {
	share := func(ms float64) string { return fmt.Sprintf("%.1f %%", 100*ms/p.Step) }
	var b strings.Builder
	fmt.Fprintf(&b, "%s, batch %d: a training step takes %.2f ms (the fastest of the runs)\n\n| layer | module | forward ms | backward ms | share of the step |\n|---|---|---|---|---|\n", p.Model, p.Batch, p.Step)
	fmt.Fprintf(&b, "| input | a graph of no layers: a call's fixed cost | %.3f | – | %s |\n", p.Input, share(p.Input))
	block := func(name string) string { return name[:strings.LastIndex(name, ".")+1] }
	var bf, bb float64
	for i, l := range p.Layers {
		fmt.Fprintf(&b, "| %s | %s | %.3f | %.3f | %s |\n", l.Name, l.Layer, l.Forward, l.Backward, share(l.Forward+l.Backward))
		bf, bb = bf+l.Forward, bb+l.Backward
		if i+1 == len(p.Layers) || block(p.Layers[i+1].Name) != block(l.Name) {
			// A block's rows are differences of prefixes a whole block apart: steadier than a layer's.
			fmt.Fprintf(&b, "| **%s** | the block | **%.3f** | **%.3f** | **%s** |\n", strings.TrimSuffix(block(l.Name), "."), bf, bb, share(bf+bb))
			bf, bb = 0, 0
		}
	}
	fmt.Fprintf(&b, "| rest | loss, its gradient, Adam, the running statistics | – | – | %s (%.3f ms) |\n", share(p.Rest), p.Rest)
	return b.String()
}
