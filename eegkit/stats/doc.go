// Package stats holds the statistics that say whether one classifier is
// really better than another on a test set of N trials:
//
//   - Wilson's score interval for an accuracy p̂ = k/n,
//     (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n), which stays inside
//     [0, 1] and is accurate for small n and p̂ near 0 or 1;
//   - McNemar's exact test on paired predictions of the same trials: of the
//     b trials only A classifies correctly and the c only B does, under
//     H₀ (equal accuracy) b ~ Binomial(b+c, ½), p = min(1, 2·P[X ≤ min(b, c)]);
//   - a paired t-test over seeds, t = d̄ / (s_d/√n) with n−1 degrees of
//     freedom, for runs repeated with several seeds;
//   - MOABB's tests of "pipeline A scores higher than B" across subjects
//     (CompareSubjects): a paired permutation test of the summed score
//     differences under fewer than 20 subjects, Wilcoxon's signed-rank test
//     from 20, each one-sided, with the standardised mean difference; and
//     their combination over datasets, Stouffer's method weighted by √n
//     subjects and the √n-weighted mean effect.
//
// The probabilities come from gonum's distributions; the results match
// scipy.stats (binom.cdf, ttest_rel, wilcoxon) and MOABB 1.7.2's
// meta_analysis to 1e-12 (its random permutation test within its
// Monte-Carlo error).
package stats
