package augment

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"strings"

	"gonum.org/v1/gonum/dsp/fourier"
	"gonum.org/v1/gonum/stat/distuv"
)

func g(v float64) string { return fmt.Sprintf("%g", v) }

// TimeReverse plays the trial backwards (braindecode's TimeReverse).
type TimeReverse struct{ P float64 }

// Name is the transform in Parse's grammar.
func (t TimeReverse) Name() string { return "timereverse:" + g(t.P) }

// Transform applies TimeReverse to each trial of b with probability P.
func (t TimeReverse) Transform(b *Batch, rng *rand.Rand) {
	for i, ok := range chosen(b.N, t.P, rng) {
		if !ok {
			continue
		}
		x := b.Trial(i)
		for c := range b.C {
			row := x[c*b.T : (c+1)*b.T]
			for l, r := 0, len(row)-1; l < r; l, r = l+1, r-1 {
				row[l], row[r] = row[r], row[l]
			}
		}
	}
}

// SignFlip negates the trial (braindecode's SignFlip).
type SignFlip struct{ P float64 }

// Name is the transform in Parse's grammar.
func (t SignFlip) Name() string { return "signflip:" + g(t.P) }

// Transform applies SignFlip to each trial of b with probability P.
func (t SignFlip) Transform(b *Batch, rng *rand.Rand) {
	for i, ok := range chosen(b.N, t.P, rng) {
		if ok {
			for j, v := range b.Trial(i) {
				b.Trial(i)[j] = -v
			}
		}
	}
}

// FTSurrogate replaces the phase of every frequency of the trial by a
// random one, keeping its magnitude (braindecode's FTSurrogate): the
// Fourier coefficients Xₖ, 0 < k < T/2, are multiplied by exp(i·m·2π·uₖ),
// uₖ ~ U(0, 1), the same uₖ on every channel unless ChannelIndep.
type FTSurrogate struct {
	P            float64
	Magnitude    float64 // phase_noise_magnitude, in [0, 1] (braindecode's default 1)
	ChannelIndep bool
}

// Name is the transform in Parse's grammar.
func (t FTSurrogate) Name() string {
	s := "ftsurrogate:" + g(t.P)
	if t.Magnitude != 1 || t.ChannelIndep {
		s += fmt.Sprintf(":magnitude=%g:indep=%v", t.Magnitude, t.ChannelIndep)
	}
	return s
}

// Transform applies FTSurrogate to each trial of b with probability P.
func (t FTSurrogate) Transform(b *Batch, rng *rand.Rand) {
	nph := (b.T - 1) / 2 // the bins 0 < k < T/2
	rows := 1
	if t.ChannelIndep {
		rows = b.C
	}
	ed := newSpectrumEditor(b.T)
	for i, ok := range chosen(b.N, t.P, rng) {
		if !ok {
			continue
		}
		u := make([]float64, rows*nph)
		for j := range u {
			u[j] = rng.Float64()
		}
		ftSurrogateWith(ed, b.Trial(i), b.C, u, rows, t.Magnitude)
	}
}

// ftSurrogate shifts the phases of trial x (c channels × n samples) by
// m·2π·u, u holding (n−1)/2 values per row, rows 1 (shared) or c.
func ftSurrogate(x []float32, c, n int, u []float64, rows int, m float64) {
	ftSurrogateWith(newSpectrumEditor(n), x, c, u, rows, m)
}

func ftSurrogateWith(ed *spectrumEditor, x []float32, c int, u []float64, rows int, m float64) {
	nph := (ed.n - 1) / 2
	ed.edit(x, c, func(ch int, coef []complex128) {
		r := 0
		if rows > 1 {
			r = ch
		}
		for k := 1; k <= nph; k++ {
			coef[k] *= cmplx.Exp(complex(0, m*2*math.Pi*u[r*nph+k-1]))
		}
	})
}

// spectrumEditor changes trials of n samples per channel in the frequency
// domain, with its FFT and buffers made once for a batch.
type spectrumEditor struct {
	n    int
	fft  *fourier.FFT
	buf  []float64
	coef []complex128
}

