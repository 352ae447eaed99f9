package onnx

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/onnx/onnxpb"
	"github.com/eegkit/eegkit/eegkit/safefile"
	"github.com/eegkit/eegkit/eegkit/train"
)

// Opset is the ONNX operator set the graphs use (every operator here has
// had its current form since opset 15), and IRVersion the ONNX IR version
// of the files: 8, which onnxruntime 1.10 and later read.
const (
	Opset     = 17
	IRVersion = 8
)

// Input and Output are the graph's input and output names.
const (
	Input  = "input"
	Output = "logits"
)

// Exporter is a layer that writes its own ONNX form: given the builder, the
// name of its input (float32 [N, C, H, W] for the layer's input shape in)
// and its parameters by their names within the layer ("weight"), it adds
// its nodes and returns the name of its output, [N, C′, H′, W′].
type Exporter interface {
	ExportONNX(b *Builder, x string, in nn.Shape3, params map[string]*nn.Tensor) (string, error)
}

// Builder collects a graph's nodes and initialisers (constant tensors).
type Builder struct {
	prefix string // the current layer's state_dict prefix, for names
	nodes  []*onnxpb.NodeProto
	inits  []*onnxpb.TensorProto
	n      int
}

// Node adds an operator with the given inputs and attributes and returns
// the name of its output.
func (b *Builder) Node(op string, inputs []string, attrs ...*onnxpb.AttributeProto) string {
	b.n++
	return b.node(fmt.Sprintf("%s%s_%d", b.prefix, op, b.n), op, inputs, attrs...)
}

// node adds an operator whose output is called out.
func (b *Builder) node(out, op string, inputs []string, attrs ...*onnxpb.AttributeProto) string {
	b.nodes = append(b.nodes, &onnxpb.NodeProto{OpType: proto.String(op), Name: proto.String(out), Input: inputs, Output: []string{out}, Attribute: attrs})
	return out
}

// Const adds a float32 initialiser of the given shape and returns its name.
func (b *Builder) Const(name string, shape []int, data []float32) string {
	name = b.prefix + name
	dims := make([]int64, len(shape))
	for i, d := range shape {
		dims[i] = int64(d)
	}
	b.inits = append(b.inits, &onnxpb.TensorProto{Name: proto.String(name), Dims: dims,
		DataType: proto.Int32(int32(onnxpb.TensorProto_FLOAT)), FloatData: slices.Clone(data)})
	return name
}

// Int64s adds an int64 initialiser (a shape, for Reshape) and returns its name.
func (b *Builder) Int64s(name string, data ...int64) string {
	name = b.prefix + name
	b.inits = append(b.inits, &onnxpb.TensorProto{Name: proto.String(name), Dims: []int64{int64(len(data))},
		DataType: proto.Int32(int32(onnxpb.TensorProto_INT64)), Int64Data: slices.Clone(data)})
	return name
}

// Ints is an integer-list attribute.
func Ints(name string, v ...int) *onnxpb.AttributeProto {
	ints := make([]int64, len(v))
	for i, x := range v {
		ints[i] = int64(x)
	}
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_INTS.Enum(), Ints: ints}
}

// Int is an integer attribute.
func Int(name string, v int) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_INT.Enum(), I: proto.Int64(int64(v))}
}

// Float is a float attribute.
func Float(name string, v float64) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_FLOAT.Enum(), F: proto.Float32(float32(v))}
}

