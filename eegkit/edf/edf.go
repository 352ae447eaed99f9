// Package edf reads recordings in the European Data Format (EDF) and EDF+,
// the EEG field's standard file format, and in BioSemi's BDF and BDF+, the
// same format with 24-bit samples (a version field of 0xFF "BIOSEMI"),
// refusing damaged files with a message that says what is wrong (a
// truncated or altered file, an impossible header, values beyond float32,
// malformed annotations). One reader serves both, as MNE's does: they
// differ only in the sample width, the digital range and the annotation
// signal's label. It uses the standard library only.
package edf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/eegkit/eegkit/eegkit/safefile"
)

// File is a recording in the European Data Format (EDF) or EDF+, the EEG
// field's standard file format: a fixed ASCII header, then data records of
// 16-bit samples for every signal. EDF+ adds annotations (events) in
// signals labelled "EDF Annotations".
type File struct {
	Format         string // "EDF", "EDF+", "BDF" or "BDF+"
	Version        string
	Patient        string
	Recording      string
	StartDate      string // dd.mm.yy
	StartTime      string // hh.mm.ss
	Plus           bool   // EDF+ (reserved field "EDF+C" or "EDF+D")
	Discontinuous  bool   // EDF+D
	NumRecords     int
	RecordDuration float64 // seconds; 0 in an EDF+ file of annotations only
	// StartOffset is how long after the header's start time the first
	// sample was taken, in seconds: the onset of the first data record's
	// time-keeping annotation in EDF+ (a recording that starts at a
	// fraction of a second), 0 in EDF.
	StartOffset float64
	Signals     []Signal // ordinary signals, in file order (annotation signals are not included)
	Annotations []Annotation
}

// Signal is one signal of an EDF file with its samples in physical units.
type Signal struct {
	Label            string
	Transducer       string
	Unit             string // physical dimension, e.g. "uV"
	PhysMin, PhysMax float64
	DigMin, DigMax   int
	Prefilter        string
	SamplesPerRecord int
	Data             []float64 // physical values: (digital − DigMin)·(PhysMax − PhysMin)/(DigMax − DigMin) + PhysMin
}

// Annotation is an EDF+ event: an onset in seconds from the first sample
// (the time-stamped annotation list's onset less File.StartOffset, as MNE
// places it), a duration (0 when not given) and its text, e.g. "T1".
type Annotation struct {
	Onset, Duration float64
	Text            string
}

// SampleRate is the signal's sampling rate in Hz.
func (e *File) SampleRate(s *Signal) float64 {
	return float64(s.SamplesPerRecord) / e.RecordDuration
}

// Name is the signal's label without surrounding spaces and trailing dots
// ("C3.." is "C3").
func (s *Signal) Name() string { return trimLabel(s.Label) }

func trimLabel(l string) string { return strings.TrimRight(strings.TrimSpace(l), ".") }

// Signal returns the signal whose Name equals label's case-insensitively
// ("C3" finds "C3.."), or nil.
func (e *File) Signal(label string) *Signal {
	for i := range e.Signals {
		if strings.EqualFold(e.Signals[i].Name(), trimLabel(label)) {
			return &e.Signals[i]
		}
	}
	return nil
}

// Read reads an EDF or EDF+ file.
func Read(path string) (*File, error) {
	raw, err := safefile.ReadRegular(path, "an EDF file")
	if err != nil {
		return nil, err
	}
	e, err := Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s is not a readable EDF file: %w", path, err)
	}
	return e, nil
}

// maxEDFSignals bounds the signal count read from a header.
const maxEDFSignals = 4096

