package preprocess

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/eegkit/eegkit/eegkit/eeg"
)

// Signals are channels of one rate: a continuous recording's, or one
// trial's.
type Signals struct {
	Names []string
	Rate  float64
	Data  [][]float64 // per channel
}

// A Step transforms signals in place of their old values.
type Step func(s *Signals) error

// An Entry is a step of the registry: the name ParsePipeline knows it by,
// its arguments in words for the help texts, and how it is built from them
// (the text after "name:", "" when none is given).
type Entry struct {
	Name, Usage string
	Parse       func(arg string) (Step, error)
}

var registry []Entry

// Register adds a step to the registry ParsePipeline reads. It is called
// from an init function and panics on an entry without a name or Parse
// function, or on a taken name.
func Register(e Entry) {
	if e.Name == "" || e.Parse == nil || strings.ContainsAny(e.Name, ":, ") || e.Name != strings.ToLower(e.Name) {
		panic(fmt.Sprintf("preprocess.Register(%q): an entry needs a lower-case name without ':', ',' or spaces and a Parse function", e.Name))
	}
	if slices.ContainsFunc(registry, func(r Entry) bool { return r.Name == e.Name }) {
		panic(fmt.Sprintf("preprocess.Register: the name %q is taken", e.Name))
	}
	registry = append(registry, e)
}

// Entries are the registered steps, in the order they were registered.
func Entries() []Entry { return slices.Clone(registry) }

// Usage is the grammar in one line per step, for help texts.
func Usage() string {
	lines := make([]string, len(registry))
	for i, e := range registry {
		lines[i] = e.Usage
	}
	return strings.Join(lines, "; ")
}

// Pipeline is a sequence of steps, applied in order.
type Pipeline struct {
	Spec  string // as parsed, spaces removed: what run.json records
	steps []Step
	names []string
}

// ParsePipeline builds a pipeline from steps separated by commas, each a
// registered name and its argument after a colon: "bandpass:4-38,ems". The
// empty spec is no preprocessing (nil).
func ParsePipeline(spec string) (*Pipeline, error) {
	spec = strings.ReplaceAll(strings.TrimSpace(spec), " ", "")
	if spec == "" {
		return nil, nil
	}
	p := &Pipeline{Spec: spec}
	for _, item := range strings.Split(spec, ",") {
		name, arg, _ := strings.Cut(item, ":")
		i := slices.IndexFunc(registry, func(e Entry) bool { return e.Name == name })
		if i < 0 {
			names := make([]string, len(registry))
			for k, e := range registry {
				names[k] = e.Name
			}
			return nil, fmt.Errorf("preprocessing %q: unknown step %q; steps are %s", spec, name, strings.Join(names, ", "))
		}
		step, err := registry[i].Parse(arg)
		if err != nil {
			return nil, fmt.Errorf("preprocessing %q: %s: %w (%s)", spec, item, err, registry[i].Usage)
		}
		p.steps, p.names = append(p.steps, step), append(p.names, name)
	}
	return p, nil
}

// Resamples reports whether a step changes the sampling rate.
func (p *Pipeline) Resamples() bool { return p != nil && slices.Contains(p.names, "resample") }

// Apply runs the steps over s in order.
func (p *Pipeline) Apply(s *Signals) error {
	if p == nil {
		return nil
	}
	for i, step := range p.steps {
		if err := step(s); err != nil {
			return fmt.Errorf("preprocessing %s: %w", p.names[i], err)
		}
	}
	return nil
}

