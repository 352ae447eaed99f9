package nn

import (
	"fmt"
	"strconv"
	"strings"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX models read best with the graph ops unqualified.
)

// Container is a layer made of layers: a sequence, parallel branches, a
// residual connection, or a type of your own. Its children keep PyTorch's
// nested state_dict names: child i's parameters are prefixed by its name
// (ChildName, or a Named child's own name) and a dot, or by nothing when
// the name is "" (the child's parameters are the container's, as the
// attributes of a torch module that the container stands for).
//
// Every Container is a PartsLayer: the parts of a batch go through each
// child together, so that a BatchNorm inside sees the whole batch.
type Container interface {
	PartsLayer
	// Children are the layers it holds, in the order of their parameters.
	Children() []Layer
	// ChildName is child i's name when it is not Named.
	ChildName(i int) string
	// ChildInputs are the per-trial input shapes of the children for the
	// container's input in, or an error when they do not fit together.
	ChildInputs(in Shape3) ([]Shape3, error)
	// WithChildren is the container holding children (as many, in the
	// same roles) instead of its own.
	WithChildren(children []Layer) Layer
}

// ChildPrefix is the state_dict prefix of a container's child i relative
// to the container: "name." or "" (see Container).
func ChildPrefix(c Container, i int) string { return childPrefix(c, i, "") }

// childPrefix is the state_dict prefix of a container's child i under
// the container's prefix.
func childPrefix(c Container, i int, prefix string) string {
	name := c.ChildName(i)
	if n, ok := c.Children()[i].(Named); ok {
		name = n.Name
	}
	if name == "" {
		return prefix
	}
	return prefix + name + "."
}

// Child is the pass of a layer held inside this one under name (its
// parameters are looked up as "name.weight" …): what a layer type of your
// own uses to apply an eegkit layer, a Conv2d say, inside its Forward.
// An empty name gives the child this layer's own parameter names.
func (p *Pass) Child(name string) *Pass {
	if name == "" {
		return p
	}
	return &Pass{prefix: p.prefix + name + ".", f: p.f}
}

// ForwardParts applies layer l to the parts of a batch (see PartsLayer):
// all at once when it is a PartsLayer, else part by part.
func ForwardParts(p *Pass, l Layer, xs []*Node) []*Node {
	l = unnamed(l)
	if pl, ok := l.(PartsLayer); ok {
		return pl.ForwardParts(p, xs)
	}
	out := make([]*Node, len(xs))
	for j, x := range xs {
		out[j] = l.Forward(p, x)
	}
	return out
}

// containerParams are the parameters of a container's children, named
// under their prefixes.
func containerParams(c Container) []ParamSpec {
	var out []ParamSpec
	for i, l := range c.Children() {
		prefix := childPrefix(c, i, "")
		for _, p := range l.Params() {
			p.Name = prefix + p.Name
			out = append(out, p)
		}
	}
	return out
}

// describe is PyTorch's printing of a module with children:
// "Sequential(Conv2d(…), ReLU())".
func describe(name string, c Container) string {
	var parts []string
	for _, l := range c.Children() {
		parts = append(parts, l.String())
	}
	return name + "(" + strings.Join(parts, ", ") + ")"
}

// Sequential is torch.nn.Sequential: its layers applied in order, their
// parameters named "0.weight", "1.bias", … (a Named layer by its name).
type Sequential struct {
	Layers []Layer `json:"-"`
}

// Seq is a Sequential of layers.
func Seq(layers ...Layer) Sequential { return Sequential{Layers: layers} }

func (s Sequential) Children() []Layer              { return s.Layers }
func (s Sequential) ChildName(i int) string         { return strconv.Itoa(i) }
func (s Sequential) String() string                 { return describe("Sequential", s) }
func (s Sequential) Params() []ParamSpec            { return containerParams(s) }
func (s Sequential) Forward(p *Pass, x *Node) *Node { return s.ForwardParts(p, []*Node{x})[0] }

func (s Sequential) WithChildren(children []Layer) Layer { return Sequential{Layers: children} }

func (s Sequential) ChildInputs(in Shape3) ([]Shape3, error) {
	out := make([]Shape3, len(s.Layers))
	for i, l := range s.Layers {
		out[i] = in
		next, err := l.OutShape(in)
		if err != nil {
			return nil, fmt.Errorf("%s (input %v): %w", strings.TrimSuffix(childPrefix(s, i, ""), "."), in, err)
		}
		in = next
	}
	return out, nil
}

func (s Sequential) OutShape(in Shape3) (Shape3, error) {
	ins, err := s.ChildInputs(in)
	if err != nil || len(ins) == 0 {
		return in, err
	}
	return s.Layers[len(ins)-1].OutShape(ins[len(ins)-1])
}

