// Package preprocess filters, resamples, re-references and standardises
// EEG as the field's references do, each equal to its reference on the same
// input within float precision:
//
//   - FIR band-pass, high-pass, low-pass and band-stop (notch) filters as
//     MNE's filter_data designs and applies them by default: zero phase,
//     firwin with a Hamming window, MNE's automatic transition bandwidths
//     and length, the signal padded by odd reflection ("reflect_limited");
//   - IIR Butterworth filters applied forward and backward as
//     scipy.signal.sosfiltfilt applies them;
//   - resampling as MNE's Raw.resample (FFT, npad "auto", boxcar window);
//   - common average and channel re-referencing;
//   - braindecode's exponential_moving_standardize and
//     exponential_moving_demean, and scaling.
//
// A Pipeline (ParsePipeline: "bandpass:4-38,ems") applies steps in order to
// a recording's channels or to trials.
package preprocess

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/dsp/fourier"
)

// hammingLengthFactor is MNE's filter length per transition bandwidth for a
// Hamming window: the filter spans 3.3 / transition seconds.
const hammingLengthFactor = 3.3

// FIR is a zero-phase FIR filter designed as MNE designs it.
type FIR struct {
	Rate float64
	H    []float64 // odd-length, symmetric impulse response
}

// autoTransitions are MNE's "auto" transition bandwidths: below a pass
// band at low Hz, min(max(low/4, 2), low); above one at high Hz,
// min(max(high/4, 2), rate/2 − high).
func autoTransitions(low, high, rate float64) (lowTrans, highTrans float64) {
	if low > 0 {
		lowTrans = min(max(0.25*low, 2), low)
	}
	if high > 0 {
		highTrans = min(max(0.25*high, 2), rate/2-high)
	}
	return lowTrans, highTrans
}

// firLength is MNE's automatic filter length: ceil(3.3/transition·rate)
// samples for the narrowest transition, made odd.
func firLength(rate float64, transitions ...float64) int {
	narrow := math.Inf(1)
	for _, t := range transitions {
		if t > 0 {
			narrow = min(narrow, t)
		}
	}
	n := int(math.Ceil(hammingLengthFactor / narrow * rate))
	return max(n+(n-1)%2, 1)
}

// NewBandPass designs MNE's default band-pass filter from low to high Hz
// (its −6 dB points half a transition band outside them).
func NewBandPass(low, high, rate float64) (*FIR, error) {
	if err := checkBand(low, high, rate); err != nil {
		return nil, err
	}
	lt, ht := autoTransitions(low, high, rate)
	return design(rate, firLength(rate, lt, ht), []float64{0, low - lt, low, high, high + ht, rate / 2}, []float64{0, 0, 1, 1, 0, 0})
}

// NewHighPass designs MNE's default high-pass filter at low Hz.
func NewHighPass(low, rate float64) (*FIR, error) {
	if err := checkBand(low, 0, rate); err != nil {
		return nil, err
	}
	lt, _ := autoTransitions(low, 0, rate)
	return design(rate, firLength(rate, lt), []float64{0, low - lt, low, rate / 2}, []float64{0, 0, 1, 1})
}

// NewLowPass designs MNE's default low-pass filter at high Hz.
func NewLowPass(high, rate float64) (*FIR, error) {
	if err := checkBand(0, high, rate); err != nil {
		return nil, err
	}
	_, ht := autoTransitions(0, high, rate)
	return design(rate, firLength(rate, ht), []float64{0, high, high + ht, rate / 2}, []float64{1, 1, 0, 0})
}

// NewNotch designs MNE's default notch_filter (method "fir") at freq Hz: a
// band-stop whose stop band is freq ± freq/400 (notch width freq/200) and
// whose pass bands start 0.5 Hz outside it (transition bandwidth 1 Hz,
// halved on each side), 3.3/0.5 s long.
func NewNotch(freq, rate float64) (*FIR, error) {
	const half = 0.5
	s1, s2 := freq-freq/400, freq+freq/400
	if err := checkBand(0, 0, rate); err != nil {
		return nil, err
	}
	if !(s1-half > 0) || !(s2+half < rate/2) {
		return nil, fmt.Errorf("notch at %g Hz: its band %g–%g Hz must lie between 0 and the Nyquist frequency %g Hz", freq, s1-half, s2+half, rate/2)
	}
	return design(rate, firLength(rate, half), []float64{0, s1 - half, s1, s2, s2 + half, rate / 2}, []float64{1, 1, 0, 0, 1, 1})
}