func newSpectrumEditor(n int) *spectrumEditor {
	return &spectrumEditor{n: n, fft: fourier.NewFFT(n), buf: make([]float64, n), coef: make([]complex128, n/2+1)}
}

// edit changes each of the c channels of trial x: the real FFT's n/2+1
// coefficients, edited by f(ch, coef), transformed back (gonum's inverse is
// unnormalised, hence the 1/n).
func (e *spectrumEditor) edit(x []float32, c int, f func(ch int, coef []complex128)) {
	for ch := range c {
		for j := range e.n {
			e.buf[j] = float64(x[ch*e.n+j])
		}
		e.fft.Coefficients(e.coef, e.buf)
		f(ch, e.coef)
		e.fft.Sequence(e.buf, e.coef)
		for j := range e.n {
			x[ch*e.n+j] = float32(e.buf[j] / float64(e.n))
		}
	}
}

// SmoothTimeMask fades a window of MaskLen samples, starting at a uniform
// random sample, to zero with sigmoids of slope 1000/T (braindecode's
// SmoothTimeMask): mask(t) = σ(−s(t − t₀)) + σ(s(t − t₀ − L)).
type SmoothTimeMask struct {
	P       float64
	MaskLen int // mask_len_samples (braindecode's default 100)
}

// Name is the transform in Parse's grammar.
func (t SmoothTimeMask) Name() string { return fmt.Sprintf("smoothtimemask:%d:%g", t.MaskLen, t.P) }

// Transform applies SmoothTimeMask to each trial of b with probability P.
func (t SmoothTimeMask) Transform(b *Batch, rng *rand.Rand) {
	for i, ok := range chosen(b.N, t.P, rng) {
		if ok {
			smoothTimeMask(b.Trial(i), b.C, b.T, rng.Float64()*float64(b.T-t.MaskLen), t.MaskLen)
		}
	}
}

