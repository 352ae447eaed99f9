package preprocess

import (
	"fmt"
	"math"
	"math/cmplx"
	"slices"
)

// Butterworth is a digital Butterworth filter as scipy.signal.butter
// designs it with output "sos": second-order sections, applied forward and
// backward by Apply as scipy.signal.sosfiltfilt applies them.
type Butterworth struct {
	Rate float64
	// SOS are the sections [b0 b1 b2 1 a1 a2], first-order ones with b2 = a2 = 0.
	SOS [][6]float64
}

// NewButterworth designs an order-n Butterworth filter at rate Hz: a
// band-pass from low to high Hz, a high-pass at low (high 0) or a low-pass
// at high (low 0), as scipy.signal.butter(n, …, fs=rate) designs it (the
// analogue prototype's poles on the unit circle, the frequencies pre-warped,
// the bilinear transform); a band-pass of order n has 2n poles.
func NewButterworth(order int, low, high, rate float64) (*Butterworth, error) {
	if order < 1 || order > 16 {
		return nil, fmt.Errorf("Butterworth order %d; want 1 to 16", order)
	}
	if err := checkBand(low, high, rate); err != nil {
		return nil, err
	}
	if low == 0 && high == 0 {
		return nil, fmt.Errorf("a Butterworth filter needs a low or a high edge")
	}
	warp := func(f float64) float64 { return 2 * rate * math.Tan(math.Pi*f/rate) }
	var proto []complex128
	for m := -order + 1; m < order; m += 2 {
		proto = append(proto, -cmplx.Exp(complex(0, math.Pi*float64(m)/float64(2*order))))
	}
	var poles, zeros []complex128
	k := 1.0
	switch {
	case low > 0 && high > 0:
		w1, w2 := warp(low), warp(high)
		bw, w0 := w2-w1, math.Sqrt(w1*w2)
		for _, p := range proto {
			pl := p * complex(bw/2, 0)
			r := cmplx.Sqrt(pl*pl - complex(w0*w0, 0))
			poles = append(poles, pl+r, pl-r)
		}
		for range order {
			zeros = append(zeros, 0)
		}
		k = math.Pow(bw, float64(order))
	case low > 0:
		w := warp(low)
		prod := complex(1, 0)
		for _, p := range proto {
			poles = append(poles, complex(w, 0)/p)
			zeros = append(zeros, 0)
			prod *= -p
		}
		k = real(1 / prod)
	default:
		w := warp(high)
		for _, p := range proto {
			poles = append(poles, p*complex(w, 0))
		}
		k = math.Pow(w, float64(order))
	}
	// bilinear transform, z = (2·rate + s)/(2·rate − s)
	fs2 := complex(2*rate, 0)
	num, den := complex(1, 0), complex(1, 0)
	zd := make([]complex128, 0, len(poles))
	for _, z := range zeros {
		zd = append(zd, (fs2+z)/(fs2-z))
		num *= fs2 - z
	}
	for len(zd) < len(poles) {
		zd = append(zd, -1)
	}
	pd := make([]complex128, len(poles))
	for i, p := range poles {
		pd[i] = (fs2 + p) / (fs2 - p)
		den *= fs2 - p
	}
	k *= real(num / den)
	return &Butterworth{Rate: rate, SOS: sections(zd, pd, k)}, nil
}

// sections pairs poles (each complex one with its conjugate, real ones two
// by two, an odd one alone) and zeros into second-order sections, the gain
// in the first; the cascade's transfer function does not depend on the
// pairing.
func sections(zeros, poles []complex128, k float64) [][6]float64 {
	var pairs [][2]complex128
	var reals []float64
	for _, p := range poles {
		switch {
		case math.Abs(imag(p)) < 1e-12:
			reals = append(reals, real(p))
		case imag(p) > 0:
			pairs = append(pairs, [2]complex128{p, cmplx.Conj(p)})
		}
	}
	slices.Sort(reals)
	for i := 0; i+1 < len(reals); i += 2 {
		pairs = append(pairs, [2]complex128{complex(reals[i], 0), complex(reals[i+1], 0)})
	}
	var out [][6]float64
	zi := 0
	zero := func() float64 { z := real(zeros[zi]); zi++; return z }
	if len(reals)%2 == 1 {
		z := zero()
		out = append(out, [6]float64{1, -z, 0, 1, -reals[len(reals)-1], 0})
	}
	for _, p := range pairs {
		z1, z2 := zero(), zero()
		out = append(out, [6]float64{1, -(z1 + z2), z1 * z2, 1, -real(p[0] + p[1]), real(p[0] * p[1])})
	}
	for i := range 3 {
		out[0][i] *= k
	}
	return out
}

// padLen is scipy's sosfiltfilt default padding: 3·(2·sections + 1 − the
// sections that are first-order).
func (f *Butterworth) padLen() int {
	first := 0
	for _, s := range f.SOS {
		if s[2] == 0 && s[5] == 0 {
			first++
		}
	}
	return 3 * (2*len(f.SOS) + 1 - first)
}

// Apply filters x forward and backward as scipy.signal.sosfiltfilt does:
// x extended at each end by padLen samples of its odd reflection, each
// pass started from the cascade's steady state for its first value
// (sosfilt_zi), the extension removed. x must be longer than padLen.
func (f *Butterworth) Apply(x []float64) ([]float64, error) {
	edge := f.padLen()
	if len(x) <= edge {
		return nil, fmt.Errorf("a signal of %d samples is too short for this Butterworth filter's %d samples of padding; filter the continuous recording", len(x), edge)
	}
	ext := smartPad(x, edge, edge)
	y := f.sosfilt(ext)
	slices.Reverse(y)
	y = f.sosfilt(y)
	slices.Reverse(y)
	return y[edge : len(y)-edge], nil
}

// sosfilt runs the cascade over x in direct form II transposed, each
// section starting in the steady state for a constant input x[0].
func (f *Butterworth) sosfilt(x []float64) []float64 {
	y := slices.Clone(x)
	scale := x[0]
	for _, s := range f.SOS {
		b0, b1, b2, a1, a2 := s[0], s[1], s[2], s[4], s[5]
		dc := (b0 + b1 + b2) / (1 + a1 + a2)
		// steady state of the section for a constant input u = scale (output dc·u)
		z2 := (b2 - a2*dc) * scale
		z1 := (b1-a1*dc)*scale + z2
		for i, v := range y {
			out := b0*v + z1
			z1 = b1*v - a1*out + z2
			z2 = b2*v - a2*out
			y[i] = out
		}
		scale *= dc
	}
	return y
}
