package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/eegkit/eegkit/eegkit/datasets"
	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/preprocess"
)

// dataFlags are --data, --preprocess and, for EEGMMIDB, --channels and
// --rate: the data a command reads, how it is preprocessed and the shape of
// its trials.
type dataFlags struct {
	dir, channels, preprocess *string
	rate                      *float64
}

// newDataFlags adds --data, --channels, --rate and --preprocess to fs.
func newDataFlags(fs *flagSet) *dataFlags {
	return &dataFlags{
		dir:      fs.String("data", defaultData, dataHelp),
		channels: fs.String("channels", "", "EEGMMIDB channels to keep: comma-separated names (C3,Cz,C4), motor (the 17-channel sensorimotor strip) or all (64); default C3,C4"),
		rate:     fs.Float64("rate", 0, "EEGMMIDB sampling rate in Hz: 160 keeps the recordings' rate, less resamples; default the lab's 125"),
		preprocess: fs.String("preprocess", "", "preprocessing, steps separated by commas (over recordings before cutting: EEGMMIDB, the competitions; over each trial of other data): "+
			preprocess.Usage()),
	}
}

// options are the loader options the flags ask for.
func (d *dataFlags) options() (datasets.MMIDBOptions, error) {
	opt := datasets.MMIDBOptions{Rate: *d.rate}
	p, err := preprocess.ParsePipeline(*d.preprocess)
	if err != nil {
		return opt, usageError{fmt.Errorf("--preprocess: %w", err)}
	}
	opt.Preprocess = p
	switch c := strings.TrimSpace(*d.channels); strings.ToLower(c) {
	case "":
	case "all":
		opt.Channels = datasets.MMIDBAllChannels()
	case "motor":
		opt.Channels = datasets.MMIDBMotorStrip()
	default:
		for _, name := range strings.Split(c, ",") {
			if name = strings.TrimSpace(name); name == "" {
				return opt, usageError{fmt.Errorf("--channels %q has an empty name; give names separated by commas (C3,Cz,C4)", c)}
			}
			opt.Channels = append(opt.Channels, name)
		}
	}
	return opt, nil
}

// load reads the data.
func (d *dataFlags) load() (*eeg.Data, error) {
	opt, err := d.options()
	if err != nil {
		return nil, err
	}
	return datasets.LoadDataWith(*d.dir, opt)
}

// dataSpec is what the data flags asked for, with an absolute directory:
// what a sweep's plan keeps to load its data again.
type dataSpec struct {
	Dir        string  `json:"dir"`
	Channels   string  `json:"channels,omitempty"`
	Rate       float64 `json:"rate,omitempty"`
	Preprocess string  `json:"preprocess,omitempty"`
}

// abs is the flags' dataSpec.
func (d *dataFlags) abs() dataSpec {
	dir, err := filepath.Abs(*d.dir)
	if err != nil {
		dir = *d.dir
	}
	return dataSpec{Dir: dir, Channels: *d.channels, Rate: *d.rate, Preprocess: *d.preprocess}
}

// load reads the data the spec names.
func (s dataSpec) load() (*eeg.Data, error) {
	return (&dataFlags{dir: &s.Dir, channels: &s.Channels, rate: &s.Rate, preprocess: &s.Preprocess}).load()
}

// String is the data directory, for messages.
func (d *dataFlags) String() string { return *d.dir }
