# Sourced by every eegkit script: the Go toolchain and build settings eegkit needs.
# gomlx v0.28.16 needs Go 1.27; the go command fetches go1.27.3 through the module proxy.
export GOTOOLCHAIN=go1.27.3
# The pure-Go backend's matrix multiplication uses SIMD only with this experiment (2x faster).
export GOEXPERIMENT=simd
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
