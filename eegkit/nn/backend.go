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

// NewBackend starts the compute backend that config names, in
// $GOMLX_BACKEND's syntax: "" or "go" for the pure-Go backend, "xla:cpu",
// "xla:cuda" or "xla:/path/to/plugin.so" in a build with the xla tag. The
// pure-Go backend runs one graph-node executor per CPU, up to 8 (see
// goBackendConfig), unless config sets num_executors itself.
func NewBackend(config string) (b compute.Backend, err error) {
	cfg := goBackendConfig(config, runtime.GOMAXPROCS(0))
	name, _, _ := strings.Cut(cfg, ":")
	if !slices.Contains(compute.List(), name) {
		return nil, fmt.Errorf("%s=%q: backend %q is not compiled in (available: %s); build with -tags xla for XLA",
			compute.ConfigEnvVar, cfg, name, strings.Join(compute.List(), ", "))
	}
	cfg = xlaConfig(cfg, os.Getenv, os.Setenv)
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s=%q: %v", compute.ConfigEnvVar, cfg, r)
		}
	}()
	b, err = compute.NewWithConfig(cfg)
	if err != nil && strings.Contains(err.Error(), "no plugins found") {
		err = fmt.Errorf("%s=%q: XLA's PJRT plugin is not installed or not found: run scripts/setup.sh --xla and . scripts/env.sh (which sets PJRT_PLUGIN_LIBRARY_PATH), or give the plugin's path (xla:/path/to/pjrt_c_api_cpu_plugin.so)",
			compute.ConfigEnvVar, cfg)
	}
	return b, err
}

// backends are the backends started by DefaultBackend and BackendFromEnv,
// by configuration: one per process, as a backend holds its devices.
var backends = struct {
	sync.Mutex
	m map[string]compute.Backend
}{m: map[string]compute.Backend{}}

// shared is NewBackend(config), started once per process.
func shared(config string) (compute.Backend, error) {
	backends.Lock()
	defer backends.Unlock()
	if b, ok := backends.m[config]; ok {
		return b, nil
	}
	b, err := NewBackend(config)
	if err == nil {
		backends.m[config] = b
	}
	return b, err
}

// DefaultBackend is the pure-Go backend, started once per process: what a
// network computes on when its caller names no backend.
func DefaultBackend() (compute.Backend, error) { return shared("") }

// BackendFromEnv is the backend $GOMLX_BACKEND names (the pure-Go one when
// it is unset), started once per process. Only the command line, the
// notebooks' front door and tests read the environment; the library takes
// its backend as an option (train.Device).
func BackendFromEnv() (compute.Backend, error) { return shared(os.Getenv(compute.ConfigEnvVar)) }

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
