package npz_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/eegkit/eegkit/eegkit/npz"
)

// An archive as numpy.savez writes it, read back: np.load(path)["signal"].
func Example() {
	dir, _ := os.MkdirTemp("", "npz")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "trials.npz")
	if err := npz.Write(path, []npz.Entry{{Name: "signal", Shape: []int{2, 3}, Data: []float32{1, 2, 3, 4, 5, 6}}}); err != nil {
		fmt.Println(err)
		return
	}
	z, err := npz.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer z.Close()
	a, err := z.Array("signal")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(z.Keys(), a.Shape, a.DType, a.Data)
	// Output: [signal] [2 3] <f4 [1 2 3 4 5 6]
}
