package main

import (
	"strings"

	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
)

const defaultData = "data"

// dataHelp describes --data.
const dataHelp = "data: a directory with the lab's four .npz files, EEGMMIDB subject folders (S001/S001R04.edf, …), a BCI competition's GDF files (A01T.gdf, B0101T.gdf, S4b.gdf, … with their true labels), or NAME_train.npz/NAME_test.npz pairs from eegkit epochs"

// The models and activations the flags take, from the model registry.
var (
	modelNames = strings.Join(models.Names(), ", ") + " (eegkit models lists them)"
	modelHelp  = "model: " + modelNames
	modelUsage = strings.Join(models.Names(), "|")
	actHelp    = "activation: relu, leakyrelu or elu (default: the model's own, elu; fbcnet's is SiLU; shallowfbcspnet and sccnet take none)"
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
