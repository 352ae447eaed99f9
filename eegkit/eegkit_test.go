package eegkit

import (
	"testing"

	"github.com/eegkit/eegkit/eegkit/models"
)

// TestFrontDoor: the calls a notebook makes reach the packages behind them.
func TestFrontDoor(t *testing.T) {
	data, err := LoadData("datasets/testdata/lab")
	if err != nil || data.Train.Len() == 0 {
		t.Fatalf("LoadData: %v", err)
	}
	m, err := EEGNetWith(models.DefaultEEGNetOptions(ELU))
	if err != nil || m.NumParams() != 17874 || m.Input != LabInput {
		t.Fatalf("EEGNetWith: %v", err)
	}
	if _, err := NewModel("resnet", ReLU); err == nil {
		t.Error("NewModel accepted an unknown model")
	}
	runs, err := OpenStore(t.TempDir()).Latest(data.ID())
	if err != nil || len(runs) != 0 {
		t.Errorf("an empty store has runs %v (%v)", runs, err)
	}
	if _, err := LoadData(t.TempDir() + "/missing"); err == nil {
		t.Error("LoadData of a missing directory succeeded")
	}
}
