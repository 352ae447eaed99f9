package augment

import (
	"fmt"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"math"
	"strconv"
	"strings"
)

// Info is what Parse needs to know of the trials: their sampling rate and
// length (for values in seconds and frequencies), channel names (for the
// left/right swaps) and class names (Mirror flips left and right hands).
type Info struct {
	Rate     float64
	Times    int
	Channels []string
	Classes  []string
}

// InfoOf is the Info of a dataset's trials.
func InfoOf(ds *eeg.Dataset) Info {
	return Info{Rate: ds.Rate, Times: ds.Times, Channels: ds.ChannelNames, Classes: ds.ClassNames}
}

// Parse builds a pipeline from a spec in the grammar of the package
// documentation, e.g. "timeshift:0.2s,noise:0.1,mirror:0.5". The empty spec
// is no augmentation (nil).
func Parse(spec string, info Info) (Pipeline, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, nil
	}
	var out Pipeline
	for _, item := range strings.Split(spec, ",") {
		t, err := parseItem(strings.TrimSpace(item), info)
		if err != nil {
			return nil, fmt.Errorf("augmentation %q: %w", item, err)
		}
		out = append(out, t)
	}
	return out, nil
}

// An Entry is a transform of the registry: the name Parse knows it by, and
// how it is built from its Args (the ":"-separated values after the name,
// at most two, and the trials they are for).
type Entry struct {
	Name  string
	Parse func(a Args) (Transform, error)
}

var registry []Entry

// Register adds a transform to the registry Parse reads. It is called from
// an init function and panics on an entry without a name or Parse function,
// or on a taken name, as models.Register does.
func Register(e Entry) {
	if e.Name == "" || e.Parse == nil || strings.ContainsAny(e.Name, ":, ") || e.Name != strings.ToLower(e.Name) {
		panic(fmt.Sprintf("augment.Register(%q): an entry needs a lower-case name without ':', ',' or spaces and a Parse function", e.Name))
	}
	if lookup(e.Name) != nil {
		panic(fmt.Sprintf("augment.Register: the name %q is taken", e.Name))
	}
	registry = append(registry, e)
}

// Names lists the transforms Parse knows, in the order they were registered.
func Names() []string {
	out := make([]string, len(registry))
	for i, e := range registry {
		out[i] = e.Name
	}
	return out
}

func lookup(name string) *Entry {
	for i := range registry {
		if registry[i].Name == name {
			return &registry[i]
		}
	}
	return nil
}

func parseItem(item string, info Info) (Transform, error) {
	parts := strings.Split(item, ":")
	name, args := strings.ToLower(parts[0]), parts[1:]
	if len(args) > 2 {
		return nil, fmt.Errorf("want name[:value[:probability]], got %d fields", len(parts))
	}
	e := lookup(name)
	if e == nil {
		return nil, fmt.Errorf("unknown transform %q: use %s", name, strings.Join(Names(), ", "))
	}
	return e.Parse(Args{Name: name, Fields: args, Info: info})
}

// Args are the fields of one item of a spec, after its name, and the
// trials the transform is for.
type Args struct {
	Name   string
	Fields []string
	Info   Info
}

// DefaultP is the probability of a transform whose spec gives none.
const DefaultP = 0.5

