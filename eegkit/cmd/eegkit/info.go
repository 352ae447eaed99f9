package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/eegkit/eegkit/eegkit/brainvision"
	"github.com/eegkit/eegkit/eegkit/edf"
)

// recordingInfo is what `eegkit info --json` prints for a recording.
type recordingInfo struct {
	File     string        `json:"file"`
	Format   string        `json:"format"`   // "EDF", "EDF+", "BDF", "BDF+", "BrainVision"
	Start    string        `json:"start"`    // the header's start, "dd.mm.yy hh.mm.ss"
	Offset   float64       `json:"offset_s"` // the first sample after the header's start, s
	Duration float64       `json:"duration_s"`
	Channels []channelInfo `json:"channels"`
	Events   []eventInfo   `json:"events"` // annotations and a Status channel's triggers, by onset
}

type channelInfo struct {
	Name    string  `json:"name"`
	Unit    string  `json:"unit"`
	Rate    float64 `json:"rate"`
	Samples int     `json:"samples"`
}

type eventInfo struct {
	Onset       float64 `json:"onset"` // s from the first sample
	Duration    float64 `json:"duration"`
	Description string  `json:"description"`
}

// cmdInfo is `eegkit info`: what a recording holds.
func cmdInfo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("info", "FILE [--json]", stdout, stderr)
	asJSON := fs.Bool("json", false, "print the recording as JSON: format, channels (name, unit, rate, samples) and events (onset s from the first sample, duration, description)")
	files, err := parseOperands(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return usageError{fmt.Errorf("give one recording (an EDF, EDF+, BDF or BDF+ file, or a BrainVision .vhdr), got %d", len(files))}
	}
	read := readEDF
	if strings.EqualFold(filepath.Ext(files[0]), ".vhdr") {
		read = readBrainVision
	}
	info, err := read(files[0])
	if err != nil {
		return err
	}
	sort.SliceStable(info.Events, func(i, j int) bool { return info.Events[i].Onset < info.Events[j].Onset })
	if *asJSON {
		raw, _ := json.MarshalIndent(info, "", "  ")
		_, err := fmt.Fprintln(stdout, string(raw))
		return err
	}
	fmt.Fprintf(stdout, "%s: %s, %.6g s", info.File, info.Format, info.Duration)
	if info.Start != "" {
		fmt.Fprintf(stdout, " from %s", info.Start)
	}
	if info.Offset != 0 {
		fmt.Fprintf(stdout, " (+%g s)", info.Offset)
	}
	fmt.Fprintf(stdout, ", %d channels, %d events\n", len(info.Channels), len(info.Events))
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CHANNEL\tUNIT\tRATE\tSAMPLES")
	for _, c := range info.Channels {
		fmt.Fprintf(tw, "%s\t%s\t%g Hz\t%d\n", c.Name, c.Unit, c.Rate, c.Samples)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	counts, order := map[string]int{}, []string{}
	for _, ev := range info.Events {
		if counts[ev.Description] == 0 {
			order = append(order, ev.Description)
		}
		counts[ev.Description]++
	}
	for _, d := range order {
		fmt.Fprintf(stdout, "event %q: %d\n", d, counts[d])
	}
	return nil
}

// readEDF describes an EDF, EDF+, BDF or BDF+ file: its annotations, and a
// BDF's Status channel's triggers, are its events.
func readEDF(path string) (recordingInfo, error) {
	e, err := edf.Read(path)
	if err != nil {
		return recordingInfo{}, err
	}
	info := recordingInfo{File: path, Format: e.Format, Start: e.StartDate + " " + e.StartTime, Offset: e.StartOffset,
		Duration: float64(e.NumRecords) * e.RecordDuration, Channels: []channelInfo{}, Events: []eventInfo{}}
	for i := range e.Signals {
		s := &e.Signals[i]
		info.Channels = append(info.Channels, channelInfo{Name: s.Name(), Unit: s.Unit, Rate: e.SampleRate(s), Samples: len(s.Data)})
	}
	events := e.Annotations
	if status := e.Signal("Status"); status != nil && strings.HasPrefix(e.Format, "BDF") {
		events = append(append([]edf.Annotation(nil), events...), e.Triggers(status)...)
	}
	for _, a := range events {
		info.Events = append(info.Events, eventInfo{Onset: a.Onset, Duration: a.Duration, Description: a.Text})
	}
	return info, nil
}

// readBrainVision describes a BrainVision recording from its header: its
// markers are its events, named as MNE names them ("Stimulus/S  1"), the
// "New Segment" markers aside, as MNE leaves them out.
func readBrainVision(path string) (recordingInfo, error) {
	f, err := brainvision.Read(path)
	if err != nil {
		return recordingInfo{}, err
	}
	info := recordingInfo{File: path, Format: "BrainVision", Channels: []channelInfo{}, Events: []eventInfo{}}
	for _, c := range f.Channels {
		info.Channels = append(info.Channels, channelInfo{Name: c.Name, Unit: c.Unit, Rate: f.Rate, Samples: len(c.Data)})
		info.Duration = float64(len(c.Data)) / f.Rate
	}
	for _, m := range f.Markers {
		if m.Type != "New Segment" {
			info.Events = append(info.Events, eventInfo{Onset: m.Onset, Duration: m.Duration, Description: m.Text()})
		}
	}
	return info, nil
}
