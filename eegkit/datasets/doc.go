// Package datasets loads the recordings eegkit knows into eeg.Data: the
// lab's BCI Competition III IIIb files (S4b and X11b, train and test .npz,
// recognised as genuine by their checksums), the synthetic BCI-IIIb-like
// dataset eegkit generates when those are missing (GenerateLab, calibrated on
// the genuine recordings), and PhysioNet's EEGMMIDB EDF files. LoadData
// picks the loader a directory needs. EEGMMIDB keeps any of its 64
// channels at its 160 Hz or another rate (LoadEEGMMIDBWith); the
// datasets carry their channel names, samples and rate.
package datasets
