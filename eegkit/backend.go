package eegkit

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend" // the pure-Go backend, the default
)

var (
	backendOnce sync.Once
	backendVal  compute.Backend
	backendErr  error
)

// Backend returns the shared compute backend: the one named by
// $GOMLX_BACKEND (for example "go", or "xla:cuda" in a build with the xla
// tag), else the pure-Go backend. Every model and trainer uses it.
func Backend() (compute.Backend, error) {
	backendOnce.Do(func() {
		cfg := os.Getenv(compute.ConfigEnvVar)
		if cfg == "" {
			cfg = "go"
		}
		name, _, _ := strings.Cut(cfg, ":")
		if !slices.Contains(compute.List(), name) {
			backendErr = fmt.Errorf("%s=%q: backend %q is not compiled in (available: %s); build with -tags xla for XLA",
				compute.ConfigEnvVar, cfg, name, strings.Join(compute.List(), ", "))
			return
		}
		defer func() {
			if r := recover(); r != nil {
				backendErr = fmt.Errorf("%s=%q: %v", compute.ConfigEnvVar, cfg, r)
			}
		}()
		backendVal, backendErr = compute.NewWithConfig(cfg)
	})
	return backendVal, backendErr
}