// Model builds the ONNX model of m with the weights sd (a state_dict that
// Check accepts for m), in evaluation mode. A Func layer, or a registered
// layer of your own that does not implement Exporter, is an error naming it.
func Model(m *nn.Model, sd nn.StateDict) (*onnxpb.ModelProto, error) {
	built, err := m.Build()
	if err != nil {
		return nil, err
	}
	if err := sd.Check(built); err != nil {
		return nil, err
	}
	b := &Builder{}
	x, shape := Input, built.Input
	names, li := built.LayerNames(), 0
	for _, blk := range built.Blocks {
		for _, l := range blk.Layers {
			if n, ok := l.(nn.Named); ok {
				l = n.Layer
			}
			b.prefix = names[li] + "."
			if names[li] == "" { // a container whose children are the model's attributes
				b.prefix = ""
			}
			li++
			params := map[string]*nn.Tensor{}
			for k, t := range sd {
				if len(k) > len(b.prefix) && k[:len(b.prefix)] == b.prefix {
					params[k[len(b.prefix):]] = t
				}
			}
			if x, err = layer(b, l, x, shape, params); err != nil {
				return nil, fmt.Errorf("onnx: %s layer %s (%s): %w", built.Name, b.prefix[:len(b.prefix)-1], l, err)
			}
			if shape, err = l.OutShape(shape); err != nil {
				return nil, err
			}
		}
	}
	b.node(Output, "Flatten", []string{x}, Int("axis", 1)) // [N, K, 1, 1] -> [N, K]
	k := shape.Size()
	batch := &onnxpb.TensorShapeProto_Dimension{Value: &onnxpb.TensorShapeProto_Dimension_DimParam{DimParam: "N"}}
	dim := func(v int) *onnxpb.TensorShapeProto_Dimension {
		return &onnxpb.TensorShapeProto_Dimension{Value: &onnxpb.TensorShapeProto_Dimension_DimValue{DimValue: int64(v)}}
	}
	value := func(name string, dims ...*onnxpb.TensorShapeProto_Dimension) *onnxpb.ValueInfoProto {
		return &onnxpb.ValueInfoProto{Name: proto.String(name), Type: &onnxpb.TypeProto{Value: &onnxpb.TypeProto_TensorType{TensorType: &onnxpb.TypeProto_Tensor{
			ElemType: proto.Int32(int32(onnxpb.TensorProto_FLOAT)), Shape: &onnxpb.TensorShapeProto{Dim: dims}}}}}
	}
	in := built.Input
	return &onnxpb.ModelProto{
		IrVersion:    proto.Int64(IRVersion),
		OpsetImport:  []*onnxpb.OperatorSetIdProto{{Domain: proto.String(""), Version: proto.Int64(Opset)}},
		ProducerName: proto.String("eegkit"), ProducerVersion: proto.String(train.Version),
		DocString: proto.String(fmt.Sprintf("%s (%s) in evaluation mode: input [N, %d, %d, %d] float32, logits [N, %d]", built.Name, built.Act.Name(), in[0], in[1], in[2], k)),
		Graph: &onnxpb.GraphProto{
			Name: proto.String(built.Name), Node: b.nodes, Initializer: b.inits,
			Input:  []*onnxpb.ValueInfoProto{value(Input, batch, dim(in[0]), dim(in[1]), dim(in[2]))},
			Output: []*onnxpb.ValueInfoProto{value(Output, batch, dim(k))},
		},
	}, nil
}

// Marshal encodes the ONNX model of m with the weights sd (see Model).
func Marshal(m *nn.Model, sd nn.StateDict) ([]byte, error) {
	mp, err := Model(m, sd)
	if err != nil {
		return nil, err
	}
	return proto.Marshal(mp)
}

// WriteFile writes the ONNX model of m with the weights sd to path,
// atomically (safefile.WriteFile), and returns its size in bytes.
func WriteFile(path string, m *nn.Model, sd nn.StateDict) (int, error) {
	raw, err := Marshal(m, sd)
	if err != nil {
		return 0, err
	}
	return len(raw), safefile.WriteFile(path, raw)
}

