package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/eegkit/eegkit/eegkit/npz"
)

// Tensor is a float32 array in C order with PyTorch's shape.
type Tensor struct {
	Shape []int
	Data  []float32
}

// Clone returns a deep copy.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{Shape: slices.Clone(t.Shape), Data: slices.Clone(t.Data)}
}

// StateDict holds a model's parameters and buffers by their PyTorch
// state_dict names, like model.state_dict() (num_batches_tracked is kept as float32).
type StateDict map[string]*Tensor

// Clone returns a deep copy.
func (sd StateDict) Clone() StateDict {
	c := make(StateDict, len(sd))
	for k, v := range sd {
		c[k] = v.Clone()
	}
	return c
}

// Check verifies that sd has every parameter and buffer of m with the right
// shape, and nothing else; the error lists what differs.
func (sd StateDict) Check(m *Model) error {
	want := map[string]bool{}
	for _, p := range m.Params() {
		want[p.FullName] = true
		t, ok := sd[p.FullName]
		if !ok {
			return fmt.Errorf("weights for %s are missing %q (shape %v)", m.Name, p.FullName, p.Shape)
		}
		if !slices.Equal(t.Shape, p.Shape) && !(len(p.Shape) == 0 && shapeSize(t.Shape) == 1) {
			return fmt.Errorf("weights for %s: %q has shape %v, want %v", m.Name, p.FullName, t.Shape, p.Shape)
		}
		if len(t.Data) != p.Size() {
			return fmt.Errorf("weights for %s: %q has %d values, want %d", m.Name, p.FullName, len(t.Data), p.Size())
		}
		for _, v := range t.Data {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("weights for %s: %q contains NaN or Inf", m.Name, p.FullName)
			}
			if v < 0 && strings.HasSuffix(p.FullName, "running_var") {
				return fmt.Errorf("weights for %s: %q holds %g, but a variance cannot be negative (damaged or wrongly converted weights)", m.Name, p.FullName, v)
			}
		}
	}
	for k := range sd {
		if !want[k] {
			return fmt.Errorf("weights for %s have an unexpected entry %q (is this a %s state_dict?)", m.Name, k, m.Name)
		}
	}
	return nil
}

// InitWeights initialises a model as PyTorch does by default: convolution and
// linear weights kaiming-uniform with a=√5 (uniform in ±1/√fan_in), biases
// uniform in ±1/√fan_in, BatchNorm weight 1, bias 0, running mean 0,
// running variance 1; a parameter whose Init says otherwise is drawn as it
// says (Xavier-uniform, or zeros). The same seed gives the same weights.
func InitWeights(m *Model, seed uint64) StateDict {
	rng := rand.New(rand.NewPCG(seed, 0x6565676b6974)) // "eegkit"
	sd := StateDict{}
	for _, p := range m.Params() {
		t := &Tensor{Shape: slices.Clone(p.Shape), Data: make([]float32, p.Size())}
		switch {
		case p.Value != nil:
			copy(t.Data, p.Value)
		case p.Init == InitXavier:
			bound := math.Sqrt(6 / float64(p.FanIn+p.FanOut))
			for i := range t.Data {
				t.Data[i] = float32((2*rng.Float64() - 1) * bound)
			}
		case p.Init == InitKaiming:
			bound := math.Sqrt(6 / float64(p.FanIn))
			for i := range t.Data {
				t.Data[i] = float32((2*rng.Float64() - 1) * bound)
			}
		case p.Init == InitUniform:
			bound := fanInBound(p.FanIn)
			for i := range t.Data {
				t.Data[i] = float32((2*rng.Float64() - 1) * bound)
			}
		case p.Init == InitOne:
			for i := range t.Data {
				t.Data[i] = 1
			}
		}
		sd[p.FullName] = t
	}
	return sd
}

// SaveWeights writes sd as an .npz archive keyed by state_dict names with
// PyTorch's shapes and dtypes (float32; num_batches_tracked int64), so that
// PyTorch can load it:
//
//	sd = {k: torch.from_numpy(v) for k, v in numpy.load(path).items()}
//	model.load_state_dict(sd)
func SaveWeights(path string, m *Model, sd StateDict) error {
	if err := sd.Check(m); err != nil {
		return err
	}
	var entries []npz.Entry
	for _, p := range m.Params() {
		t := sd[p.FullName]
		if p.Int64 {
			entries = append(entries, npz.Entry{Name: p.FullName, Shape: []int{}, Data: []int64{int64(t.Data[0])}})
			continue
		}
		entries = append(entries, npz.Entry{Name: p.FullName, Shape: p.Shape, Data: t.Data})
	}
	return npz.Write(path, entries)
}

// LoadWeights reads an .npz state_dict (as SaveWeights writes, or as
// numpy.savez(path, **{k: v.numpy() for k, v in model.state_dict().items()})
// writes) and checks it against m.
func LoadWeights(path string, m *Model) (StateDict, error) {
	z, err := npz.Open(path)
	if err != nil {
		return nil, err
	}
	defer z.Close()
	sd := StateDict{}
	for _, k := range z.Keys() {
		a, err := z.Array(k)
		if err != nil {
			return nil, err
		}
		t := &Tensor{Shape: a.Shape, Data: make([]float32, len(a.Data))}
		for i, v := range a.Data {
			t.Data[i] = float32(v)
		}
		sd[k] = t
	}
	if err := sd.Check(m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return sd, nil
}
