package train

import (
	"fmt"
	"os"
	"strconv"

	"github.com/gomlx/compute"

	"github.com/eegkit/eegkit/eegkit/nn"
)

// DefaultParts is how many parts a batch is split into on the CPUs when a
// Device does not say: enough for the cores of a small machine to work on
// one step side by side.
const DefaultParts = 4

// Device is where a Net computes and how it takes a batch: an option of
// every call that builds one (NewNet, FitOptions, LoadRunOn). The zero
// Device is the pure-Go backend (nn.DefaultBackend) with DefaultParts.
// The command line and the notebooks' front door build theirs from the
// environment (DeviceFromEnv); the library never reads it.
type Device struct {
	Backend compute.Backend // nil: the pure-Go backend
	// Parts is how many parts a batch is split into on the CPUs (0:
	// DefaultParts). Results depend on it through float rounding and the
	// dropout masks, so a checkpoint records it and a resume checks it.
	Parts int
}

// backend is the device's backend, the pure-Go one when it names none.
func (d Device) backend() (compute.Backend, error) {
	if d.Backend != nil {
		return d.Backend, nil
	}
	return nn.DefaultBackend()
}

// parts is Parts, or DefaultParts when it is not set.
func (d Device) parts() int {
	if d.Parts > 0 {
		return d.Parts
	}
	return DefaultParts
}

// DeviceFromEnv is the Device the environment asks for: the backend of
// $GOMLX_BACKEND (nn.BackendFromEnv) and the batch parts of $EEGKIT_PARTS
// (a positive number; unset for DefaultParts).
func DeviceFromEnv() (Device, error) {
	parts, err := PartsFromEnv()
	if err != nil {
		return Device{}, err
	}
	b, err := nn.BackendFromEnv()
	return Device{Backend: b, Parts: parts}, err
}

// PartsFromEnv is the batch parts $EEGKIT_PARTS asks for (0 when unset: DefaultParts).
func PartsFromEnv() (int, error) {
	v := os.Getenv("EEGKIT_PARTS")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("EEGKIT_PARTS=%q is not a positive number of batch parts; unset it for the default (%d)", v, DefaultParts)
	}
	return n, nil
}
