// Package recording reads a continuous EEG recording in any format eegkit
// reads — EDF and EDF+, BDF and BDF+, GDF 1 and 2, BrainVision — into one
// form: channels at their own rates with their samples in their units, and
// events with onsets in seconds from the first sample, described as MNE
// describes them (an EDF+ annotation's text, a BDF Status trigger's code
// "769", a GDF event's type code "769", a BrainVision marker's
// "Stimulus/S  1"). The format is chosen by the file's extension.
package recording

import (
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/eegkit/eegkit/eegkit/brainvision"
	"github.com/eegkit/eegkit/eegkit/edf"
	"github.com/eegkit/eegkit/eegkit/gdf"
)

// Recording is a continuous recording.
type Recording struct {
	Path     string
	Format   string  // "EDF", "EDF+", "BDF", "BDF+", "GDF 1.25", "GDF 2.20", "BrainVision"
	Start    string  // the header's start time as the file gives it; "" when it has none
	Offset   float64 // the first sample after the header's start time, s (EDF+)
	Channels []Channel
	Events   []Event // by onset
}

// Channel is one channel's samples at its rate, in its unit.
type Channel struct {
	Name string
	Unit string // "uV", "mV", "V", … as the file gives it
	Rate float64
	Data []float64
}

// Event is something that happened during the recording.
type Event struct {
	Onset, Duration float64 // s from the first sample
	Description     string  // as MNE describes it ("769", "T1", "Stimulus/S  1")
	// Name is the event in words where the format names it: a GDF
	// code's name in its standard table ("left hand"); else Description.
	Name string
}

// Extensions are the file name extensions Read knows, lower case.
func Extensions() []string { return []string{".edf", ".bdf", ".gdf", ".vhdr"} }

// IsRecording reports whether path has the extension of a recording Read knows.
func IsRecording(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	for _, e := range Extensions() {
		if ext == e {
			return true
		}
	}
	return false
}

// Read reads a recording, choosing the reader by its extension: .gdf is
// GDF, .vhdr BrainVision, anything else EDF or BDF (which the reader tells
// apart by the header).
func Read(path string) (*Recording, error) {
	var r *Recording
	var err error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".gdf":
		r, err = readGDF(path)
	case ".vhdr":
		r, err = readBrainVision(path)
	default:
		r, err = readEDF(path)
	}
	if err != nil {
		return nil, err
	}
	sort.SliceStable(r.Events, func(i, j int) bool { return r.Events[i].Onset < r.Events[j].Onset })
	return r, nil
}

// Duration is the recording's length in seconds: its longest channel's.
func (r *Recording) Duration() float64 {
	d := 0.0
	for _, c := range r.Channels {
		d = max(d, float64(len(c.Data))/c.Rate)
	}
	return d
}

// Channel returns the channel called name (in any case), or nil.
func (r *Recording) Channel(name string) *Channel {
	for i := range r.Channels {
		if strings.EqualFold(r.Channels[i].Name, strings.TrimSpace(name)) {
			return &r.Channels[i]
		}
	}
	return nil
}

// ChannelNames are the channels' names in file order.
func (r *Recording) ChannelNames() []string {
	out := make([]string, len(r.Channels))
	for i, c := range r.Channels {
		out[i] = c.Name
	}
	return out
}

// Microvolts is the factor that turns a value in unit into µV: 1 for µV
// ("uV", "µV", "μV"), 1e3 for mV, 1e6 for V, 1e-3 for nV; ok is false for
// any other unit (or none), which is not a voltage eegkit can scale.
func Microvolts(unit string) (scale float64, ok bool) {
	switch strings.TrimSpace(unit) {
	case "uV", "µV", "μV":
		return 1, true
	case "mV":
		return 1e3, true
	case "V":
		return 1e6, true
	case "nV":
		return 1e-3, true
	}
	return 0, false
}

func readEDF(path string) (*Recording, error) {
	e, err := edf.Read(path)
	if err != nil {
		return nil, err
	}
	r := &Recording{Path: path, Format: e.Format, Start: e.StartDate + " " + e.StartTime, Offset: e.StartOffset}
	for i := range e.Signals {
		s := &e.Signals[i]
		r.Channels = append(r.Channels, Channel{Name: s.Name(), Unit: s.Unit, Rate: e.SampleRate(s), Data: s.Data})
	}
	for _, a := range e.Annotations {
		r.Events = append(r.Events, Event{Onset: a.Onset, Duration: a.Duration, Description: a.Text, Name: a.Text})
	}
	if status := e.Signal("Status"); status != nil && strings.HasPrefix(e.Format, "BDF") {
		for _, a := range e.Triggers(status) {
			r.Events = append(r.Events, Event{Onset: a.Onset, Duration: a.Duration, Description: a.Text, Name: a.Text})
		}
	}
	return r, nil
}

func readGDF(path string) (*Recording, error) {
	f, err := gdf.Read(path)
	if err != nil {
		return nil, err
	}
	r := &Recording{Path: path, Format: strings.TrimSpace(f.Version)}
	if !f.Start.IsZero() {
		r.Start = f.Start.Format("02.01.06 15.04.05")
	}
	for i := range f.Signals {
		s := &f.Signals[i]
		r.Channels = append(r.Channels, Channel{Name: s.Label, Unit: s.Unit, Rate: f.SampleRate(s), Data: s.Data})
	}
	for _, e := range f.Events {
		r.Events = append(r.Events, Event{Onset: f.Onset(e), Duration: f.Seconds(e), Description: strconv.Itoa(e.Type), Name: gdf.EventName(e.Type)})
	}
	return r, nil
}

// readBrainVision reads a BrainVision recording from its header: its
// markers are its events, named as MNE names them ("Stimulus/S  1"), the
// "New Segment" markers aside, as MNE leaves them out.
func readBrainVision(path string) (*Recording, error) {
	f, err := brainvision.Read(path)
	if err != nil {
		return nil, err
	}
	r := &Recording{Path: path, Format: "BrainVision"}
	for _, c := range f.Channels {
		unit := c.Unit
		if strings.TrimSpace(unit) == "" {
			unit = "uV" // the specification's default
		}
		r.Channels = append(r.Channels, Channel{Name: c.Name, Unit: unit, Rate: f.Rate, Data: c.Data})
	}
	for _, m := range f.Markers {
		if m.Type != "New Segment" {
			r.Events = append(r.Events, Event{Onset: m.Onset, Duration: m.Duration, Description: m.Text(), Name: m.Text()})
		}
	}
	return r, nil
}
