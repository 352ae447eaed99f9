package nn_test

import (
	"testing"

	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
)

// TestCosts checks the multiply-adds per trial against hand counts from
// the layer tables (eegkit summary): the lab's EEGNet's first convolution is
// 16 filters × 2 rows × 750 samples × 51 taps = 1,224,000 (and needs no
// input gradient), its depthwise one 32 × 750 × 2 taps, its separable one
// 32 × 187 × 32 channels × 15 taps, its classifier 736 × 2; DeepConvNet's
// first is 25 × 2 × 746 × 5.
func TestCosts(t *testing.T) {
	for _, tc := range []struct {
		model string
		first int64
		fwd   int64
	}{
		{"eegnet", 16 * 2 * 750 * 51, 16*2*750*51 + 32*750*2 + 32*187*32*15 + 736*2},
		{"deepconvnet", 25 * 2 * 746 * 5, 0},
	} {
		m, err := models.New(tc.model, nn.ELU)
		if err != nil {
			t.Fatal(err)
		}
		cs, err := m.Costs()
		if err != nil {
			t.Fatal(err)
		}
		if cs[0].Forward != tc.first || cs[0].Backward != cs[0].Forward {
			t.Errorf("%s first layer: %+v, want %d forward and backward", tc.model, cs[0], tc.first)
		}
		fwd, bwd := nn.TotalCost(cs)
		if tc.fwd != 0 && fwd != tc.fwd {
			t.Errorf("%s: %d forward multiply-adds per trial, want %d", tc.model, fwd, tc.fwd)
		}
		if bwd != 2*fwd-cs[0].Forward {
			t.Errorf("%s: %d backward, want twice the forward %d less the first layer's input gradient", tc.model, bwd, fwd)
		}
		t.Logf("%s: %.2f M forward, %.2f M backward multiply-adds per trial", tc.model, float64(fwd)/1e6, float64(bwd)/1e6)
	}
}
