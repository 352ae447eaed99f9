// Package baselines holds the classical decoders a deep model should beat,
// fitted per subject: the log-variance of band-passed channels, or of their
// common spatial patterns (CSP, the generalised eigenvectors of the two
// classes' covariances), classified by linear discriminant analysis (LDA).
package baselines