// ApplyTrials runs the pipeline over each trial of ds, as its own signal;
// a resampling step changes the trials' length and rate. ds's NaN values
// must have been replaced.
func (p *Pipeline) ApplyTrials(ds *eeg.Dataset) error {
	if p == nil || ds.Len() == 0 {
		return nil
	}
	c, t, rate, names := ds.NChans(), ds.Times, ds.Rate, ds.ChannelNames
	var out []float32
	for i := range ds.Len() {
		s := &Signals{Names: slices.Clone(names), Rate: rate, Data: make([][]float64, c)}
		for ch := range c {
			s.Data[ch] = make([]float64, t)
			for k, v := range ds.X[(i*c+ch)*t : (i*c+ch+1)*t] {
				s.Data[ch][k] = float64(v)
			}
		}
		if err := p.Apply(s); err != nil {
			return fmt.Errorf("trial %d: %w", i, err)
		}
		if i == 0 {
			ds.Rate, ds.Times, ds.ChannelNames = s.Rate, len(s.Data[0]), s.Names
			out = make([]float32, 0, ds.Len()*len(s.Data)*ds.Times)
		}
		for _, ch := range s.Data {
			for _, v := range ch {
				out = append(out, float32(v))
			}
		}
	}
	ds.X = out
	return ds.Check()
}

// each applies f to every channel.
func each(f func(x []float64, rate float64) ([]float64, error)) Step {
	return func(s *Signals) error {
		for i, x := range s.Data {
			y, err := f(x, s.Rate)
			if err != nil {
				return err
			}
			s.Data[i] = y
		}
		return nil
	}
}

// number parses a finite number.
func number(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return v, nil
}

// band parses "LOW-HIGH" (either may be empty, then 0).
func band(arg string) (low, high float64, err error) {
	lo, hi, ok := strings.Cut(arg, "-")
	if !ok {
		return 0, 0, fmt.Errorf("%q is not a band LOW-HIGH in Hz", arg)
	}
	if lo != "" {
		if low, err = number(lo); err != nil {
			return
		}
	}
	if hi != "" {
		if high, err = number(hi); err != nil {
			return
		}
	}
	return low, high, nil
}

// perRate builds a step that designs a filter for the signals' rate (once
// per rate) and applies it to every channel.
func perRate[F any](design func(rate float64) (F, error), apply func(f F, x []float64) ([]float64, error)) Step {
	cache := map[float64]F{}
	return each(func(x []float64, rate float64) ([]float64, error) {
		f, ok := cache[rate]
		if !ok {
			var err error
			if f, err = design(rate); err != nil {
				return nil, err
			}
			cache[rate] = f
		}
		return apply(f, x)
	})
}

func applyFIR(f *FIR, x []float64) ([]float64, error) { return f.Apply(x), nil }

// oneFrequency parses the argument of a FIR step at one frequency.
func oneFrequency(design func(freq, rate float64) (*FIR, error)) func(arg string) (Step, error) {
	return func(arg string) (Step, error) {
		freq, err := number(arg)
		if err != nil {
			return nil, err
		}
		return perRate(func(rate float64) (*FIR, error) { return design(freq, rate) }, applyFIR), nil
	}
}

