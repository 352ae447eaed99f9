// Package dsp is the signal processing eegkit does on trials: class-average
// power spectra (Welch-style periodograms with a Hann window), band power and
// the mu-band lateralisation of motor imagery, and FFT resampling.
package dsp
