package train

import (
	"fmt"
	"slices"

	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX models read best with the graph ops unqualified.
	"github.com/gomlx/gomlx/core/tensors"
)

// Net is a model with its weights on the compute backend, ready to train
// (with an Optimizer, Adam by default) or to evaluate.
type Net struct {
	Model *nn.Model

	backend   compute.Backend
	accel     bool            // the backend computes on an accelerator (see stepParts)
	parts     int             // parts a batch is split into (Device.Parts)
	kept      []*resident     // trials kept on the accelerator (see keep)
	trainable []nn.NamedParam // order of params and of each optimizer slot
	buffers   []nn.NamedParam // BatchNorm running statistics
	params    []*tensors.Tensor
	bufs      []*tensors.Tensor
	optim     Optimizer           // the optimizer slots and trainExec are for (Adam until SetOptimizer)
	slots     [][]*tensors.Tensor // the optimizer's state: per slot, per trainable parameter
	rng       *tensors.Tensor     // the graph's random state (nn.Pass.Uniform)
	seed      uint64              // seeds the dropout masks (see stepMasks)
	next      *maskDraw           // the next step's masks, drawn while this one runs
	Steps     int                 // optimizer steps taken
	// Crops, when set, makes Predict and Evaluate classify trials longer
	// than the model's input by the mean logits of its windows (cropped
	// decoding; see TrainConfig.Crop).
	Crops *Crops

	evalExec  map[[2]int]*Exec // by number of batch parts and whether the trials are kept (see keep)
	trainExec map[[3]int]*Exec // by number of batch parts, whether the labels are soft targets and whether the trials are kept
	trainFor  stepRule         // what trainExec was built for
}

// NewNet puts a model and its weights on dev. Dropout randomness is seeded
// by seed.
func NewNet(m *nn.Model, sd nn.StateDict, seed uint64, dev Device) (*Net, error) {
	if err := sd.Check(m); err != nil {
		return nil, err
	}
	backend, err := dev.backend()
	if err != nil {
		return nil, err
	}
	n := &Net{Model: m, backend: backend, accel: nn.OnAccelerator(backend), parts: dev.parts()}
	for _, p := range m.Params() {
		if p.Trainable() {
			n.trainable = append(n.trainable, p)
		} else {
			n.buffers = append(n.buffers, p)
		}
	}
	n.params, n.bufs = make([]*tensors.Tensor, len(n.trainable)), make([]*tensors.Tensor, len(n.buffers))
	if err := n.SetStateDict(sd); err != nil {
		return nil, err
	}
	n.rng, err = RNGStateFromSeed(int64(seed))
	if err != nil {
		return nil, err
	}
	n.seed = seed
	n.SetOptimizer(TrainConfig{}.Optim())
	return n, nil
}

// SetOptimizer makes opt the optimizer of the next steps. Its state
// starts at zero unless its slots are the current optimizer's (Adam's and
// AdamW's are the same), which it then takes over.
func (n *Net) SetOptimizer(opt Optimizer) {
	if n.optim != nil && slices.Equal(n.optim.Slots(), opt.Slots()) {
		n.optim = opt
		return
	}
	n.optim = opt
	n.slots = make([][]*tensors.Tensor, len(opt.Slots()))
	for k := range n.slots {
		for _, p := range n.trainable {
			n.slots[k] = append(n.slots[k], tensors.FromFlatDataAndDimensions(make([]float32, p.Size()), p.Shape...))
		}
	}
}

// stepRule is what a training step's graph is built for: the optimizer,
// the gradient clip and the label smoothing.
type stepRule struct {
	optim     Optimizer
	clip      float64
	smoothing float64
}

