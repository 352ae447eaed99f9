package nn

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX models read best with the graph ops unqualified.
)

// Model is a network of named blocks (PyTorch nn.Sequential attributes) of
// layers, applied in order to trials of shape Input. Parameter names follow
// PyTorch's state_dict: block name, layer index, parameter name
// ("firstConv.0.weight").
type Model struct {
	Name   string     // "EEGNet", "ShallowFBCSPNet", …
	Act    Activation // the activation its blocks use; NoActivation when the architecture fixes its nonlinearity
	Input  Shape3     // per-trial input shape: [1, channels, samples]
	Blocks []Block
}

// Block is one nn.Sequential of a model's module.
type Block struct {
	Name   string
	Layers []Layer
}

// Key is the model's short name: its Name in lower case, letters and digits only ("eegnet").
func (m *Model) Key() string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return -1
	}, m.Name)
}

// WithDropout returns a copy of the model with every Dropout layer's
// probability, and every attention's dropout, set to p (0 disables
// dropout), inside containers too.
func (m *Model) WithDropout(p float64) *Model {
	c := *m
	c.Blocks = make([]Block, len(m.Blocks))
	for i, b := range m.Blocks {
		layers := make([]Layer, len(b.Layers))
		for j, l := range b.Layers {
			layers[j] = mapTree(l, func(l Layer) Layer {
				switch a := l.(type) {
				case Dropout:
					a.P = p
					return a
				case MultiHeadAttention:
					a.Dropout = p
					return a
				}
				return l
			})
		}
		c.Blocks[i] = Block{Name: b.Name, Layers: layers}
	}
	return &c
}

// mapTree is l with every layer inside it (a container's children at
// every depth, then l itself; a Named one's inner layer) replaced by f of
// it.
func mapTree(l Layer, f func(Layer) Layer) Layer {
	if n, ok := l.(Named); ok {
		return Named{Name: n.Name, Layer: mapTree(n.Layer, f)}
	}
	if c, ok := l.(Container); ok {
		children := make([]Layer, len(c.Children()))
		for i, child := range c.Children() {
			children[i] = mapTree(child, f)
		}
		l = c.WithChildren(children)
	}
	return f(l)
}

// layerPrefix is the state_dict prefix of layer i of block b: "block.i.",
// or "block.name." for a Named layer; a block without a name adds nothing
// ("name.", as braindecode's modules are attributes of the model).
func layerPrefix(b Block, i int) string {
	name := strconv.Itoa(i)
	if n, ok := b.Layers[i].(Named); ok {
		name = n.Name
	}
	switch {
	case name == "" && b.Name == "": // a container whose children are the model's attributes
		return ""
	case name == "":
		return b.Name + "."
	case b.Name == "":
		return name + "."
	}
	return b.Name + "." + name + "."
}

// LayerNames are the layers' state_dict prefixes without the final dot
// ("firstConv.0", "conv_temporal"), through the blocks in order.
func (m *Model) LayerNames() []string {
	var out []string
	for _, b := range m.Blocks {
		for i := range b.Layers {
			out = append(out, strings.TrimSuffix(layerPrefix(b, i), "."))
		}
	}
	return out
}

// Build checks that the layers fit together on the model's input, fills in
// the input size of every Linear whose In is 0 (no hand-computed 736), and
// requires the output to be one value per class, [K, 1, 1]. It returns the
// completed model; m itself is not changed.
func (m *Model) Build() (*Model, error) {
	c := *m
	c.Blocks = make([]Block, len(m.Blocks))
	shape := m.Input
	fill := func(l Layer, in Shape3) (Layer, error) {
		if lin, ok := l.(Linear); ok && lin.In == 0 {
			lin.In = in.Size()
			return lin, nil
		}
		return l, nil
	}
	for bi, b := range m.Blocks {
		c.Blocks[bi] = Block{Name: b.Name, Layers: append([]Layer(nil), b.Layers...)}
		for i, l := range c.Blocks[bi].Layers {
			filled, err := mapLayers(l, shape, fill)
			if err != nil {
				return nil, fmt.Errorf("%s %s (input %v): %w", m.Name, strings.TrimSuffix(layerPrefix(c.Blocks[bi], i), "."), shape, err)
			}
			c.Blocks[bi].Layers[i] = filled
			out, err := filled.OutShape(shape)
			if err != nil {
				return nil, fmt.Errorf("%s %s (input %v): %w", m.Name, strings.TrimSuffix(layerPrefix(c.Blocks[bi], i), "."), shape, err)
			}
			shape = out
		}
	}
	if shape[1] != 1 || shape[2] != 1 || shape[0] < 2 {
		return nil, fmt.Errorf("%s: the output is %v per trial; a classifier must end in one value per class, [-1, K ≥ 2, 1, 1] (end with a Linear or a convolution as wide as its input)", m.Name, shape)
	}
	return &c, nil
}

