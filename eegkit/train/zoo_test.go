package train_test

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/datasets"
	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/internal/fixtures"
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/npz"
	"github.com/eegkit/eegkit/eegkit/train"
)

// TestZooParityWithBraindecode: braindecode 1.8's ShallowFBCSPNet, EEGNet
// (v4), Deep4Net, EEGTCNet, FBCNet, EEGNeX and SCCNet, and a model of the general layer cases, against the fixtures
// scripts/braindecode_fixtures.py made with braindecode and torch 2.15: the
// same state_dict names, shapes and parameter counts, and eval logits, train
// logits, loss, gradients, one Adam step and running statistics within the
// lab models' tolerances.
func TestZooParityWithBraindecode(t *testing.T) {
	for _, tc := range []struct {
		name   string
		build  func() (*nn.Model, error)
		params int
	}{
		{"shallowfbcspnet", func() (*nn.Model, error) {
			return models.ShallowFBCSPNet(2, 2, 750, models.DefaultShallowFBCSPNetOptions())
		}, 7842},
		{"eegnetv4", func() (*nn.Model, error) { return models.EEGNetV4(2, 2, 750, models.DefaultEEGNetV4Options()) }, 1874},
		{"general", func() (*nn.Model, error) { return fixtures.General().Build() }, 664},
		{"deep4net", func() (*nn.Model, error) { return models.Deep4Net(2, 2, 750, models.DefaultDeep4NetOptions()) }, 266377},
		{"eegtcnet", func() (*nn.Model, error) { return models.EEGTCNet(2, 2, 750, models.DefaultEEGTCNetOptions()) }, 3958},
		{"fbcnet", func() (*nn.Model, error) { return models.FBCNet(2, 2, 750, 125, models.DefaultFBCNetOptions()) }, 3746},
		{"eegnex", func() (*nn.Model, error) { return models.EEGNeX(2, 2, 750, models.DefaultEEGNeXOptions()) }, 54546},
		{"sccnet", func() (*nn.Model, error) { return models.SCCNet(2, 2, 750, 125, models.DefaultSCCNetOptions()) }, 7712},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := tc.build()
			if err != nil {
				t.Fatal(err)
			}
			if n := m.NumParams(); n != tc.params {
				t.Errorf("%d parameters, braindecode has %d", n, tc.params)
			}
			fx := loadParityFixture(t, tc.name)
			names := map[string]bool{}
			for _, p := range m.Params() {
				names[p.FullName] = true
				if want, ok := fx.init[p.FullName]; !ok {
					t.Errorf("%s is not in braindecode's state_dict", p.FullName)
				} else if len(want.Data) != p.Size() {
					t.Errorf("%s: shape %v, braindecode %v", p.FullName, p.Shape, want.Shape)
				}
			}
			for name := range fx.init {
				if !names[name] {
					t.Errorf("braindecode's %s is missing", name)
				}
			}
			if t.Failed() {
				return
			}
			checkFixedValues(t, m, fx.init)
			checkModelParity(t, m, fx, train.TrainConfig{Model: tc.name}, testDevice(t))
		})
	}
}

// TestZooAtBCIIV2aShape builds the zoo's models for BCI IV 2a's trials
// (22 channels × 1000 samples at 250 Hz, 4 classes) from the registry and
// compares their eval logits with braindecode's on the same weights.
func TestZooAtBCIIV2aShape(t *testing.T) {
	for _, name := range []string{"deep4net", "eegtcnet", "fbcnet", "eegnex", "sccnet"} {
		t.Run(name, func(t *testing.T) {
			fx := loadParityFixture(t, name+"_2a")
			m, err := models.ForRate(name, 22, 4, 1000, 250, nn.NoActivation)
			if err != nil {
				t.Fatal(err)
			}
			net, err := train.NewNet(m, fx.init, 1, testDevice(t))
			if err != nil {
				t.Fatal(err)
			}
			checkFixedValues(t, m, fx.init)
			logits, err := net.Logits(fx.x, fx.numTrial)
			if err != nil {
				t.Fatal(err)
			}
			d := maxAbsDiff(flatLogits(logits), toFloat32(fx.eval))
			if d > 1e-4 {
				t.Errorf("eval logits differ from braindecode's by %g (> 1e-4)", d)
			}
			t.Logf("%d parameters; eval logits max abs diff %.2g", m.NumParams(), d)
		})
	}
}

// checkFixedValues compares the entries a model fixes itself (FBCNet's
// filter taps, designed as MNE designs them) with braindecode's.
func checkFixedValues(t *testing.T, m *nn.Model, want nn.StateDict) {
	t.Helper()
	sd := nn.InitWeights(m, 1)
	for _, p := range m.Params() {
		if p.Value == nil {
			continue
		}
		d := maxAbsDiff(sd[p.FullName].Data, want[p.FullName].Data)
		if d > 1e-7 {
			t.Errorf("%s differs from braindecode's by %g", p.FullName, d)
		}
		t.Logf("%s (%d taps) max abs diff from braindecode's %.2g", p.FullName, p.Size(), d)
	}
}