// StateDict copies the current weights and BatchNorm statistics back to the host.
func (n *Net) StateDict() (nn.StateDict, error) {
	sd := nn.StateDict{}
	add := func(ps []nn.NamedParam, ts []*tensors.Tensor) error {
		for i, p := range ps {
			data, err := tensors.CopyFlatData[float32](ts[i])
			if err != nil {
				return err
			}
			sd[p.FullName] = &nn.Tensor{Shape: append([]int(nil), p.Shape...), Data: data}
		}
		return nil
	}
	if err := add(n.trainable, n.params); err != nil {
		return nil, err
	}
	if err := add(n.buffers, n.bufs); err != nil {
		return nil, err
	}
	return sd, nil
}

// CheckFinite reports the first weight or BatchNorm statistic that is NaN or
// infinite (see StateDict.Check).
func (n *Net) CheckFinite() error {
	sd, err := n.StateDict()
	if err != nil {
		return err
	}
	return sd.Check(n.Model)
}

func (n *Net) values(g *Graph, params, bufs []*Node) map[string]*Node {
	v := make(map[string]*Node, len(params)+len(bufs))
	for i, p := range n.trainable {
		v[p.FullName] = params[i]
	}
	for i, p := range n.buffers {
		v[p.FullName] = bufs[i]
	}
	return v
}

// Logits evaluates the model (evaluation mode: running BatchNorm
// statistics, no dropout) on trials laid out [N, 1, H, W] (the model's
// input), returning [N][K] for its K classes.
func (n *Net) Logits(x []float32, numTrials int) ([][]float32, error) {
	if numTrials == 0 {
		return nil, nil
	}
	in := n.Model.Input
	if len(x) != numTrials*in.Size() {
		return nil, fmt.Errorf("logits: %d values are not %d trials of %v", len(x), numTrials, in)
	}
	chunk := min(numTrials, n.evalChunk())
	parts := n.evalParts(make([]int, chunk))
	kept := n.resident(x, nil)
	exec, err := n.evalExecFor(len(parts), kept != nil)
	if err != nil {
		return nil, err
	}
	out := make([][]float32, 0, numTrials)
	for start := 0; start < numTrials; start += chunk {
		idx := make([]int, chunk)
		for i := range idx {
			idx[i] = min(start+i, numTrials-1) // pad the last chunk by repeating a trial
		}
		var args []any
		if kept != nil {
			args = []any{kept.xt, indexTensor(idx)}
		} else {
			for _, part := range n.evalParts(idx) {
				args = append(args, batchTensor(x, in, part))
			}
		}
		res, err := exec.Exec(append(args, anySlice(n.params, n.bufs)...)...)
		if err != nil {
			return nil, err
		}
		logits, err := partsLogits(res[:len(parts)])
		if err != nil {
			return nil, err
		}
		out = append(out, logits[:min(chunk, numTrials-start)]...)
	}
	return out, nil
}

