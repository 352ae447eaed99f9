package train

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/nn"
)

// identityCases are configurations whose keys the tests compare: the lab's
// presets and one with every field set.
func identityCases(t *testing.T) []TrainConfig {
	var out []TrainConfig
	for _, m := range []string{"eegnet", "deepconvnet"} {
		for _, a := range []nn.Activation{nn.ReLU, nn.LeakyReLU, nn.ELU} {
			c, err := Preset(m, a)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, c)
		}
	}
	p := 0.5
	return append(out, TrainConfig{Model: "eegnetv4", Activation: "elu", Epochs: 40, Batch: 32, LR: 1e-3, WeightDecay: 1e-4, Dropout: &p, Seed: 3,
		Beta1: 0.8, Beta2: 0.99, Eps: 1e-7, ValFraction: 0.2, Select: "val_acc", Patience: 5, Schedule: "step", StepEvery: 10, Gamma: 0.5,
		Augment: "noise:0.1:0.5", Crop: 500, CropStride: 125, Input: &Input{Chans: 17, Times: 960, Classes: 2}})
}

// TestNewFieldAtItsDefaultKeepsIDs: a field added to the identity (as a new
// TrainConfig field would be) changes no key while it is at its default,
// and does change it when it is set.
func TestNewFieldAtItsDefaultKeepsIDs(t *testing.T) {
	cases := identityCases(t)
	before := make([][]byte, len(cases))
	for i, c := range cases {
		before[i] = c.IdentityKey()
	}
	var smoothing float64
	saved := identityFields
	identityFields = append(identityFields[:len(identityFields):len(identityFields)],
		identityField{"label_smoothing", func(TrainConfig) any { return smoothing }, true})
	defer func() { identityFields = saved }()
	for i, c := range cases {
		if got := c.IdentityKey(); !bytes.Equal(got, before[i]) {
			t.Errorf("a new field at its default moved the key: %s, was %s", got, before[i])
		}
	}
	smoothing = 0.1
	if got := cases[0].IdentityKey(); bytes.Equal(got, before[0]) || !strings.HasSuffix(string(got), `,"label_smoothing":0.1}`) {
		t.Errorf("a new field set: key %s", got)
	}
}

// TestIdentityCoversTrainConfig: every field of TrainConfig is part of the
// identity under its JSON name, so none can be forgotten (two runs that
// differ in it would be taken for one).
func TestIdentityCoversTrainConfig(t *testing.T) {
	names := map[string]bool{}
	for _, f := range identityFields {
		names[f.name] = true
	}
	typ := reflect.TypeOf(TrainConfig{})
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		if !names[name] {
			t.Errorf("TrainConfig.%s (json %q) is not in identityFields: add it at the end, with omitEmpty and its default empty", typ.Field(i).Name, name)
		}
	}
}
