// Package metrics scores a classifier's logits against the labels, for any
// number of classes K ≥ 2: accuracy, mean cross-entropy, Cohen's kappa
// κ = (p_o − p_e)/(1 − p_e), ROC-AUC (of l₁ − l₀ for two classes, the macro
// one-vs-rest mean for more), the K×K confusion matrix and accuracy per
// subject.
package metrics