// Classes is the number of outputs per trial (the last layer's channels),
// 0 if the layers do not fit together.
func (m *Model) Classes() int {
	shape, err := OutShapeOf(m)
	if err != nil {
		return 0
	}
	return shape[0]
}

// OutShapeOf is the per-trial output shape of m's layers.
func OutShapeOf(m *Model) (Shape3, error) { return m.eachLayer(nil) }

// eachLayer calls visit (when not nil) for each of m's layers in order,
// with its block, its index there, its position k counted through the
// blocks and its per-trial input and output shapes, and returns the
// model's output shape. The first layer that rejects its input ends the
// walk with an error that names it.
func (m *Model) eachLayer(visit func(b Block, i, k int, in, out Shape3)) (Shape3, error) {
	shape, k := m.Input, 0
	for _, b := range m.Blocks {
		for i, l := range b.Layers {
			out, err := l.OutShape(shape)
			if err != nil {
				return Shape3{}, fmt.Errorf("%s %s (input %v): %w", m.Name, strings.TrimSuffix(layerPrefix(b, i), "."), shape, err)
			}
			if visit != nil {
				visit(b, i, k, shape, out)
			}
			shape, k = out, k+1
		}
	}
	return shape, nil
}

// NamedParam is a ParamSpec with its full state_dict name.
type NamedParam struct {
	ParamSpec
	FullName string
}

// Params lists every parameter and buffer in state_dict order.
func (m *Model) Params() []NamedParam {
	var out []NamedParam
	for _, b := range m.Blocks {
		for i, l := range b.Layers {
			for _, p := range l.Params() {
				out = append(out, NamedParam{p, layerPrefix(b, i) + p.Name})
			}
		}
	}
	return out
}

// NumParams counts the trainable parameters, as
// sum(p.numel() for p in model.parameters()) does.
func (m *Model) NumParams() int {
	n := 0
	for _, p := range m.Params() {
		if p.Trainable() {
			n += p.Size()
		}
	}
	return n
}

// LayerInfo is one row of a model summary.
type LayerInfo struct {
	Name   string // "firstConv.0"
	Layer  string // PyTorch's description of the module
	Output Shape3
	Params int // trainable parameters
}

// Summary lists each layer with its output shape and trainable parameter
// count (the layers inside a container each on a row of its own, by
// their full names), or an error if the layers do not fit together.
func (m *Model) Summary() ([]LayerInfo, error) {
	var rows []LayerInfo
	var werr error
	_, err := m.eachLayer(func(b Block, i, _ int, in, _ Shape3) {
		if werr != nil {
			return
		}
		werr = walkLayers(b.Layers[i], layerPrefix(b, i), in, func(prefix string, l Layer, _, out Shape3) {
			n := 0
			for _, p := range l.Params() {
				if p.Trainable() {
					n += p.Size()
				}
			}
			rows = append(rows, LayerInfo{Name: strings.TrimSuffix(prefix, "."), Layer: l.String(), Output: out, Params: n})
		})
	})
	if err == nil {
		err = werr
	}
	return rows, err
}

// shape is the row's output shape as PyTorch prints it: flat, [-1, K],
// after a Linear that flattens the trial.
func (r LayerInfo) shape() string {
	if strings.HasPrefix(r.Layer, "Linear") && r.Output[1] == 1 && r.Output[2] == 1 {
		return fmt.Sprintf("[-1, %d]", r.Output[0])
	}
	return r.Output.String()
}

