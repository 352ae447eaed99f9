package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/eegkit/eegkit/eegkit/recording"
)

// recordingInfo is what `eegkit info --json` prints for a recording.
type recordingInfo struct {
	File     string        `json:"file"`
	Format   string        `json:"format"`   // "EDF", "EDF+", "BDF", "BDF+", "GDF 1.25", "GDF 2.20", "BrainVision"
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
	Name        string  `json:"name"` // a GDF code's name ("left hand"); else the description
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
		return usageError{fmt.Errorf("give one recording (an EDF, EDF+, BDF, BDF+ or GDF file, or a BrainVision .vhdr), got %d", len(files))}
	}
	rec, err := recording.Read(files[0])
	if err != nil {
		return err
	}
	info := describe(rec)
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
	counts, order, names := map[string]int{}, []string{}, map[string]string{}
	for _, ev := range info.Events {
		if counts[ev.Description] == 0 {
			order = append(order, ev.Description)
		}
		counts[ev.Description]++
		names[ev.Description] = ev.Name
	}
	for _, d := range order {
		if names[d] != d {
			fmt.Fprintf(stdout, "event %q (%s): %d\n", d, names[d], counts[d])
		} else {
			fmt.Fprintf(stdout, "event %q: %d\n", d, counts[d])
		}
	}
	return nil
}

// describe is what `info` prints of a recording.
func describe(r *recording.Recording) recordingInfo {
	info := recordingInfo{File: r.Path, Format: r.Format, Start: r.Start, Offset: r.Offset, Duration: r.Duration(),
		Channels: []channelInfo{}, Events: []eventInfo{}}
	for _, c := range r.Channels {
		info.Channels = append(info.Channels, channelInfo{Name: c.Name, Unit: c.Unit, Rate: c.Rate, Samples: len(c.Data)})
	}
	for _, e := range r.Events {
		info.Events = append(info.Events, eventInfo{Onset: e.Onset, Duration: e.Duration, Description: e.Description, Name: e.Name})
	}
	return info
}