func (s Sequential) ForwardParts(p *Pass, xs []*Node) []*Node {
	for i, l := range s.Layers {
		xs = ForwardParts(p.Child(strings.TrimSuffix(childPrefix(s, i, ""), ".")), l, xs)
	}
	return xs
}

// Concat is parallel branches applied to the same input, their outputs
// joined along the channels (torch.cat(dim=1)), as an inception block:
// every branch must give the same height and width. Branch i's parameters
// are named "i.…" unless it is Named.
type Concat struct {
	Branches []Layer `json:"-"`
}

func (c Concat) Children() []Layer      { return c.Branches }
func (c Concat) ChildName(i int) string { return strconv.Itoa(i) }
func (c Concat) String() string         { return describe("Concat", c) }
func (c Concat) Params() []ParamSpec    { return containerParams(c) }
func (c Concat) Forward(p *Pass, x *Node) *Node {
	return c.ForwardParts(p, []*Node{x})[0]
}

func (c Concat) WithChildren(children []Layer) Layer { return Concat{Branches: children} }

func (c Concat) ChildInputs(in Shape3) ([]Shape3, error) {
	out := make([]Shape3, len(c.Branches))
	for i := range out {
		out[i] = in
	}
	return out, nil
}

func (c Concat) OutShape(in Shape3) (Shape3, error) {
	if len(c.Branches) == 0 {
		return in, fmt.Errorf("a Concat needs at least one branch")
	}
	outs, err := branchShapes(c, in)
	if err != nil {
		return in, err
	}
	out := outs[0]
	for i, s := range outs[1:] {
		if s[1] != out[1] || s[2] != out[2] {
			return in, fmt.Errorf("branch %s gives %v, branch 0 %v: the branches must agree in height and width to be concatenated", strings.TrimSuffix(childPrefix(c, i+1, ""), "."), s, out)
		}
		out[0] += s[0]
	}
	return out, nil
}

// branchShapes are the output shapes of the branches of c for input in.
func branchShapes(c Container, in Shape3) ([]Shape3, error) {
	out := make([]Shape3, len(c.Children()))
	for i, l := range c.Children() {
		s, err := l.OutShape(in)
		if err != nil {
			return nil, fmt.Errorf("branch %s: %w", strings.TrimSuffix(childPrefix(c, i, ""), "."), err)
		}
		out[i] = s
	}
	return out, nil
}

func (c Concat) ForwardParts(p *Pass, xs []*Node) []*Node {
	return joinBranches(p, c, xs, func(outs []*Node) *Node { return Concatenate(outs, 0) }) // [C, H, N, W]: the channels
}

// joinBranches applies each branch of c to the parts xs and joins the
// branches' outputs of each part.
func joinBranches(p *Pass, c Container, xs []*Node, join func(outs []*Node) *Node) []*Node {
	branches := c.Children()
	outs := make([][]*Node, len(branches))
	for i, l := range branches {
		outs[i] = ForwardParts(p.Child(strings.TrimSuffix(childPrefix(c, i, ""), ".")), l, xs)
	}
	joined := make([]*Node, len(xs))
	for j := range xs {
		parts := make([]*Node, len(branches))
		for i := range branches {
			parts[i] = outs[i][j]
		}
		joined[j] = join(parts)
	}
	return joined
}

// Mean is parallel branches applied to the same input, their outputs
// averaged (torch.stack(outs).mean(0)), as ATCNet averages the classifiers
// of its sliding windows: every branch must give the same shape. Branch
// i's parameters are named "i.…" unless it is Named.
type Mean struct {
	Branches []Layer `json:"-"`
}

func (c Mean) Children() []Layer                   { return c.Branches }
func (c Mean) ChildName(i int) string              { return strconv.Itoa(i) }
func (c Mean) String() string                      { return describe("Mean", c) }
func (c Mean) Params() []ParamSpec                 { return containerParams(c) }
func (c Mean) WithChildren(children []Layer) Layer { return Mean{Branches: children} }
func (c Mean) Forward(p *Pass, x *Node) *Node      { return c.ForwardParts(p, []*Node{x})[0] }

func (c Mean) ChildInputs(in Shape3) ([]Shape3, error) { return Concat(c).ChildInputs(in) }

