package models

import (
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/nn"
)

// TestForAnyShape: every registered model builds for other channel counts,
// lengths and class counts, with the classifier's input inferred, and has
// the parameter count of its reference implementation for the lab's input.
func TestForAnyShape(t *testing.T) {
	labParams := map[string]int{"eegnet": 17874, "deepconvnet": 150977, "shallowfbcspnet": 7842, "eegnetv4": 1874}
	for _, name := range Names() {
		act := nn.ReLU
		if name == "shallowfbcspnet" {
			act = nn.NoActivation
		}
		for _, tc := range []struct{ c, k, t int }{{2, 2, 750}, {64, 4, 640}, {3, 3, 1000}} {
			m, err := For(name, tc.c, tc.k, tc.t, act)
			if err != nil {
				t.Errorf("%s for %d×%d, %d classes: %v", name, tc.c, tc.t, tc.k, err)
				continue
			}
			if m.Input != (nn.Shape3{1, tc.c, tc.t}) || m.Classes() != tc.k {
				t.Errorf("%s for %d×%d, %d classes: input %v, %d classes", name, tc.c, tc.t, tc.k, m.Input, m.Classes())
			}
			if tc.c == 2 && tc.t == 750 && m.NumParams() != labParams[name] {
				t.Errorf("%s: %d parameters for the lab's input, want %d", name, m.NumParams(), labParams[name])
			}
		}
	}
}

func TestRegistry(t *testing.T) {
	if e, err := Lookup("Deep_Conv"); err != nil || e.Name != "deepconvnet" {
		t.Errorf("alias: %v, %v", e.Name, err)
	}
	if _, err := New("resnet", nn.ReLU); err == nil || !strings.Contains(err.Error(), `unknown model "resnet": use eegnet, deepconvnet`) {
		t.Errorf("unknown name: %v", err)
	}
	if err := Register(Entry{Name: "eegnet", Build: func(int, int, int, nn.Activation) (*nn.Model, error) { return nil, nil }}); err == nil {
		t.Error("a taken name was registered again")
	}
	tiny := Entry{Name: "tinynet", Doc: "a temporal conv and a classifier", Build: func(c, k, tt int, act nn.Activation) (*nn.Model, error) {
		return (&nn.Model{Name: "TinyNet", Act: act, Input: nn.Shape3{1, c, tt}, Blocks: []nn.Block{
			{Name: "features", Layers: []nn.Layer{nn.Conv2d{In: 1, Out: 4, Kernel: [2]int{c, 9}, Bias: true}, act, nn.AvgPool2d(1, 8)}},
			{Name: "classify", Layers: []nn.Layer{nn.Linear{Out: k}}},
		}}).Build()
	}}
	if err := Register(tiny); err != nil {
		t.Fatal(err)
	}
	defer func() { registry = registry[:len(registry)-1] }()
	m, err := For("TinyNet", 8, 3, 200, nn.ELU)
	if err != nil {
		t.Fatal(err)
	}
	// conv: 4·8·9 weights + 4 biases; (200−9+1)/8 = 24 steps × 4 filters → Linear 96·3 + 3.
	if got, want := m.NumParams(), 4*8*9+4+96*3+3; got != want {
		t.Errorf("TinyNet has %d parameters, want %d", got, want)
	}
	// Presets come from the entries: the lab's, the zoo's, the default for one registered without.
	for _, tc := range []struct {
		name  string
		act   nn.Activation
		batch int
		lr    float64
	}{
		{"eegnet", nn.ReLU, 64, 1e-3}, {"eegnet", nn.LeakyReLU, 12, 4e-4}, {"eegnet", nn.ELU, 12, 5e-4}, {"eegnet", nn.NoActivation, 12, 5e-4},
		{"deepconvnet", nn.ReLU, 64, 1e-3}, {"deepconvnet", nn.ELU, 64, 3e-4},
		{"shallowfbcspnet", nn.NoActivation, 64, 6.25e-4}, {"eegnetv4", nn.NoActivation, 64, 1e-3},
		{"tinynet", nn.ELU, DefaultPreset.Batch, DefaultPreset.LR},
	} {
		p, err := PresetOf(tc.name, tc.act)
		if err != nil || p.Batch != tc.batch || p.LR != tc.lr || p.Source == "" {
			t.Errorf("PresetOf(%s, %v) = %+v, %v; want batch %d lr %g", tc.name, tc.act, p, err, tc.batch, tc.lr)
		}
	}
}