func smoothTimeMask(x []float32, c, n int, start float64, length int) {
	s := 1000 / float64(n)
	sig := func(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
	for j := range n {
		tt := float64(float32(j))
		m := float32(sig(s*-(tt-start)) + sig(s*(tt-start-float64(length))))
		for ch := range c {
			x[ch*n+j] *= m
		}
	}
}

// BandstopFilter removes a band of Bandwidth Hz around a frequency drawn
// uniformly from (1 + w/2, MaxFreq − 1 − w/2) Hz, by an ideal FFT filter
// (braindecode's BandstopFilter notches with MNE's FIR filter instead).
type BandstopFilter struct {
	P         float64
	Bandwidth float64 // Hz (braindecode's default 1)
	Rate      float64 // the trials' sampling rate, Hz
	MaxFreq   float64 // Hz; 0 means Nyquist
}

// Name is the transform in Parse's grammar.
func (t BandstopFilter) Name() string {
	return fmt.Sprintf("bandstop:%g:%g", t.Bandwidth, t.P)
}

// Transform applies BandstopFilter to each trial of b with probability P.
func (t BandstopFilter) Transform(b *Batch, rng *rand.Rand) {
	maxf := t.MaxFreq
	if maxf == 0 || maxf > t.Rate/2 {
		maxf = t.Rate / 2
	}
	lo, hi := 1+t.Bandwidth/2, maxf-1-t.Bandwidth/2
	ed := newSpectrumEditor(b.T)
	for i, ok := range chosen(b.N, t.P, rng) {
		if !ok {
			continue
		}
		f0 := lo + rng.Float64()*(hi-lo)
		ed.edit(b.Trial(i), b.C, func(_ int, coef []complex128) {
			for k := range coef {
				if f := float64(k) * t.Rate / float64(b.T); math.Abs(f-f0) <= t.Bandwidth/2 {
					coef[k] = 0
				}
			}
		})
	}
}

// FrequencyShift shifts the trial's spectrum by Δf ~ U(−MaxDelta, MaxDelta)
// Hz (braindecode's FrequencyShift): the analytic signal of the trial,
// zero-padded to a power of two, times exp(2πi·Δf·t), real part.
type FrequencyShift struct {
	P        float64
	MaxDelta float64 // Hz (braindecode's default 2)
	Rate     float64 // the trials' sampling rate, Hz
}

// Name is the transform in Parse's grammar.
func (t FrequencyShift) Name() string { return fmt.Sprintf("freqshift:%g:%g", t.MaxDelta, t.P) }

// Transform applies FrequencyShift to each trial of b with probability P.
func (t FrequencyShift) Transform(b *Batch, rng *rand.Rand) {
	for i, ok := range chosen(b.N, t.P, rng) {
		if ok {
			frequencyShift(b.Trial(i), b.C, b.T, rng.Float64()*2*t.MaxDelta-t.MaxDelta, t.Rate)
		}
	}
}

func frequencyShift(x []float32, c, n int, df, rate float64) {
	np := 1 << int(math.Ceil(math.Log2(float64(n))))
	fft := fourier.NewCmplxFFT(np)
	buf := make([]complex128, np)
	for ch := range c {
		for j := range buf {
			buf[j] = 0
			if j < n {
				buf[j] = complex(float64(x[ch*n+j]), 0)
			}
		}
		f := fft.Coefficients(nil, buf)
		// The analytic signal: keep bin 0 (and Nyquist), double the positive
		// frequencies, drop the negative ones.
		for k := range f {
			switch {
			case k == 0 || k == np/2:
			case k < np/2:
				f[k] *= 2
			default:
				f[k] = 0
			}
		}
		a := fft.Sequence(nil, f)
		for j := range n {
			tt := float64(float32(float64(j) / rate))
			v := a[j] / complex(float64(np), 0) * cmplx.Exp(complex(0, 2*math.Pi*df*tt))
			x[ch*n+j] = float32(real(v))
		}
	}
}

// GaussianNoise adds Std·N(0, 1) to every value (braindecode's GaussianNoise).
type GaussianNoise struct {
	P   float64
	Std float64 // braindecode's default 0.1
}

// Name is the transform in Parse's grammar.
func (t GaussianNoise) Name() string { return fmt.Sprintf("noise:%g:%g", t.Std, t.P) }

// Transform applies GaussianNoise to each trial of b with probability P.
func (t GaussianNoise) Transform(b *Batch, rng *rand.Rand) {
	for i, ok := range chosen(b.N, t.P, rng) {
		if ok {
			x := b.Trial(i)
			for j := range x {
				x[j] += float32(rng.NormFloat64() * t.Std)
			}
		}
	}
}

// AmplitudeScale multiplies each channel by U(Lo, Hi) (braindecode's AmplitudeScale).
type AmplitudeScale struct {
	P      float64
	Lo, Hi float64 // braindecode's default interval (0.5, 2)
}

// Name is the transform in Parse's grammar.
func (t AmplitudeScale) Name() string { return fmt.Sprintf("scale:%g-%g:%g", t.Lo, t.Hi, t.P) }

// Transform applies AmplitudeScale to each trial of b with probability P.
func (t AmplitudeScale) Transform(b *Batch, rng *rand.Rand) {
	for i, ok := range chosen(b.N, t.P, rng) {
		if !ok {
			continue
		}
		x := b.Trial(i)
		for ch := range b.C {
			s := float32(t.Lo + rng.Float64()*(t.Hi-t.Lo))
			for j := range b.T {
				x[ch*b.T+j] *= s
			}
		}
	}
}

// channelMask is braindecode's soft 0/1 channel mask σ(1000(u − p)).
func channelMask(u, p float64) float32 {
	return float32(1 / (1 + math.Exp(-1000*float64(float32(u)-float32(p)))))
}

// ChannelsDropout zeroes each channel with probability PDrop (braindecode's
// ChannelsDropout: the channel times σ(1000(u − p_drop)), u ~ U(0, 1)).
type ChannelsDropout struct {
	P     float64
	PDrop float64 // braindecode's default 0.2
}

// Name is the transform in Parse's grammar.
func (t ChannelsDropout) Name() string { return fmt.Sprintf("chandropout:%g:%g", t.PDrop, t.P) }

// Transform applies ChannelsDropout to each trial of b with probability P.
func (t ChannelsDropout) Transform(b *Batch, rng *rand.Rand) {
	for i, ok := range chosen(b.N, t.P, rng) {
		if !ok {
			continue
		}
		u := make([]float64, b.C)
		for ch := range u {
			u[ch] = rng.Float64()
		}
		channelsDropout(b.Trial(i), b.T, u, t.PDrop)
	}
}

func channelsDropout(x []float32, n int, u []float64, p float64) {
	for ch, v := range u {
		m := channelMask(v, p)
		for j := range n {
			x[ch*n+j] *= m
		}
	}
}

// ChannelsShuffle permutes a random subset of the channels, each in it with
// probability PShuffle (braindecode's ChannelsShuffle).
type ChannelsShuffle struct {
	P        float64
	PShuffle float64 // braindecode's default 0.2
}

// Name is the transform in Parse's grammar.
func (t ChannelsShuffle) Name() string { return fmt.Sprintf("chanshuffle:%g:%g", t.PShuffle, t.P) }

// Transform applies ChannelsShuffle to each trial of b with probability P.
func (t ChannelsShuffle) Transform(b *Batch, rng *rand.Rand) {
	row := make([]float32, b.C*b.T)
	for i, ok := range chosen(b.N, t.P, rng) {
		if !ok || t.PShuffle == 0 {
			continue
		}
		var pick []int
		for ch := range b.C {
			if math.Round(float64(channelMask(rng.Float64(), 1-t.PShuffle))) == 1 {
				pick = append(pick, ch)
			}
		}
		perm := make([]int, b.C)
		for ch := range perm {
			perm[ch] = ch
		}
		for j, k := range rng.Perm(len(pick)) {
			perm[pick[j]] = pick[k]
		}
		permuteChannels(b.Trial(i), b.T, perm, row)
	}
}

// permuteChannels makes channel ch of x the old channel perm[ch].
func permuteChannels(x []float32, n int, perm []int, scratch []float32) {
	copy(scratch, x)
	for ch, from := range perm {
		copy(x[ch*n:(ch+1)*n], scratch[from*n:(from+1)*n])
	}
}

// symmetricPermutation is braindecode's ChannelsSymmetry permutation: a
// channel whose name holds an odd number (left hemisphere) goes where the
// same name with the next even number is (C3 ↔ C4, FC5 ↔ FC6), and back;
// channels without a counterpart stay.
func symmetricPermutation(names []string) []int {
	perm := make([]int, len(names))
	for i, name := range names {
		perm[i] = i
		var digits string
		for _, r := range name {
			if r >= '0' && r <= '9' {
				digits += string(r)
			}
		}
		if digits == "" {
			continue
		}
		var d int
		fmt.Sscan(digits, &d)
		sym := d + 1
		if d%2 == 0 {
			sym = d - 1
		}
		other := strings.ReplaceAll(name, digits, fmt.Sprint(sym))
		for j, n := range names {
			if n == other {
				perm[i] = j
			}
		}
	}
	return perm
}

// ChannelsSymmetry swaps the left and right electrodes (symmetricPermutation)
// and keeps the label (braindecode's ChannelsSymmetry; see the package
// documentation for why motor imagery wants Mirror instead).
type ChannelsSymmetry struct {
	P    float64
	Perm []int // from the channel names
}

// Name is the transform in Parse's grammar.
func (t ChannelsSymmetry) Name() string { return "symmetry:" + g(t.P) }

// Transform applies ChannelsSymmetry to each trial of b with probability P.
func (t ChannelsSymmetry) Transform(b *Batch, rng *rand.Rand) { swapSides(b, t.P, t.Perm, false, rng) }

// Mirror swaps the left and right electrodes and flips the left/right hand
// label (0 ↔ 1), for lateralised motor imagery.
type Mirror struct {
	P    float64
	Perm []int // from the channel names
}

// Name is the transform in Parse's grammar.
func (t Mirror) Name() string { return "mirror:" + g(t.P) }

// Transform applies Mirror to each trial of b with probability P.
func (t Mirror) Transform(b *Batch, rng *rand.Rand) { swapSides(b, t.P, t.Perm, true, rng) }

// swapSides permutes the channels of each trial chosen with probability p
// by perm, flipping its left/right label (and soft targets) when flip.
func swapSides(b *Batch, p float64, perm []int, flip bool, rng *rand.Rand) {
	row := make([]float32, b.C*b.T)
	for i, ok := range chosen(b.N, p, rng) {
		if !ok {
			continue
		}
		permuteChannels(b.Trial(i), b.T, perm, row)
		if flip {
			b.Y[i] = 1 - b.Y[i]
			if b.Targets != nil {
				t := b.Targets[i*b.K : (i+1)*b.K]
				t[0], t[1] = t[1], t[0]
			}
		}
	}
}

// TimeShift shifts the trial by a whole number of samples drawn uniformly
// from −Max … Max, shifting zeros in.
type TimeShift struct {
	P   float64
	Max int // samples
}

// Name is the transform in Parse's grammar.
func (t TimeShift) Name() string { return fmt.Sprintf("timeshift:%d:%g", t.Max, t.P) }

// Transform applies TimeShift to each trial of b with probability P.
func (t TimeShift) Transform(b *Batch, rng *rand.Rand) {
	row := make([]float32, b.T)
	for i, ok := range chosen(b.N, t.P, rng) {
		if !ok {
			continue
		}
		s := rng.IntN(2*t.Max+1) - t.Max
		x := b.Trial(i)
		for ch := range b.C {
			r := x[ch*b.T : (ch+1)*b.T]
			for j := range row {
				row[j] = 0
				if k := j - s; k >= 0 && k < b.T {
					row[j] = r[k]
				}
			}
			copy(r, row)
		}
	}
}

// Mixup mixes each trial with another of the batch (braindecode's Mixup):
// x_i ↦ λ_i x_i + (1 − λ_i) x_{π(i)} for a random permutation π, and the
// label weights λ_i on y_i and 1 − λ_i on y_{π(i)}, λ ~ Beta(α, α), one λ
// for the batch unless PerSample. The loss takes the weights as soft targets.
type Mixup struct {
	Alpha     float64
	PerSample bool
}

// Name is the transform in Parse's grammar.
func (t Mixup) Name() string {
	if t.PerSample {
		return fmt.Sprintf("mixup:%g:per-sample", t.Alpha)
	}
	return "mixup:" + g(t.Alpha)
}

// Transform mixes the whole batch.
func (t Mixup) Transform(b *Batch, rng *rand.Rand) {
	lam := make([]float64, b.N)
	beta := distuv.Beta{Alpha: t.Alpha, Beta: t.Alpha, Src: rng}
	one := 1.0
	if t.Alpha > 0 && !t.PerSample {
		one = beta.Rand()
	}
	for i := range lam {
		lam[i] = one
		if t.Alpha > 0 && t.PerSample {
			lam[i] = beta.Rand()
		}
	}
	mixup(b, lam, rng.Perm(b.N))
}

func mixup(b *Batch, lam []float64, perm []int) {
	old := append([]float32(nil), b.X...)
	var tg, oldT []float32
	if b.K > 0 { // without the number of classes the labels cannot be mixed (Pipeline.Apply)
		tg = b.targets()
		oldT = append([]float32(nil), tg...)
	}
	size := b.C * b.T
	for i := range b.N {
		l := float32(lam[i])
		x, o, p := b.X[i*size:(i+1)*size], old[i*size:(i+1)*size], old[perm[i]*size:(perm[i]+1)*size]
		for j := range x {
			x[j] = l*o[j] + (1-l)*p[j]
		}
		for k := range b.K {
			tg[i*b.K+k] = float32(lam[i])*oldT[i*b.K+k] + float32(1-lam[i])*oldT[perm[i]*b.K+k]
		}
	}
}
