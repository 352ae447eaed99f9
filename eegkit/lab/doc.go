// Package lab is the one place that knows the lab: its six runs (EEGNet and
// DeepConvNet × ReLU, LeakyReLU, ELU with their preset hyperparameters on
// the BCI III IIIb data), Table 1 and its "best model", Figures 9 and 10 and
// the report's discussion, computed from the runs in an experiments.Store.
package lab
