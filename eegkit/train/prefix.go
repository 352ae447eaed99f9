package train

import (
	"fmt"
	"strings"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/eegkit/eegkit/eegkit/nn"
)

// Prefix is a network's first K layers compiled in training mode on one
// batch, for a profile of where a training step's time goes: Run computes
// a weighted sum of their output (and, with backward, its gradient with
// respect to the weights those layers use), and RunObjective the weighted
// sum alone on an input of their output's shape, the part of Run's time
// that a real step does not spend. Close releases both graphs.
type Prefix struct {
	exec, obj     *graph.Exec
	args, objArgs []any
}

// Prefix compiles the first k layers of the network (k 0: none, a call's
// fixed cost) on the batch idx of the trials x with labels y, split in
// parts as a training step splits it.
func (n *Net) Prefix(k int, backward bool, x []float32, y []int32, idx []int) (*Prefix, error) {
	exec, args, err := n.prefixExec(k, backward, x, y, idx)
	if err != nil {
		return nil, err
	}
	obj, objArgs, err := objectiveExec(n, k, backward, n.splitParts(idx))
	if err != nil {
		exec.Finalize()
		return nil, err
	}
	return &Prefix{exec: exec, obj: obj, args: args, objArgs: objArgs}, nil
}

// Run runs the prefix once.
func (p *Prefix) Run() error { _, err := p.exec.Exec(p.args...); return err }

// RunObjective runs the prefix's objective alone once.
func (p *Prefix) RunObjective() error { _, err := p.obj.Exec(p.objArgs...); return err }

// Close releases the prefix's graphs.
func (p *Prefix) Close() { p.exec.Finalize(); p.obj.Finalize() }

// LayerNames are the state_dict prefixes and the printed modules of m's
// layers, in order: what a Prefix of k layers covers.
func LayerNames(m *nn.Model) (names, layers []string) {
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
	parts := n.splitParts(idx)
	used := map[string]bool{}
	names, _ := LayerNames(n.Model)
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
