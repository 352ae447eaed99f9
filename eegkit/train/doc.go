// Package train trains and evaluates an nn.Model exactly as PyTorch does:
// Net is a model compiled with its weights, Adam state and dropout stream on
// a GoMLX backend; Fit is the training loop (mini-batches shuffled per
// epoch, cross-entropy, Adam with optional weight decay and schedule, model
// selection on a validation split, never on the test set), with a per-batch
// transform hook for augmentation and per-epoch progress. A run is saved as
// a directory (weights keyed by state_dict names, run.json with the model's
// spec, history, checksums) and checkpointed every epoch, so an interrupted
// Fit resumes to the same bytes.
package train
