// Package datasets loads the recordings eegkit knows into eeg.Data: the
// lab's BCI Competition III IIIb files (S4b and X11b, train and test .npz,
// recognised as genuine by their checksums), the synthetic BCI-IIIb-like
// dataset eegkit generates when those are missing (GenerateLab, calibrated on
// the genuine recordings), and PhysioNet's EEGMMIDB EDF files. LoadData
// picks the loader a directory needs.
package datasets
