package main

import (
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
)

const defaultData = "data"

// dataHelp describes --data.
const dataHelp = "data: a directory with the lab's four .npz files, or with EEGMMIDB subject folders (S001/S001R04.edf, …)"

// The models and activations the flags take.
const (
	modelNames = "eegnet, deepconvnet (the lab's), eegnetv4 or shallowfbcspnet (braindecode's)"
	modelHelp  = "model: " + modelNames
	actHelp    = "activation: relu, leakyrelu or elu (default: the model's own, elu; shallowfbcspnet takes none)"
)

// modelFlags builds the model named by --model and --act; unknown names are usage errors.
func modelFlags(model, act string) (*nn.Model, error) {
	a, err := nn.ParseActivation(act)
	if err != nil {
		return nil, usageError{err}
	}
	m, err := models.New(model, a)
	if err != nil {
		return nil, usageError{err}
	}
	return m, nil
}
