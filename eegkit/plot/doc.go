// Package plot draws eegkit's figures with gonum/plot — accuracy per epoch,
// heat maps with a colour bar, example trials, power spectra — and saves
// each as a 2× PNG and an SVG; a Figure also renders in a notebook as an
// image/png + image/svg+xml bundle.
package plot