// layer adds the nodes of one layer applied to x, of shape in.
func layer(b *Builder, l nn.Layer, x string, in nn.Shape3, p map[string]*nn.Tensor) (string, error) {
	switch l := l.(type) {
	case Exporter:
		return l.ExportONNX(b, x, in, p)
	case nn.Conv2d:
		return conv(b, l, x, p["weight"], p["bias"]), nil
	case nn.MaxNormConv2d:
		return conv(b, l.Conv2d, x, maxNorm(p["parametrizations.weight.original"], l.MaxNorm), p["bias"]), nil
	case nn.TimeFirstConv2d:
		w := p["weight"]
		return conv(b, l.Conv2d, x, &nn.Tensor{Shape: []int{l.Out, l.In / l.GroupCount(), l.Kernel[0], l.Kernel[1]}, Data: w.Data}, p["bias"]), nil
	case nn.CombinedConv:
		return combinedConv(b, l, x, p), nil
	case nn.BatchNorm2d:
		in := []string{x}
		for _, name := range []string{"weight", "bias", "running_mean", "running_var"} {
			in = append(in, b.Const(name, p[name].Shape, p[name].Data))
		}
		return b.Node("BatchNormalization", in, Float("epsilon", l.Eps), Float("momentum", 1-l.Momentum)), nil
	case nn.Pool2d:
		st := l.Strides()
		attrs := []*onnxpb.AttributeProto{Ints("kernel_shape", l.Kernel[:]...), Ints("strides", st[:]...),
			Ints("pads", l.Padding[0], l.Padding[1], l.Padding[0], l.Padding[1])}
		if l.Max {
			return b.Node("MaxPool", []string{x}, attrs...), nil
		}
		return b.Node("AveragePool", []string{x}, append(attrs, Int("count_include_pad", 1))...), nil
	case nn.Linear:
		return linear(b, x, p["weight"], p["bias"]), nil
	case nn.RenormLinear:
		return linear(b, x, maxNorm(p["parametrizations.weight.original"], l.MaxNorm), p["bias"]), nil
	case nn.FilterBank:
		return filterBank(b, l, x, p), nil
	case nn.StatLayer:
		return statLayer(b, l, x, in), nil
	case nn.SiLU:
		return b.Node("Mul", []string{x, b.Node("Sigmoid", []string{x})}), nil
	case nn.Activation:
		switch l {
		case nn.ReLU:
			return b.Node("Relu", []string{x}), nil
		case nn.LeakyReLU:
			return b.Node("LeakyRelu", []string{x}, Float("alpha", nn.LeakySlope)), nil
		case nn.ELU:
			return b.Node("Elu", []string{x}, Float("alpha", 1)), nil
		}
	case nn.Squared:
		return b.Node("Mul", []string{x, x}), nil
	case nn.SafeLog:
		eps := l.Eps
		if eps == 0 {
			eps = 1e-6
		}
		return b.Node("Log", []string{b.Node("Max", []string{x, b.Const("eps", nil, []float32{float32(eps)})})}), nil
	case nn.Dropout, nn.PassThrough:
		return x, nil
	case nn.Conv1d:
		w := p["weight"]
		c := nn.Conv2d{In: l.In, Out: l.Out, Kernel: [2]int{1, l.Kernel}, Stride: [2]int{1, max(l.Stride, 1)}, Padding: [2]int{0, l.Padding},
			Dilation: [2]int{1, max(l.Dilation, 1)}, Groups: l.Groups, Bias: l.Bias}
		return conv(b, c, x, &nn.Tensor{Shape: []int{l.Out, l.In / c.GroupCount(), 1, l.Kernel}, Data: w.Data}, p["bias"]), nil
	case nn.ZeroPad:
		return b.Node("Pad", []string{x, b.Int64s("pads", 0, 0, 0, int64(l.Left), 0, 0, 0, int64(l.Right))}), nil
	case nn.Chomp:
		return b.Node("Slice", []string{x, b.Int64s("starts", 0), b.Int64s("ends", int64(in[2]-l.N)), b.Int64s("axes", 3)}), nil
	case nn.LastStep:
		return b.Node("Slice", []string{x, b.Int64s("starts", int64(in[2]-1)), b.Int64s("ends", int64(in[2])), b.Int64s("axes", 3)}), nil
	case nn.MaxNormLinear:
		return linear(b, x, &nn.Tensor{Shape: []int{l.Out, l.In}, Data: l.MaxNormWeight(p["parametrizations.weight.original"].Data)}, p["bias"]), nil
	case nn.LayerNorm:
		return layerNorm(b, l, x, p), nil
	case nn.ChannelLinear:
		return channelLinear(b, x, l.In, l.Out, p["weight"], p["bias"]), nil
	case nn.MultiHeadAttention:
		return attention(b, l.Parts(), x, in, p), nil
	case nn.MHA:
		return attention(b, l.Parts(), x, in, p), nil
	case nn.Crop:
		return b.Node("Slice", []string{x, b.Int64s("starts", int64(l.Start)), b.Int64s("ends", int64(l.Start+l.Len)), b.Int64s("axes", 3)}), nil
	case nn.Mean:
		outs, err := branches(b, l, x, in, p)
		if err != nil {
			return "", err
		}
		return b.Node("Div", []string{b.Node("Sum", outs), b.Const("branches", nil, []float32{float32(len(outs))})}), nil
	case nn.GELU: // x·(1 + erf(x/√2))/2
		e := b.Node("Erf", []string{b.Node("Div", []string{x, b.Const("sqrt2", nil, []float32{float32(math.Sqrt2)})})})
		half := b.Node("Mul", []string{x, b.Const("half", nil, []float32{0.5})})
		return b.Node("Mul", []string{half, b.Node("Add", []string{e, b.Const("one", nil, []float32{1})})}), nil
	case nn.Permute: // the axes after the batch
		return b.Node("Transpose", []string{x}, Ints("perm", 0, 1+l.Axes[0], 1+l.Axes[1], 1+l.Axes[2])), nil
	case nn.Sequential:
		for i := range l.Layers {
			var err error
			if x, err = child(b, l, i, x, in, p); err != nil {
				return "", err
			}
		}
		return x, nil
	case nn.Concat:
		outs, err := branches(b, l, x, in, p)
		if err != nil {
			return "", err
		}
		return b.Node("Concat", outs, Int("axis", 1)), nil
	case nn.Residual:
		body, err := child(b, l, 0, x, in, p)
		if err != nil {
			return "", err
		}
		short := x
		if l.Shortcut != nil {
			if short, err = child(b, l, 1, x, in, p); err != nil {
				return "", err
			}
		}
		return b.Node("Add", []string{body, short}), nil
	case nn.Func:
		return "", fmt.Errorf("a Func (a Go function) has no ONNX form: write it as a layer type that implements onnx.Exporter")
	}
	return "", fmt.Errorf("layer type %T has no ONNX form: implement onnx.Exporter for it", l)
}

