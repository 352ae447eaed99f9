package train_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/internal/fixtures"
	"github.com/eegkit/eegkit/eegkit/internal/synthtest"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/train"
)

// TestComposedEqualsPyTorch checks a network with an inception block
// (nn.Concat) and a residual block with a projection (nn.Residual), each
// holding BatchNorms, against the torch module of
// scripts/compose_fixtures.py: its state_dict names and shapes, eval and
// train logits, loss, gradients, one Adam step and the running statistics.
func TestComposedEqualsPyTorch(t *testing.T) {
	fx := loadParityFixture(t, "composed")
	m, err := fixtures.Model("composed")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, p := range m.Params() {
		names[p.FullName] = true
		if fx.init[p.FullName] == nil {
			t.Errorf("eegkit's %s is not in the torch module's state_dict", p.FullName)
		}
	}
	for name := range fx.init {
		if !names[name] {
			t.Errorf("the torch module's %s is not among eegkit's parameters", name)
		}
	}
	for _, want := range []string{"inception.0.0.weight", "inception.1.1.bias", "res.conv1.weight", "res.bn2.running_var", "res.downsample.weight"} {
		if !names[want] {
			t.Errorf("no parameter %s", want)
		}
	}
	checkModelParity(t, m, fx, train.TrainConfig{Model: "composed"}, testDevice(t))
}

// TestComposedSavesTrainsAndSummarises saves the composed model as a spec
// and loads it back equal, lists its nested layers in its summary and
// costs, and trains it two epochs with its dropouts (inside the residual
// block too) drawing their masks.
func TestComposedSavesTrainsAndSummarises(t *testing.T) {
	m, err := fixtures.Model("composed")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := m.Spec()
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(spec)
	var back nn.ModelSpec
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	again, err := back.Model()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, m) {
		t.Errorf("the spec's model differs:\n%+v\n%+v", again, m)
	}
	table, err := m.SummaryTable()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"inception.0.0 ", "inception.1.0 ", "res.conv2 ", "res.downsample ", "Total trainable parameters: " + itoa(m.NumParams())} {
		if !strings.Contains(table, want) {
			t.Errorf("summary lacks %q:\n%s", want, table)
		}
	}
	costs, err := m.Costs()
	if err != nil || len(costs) == 0 || costs[len(costs)-1].Name != "classify" {
		t.Errorf("costs: %v %v", costs, err)
	}
	masks, err := m.DropoutMasks(m.NumLayers(), 4)
	if err != nil || len(masks) != 2 || masks[0].Layer != "res.drop" || masks[0].Shape != [4]int{12, 1, 4, 750} {
		t.Errorf("dropout masks %+v, %v; want res.drop [12 1 4 750] and head.2", masks, err)
	}
	cfg, err := train.TrainConfig{Epochs: 2, Batch: 16, LR: 1e-3, Seed: 1}.WithModel(m)
	if err != nil {
		t.Fatal(err)
	}
	run, err := train.Fit(context.Background(), cfg, synthtest.Small(t), train.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(run.History) != 2 || run.History[1].TrainLoss >= run.History[0].TrainLoss*2 {
		t.Errorf("history %+v", run.History)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
