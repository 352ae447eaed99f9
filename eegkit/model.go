package eegkit

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX models read best with the graph ops unqualified.
)

// Model is a network as the lab defines it: named blocks (PyTorch
// nn.Sequential attributes) of layers. Parameter names follow PyTorch's
// state_dict: block name, layer index, parameter name ("firstConv.0.weight").
type Model struct {
	Name   string     // "EEGNet" or "DeepConvNet"
	Act    Activation // the activation used in every block; -1 when the architecture has none of the three (ShallowFBCSPNet)
	Input  Shape3     // per-trial input shape, [1, 2, 750] in the lab
	Blocks []Block
}

// Block is one nn.Sequential of the lab's module.
type Block struct {
	Name   string
	Layers []Layer
}

// LabInput is the lab's per-trial input: one plane of 2 bipolar channels × 750 samples.
var LabInput = Shape3{1, eeg.Channels, eeg.Samples}

// EEGNetOptions are the lab EEGNet's architecture keywords (braindecode's
// names where it has them); DefaultEEGNetOptions gives the lab's values.
type EEGNetOptions struct {
	F1              int        // temporal filters (16)
	D               int        // depth multiplier of the depthwise spatial convolution (2)
	F2              int        // filters of the separable convolution; 0 is F1·D (32)
	KernelLength    int        // temporal kernel, odd, padded by half (51)
	SeparableLength int        // kernel of the separable convolution, odd (15)
	Pool1, Pool2    int        // average-pooling widths (4, 8)
	DropProb        float64    // dropout after each pooling (0.25)
	Activation      Activation // the nonlinearity after each BatchNorm but the first
}

// DefaultEEGNetOptions are the lab's EEGNet with activation act.
func DefaultEEGNetOptions(act Activation) EEGNetOptions {
	return EEGNetOptions{F1: 16, D: 2, KernelLength: 51, SeparableLength: 15, Pool1: 4, Pool2: 8, DropProb: 0.25, Activation: act}
}

// EEGNet builds the lab's EEGNet (Figure 1 of the lab) with the given activation.
func EEGNet(act Activation) *Model {
	m, err := EEGNetWith(DefaultEEGNetOptions(act))
	if err != nil {
		panic(err) // the lab's options always fit its input
	}
	return m
}

// EEGNetWith builds the lab's EEGNet with other architecture keywords, for
// the lab's input; the classifier's input size follows from them.
func EEGNetWith(o EEGNetOptions) (*Model, error) {
	f2 := o.F2
	if f2 == 0 {
		f2 = o.F1 * o.D
	}
	return (&Model{Name: "EEGNet", Act: o.Activation, Input: LabInput, Blocks: []Block{
		{"firstConv", []Layer{
			Conv2d{In: 1, Out: o.F1, Kernel: [2]int{1, o.KernelLength}, Padding: [2]int{0, o.KernelLength / 2}},
			BatchNorm(o.F1),
		}},
		{"depthwiseConv", []Layer{
			Conv2d{In: o.F1, Out: o.F1 * o.D, Kernel: [2]int{eeg.Channels, 1}, Groups: o.F1},
			BatchNorm(o.F1 * o.D),
			o.Activation,
			AvgPool2d(1, o.Pool1),
			Dropout{P: o.DropProb},
		}},
		{"separableConv", []Layer{
			Conv2d{In: o.F1 * o.D, Out: f2, Kernel: [2]int{1, o.SeparableLength}, Padding: [2]int{0, o.SeparableLength / 2}},
			BatchNorm(f2),
			o.Activation,
			AvgPool2d(1, o.Pool2),
			Dropout{P: o.DropProb},
		}},
		{"classify", []Layer{
			Linear{Out: 2}, // in_features: 736 for the lab's keywords
		}},
	}}).Build()
}

// DeepConvNet builds the lab's DeepConvNet (Figure 2 of the lab) with the given activation.
func DeepConvNet(act Activation) *Model {
	block := func(name string, in, out int) Block {
		return Block{name, []Layer{
			Conv2d{In: in, Out: out, Kernel: [2]int{1, 5}, Bias: true},
			BatchNorm(out),
			act,
			MaxPool2d(1, 2),
			Dropout{P: 0.5},
		}}
	}
	return &Model{Name: "DeepConvNet", Act: act, Input: LabInput, Blocks: []Block{
		{"firstConv", []Layer{
			Conv2d{In: 1, Out: 25, Kernel: [2]int{1, 5}, Bias: true},
			Conv2d{In: 25, Out: 25, Kernel: [2]int{2, 1}, Bias: true},
			BatchNorm(25),
			act,
			MaxPool2d(1, 2),
			Dropout{P: 0.5},
		}},
		block("secondConv", 25, 50),
		block("thirdConv", 50, 100),
		block("fourthConv", 100, 200),
		{"classify", []Layer{
			Linear{In: 8600, Out: 2},
		}},
	}}
}

