package train

import (
	"fmt"
	"math"
	"strings"

	"github.com/eegkit/eegkit/eegkit/nn"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX models read best with the graph ops unqualified.
)

// Optimizer is a rule that updates each trainable parameter from its
// gradient, built into the training step's graph as torch.optim's
// optimizers compute it. Its per-parameter state is kept in named slots
// (torch's optimizer state_dict names), which checkpoints save by name.
type Optimizer interface {
	// Name is the configuration's name of the optimizer ("adam").
	Name() string
	// Slots name the per-parameter state ("exp_avg", "exp_avg_sq"), each
	// the parameter's shape, zero before the first step.
	Slots() []string
	// Scalars are the inputs of step t (from 1) at learning rate lr,
	// computed on the host in float64 as torch computes them in Python.
	Scalars(t int, lr float64) []float64
	// Update returns parameter p after a step with gradient g and its new
	// slots, from its slots and the step's Scalars (as graph scalars).
	Update(p, g *Node, slots, scalars []*Node) (*Node, []*Node)
}

// The optimizers TrainConfig.Optimizer names.
const (
	OptimizerAdam  = "adam"  // torch.optim.Adam (the default): weight decay as an L2 term of the gradient
	OptimizerAdamW = "adamw" // torch.optim.AdamW: weight decay decoupled from the gradient
	OptimizerSGD   = "sgd"   // torch.optim.SGD, with momentum and Nesterov's
)

// Optimizers are the names TrainConfig.Optimizer takes.
func Optimizers() []string { return []string{OptimizerAdam, OptimizerAdamW, OptimizerSGD} }

// Adam is torch.optim.Adam (amsgrad off). At step t, with
// g = ∇ + λ·p (λ the weight decay),
//
//	m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,
//	p ← p − (lr/(1−β₁ᵗ))·m/(√v/√(1−β₂ᵗ) + ε).
type Adam struct {
	Beta1, Beta2, Eps, WeightDecay float64
}

func (Adam) Name() string    { return OptimizerAdam }
func (Adam) Slots() []string { return []string{"exp_avg", "exp_avg_sq"} }

// Scalars are the step size lr/(1−β₁ᵗ) and √(1−β₂ᵗ).
func (a Adam) Scalars(t int, lr float64) []float64 {
	return []float64{lr / (1 - math.Pow(a.Beta1, float64(t))), math.Sqrt(1 - math.Pow(a.Beta2, float64(t)))}
}

func (a Adam) Update(p, g *Node, slots, sc []*Node) (*Node, []*Node) {
	if a.WeightDecay != 0 {
		g = Add(g, MulScalar(p, a.WeightDecay))
	}
	return adamStep(p, g, slots, sc, a.Beta1, a.Beta2, a.Eps)
}

// adamStep is Adam's moment updates and step from gradient g.
func adamStep(p, g *Node, slots, sc []*Node, b1, b2, eps float64) (*Node, []*Node) {
	m := Add(MulScalar(slots[0], b1), MulScalar(g, 1-b1))
	v := Add(MulScalar(slots[1], b2), MulScalar(Square(g), 1-b2))
	denom := AddScalar(Div(Sqrt(v), sc[1]), eps)
	return Sub(p, Mul(sc[0], Div(m, denom))), []*Node{m, v}
}

// AdamW is torch.optim.AdamW (amsgrad off): the parameter first decays,
// p ← p·(1 − lr·λ), then takes Adam's step with the plain gradient.
type AdamW struct {
	Beta1, Beta2, Eps, WeightDecay float64
}

func (AdamW) Name() string    { return OptimizerAdamW }
func (AdamW) Slots() []string { return Adam{}.Slots() }

// Scalars are Adam's and the decay factor 1 − lr·λ.
func (a AdamW) Scalars(t int, lr float64) []float64 {
	return append(Adam{Beta1: a.Beta1, Beta2: a.Beta2}.Scalars(t, lr), 1-lr*a.WeightDecay)
}

func (a AdamW) Update(p, g *Node, slots, sc []*Node) (*Node, []*Node) {
	return adamStep(Mul(p, sc[2]), g, slots, sc, a.Beta1, a.Beta2, a.Eps)
}

// SGD is torch.optim.SGD (dampening 0). With g = ∇ + λ·p and momentum μ,
//
//	b ← μb + g (b = g at the first step),
//	p ← p − lr·(g + μb) with Nesterov's momentum, else p − lr·b;
//
// without momentum p ← p − lr·g.
type SGD struct {
	Momentum, WeightDecay float64
	Nesterov              bool
}

