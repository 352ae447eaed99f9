package riemann

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// apply is f(C) = U f(Λ) Uᵀ for a symmetric C = UΛUᵀ; an eigenvalue that f
// cannot take (log or 1/√ of one ≤ 0: C is not positive definite) is an error.
func apply(c *mat.SymDense, f func(float64) float64, needPositive bool) (*mat.SymDense, error) {
	var eig mat.EigenSym
	if !eig.Factorize(c, true) {
		return nil, fmt.Errorf("riemann: the eigendecomposition of a %d×%d matrix failed", c.SymmetricDim(), c.SymmetricDim())
	}
	vals := eig.Values(nil)
	var u mat.Dense
	eig.VectorsTo(&u)
	n := len(vals)
	out := mat.NewSymDense(n, nil)
	for k, l := range vals {
		if needPositive && !(l > 0) {
			return nil, fmt.Errorf("riemann: the matrix is not positive definite (eigenvalue %g); use a shrinkage estimator (oas, lwf) or more samples per trial", l)
		}
		fl := f(l)
		for i := range n {
			ui := u.At(i, k) * fl
			for j := i; j < n; j++ {
				out.SetSym(i, j, out.At(i, j)+ui*u.At(j, k))
			}
		}
	}
	return out, nil
}

// Sqrtm is C^{1/2}.
func Sqrtm(c *mat.SymDense) (*mat.SymDense, error) { return apply(c, math.Sqrt, true) }

// InvSqrtm is C^{-1/2}.
func InvSqrtm(c *mat.SymDense) (*mat.SymDense, error) {
	return apply(c, func(l float64) float64 { return 1 / math.Sqrt(l) }, true)
}

// Logm is the matrix logarithm of an SPD matrix.
func Logm(c *mat.SymDense) (*mat.SymDense, error) { return apply(c, math.Log, true) }

// Expm is the matrix exponential of a symmetric matrix.
func Expm(c *mat.SymDense) (*mat.SymDense, error) { return apply(c, math.Exp, false) }

// congruence is AᵀBA for symmetric A and B (A B A), symmetrised against rounding.
func congruence(a, b *mat.SymDense) *mat.SymDense {
	var t, r mat.Dense
	t.Mul(a, b)
	r.Mul(&t, a)
	n := a.SymmetricDim()
	out := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			out.SetSym(i, j, (r.At(i, j)+r.At(j, i))/2)
		}
	}
	return out
}

// Distance is the affine-invariant Riemannian distance √Σ log² λᵢ, λᵢ the
// eigenvalues of A^{-1/2} B A^{-1/2} (those of A⁻¹B).
func Distance(a, b *mat.SymDense) (float64, error) {
	am, err := InvSqrtm(a)
	if err != nil {
		return 0, err
	}
	var eig mat.EigenSym
	if !eig.Factorize(congruence(am, b), false) {
		return 0, fmt.Errorf("riemann: the eigendecomposition failed")
	}
	d2 := 0.0
	for _, l := range eig.Values(nil) {
		if !(l > 0) {
			return 0, fmt.Errorf("riemann: the matrix is not positive definite (eigenvalue %g)", l)
		}
		d2 += math.Log(l) * math.Log(l)
	}
	return math.Sqrt(d2), nil
}

// Mean is the affine-invariant Riemannian mean of covs, by pyriemann's
// iteration (mean_riemann, tol 1e-8, at most 50 steps): from the Euclidean
// mean M, J = mean log(M^{-1/2} Cᵢ M^{-1/2}), M ← M^{1/2} exp(νJ) M^{1/2}, the
// step ν shrinking by 0.95 while ν‖J‖ falls and halving when it does not,
// until ‖J‖_F ≤ tol or ν ≤ tol.
func Mean(covs []*mat.SymDense) (*mat.SymDense, error) {
	if len(covs) == 0 {
		return nil, fmt.Errorf("riemann: the mean of no matrices")
	}
	const tol, maxIter = 1e-8, 50
	n := covs[0].SymmetricDim()
	m := mat.NewSymDense(n, nil)
	for _, c := range covs {
		m.AddSym(m, c)
	}
	m.ScaleSym(1/float64(len(covs)), m)
	nu, tau := 1.0, math.MaxFloat64
	for range maxIter {
		m12, err := Sqrtm(m)
		if err != nil {
			return nil, err
		}
		mm12, err := InvSqrtm(m)
		if err != nil {
			return nil, err
		}
		j := mat.NewSymDense(n, nil)
		for _, c := range covs {
			l, err := Logm(congruence(mm12, c))
			if err != nil {
				return nil, err
			}
			j.AddSym(j, l)
		}
		j.ScaleSym(1/float64(len(covs)), j)
		var step mat.SymDense
		step.ScaleSym(nu, j)
		e, err := Expm(&step)
		if err != nil {
			return nil, err
		}
		m = congruence(m12, e)
		crit := mat.Norm(j, 2)
		if h := nu * crit; h < tau {
			nu, tau = 0.95*nu, h
		} else {
			nu *= 0.5
		}
		if crit <= tol || nu <= tol {
			break
		}
	}
	return m, nil
}

// TangentVector is C's vector in the tangent space at ref: the upper
// triangle (row by row) of log(ref^{-1/2} C ref^{-1/2}), off-diagonal
// entries times √2; refInvSqrt is ref^{-1/2}.
func TangentVector(refInvSqrt, c *mat.SymDense) ([]float64, error) {
	l, err := Logm(congruence(refInvSqrt, c))
	if err != nil {
		return nil, err
	}
	n := l.SymmetricDim()
	v := make([]float64, 0, n*(n+1)/2)
	for i := range n {
		for j := i; j < n; j++ {
			w := 1.0
			if j > i {
				w = math.Sqrt2
			}
			v = append(v, w*l.At(i, j))
		}
	}
	return v, nil
}