// linear is a Linear of the flattened trial, its logits as [N, Out, 1, 1].
func linear(b *Builder, x string, w, bias *nn.Tensor) string {
	flat := b.Node("Flatten", []string{x}, Int("axis", 1))
	y := b.Node("Gemm", []string{flat, b.Const("weight", w.Shape, w.Data), b.Const("bias", bias.Shape, bias.Data)}, Int("transB", 1))
	return b.Node("Reshape", []string{y, b.Int64s("shape", -1, int64(w.Shape[0]), 1, 1)})
}

// filterBank is nn.FilterBank: one Conv of the taps, each centred in the
// longest filter's length.
func filterBank(b *Builder, f nn.FilterBank, x string, p map[string]*nn.Tensor) string {
	k := 0
	for i := range f.Bands {
		k = max(k, len(p[fmt.Sprintf("fir_list.%d", i)].Data))
	}
	w := &nn.Tensor{Shape: []int{len(f.Bands), 1, 1, k}, Data: make([]float32, len(f.Bands)*k)}
	for i := range f.Bands {
		h := p[fmt.Sprintf("fir_list.%d", i)].Data
		copy(w.Data[i*k+(k-len(h))/2:], h)
	}
	return conv(b, nn.Conv2d{In: 1, Out: len(f.Bands), Kernel: [2]int{1, k}, Padding: [2]int{0, k / 2}}, x, w, nil)
}

// statLayer is nn.StatLayer on [N, C, 1, T]: padded, cut into segments
// [N, C, S, w] and reduced over the last axis.
func statLayer(b *Builder, s nn.StatLayer, x string, in nn.Shape3) string {
	seg := max(s.Segments, 1)
	w := (in[2] + seg - 1) / seg
	x = b.Node("Pad", []string{x, b.Int64s("pads", 0, 0, 0, 0, 0, 0, 0, int64(w*seg-in[2]))})
	x = b.Node("Reshape", []string{x, b.Int64s("segments", 0, int64(in[0]), int64(seg), int64(w))})
	switch s.Stat {
	case nn.StatMean:
		return b.Node("ReduceMean", []string{x}, Ints("axes", 3), Int("keepdims", 1))
	case nn.StatMax:
		return b.Node("ReduceMax", []string{x}, Ints("axes", 3), Int("keepdims", 1))
	}
	d := b.Node("Sub", []string{x, b.Node("ReduceMean", []string{x}, Ints("axes", 3), Int("keepdims", 1))})
	v := b.Node("ReduceSum", []string{b.Node("Mul", []string{d, d}), b.Int64s("time", 3)}, Int("keepdims", 1))
	v = b.Node("Div", []string{v, b.Const("dof", nil, []float32{float32(w - 1)})})
	switch s.Stat {
	case nn.StatStd:
		return b.Node("Sqrt", []string{v})
	case nn.StatLogVar:
		return b.Node("Log", []string{b.Node("Clip", []string{v, b.Const("lo", nil, []float32{1e-6}), b.Const("hi", nil, []float32{1e6})})})
	}
	return v
}

