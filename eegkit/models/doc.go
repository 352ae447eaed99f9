// Package models is eegkit's model zoo, one file per network, each built
// for nChans channels × nTimes samples and nOutputs classes with its
// architecture keywords (braindecode's names where it has them): the lab's
// EEGNet and DeepConvNet, and braindecode's ShallowFBCSPNet and EEGNet-v4
// with braindecode's state_dict names, initialisation and constraints. A
// registry finds a model by name (New, For, Lookup) and takes new ones
// (Register).
package models