// SummaryTable renders the summary as a fixed-width table, ending with the total.
func (m *Model) SummaryTable() (string, error) {
	rows, err := m.Summary()
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s%s, input %s\n", m.Name, m.actNote(), m.Input)
	width := 16 // the names' column: as wide as the longest (nested layers' names are long)
	for _, r := range rows {
		width = max(width, len(r.Name))
	}
	rule := width + 1 + 82 + 1 + 18 + 1 + 8
	fmt.Fprintf(&sb, "%-*s %-82s %-18s %8s\n", width, "Layer", "Module", "Output shape", "Params")
	sb.WriteString(strings.Repeat("-", rule) + "\n")
	for _, r := range rows {
		fmt.Fprintf(&sb, "%-*s %-82s %-18s %8d\n", width, r.Name, r.Layer, r.shape(), r.Params)
	}
	sb.WriteString(strings.Repeat("-", rule) + "\n")
	fmt.Fprintf(&sb, "Total trainable parameters: %d\n", m.NumParams())
	return sb.String(), nil
}

// SummaryMarkdown renders the summary as a Markdown table for a notebook:
// unlike SummaryTable's fixed 127 columns, it wraps to the window's width.
func (m *Model) SummaryMarkdown() (string, error) {
	rows, err := m.Summary()
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "**%s**%s, input `%s`\n\n", m.Name, m.actNote(), m.Input)
	sb.WriteString("| layer | module | output shape | params |\n|---|---|---|---:|\n")
	for _, r := range rows {
		fmt.Fprintf(&sb, "| %s | `%s` | `%s` | %d |\n", r.Name, r.Layer, r.shape(), r.Params)
	}
	fmt.Fprintf(&sb, "\nTotal trainable parameters: %d\n", m.NumParams())
	return sb.String(), nil
}

// actNote is " (activation ELU)" for a model with one activation, else "".
func (m *Model) actNote() string {
	if m.Act < 0 {
		return ""
	}
	return " (activation " + m.Act.Label() + ")"
}

// ForwardState is what one application of a model in a GoMLX graph needs:
// the parameters and buffers by state_dict name, whether it trains and,
// when it does, the random state of dropout and the new buffer values.
type ForwardState struct {
	Train   bool
	Values  map[string]*Node // parameters and buffers by full name
	Updates map[string]*Node // new buffer values (training only)
	RNG     *Node            // random state for Pass.Uniform (training only)
	// Masks are the dropout masks, in the order of Model.DropoutMasks,
	// each [C, H, N_i, W] of 0 and 1/(1−P) (training only). Without them
	// Dropout draws its masks from RNG in the graph, which takes the
	// random bits and five element-wise passes per mask on the Go
	// backend; with them it is one product forward and one backward.
	Masks []*Node
	used  int // masks taken
}

func (f *ForwardState) value(name string) *Node {
	v, ok := f.Values[name]
	if !ok {
		panic(fmt.Errorf("eegkit: parameter %q is missing", name))
	}
	return v
}

// nextMask is the next dropout mask, which must have x's shape.
func (f *ForwardState) nextMask(prefix string, want [4]int) *Node {
	if f.used >= len(f.Masks) {
		panic(fmt.Errorf("eegkit: %s needs dropout mask %d and the graph has %d (see Model.DropoutMasks)", prefix, f.used+1, len(f.Masks)))
	}
	m := f.Masks[f.used]
	if !slices.Equal(m.Shape().Dimensions, want[:]) {
		panic(fmt.Errorf("eegkit: %s's dropout mask %d is %s, want %v (see Model.DropoutMasks)", prefix, f.used+1, m.Shape(), want))
	}
	f.used++
	return m
}

// DropoutMask is one mask a training step of a model takes (see
// ForwardState.Masks): that of the Dropout layer Layer (its state_dict
// prefix, "firstConv.5") for one part of the batch, laid out
// [C, H, N_i, W], each value kept, as 1/(1−P), with probability 1−P.
type DropoutMask struct {
	Layer string
	P     float64
	Shape [4]int
}