func checkBand(low, high, rate float64) error {
	switch {
	case !(rate > 0) || math.IsInf(rate, 0):
		return fmt.Errorf("sampling rate %g Hz; want a positive rate", rate)
	case low < 0 || math.IsNaN(low) || math.IsNaN(high) || high < 0:
		return fmt.Errorf("band %g–%g Hz: frequencies must be positive", low, high)
	case high > 0 && high >= rate/2:
		return fmt.Errorf("low-pass at %g Hz is not below the Nyquist frequency %g Hz", high, rate/2)
	case high > 0 && low >= high:
		return fmt.Errorf("band %g–%g Hz is empty; the low edge must be below the high one", low, high)
	case low > 0 && low >= rate/2:
		return fmt.Errorf("high-pass at %g Hz is not below the Nyquist frequency %g Hz", low, rate/2)
	}
	return nil
}

// design is MNE's _firwin_design: from the Nyquist frequency down, each
// change of gain adds (to 1) or subtracts (to 0) a Hamming-windowed sinc
// low-pass of the length its own transition needs, centred in n taps.
func design(rate float64, n int, freq, gain []float64) (*FIR, error) {
	nyq := rate / 2
	h := make([]float64, n)
	if gain[len(gain)-1] == 1 {
		h[n/2] = 1
	}
	prevF, prevG := freq[len(freq)-1]/nyq, gain[len(gain)-1]
	for i := len(freq) - 2; i >= 0; i-- {
		f, g := freq[i]/nyq, gain[i]
		if g != prevG {
			transition := (prevF - f) / 2
			m := int(math.RoundToEven(hammingLengthFactor / transition))
			m += 1 - m%2
			if m > n {
				return nil, fmt.Errorf("a filter of %d taps is too short for a %.2f Hz transition band (%d taps)", n, transition*rate, m)
			}
			lp := firwinLowPass(m, (prevF+f)/2)
			off := (n - m) / 2
			for k, v := range lp {
				if g == 0 {
					h[off+k] -= v
				} else {
					h[off+k] += v
				}
			}
		}
		prevF, prevG = f, g
	}
	return &FIR{Rate: rate, H: h}, nil
}

// firwinLowPass is scipy.signal.firwin(m, cutoff, window="hamming") with
// cutoff relative to the Nyquist frequency: a sinc windowed by a symmetric
// Hamming window, scaled to a gain of exactly 1 at 0 Hz.
func firwinLowPass(m int, cutoff float64) []float64 {
	h := make([]float64, m)
	alpha := float64(m-1) / 2
	sum := 0.0
	for i := range h {
		x := float64(i) - alpha
		h[i] = cutoff * sinc(cutoff*x)
		if m > 1 {
			h[i] *= 0.54 - 0.46*math.Cos(2*math.Pi*float64(i)/float64(m-1))
		}
		sum += h[i]
	}
	for i := range h {
		h[i] /= sum
	}
	return h
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(math.Pi*x) / (math.Pi * x)
}

// Apply filters x (one channel) with zero phase, as MNE's overlap-add
// filter does: x is extended at each end by len(H)−1 samples of its odd
// reflection (2·x[0] − x[k], zeros beyond a short signal's length), the
// extension convolved with H, and the output taken centred.
func (f *FIR) Apply(x []float64) []float64 {
	n, nh := len(x), len(f.H)
	if n == 0 {
		return nil
	}
	edge := max(min(nh, n)-1, 0)
	ext := reflectLimited(x, edge)
	full := convolve(ext, f.H)
	shift := (nh-1)/2 + edge
	out := make([]float64, n)
	copy(out, full[shift:shift+n])
	return out
}

// reflectLimited is MNE's "reflect_limited" padding of edge samples at
// each end: 2·x[0] − x[edge…1] before, 2·x[n−1] − x[n−2…n−1−edge] after,
// zeros where the signal is shorter than the padding.
func reflectLimited(x []float64, edge int) []float64 { return smartPad(x, edge, edge) }

// convolve is the full linear convolution of x and h (len(x)+len(h)−1
// values), by overlap-add FFTs as MNE computes it.
func convolve(x, h []float64) []float64 {
	nh := len(h)
	nfft := 1
	for nfft < 2*nh-1 || nfft < 1024 {
		nfft *= 2
	}
	fft := fourier.NewFFT(nfft)
	hpad := make([]float64, nfft)
	copy(hpad, h)
	H := fft.Coefficients(nil, hpad)
	seg := nfft - nh + 1
	out := make([]float64, len(x)+nh-1)
	buf := make([]float64, nfft)
	coef := make([]complex128, len(H))
	for start := 0; start < len(x); start += seg {
		clear(buf)
		copy(buf, x[start:min(start+seg, len(x))])
		fft.Coefficients(coef, buf)
		for i := range coef {
			coef[i] *= H[i]
		}
		fft.Sequence(buf, coef)
		for i := 0; i < nfft && start+i < len(out); i++ {
			out[start+i] += buf[i] / float64(nfft)
		}
	}
	return out
}
