// Package riemann is the Riemannian geometry of EEG covariance matrices, as
// pyriemann 0.12 computes it, for the classical motor-imagery decoders
// (Barachant et al. 2012, 2013):
//
//   - trial covariances: the sample covariance (SCM, XXᵀ/T after removing
//     each channel's mean), and the shrinkage estimators of Ledoit–Wolf and
//     OAS (scikit-learn's formulas), C = (1−ρ)S + ρ·tr(S)/n·I;
//   - functions of SPD matrices through their eigendecomposition C = UΛUᵀ:
//     f(C) = U f(Λ) Uᵀ for √, 1/√, log and exp;
//   - the affine-invariant distance δ(A, B) = ‖log(A^{-1/2} B A^{-1/2})‖_F =
//     √Σ log² λᵢ(A⁻¹B), and the Riemannian (Karcher) mean, the minimiser of
//     Σ δ²(M, Cᵢ), by pyriemann's gradient iteration with step-size control;
//   - the tangent space at a reference M: Cᵢ ↦ upper(log(M^{-1/2} Cᵢ M^{-1/2})),
//     the upper triangle with the off-diagonal entries weighted by √2 so that
//     the Euclidean norm of the vector is δ(M, Cᵢ);
//   - MDM, the minimum distance to the class means.
//
// Parity fixtures from pyriemann itself are in testdata (scripts/riemann_fixtures.py).
package riemann