// DropoutMasks lists the dropout masks a training step of the model's
// first n layers takes for a batch in parts of the given sizes, in the
// order the layers take them (layer by layer, part by part).
func (m *Model) DropoutMasks(n int, parts ...int) ([]DropoutMask, error) {
	var out []DropoutMask
	var werr error
	_, err := m.eachLayer(func(b Block, i, k int, in, _ Shape3) {
		if k >= n || werr != nil {
			return
		}
		werr = walkLayers(b.Layers[i], layerPrefix(b, i), in, func(prefix string, l Layer, in, _ Shape3) {
			if d, ok := l.(Dropout); ok && d.P > 0 {
				for _, size := range parts {
					out = append(out, DropoutMask{Layer: strings.TrimSuffix(prefix, "."), P: d.P, Shape: d.maskShape(in[0], in[1], size, in[2])})
				}
			}
		})
	})
	if err == nil {
		err = werr
	}
	return out, err
}

func (f *ForwardState) uniform(shape shapes.Shape) *Node {
	var u *Node
	f.RNG, u = RandomUniform(f.RNG, shape)
	return u
}

// Forward applies the model to a batch given in parts, each laid out
// [1, H, N_i, W], and returns the logits [N_i, classes] of each part. The
// parts go through the layers side by side and meet only in BatchNorm's
// batch statistics, so the backend can run them on different cores: one
// training step then uses two cores where a single batch keeps one busy.
// Consecutive layers that compose into a cheaper one (see composable) are
// applied as their composition.
func (m *Model) Forward(f *ForwardState, parts ...*Node) []*Node {
	xs := m.ForwardLayers(f, m.NumLayers(), parts...)
	out := make([]*Node, len(xs))
	for i, x := range xs {
		d := x.Shape().Dimensions // [classes, 1, N, 1]
		out[i] = TransposeAllAxes(Reshape(x, d[0], d[2]), 1, 0)
	}
	return out
}

// NumLayers is the number of layers of all the blocks.
func (m *Model) NumLayers() int {
	n := 0
	for _, b := range m.Blocks {
		n += len(b.Layers)
	}
	return n
}

// ComposedPairs says which layers (counted through the blocks in order)
// run composed with the next one (see Forward): DeepConvNet's first two
// convolutions, for instance.
func (m *Model) ComposedPairs() map[int]bool {
	out := map[int]bool{}
	// A layer that rejects its input ends the walk: the pairs before it stand.
	_, _ = m.eachLayer(func(b Block, i, k int, in, _ Shape3) {
		if i+1 < len(b.Layers) {
			if _, ok := composable(b.Layers[i], b.Layers[i+1], []int{in[0], in[1], 1, in[2]}); ok {
				out[k] = true
			}
		}
	})
	return out
}

// ForwardLayers applies the model's first n layers (counted through the
// blocks in order) to a batch given in parts, as Forward does, and returns
// each part's activation, laid out [C, H, N_i, W]: what a per-layer profile
// times (see train.Net.Prefix).
//
// In evaluation, a BatchNorm2d right after a convolution (or a composed
// pair) is folded into its weights (see affineFolder).
func (m *Model) ForwardLayers(f *ForwardState, n int, parts ...*Node) []*Node {
	xs := append([]*Node(nil), parts...)
	done := 0
	for _, b := range m.Blocks {
		for i := 0; i < len(b.Layers) && done < n; i++ {
			l := unnamed(b.Layers[i]) // its name is in p's prefix
			p := &Pass{prefix: layerPrefix(b, i), f: f}
			done++
			var pair *Conv2d
			var p2 *Pass
			if i+1 < len(b.Layers) && done < n {
				if next, ok := composable(b.Layers[i], b.Layers[i+1], xs[0].Shape().Dimensions); ok {
					pair, p2 = &next, &Pass{prefix: layerPrefix(b, i+1), f: f}
					i++
					done++
				}
			}
			var scale, shift *Node
			if bn := foldedBatchNorm(b, i, pair != nil); bn != nil && !f.Train && done < n {
				scale, shift = bn.evalAffine(&Pass{prefix: layerPrefix(b, i+1), f: f})
				i++
				done++
			}
			switch {
			case pair != nil:
				xs = temporalSpatialConv(l.(Conv2d), *pair, p, p2, xs, scale, shift)
			case scale != nil:
				for j, x := range xs {
					xs[j] = l.(affineFolder).forwardAffine(p, x, scale, shift)
				}
			default:
				if pl, ok := l.(PartsLayer); ok {
					xs = pl.ForwardParts(p, xs)
					continue
				}
				for j, x := range xs {
					xs[j] = l.Forward(p, x)
				}
			}
		}
	}
	return xs
}