// Parse decodes an EDF or EDF+ file held in memory. Every inconsistency
// of the header with the data (including a file longer or shorter than its
// header says, as a line-ending conversion makes it) is an error.
func Parse(raw []byte) (*File, error) {
	if len(raw) < 256 {
		return nil, fmt.Errorf("%d bytes, shorter than the 256-byte header", len(raw))
	}
	field := func(off, n int) string { return strings.TrimSpace(string(raw[off : off+n])) }
	num := func(name string, off, n int) (float64, error) {
		s := field(off, n)
		v, ok := finiteNumber(s)
		if !ok {
			return 0, fmt.Errorf("header field %s is %q, not a number", name, s)
		}
		return v, nil
	}
	integer := func(name string, off, n int) (int, error) {
		s := field(off, n)
		v, err := strconv.Atoi(s)
		if err != nil {
			return 0, fmt.Errorf("header field %s is %q, not an integer", name, s)
		}
		return v, nil
	}
	e := &File{Version: field(0, 8), Patient: field(8, 80), Recording: field(88, 80), StartDate: field(168, 8), StartTime: field(176, 8)}
	width, digLo, digHi := 2, -32768.0, 32767.0 // EDF: 16-bit samples
	switch {
	case e.Version == "0":
		e.Format = "EDF"
	case raw[0] == 0xff && string(raw[1:8]) == "BIOSEMI":
		e.Format, e.Version, width, digLo, digHi = "BDF", "BIOSEMI", 3, -8388608, 8388607
	default:
		return nil, fmt.Errorf("version %q, want \"0\" (EDF) or 0xFF \"BIOSEMI\" (BDF)", e.Version)
	}
	reserved := field(192, 44)
	e.Plus = strings.HasPrefix(reserved, e.Format+"+")
	e.Discontinuous = strings.HasPrefix(reserved, e.Format+"+D")
	annotationLabel := e.Format + " Annotations"
	if e.Plus {
		e.Format += "+"
	}
	headerBytes, err := integer("header bytes", 184, 8)
	if err != nil {
		return nil, err
	}
	if e.NumRecords, err = integer("number of data records", 236, 8); err != nil {
		return nil, err
	}
	if e.RecordDuration, err = num("record duration", 244, 8); err != nil {
		return nil, err
	}
	ns, err := integer("number of signals", 252, 4)
	if err != nil {
		return nil, err
	}
	switch {
	case ns < 1 || ns > maxEDFSignals:
		return nil, fmt.Errorf("%d signals; want 1 to %d", ns, maxEDFSignals)
	case headerBytes != 256*(ns+1):
		return nil, fmt.Errorf("header size %d does not match %d signals (want %d)", headerBytes, ns, 256*(ns+1))
	case len(raw) < headerBytes:
		return nil, fmt.Errorf("%d bytes, shorter than its %d-byte header", len(raw), headerBytes)
	case e.RecordDuration < 0:
		return nil, fmt.Errorf("record duration %g s; want > 0", e.RecordDuration)
	}
	off := 256
	column := func(width int) []string {
		out := make([]string, ns)
		for i := range out {
			out[i] = field(off+i*width, width)
		}
		off += ns * width
		return out
	}
	labels, transducers, units := column(16), column(80), column(8)
	pmins, pmaxs, dmins, dmaxs := column(8), column(8), column(8), column(8)
	prefilters, nsamples := column(80), column(8)
	all := make([]Signal, ns)
	isAnnot := make([]bool, ns)
	recordSize := 0
	for i := range all {
		s := &all[i]
		s.Label, s.Transducer, s.Unit, s.Prefilter = labels[i], transducers[i], units[i], prefilters[i]
		isAnnot[i] = e.Plus && s.Label == annotationLabel
		var errs []error
		parse := func(v string) float64 {
			f, ok := finiteNumber(v)
			if !ok {
				errs = append(errs, fmt.Errorf("%q is not a number", v))
			}
			return f
		}
		s.PhysMin, s.PhysMax = parse(pmins[i]), parse(pmaxs[i])
		dmin, dmax, n := parse(dmins[i]), parse(dmaxs[i]), parse(nsamples[i])
		if err := errors.Join(errs...); err != nil {
			return nil, fmt.Errorf("signal %d (%s): %w", i+1, s.Label, err)
		}
		s.DigMin, s.DigMax = int(dmin), int(dmax)
		switch {
		case n < 1 || n > 1<<24 || n != math.Trunc(n):
			return nil, fmt.Errorf("signal %d (%s): %v samples per record", i+1, s.Label, nsamples[i])
		case !isAnnot[i] && (dmin < digLo || dmax > digHi || dmax <= dmin || dmin != math.Trunc(dmin) || dmax != math.Trunc(dmax)):
			return nil, fmt.Errorf("signal %d (%s): digital range %v..%v is not a valid %d-bit range", i+1, s.Label, dmins[i], dmaxs[i], 8*width)
		case !isAnnot[i] && s.PhysMax == s.PhysMin:
			return nil, fmt.Errorf("signal %d (%s): physical minimum equals maximum (%g)", i+1, s.Label, s.PhysMin)
		case !isAnnot[i] && (math.Abs(s.PhysMin) > math.MaxFloat32 || math.Abs(s.PhysMax) > math.MaxFloat32):
			return nil, fmt.Errorf("signal %d (%s): physical range %g..%g is beyond float32's range (±3.4e38) that the models compute in", i+1, s.Label, s.PhysMin, s.PhysMax)
		}
		s.SamplesPerRecord = int(n)
		recordSize += width * s.SamplesPerRecord
	}
	if e.RecordDuration == 0 && !(e.Plus && !slices.Contains(isAnnot, false)) { // EDF+ allows 0 for annotations only
		return nil, fmt.Errorf("record duration 0 s with signals that are not annotations; want > 0")
	}
	dataBytes := len(raw) - headerBytes
	if e.NumRecords == -1 { // allowed while recording: infer from the size
		if dataBytes%recordSize != 0 {
			return nil, fmt.Errorf("unknown record count and %d data bytes are not a whole number of %d-byte records", dataBytes, recordSize)
		}
		e.NumRecords = dataBytes / recordSize
	}
	if e.NumRecords < 0 {
		return nil, fmt.Errorf("%d data records", e.NumRecords)
	}
	if want := int64(e.NumRecords) * int64(recordSize); int64(dataBytes) != want {
		return nil, fmt.Errorf("%d bytes of data, but the header says %d records of %d bytes (%d bytes): the file is truncated or altered",
			dataBytes, e.NumRecords, recordSize, want)
	}
	for i := range all {
		if !isAnnot[i] {
			all[i].Data = make([]float64, 0, e.NumRecords*all[i].SamplesPerRecord)
		}
	}
	pos := headerBytes
	timed := false // the first record's time-keeping annotation is read
	for r := range e.NumRecords {
		for i := range all {
			s := &all[i]
			chunk := raw[pos : pos+width*s.SamplesPerRecord]
			pos += len(chunk)
			if isAnnot[i] {
				anns, start, err := parseTALs(chunk)
				if err != nil {
					return nil, fmt.Errorf("record %d: annotations: %w", r+1, err)
				}
				if r == 0 && !timed && start != nil { // a file without one starts at the header's time
					e.StartOffset, timed = *start, true
				}
				e.Annotations = append(e.Annotations, anns...)
				continue
			}
			scale := (s.PhysMax - s.PhysMin) / float64(s.DigMax-s.DigMin)
			for j := 0; j < len(chunk); j += width {
				var d float64
				if width == 2 {
					d = float64(int16(binary.LittleEndian.Uint16(chunk[j:])))
				} else { // 24-bit little-endian two's complement
					d = float64(int32(uint32(chunk[j])|uint32(chunk[j+1])<<8|uint32(chunk[j+2])<<16) << 8 >> 8)
				}
				s.Data = append(s.Data, (d-float64(s.DigMin))*scale+s.PhysMin)
			}
		}
	}
	for i := range all {
		if !isAnnot[i] {
			e.Signals = append(e.Signals, all[i])
		}
	}
	for i := range e.Annotations {
		e.Annotations[i].Onset -= e.StartOffset
	}
	return e, nil
}

