package dsp

import (
	"fmt"
	"math"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"gonum.org/v1/gonum/dsp/fourier"
)

// Spectra are average power spectral densities per class and channel.
type Spectra struct {
	Freqs   []float64       // Hz
	Power   [2][2][]float64 // [class][channel C3, C4] µV²/Hz
	Count   [2]int          // trials per class
	Classes [2]string       // the classes' names, in label order
	From    float64         // seconds into the trial where the analysed window starts
}

// ClassSpectra averages, per class and channel, the power spectral density
// (Welch's method: 2 s Hann windows with 50 % overlap) of the trials of
// subject (or of every trial when subject is ""), from fromSeconds to the
// end of the trial, where imagery-related desynchronisation shows. It
// takes the channels C3 and C4 and two classes (left and right hand), at
// the dataset's sampling rate.
func ClassSpectra(ds *eeg.Dataset, subject string, fromSeconds float64) (*Spectra, error) {
	rate, times := ds.Rate, ds.Times
	seg := int(math.Round(2 * rate)) // 2 s
	start := int(fromSeconds * rate)
	if start < 0 || times-start < seg {
		return nil, fmt.Errorf("spectra: window from %.2f s leaves fewer than %d samples", fromSeconds, seg)
	}
	rows, ok := ds.Rows("C3", "C4")
	if !ok || len(ds.ClassNames) != 2 {
		return nil, fmt.Errorf("spectra: want channels C3 and C4 and two classes; the data has %s and %d classes", ds.Shape, len(ds.ClassNames))
	}
	fft := fourier.NewFFT(seg)
	win := make([]float64, seg)
	wsum := 0.0
	for i := range win {
		win[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(seg))
		wsum += win[i] * win[i]
	}
	sp := &Spectra{From: fromSeconds, Freqs: make([]float64, seg/2+1), Classes: [2]string(ds.ClassNames)}
	for k := range sp.Freqs {
		sp.Freqs[k] = float64(k) * rate / float64(seg)
		for c := range 2 {
			for ch := range 2 {
				if k == 0 {
					sp.Power[c][ch] = make([]float64, seg/2+1)
				}
			}
		}
	}
	buf := make([]float64, seg)
	coef := make([]complex128, seg/2+1)
	for i, y := range ds.Y {
		if subject != "" && ds.Subjects[ds.Subject[i]] != subject {
			continue
		}
		sp.Count[y]++
		trial := ds.Trial(i)
		for ch, row := range rows {
			x := trial[row*times : (row+1)*times]
			nseg := 0
			acc := make([]float64, seg/2+1)
			for s := start; s+seg <= times; s += seg / 2 {
				mean := 0.0
				for j := range seg {
					mean += float64(x[s+j])
				}
				mean /= float64(seg)
				for j := range seg {
					buf[j] = (float64(x[s+j]) - mean) * win[j]
				}
				fft.Coefficients(coef, buf)
				for k, v := range coef {
					p := (real(v)*real(v) + imag(v)*imag(v)) / (rate * wsum)
					if k > 0 && k < seg/2 {
						p *= 2 // one-sided
					}
					acc[k] += p
				}
				nseg++
			}
			for k := range acc {
				sp.Power[y][ch][k] += acc[k] / float64(nseg)
			}
		}
	}
	if sp.Count[0] == 0 || sp.Count[1] == 0 {
		return nil, fmt.Errorf("spectra: subject %q has no trials of one class", subject)
	}
	for c := range 2 {
		for ch := range 2 {
			for k := range sp.Power[c][ch] {
				sp.Power[c][ch][k] /= float64(sp.Count[c])
			}
		}
	}
	return sp, nil
}

// BandPower is the mean power in [lo, hi] Hz of a class and channel.
func (s *Spectra) BandPower(class, channel int, lo, hi float64) float64 {
	sum, n := 0.0, 0
	for k, f := range s.Freqs {
		if f >= lo && f <= hi {
			sum += s.Power[class][channel][k]
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// Lateralization is the relative mu-band (8–13 Hz) power difference,
// (right-hand − left-hand) / left-hand, per channel: negative over C3 and
// positive over C4 when imagery desynchronises the contralateral hemisphere.
func (s *Spectra) Lateralization() [2]float64 {
	var out [2]float64
	for ch := range 2 {
		l, r := s.BandPower(0, ch, 8, 13), s.BandPower(1, ch, 8, 13)
		out[ch] = (r - l) / l
	}
	return out
}

// Resample writes x, without its mean, resampled to len(out) samples with
// an ideal FFT low-pass at the lower Nyquist frequency (as
// scipy.signal.resample does).
func Resample(fft, ifft *fourier.FFT, x []float64, out []float32) {
	n, m := len(x), len(out)
	spec := fft.Coefficients(nil, x)
	short := make([]complex128, m/2+1)
	copy(short, spec[:min(len(spec), len(short))])
	short[0] = 0           // remove the mean: the recordings are not high-pass filtered
	if m%2 == 0 && m < n { // the new Nyquist bin holds half of the split ±Nyquist pair
		short[m/2] = complex(real(short[m/2]), 0)
	}
	y := ifft.Sequence(nil, short)
	for i := range out {
		out[i] = float32(y[i] / float64(n))
	}
}
