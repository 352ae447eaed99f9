// Package eeg holds EEG trials in memory: a Dataset is N trials of C
// channels × T samples with a class label and a subject each, and Data is a
// train and test pair identified by its content. It splits datasets
// (Subset, a stratified validation split), reads trials from .npz files and
// writes predictions. It needs only the standard library and eegkit's npz
// reader; loaders for particular recordings live in package datasets.
package eeg