// evalExecFor is the evaluation graph of a chunk in parts; with kept, of
// one part gathered from kept trials (inputs: the kept trials and the
// chunk's indices).
func (n *Net) evalExecFor(parts int, kept bool) (*Exec, error) {
	key := [2]int{parts, b2i(kept)}
	if e := n.evalExec[key]; e != nil {
		return e, nil
	}
	np, nb := len(n.params), len(n.bufs)
	e, err := NewExec(n.backend, func(inputs []*Node) []*Node {
		xs := inputs[:parts]
		if kept {
			xs = []*Node{gatherTrials(inputs[0], inputs[1], n.Model.Input)}
			inputs = inputs[1:]
		}
		rest := inputs[parts:]
		f := &nn.ForwardState{Values: n.values(inputs[0].Graph(), rest[:np], rest[np:np+nb])}
		return n.Model.Forward(f, xs...)
	})
	if err != nil {
		return nil, err
	}
	if n.evalExec == nil {
		n.evalExec = map[[2]int]*Exec{}
	}
	n.evalExec[key] = e
	return e, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// partsLogits concatenates the logits [N_i, K] of a batch's parts.
func partsLogits(res []*tensors.Tensor) ([][]float32, error) {
	var out [][]float32
	for _, r := range res {
		flat, err := tensors.CopyFlatData[float32](r)
		if err != nil {
			return nil, err
		}
		k := r.Shape().Dimensions[1]
		for i := 0; i+k <= len(flat); i += k {
			out = append(out, flat[i:i+k:i+k])
		}
	}
	return out, nil
}

// splitMinTrials is the smallest batch split in parts (see Model.forward).
const splitMinTrials = 4

// splitParts splits a batch's trial indices into the parts the model
// processes side by side, so that several cores work on one step (the whole
// batch when it is small).
func (n *Net) splitParts(idx []int) [][]int {
	k := n.parts
	if len(idx) < splitMinTrials || k < 2 {
		return [][]int{idx}
	}
	k = min(k, len(idx)/2)
	parts := make([][]int, 0, k)
	for i := range k {
		parts = append(parts, idx[i*len(idx)/k:(i+1)*len(idx)/k])
	}
	return parts
}

// evalParts splits an evaluation chunk's trials as splitParts does on the
// CPUs; an accelerator takes the chunk whole.
func (n *Net) evalParts(idx []int) [][]int {
	if n.accel {
		return [][]int{idx}
	}
	return n.splitParts(idx)
}

// stepParts are the parts a training step's graph takes a batch in: the
// parts of splitParts, side by side on the CPUs' cores, or on an
// accelerator, whose every op is wide enough for the whole batch, the batch
// whole. The dropout masks are drawn for splitParts's parts either way (see
// joinMasks), so a step on a GPU equals the step on the CPUs up to float
// rounding.
func (n *Net) stepParts(parts [][]int) [][]int {
	if len(parts) < 2 || !n.accel {
		return parts
	}
	return [][]int{slices.Concat(parts...)}
}

// joinMasks joins the dropout masks of a batch's parts (layer by layer,
// part by part, each [C, H, N_i, W]; see nn.Model.DropoutMasks) into one
// mask per layer [C, H, N, W] for the whole batch, the parts in order.
func joinMasks(masks []*tensors.Tensor, parts int) ([]*tensors.Tensor, error) {
	if parts < 2 || len(masks) == 0 {
		return masks, nil
	}
	out := make([]*tensors.Tensor, 0, len(masks)/parts)
	for l := 0; l+parts <= len(masks); l += parts {
		d := masks[l].Shape().Dimensions
		rows, w := d[0]*d[1], d[3]
		datas, total := make([][]float32, parts), 0
		for i := range parts {
			data, err := tensors.CopyFlatData[float32](masks[l+i])
			if err != nil {
				return nil, err
			}
			datas[i], total = data, total+masks[l+i].Shape().Dimensions[2]
		}
		joined := make([]float32, 0, rows*total*w)
		for r := range rows {
			for _, data := range datas {
				per := len(data) / rows
				joined = append(joined, data[r*per:(r+1)*per]...)
			}
		}
		out = append(out, tensors.FromFlatDataAndDimensions(joined, d[0], d[1], total, w))
	}
	return out, nil
}

// evalChunk is the number of trials an evaluation graph takes at once: on
// an accelerator every trial up to accelEvalChunk (one graph per number of
// trials evaluated, each compiled once), on the CPUs cpuEvalChunk.
func (n *Net) evalChunk() int {
	if n.accel {
		return accelEvalChunk
	}
	return cpuEvalChunk
}

// accelEvalChunk bounds the trials an accelerator evaluates at once (the
// lab's test set, 1080 trials, goes in one graph).
const accelEvalChunk = 2048

// cpuEvalChunk is the batch size used for evaluation on the CPUs; every
// evaluation of at least this many trials reuses one compiled graph. Chunks
// of 60 (4 parts of 15) keep a chunk's activations in the caches
// (docs/benchmarks.md, "CPU kernel choices"). Logits depend on the chunk
// only through float rounding.
const cpuEvalChunk = 60

// StepResult is what one training step reports.
type StepResult struct {
	Loss    float64 // mean cross-entropy of the batch, before the update
	Correct int     // trials of the batch classified correctly (training mode)
}

// TrainStep runs one step of training on the trials idx of (x, y): forward in
// training mode, cross-entropy (with cfg's label smoothing),
// back-propagation, cfg's gradient clip, an update by cfg's optimizer with
// learning rate lr, and the BatchNorm running-statistics update.
func (n *Net) TrainStep(x []float32, y []int32, idx []int, cfg TrainConfig, lr float64) (StepResult, error) {
	return n.TrainStepSoft(x, y, nil, idx, cfg, lr)
}

// TrainStepSoft is TrainStep with soft targets (Mixup's mixed labels):
// targets holds K class weights per trial of (x, y) and the loss is the
// cross-entropy with them, mean over trials of Σₖ −tₖ log softmax(l)ₖ; y
// still counts the correct trials. With targets nil it is TrainStep.
func (n *Net) TrainStepSoft(x []float32, y []int32, targets []float32, idx []int, cfg TrainConfig, lr float64) (StepResult, error) {
	k := n.Model.Classes()
	if targets != nil && len(targets) != len(y)*k {
		return StepResult{}, fmt.Errorf("soft targets: %d values for %d trials of %d classes", len(targets), len(y), k)
	}
	if len(idx) == 0 {
		return StepResult{}, fmt.Errorf("a training batch needs at least 1 trial")
	}
	rule := stepRule{optim: cfg.Optim(), clip: cfg.Clip, smoothing: cfg.LabelSmoothing}
	if n.trainFor != rule {
		n.SetOptimizer(rule.optim)
		n.trainExec, n.trainFor = nil, rule
	}
	masks, parts, err := n.partsAndMasks(idx, true)
	if err != nil {
		return StepResult{}, err
	}
	var kept *resident
	if targets == nil && len(parts) == 1 {
		kept = n.resident(x, y)
	}
	exec, err := n.trainExecFor(len(parts), targets != nil, kept != nil)
	if err != nil {
		return StepResult{}, err
	}
	n.Steps++
	var args []any
	if kept != nil {
		args = []any{kept.xt, kept.yt, indexTensor(parts[0])}
	} else {
		args = partsArgs(x, y, n.Model.Input, parts)
	}
	if targets != nil {
		for _, part := range parts {
			t := make([]float32, 0, len(part)*k)
			for _, j := range part {
				t = append(t, targets[j*k:(j+1)*k]...)
			}
			args = append(args, tensors.FromFlatDataAndDimensions(t, len(part), k))
		}
	}
	for _, v := range rule.optim.Scalars(n.Steps, lr) {
		args = append(args, tensors.FromScalar(float32(v)))
	}
	args = append(args, n.rng)
	args = append(args, anySlice(append(append([][]*tensors.Tensor{n.params}, n.slots...), n.bufs, masks)...)...)
	res, err := exec.Exec(args...)
	if err != nil {
		n.Steps--
		return StepResult{}, err
	}
	loss := float64(tensors.ToScalar[float32](res[0]))
	correct := int(tensors.ToScalar[float32](res[1]))
	np := len(n.params)
	n.rng = res[2]
	rest := res[3:]
	n.params, rest = rest[:np], rest[np:]
	for k := range n.slots {
		n.slots[k], rest = rest[:np], rest[np:]
	}
	n.bufs = rest
	return StepResult{Loss: loss, Correct: correct}, nil
}

// partsAndMasks are the parts a training step's graph takes the batch idx
// in (stepParts) and the step's dropout masks for them (see stepMasks and
// joinMasks).
func (n *Net) partsAndMasks(idx []int, prefetch bool) ([]*tensors.Tensor, [][]int, error) {
	parts := n.splitParts(idx)
	masks, err := n.stepMasks(n.Model.NumLayers(), n.Steps+1, parts, prefetch)
	if err != nil {
		return nil, nil, err
	}
	graphParts := n.stepParts(parts)
	if len(graphParts) != len(parts) {
		if masks, err = joinMasks(masks, len(parts)); err != nil {
			return nil, nil, err
		}
	}
	return masks, graphParts, nil
}

// partsArgs are the inputs of a batch's parts: the trials of each part, then the labels of each part.
func partsArgs(x []float32, y []int32, in nn.Shape3, parts [][]int) []any {
	var xs, ys []any
	for _, part := range parts {
		labels := make([]int32, len(part))
		for i, j := range part {
			labels[i] = y[j]
		}
		xs = append(xs, batchTensor(x, in, part))
		ys = append(ys, tensors.FromFlatDataAndDimensions(labels, len(part)))
	}
	return append(xs, ys...)
}

// trainExecFor is the training step's graph for a batch in parts, with
// soft targets or labels; with kept, of one part gathered from kept trials
// (inputs: the kept trials, their labels and the batch's indices).
func (n *Net) trainExecFor(parts int, soft, kept bool) (*Exec, error) {
	key := [3]int{parts, b2i(soft), b2i(kept)}
	if e := n.trainExec[key]; e != nil {
		return e, nil
	}
	rule := n.trainFor
	np, nb, ns, nsc := len(n.params), len(n.bufs), len(rule.optim.Slots()), len(rule.optim.Scalars(1, 1))
	exec, err := NewExec(n.backend, func(inputs []*Node) []*Node {
		var xs, labels []*Node
		if kept {
			idx := inputs[2]
			xs = []*Node{gatherTrials(inputs[0], idx, n.Model.Input)}
			labels = []*Node{Gather(inputs[1], Reshape(idx, -1, 1))}
			inputs = inputs[3:]
		} else {
			xs, labels = inputs[:parts], inputs[parts:2*parts]
			inputs = inputs[2*parts:]
		}
		var targets []*Node
		if soft {
			targets, inputs = inputs[:parts], inputs[parts:]
		}
		scalars, rng := inputs[:nsc], inputs[nsc]
		rest := inputs[nsc+1:]
		params, rest := rest[:np], rest[np:]
		slots := make([][]*Node, ns)
		for k := range slots {
			slots[k], rest = rest[:np], rest[np:]
		}
		bufs, masks := rest[:nb], rest[nb:]
		f, correct, loss, grads, _ := n.lossAndGrads(xs, labels, targets, rng, params, bufs, masks, rule.smoothing)
		if rule.clip > 0 {
			grads = clipGradients(grads, rule.clip)
		}
		outs := []*Node{loss, correct, f.RNG}
		newP, newSlots := make([]*Node, np), make([][]*Node, ns)
		for i, p := range params {
			state := make([]*Node, ns)
			for k := range slots {
				state[k] = slots[k][i]
			}
			var upd []*Node
			newP[i], upd = rule.optim.Update(p, grads[i], state, scalars)
			for k := range newSlots {
				newSlots[k] = append(newSlots[k], upd[k])
			}
		}
		outs = append(outs, newP...)
		for _, sl := range newSlots {
			outs = append(outs, sl...)
		}
		for i, b := range n.buffers {
			if u, ok := f.Updates[b.FullName]; ok {
				outs = append(outs, u)
			} else {
				outs = append(outs, bufs[i])
			}
		}
		return outs
	})
	if err != nil {
		return nil, err
	}
	if n.trainExec == nil {
		n.trainExec = map[[3]int]*Exec{}
	}
	n.trainExec[key] = exec
	return exec, nil
}

// lossAndGrads applies the model in training mode to a batch in parts and
// differentiates the mean cross-entropy over the whole batch with respect to
// the trainable parameters (with soft targets per part, when not nil, the
// cross-entropy with them). It returns the logits of each part and the
// count of correctly classified trials. masks are the step's dropout masks
// (see stepMasks).
func (n *Net) lossAndGrads(xs, labels, targets []*Node, rng *Node, params, bufs, masks []*Node, smoothing float64) (f *nn.ForwardState, correct, loss *Node, grads []*Node, logits []*Node) {
	f = &nn.ForwardState{Train: true, Values: n.values(xs[0].Graph(), params, bufs), Updates: map[string]*Node{}, RNG: rng, Masks: masks}
	logits = n.Model.Forward(f, xs...)
	total := 0
	sums, counts := make([]*Node, len(logits)), make([]*Node, len(logits))
	for i, l := range logits {
		ce := nn.CrossEntropy
		if targets != nil || smoothing > 0 {
			var t *Node
			if targets != nil {
				t = targets[i]
			} else {
				t = OneHot(labels[i], l.Shape().Dimensions[1], l.DType())
			}
			if smoothing > 0 { // torch's label_smoothing: (1−ε)·t + ε/K
				t = AddScalar(MulScalar(t, 1-smoothing), smoothing/float64(l.Shape().Dimensions[1]))
			}
			ce = func(l, _ *Node) *Node { return nn.SoftCrossEntropy(l, t) }
		}
		sums[i] = MulScalar(ce(l, labels[i]), float64(l.Shape().Dimensions[0]))
		counts[i] = nn.CountCorrect(l, labels[i])
		total += l.Shape().Dimensions[0]
	}
	loss, correct = DivScalar(nn.SumNodes(sums), float64(total)), nn.SumNodes(counts)
	return f, correct, loss, Gradient(loss, params...), logits
}

// Gradients evaluates one training-mode forward and backward pass on trials
// idx of (x, y) without changing the network: the logits, the mean
// cross-entropy and its gradient for every trainable parameter (by
// state_dict name). Dropout takes the masks the next training step would.
func (n *Net) Gradients(x []float32, y []int32, idx []int) (logits [][]float32, loss float64, grads nn.StateDict, err error) {
	np, nb := len(n.params), len(n.bufs)
	masks, parts, err := n.partsAndMasks(idx, false)
	k := len(parts)
	if err != nil {
		return nil, 0, nil, err
	}
	exec, err := NewExec(n.backend, func(inputs []*Node) []*Node {
		rest := inputs[2*k+1:]
		_, _, loss, grads, logits := n.lossAndGrads(inputs[:k], inputs[k:2*k], nil, inputs[2*k], rest[:np], rest[np:np+nb], rest[np+nb:], 0)
		return append(append(logits, loss), grads...)
	})
	if err != nil {
		return nil, 0, nil, err
	}
	defer exec.Finalize()
	args := append(partsArgs(x, y, n.Model.Input, parts), n.rng)
	res, err := exec.Exec(append(args, anySlice(n.params, n.bufs, masks)...)...)
	if err != nil {
		return nil, 0, nil, err
	}
	if logits, err = partsLogits(res[:k]); err != nil {
		return nil, 0, nil, err
	}
	loss = float64(tensors.ToScalar[float32](res[k]))
	grads = nn.StateDict{}
	for i, p := range n.trainable {
		g, err := tensors.CopyFlatData[float32](res[k+1+i])
		if err != nil {
			return nil, 0, nil, err
		}
		grads[p.FullName] = &nn.Tensor{Shape: append([]int(nil), p.Shape...), Data: g}
	}
	return logits, loss, grads, nil
}

// batchTensor gathers trials idx of x ([N, 1, H, W] in C order) into the
// model's layout [1, H, B, W].
func batchTensor(x []float32, in nn.Shape3, idx []int) *tensors.Tensor {
	h, w := in[1], in[2]
	per := in.Size()
	b := len(idx)
	out := make([]float32, per*b)
	for c := 0; c < in[0]; c++ {
		for r := 0; r < h; r++ {
			for i, j := range idx {
				src := x[j*per+(c*h+r)*w : j*per+(c*h+r+1)*w]
				copy(out[((c*h+r)*b+i)*w:], src)
			}
		}
	}
	return tensors.FromFlatDataAndDimensions(out, in[0], h, b, w)
}

func anySlice(groups ...[]*tensors.Tensor) []any {
	var out []any
	for _, g := range groups {
		for _, t := range g {
			out = append(out, t)
		}
	}
	return out
}