// layerNorm is nn.LayerNorm over the channels (axis 1 of [N, C, H, W]).
func layerNorm(b *Builder, l nn.LayerNorm, x string, p map[string]*nn.Tensor) string {
	eps := l.Eps
	if eps == 0 {
		eps = 1e-5
	}
	mean := b.Node("ReduceMean", []string{x}, Ints("axes", 1), Int("keepdims", 1))
	d := b.Node("Sub", []string{x, mean})
	v := b.Node("ReduceMean", []string{b.Node("Mul", []string{d, d})}, Ints("axes", 1), Int("keepdims", 1))
	std := b.Node("Sqrt", []string{b.Node("Add", []string{v, b.Const("eps", nil, []float32{float32(eps)})})})
	c := l.Features
	w := b.Const("weight", []int{c, 1, 1}, p["weight"].Data)
	bias := b.Const("bias", []int{c, 1, 1}, p["bias"].Data)
	return b.Node("Add", []string{b.Node("Mul", []string{b.Node("Div", []string{d, std}), w}), bias})
}

// channelLinear is a Linear on the channels of every position: a 1×1 Conv.
func channelLinear(b *Builder, x string, in, out int, w, bias *nn.Tensor) string {
	return conv(b, nn.Conv2d{In: in, Out: out, Kernel: [2]int{1, 1}, Bias: true}, x,
		&nn.Tensor{Shape: []int{out, in, 1, 1}, Data: w.Data}, bias)
}

// attention is nn.MultiHeadAttention on a sequence [N, E, 1, T]: the
// projections as 1×1 convolutions, the heads as [N, heads, T, d] for
// MatMul and Softmax.
func attention(b *Builder, a nn.AttentionParts, x string, in nn.Shape3, p map[string]*nn.Tensor) string {
	e, t, d := int64(a.Emb), int64(in[2]), int64(a.Emb/a.Heads)
	prefix := b.prefix
	defer func() { b.prefix = prefix }()
	heads := func(name string) string { // [N, heads, T, d]
		b.prefix = prefix + name + "."
		y := channelLinear(b, x, a.In, a.Emb, p[name+".weight"], p[name+".bias"])
		y = b.Node("Reshape", []string{y, b.Int64s("heads_shape", 0, int64(a.Heads), d, t)})
		return b.Node("Transpose", []string{y}, Ints("perm", 0, 1, 3, 2))
	}
	q, k, v := heads(a.Q), heads(a.K), heads(a.V)
	b.prefix = prefix
	kt := b.Node("Transpose", []string{k}, Ints("perm", 0, 1, 3, 2))
	scores := b.Node("Mul", []string{b.Node("MatMul", []string{q, kt}), b.Const("scale", nil, []float32{float32(1 / math.Sqrt(float64(d)))})})
	out := b.Node("MatMul", []string{b.Node("Softmax", []string{scores}, Int("axis", -1)), v}) // [N, heads, T, d]
	out = b.Node("Transpose", []string{out}, Ints("perm", 0, 1, 3, 2))                         // [N, heads, d, T]
	out = b.Node("Reshape", []string{out, b.Int64s("seq_shape", 0, e, 1, t)})
	b.prefix = prefix + a.O + "."
	return channelLinear(b, out, a.Emb, a.Out, p[a.O+".weight"], p[a.O+".bias"])
}

// branches adds the nodes of every child of a container of parallel
// branches applied to x and returns their outputs.
func branches(b *Builder, c nn.Container, x string, in nn.Shape3, p map[string]*nn.Tensor) ([]string, error) {
	outs := make([]string, len(c.Children()))
	for i := range outs {
		var err error
		if outs[i], err = child(b, c, i, x, in, p); err != nil {
			return nil, err
		}
	}
	return outs, nil
}

