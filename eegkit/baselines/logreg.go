package baselines

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/optimize"
)

// logReg is L2-regularised logistic regression as scikit-learn's
// LogisticRegression(C) fits it by default (lbfgs, intercept unpenalised):
// for two classes one weight vector w and bias b minimising
// Σᵢ log(1 + exp(−sᵢ(w·xᵢ + b))) + ‖w‖²/(2C) with sᵢ = ±1; for K > 2 the
// multinomial model, K weight vectors and biases minimising
// Σᵢ −log softmax(Wxᵢ + b)_{yᵢ} + ‖W‖²_F/(2C). It is written here because
// gonum has the optimiser (L-BFGS) but no classifier; it is solved to a
// gradient norm of 1e-9, tighter than scikit-learn's tol 1e-4, so the two
// agree on every trial but those within that tolerance of the boundary.
type logReg struct {
	k, dim int
	w      []float64 // k' rows of dim weights then k' biases; k' = 1 for two classes
}

func (m *logReg) rows() int {
	if m.k == 2 {
		return 1
	}
	return m.k
}

// scores are the linear scores of x: one (the log-odds of class 1) for two
// classes, K otherwise.
func (m *logReg) scores(x []float64, w []float64) []float64 {
	r := m.rows()
	out := make([]float64, r)
	for c := range r {
		s := w[r*m.dim+c]
		row := w[c*m.dim : (c+1)*m.dim]
		for j, v := range x {
			s += row[j] * v
		}
		out[c] = s
	}
	return out
}

// fitLogReg fits the model to the rows of x with labels y in 0 … k−1.
func fitLogReg(x [][]float64, y []int32, k int, c float64) (*logReg, error) {
	if len(x) == 0 || k < 2 || !(c > 0) {
		return nil, fmt.Errorf("logistic regression: %d samples, %d classes, C = %g", len(x), k, c)
	}
	m := &logReg{k: k, dim: len(x[0])}
	r := m.rows()
	n := r*m.dim + r
	f := func(w []float64) float64 {
		loss := 0.0
		for i, xi := range x {
			s := m.scores(xi, w)
			if r == 1 {
				z := s[0]
				if y[i] == 0 {
					z = -z
				}
				loss += softplus(-z)
				continue
			}
			loss += logSumExp(s) - s[y[i]]
		}
		for _, v := range w[:r*m.dim] {
			loss += v * v / (2 * c)
		}
		return loss
	}
	grad := func(g, w []float64) {
		for j := range g {
			g[j] = 0
		}
		for i, xi := range x {
			s := m.scores(xi, w)
			d := make([]float64, r) // ∂loss/∂score
			if r == 1 {
				d[0] = sigmoid(s[0]) - float64(y[i])
			} else {
				lse := logSumExp(s)
				for cl := range r {
					d[cl] = math.Exp(s[cl] - lse)
				}
				d[y[i]]--
			}
			for cl := range r {
				row := g[cl*m.dim : (cl+1)*m.dim]
				for j, v := range xi {
					row[j] += d[cl] * v
				}
				g[r*m.dim+cl] += d[cl]
			}
		}
		for j, v := range w[:r*m.dim] {
			g[j] += v / c
		}
	}
	res, err := optimize.Minimize(optimize.Problem{Func: f, Grad: grad}, make([]float64, n),
		&optimize.Settings{GradientThreshold: 1e-9, MajorIterations: 10000}, &optimize.LBFGS{})
	if err != nil && res == nil {
		return nil, fmt.Errorf("logistic regression: %w", err)
	}
	m.w = res.X
	return m, nil
}

// predict is the most probable class of x and its scores.
func (m *logReg) predict(x []float64) (int32, []float64) {
	s := m.scores(x, m.w)
	if m.rows() == 1 {
		if s[0] > 0 {
			return 1, s
		}
		return 0, s
	}
	best := 0
	for c, v := range s {
		if v > s[best] {
			best = c
		}
	}
	return int32(best), s
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// softplus is log(1 + eᶻ) without overflow.
func softplus(z float64) float64 {
	if z > 0 {
		return z + math.Log1p(math.Exp(-z))
	}
	return math.Log1p(math.Exp(z))
}

func logSumExp(s []float64) float64 {
	mx := math.Inf(-1)
	for _, v := range s {
		mx = math.Max(mx, v)
	}
	sum := 0.0
	for _, v := range s {
		sum += math.Exp(v - mx)
	}
	return mx + math.Log(sum)
}
