# Sourced by every eegkit script: the Go toolchain and build settings eegkit needs.
# gomlx v0.28.16 needs Go 1.27; the go command fetches go1.27.3 through the module proxy.
export GOTOOLCHAIN=go1.27.3
# The pure-Go backend's matrix multiplication uses SIMD only with this experiment (2x faster).
export GOEXPERIMENT=simd
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
# XLA's CPU plugin, when scripts/setup.sh --xla installed it: GOMLX_BACKEND=xla:cpu
# (with bin/eegkit-xla, or go test -tags xla) finds it here.
_eegkit_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -d "$_eegkit_root/.venv/lib/go-xla" ]; then
	case ":${PJRT_PLUGIN_LIBRARY_PATH:-}:" in
	*":$_eegkit_root/.venv/lib/go-xla:"*) ;;
	*) export PJRT_PLUGIN_LIBRARY_PATH="$_eegkit_root/.venv/lib/go-xla${PJRT_PLUGIN_LIBRARY_PATH:+:$PJRT_PLUGIN_LIBRARY_PATH}" ;;
	esac
fi
# The notebooks' kernel is this checkout's (scripts/jupyter_setup.sh registers it
# in .venv): Jupyter looks on JUPYTER_PATH before the user's own kernels.
case ":${JUPYTER_PATH:-}:" in
*":$_eegkit_root/.venv/share/jupyter:"*) ;;
*) export JUPYTER_PATH="$_eegkit_root/.venv/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}" ;;
esac
unset _eegkit_root