func (SGD) Name() string { return OptimizerSGD }

func (s SGD) Slots() []string {
	if s.Momentum == 0 {
		return nil
	}
	return []string{"momentum_buffer"}
}

// Scalars are the learning rate.
func (SGD) Scalars(_ int, lr float64) []float64 { return []float64{lr} }

func (s SGD) Update(p, g *Node, slots, sc []*Node) (*Node, []*Node) {
	if s.WeightDecay != 0 {
		g = Add(g, MulScalar(p, s.WeightDecay))
	}
	if s.Momentum == 0 {
		return Sub(p, Mul(sc[0], g)), nil
	}
	// The buffer starts at zero, so its first value μ·0 + g is g, as torch's clone.
	b := Add(MulScalar(slots[0], s.Momentum), g)
	d := b
	if s.Nesterov {
		d = Add(g, MulScalar(b, s.Momentum))
	}
	return Sub(p, Mul(sc[0], d)), []*Node{b}
}

// Optim is the configuration's optimizer, with PyTorch's defaults where a
// value is zero.
func (c TrainConfig) Optim() Optimizer {
	b1, b2, eps := c.Adam()
	switch c.Optimizer {
	case OptimizerAdamW:
		return AdamW{Beta1: b1, Beta2: b2, Eps: eps, WeightDecay: c.WeightDecay}
	case OptimizerSGD:
		return SGD{Momentum: c.Momentum, WeightDecay: c.WeightDecay, Nesterov: c.Nesterov}
	}
	return Adam{Beta1: b1, Beta2: b2, Eps: eps, WeightDecay: c.WeightDecay}
}

// checkOptimizer says what is wrong with the configuration's optimizer
// settings, if anything.
func (c TrainConfig) checkOptimizer() error {
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
	adam := c.Optimizer != OptimizerSGD
	switch {
	case c.Optimizer != "" && c.Optimizer != OptimizerAdam && c.Optimizer != OptimizerAdamW && c.Optimizer != OptimizerSGD:
		return fmt.Errorf("unknown optimizer %q (want %s)", c.Optimizer, strings.Join(Optimizers(), ", "))
	case bad(c.Momentum) || c.Momentum < 0 || c.Momentum >= 1:
		return fmt.Errorf("momentum must be in [0, 1), got %g", c.Momentum)
	case c.Momentum != 0 && adam:
		return fmt.Errorf("momentum %g is SGD's: set the optimizer to sgd (Adam's momentum is beta1)", c.Momentum)
	case c.Nesterov && (adam || c.Momentum == 0):
		return fmt.Errorf("Nesterov's momentum needs the sgd optimizer with a momentum > 0")
	case !adam && (c.Beta1 != 0 || c.Beta2 != 0 || c.Eps != 0):
		return fmt.Errorf("beta1, beta2 and eps are Adam's; the sgd optimizer has none")
	case bad(c.LabelSmoothing) || c.LabelSmoothing < 0 || c.LabelSmoothing >= 1:
		return fmt.Errorf("label smoothing must be in [0, 1), got %g", c.LabelSmoothing)
	case bad(c.Clip) || c.Clip < 0:
		return fmt.Errorf("the gradient norm clip must be >= 0 (0: none), got %g", c.Clip)
	case c.Warmup < 0 || c.Warmup >= c.Epochs:
		return fmt.Errorf("warm-up must be 0 to %d epochs (fewer than the %d epochs), got %d", c.Epochs-1, c.Epochs, c.Warmup)
	}
	return nil
}

// clipGradients scales the gradients by min(1, max/(‖g‖ + 1e-6)), ‖g‖ the
// norm of all of them together, as torch.nn.utils.clip_grad_norm_.
func clipGradients(grads []*Node, maxNorm float64) []*Node {
	sq := make([]*Node, len(grads))
	for i, g := range grads {
		sq[i] = ReduceAllSum(Square(g))
	}
	norm := Sqrt(nn.SumNodes(sq))
	coef := MinScalar(Div(Scalar(norm.Graph(), norm.DType(), maxNorm), AddScalar(norm, 1e-6)), 1)
	out := make([]*Node, len(grads))
	for i, g := range grads {
		out[i] = Mul(g, coef)
	}
	return out
}
