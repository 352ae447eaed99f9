package nn

import (
	"fmt"
	"os"
	"runtime"
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
//
// The pure-Go backend runs one graph-node executor per CPU, up to 8 (see
// goBackendConfig), unless $GOMLX_BACKEND sets num_executors itself.
func Backend() (compute.Backend, error) {
	backendOnce.Do(func() {
		cfg := goBackendConfig(os.Getenv(compute.ConfigEnvVar), runtime.GOMAXPROCS(0))
		name, _, _ := strings.Cut(cfg, ":")
		if !slices.Contains(compute.List(), name) {
			backendErr = fmt.Errorf("%s=%q: backend %q is not compiled in (available: %s); build with -tags xla for XLA",
				compute.ConfigEnvVar, cfg, name, strings.Join(compute.List(), ", "))
			return
		}
		cfg = xlaConfig(cfg, os.Getenv, os.Setenv)
		defer func() {
			if r := recover(); r != nil {
				backendErr = fmt.Errorf("%s=%q: %v", compute.ConfigEnvVar, cfg, r)
			}
		}()
		backendVal, backendErr = compute.NewWithConfig(cfg)
		if backendErr != nil && strings.Contains(backendErr.Error(), "no plugins found") {
			backendErr = fmt.Errorf("%s=%q: XLA's PJRT plugin is not installed or not found: run scripts/setup.sh --xla and . scripts/env.sh (which sets PJRT_PLUGIN_LIBRARY_PATH), or give the plugin's path (xla:/path/to/pjrt_c_api_cpu_plugin.so)",
				compute.ConfigEnvVar, cfg)
		}
	})
	return backendVal, backendErr
}

// goBackendConfig completes a $GOMLX_BACKEND value: empty means the pure-Go
// backend, and the Go backend gets one graph-node executor per CPU, at most
// its default of 8, unless the value sets num_executors. The default (8,
// capped at twice the CPUs) on top of multi-threaded matrix products
// oversubscribes small machines (docs/benchmarks.md, "CPU kernel
// choices"). Other backends' values are returned unchanged.
func goBackendConfig(cfg string, cpus int) string {
	if cfg == "" {
		cfg = "go"
	}
	name, opts, _ := strings.Cut(cfg, ":")
	if name != "go" || strings.Contains(opts, "num_executors") {
		return cfg
	}
	if opts != "" {
		opts += ","
	}
	return fmt.Sprintf("go:%snum_executors=%d", opts, min(max(cpus, 1), 8))
}

// xlaConfig completes an XLA $GOMLX_BACKEND value for a CUDA plugin
// ("xla:cuda", or the path of jax's xla_cuda_plugin.so) so that a GPU
// computes what the CPUs and PyTorch compute: float32 products and
// convolutions without TF32 (the option tf32=false, and NVIDIA's switch
// NVIDIA_TF32_OVERRIDE=0 for the convolutions, which XLA hands to cuDNN),
// unless the value asks for tf32; and XLA's deterministic GPU kernels
// (--xla_gpu_deterministic_ops in XLA_FLAGS), so that the same seed gives
// the same weights and a resumed run ends as an uninterrupted one, unless
// XLA_FLAGS already says. jax's plugin finds its CUDA libraries itself, so
// go-xla's check for a nvidia/ folder beside it is turned off. Other values
// are returned unchanged.
func xlaConfig(cfg string, getenv func(string) string, setenv func(string, string) error) string {
	name, opts, _ := strings.Cut(cfg, ":")
	if name != "xla" || !strings.Contains(strings.ToLower(opts), "cuda") {
		return cfg
	}
	if !strings.Contains(opts, "tf32") {
		cfg += ",tf32=false"
		if getenv("NVIDIA_TF32_OVERRIDE") == "" {
			_ = setenv("NVIDIA_TF32_OVERRIDE", "0")
		}
	}
	if flags := getenv("XLA_FLAGS"); !strings.Contains(flags, "xla_gpu_deterministic_ops") {
		_ = setenv("XLA_FLAGS", strings.TrimSpace(flags+" --xla_gpu_deterministic_ops=true"))
	}
	if strings.Contains(opts, "jax_plugins") && getenv("GOPJRT_CUDA_CHECKS") == "" {
		_ = setenv("GOPJRT_CUDA_CHECKS", "0")
	}
	return cfg
}
