package train

import (
	"bytes"
	"encoding/json"
	"reflect"
)

// A run's identity (experiments.RunID) is the hash of its configuration's
// identity key and its data's id. The key is a JSON object of the fields
// identityFields lists, in that order. The fields of version 1 (the first
// group) are written as encoding/json wrote the whole TrainConfig when run
// ids were introduced: those without omitempty always, the others unless
// empty. Every field added to TrainConfig since goes in the second group
// and is written only when it is not at its default, so that a
// configuration that leaves it at its default keeps the id its runs were
// stored under. TestIdentityCoversTrainConfig makes sure that no field of
// TrainConfig is left out; experiments' golden tests pin the ids.

// identityField is one field of the identity key: its JSON name, its value
// and whether an empty value (encoding/json's omitempty) is left out.
type identityField struct {
	name      string
	value     func(TrainConfig) any
	omitEmpty bool
}

var identityFields = []identityField{
	// Version 1.
	{"model", func(c TrainConfig) any { return c.Model }, false},
	{"activation", func(c TrainConfig) any { return c.Activation }, false},
	{"epochs", func(c TrainConfig) any { return c.Epochs }, false},
	{"batch", func(c TrainConfig) any { return c.Batch }, false},
	{"lr", func(c TrainConfig) any { return c.LR }, false},
	{"weight_decay", func(c TrainConfig) any { return c.WeightDecay }, false},
	{"dropout", func(c TrainConfig) any { return c.Dropout }, true},
	{"seed", func(c TrainConfig) any { return c.Seed }, false},
	{"beta1", func(c TrainConfig) any { return c.Beta1 }, true},
	{"beta2", func(c TrainConfig) any { return c.Beta2 }, true},
	{"eps", func(c TrainConfig) any { return c.Eps }, true},
	{"val_fraction", func(c TrainConfig) any { return c.ValFraction }, true},
	{"select", func(c TrainConfig) any { return c.Select }, true},
	{"patience", func(c TrainConfig) any { return c.Patience }, true},
	{"schedule", func(c TrainConfig) any { return c.Schedule }, true},
	{"step_every", func(c TrainConfig) any { return c.StepEvery }, true},
	{"gamma", func(c TrainConfig) any { return c.Gamma }, true},
	{"augment", func(c TrainConfig) any { return c.Augment }, true},
	{"arch", func(c TrainConfig) any { return c.Arch }, true},
	{"crop", func(c TrainConfig) any { return c.Crop }, true},
	{"crop_stride", func(c TrainConfig) any { return c.CropStride }, true},
	{"input", func(c TrainConfig) any { return c.Input }, true},
	// Added since version 1: each with omitEmpty true, its default empty.
	{"optimizer", func(c TrainConfig) any { // "adam" is the default, ""
		if c.Optimizer == OptimizerAdam {
			return ""
		}
		return c.Optimizer
	}, true},
	{"momentum", func(c TrainConfig) any { return c.Momentum }, true},
	{"nesterov", func(c TrainConfig) any { return c.Nesterov }, true},
	{"label_smoothing", func(c TrainConfig) any { return c.LabelSmoothing }, true},
	{"clip", func(c TrainConfig) any { return c.Clip }, true},
	{"warmup", func(c TrainConfig) any { return c.Warmup }, true},
}

// IdentityKey is the configuration's identity key: what makes two runs the
// same run (with the same data). See identityFields.
func (c TrainConfig) IdentityKey() []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for _, f := range identityFields {
		v := f.value(c)
		if f.omitEmpty && isEmpty(reflect.ValueOf(v)) {
			continue
		}
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(f.name)
		raw, _ := json.Marshal(v)
		b.Write(name)
		b.WriteByte(':')
		b.Write(raw)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// isEmpty is encoding/json's omitempty test.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Invalid:
		return true
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}
