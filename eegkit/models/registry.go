package models

import (
	"fmt"
	"strings"

	"github.com/eegkit/eegkit/eegkit/nn"
)

// LabInput is the lab's per-trial input: one plane of 2 bipolar channels × 750 samples.
var LabInput = nn.Shape3{1, 2, 750}

// LabRate is the lab's sampling rate, Hz.
const LabRate = 125.0

// A Builder builds a model for trials of nChans channels × nTimes samples
// at sfreq Hz and nOutputs classes. act is the activation asked for;
// NoActivation means the model's own. sfreq is 0 when not known; a model
// whose Entry says Rate gets it always.
type Builder func(nChans, nOutputs, nTimes int, sfreq float64, act nn.Activation) (*nn.Model, error)

// An Entry is a model in the registry.
type Entry struct {
	Name    string   // the command line's name, lower case: "eegnet"
	Aliases []string // other names it answers to
	Doc     string   // one line: what it is
	Build   Builder
	// Rate is whether the model's layers depend on the sampling rate
	// (kernels in seconds, say): it is built only with one.
	Rate bool
	// Preset, if not nil, gives the batch size and Adam learning rate the
	// model trains with by default for an activation (NoActivation: the
	// model's own), and where they come from; nil means DefaultPreset.
	Preset func(act nn.Activation) Preset
}

// Preset is a model's default training hyperparameters.
type Preset struct {
	Batch  int
	LR     float64
	Epochs int
	Source string // where they come from: "the lab", "braindecode's motor-imagery example"
	// The optimizer (train.Optimizers; "" is Adam), its weight decay and the
	// learning-rate schedule ("" is constant), where the model's reference
	// trains otherwise than with the lab's Adam.
	Optimizer   string
	WeightDecay float64
	Schedule    string
}

// labEpochs is the lab's protocol: 300 epochs for every run.
const labEpochs = 300

// DefaultPreset is the preset of a model registered without one: batch 64,
// Adam's default learning rate (1e-3) and the lab's 300 epochs.
var DefaultPreset = Preset{Batch: 64, LR: 1e-3, Epochs: labEpochs, Source: "eegkit's default (batch 64, Adam's default learning rate, 300 epochs)"}

// PresetOf is the preset of the model called name for act.
func PresetOf(name string, act nn.Activation) (Preset, error) {
	e, err := Lookup(name)
	if err != nil {
		return Preset{}, err
	}
	if e.Preset == nil {
		return DefaultPreset, nil
	}
	return e.Preset(act), nil
}

var registry []Entry

// Register adds a model to the registry, under a name no other model has.
// Like every registry of eegkit (metrics.Register, nn.RegisterLayer,
// augment.Register) and the standard library's (sql.Register, gob.Register),
// it is called from an init function and panics on an entry without a name
// or a Build function, or on a name that is taken: a program that registers
// wrongly fails when it starts.
func Register(e Entry) {
	if e.Build == nil || e.Name == "" {
		panic("models.Register: an entry needs a name and a Build function")
	}
	for _, n := range append([]string{e.Name}, e.Aliases...) {
		if old, err := Lookup(n); err == nil {
			panic(fmt.Sprintf("models.Register(%q): the name %q is taken by %s", e.Name, n, old.Name))
		}
	}
	registry = append(registry, e)
}

// Entries lists the registry's entries in the order they were registered.
func Entries() []Entry { return append([]Entry(nil), registry...) }

// Names lists the registered models in the order they were registered.
func Names() []string {
	out := make([]string, len(registry))
	for i, e := range registry {
		out[i] = e.Name
	}
	return out
}

// Lookup finds a model by its name or an alias, in any case and with or
// without "_", "-" and spaces.
func Lookup(name string) (Entry, error) {
	key := nn.NormalizeName(name)
	for _, e := range registry {
		for _, n := range append([]string{e.Name}, e.Aliases...) {
			if n == key {
				return e, nil
			}
		}
	}
	return Entry{}, fmt.Errorf("unknown model %q: use %s", name, strings.Join(Names(), ", "))
}

// For builds the model called name for trials of nChans × nTimes and
// nOutputs classes, for a model that does not depend on the sampling rate
// (ForRate for one that does).
func For(name string, nChans, nOutputs, nTimes int, act nn.Activation) (*nn.Model, error) {
	return ForRate(name, nChans, nOutputs, nTimes, 0, act)
}

// ForRate builds the model called name for trials of nChans × nTimes at
// sfreq Hz and nOutputs classes; sfreq may be 0 for a model whose layers
// do not depend on it.
func ForRate(name string, nChans, nOutputs, nTimes int, sfreq float64, act nn.Activation) (*nn.Model, error) {
	e, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	if e.Rate && !(sfreq > 0) {
		return nil, fmt.Errorf("%s's layers depend on the sampling rate: give it (--rate HZ, or data that has one)", e.Name)
	}
	return e.Build(nChans, nOutputs, nTimes, sfreq, act)
}

