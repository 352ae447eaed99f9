//go:build xla

package nn

// Built with -tags xla, eegkit also offers GoMLX's XLA backend
// (GOMLX_BACKEND=xla:cpu or xla:cuda); its PJRT plugin must be installed.
import _ "github.com/gomlx/go-xla/compute/xla"
