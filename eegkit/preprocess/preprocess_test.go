package preprocess

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/npz"
)

// reference reads scripts/preprocess_fixtures.py's outputs of MNE 1.13,
// scipy and braindecode 1.8.1.
func reference(t *testing.T) (x []float64, want func(name string) []float64) {
	t.Helper()
	z, err := npz.Open(filepath.Join("testdata", "reference.npz"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { z.Close() })
	get := func(name string) []float64 {
		a, err := z.Array(name)
		if err != nil {
			t.Fatal(err)
		}
		return a.Data
	}
	return get("x"), get
}

// maxRel is the largest difference of got from want relative to want's
// largest magnitude.
func maxRel(t *testing.T, name string, got, want []float64) float64 {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d samples, the reference has %d", name, len(got), len(want))
	}
	scale, worst := 0.0, 0.0
	for _, w := range want {
		scale = max(scale, math.Abs(w))
	}
	for i := range got {
		worst = max(worst, math.Abs(got[i]-want[i]))
	}
	return worst / scale
}

// TestEqualsReferences compares every step with its reference on the same
// signal (6 s at 250 Hz): MNE's FIR filters (and their taps), scipy's
// Butterworth sosfiltfilt, MNE's resampling to three rates, braindecode's
// exponential moving standardisation and demeaning. Each must agree within
// 1e-9 of the signal's scale (float64 round-off of different FFTs and
// summation orders is ~1e-13).
func TestEqualsReferences(t *testing.T) {
	x, want := reference(t)
	const rate = 250.0
	must := func(y []float64, err error) []float64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return y
	}
	fir := func(f *FIR, err error) func([]float64) ([]float64, error) {
		if err != nil {
			t.Fatal(err)
		}
		return func(x []float64) ([]float64, error) { return f.Apply(x), nil }
	}
	iir := func(f *Butterworth, err error) func([]float64) ([]float64, error) {
		if err != nil {
			t.Fatal(err)
		}
		return f.Apply
	}
	resample := func(to float64) func([]float64) ([]float64, error) {
		return func(x []float64) ([]float64, error) { return Resample(x, rate, to) }
	}
	ems := func(o EMSOptions, demean bool) func([]float64) ([]float64, error) {
		return func(x []float64) ([]float64, error) {
			if demean {
				return ExpMovingDemean(x, o)
			}
			return ExpMovingStandardize(x, o)
		}
	}
	cases := []struct {
		name  string
		apply func([]float64) ([]float64, error)
		in    []float64
	}{
		{"fir_bandpass_4_38", fir(NewBandPass(4, 38, rate)), x},
		{"fir_highpass_1", fir(NewHighPass(1, rate)), x},
		{"fir_lowpass_40", fir(NewLowPass(40, rate)), x},
		{"fir_notch_50", fir(NewNotch(50, rate)), x},
		{"fir_short_8_30", fir(NewBandPass(8, 30, rate)), x[:200]},
		{"butter4_bandpass_4_38", iir(NewButterworth(4, 4, 38, rate)), x},
		{"butter4_highpass_0.5", iir(NewButterworth(4, 0.5, 0, rate)), x},
		{"butter5_lowpass_40", iir(NewButterworth(5, 0, 40, rate)), x},
		{"resample_125", resample(125), x},
		{"resample_160", resample(160), x},
		{"resample_97.3", resample(97.3), x},
		{"ems", ems(EMSDefaults(), false), x},
		{"emd", ems(EMSDefaults(), true), x},
		{"ems_noinit", ems(EMSOptions{FactorNew: 0.01, Eps: 1e-4}, false), x},
	}
	for _, c := range cases {
		err := maxRel(t, c.name, must(c.apply(c.in)), want(c.name))
		if err > 1e-9 {
			t.Errorf("%s differs from its reference by %.3g (relative to the signal's scale)", c.name, err)
		}
		t.Logf("%-22s max |Δ| / max |ref| = %.2g", c.name, err)
	}
	f, _ := NewBandPass(4, 38, rate)
	if d := maxRel(t, "taps", f.H, want("h_bandpass_4_38")); d > 1e-12 {
		t.Errorf("band-pass taps differ from MNE's by %.3g", d)
	}
}

// TestRefusesBadParameters checks each impossible filter or rate gets a
// one-line error that says what is wrong.
func TestRefusesBadParameters(t *testing.T) {
	for name, c := range map[string]struct {
		err  error
		want string
	}{
		"band above Nyquist": {second(NewBandPass(4, 130, 250)), "not below the Nyquist"},
		"empty band":         {second(NewBandPass(30, 8, 250)), "is empty"},
		"negative":           {second(NewHighPass(-1, 250)), "must be positive"},
		"notch at Nyquist":   {second(NewNotch(125, 250)), "Nyquist"},
		"order 0":            {second(NewButterworth(0, 4, 38, 250)), "order 0"},
		"no edges":           {second(NewButterworth(4, 0, 0, 250)), "needs a low or a high edge"},
		"resample 0":         {second(Resample([]float64{1, 2}, 250, 0)), "must be positive"},
		"EMS α 2":            {second(ExpMovingStandardize([]float64{1}, EMSOptions{FactorNew: 2})), "factor_new 2"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) || strings.Contains(c.err.Error(), "\n") {
			t.Errorf("%s: %v; want one line with %q", name, c.err, c.want)
		}
	}
	f, _ := NewButterworth(4, 4, 38, 250)
	if _, err := f.Apply(make([]float64, 20)); err == nil || !strings.Contains(err.Error(), "too short") {
		t.Errorf("a 20-sample signal through a Butterworth band-pass: %v", err)
	}
}

