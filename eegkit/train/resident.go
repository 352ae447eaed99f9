package train

import (
	"github.com/eegkit/eegkit/eegkit/nn"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX models read best with the graph ops unqualified.
	"github.com/gomlx/gomlx/core/tensors"
)

// On an accelerator a Net keeps the trials it is told to (Keep: Fit's
// training, validation and test sets, the benchmark's trials) in the
// device's memory: a training step then sends the indices of its batch, and
// an evaluation the indices of its chunk, instead of the trials, and the
// graph gathers them. The pure-Go backend's device is the host, where
// gathering in the graph copies what batchTensor copies, so there nothing
// is kept.
//
// A kept set is recognised by its arrays (the same backing arrays, the same
// lengths), which must not change while they are kept.

// resident is a set of trials kept on the device.
type resident struct {
	x  []float32
	y  []int32
	xt *tensors.Tensor // [N, trial size]
	yt *tensors.Tensor // [N]
}

// Keep keeps the trials x (laid out as Logits takes them) and their labels
// y on the device, on an accelerator; elsewhere it does nothing.
func (n *Net) Keep(x []float32, y []int32) {
	per := n.Model.Input.Size()
	if !n.accel || len(x) == 0 || len(x)%per != 0 || len(y) != len(x)/per || n.resident(x, y) != nil {
		return
	}
	n.kept = append(n.kept, &resident{x: x, y: y,
		xt: tensors.FromFlatDataAndDimensions(x, len(x)/per, per), yt: tensors.FromFlatDataAndDimensions(y, len(y))})
}

// Forget drops every kept set.
func (n *Net) Forget() { n.kept = nil }

// resident is the kept set whose arrays x and y are (y nil: any labels),
// or nil.
func (n *Net) resident(x []float32, y []int32) *resident {
	for _, r := range n.kept {
		if len(x) == len(r.x) && len(x) > 0 && &x[0] == &r.x[0] && (y == nil || len(y) == len(r.y) && len(y) > 0 && &y[0] == &r.y[0]) {
			return r
		}
	}
	return nil
}

// indexTensor is the trial indices idx as the int32 vector a resident
// graph gathers by.
func indexTensor(idx []int) *tensors.Tensor {
	v := make([]int32, len(idx))
	for i, j := range idx {
		v[i] = int32(j)
	}
	return tensors.FromFlatDataAndDimensions(v, len(v))
}

// gatherTrials gathers the trials idx [B] of the kept trials xs
// [N, C·H·W] into the model's layout [C, H, B, W] (batchTensor's).
func gatherTrials(xs, idx *Node, in nn.Shape3) *Node {
	b := idx.Shape().Dimensions[0]
	rows := Gather(xs, Reshape(idx, b, 1)) // [B, C·H·W]
	return TransposeAllAxes(Reshape(rows, b, in[0], in[1], in[2]), 1, 2, 0, 3)
}

// BackendName is the name of the backend the network computes on.
func (n *Net) BackendName() string { return n.backend.Name() }
