package train

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/safefile"
	"github.com/gomlx/gomlx/core/tensors"
)

// CheckpointFile is the name of a training checkpoint in a run directory.
// It is removed when the finished run is saved.
const CheckpointFile = "checkpoint.gob"

// checkpointVersion 2 added the data's content hash (DataID).
const checkpointVersion = 2

// checkpointMagic starts a checkpoint file; the sha256 of the gob payload follows it.
const checkpointMagic = "EEGKITCK"

// Checkpoint is everything a run needs to continue exactly where it was:
// weights, BatchNorm statistics, the optimizer's state and step count, the
// shuffling and dropout random states, the history and the best epoch so far.
type Checkpoint struct {
	Version    int
	Config     []byte // JSON of the TrainConfig
	Data       string // eeg.Data.Source
	DataID     string // eeg.Data.ID
	History    []EpochStats
	ResumedAt  []int
	Stopped    bool   // a callback (early stopping, say) ended the run
	StopReason string // what it said
	Parts      int    // batchParts the run was trained with: another split gives other float rounding and dropout masks

	Steps        int
	Shuffle      []byte // math/rand/v2 PCG state
	Augment      []byte // the augmentation stream's PCG state (nil without a transform)
	DropoutRNG   []uint64
	Weights      map[string][]float32 // parameters and buffers
	AdamM, AdamV map[string][]float32 // Adam's moments, as checkpoints before Optimizer wrote them (read, not written)
	Optimizer    string               // the optimizer's name; "" in checkpoints of Adam before there were others
	// State is the optimizer's state by slot name ("exp_avg") and parameter.
	State map[string]map[string][]float32

	Best      map[string][]float32
	BestEpoch int
	BestLoss  float64
	BestAcc   float64
}

func writeCheckpoint(dir string, run *Run, net *Net, shuffle *rand.PCG, sel *ModelSelection, aug *augmenter, stopped string) error {
	cfg, err := json.Marshal(run.Config)
	if err != nil {
		return err
	}
	ck := Checkpoint{Version: checkpointVersion, Config: cfg, Data: run.Data, DataID: run.DataID, History: run.History, ResumedAt: run.ResumedAt,
		Stopped: stopped != "", StopReason: stopped, Parts: net.parts, Steps: net.Steps, BestEpoch: sel.BestEpoch, BestLoss: sel.bestLoss, BestAcc: sel.bestAcc}
	if ck.Shuffle, err = shuffle.MarshalBinary(); err != nil {
		return err
	}
	if ck.Augment, err = aug.state(); err != nil {
		return err
	}
	if ck.DropoutRNG, err = tensors.CopyFlatData[uint64](net.rng); err != nil {
		return err
	}
	sd, err := net.StateDict()
	if err != nil {
		return err
	}
	ck.Weights, ck.Best = flatten(sd), flatten(sel.best)
	ck.Optimizer, ck.State = net.optim.Name(), map[string]map[string][]float32{}
	for k, name := range net.optim.Slots() {
		if ck.State[name], err = net.hostCopies(net.slots[k]); err != nil {
			return err
		}
	}
	if err := sd.Check(net.Model); err != nil { // never checkpoint NaN weights: a rerun would resume into them
		return fmt.Errorf("training diverged at epoch %d: %w; not checkpointing it", len(run.History), err)
	}
	return ck.write(dir)
}

// write writes the checkpoint into dir: the magic, the sha256 of the gob
// payload, the payload.
func (ck *Checkpoint) write(dir string) error {
	var payload bytes.Buffer
	if err := gob.NewEncoder(&payload).Encode(ck); err != nil {
		return err
	}
	sum := sha256.Sum256(payload.Bytes())
	file := append(append([]byte(checkpointMagic), sum[:]...), payload.Bytes()...)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return safefile.WriteFile(filepath.Join(dir, CheckpointFile), file)
}

// ReadCheckpoint returns the checkpoint in dir, or nil if there is none.
func ReadCheckpoint(dir string) (*Checkpoint, error) {
	path := filepath.Join(dir, CheckpointFile)
	if !fileExistsAny(path) {
		return nil, nil
	}
	raw, err := safefile.ReadRegular(path, "a checkpoint")
	if err != nil {
		return nil, err
	}
	if len(raw) < len(checkpointMagic)+sha256.Size || string(raw[:len(checkpointMagic)]) != checkpointMagic {
		return nil, fmt.Errorf("checkpoint %s is not an eegkit checkpoint of this version (or is truncated); delete it, or ask to replace the run (--replace), to start afresh", path)
	}
	payload := raw[len(checkpointMagic)+sha256.Size:]
	if sum := sha256.Sum256(payload); !bytes.Equal(sum[:], raw[len(checkpointMagic):len(checkpointMagic)+sha256.Size]) {
		return nil, fmt.Errorf("checkpoint %s is damaged (its sha256 does not match its content); delete it, or ask to replace the run (--replace), to start afresh", path)
	}
	ck := &Checkpoint{}
	if err := gob.NewDecoder(bytes.NewReader(payload)).Decode(ck); err != nil {
		return nil, fmt.Errorf("checkpoint %s is corrupt (%w); delete it to start the run afresh", path, err)
	}
	if ck.Version != checkpointVersion {
		return nil, fmt.Errorf("checkpoint %s has version %d, this eegkit writes %d; delete it to start the run afresh", path, ck.Version, checkpointVersion)
	}
	return ck, nil
}