func second[T any](_ T, err error) error { return err }

// TestPipeline parses a spec, applies it to channels of a recording, and
// checks each step did what its function does: the band-pass equals
// NewBandPass's, then the common average leaves channels summing to 0, then
// resampling halves the rate and length; a channel reference zeroes it.
func TestPipeline(t *testing.T) {
	x, _ := reference(t)
	p, err := ParsePipeline(" bandpass:4-38, car ,resample:125")
	if err != nil || p.Spec != "bandpass:4-38,car,resample:125" || !p.Resamples() {
		t.Fatalf("parse: %+v, %v", p, err)
	}
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = -0.5*v + float64(i%7)
	}
	s := &Signals{Names: []string{"C3", "C4"}, Rate: 250, Data: [][]float64{append([]float64(nil), x...), y}}
	if err := p.Apply(s); err != nil {
		t.Fatal(err)
	}
	if s.Rate != 125 || len(s.Data[0]) != 750 {
		t.Fatalf("after resample:125, %g Hz and %d samples", s.Rate, len(s.Data[0]))
	}
	for i := range s.Data[0] {
		if math.Abs(s.Data[0][i]+s.Data[1][i]) > 1e-9 {
			t.Fatalf("sample %d: channels %g and %g do not average to 0 after car", i, s.Data[0][i], s.Data[1][i])
		}
	}
	f, _ := NewBandPass(4, 38, 250)
	fx, fy := f.Apply(x), f.Apply(y)
	car := make([]float64, len(x))
	for i := range car {
		car[i] = (fx[i] - fy[i]) / 2
	}
	want, _ := Resample(car, 250, 125)
	if d := maxRel(t, "pipeline", s.Data[0], want); d > 1e-12 {
		t.Errorf("the pipeline differs from its steps by %.3g", d)
	}
	r, _ := ParsePipeline("reref:c4")
	s = &Signals{Names: []string{"C3", "C4"}, Rate: 250, Data: [][]float64{{1, 2, 3}, {1, 1, 1}}}
	if err := r.Apply(s); err != nil || s.Data[0][2] != 2 || s.Data[1][0] != 0 {
		t.Errorf("reref:c4 gives %v, %v", s.Data, err)
	}
	for spec, want := range map[string]string{
		"bandpass:4":       "not a band LOW-HIGH",
		"bandpass:-38":     "needs both edges",
		"wavelet:3":        "unknown step \"wavelet\"",
		"ems:2":            "factor_new 2",
		"butter:4-38:x":    "not a whole number",
		"resample:0":       "positive rate",
		"car:1":            "takes no argument",
		"notch:fifty":      "not a number",
		"reref":            "name the reference channel",
		"bandpass:4-38,,x": "unknown step \"\"",
	} {
		if _, err := ParsePipeline(spec); err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("ParsePipeline(%q): %v; want one line with %q", spec, err, want)
		}
	}
	if p, err := ParsePipeline(""); p != nil || err != nil {
		t.Errorf("the empty spec is %v, %v; want no pipeline", p, err)
	}
}

// TestApplyTrials runs a resampling pipeline over every trial of a dataset:
// each trial is resampled from the dataset's own rate, and the dataset's
// rate and length become the new ones.
func TestApplyTrials(t *testing.T) {
	x, _ := reference(t)
	ds := &eeg.Dataset{Shape: eeg.Shape{ChannelNames: []string{"C3"}, Times: 500, Rate: 250, ClassNames: []string{"a", "b"}}, Y: []int32{0, 1, 0}}
	for _, v := range x {
		ds.X = append(ds.X, float32(v))
	}
	p, _ := ParsePipeline("resample:100")
	if err := p.ApplyTrials(ds); err != nil {
		t.Fatal(err)
	}
	if ds.Rate != 100 || ds.Times != 200 || len(ds.X) != 600 {
		t.Fatalf("after resample:100, %g Hz, %d samples, %d values", ds.Rate, ds.Times, len(ds.X))
	}
	for i := range 3 {
		in := make([]float64, 500)
		for k := range in {
			in[k] = float64(float32(x[500*i+k]))
		}
		want, _ := Resample(in, 250, 100)
		for k, w := range want {
			if math.Abs(float64(ds.X[200*i+k])-w) > 1e-4 {
				t.Fatalf("trial %d sample %d: %g, want %g", i, k, ds.X[200*i+k], w)
			}
		}
	}
}
