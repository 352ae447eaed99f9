package nn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
)

// ModelSpec is a model's architecture as data: what a run saves (in
// run.json's config, "arch") so that eval, predict, LoadRun, resuming and
// the notebooks rebuild a model that is not one of NewModel's names. Each
// layer is its registered type name and its fields as JSON:
//
//	{"type": "Conv2d", "name": "conv_temporal", "config": {"In": 1, "Out": 8, "Kernel": [1, 64], …}}
type ModelSpec struct {
	Name   string      `json:"name"`
	Act    string      `json:"activation,omitempty"` // the model's activation ("" if none of the three)
	Input  Shape3      `json:"input"`
	Blocks []BlockSpec `json:"blocks"`
}

// BlockSpec is one block of a ModelSpec.
type BlockSpec struct {
	Name   string      `json:"name"`
	Layers []LayerSpec `json:"layers"`
}

// LayerSpec is one layer of a ModelSpec: its registered type, its name in
// the state_dict when it is Named, and its fields.
type LayerSpec struct {
	Type   string          `json:"type"`
	Name   string          `json:"name,omitempty"`
	Config json.RawMessage `json:"config,omitempty"`
	// Children are a Container's layers (Sequential, Concat, Residual, or a
	// registered container of your own).
	Children []LayerSpec `json:"children,omitempty"`
}

var (
	layerMu    sync.RWMutex
	layerTypes = map[string]reflect.Type{} // registered name -> struct type
	layerNames = map[reflect.Type]string{}
)

// RegisterLayer makes a layer type of your own savable: a run whose model
// contains it records it by name, and LoadRun rebuilds it from its exported
// fields (encoding/json), so register it before training or loading, as
// gob.Register is used. zero is a value of the type (MyLayer{}); it must be
// a struct. The package's own layers are registered already.
func RegisterLayer(name string, zero Layer) {
	t := reflect.TypeOf(zero)
	if t.Kind() != reflect.Struct {
		panic(fmt.Sprintf("nn.RegisterLayer(%q): %v is not a struct type", name, t))
	}
	layerMu.Lock()
	defer layerMu.Unlock()
	if old, ok := layerTypes[name]; ok && old != t {
		panic(fmt.Sprintf("nn.RegisterLayer(%q): the name is taken by %v", name, old))
	}
	layerTypes[name], layerNames[t] = t, name
}

// The package's layers, registered under their Go names.
func init() {
	for _, l := range []Layer{Conv2d{}, MaxNormConv2d{}, TimeFirstConv2d{}, CombinedConv{}, BatchNorm2d{}, Pool2d{},
		Dropout{}, Linear{}, Squared{}, SafeLog{}, PassThrough{}, Sequential{}, Concat{}, Residual{},
		LayerNorm{}, ChannelLinear{}, MultiHeadAttention{}, GELU{}, Permute{}, Conv1d{}, Chomp{}, LastStep{}, MaxNormLinear{}, ZeroPad{},
		FilterBank{}, StatLayer{}, SiLU{}, RenormLinear{}, Mean{}, MHA{}, Crop{}} {
		RegisterLayer(reflect.TypeOf(l).Name(), l)
	}
	t := reflect.TypeOf(activationLayer{})
	layerTypes["Activation"], layerNames[t] = t, "Activation"
}

// activationLayer is how an Activation (an int) appears in a spec.
type activationLayer struct{ Name string }

// Spec returns the model's architecture as data, or an error naming a layer
// that cannot be saved (a Func, whose Go function has no data form, or a
// type of your own that is not registered).
func (m *Model) Spec() (*ModelSpec, error) {
	s := &ModelSpec{Name: m.Name, Act: m.Act.Name(), Input: m.Input}
	for _, b := range m.Blocks {
		bs := BlockSpec{Name: b.Name}
		for i, l := range b.Layers {
			ls, err := layerSpec(l, fmt.Sprintf("%s layer %s", m.Name, strings.TrimSuffix(layerPrefix(b, i), ".")))
			if err != nil {
				return nil, err
			}
			bs.Layers = append(bs.Layers, ls)
		}
		s.Blocks = append(s.Blocks, bs)
	}
	return s, nil
}

