package train_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/internal/fixtures"
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/train"
)

// TestOptimizersEqualPyTorch trains the lab's EEGNet three full-batch steps
// with each optimizer, loss and clip of scripts/optim_fixtures.py and
// compares the loss before each step and the whole state_dict after the
// first and the third with torch.optim's.
func TestOptimizersEqualPyTorch(t *testing.T) {
	fx := compactFixture(t, "optim")
	base := loadParityFixture(t, "eegnet_elu")
	cases := map[string]train.TrainConfig{
		"adamw":        {Optimizer: "adamw", LR: 1e-3, WeightDecay: 1e-2},
		"sgd":          {Optimizer: "sgd", LR: 1e-2},
		"sgd_nesterov": {Optimizer: "sgd", LR: 1e-2, Momentum: 0.9, Nesterov: true, WeightDecay: 1e-3},
		"sgd_momentum": {Optimizer: "sgd", LR: 1e-2, Momentum: 0.5, Clip: 0.5},
		"adam_smooth":  {LR: 1e-3, LabelSmoothing: 0.1, Clip: 1},
	}
	for name, cfg := range cases {
		t.Run(name, func(t *testing.T) {
			cfg.Model, cfg.Activation, cfg.Epochs, cfg.Batch, cfg.Seed = "eegnet", "elu", 3, base.numTrial, 1
			if err := cfg.Validate(); err != nil {
				t.Fatal(err)
			}
			m, err := models.New("eegnet", nn.ELU)
			if err != nil {
				t.Fatal(err)
			}
			m = m.WithDropout(0)
			net, err := train.NewNet(m, base.init, 1, testDevice(t))
			if err != nil {
				t.Fatal(err)
			}
			idx := []int{0, 1, 2, 3, 4, 5}
			adam := cfg.Optimizer != train.OptimizerSGD
			losses := fx[name+"__loss"]
			lossDiff := 0.0
			defer func() { t.Logf("losses within %.2g of PyTorch's", lossDiff) }()
			for k := 1; k <= 3; k++ {
				st, err := net.TrainStep(base.x, base.y, idx, cfg, cfg.LR)
				if err != nil {
					t.Fatal(err)
				}
				d := math.Abs(st.Loss - losses[k-1])
				lossDiff = math.Max(lossDiff, d)
				if d > 1e-5 {
					t.Errorf("step %d: loss %g, PyTorch %g", k, st.Loss, losses[k-1])
				}
				if k == 2 {
					continue
				}
				sd, err := net.StateDict()
				if err != nil {
					t.Fatal(err)
				}
				worst, where, ill := 0.0, "", 0
				for _, p := range m.Params() {
					want := fx[name+"__after"+string(rune('0'+k))+"__"+p.FullName]
					if want == nil {
						t.Fatalf("the fixture has no %s after step %d", p.FullName, k)
					}
					ours, before := sd[p.FullName].Data, base.init[p.FullName].Data
					for i, w := range fixtures.Float32(want) {
						// Adam's update is lr·m/(√v+ε): where the gradient is float32 noise around
						// zero (|g| < 1e-6 at the start; the first BatchNorm's bias, whose shift
						// the next BatchNorm removes) it follows the noise's sign, so there it is
						// only required to stay within Adam's bound of lr per step.
						if adam && p.Trainable() && math.Abs(float64(base.grads[p.FullName].Data[i])) < 1e-6 {
							ill++
							if step := math.Abs(float64(ours[i]) - float64(before[i])); step > float64(k)*cfg.LR*1.001+1e-6 {
								t.Errorf("step %d: Adam moved %s[%d] by %g, more than %d·lr", k, p.FullName, i, step, k)
							}
							continue
						}
						d := math.Abs(float64(ours[i]) - float64(w))
						if adam && p.FullName == "depthwiseConv.1.running_mean" {
							// The mean this BatchNorm tracks moves with that bias through the
							// depthwise weights (2 taps per channel): by at most k·lr·Σ|w|.
							w := sd["depthwiseConv.0.weight"].Data[2*i : 2*i+2]
							bound := float64(k) * cfg.LR * (math.Abs(float64(w[0])) + math.Abs(float64(w[1])))
							if d > bound+1e-4 {
								t.Errorf("step %d: %s[%d] differs by %g, more than the noisy bias explains (%g)", k, p.FullName, i, d, bound)
							}
							continue
						}
						if d > worst {
							worst, where = d, p.FullName
						}
					}
				}
				if worst > 1e-4 {
					t.Errorf("after step %d the state differs from PyTorch's by %g (%s; > 1e-4)", k, worst, where)
				}
				t.Logf("after step %d: max abs diff %.2g (%s); %d values of |gradient| < 1e-6 within Adam's bound", k, worst, where, ill)
			}
		})
	}
}

// TestSchedulesEqualPyTorch compares EpochLR with torch's schedulers
// composed as scripts/optim_fixtures.py composes them.
func TestSchedulesEqualPyTorch(t *testing.T) {
	fx := compactFixture(t, "optim")
	cases := map[string]train.TrainConfig{
		"warmup_cosine":  {Epochs: 10, Warmup: 3, Schedule: train.ScheduleCosine},
		"warmup_step":    {Epochs: 10, Warmup: 2, Schedule: train.ScheduleStep, StepEvery: 3, Gamma: 0.5},
		"warmup1_cosine": {Epochs: 6, Warmup: 1, Schedule: train.ScheduleCosine},
		"cosine":         {Epochs: 8, Schedule: train.ScheduleCosine},
	}
	for name, cfg := range cases {
		cfg.LR = 1e-3
		want := fx["lrs__"+name]
		if len(want) != cfg.Epochs {
			t.Fatalf("%s: the fixture has %d epochs, the case %d", name, len(want), cfg.Epochs)
		}
		var got []string
		for e := 1; e <= cfg.Epochs; e++ {
			if d := math.Abs(cfg.EpochLR(e) - want[e-1]); d > 1e-15 {
				t.Errorf("%s epoch %d: lr %g, PyTorch %g", name, e, cfg.EpochLR(e), want[e-1])
			}
			got = append(got, fmt.Sprintf("%.4g", cfg.EpochLR(e)))
		}
		t.Logf("%s: %s", name, strings.Join(got, " "))
	}
}