// New builds the model called name for the lab's input (2 channels × 750
// samples at 125 Hz, 2 classes): the lab's "eegnet" or "deepconvnet" with
// activation act (NoActivation is ELU), or one of the zoo's (act replaces
// its activation; NoActivation keeps it; shallowfbcspnet's nonlinearity is
// fixed: act must be NoActivation).
func New(name string, act nn.Activation) (*nn.Model, error) {
	return ForRate(name, LabInput[1], 2, LabInput[2], LabRate, act)
}

// orELU is act, or ELU when act is NoActivation (the lab's models need one).
func orELU(act nn.Activation) nn.Activation {
	if act == nn.NoActivation {
		return nn.ELU
	}
	return act
}

func init() {
	for _, e := range []Entry{
		{Name: "eegnet", Doc: "the lab's EEGNet", Build: func(c, k, t int, _ float64, act nn.Activation) (*nn.Model, error) {
			return EEGNetWith(c, k, t, DefaultEEGNetOptions(orELU(act)))
		}, Preset: func(act nn.Activation) Preset {
			// The lab: ReLU batch 64 lr 1e-3, LeakyReLU batch 12 lr 4e-4, ELU batch 12 lr 5e-4.
			switch orELU(act) {
			case nn.ReLU:
				return Preset{Batch: 64, LR: 1e-3, Epochs: labEpochs, Source: "the lab"}
			case nn.LeakyReLU:
				return Preset{Batch: 12, LR: 4e-4, Epochs: labEpochs, Source: "the lab"}
			}
			return Preset{Batch: 12, LR: 5e-4, Epochs: labEpochs, Source: "the lab"}
		}},
		{Name: "deepconvnet", Aliases: []string{"deepconv"}, Doc: "the lab's DeepConvNet", Build: func(c, k, t int, _ float64, act nn.Activation) (*nn.Model, error) {
			return DeepConvNetWith(c, k, t, orELU(act))
		}, Preset: func(act nn.Activation) Preset {
			// The lab: batch 64, lr 1e-3 with ReLU and 3e-4 otherwise.
			if orELU(act) == nn.ReLU {
				return Preset{Batch: 64, LR: 1e-3, Epochs: labEpochs, Source: "the lab"}
			}
			return Preset{Batch: 64, LR: 3e-4, Epochs: labEpochs, Source: "the lab"}
		}},
		{Name: "shallowfbcspnet", Aliases: []string{"shallow"}, Doc: "braindecode's ShallowFBCSPNet (Schirrmeister et al. 2017)", Build: func(c, k, t int, _ float64, act nn.Activation) (*nn.Model, error) {
			if act != nn.NoActivation {
				return nil, fmt.Errorf("shallowfbcspnet's nonlinearity is fixed (square, then log after pooling): leave the activation (--act) out")
			}
			return ShallowFBCSPNet(c, k, t, DefaultShallowFBCSPNetOptions())
		}, Preset: func(nn.Activation) Preset {
			// braindecode's motor-imagery example: lr 0.0625·0.01, batch 64.
			return Preset{Batch: 64, LR: 6.25e-4, Epochs: DefaultPreset.Epochs, Source: "braindecode's motor-imagery example; epochs: eegkit's default"}
		}},
		{Name: "eegnetv4", Doc: "braindecode's EEGNet, the paper's EEGNet-8,2 (Lawhern et al. 2018)", Build: func(c, k, t int, _ float64, act nn.Activation) (*nn.Model, error) {
			o := DefaultEEGNetV4Options()
			o.Activation = orELU(act)
			return EEGNetV4(c, k, t, o)
		}, Preset: func(nn.Activation) Preset {
			// Lawhern et al.: Adam with its default learning rate, batch 64.
			return Preset{Batch: 64, LR: 1e-3, Epochs: DefaultPreset.Epochs, Source: "Lawhern et al. 2018, Adam's default learning rate; epochs: eegkit's default"}
		}},
		{Name: "deep4net", Aliases: []string{"deep4"}, Doc: "braindecode's Deep4Net (Schirrmeister et al. 2017)", Build: func(c, k, t int, _ float64, act nn.Activation) (*nn.Model, error) {
			o := DefaultDeep4NetOptions()
			o.Activation = orELU(act)
			return Deep4Net(c, k, t, o)
		}, Preset: func(nn.Activation) Preset {
			// braindecode's trialwise decoding example for Deep4Net: AdamW, lr 0.01, weight decay
			// 0.5·0.001, cosine annealing, batch 64.
			return Preset{Batch: 64, LR: 1e-2, Epochs: DefaultPreset.Epochs, Optimizer: "adamw", WeightDecay: 5e-4, Schedule: "cosine",
				Source: "braindecode's trialwise decoding example for Deep4Net (AdamW, cosine annealing); epochs: eegkit's default"}
		}},
		{Name: "eegconformer", Aliases: []string{"conformer"}, Doc: "braindecode's EEGConformer (Song et al. 2023)", Build: func(c, k, t int, _ float64, act nn.Activation) (*nn.Model, error) {
			o := DefaultEEGConformerOptions()
			o.Activation = orELU(act)
			return EEGConformer(c, k, t, o)
		}, Preset: func(nn.Activation) Preset {
			// Song et al. 2023: Adam, lr 0.0002 (β₁ 0.5, β₂ 0.999), batch 72.
			return Preset{Batch: 72, LR: 2e-4, Epochs: DefaultPreset.Epochs, Source: "Song et al. 2023 (Adam, lr 2e-4, batch 72); epochs: eegkit's default"}
		}},
		{Name: "eegtcnet", Aliases: []string{"tcnet"}, Doc: "braindecode's EEGTCNet (Ingolfsson et al. 2020)", Build: func(c, k, t int, _ float64, act nn.Activation) (*nn.Model, error) {
			o := DefaultEEGTCNetOptions()
			o.Activation = orELU(act)
			return EEGTCNet(c, k, t, o)
		}, Preset: func(nn.Activation) Preset {
			// Ingolfsson et al. 2020: Adam, lr 0.001, batch 64.
			return Preset{Batch: 64, LR: 1e-3, Epochs: DefaultPreset.Epochs, Source: "Ingolfsson et al. 2020 (Adam, lr 1e-3, batch 64); epochs: eegkit's default"}
		}},
		{Name: "eeginceptionmi", Aliases: []string{"inceptionmi"}, Doc: "braindecode's EEGInceptionMI (Zhang et al. 2021)", Rate: true,
			Build: func(c, k, t int, sfreq float64, act nn.Activation) (*nn.Model, error) {
				o := DefaultEEGInceptionMIOptions()
				if act != nn.NoActivation {
					o.Activation = act
				}
				return EEGInceptionMI(c, k, t, sfreq, o)
			}, Preset: func(nn.Activation) Preset {
				// Zhang et al. 2021: Adam, lr 0.001, batch 64.
				return Preset{Batch: 64, LR: 1e-3, Epochs: DefaultPreset.Epochs, Source: "Zhang et al. 2021 (Adam, lr 1e-3, batch 64); epochs: eegkit's default"}
			}},
		{Name: "atcnet", Doc: "braindecode's ATCNet (Altaheri et al. 2022)", Build: func(c, k, t int, _ float64, act nn.Activation) (*nn.Model, error) {
			o := DefaultATCNetOptions()
			o.TCNActivation = orELU(act)
			return ATCNet(c, k, t, o)
		}, Preset: func(nn.Activation) Preset {
			// Altaheri et al. 2022: Adam, lr 0.001, batch 64.
			return Preset{Batch: 64, LR: 1e-3, Epochs: DefaultPreset.Epochs, Source: "Altaheri et al. 2022 (Adam, lr 1e-3, batch 64); epochs: eegkit's default"}
		}},
		{Name: "eegnex", Doc: "braindecode's EEGNeX (Chen et al. 2024)", Build: func(c, k, t int, _ float64, act nn.Activation) (*nn.Model, error) {
			o := DefaultEEGNeXOptions()
			o.Activation = orELU(act)
			return EEGNeX(c, k, t, o)
		}},
		{Name: "sccnet", Doc: "braindecode's SCCNet (Wei et al. 2019)", Rate: true, Build: func(c, k, t int, sfreq float64, act nn.Activation) (*nn.Model, error) {
			if act != nn.NoActivation {
				return nil, fmt.Errorf("sccnet's nonlinearity is fixed (square, then log after pooling): leave the activation (--act) out")
			}
			return SCCNet(c, k, t, sfreq, DefaultSCCNetOptions())
		}},
		{Name: "fbcnet", Doc: "braindecode's FBCNet (Mane et al. 2021)", Rate: true,
			Build: func(c, k, t int, sfreq float64, act nn.Activation) (*nn.Model, error) {
				o := DefaultFBCNetOptions()
				if act != nn.NoActivation {
					o.Activation = act
				}
				return FBCNet(c, k, t, sfreq, o)
			}, Preset: func(nn.Activation) Preset {
				// The authors' code: Adam, lr 0.001, batch 16.
				return Preset{Batch: 16, LR: 1e-3, Epochs: DefaultPreset.Epochs, Source: "Mane et al. 2021's code (Adam, lr 1e-3, batch 16); epochs: eegkit's default"}
			}},
	} {
		Register(e)
	}
}