// layerSpec is one layer as data, a container's children with it; where
// names it in errors.
func layerSpec(l Layer, where string) (LayerSpec, error) {
	ls := LayerSpec{}
	if n, ok := l.(Named); ok {
		ls.Name, l = n.Name, n.Layer
	}
	var v any = l
	switch x := l.(type) {
	case Func:
		return ls, fmt.Errorf("%s is a Func (%s): a Go function cannot be saved with a run; write it as a layer type and register it with nn.RegisterLayer", where, x.Name)
	case Activation:
		v = activationLayer{Name: x.Name()}
	}
	layerMu.RLock()
	name, ok := layerNames[reflect.TypeOf(v)]
	layerMu.RUnlock()
	if !ok {
		return ls, fmt.Errorf("%s has type %T, which is not registered: call nn.RegisterLayer(%q, %T{}) before training, and before loading the run", where, l, reflect.TypeOf(l).Name(), l)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return ls, fmt.Errorf("%s: %w", where, err)
	}
	if string(raw) != "{}" {
		ls.Config = raw
	}
	ls.Type = name
	if c, ok := l.(Container); ok {
		for i, child := range c.Children() {
			cs, err := layerSpec(child, fmt.Sprintf("%s child %d", where, i))
			if err != nil {
				return ls, err
			}
			ls.Children = append(ls.Children, cs)
		}
	}
	return ls, nil
}

// Model rebuilds the model the spec describes and checks it (Model.Build).
func (s *ModelSpec) Model() (*Model, error) {
	act, err := ParseActivation(s.Act)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", s.Name, err)
	}
	m := &Model{Name: s.Name, Act: act, Input: s.Input}
	for _, bs := range s.Blocks {
		b := Block{Name: bs.Name}
		for _, ls := range bs.Layers {
			l, err := ls.layer()
			if err != nil {
				return nil, fmt.Errorf("model %s %w", s.Name, err)
			}
			b.Layers = append(b.Layers, l)
		}
		m.Blocks = append(m.Blocks, b)
	}
	return m.Build()
}

// layer is the layer the spec describes, a container with its children.
func (ls LayerSpec) layer() (Layer, error) {
	layerMu.RLock()
	t, ok := layerTypes[ls.Type]
	layerMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("names a layer type %q that this program does not know: register it with nn.RegisterLayer(%q, …) before loading (known: %s)", ls.Type, ls.Type, knownLayers())
	}
	p := reflect.New(t)
	if len(ls.Config) > 0 {
		dec := json.NewDecoder(bytes.NewReader(ls.Config))
		dec.DisallowUnknownFields()
		if err := dec.Decode(p.Interface()); err != nil {
			return nil, fmt.Errorf("layer %s: %w", ls.Type, err)
		}
	}
	var l Layer
	if a, ok := p.Interface().(*activationLayer); ok {
		act, err := ParseActivation(a.Name)
		if err != nil || act == NoActivation {
			return nil, fmt.Errorf("activation layer %q: want relu, leakyrelu or elu", a.Name)
		}
		l = act
	} else {
		l = p.Elem().Interface().(Layer)
	}
	c, isContainer := l.(Container)
	switch {
	case isContainer:
		var children []Layer
		for _, cs := range ls.Children {
			child, err := cs.layer()
			if err != nil {
				return nil, err
			}
			children = append(children, child)
		}
		if len(children) == 0 {
			return nil, fmt.Errorf("layer %s holds no layers", ls.Type)
		}
		l = c.WithChildren(children)
	case len(ls.Children) > 0:
		return nil, fmt.Errorf("layer %s is not a container but the spec gives it %d children", ls.Type, len(ls.Children))
	}
	if ls.Name != "" {
		l = Named{Name: ls.Name, Layer: l}
	}
	return l, nil
}

func knownLayers() string {
	layerMu.RLock()
	defer layerMu.RUnlock()
	var names []string
	for n := range layerTypes {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
