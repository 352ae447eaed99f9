package eegkit

import (
	"fmt"
	"strings"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/nn"
)

// LabInput is the lab's per-trial input: one plane of 2 bipolar channels × 750 samples.
var LabInput = nn.Shape3{1, eeg.Channels, eeg.Samples}

// ModelNames lists the lab's models, as used on the command line.
var ModelNames = []string{"eegnet", "deepconvnet"}

// ZooNames lists the models beyond the lab's, braindecode's, built for the
// lab's input (2 channels × 750 samples, 2 classes) by NewModel.
var ZooNames = []string{"shallowfbcspnet", "eegnetv4"}

// NewModel builds a model by name (any case): the lab's "eegnet" or
// "deepconvnet" with activation act (NoActivation is ELU), or one of the
// zoo's for the lab's input: "eegnetv4" (act replaces its ELU; NoActivation
// keeps it) or "shallowfbcspnet" (its nonlinearity is fixed: act must be
// NoActivation).
func NewModel(name string, act nn.Activation) (*nn.Model, error) {
	lab := act
	if act == nn.NoActivation {
		lab = nn.ELU
	}
	switch strings.NewReplacer("_", "", "-", "", " ", "").Replace(strings.ToLower(strings.TrimSpace(name))) {
	case "eegnet":
		return EEGNet(lab), nil
	case "deepconvnet", "deepconv":
		return DeepConvNet(lab), nil
	case "eegnetv4":
		o := DefaultEEGNetV4Options()
		o.Activation = lab
		return EEGNetV4(eeg.Channels, 2, eeg.Samples, o)
	case "shallowfbcspnet", "shallow":
		if act != nn.NoActivation {
			return nil, fmt.Errorf("shallowfbcspnet's nonlinearity is fixed (square, then log after pooling): leave the activation (--act) out")
		}
		return ShallowFBCSPNet(eeg.Channels, 2, eeg.Samples, DefaultShallowFBCSPNetOptions())
	}
	return nil, fmt.Errorf("unknown model %q: use eegnet, deepconvnet, eegnetv4 or shallowfbcspnet", name)
}
