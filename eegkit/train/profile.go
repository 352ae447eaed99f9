package train

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/eegkit/eegkit/eegkit/datasets"
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
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
func ProfileLayers(model string, act nn.Activation, batch, reps int) (*Profile, error) {
	if batch < 2 || reps < 1 {
		return nil, fmt.Errorf("profile: batch must be >= 2 and reps >= 1 (got %d, %d)", batch, reps)
	}
	m, err := models.New(model, act)
	if err != nil {
		return nil, err
	}
	net, err := NewNet(m, nn.InitWeights(m, 1), 1)
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
	cfg := TrainConfig{Model: m.Key(), Activation: act.Name(), Epochs: 1, Batch: batch, LR: 1e-3, Seed: 1}
	p := &Profile{Model: m.Name, Batch: batch}
	if p.Step, err = fastest(func() error { _, err := net.TrainStep(x, y, idx, cfg, cfg.LR); return err }); err != nil {
		return nil, err
	}
	prefix := func(k int, backward bool) (float64, error) {
		exec, args, err := net.prefixExec(k, backward, x, y, idx)
		if err != nil {
			return 0, err
		}
		defer exec.Finalize()
		t, err := fastest(func() error { _, err := exec.Exec(args...); return err })
		if err != nil {
			return 0, err
		}
		// Less the objective's own cost (the weighted sum of the prefix's
		// output, and its gradient), which the real step does not have.
		obj, objArgs, err := objectiveExec(net, k, backward, splitParts(idx))
		if err != nil {
			return 0, err
		}
		defer obj.Finalize()
		o, err := fastest(func() error { _, err := obj.Exec(objArgs...); return err })
		return t - o, err
	}
	if p.Input, err = prefix(0, false); err != nil {
		return nil, err
	}
	composed := m.ComposedPairs()
	names, layers := layerNames(m)
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

// layerNames are the state_dict prefixes and the printed modules of m's layers, in order.
func layerNames(m *nn.Model) (names, layers []string) {
	for _, b := range m.Blocks {
		for _, l := range b.Layers {
			layers = append(layers, fmt.Sprint(l))
		}
	}
	return m.LayerNames(), layers
}

// prefixExec builds the graph of the model's first k layers on the batch
// idx of x in training mode (split in parts as a training step is),
// returning a weighted sum of their output (see probe), and with backward also its gradient
// with respect to every weight those layers use; and the arguments to run it.
func (n *Net) prefixExec(k int, backward bool, x []float32, y []int32, idx []int) (*graph.Exec, []any, error) {
	np, nb := len(n.params), len(n.bufs)
	parts := splitParts(idx)
	used := map[string]bool{}
	names, _ := layerNames(n.Model)
	for _, name := range names[:k] {
		used[name+"."] = true
	}
	exec, err := graph.NewExec(n.backend, func(inputs []*graph.Node) []*graph.Node {
		xs := inputs[:len(parts)]
		rest := inputs[2*len(parts)+1:]
		params, bufs := rest[:np], rest[np:np+nb]
		f := &nn.ForwardState{Train: true, Values: n.values(xs[0].Graph(), params, bufs), Updates: map[string]*graph.Node{}, RNG: inputs[2*len(parts)],
			Masks: rest[np+nb:]}
		ys := n.Model.ForwardLayers(f, k, xs...)
		sums := make([]*graph.Node, len(ys))
		for i, y := range ys { // Σ y·r with r fixed random weights: the backward pass starts from dy = r, a tensor as in a real step
			sums[i] = graph.ReduceAllSum(graph.Mul(y, probe(y)))
		}
		obj := nn.SumNodes(sums)
		out := []*graph.Node{obj}
		if backward {
			var wrt []*graph.Node
			for i, p := range n.trainable {
				if usedBy(used, p.FullName) {
					wrt = append(wrt, params[i])
				}
			}
			if len(wrt) > 0 {
				out = append(out, graph.Gradient(obj, wrt...)...)
			}
		}
		return out
	})
	if err != nil {
		return nil, nil, err
	}
	masks, err := n.stepMasks(k, n.Steps+1, parts, false)
	if err != nil {
		return nil, nil, err
	}
	args := append(partsArgs(x, y, n.Model.Input, parts), n.rng)
	return exec, append(args, anySlice(n.params, n.bufs, masks)...), nil
}

// objectiveExec is the graph of prefixExec's objective alone, on inputs of
// the shape of the first k layers' output per part: their weighted sum and,
// with backward, its gradient.
func objectiveExec(n *Net, k int, backward bool, parts [][]int) (*graph.Exec, []any, error) {
	shape := n.Model.Input
	shape3, err := nn.OutShapeOf(&nn.Model{Name: n.Model.Name, Input: shape, Blocks: prefixBlocks(n.Model, k)})
	if err != nil {
		return nil, nil, err
	}
	exec, err := graph.NewExec(n.backend, func(inputs []*graph.Node) []*graph.Node {
		sums := make([]*graph.Node, len(inputs))
		for i, x := range inputs {
			sums[i] = graph.ReduceAllSum(graph.Mul(x, probe(x)))
		}
		obj := nn.SumNodes(sums)
		if !backward {
			return []*graph.Node{obj}
		}
		return append([]*graph.Node{obj}, graph.Gradient(obj, inputs...)...)
	})
	if err != nil {
		return nil, nil, err
	}
	var args []any
	for _, part := range parts {
		args = append(args, tensors.FromShape(shapes.Make(dtypes.Float32, shape3[0], shape3[1], len(part), shape3[2])))
	}
	return exec, args, nil
}

// probe is a constant of y's shape with values in [0.5, 1.5): the weights
// of the profile's objective Σ y·probe.
func probe(y *graph.Node) *graph.Node {
	v := make([]float32, y.Shape().Size())
	for i := range v {
		v[i] = 0.5 + float32(i%97)/97
	}
	return graph.Reshape(graph.Const(y.Graph(), v), y.Shape().Dimensions...)
}

// prefixBlocks are the blocks of m's first k layers.
func prefixBlocks(m *nn.Model, k int) []nn.Block {
	var out []nn.Block
	for _, b := range m.Blocks {
		if k == 0 {
			break
		}
		n := min(k, len(b.Layers))
		out = append(out, nn.Block{Name: b.Name, Layers: b.Layers[:n]})
		k -= n
	}
	return out
}

// usedBy says whether the parameter called full belongs to one of the layers whose prefixes ("block.i.") are in used.
func usedBy(used map[string]bool, full string) bool {
	for p := range used {
		if strings.HasPrefix(full, p) {
			return true
		}
	}
	return false
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
