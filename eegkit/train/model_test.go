package train_test

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/lab"
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
)

func TestModelShapesAndParameterCounts(t *testing.T) {
	cases := []struct {
		model  string
		params int
		shapes map[string]nn.Shape3
	}{
		{"eegnet", 17874, map[string]nn.Shape3{
			"firstConv.0":     {16, 2, 750},
			"depthwiseConv.0": {32, 1, 750},
			"depthwiseConv.3": {32, 1, 187},
			"separableConv.3": {32, 1, 23},
			"classify.0":      {2, 1, 1},
		}},
		{"deepconvnet", 150977, map[string]nn.Shape3{
			"firstConv.0":  {25, 2, 746},
			"firstConv.1":  {25, 1, 746},
			"firstConv.4":  {25, 1, 373},
			"secondConv.3": {50, 1, 184},
			"thirdConv.3":  {100, 1, 90},
			"fourthConv.3": {200, 1, 43},
			"classify.0":   {2, 1, 1},
		}},
	}
	for _, tc := range cases {
		for _, act := range nn.Activations() {
			m, err := models.New(tc.model, act)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.NumParams(); got != tc.params {
				t.Errorf("%s/%s: %d parameters, want %d", tc.model, act.Name(), got, tc.params)
			}
			rows, err := m.Summary()
			if err != nil {
				t.Fatal(err)
			}
			sum := 0
			for _, r := range rows {
				sum += r.Params
				if want, ok := tc.shapes[r.Name]; ok && r.Output != want {
					t.Errorf("%s %s: output %v, want %v", tc.model, r.Name, r.Output, want)
				}
			}
			if sum != tc.params {
				t.Errorf("%s: summary rows add up to %d", tc.model, sum)
			}
		}
	}
}

// TestStateDictNamesMatchPyTorch compares every parameter name and shape with
// the state_dict of the lab's PyTorch modules (from the parity fixtures).
func TestStateDictNamesMatchPyTorch(t *testing.T) {
	for _, model := range lab.Models() {
		fx := loadParityFixture(t, model+"_elu")
		m, _ := models.New(model, nn.ELU)
		var ours, theirs []string
		for _, p := range m.Params() {
			ours = append(ours, p.FullName)
			if w, ok := fx.init[p.FullName]; ok && !slices.Equal(w.Shape, p.Shape) {
				t.Errorf("%s: shape %v, PyTorch %v", p.FullName, p.Shape, w.Shape)
			}
		}
		for k := range fx.init {
			theirs = append(theirs, k)
		}
		sort.Strings(ours)
		sort.Strings(theirs)
		if !slices.Equal(ours, theirs) {
			t.Errorf("%s state_dict names differ:\n ours   %v\n theirs %v", model, ours, theirs)
		}
	}
}

func TestParseNames(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want nn.Activation
		ok   bool
	}{
		{"relu", nn.ReLU, true}, {"ReLU", nn.ReLU, true}, {"leaky_relu", nn.LeakyReLU, true}, {"LeakyReLU", nn.LeakyReLU, true},
		{"elu", nn.ELU, true}, {"gelu", 0, false}, {"", nn.NoActivation, true}, {" ", nn.NoActivation, true},
	} {
		got, err := nn.ParseActivation(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("ParseActivation(%q) = %v, %v", tc.in, got, err)
		}
	}
	if _, err := models.New("resnet", nn.ReLU); err == nil || !strings.Contains(err.Error(), "use eegnet, deepconvnet, shallowfbcspnet, eegnetv4") {
		t.Errorf("NewModel(resnet): %v", err)
	}
}

func TestWithDropout(t *testing.T) {
	m := models.DeepConvNet(nn.ReLU).WithDropout(0.2)
	n := 0
	for _, b := range m.Blocks {
		for _, l := range b.Layers {
			if d, ok := l.(nn.Dropout); ok {
				n++
				if d.P != 0.2 {
					t.Errorf("dropout %v", d.P)
				}
			}
		}
	}
	if n != 4 {
		t.Errorf("%d dropout layers, want 4", n)
	}
	if d := models.DeepConvNet(nn.ReLU).Blocks[0].Layers[5].(nn.Dropout); d.P != 0.5 {
		t.Errorf("WithDropout changed the original model: %v", d.P)
	}
}