func (c Mean) OutShape(in Shape3) (Shape3, error) {
	if len(c.Branches) == 0 {
		return in, fmt.Errorf("a Mean needs at least one branch")
	}
	outs, err := branchShapes(c, in)
	if err != nil {
		return in, err
	}
	for i, s := range outs[1:] {
		if s != outs[0] {
			return in, fmt.Errorf("branch %s gives %v, branch 0 %v: the branches must agree to be averaged", strings.TrimSuffix(childPrefix(c, i+1, ""), "."), s, outs[0])
		}
	}
	return outs[0], nil
}

func (c Mean) ForwardParts(p *Pass, xs []*Node) []*Node {
	return joinBranches(p, c, xs, func(outs []*Node) *Node { return DivScalar(SumNodes(outs), float64(len(outs))) })
}

// Residual is a residual connection, Body(x) + x, or Body(x) +
// Shortcut(x) with a projection (a 1×1 convolution, say) where the body
// changes the shape. Body and Shortcut name their parameters as the
// residual's own (the attributes of the torch module the block is), so
// name them with Named or build them of Named layers.
type Residual struct {
	Body     Layer `json:"-"`
	Shortcut Layer `json:"-"` // nil: the identity
}

func (r Residual) Children() []Layer {
	if r.Shortcut == nil {
		return []Layer{r.Body}
	}
	return []Layer{r.Body, r.Shortcut}
}

func (r Residual) ChildName(int) string { return "" }
func (r Residual) String() string       { return describe("Residual", r) }
func (r Residual) Params() []ParamSpec  { return containerParams(r) }
func (r Residual) Forward(p *Pass, x *Node) *Node {
	return r.ForwardParts(p, []*Node{x})[0]
}

func (r Residual) WithChildren(children []Layer) Layer {
	out := Residual{Body: children[0]}
	if len(children) > 1 {
		out.Shortcut = children[1]
	}
	return out
}

func (r Residual) ChildInputs(in Shape3) ([]Shape3, error) {
	out := []Shape3{in}
	if r.Shortcut != nil {
		out = append(out, in)
	}
	return out, nil
}

func (r Residual) OutShape(in Shape3) (Shape3, error) {
	if r.Body == nil {
		return in, fmt.Errorf("a Residual needs a body")
	}
	body, err := r.Body.OutShape(in)
	if err != nil {
		return in, err
	}
	short := in
	if r.Shortcut != nil {
		if short, err = r.Shortcut.OutShape(in); err != nil {
			return in, fmt.Errorf("shortcut: %w", err)
		}
	}
	if body != short {
		return in, fmt.Errorf("the body gives %v and the shortcut %v: give the residual a Shortcut (a projection) that matches the body", body, short)
	}
	return body, nil
}

func (r Residual) ForwardParts(p *Pass, xs []*Node) []*Node {
	body := ForwardParts(p.Child(strings.TrimSuffix(childPrefix(r, 0, ""), ".")), r.Body, xs)
	short := xs
	if r.Shortcut != nil {
		short = ForwardParts(p.Child(strings.TrimSuffix(childPrefix(r, 1, ""), ".")), r.Shortcut, xs)
	}
	out := make([]*Node, len(xs))
	for j := range xs {
		out[j] = Add(body[j], short[j])
	}
	return out
}

// walkLayers calls visit for each layer inside l, depth first in the order
// of their parameters, with its state_dict prefix (under prefix) and its
// per-trial input and output shapes: a container's children, not the
// container. It stops at the first error.
func walkLayers(l Layer, prefix string, in Shape3, visit func(prefix string, l Layer, in, out Shape3)) error {
	inner := unnamed(l)
	if c, ok := inner.(Container); ok {
		ins, err := c.ChildInputs(in)
		if err != nil {
			return err
		}
		for i, child := range c.Children() {
			if err := walkLayers(child, childPrefix(c, i, prefix), ins[i], visit); err != nil {
				return err
			}
		}
		return nil
	}
	out, err := l.OutShape(in)
	if err != nil {
		return err
	}
	visit(prefix, inner, in, out)
	return nil
}

// mapLayers is l with every layer inside it (a container's children, at
// every depth, then l itself) replaced by f of it and its input shape.
func mapLayers(l Layer, in Shape3, f func(l Layer, in Shape3) (Layer, error)) (Layer, error) {
	if n, ok := l.(Named); ok {
		inner, err := mapLayers(n.Layer, in, f)
		return Named{Name: n.Name, Layer: inner}, err
	}
	if c, ok := l.(Container); ok {
		ins, err := c.ChildInputs(in)
		if err != nil {
			return nil, err
		}
		children := make([]Layer, len(c.Children()))
		for i, child := range c.Children() {
			if children[i], err = mapLayers(child, ins[i], f); err != nil {
				return nil, err
			}
		}
		l = c.WithChildren(children)
	}
	return f(l, in)
}