// child adds the nodes of a container's child i applied to x, where the
// container's input shape is in and its parameters p.
func child(b *Builder, c nn.Container, i int, x string, in nn.Shape3, p map[string]*nn.Tensor) (string, error) {
	ins, err := c.ChildInputs(in)
	if err != nil {
		return "", err
	}
	prefix := nn.ChildPrefix(c, i)
	sub := map[string]*nn.Tensor{}
	for k, t := range p {
		if strings.HasPrefix(k, prefix) {
			sub[k[len(prefix):]] = t
		}
	}
	l := c.Children()[i]
	if n, ok := l.(nn.Named); ok {
		l = n.Layer
	}
	saved := b.prefix
	b.prefix += prefix
	defer func() { b.prefix = saved }()
	y, err := layer(b, l, x, ins[i], sub)
	if err != nil {
		return "", fmt.Errorf("%s: %w", strings.TrimSuffix(b.prefix, "."), err)
	}
	return y, nil
}

// conv adds nn.Conv2d's Conv with the weight w [O, C/groups, KH, KW] and
// the bias (nil without).
func conv(b *Builder, c nn.Conv2d, x string, w, bias *nn.Tensor) string {
	in := []string{x, b.Const("weight", w.Shape, w.Data)}
	if bias != nil {
		in = append(in, b.Const("bias", bias.Shape, bias.Data))
	}
	st, dl := c.Strides(), c.Dilations()
	return b.Node("Conv", in, Ints("kernel_shape", w.Shape[2], w.Shape[3]), Ints("strides", st[:]...), Ints("dilations", dl[:]...),
		Ints("pads", c.Padding[0], c.Padding[1], c.Padding[0], c.Padding[1]), Int("group", c.GroupCount()))
}

// maxNorm is the weight as MaxNormConv2d uses it: each output filter w_o
// scaled by min(1, maxNorm/(‖w_o‖₂ + 1e-7)), torch.renorm's rule. The norm
// is summed in float64 and the scale applied in float32, as the forward
// pass does.
func maxNorm(w *nn.Tensor, maxNorm float64) *nn.Tensor {
	out := w.Clone()
	per := len(w.Data) / w.Shape[0]
	for o := range w.Shape[0] {
		row := out.Data[o*per : (o+1)*per]
		var ss float32
		for _, v := range row {
			ss += v * v
		}
		norm := float32(math.Sqrt(float64(ss)))
		if float64(norm) > maxNorm {
			scale := float32(maxNorm) / (norm + 1e-7)
			for i := range row {
				row[i] *= scale
			}
		}
	}
	return out
}

// combinedConv adds CombinedConv as one Conv of the [N, 1, C, T] input with
// the composed kernel [O, 1, C, L] and bias (see nn.CombinedConv).
func combinedConv(b *Builder, c nn.CombinedConv, x string, p map[string]*nn.Tensor) string {
	t, s, tb := p["conv_time.weight"].Data, p["conv_spat.weight"].Data, p["conv_time.bias"].Data // T [M, L], S [O, M, C], b_T [M]
	o, m, ch, l := c.SpatFilters, c.Filters, c.Chans, c.Length
	k := make([]float32, o*ch*l)
	bias := make([]float32, o)
	for oi := range o {
		for ci := range ch {
			for li := range l {
				var sum float64
				for mi := range m {
					sum += float64(s[(oi*m+mi)*ch+ci]) * float64(t[mi*l+li])
				}
				k[(oi*ch+ci)*l+li] = float32(sum)
			}
		}
		var sum float64
		for mi := range m {
			for ci := range ch {
				sum += float64(s[(oi*m+mi)*ch+ci]) * float64(tb[mi])
			}
		}
		bias[oi] = float32(sum)
	}
	return b.Node("Conv", []string{x, b.Const("weight", []int{o, 1, ch, l}, k), b.Const("bias", []int{o}, bias)},
		Ints("kernel_shape", ch, l), Ints("strides", 1, 1), Ints("dilations", 1, 1), Ints("pads", 0, 0, 0, 0), Int("group", 1))
}
