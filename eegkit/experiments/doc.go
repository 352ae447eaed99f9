// Package experiments organises many runs: a run store that keeps every
// distinct configuration side by side (reused, resumed, never replaced),
// hyperparameter grids and resumable sweeps with a CSV of results, seed
// groups with mean ± std, and tables and figures comparing runs.
package experiments
