package nn

import "testing"

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