// ModelNames lists the lab's models, as used on the command line.
var ModelNames = []string{"eegnet", "deepconvnet"}

// ZooNames lists the models beyond the lab's, braindecode's, built for the
// lab's input (2 channels × 750 samples, 2 classes) by NewModel.
var ZooNames = []string{"shallowfbcspnet", "eegnetv4"}

// NewModel builds a model by name (any case): the lab's "eegnet" or
// "deepconvnet" with activation act (NoActivation is ELU), or one of the
// zoo's for the lab's input: "eegnetv4" (act replaces its ELU; NoActivation
// keeps it) or "shallowfbcspnet" (its nonlinearity is fixed: act must be
// NoActivation).
func NewModel(name string, act Activation) (*Model, error) {
	lab := act
	if act == NoActivation {
		lab = ELU
	}
	switch normalizeName(name) {
	case "eegnet":
		return EEGNet(lab), nil
	case "deepconvnet", "deepconv":
		return DeepConvNet(lab), nil
	case "eegnetv4":
		o := DefaultEEGNetV4Options()
		o.Activation = lab
		return EEGNetV4(eeg.Channels, 2, eeg.Samples, o)
	case "shallowfbcspnet", "shallow":
		if act != NoActivation {
			return nil, fmt.Errorf("shallowfbcspnet's nonlinearity is fixed (square, then log after pooling): leave the activation (--act) out")
		}
		return ShallowFBCSPNet(eeg.Channels, 2, eeg.Samples, DefaultShallowFBCSPNetOptions())
	}
	return nil, fmt.Errorf("unknown model %q: use eegnet, deepconvnet, eegnetv4 or shallowfbcspnet", name)
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
// probability set to p (0 disables dropout).
func (m *Model) WithDropout(p float64) *Model {
	c := *m
	c.Blocks = make([]Block, len(m.Blocks))
	for i, b := range m.Blocks {
		layers := make([]Layer, len(b.Layers))
		for j, l := range b.Layers {
			switch d := l.(type) {
			case Dropout:
				l = Dropout{P: p}
			case Named:
				if _, ok := d.Layer.(Dropout); ok {
					l = Named{Name: d.Name, Layer: Dropout{P: p}}
				}
			}
			layers[j] = l
		}
		c.Blocks[i] = Block{Name: b.Name, Layers: layers}
	}
	return &c
}

// layerPrefix is the state_dict prefix of layer i of block b: "block.i.",
// or "block.name." for a Named layer; a block without a name adds nothing
// ("name.", as braindecode's modules are attributes of the model).
func layerPrefix(b Block, i int) string {
	name := strconv.Itoa(i)
	if n, ok := b.Layers[i].(Named); ok {
		name = n.Name
	}
	if b.Name == "" {
		return name + "."
	}
	return b.Name + "." + name + "."
}

// Build checks that the layers fit together on the model's input, fills in
// the input size of every Linear whose In is 0 (no hand-computed 736), and
// requires the output to be one value per class, [K, 1, 1]. It returns the
// completed model; m itself is not changed.
func (m *Model) Build() (*Model, error) {
	c := *m
	c.Blocks = make([]Block, len(m.Blocks))
	shape := m.Input
	for bi, b := range m.Blocks {
		c.Blocks[bi] = Block{Name: b.Name, Layers: append([]Layer(nil), b.Layers...)}
		for i, l := range c.Blocks[bi].Layers {
			switch lin := l.(type) {
			case Linear:
				if lin.In == 0 {
					lin.In = shape.Size()
					c.Blocks[bi].Layers[i] = lin
				}
			case Named:
				if inner, ok := lin.Layer.(Linear); ok && inner.In == 0 {
					inner.In = shape.Size()
					c.Blocks[bi].Layers[i] = Named{Name: lin.Name, Layer: inner}
				}
			}
			out, err := c.Blocks[bi].Layers[i].OutShape(shape)
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
	shape, err := outShapeOf(m)
	if err != nil {
		return 0
	}
	return shape[0]
}

// outShapeOf is the per-trial output shape of m's layers.
func outShapeOf(m *Model) (Shape3, error) {
	shape := m.Input
	for _, b := range m.Blocks {
		for i, l := range b.Layers {
			out, err := l.OutShape(shape)
			if err != nil {
				return Shape3{}, fmt.Errorf("%s %s (input %v): %w", m.Name, strings.TrimSuffix(layerPrefix(b, i), "."), shape, err)
			}
			shape = out
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
		if p.Kind.Trainable() {
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

// Summary lists each layer with its output shape and trainable parameter count,
// or an error if the layers do not fit together.
func (m *Model) Summary() ([]LayerInfo, error) {
	var rows []LayerInfo
	shape := m.Input
	for _, b := range m.Blocks {
		for i, l := range b.Layers {
			out, err := l.OutShape(shape)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", m.Name, strings.TrimSuffix(layerPrefix(b, i), "."), err)
			}
			n := 0
			for _, p := range l.Params() {
				if p.Kind.Trainable() {
					n += p.Size()
				}
			}
			rows = append(rows, LayerInfo{Name: strings.TrimSuffix(layerPrefix(b, i), "."), Layer: l.String(), Output: out, Params: n})
			shape = out
		}
	}
	return rows, nil
}

// SummaryTable renders the summary as a fixed-width table, ending with the total.
func (m *Model) SummaryTable() (string, error) {
	rows, err := m.Summary()
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s%s, input %s\n", m.Name, m.actNote(), m.Input)
	const rule = 16 + 1 + 82 + 1 + 18 + 1 + 8
	fmt.Fprintf(&sb, "%-16s %-82s %-18s %8s\n", "Layer", "Module", "Output shape", "Params")
	sb.WriteString(strings.Repeat("-", rule) + "\n")
	for _, r := range rows {
		out := r.Output.String()
		if strings.HasPrefix(r.Layer, "Linear") {
			out = fmt.Sprintf("[-1, %d]", r.Output[0]) // the classifier's output is flat, as in PyTorch
		}
		fmt.Fprintf(&sb, "%-16s %-82s %-18s %8d\n", r.Name, r.Layer, out, r.Params)
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
		out := r.Output.String()
		if strings.HasPrefix(r.Layer, "Linear") {
			out = fmt.Sprintf("[-1, %d]", r.Output[0])
		}
		fmt.Fprintf(&sb, "| %s | `%s` | `%s` | %d |\n", r.Name, r.Layer, out, r.Params)
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

// forwardPass holds what a graph needs while the model is applied.
type forwardPass struct {
	train   bool
	values  map[string]*Node // parameters and buffers by full name
	updates map[string]*Node // new buffer values (training only)
	rng     *Node            // random state for dropout (training only)
}

func (f *forwardPass) value(name string) *Node {
	v, ok := f.values[name]
	if !ok {
		panic(fmt.Errorf("eegkit: parameter %q is missing", name))
	}
	return v
}

func (f *forwardPass) uniform(shape shapes.Shape) *Node {
	var u *Node
	f.rng, u = RandomUniform(f.rng, shape)
	return u
}

// forward applies the model to a batch given in parts, each laid out
// [1, H, N_i, W], and returns the logits [N_i, classes] of each part. The
// parts go through the layers side by side and meet only in BatchNorm's
// batch statistics, so the backend can run them on different cores: one
// training step then uses two cores where a single batch keeps one busy.
// Consecutive layers that compose into a cheaper one (see composable) are
// applied as their composition.
func (m *Model) forward(f *forwardPass, parts ...*Node) []*Node {
	xs := append([]*Node(nil), parts...)
	for _, b := range m.Blocks {
		for i := 0; i < len(b.Layers); i++ {
			l := b.Layers[i]
			p := &Pass{prefix: layerPrefix(b, i), f: f}
			if i+1 < len(b.Layers) {
				if next, ok := composable(l, b.Layers[i+1], xs[0].Shape().Dimensions); ok {
					p2 := &Pass{prefix: layerPrefix(b, i+1), f: f}
					xs = temporalSpatialConv(l.(Conv2d), next, p, p2, xs)
					i++
					continue
				}
			}
			if n, ok := l.(Named); ok {
				l = n.Layer // its name is in p's prefix
			}
			if pl, ok := l.(PartsLayer); ok {
				xs = pl.ForwardParts(p, xs)
				continue
			}
			for j, x := range xs {
				xs[j] = l.Forward(p, x)
			}
		}
	}
	out := make([]*Node, len(xs))
	for i, x := range xs {
		d := x.Shape().Dimensions // [classes, 1, N, 1]
		out[i] = TransposeAllAxes(Reshape(x, d[0], d[2]), 1, 0)
	}
	return out
}