func init() {
	Register(Entry{Name: "bandpass", Usage: "bandpass:LOW-HIGH (FIR, MNE's filter_data)", Parse: func(arg string) (Step, error) {
		low, high, err := band(arg)
		if err == nil && (low <= 0 || high <= 0) {
			err = fmt.Errorf("a band-pass needs both edges (LOW-HIGH in Hz); use highpass:LOW or lowpass:HIGH for one")
		}
		if err != nil {
			return nil, err
		}
		return perRate(func(rate float64) (*FIR, error) { return NewBandPass(low, high, rate) }, applyFIR), nil
	}})
	Register(Entry{Name: "highpass", Usage: "highpass:LOW (FIR, MNE)", Parse: oneFrequency(NewHighPass)})
	Register(Entry{Name: "lowpass", Usage: "lowpass:HIGH (FIR, MNE)", Parse: oneFrequency(NewLowPass)})
	Register(Entry{Name: "notch", Usage: "notch:FREQ (FIR, MNE's notch_filter)", Parse: oneFrequency(NewNotch)})
	Register(Entry{Name: "butter", Usage: "butter:LOW-HIGH[:ORDER] (IIR Butterworth, forward-backward as scipy's sosfiltfilt; LOW- is a high-pass, -HIGH a low-pass; order 4)", Parse: func(arg string) (Step, error) {
		b, o, hasOrder := strings.Cut(arg, ":")
		low, high, err := band(b)
		if err != nil {
			return nil, err
		}
		order := 4
		if hasOrder {
			if order, err = strconv.Atoi(o); err != nil {
				return nil, fmt.Errorf("order %q is not a whole number", o)
			}
		}
		return perRate(func(rate float64) (*Butterworth, error) { return NewButterworth(order, low, high, rate) }, (*Butterworth).Apply), nil
	}})
	Register(Entry{Name: "resample", Usage: "resample:RATE (MNE's Raw.resample)", Parse: func(arg string) (Step, error) {
		to, err := number(arg)
		if err != nil {
			return nil, err
		}
		if to <= 0 {
			return nil, fmt.Errorf("rate %g Hz; want a positive rate", to)
		}
		return func(s *Signals) error {
			if err := each(func(x []float64, rate float64) ([]float64, error) { return Resample(x, rate, to) })(s); err != nil {
				return err
			}
			s.Rate = to
			return nil
		}, nil
	}})
	Register(Entry{Name: "car", Usage: "car (common average reference)", Parse: func(arg string) (Step, error) {
		if arg != "" {
			return nil, fmt.Errorf("car takes no argument")
		}
		return func(s *Signals) error {
			if len(s.Data) < 2 {
				return fmt.Errorf("a common average of %d channel is the channel itself; keep more channels", len(s.Data))
			}
			for t := range s.Data[0] {
				mean := 0.0
				for _, ch := range s.Data {
					mean += ch[t]
				}
				mean /= float64(len(s.Data))
				for _, ch := range s.Data {
					ch[t] -= mean
				}
			}
			return nil
		}, nil
	}})
	Register(Entry{Name: "reref", Usage: "reref:CHANNEL (subtract a channel from all, as mne.set_eeg_reference([CHANNEL]))", Parse: func(arg string) (Step, error) {
		if arg == "" {
			return nil, fmt.Errorf("name the reference channel: reref:Cz")
		}
		return func(s *Signals) error {
			i := slices.IndexFunc(s.Names, func(n string) bool { return strings.EqualFold(n, arg) })
			if i < 0 {
				return fmt.Errorf("no channel %s (the signals have %s)", arg, strings.Join(s.Names, ", "))
			}
			ref := slices.Clone(s.Data[i])
			for _, ch := range s.Data {
				for t := range ch {
					ch[t] -= ref[t]
				}
			}
			return nil
		}, nil
	}})
	emsParse := func(demean bool) func(arg string) (Step, error) {
		return func(arg string) (Step, error) {
			o := EMSDefaults()
			if arg != "" {
				f, b, hasInit := strings.Cut(arg, ":")
				var err error
				if o.FactorNew, err = number(f); err != nil {
					return nil, err
				}
				if hasInit {
					if o.InitBlock, err = strconv.Atoi(b); err != nil {
						return nil, fmt.Errorf("init block %q is not a whole number of samples", b)
					}
				}
			}
			if err := o.check(); err != nil {
				return nil, err
			}
			if demean {
				return each(func(x []float64, _ float64) ([]float64, error) { return ExpMovingDemean(x, o) }), nil
			}
			return each(func(x []float64, _ float64) ([]float64, error) { return ExpMovingStandardize(x, o) }), nil
		}
	}
	Register(Entry{Name: "ems", Usage: "ems[:FACTOR[:INIT]] (braindecode's exponential_moving_standardize; 0.001, 1000)", Parse: emsParse(false)})
	Register(Entry{Name: "emd", Usage: "emd[:FACTOR[:INIT]] (braindecode's exponential_moving_demean)", Parse: emsParse(true)})
	Register(Entry{Name: "scale", Usage: "scale:FACTOR (multiply)", Parse: func(arg string) (Step, error) {
		k, err := number(arg)
		if err != nil {
			return nil, err
		}
		return each(func(x []float64, _ float64) ([]float64, error) {
			for i := range x {
				x[i] *= k
			}
			return x, nil
		}), nil
	}})
}
