package nn

import (
	"os"
	"strings"
	"testing"

	"github.com/gomlx/compute"
)

// TestBackendIsTheOneAsked: a test run with $GOMLX_BACKEND set (the test
// command runs the parity tests on XLA's CPU plugin) runs on that backend,
// not silently on the default one.
func TestBackendIsTheOneAsked(t *testing.T) {
	b, err := Backend()
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
