package riemann

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Covariance estimators, by pyriemann's names.
const (
	SCM = "scm" // sample covariance XXᵀ/T of the centred trial
	LWF = "lwf" // Ledoit–Wolf shrinkage
	OAS = "oas" // oracle approximating shrinkage
)

// Covariance estimates the C×C covariance of a trial x of C channels × T
// samples (row-major) with estimator SCM, LWF or OAS, as pyriemann's
// covariances(X, estimator) does (scikit-learn's empirical_covariance,
// ledoit_wolf and oas: every channel's mean removed first).
func Covariance(x []float64, chans int, estimator string) (*mat.SymDense, error) {
	if chans < 1 || len(x)%chans != 0 || len(x) == 0 {
		return nil, fmt.Errorf("riemann: %d values are not a trial of %d channels", len(x), chans)
	}
	t := len(x) / chans
	xc := make([]float64, len(x))
	for c := range chans {
		row := x[c*t : (c+1)*t]
		mean := 0.0
		for _, v := range row {
			mean += v
		}
		mean /= float64(t)
		for i, v := range row {
			xc[c*t+i] = v - mean
		}
	}
	xm := mat.NewDense(chans, t, xc)
	s := mat.NewSymDense(chans, nil)
	s.SymOuterK(1/float64(t), xm)
	var shrink float64
	switch estimator {
	case SCM:
		return s, nil
	case LWF:
		shrink = ledoitWolfShrinkage(xc, chans, t, s)
	case OAS:
		shrink = oasShrinkage(chans, t, s)
	default:
		return nil, fmt.Errorf("unknown covariance estimator %q (want %s, %s or %s)", estimator, SCM, LWF, OAS)
	}
	mu := mat.Trace(s) / float64(chans)
	out := mat.NewSymDense(chans, nil)
	for i := range chans {
		for j := i; j < chans; j++ {
			v := (1 - shrink) * s.At(i, j)
			if i == j {
				v += shrink * mu
			}
			out.SetSym(i, j, v)
		}
	}
	return out, nil
}

// ledoitWolfShrinkage is scikit-learn's ledoit_wolf_shrinkage of the
// centred samples (features = channels, samples = time points):
// β̄ = (Σ‖xₜ‖⁴-like term / T − Σ S²ᵢⱼ)/(C·T), δ = (Σ S²ᵢⱼ − 2μ tr S + Cμ²)/C,
// ρ = min(β̄, δ)/δ.
func ledoitWolfShrinkage(xc []float64, chans, t int, s *mat.SymDense) float64 {
	if chans == 1 {
		return 0
	}
	n, p := float64(t), float64(chans)
	// beta_ = Σ_{ij} (X²ᵀX²)ᵢⱼ = Σ_t (Σ_i x²ᵢₜ)², delta_ = Σ_{ij} (XᵀX)²ᵢⱼ / T² = Σ S²ᵢⱼ.
	beta, delta := 0.0, 0.0
	for k := range t {
		sq := 0.0
		for c := range chans {
			v := xc[c*t+k]
			sq += v * v
		}
		beta += sq * sq
	}
	trace := 0.0
	for i := range chans {
		trace += s.At(i, i)
		for j := range chans {
			delta += s.At(i, j) * s.At(i, j)
		}
	}
	mu := trace / p
	b := (beta/n - delta) / (p * n)
	d := (delta - 2*mu*trace + p*mu*mu) / p
	b = min(b, d)
	if b == 0 {
		return 0
	}
	return b / d
}

// oasShrinkage is scikit-learn's OAS: with α = mean(S²ᵢⱼ) and μ = tr S / C,
// ρ = min((α + μ²) / ((T+1)(α − μ²/C)), 1).
func oasShrinkage(chans, t int, s *mat.SymDense) float64 {
	if chans == 1 {
		return 0
	}
	p := float64(chans)
	alpha, trace := 0.0, 0.0
	for i := range chans {
		trace += s.At(i, i)
		for j := range chans {
			alpha += s.At(i, j) * s.At(i, j)
		}
	}
	alpha /= p * p
	mu := trace / p
	num := alpha + mu*mu
	den := (float64(t) + 1) * (alpha - mu*mu/p)
	if den == 0 {
		return 1
	}
	return min(num/den, 1)
}
