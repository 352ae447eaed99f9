package eegkit

import "testing"

func TestGoBackendConfig(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "go:num_executors=2"},
		{"go", "go:num_executors=2"},
		{"go:parallelism=4", "go:parallelism=4,num_executors=2"},
		{"go:num_executors=6", "go:num_executors=6"},
		{"xla:cuda", "xla:cuda"},
	} {
		if got := goBackendConfig(tc.in, 2); got != tc.want {
			t.Errorf("goBackendConfig(%q, 2) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