// Num parses field i as a number in [lo, hi], or gives def when it is missing.
func (a Args) Num(i int, what string, def, lo, hi float64) (float64, error) {
	if i >= len(a.Fields) {
		return def, nil
	}
	v, err := strconv.ParseFloat(a.Fields[i], 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < lo || v > hi {
		if math.IsInf(hi, 1) {
			return 0, fmt.Errorf("%s %q must be a number >= %g, and finite", what, a.Fields[i], lo)
		}
		return 0, fmt.Errorf("%s %q must be a number in [%g, %g]", what, a.Fields[i], lo, hi)
	}
	return v, nil
}

// Samples parses field 0 as a length in samples, or in seconds with an "s"
// suffix, at least 1 and less than the trial; def when it is missing.
func (a Args) Samples(def int) (int, error) {
	if len(a.Fields) == 0 {
		return def, nil
	}
	f := a.Fields[0]
	scale := 1.0
	if strings.HasSuffix(f, "s") {
		f, scale = strings.TrimSuffix(f, "s"), a.Info.Rate
	}
	v, err := strconv.ParseFloat(f, 64)
	n := int(math.Round(v * scale))
	if err != nil || n < 1 || n >= a.Info.Times {
		return 0, fmt.Errorf("length %q must be at least 1 sample and less than the trial's %d samples (a number of samples, or seconds as 0.5s)", a.Fields[0], a.Info.Times)
	}
	return n, nil
}

// POnly is the probability of a transform without a value: its only field.
func (a Args) POnly() (float64, error) {
	if len(a.Fields) > 1 {
		return 0, fmt.Errorf("%s takes only a probability (%s:0.5)", a.Name, a.Name)
	}
	return a.Num(0, "probability", DefaultP, 0, 1)
}

// PAfter is the probability of a transform with a value: its second field.
func (a Args) PAfter() (float64, error) { return a.Num(1, "probability", DefaultP, 0, 1) }

// withP builds a transform of one probability.
func withP(build func(p float64) Transform) func(Args) (Transform, error) {
	return func(a Args) (Transform, error) {
		p, err := a.POnly()
		if err != nil {
			return nil, err
		}
		return build(p), nil
	}
}

// withValue builds a transform of a value (field 0, def when missing, in
// [0, hi(info)]) and a probability.
func withValue(what string, def float64, hi func(Info) float64, build func(v, p float64, info Info) Transform) func(Args) (Transform, error) {
	return func(a Args) (Transform, error) {
		v, err := a.Num(0, what, def, 0, hi(a.Info))
		if err != nil {
			return nil, err
		}
		p, err := a.PAfter()
		if err != nil {
			return nil, err
		}
		return build(v, p, a.Info), nil
	}
}

// withLength builds a transform of a length (field 0: samples or seconds,
// def(info) when missing) and a probability.
func withLength(def func(Info) int, build func(n int, p float64) Transform) func(Args) (Transform, error) {
	return func(a Args) (Transform, error) {
		n, err := a.Samples(def(a.Info))
		if err != nil {
			return nil, err
		}
		p, err := a.PAfter()
		if err != nil {
			return nil, err
		}
		return build(n, p), nil
	}
}

// swapped reads the probability of a transform that swaps left and right
// electrodes and gives the left/right permutation of the trials' channels,
// or an error when they have no left/right pair.
func swapped(a Args) (p float64, perm []int, err error) {
	if p, err = a.POnly(); err != nil {
		return 0, nil, err
	}
	perm = symmetricPermutation(a.Info.Channels)
	for i, j := range perm {
		if i != j {
			return p, perm, nil
		}
	}
	return 0, nil, fmt.Errorf("%s swaps left and right electrodes (C3 ↔ C4), but the channels %s have no left/right pair", a.Name, strings.Join(a.Info.Channels, ", "))
}

func parseScale(a Args) (Transform, error) {
	lo, hi := 0.5, 2.0
	if len(a.Fields) > 0 {
		bounds := strings.SplitN(a.Fields[0], "-", 2)
		var e1, e2 error
		if len(bounds) == 2 {
			lo, e1 = strconv.ParseFloat(bounds[0], 64)
			hi, e2 = strconv.ParseFloat(bounds[1], 64)
		}
		if len(bounds) != 2 || e1 != nil || e2 != nil || !(lo > 0 && hi >= lo) || math.IsInf(hi, 0) {
			return nil, fmt.Errorf("scale interval %q must be LO-HI with 0 < LO ≤ HI, both finite (0.5-2)", a.Fields[0])
		}
	}
	p, err := a.PAfter()
	if err != nil {
		return nil, err
	}
	return AmplitudeScale{P: p, Lo: lo, Hi: hi}, nil
}

func parseMixup(a Args) (Transform, error) {
	if len(a.Fields) > 1 && a.Fields[1] != "per-sample" {
		return nil, fmt.Errorf("mixup takes alpha and optionally per-sample (mixup:0.2:per-sample)")
	}
	alpha, err := a.Num(0, "alpha", 0.2, 0, math.Inf(1))
	if err != nil {
		return nil, err
	}
	return Mixup{Alpha: alpha, PerSample: len(a.Fields) > 1}, nil
}

// The package's transforms, in the order of the package documentation's grammar.
func init() {
	unbounded := func(Info) float64 { return math.Inf(1) }
	one := func(Info) float64 { return 1 }
	for _, e := range []Entry{
		{"timereverse", withP(func(p float64) Transform { return TimeReverse{P: p} })},
		{"signflip", withP(func(p float64) Transform { return SignFlip{P: p} })},
		{"ftsurrogate", withP(func(p float64) Transform { return FTSurrogate{P: p, Magnitude: 1} })},
		{"smoothtimemask", withLength(func(Info) int { return 100 }, func(n int, p float64) Transform { return SmoothTimeMask{P: p, MaskLen: n} })},
		{"bandstop", withValue("bandwidth (Hz)", 1, func(i Info) float64 { return i.Rate/2 - 3 }, func(v, p float64, i Info) Transform {
			return BandstopFilter{P: p, Bandwidth: v, Rate: i.Rate}
		})},
		{"freqshift", withValue("maximum shift (Hz)", 2, func(i Info) float64 { return i.Rate / 2 }, func(v, p float64, i Info) Transform {
			return FrequencyShift{P: p, MaxDelta: v, Rate: i.Rate}
		})},
		{"noise", withValue("standard deviation", 0.1, unbounded, func(v, p float64, _ Info) Transform { return GaussianNoise{P: p, Std: v} })},
		{"scale", parseScale},
		{"chandropout", withValue("drop probability", 0.2, one, func(v, p float64, _ Info) Transform { return ChannelsDropout{P: p, PDrop: v} })},
		{"chanshuffle", withValue("shuffle probability", 0.2, one, func(v, p float64, _ Info) Transform { return ChannelsShuffle{P: p, PShuffle: v} })},
		{"symmetry", func(a Args) (Transform, error) {
			p, perm, err := swapped(a)
			if err != nil {
				return nil, err
			}
			return ChannelsSymmetry{P: p, Perm: perm}, nil
		}},
		{"mirror", func(a Args) (Transform, error) {
			p, perm, err := swapped(a)
			if err != nil {
				return nil, err
			}
			if c := a.Info.Classes; len(c) != 2 || !strings.Contains(strings.ToLower(c[0]), "left") || !strings.Contains(strings.ToLower(c[1]), "right") {
				return nil, fmt.Errorf("mirror flips left- and right-hand labels, but the classes are %s; use symmetry to swap channels and keep labels", strings.Join(c, ", "))
			}
			return Mirror{P: p, Perm: perm}, nil
		}},
		{"timeshift", withLength(func(i Info) int { return int(math.Round(0.2 * i.Rate)) }, func(n int, p float64) Transform { return TimeShift{P: p, Max: n} })},
		{"mixup", parseMixup},
	} {
		Register(e)
	}
}