func (ck *Checkpoint) matches(cfg TrainConfig, dataID, dir string, parts int) error {
	want, _ := json.Marshal(cfg)
	if !bytes.Equal(want, ck.Config) || ck.DataID != dataID {
		return fmt.Errorf("%s holds a checkpoint of another run (%s on %s); use another output directory, or ask to replace it (--replace)",
			dir, ck.Config, ck.Data)
	}
	if ck.Parts != parts {
		return fmt.Errorf("the checkpoint in %s was written with EEGKIT_PARTS=%d and this process splits batches in %d; resume with EEGKIT_PARTS=%d to end with the same weights",
			dir, ck.Parts, parts, ck.Parts)
	}
	return nil
}

func (ck *Checkpoint) restore(net *Net, shuffle *rand.PCG, sel *ModelSelection, aug *augmenter) error {
	if err := shuffle.UnmarshalBinary(ck.Shuffle); err != nil {
		return err
	}
	if err := aug.restore(ck.Augment); err != nil {
		return err
	}
	sd, err := unflatten(ck.Weights, net.Model)
	if err != nil {
		return err
	}
	if err := net.SetStateDict(sd); err != nil {
		return err
	}
	state := ck.State
	if ck.Optimizer == "" { // written before there were other optimizers than Adam
		ck.Optimizer, state = OptimizerAdam, map[string]map[string][]float32{"exp_avg": ck.AdamM, "exp_avg_sq": ck.AdamV}
	}
	if ck.Optimizer != net.optim.Name() {
		return fmt.Errorf("the checkpoint's optimizer is %s, the run's %s", ck.Optimizer, net.optim.Name())
	}
	for k, name := range net.optim.Slots() {
		if net.slots[k], err = net.deviceCopies(state[name]); err != nil {
			return err
		}
	}
	if len(ck.DropoutRNG) != net.rng.Shape().Size() {
		return fmt.Errorf("dropout random state has %d values, want %d", len(ck.DropoutRNG), net.rng.Shape().Size())
	}
	net.rng = tensors.FromFlatDataAndDimensions(append([]uint64(nil), ck.DropoutRNG...), net.rng.Shape().Dimensions...)
	net.Steps = ck.Steps
	if ck.Best != nil {
		if sel.best, err = unflatten(ck.Best, net.Model); err != nil {
			return err
		}
	}
	sel.BestEpoch, sel.bestLoss, sel.bestAcc = ck.BestEpoch, ck.BestLoss, ck.BestAcc
	return nil
}

func flatten(sd nn.StateDict) map[string][]float32 {
	if sd == nil {
		return nil
	}
	out := make(map[string][]float32, len(sd))
	for k, t := range sd {
		out[k] = t.Data
	}
	return out
}

func unflatten(flat map[string][]float32, m *nn.Model) (nn.StateDict, error) {
	sd := nn.StateDict{}
	for _, p := range m.Params() {
		d, ok := flat[p.FullName]
		if !ok {
			return nil, fmt.Errorf("%s is missing", p.FullName)
		}
		sd[p.FullName] = &nn.Tensor{Shape: append([]int(nil), p.Shape...), Data: d}
	}
	return sd, sd.Check(m)
}

// SetStateDict replaces the network's weights and BatchNorm statistics.
// The optimizer's state is kept.
func (n *Net) SetStateDict(sd nn.StateDict) error {
	if err := sd.Check(n.Model); err != nil {
		return err
	}
	for i, p := range n.trainable {
		n.params[i] = deviceTensor(sd[p.FullName].Data, p.Shape)
	}
	for i, p := range n.buffers {
		n.bufs[i] = deviceTensor(sd[p.FullName].Data, p.Shape)
	}
	return nil
}

// deviceTensor is a tensor holding a copy of data, shaped shape.
func deviceTensor(data []float32, shape []int) *tensors.Tensor {
	return tensors.FromFlatDataAndDimensions(append([]float32(nil), data...), shape...)
}

// hostCopies copies per-parameter tensors (an optimizer slot) to the host by parameter name.
func (n *Net) hostCopies(ts []*tensors.Tensor) (map[string][]float32, error) {
	out := make(map[string][]float32, len(ts))
	for i, p := range n.trainable {
		d, err := tensors.CopyFlatData[float32](ts[i])
		if err != nil {
			return nil, err
		}
		out[p.FullName] = d
	}
	return out, nil
}

func (n *Net) deviceCopies(flat map[string][]float32) ([]*tensors.Tensor, error) {
	out := make([]*tensors.Tensor, len(n.trainable))
	for i, p := range n.trainable {
		d, ok := flat[p.FullName]
		if !ok || len(d) != p.Size() {
			return nil, fmt.Errorf("optimizer state of %s is missing or has the wrong size", p.FullName)
		}
		out[i] = deviceTensor(d, p.Shape)
	}
	return out, nil
}
