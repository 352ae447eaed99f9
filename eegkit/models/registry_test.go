package models

import (
	"fmt"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/nn"
)

// TestForAnyShape: every registered model builds for other channel counts,
// lengths and class counts, with the classifier's input inferred, and has
// the parameter count of its reference implementation for the lab's input.
func TestForAnyShape(t *testing.T) {
	labParams := map[string]int{"eegnet": 17874, "deepconvnet": 150977, "shallowfbcspnet": 7842, "eegnetv4": 1874, "deep4net": 266377, "eegconformer": 583426, "eegtcnet": 3958, "eeginceptionmi": 4376930}
	for _, name := range Names() {
		act := nn.ReLU
		if name == "shallowfbcspnet" {
			act = nn.NoActivation
		}
		for _, tc := range []struct{ c, k, t int }{{2, 2, 750}, {64, 4, 640}, {3, 3, 1000}} {
			m, err := ForRate(name, tc.c, tc.k, tc.t, LabRate, act)
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
	for _, bad := range []Entry{
		{Name: "eegnet", Build: func(int, int, int, float64, nn.Activation) (*nn.Model, error) { return nil, nil }},
		{Name: "other", Aliases: []string{"deepconv"}, Build: func(int, int, int, float64, nn.Activation) (*nn.Model, error) { return nil, nil }},
		{Name: "nobuild"},
	} {
		if msg := registerPanics(bad); !strings.HasPrefix(msg, "models.Register") {
			t.Errorf("Register(%q) accepted (panic %q)", bad.Name, msg)
		}
	}
	tiny := Entry{Name: "tinynet", Doc: "a temporal conv and a classifier", Build: func(c, k, tt int, _ float64, act nn.Activation) (*nn.Model, error) {
		return (&nn.Model{Name: "TinyNet", Act: act, Input: nn.Shape3{1, c, tt}, Blocks: []nn.Block{
			{Name: "features", Layers: []nn.Layer{nn.Conv2d{In: 1, Out: 4, Kernel: [2]int{c, 9}, Bias: true}, act, nn.AvgPool2d(1, 8)}},
			{Name: "classify", Layers: []nn.Layer{nn.Linear{Out: k}}},
		}}).Build()
	}}
	Register(tiny)
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

// registerPanics registers e and returns what Register panicked with ("" if
// it did not).
func registerPanics(e Entry) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	Register(e)
	registry = registry[:len(registry)-1] // it was accepted: take it out again
	return ""
}
