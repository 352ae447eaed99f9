// Package metrics scores a classifier's logits against the labels, for any
// number of classes K ≥ 2: accuracy, mean cross-entropy, Cohen's kappa
// κ = (p_o − p_e)/(1 − p_e), ROC-AUC (of l₁ − l₀ for two classes, the macro
// one-vs-rest mean for more), balanced accuracy (the mean recall), the K×K
// confusion matrix and accuracy per subject.
//
// Metrics are registered by name (Register, Lookup, Metrics.Value): Score
// computes every registered one, and the sweep CSVs and results tables of
// package experiments have a column for each, so a new metric is one
// Register call.
package metrics