// parseTALs decodes the time-stamped annotation lists of one record's
// annotation signal: "+onset[\x15duration]\x14text\x14…\x14\x00", padded
// with zeros. The first TAL, when it has no text, is the record's
// time-keeping annotation: its onset is start, and it gives no annotation.
func parseTALs(b []byte) (out []Annotation, start *float64, err error) {
	first := true
	for len(b) > 0 {
		if b[0] == 0 {
			b = b[1:]
			continue
		}
		end := bytes.IndexByte(b, 0)
		if end < 0 {
			return nil, nil, errors.New("a TAL is not terminated by a zero byte")
		}
		tal := b[:end]
		b = b[end+1:]
		if len(tal) == 0 || tal[len(tal)-1] != 0x14 {
			return nil, nil, fmt.Errorf("TAL %q does not end with 0x14", tal)
		}
		parts := bytes.Split(tal[:len(tal)-1], []byte{0x14})
		timing := parts[0]
		if len(timing) == 0 || (timing[0] != '+' && timing[0] != '-') {
			return nil, nil, fmt.Errorf("TAL onset %q does not start with + or -", timing)
		}
		onsetS, durS, hasDur := bytes.Cut(timing, []byte{0x15})
		onset, ok := finiteNumber(string(onsetS))
		if !ok {
			return nil, nil, fmt.Errorf("TAL onset %q is not a number", onsetS)
		}
		dur := 0.0
		if hasDur {
			if dur, ok = finiteNumber(string(durS)); !ok || dur < 0 {
				return nil, nil, fmt.Errorf("TAL duration %q is not a number >= 0", durS)
			}
		}
		texts := 0
		for _, text := range parts[1:] {
			if len(text) > 0 {
				out = append(out, Annotation{Onset: onset, Duration: dur, Text: string(text)})
				texts++
			}
		}
		if first && texts == 0 {
			start = &onset
		}
		first = false
	}
	return out, start, nil
}

// finiteNumber parses s as a finite number (ParseFloat also accepts NaN and Inf).
func finiteNumber(s string) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil && !math.IsNaN(v) && !math.IsInf(v, 0)
}

// TriggerMask keeps the trigger bits of a status channel's values: BioSemi's
// amplifiers put the trigger code in the low bits and status flags (CMS in
// range, battery low) above them; MNE keeps the 17 lowest.
const TriggerMask = 1<<17 - 1

// Triggers are the events of a trigger (status) channel as mne.find_events
// reports them by default: an event at every sample where the channel's
// value, masked with TriggerMask, rises (from 0 or from a lower code), with
// the new value as its text ("769"), its onset in seconds from the first
// sample and its duration the time the value holds.
func (e *File) Triggers(s *Signal) []Annotation {
	rate := e.SampleRate(s)
	var out []Annotation
	prev, start := 0, -1
	end := func(i int) {
		if start >= 0 {
			out[len(out)-1].Duration = float64(i-start) / rate
			start = -1
		}
	}
	for i, v := range s.Data {
		code := int(math.Round(v)) & TriggerMask
		if code != prev {
			end(i)
			if code > prev {
				out = append(out, Annotation{Onset: float64(i) / rate, Text: strconv.Itoa(code)})
				start = i
			}
		}
		prev = code
	}
	end(len(s.Data))
	return out
}