// TestBuild: Build infers a Linear's input size from the layers before it
// and refuses layers that do not fit or a model that does not end in one
// value per class, saying where.
func TestBuild(t *testing.T) {
	m := models.EEGNet(nn.ELU)
	m.Blocks[3].Layers[0] = nn.Linear{Out: 2}
	built, err := m.Build()
	if err != nil {
		t.Fatal(err)
	}
	if got := built.Blocks[3].Layers[0].(nn.Linear).In; got != 736 {
		t.Errorf("inferred Linear.In = %d, want 736", got)
	}
	if m.Blocks[3].Layers[0].(nn.Linear).In != 0 {
		t.Error("Build changed the model it was given")
	}
	for _, tc := range []struct {
		name string
		edit func(*nn.Model)
		want string
	}{
		{"wrong channels", func(m *nn.Model) { m.Blocks[1].Layers[0] = nn.Conv2d{In: 8, Out: 32, Kernel: [2]int{2, 1}} }, "EEGNet depthwiseConv.0 (input [-1, 16, 2, 750]): Conv2d(8, 32"},
		{"no classifier", func(m *nn.Model) { m.Blocks = m.Blocks[:3] }, "a classifier must end in one value per class"},
		{"kernel too large", func(m *nn.Model) { m.Blocks[2].Layers[3] = nn.AvgPool2d(1, 400) }, "is smaller than the kernel"},
	} {
		m := models.EEGNet(nn.ELU)
		tc.edit(m)
		if _, err := m.Build(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
		}
	}
	s, err := models.ShallowFBCSPNet(2, 2, 750, models.DefaultShallowFBCSPNetOptions())
	if err != nil {
		t.Fatal(err)
	}
	table, err := s.SummaryTable()
	if err != nil || !strings.Contains(table, "final_layer.conv_classifier Conv2d(40, 2, kernel_size=(1, 44), stride=(1, 1)) [weight stored as (44, 1)]") || strings.Contains(table, "activation") {
		t.Errorf("ShallowFBCSPNet summary (%v):\n%s", err, table)
	}
}

// TestZooInitialisation: ShallowFBCSPNet starts as braindecode initialises
// it (init.xavier_uniform_ on the convolutions' weights, zeros for biases,
// BatchNorm 1 and 0); EEGNet-v4 keeps PyTorch's defaults.
func TestZooInitialisation(t *testing.T) {
	m, err := models.ShallowFBCSPNet(2, 2, 750, models.DefaultShallowFBCSPNetOptions())
	if err != nil {
		t.Fatal(err)
	}
	sd := nn.InitWeights(m, 1)
	for _, tc := range []struct {
		name   string
		bound  float64 // √(6/(fan_in + fan_out)); 0: all zero
		filled float64 // the largest |w| must exceed filled·bound
	}{
		{"conv_time_spat.conv_time.weight", math.Sqrt(6.0 / (25 + 40*25)), 0.95},
		{"conv_time_spat.conv_spat.weight", math.Sqrt(6.0 / (40*2 + 40*2)), 0.95},
		{"final_layer.conv_classifier.weight", math.Sqrt(6.0 / (40*44 + 2*44)), 0.95},
		{"conv_time_spat.conv_time.bias", 0, 0},
		{"final_layer.conv_classifier.bias", 0, 0},
	} {
		largest := 0.0
		for _, v := range sd[tc.name].Data {
			largest = math.Max(largest, math.Abs(float64(v)))
		}
		if largest > tc.bound || (tc.bound > 0 && largest < tc.filled*tc.bound) {
			t.Errorf("%s: largest |w| %g, want up to %g (and above %g of it)", tc.name, largest, tc.bound, tc.filled)
		}
	}
	v4, _ := models.EEGNetV4(2, 2, 750, models.DefaultEEGNetV4Options())
	w := nn.InitWeights(v4, 1)["conv_temporal.weight"].Data
	largest := 0.0
	for _, v := range w {
		largest = math.Max(largest, math.Abs(float64(v)))
	}
	if bound := 1 / math.Sqrt(64); largest > bound || largest < 0.9*bound {
		t.Errorf("EEGNet-v4 conv_temporal.weight: largest |w| %g, want PyTorch's default bound %g", largest, bound)
	}
}

// TestImportBraindecodeStateDict: a state_dict exported from braindecode
// (np.savez of its tensors) loads into the zoo's model as it is, and gives
// braindecode's eval logits.
func TestImportBraindecodeStateDict(t *testing.T) {
	for _, name := range []string{"shallowfbcspnet", "eegnetv4"} { // the models with braindecode fixtures
		t.Run(name, func(t *testing.T) {
			m, err := models.New(name, nn.NoActivation)
			if err != nil {
				t.Fatal(err)
			}
			sd, err := nn.LoadWeights(filepath.Join("testdata", "parity", name+"_state_dict.npz"), m)
			if err != nil {
				t.Fatal(err)
			}
			net, err := train.NewNet(m, sd, 1, testDevice(t))
			if err != nil {
				t.Fatal(err)
			}
			in, _, err := eeg.ReadTrials(filepath.Join("testdata", "parity", name+"_input.npz"), datasets.LabShape())
			if err != nil {
				t.Fatal(err)
			}
			logits, err := net.Logits(in.X, in.Len())
			if err != nil {
				t.Fatal(err)
			}
			z, err := npz.Open(filepath.Join("testdata", "parity", name+"_state_dict_logits.npz"))
			if err != nil {
				t.Fatal(err)
			}
			defer z.Close()
			want, err := z.Array("logits")
			if err != nil {
				t.Fatal(err)
			}
			if got := flatLogits(logits); len(got) != 12 || len(want.Data) != 12 {
				t.Fatalf("%d logits, braindecode %d; want 6 trials × 2", len(got), len(want.Data))
			}
			if d := maxAbsDiff(flatLogits(logits), toFloat32(want.Data)); d > 1e-4 {
				t.Errorf("logits differ from braindecode's by %g", d)
			} else {
				t.Logf("logits max abs diff %.2g", d)
			}
		})
	}
}
