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
	labParams := map[string]int{"eegnet": 17874, "deepconvnet": 150977, "shallowfbcspnet": 7842, "eegnetv4": 1874, "deep4net": 266377, "eegconformer": 583426, "eegtcnet": 3958, "eeginceptionmi": 4376930, "fbcnet": 3746, "atcnet": 112762, "eegnex": 54546, "sccnet": 7712}
	for _, name := range Names() {
		act := nn.ReLU
		if name == "shallowfbcspnet" || name == "sccnet" {
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

// TestZooLimits: FBCNet refuses a rate whose Nyquist frequency its bands
// pass, naming the band; ATCNet scales its kernels and windows down for
// short trials, as braindecode does, and refuses to have no windows.
func TestZooLimits(t *testing.T) {
	if _, err := ForRate("fbcnet", 2, 2, 750, 60, nn.NoActivation); err == nil || !strings.Contains(err.Error(), "band 6: low-pass at 32 Hz is not below the Nyquist frequency 30 Hz") {
		t.Errorf("fbcnet at 60 Hz: %v", err)
	}
	o := DefaultFBCNetOptions()
	o.Bands = [][2]float64{{8, 12}, {12, 30}}
	if m, err := FBCNet(3, 2, 500, 250, o); err != nil {
		t.Errorf("fbcnet with two bands of its own: %v", err)
	} else if rows, _ := m.Summary(); rows[0].Output != (nn.Shape3{2, 3, 500}) || m.NumParams() != (64*3+64)+2*64+(64*4*2+2) { // spatial conv, BatchNorm, Linear

		t.Errorf("fbcnet with two bands of its own: %v, %d parameters", rows[0].Output, m.NumParams())
	}
	m, err := For("atcnet", 2, 2, 300, nn.NoActivation) // shorter than the 616 samples its defaults need
	if err != nil {
		t.Fatal(err)
	}
	if rows, _ := m.Summary(); rows[1].Name != "conv_block.conv1" || !strings.Contains(rows[1].Layer, "kernel_size=(1, 31)") {
		t.Errorf("atcnet for 300 samples: %s %s, want conv_block.conv1's kernel scaled to 31", rows[1].Name, rows[1].Layer)
	}
	if _, err := For("atcnet", 2, 2, 40, nn.NoActivation); err != nil {
		t.Errorf("atcnet for 40 samples: %v", err)
	}
	a := DefaultATCNetOptions()
	a.NWindows = 0
	if _, err := ATCNet(2, 2, 750, a); err == nil || !strings.Contains(err.Error(), "0 windows do not fit") {
		t.Errorf("atcnet with no windows: %v", err)
	}
}
