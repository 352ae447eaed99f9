package train_test

import (
	"context"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/internal/synthtest"
	"github.com/eegkit/eegkit/eegkit/train"
)

// testDevice is the tests' device: the environment's ($GOMLX_BACKEND, which
// scripts/test.sh sets to run the parity tests again on XLA; $EEGKIT_PARTS).
func testDevice(t testing.TB) train.Device {
	t.Helper()
	dev, err := train.DeviceFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	return dev
}

// TestDeviceFromEnv: the environment's batch parts reach the device, and a
// value that is not a positive number is refused, naming the variable.
func TestDeviceFromEnv(t *testing.T) {
	t.Setenv("EEGKIT_PARTS", "3")
	if dev, err := train.DeviceFromEnv(); err != nil || dev.Parts != 3 || dev.Backend == nil {
		t.Errorf("EEGKIT_PARTS=3: %+v, %v", dev, err)
	}
	for _, bad := range []string{"0", "-2", "four"} {
		t.Setenv("EEGKIT_PARTS", bad)
		if _, err := train.DeviceFromEnv(); err == nil || !strings.Contains(err.Error(), "EEGKIT_PARTS") {
			t.Errorf("EEGKIT_PARTS=%s: %v", bad, err)
		}
	}
}

// TestDeviceParts: a run records the batch parts of the device it trained
// on, and two devices that split batches differently train (slightly)
// different weights from the same seed, as float rounding and the dropout
// masks of the parts make them: the split is an option of the call, not of
// the process.
func TestDeviceParts(t *testing.T) {
	data := synthtest.Small(t)
	cfg := train.TrainConfig{Model: "eegnet", Activation: "elu", Epochs: 1, Batch: 32, LR: 1e-3, Seed: 1}
	var weights [2][]float32
	for i, parts := range []int{1, 4} {
		dir := t.TempDir()
		run, err := train.Fit(context.Background(), cfg, data, train.FitOptions{CheckpointDir: dir, CheckpointEvery: 1, Device: train.Device{Parts: parts}})
		if err != nil {
			t.Fatal(err)
		}
		ck, err := train.ReadCheckpoint(dir)
		if err != nil || ck == nil || ck.Parts != parts {
			t.Fatalf("%d parts: the checkpoint records %+v, %v", parts, ck, err)
		}
		sd, err := run.Net.StateDict()
		if err != nil {
			t.Fatal(err)
		}
		weights[i] = sd["firstConv.0.weight"].Data
	}
	same := true
	for i := range weights[0] {
		same = same && weights[0][i] == weights[1][i]
	}
	if same {
		t.Error("one part and four parts trained identical weights: the device's parts were not used")
	}
}
