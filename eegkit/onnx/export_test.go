package onnx_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
	"google.golang.org/protobuf/proto"

	"github.com/eegkit/eegkit/eegkit/internal/fixtures"
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/onnx"
	"github.com/eegkit/eegkit/eegkit/onnx/onnxpb"
)

// TestExportedGraphs: every fixture model encodes to an ONNX model that
// decodes again, with the model's input and output shapes, the operators of
// its layers in order, and every weight as an initialiser. (The numbers are
// checked by onnxruntime: scripts/onnx_check.sh.)
func TestExportedGraphs(t *testing.T) {
	for _, tc := range []struct {
		name string
		ops  []string
	}{
		{"eegnet_elu", []string{"Conv", "BatchNormalization", "Conv", "BatchNormalization", "Elu", "AveragePool", "Conv", "BatchNormalization", "Elu", "AveragePool", "Flatten", "Gemm", "Reshape", "Flatten"}},
		{"deepconvnet_relu", nil},
		{"shallowfbcspnet", []string{"Conv", "BatchNormalization", "Mul", "AveragePool", "Max", "Log", "Conv", "Flatten"}},
		{"eegnetv4", nil},
		{"general", []string{"Conv", "Conv", "BatchNormalization", "Elu", "MaxPool", "Conv", "AveragePool", "Conv", "Flatten"}},
		{"composed", []string{"Conv", "BatchNormalization", "Elu", "Conv", "BatchNormalization", "Elu",
			"Conv", "BatchNormalization", "Elu", "AveragePool", "Conv", "Concat",
			"Conv", "BatchNormalization", "Elu", "Conv", "BatchNormalization", "Conv", "Add",
			"Elu", "AveragePool", "Flatten", "Gemm", "Reshape", "Flatten"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx, err := fixtures.Load(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			m, err := fixtures.Model(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := onnx.Marshal(m, fx.Init)
			if err != nil {
				t.Fatal(err)
			}
			var mp onnxpb.ModelProto
			if err := proto.Unmarshal(raw, &mp); err != nil {
				t.Fatal(err)
			}
			g := mp.GetGraph()
			if mp.GetIrVersion() != onnx.IRVersion || mp.GetOpsetImport()[0].GetVersion() != onnx.Opset || mp.GetProducerName() != "eegkit" {
				t.Errorf("header: IR %d, opset %v, producer %q", mp.GetIrVersion(), mp.GetOpsetImport(), mp.GetProducerName())
			}
			dims := func(v *onnxpb.ValueInfoProto) []int64 {
				var out []int64
				for _, d := range v.GetType().GetTensorType().GetShape().GetDim() {
					out = append(out, d.GetDimValue()) // 0 for the batch's dim_param
				}
				return out
			}
			if got, want := dims(g.GetInput()[0]), []int64{0, int64(m.Input[0]), int64(m.Input[1]), int64(m.Input[2])}; !slices.Equal(got, want) || g.GetInput()[0].GetName() != onnx.Input {
				t.Errorf("input %s %v, want %s %v", g.GetInput()[0].GetName(), got, onnx.Input, want)
			}
			if got := dims(g.GetOutput()[0]); !slices.Equal(got, []int64{0, 2}) || g.GetOutput()[0].GetName() != onnx.Output {
				t.Errorf("output %s %v, want %s [N, 2]", g.GetOutput()[0].GetName(), got, onnx.Output)
			}
			var ops []string
			for _, n := range g.GetNode() {
				ops = append(ops, n.GetOpType())
			}
			if tc.ops != nil && !slices.Equal(ops, tc.ops) {
				t.Errorf("operators %v,\nwant %v", ops, tc.ops)
			}
			if last := g.GetNode()[len(g.GetNode())-1]; last.GetOutput()[0] != onnx.Output {
				t.Errorf("the last node writes %v, not %s", last.GetOutput(), onnx.Output)
			}
			// Every value a node reads is the input, an initialiser or an earlier node's output.
			known := map[string]bool{onnx.Input: true}
			values := 0
			for _, in := range g.GetInitializer() {
				known[in.GetName()] = true
				values += len(in.GetFloatData())
			}
			for _, n := range g.GetNode() {
				for _, in := range n.GetInput() {
					if !known[in] {
						t.Errorf("%s reads %q before it is defined", n.GetName(), in)
					}
				}
				known[n.GetOutput()[0]] = true
			}
			if tc.name != "shallowfbcspnet" && tc.name != "deepconvnet_relu" { // their first convolutions are composed into one
				if want := m.NumParams() + bnStats(m); values < want {
					t.Errorf("%d initialised values, want at least the %d parameters and running statistics", values, want)
				}
			}
		})
	}
}

// bnStats counts the running means and variances of m's BatchNorms.
func bnStats(m *nn.Model) int {
	n := 0
	for _, p := range m.Params() {
		if strings.HasSuffix(p.FullName, "running_mean") || strings.HasSuffix(p.FullName, "running_var") {
			n += p.Size()
		}
	}
	return n
}

// gain is a layer of a user's own that exports itself: y = 2x.
type gain struct{}

func (gain) String() string                           { return "Gain(2)" }
func (gain) Params() []nn.ParamSpec                   { return nil }
func (gain) OutShape(in nn.Shape3) (nn.Shape3, error) { return in, nil }
func (gain) Forward(_ *nn.Pass, x *Node) *Node        { return MulScalar(x, 2) }
func (gain) ExportONNX(b *onnx.Builder, x string, _ nn.Shape3, _ map[string]*nn.Tensor) (string, error) {
	return b.Node("Mul", []string{x, b.Const("two", nil, []float32{2})}), nil
}

// TestLayersOfYourOwn: a layer type that implements Exporter exports
// itself; a Func, or a type without an ONNX form, is an error that names it.
func TestLayersOfYourOwn(t *testing.T) {
	withLayer := func(l nn.Layer) (*nn.Model, nn.StateDict) {
		m, err := models.New("eegnet", nn.ELU)
		if err != nil {
			t.Fatal(err)
		}
		m.Blocks[0].Layers = append([]nn.Layer{l}, m.Blocks[0].Layers...)
		if m, err = m.Build(); err != nil {
			t.Fatal(err)
		}
		return m, nn.InitWeights(m, 1)
	}
	m, sd := withLayer(gain{})
	mp, err := onnx.Model(m, sd)
	if err != nil {
		t.Fatal(err)
	}
	if first := mp.GetGraph().GetNode()[0]; first.GetOpType() != "Mul" || first.GetInput()[0] != onnx.Input {
		t.Errorf("the user's layer exported as %v", first)
	}
	for _, tc := range []struct {
		layer nn.Layer
		want  string
	}{
		{nn.Func{Name: "Tanh()", F: Tanh}, "a Func (a Go function) has no ONNX form"},
		{plain{}, "layer type onnx_test.plain has no ONNX form: implement onnx.Exporter"},
	} {
		m, sd := withLayer(tc.layer)
		if _, err := onnx.Model(m, sd); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "layer firstConv.0") {
			t.Errorf("%s: %v, want an error with %q naming the layer", tc.layer, err, tc.want)
		}
	}
	// Weights that do not fit the model are refused before anything is built.
	m, _ = withLayer(gain{})
	if _, err := onnx.Model(m, nn.StateDict{}); err == nil {
		t.Error("an empty state_dict was accepted")
	}
}

// plain is a layer of a user's own without an ONNX form.
type plain struct{ gain }

func (plain) ExportONNX() {} // not onnx.Exporter's signature

func ExampleMarshal() {
	m, _ := models.New("eegnet", nn.ELU)
	raw, err := onnx.Marshal(m, nn.InitWeights(m, 1))
	if err != nil {
		fmt.Println(err)
		return
	}
	var mp onnxpb.ModelProto
	_ = proto.Unmarshal(raw, &mp)
	fmt.Println(mp.GetGraph().GetName(), len(mp.GetGraph().GetNode()), "nodes, output", mp.GetGraph().GetOutput()[0].GetName())
	// Output: EEGNet 14 nodes, output logits
}
