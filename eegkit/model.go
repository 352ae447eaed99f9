package eegkit

import (
	"fmt"
	"strings"

	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX models read best with the graph ops unqualified.
)

// Model is a network as the lab defines it: named blocks (PyTorch
// nn.Sequential attributes) of layers. Parameter names follow PyTorch's
// state_dict: block name, layer index, parameter name ("firstConv.0.weight").
type Model struct {
	Name   string     // "EEGNet" or "DeepConvNet"
	Act    Activation // the activation used in every block
	Input  Shape3     // per-trial input shape, [1, 2, 750] in the lab
	Blocks []Block
}

// Block is one nn.Sequential of the lab's module.
type Block struct {
	Name   string
	Layers []Layer
}

// LabInput is the lab's per-trial input: one plane of 2 bipolar channels × 750 samples.
var LabInput = Shape3{1, Channels, Samples}

// EEGNet builds the lab's EEGNet (Figure 1 of the lab) with the given activation.
func EEGNet(act Activation) *Model {
	return &Model{Name: "EEGNet", Act: act, Input: LabInput, Blocks: []Block{
		{"firstConv", []Layer{
			Conv2d{In: 1, Out: 16, Kernel: [2]int{1, 51}, Padding: [2]int{0, 25}},
			BatchNorm(16),
		}},
		{"depthwiseConv", []Layer{
			Conv2d{In: 16, Out: 32, Kernel: [2]int{2, 1}, Groups: 16},
			BatchNorm(32),
			act,
			AvgPool2d(1, 4),
			Dropout{P: 0.25},
		}},
		{"separableConv", []Layer{
			Conv2d{In: 32, Out: 32, Kernel: [2]int{1, 15}, Padding: [2]int{0, 7}},
			BatchNorm(32),
			act,
			AvgPool2d(1, 8),
			Dropout{P: 0.25},
		}},
		{"classify", []Layer{
			Linear{In: 736, Out: 2},
		}},
	}}
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

// ModelNames lists the models eegkit builds, as used on the command line.
var ModelNames = []string{"eegnet", "deepconvnet"}

// NewModel builds a model by name ("eegnet" or "deepconvnet", any case).
func NewModel(name string, act Activation) (*Model, error) {
	switch normalizeName(name) {
	case "eegnet":
		return EEGNet(act), nil
	case "deepconvnet", "deepconv":
		return DeepConvNet(act), nil
	}
	return nil, fmt.Errorf("unknown model %q: use eegnet or deepconvnet", name)
}

// Key is the model's short name, "eegnet" or "deepconvnet".
func (m *Model) Key() string { return strings.ToLower(m.Name) }

// WithDropout returns a copy of the model with every Dropout layer's
// probability set to p (0 disables dropout).
func (m *Model) WithDropout(p float64) *Model {
	c := *m
	c.Blocks = make([]Block, len(m.Blocks))
	for i, b := range m.Blocks {
		layers := make([]Layer, len(b.Layers))
		for j, l := range b.Layers {
			if _, ok := l.(Dropout); ok {
				l = Dropout{P: p}
			}
			layers[j] = l
		}
		c.Blocks[i] = Block{Name: b.Name, Layers: layers}
	}
	return &c
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
				out = append(out, NamedParam{p, fmt.Sprintf("%s.%d.%s", b.Name, i, p.Name)})
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
				return nil, fmt.Errorf("%s %s.%d: %w", m.Name, b.Name, i, err)
			}
			n := 0
			for _, p := range l.Params() {
				if p.Kind.Trainable() {
					n += p.Size()
				}
			}
			rows = append(rows, LayerInfo{Name: fmt.Sprintf("%s.%d", b.Name, i), Layer: l.String(), Output: out, Params: n})
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
	fmt.Fprintf(&sb, "%s (activation %s), input %s\n", m.Name, m.Act.Label(), m.Input)
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
	fmt.Fprintf(&sb, "**%s** (activation %s), input `%s`\n\n", m.Name, m.Act.Label(), m.Input)
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
			p := layerParams{prefix: fmt.Sprintf("%s.%d.", b.Name, i), f: f}
			if i+1 < len(b.Layers) {
				if next, ok := composable(l, b.Layers[i+1], xs[0].Shape().Dimensions); ok {
					p2 := layerParams{prefix: fmt.Sprintf("%s.%d.", b.Name, i+1), f: f}
					xs = temporalSpatialConv(l.(Conv2d), next, p, p2, xs)
					i++
					continue
				}
			}
			if pl, ok := l.(partsLayer); ok {
				xs = pl.forwardParts(f, p, xs)
				continue
			}
			for j, x := range xs {
				xs[j] = l.forward(f, p, x)
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
