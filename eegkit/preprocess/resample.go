package preprocess

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/dsp/fourier"
)

// Resample resamples one channel from rate to newRate Hz as MNE's
// Raw.resample does by default (method "fft", npad "auto", window
// "boxcar", pad "reflect_limited"): the signal is padded by odd reflection
// to a power of two at least min(n/8, 100)·2 longer, its spectrum cut (or
// extended with zeros) to the new length with the Nyquist bin halved or
// doubled, transformed back and unpadded. The result has
// round(n·newRate/rate) samples.
func Resample(x []float64, rate, newRate float64) ([]float64, error) {
	if !(rate > 0) || !(newRate > 0) || math.IsInf(rate, 0) || math.IsInf(newRate, 0) {
		return nil, fmt.Errorf("resampling from %g Hz to %g Hz: rates must be positive", rate, newRate)
	}
	n := len(x)
	ratio := newRate / rate
	final := max(int(math.RoundToEven(ratio*float64(n))), 1)
	if n == 0 {
		return nil, fmt.Errorf("resampling an empty signal")
	}
	minAdd := min(n/8, 100) * 2
	npad := 1<<int(math.Ceil(math.Log2(float64(n+minAdd)))) - n
	padL, padR := npad/2, npad/2+npad%2
	orig := n + npad
	newLen := max(int(math.RoundToEven(ratio*float64(orig))), 1)
	removeL := int(math.RoundToEven(ratio * float64(padL)))
	removeR := newLen - final - removeL
	ext := smartPad(x, padL, padR)
	coef := fourier.NewFFT(orig).Coefficients(nil, ext)
	shorter := newLen < orig
	use := orig
	if shorter {
		use = newLen
	}
	if use%2 == 0 && use/2 < len(coef) {
		if shorter {
			coef[use/2] *= 2
		} else {
			coef[use/2] *= 0.5
		}
	}
	w := float64(newLen) / float64(orig)
	spec := make([]complex128, newLen/2+1)
	for i := range spec {
		if i < len(coef) {
			spec[i] = coef[i] * complex(w, 0)
		}
	}
	if newLen%2 == 0 { // a real signal's Nyquist bin is real: irfft ignores its imaginary part
		spec[newLen/2] = complex(real(spec[newLen/2]), 0)
	}
	spec[0] = complex(real(spec[0]), 0)
	y := fourier.NewFFT(newLen).Sequence(nil, spec)
	out := make([]float64, 0, final)
	for _, v := range y[removeL : newLen-removeR] {
		out = append(out, v/float64(newLen))
	}
	return out, nil
}

// smartPad is reflectLimited with different lengths at each end.
func smartPad(x []float64, left, right int) []float64 {
	n := len(x)
	out := make([]float64, 0, n+left+right)
	out = append(out, make([]float64, max(left-n+1, 0))...)
	for k := min(left, n-1); k >= 1; k-- {
		out = append(out, 2*x[0]-x[k])
	}
	out = append(out, x...)
	for k := 1; k <= min(right, n-1); k++ {
		out = append(out, 2*x[n-1]-x[n-1-k])
	}
	return append(out, make([]float64, max(right-n+1, 0))...)
}
