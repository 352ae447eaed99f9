// Package train trains and evaluates an nn.Model exactly as PyTorch does.
//
// Net is a model compiled with its weights, Adam state and dropout stream on
// a GoMLX backend. Fit is the training loop: mini-batches shuffled per
// epoch, cross-entropy, Adam (with optional weight decay) and a learning-rate
// schedule, for data of any channels × samples × classes (TrainConfig.ForData
// builds a registered model for the data). Two hooks make it open: a
// per-batch transform of the training inputs (BatchTransform, for
// augmentation, seeded and checkpointed) and callbacks at the end of every
// epoch (Callback); model selection on a validation split (never on the test
// set) and early stopping are such callbacks, built from the configuration.
//
// A run is saved as a directory (weights keyed by state_dict names, run.json
// with the configuration and, for a model of your own, its spec; history,
// checksums) and checkpointed every epoch, so an interrupted Fit resumes to
// the same bytes.
package train
