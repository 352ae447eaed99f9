package nn

import (
	"maps"
	"os"
	"strings"
	"testing"

	"github.com/gomlx/compute"
)

// TestBackendIsTheOneAsked: a test run with $GOMLX_BACKEND set (the test
// command runs the parity tests on XLA's CPU plugin) runs on that backend,
// not silently on the default one.
func TestBackendIsTheOneAsked(t *testing.T) {
	b, err := BackendFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	want, _, _ := strings.Cut(os.Getenv(compute.ConfigEnvVar), ":")
	if want == "" {
		want = "go"
	}
	if !strings.HasPrefix(strings.ToLower(b.Name()), want) { // the Go backend calls itself "Go Backend"

		t.Fatalf("backend %q, want %q ($%s=%q)", b.Name(), want, compute.ConfigEnvVar, os.Getenv(compute.ConfigEnvVar))
	}
	t.Logf("backend %s: %s", b.Name(), b.Description())
}

func TestGoBackendConfig(t *testing.T) {
	for _, tc := range []struct {
		in   string
		cpus int
		want string
	}{
		{"", 2, "go:num_executors=2"},
		{"go", 2, "go:num_executors=2"},
		{"go", 32, "go:num_executors=8"},
		{"go:parallelism=4", 2, "go:parallelism=4,num_executors=2"},
		{"go:num_executors=6", 2, "go:num_executors=6"},
		{"xla:cuda", 2, "xla:cuda"},
	} {
		if got := goBackendConfig(tc.in, tc.cpus); got != tc.want {
			t.Errorf("goBackendConfig(%q, %d) = %q, want %q", tc.in, tc.cpus, got, tc.want)
		}
	}
}

// TestXLAConfig: a CUDA plugin computes in float32 without TF32 and with
// XLA's deterministic kernels unless the user asked otherwise; the CPU
// plugin and the Go backend are left alone.
func TestXLAConfig(t *testing.T) {
	const jax = "/v/lib/python3.12/site-packages/jax_plugins/xla_cuda13/xla_cuda_plugin.so"
	for _, tc := range []struct {
		in      string
		env     map[string]string
		want    string
		wantEnv map[string]string
	}{
		{"xla:cpu", nil, "xla:cpu", map[string]string{}},
		{"go:num_executors=2", nil, "go:num_executors=2", map[string]string{}},
		{"xla:cuda", nil, "xla:cuda,tf32=false",
			map[string]string{"NVIDIA_TF32_OVERRIDE": "0", "XLA_FLAGS": "--xla_gpu_deterministic_ops=true"}},
		{"xla:" + jax, map[string]string{"XLA_FLAGS": "--xla_dump_to=/tmp/d"}, "xla:" + jax + ",tf32=false",
			map[string]string{"NVIDIA_TF32_OVERRIDE": "0", "XLA_FLAGS": "--xla_dump_to=/tmp/d --xla_gpu_deterministic_ops=true", "GOPJRT_CUDA_CHECKS": "0"}},
		{"xla:cuda,tf32=true", map[string]string{"XLA_FLAGS": "--xla_gpu_deterministic_ops=false"}, "xla:cuda,tf32=true",
			map[string]string{"XLA_FLAGS": "--xla_gpu_deterministic_ops=false"}},
		{"xla:cuda", map[string]string{"NVIDIA_TF32_OVERRIDE": "1"}, "xla:cuda,tf32=false",
			map[string]string{"NVIDIA_TF32_OVERRIDE": "1", "XLA_FLAGS": "--xla_gpu_deterministic_ops=true"}},
	} {
		env := map[string]string{}
		for k, v := range tc.env {
			env[k] = v
		}
		got := xlaConfig(tc.in, func(k string) string { return env[k] }, func(k, v string) error { env[k] = v; return nil })
		if got != tc.want {
			t.Errorf("xlaConfig(%q) = %q, want %q", tc.in, got, tc.want)
		}
		want := map[string]string{}
		for k, v := range tc.env {
			want[k] = v
		}
		for k, v := range tc.wantEnv {
			want[k] = v
		}
		if !maps.Equal(env, want) {
			t.Errorf("xlaConfig(%q) left the environment %v, want %v", tc.in, env, want)
		}
	}
}
