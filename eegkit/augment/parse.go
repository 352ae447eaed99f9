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
	return Info{Rate: ds.SampleRate(), Times: ds.NTimes(), Channels: ds.ChannelNames(), Classes: ds.ClassNames()}
}

// Names lists the transforms Parse knows.
var Names = []string{"timereverse", "signflip", "ftsurrogate", "smoothtimemask", "bandstop", "freqshift", "noise", "scale",
	"chandropout", "chanshuffle", "symmetry", "mirror", "timeshift", "mixup"}

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

func parseItem(item string, info Info) (Transform, error) {
	parts := strings.Split(item, ":")
	name, args := strings.ToLower(parts[0]), parts[1:]
	if len(args) > 2 {
		return nil, fmt.Errorf("want name[:value[:probability]], got %d fields", len(parts))
	}
	// num parses args[i], or gives def when it is missing.
	num := func(i int, what string, def float64, lo, hi float64) (float64, error) {
		if i >= len(args) {
			return def, nil
		}
		v, err := strconv.ParseFloat(args[i], 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < lo || v > hi {
			if math.IsInf(hi, 1) {
				return 0, fmt.Errorf("%s %q must be a number >= %g, and finite", what, args[i], lo)
			}
			return 0, fmt.Errorf("%s %q must be a number in [%g, %g]", what, args[i], lo, hi)
		}
		return v, nil
	}
	// samples parses args[0] as samples, or seconds with an "s" suffix.
	samples := func(def int) (int, error) {
		if len(args) == 0 {
			return def, nil
		}
		a := args[0]
		scale := 1.0
		if strings.HasSuffix(a, "s") {
			a, scale = strings.TrimSuffix(a, "s"), info.Rate
		}
		v, err := strconv.ParseFloat(a, 64)
		n := int(math.Round(v * scale))
		if err != nil || n < 1 || n >= info.Times {
			return 0, fmt.Errorf("length %q must be at least 1 sample and less than the trial's %d samples (a number of samples, or seconds as 0.5s)", args[0], info.Times)
		}
		return n, nil
	}
	const defP = 0.5
	// p is the probability: the first field for the transforms without a
	// value, the second for the others.
	pOnly := func() (float64, error) { return num(0, "probability", defP, 0, 1) }
	pAfter := func() (float64, error) { return num(1, "probability", defP, 0, 1) }
	switch name {
	case "timereverse", "signflip", "ftsurrogate", "symmetry", "mirror":
		if len(args) > 1 {
			return nil, fmt.Errorf("%s takes only a probability (%s:0.5)", name, name)
		}
		p, err := pOnly()
		if err != nil {
			return nil, err
		}
		switch name {
		case "timereverse":
			return TimeReverse{P: p}, nil
		case "signflip":
			return SignFlip{P: p}, nil
		case "ftsurrogate":
			return FTSurrogate{P: p, Magnitude: 1}, nil
		}
		perm := symmetricPermutation(info.Channels)
		moved := false
		for i, j := range perm {
			moved = moved || i != j
		}
		if !moved {
			return nil, fmt.Errorf("%s swaps left and right electrodes (C3 ↔ C4), but the channels %s have no left/right pair", name, strings.Join(info.Channels, ", "))
		}
		if name == "symmetry" {
			return ChannelsSymmetry{P: p, Perm: perm}, nil
		}
		if len(info.Classes) != 2 || !strings.Contains(strings.ToLower(info.Classes[0]), "left") || !strings.Contains(strings.ToLower(info.Classes[1]), "right") {
			return nil, fmt.Errorf("mirror flips left- and right-hand labels, but the classes are %s; use symmetry to swap channels and keep labels", strings.Join(info.Classes, ", "))
		}
		return Mirror{P: p, Perm: perm}, nil
	case "smoothtimemask", "timeshift":
		def := 100
		if name == "timeshift" {
			def = int(math.Round(0.2 * info.Rate))
		}
		n, err := samples(def)
		if err != nil {
			return nil, err
		}
		p, err := pAfter()
		if err != nil {
			return nil, err
		}
		if name == "timeshift" {
			return TimeShift{P: p, Max: n}, nil
		}
		return SmoothTimeMask{P: p, MaskLen: n}, nil
	case "bandstop", "freqshift":
		def, hi := 1.0, info.Rate/2-3
		if name == "freqshift" {
			def, hi = 2, info.Rate/2
		}
		v, err := num(0, map[string]string{"bandstop": "bandwidth (Hz)", "freqshift": "maximum shift (Hz)"}[name], def, 0, hi)
		if err != nil {
			return nil, err
		}
		p, err := pAfter()
		if err != nil {
			return nil, err
		}
		if name == "bandstop" {
			return BandstopFilter{P: p, Bandwidth: v, Rate: info.Rate}, nil
		}
		return FrequencyShift{P: p, MaxDelta: v, Rate: info.Rate}, nil
	case "noise", "chandropout", "chanshuffle":
		def, hi := 0.1, math.Inf(1)
		if name != "noise" {
			def, hi = 0.2, 1
		}
		v, err := num(0, map[string]string{"noise": "standard deviation", "chandropout": "drop probability", "chanshuffle": "shuffle probability"}[name], def, 0, hi)
		if err != nil {
			return nil, err
		}
		p, err := pAfter()
		if err != nil {
			return nil, err
		}
		switch name {
		case "noise":
			return GaussianNoise{P: p, Std: v}, nil
		case "chandropout":
			return ChannelsDropout{P: p, PDrop: v}, nil
		}
		return ChannelsShuffle{P: p, PShuffle: v}, nil
	case "scale":
		lo, hi := 0.5, 2.0
		if len(args) > 0 {
			bounds := strings.SplitN(args[0], "-", 2)
			var e1, e2 error
			if len(bounds) == 2 {
				lo, e1 = strconv.ParseFloat(bounds[0], 64)
				hi, e2 = strconv.ParseFloat(bounds[1], 64)
			}
			if len(bounds) != 2 || e1 != nil || e2 != nil || !(lo > 0 && hi >= lo) || math.IsInf(hi, 0) {
				return nil, fmt.Errorf("scale interval %q must be LO-HI with 0 < LO ≤ HI, both finite (0.5-2)", args[0])
			}
		}
		p, err := pAfter()
		if err != nil {
			return nil, err
		}
		return AmplitudeScale{P: p, Lo: lo, Hi: hi}, nil
	case "mixup":
		if len(args) > 1 && args[1] != "per-sample" {
			return nil, fmt.Errorf("mixup takes alpha and optionally per-sample (mixup:0.2:per-sample)")
		}
		a, err := num(0, "alpha", 0.2, 0, math.Inf(1))
		if err != nil {
			return nil, err
		}
		return Mixup{Alpha: a, PerSample: len(args) > 1}, nil
	}
	return nil, fmt.Errorf("unknown transform %q: use %s", name, strings.Join(Names, ", "))
}
