// Package gdf reads recordings in the General Data Format for biomedical
// signals (GDF) 1.x and 2.x, the format of the BCI competitions' motor
// imagery files (Competition III IIIb, Competition IV 2a and 2b): a fixed
// header, a variable header of one 256-byte column set per channel, data
// records holding every channel's samples in its own binary type, and an
// event table after the data. It refuses damaged files with a message that
// says what is wrong, never allocating what a header field alone claims. It
// uses the standard library only.
//
// A channel's physical values are
//
//	x = (d − DigMin)·(PhysMax − PhysMin)/(DigMax − DigMin) + PhysMin
//
// for each stored value d, as MNE computes them; float channels are scaled
// the same way, and their NaN samples (missing data) stay NaN.
package gdf

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/eegkit/eegkit/eegkit/safefile"
)

// File is a GDF recording.
type File struct {
	Version        string  // "GDF 1.25", "GDF 2.20", …
	Number         float64 // the version as a number: 1.25, 2.2
	Patient        string
	Recording      string
	Start          time.Time // UTC; zero when the header does not say
	NumRecords     int
	RecordDuration float64 // seconds
	Signals        []Signal
	// EventMode is the event table's mode: 1 (position and type) or 3
	// (also channel and duration); 0 when the file has no event table.
	EventMode int
	// EventRate is the sampling rate the event table's positions count
	// in, Hz; 0 when the file does not say, when they count in Rate().
	EventRate float64
	Events    []Event
}

// Signal is one channel with its samples in physical units.
type Signal struct {
	Label      string
	Transducer string
	// Unit is the physical dimension: GDF 1's text ("uV"), or GDF 2's
	// code in words ("uV", "mV", "V"; "" when the code is 0, "-" when it
	// is 512, dimensionless).
	Unit             string
	UnitCode         int // GDF 2's physical dimension code (4275 is µV); 0 in GDF 1
	PhysMin, PhysMax float64
	DigMin, DigMax   float64
	Prefilter        string  // GDF 1's text
	Lowpass          float64 // GDF 2's filter settings, Hz (NaN when unknown)
	Highpass         float64
	Notch            float64
	SamplesPerRecord int
	Type             int       // GDF data type code (3 int16, 16 float32, …)
	Data             []float64 // physical values
}

// Event is one entry of the event table.
type Event struct {
	// Position is the event's sample, counted from 0 at EventRate (the
	// table holds it counted from 1).
	Position int
	Type     int // the GDF event code, e.g. 769; 0x8000 | code ends an event
	Channel  int // 0: every channel; mode 3 only
	Duration int // samples at EventRate; 0 when not given (mode 1)
}

// dataType is a GDF data type: its size in bytes and how one value is
// decoded.
type dataType struct {
	name   string
	size   int
	decode func([]byte) float64
}

var le = binary.LittleEndian

// dataTypes are the channel data types GDF 1 and 2 define, by code, except
// float128 (18) and the bit fields, which no EEG amplifier writes and
// Go has no type for.
var dataTypes = map[int]dataType{
	1:  {"int8", 1, func(b []byte) float64 { return float64(int8(b[0])) }},
	2:  {"uint8", 1, func(b []byte) float64 { return float64(b[0]) }},
	3:  {"int16", 2, func(b []byte) float64 { return float64(int16(le.Uint16(b))) }},
	4:  {"uint16", 2, func(b []byte) float64 { return float64(le.Uint16(b)) }},
	5:  {"int32", 4, func(b []byte) float64 { return float64(int32(le.Uint32(b))) }},
	6:  {"uint32", 4, func(b []byte) float64 { return float64(le.Uint32(b)) }},
	7:  {"int64", 8, func(b []byte) float64 { return float64(int64(le.Uint64(b))) }},
	8:  {"uint64", 8, func(b []byte) float64 { return float64(le.Uint64(b)) }},
	16: {"float32", 4, func(b []byte) float64 { return float64(math.Float32frombits(le.Uint32(b))) }},
	17: {"float64", 8, func(b []byte) float64 { return math.Float64frombits(le.Uint64(b)) }},
	255 + 24: {"int24", 3, func(b []byte) float64 {
		return float64(int32(uint32(b[0])|uint32(b[1])<<8|uint32(b[2])<<16) << 8 >> 8)
	}},
	511 + 24: {"uint24", 3, func(b []byte) float64 { return float64(uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16) }},
}

// Rate is the recording's sampling rate: the highest of its channels'.
func (f *File) Rate() float64 {
	r := 0.0
	for i := range f.Signals {
		r = max(r, f.SampleRate(&f.Signals[i]))
	}
	return r
}

// SampleRate is the signal's sampling rate in Hz.
func (f *File) SampleRate(s *Signal) float64 {
	return float64(s.SamplesPerRecord) / f.RecordDuration
}

// eventRate is the rate the event positions count in.
func (f *File) eventRate() float64 {
	if f.EventRate > 0 {
		return f.EventRate
	}
	return f.Rate()
}

// Onset is the event's onset in seconds from the first sample.
func (f *File) Onset(e Event) float64 { return float64(e.Position) / f.eventRate() }

// Seconds is the event's duration in seconds.
func (f *File) Seconds(e Event) float64 { return float64(e.Duration) / f.eventRate() }

// Signal returns the signal called label (in any case, spaces trimmed), or nil.
func (f *File) Signal(label string) *Signal {
	for i := range f.Signals {
		if strings.EqualFold(f.Signals[i].Label, strings.TrimSpace(label)) {
			return &f.Signals[i]
		}
	}
	return nil
}

// Read reads a GDF file.
func Read(path string) (*File, error) {
	raw, err := safefile.ReadRegular(path, "a GDF file")
	if err != nil {
		return nil, err
	}
	f, err := Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s is not a readable GDF file: %w", path, err)
	}
	return f, nil
}

// maxSignals bounds the channel count read from a header.
const maxSignals = 4096

// Parse decodes a GDF file held in memory. Every inconsistency of the
// header with the bytes there is an error: a file too short for the data
// records its header declares, an event table cut short, an event beyond
// the recording.
func Parse(raw []byte) (*File, error) {
	if len(raw) < 256 {
		return nil, fmt.Errorf("%d bytes, shorter than the 256-byte fixed header", len(raw))
	}
	f := &File{Version: string(raw[:8])}
	if !strings.HasPrefix(f.Version, "GDF ") {
		return nil, fmt.Errorf("version %q, want \"GDF 1.xx\" or \"GDF 2.xx\"", strings.TrimRight(f.Version, "\x00"))
	}
	if _, err := fmt.Sscanf(strings.TrimSpace(f.Version[4:]), "%g", &f.Number); err != nil || f.Number < 1 || f.Number >= 3 {
		return nil, fmt.Errorf("version %q, want \"GDF 1.xx\" or \"GDF 2.xx\"", f.Version)
	}
	text := func(off, n int) string { return strings.TrimSpace(strings.TrimRight(string(raw[off:off+n]), "\x00")) }
	var headerBytes int64
	var ns int
	if f.Number < 1.9 {
		f.Patient, f.Recording = text(8, 80), text(88, 80)
		f.Start = gdf1Time(text(168, 16))
		headerBytes = int64(le.Uint64(raw[184:]))
		ns = int(le.Uint32(raw[252:]))
	} else {
		f.Patient, f.Recording = text(8, 66), text(88, 64)
		f.Start = gdf2Time(le.Uint64(raw[168:]))
		headerBytes = 256 * int64(le.Uint16(raw[184:]))
		ns = int(le.Uint16(raw[252:]))
	}
	records := int64(le.Uint64(raw[236:]))
	num, den := le.Uint32(raw[244:]), le.Uint32(raw[248:])
	switch {
	case ns < 1 || ns > maxSignals:
		return nil, fmt.Errorf("%d channels; want 1 to %d", ns, maxSignals)
	case headerBytes < 256*int64(ns+1):
		return nil, fmt.Errorf("header size %d bytes is too small for %d channels (want at least %d)", headerBytes, ns, 256*(ns+1))
	case headerBytes > int64(len(raw)):
		return nil, fmt.Errorf("%d bytes, shorter than its %d-byte header", len(raw), headerBytes)
	case records < 0:
		return nil, fmt.Errorf("%d data records (an unfinished recording); want a complete file", records)
	case num == 0 || den == 0:
		return nil, fmt.Errorf("record duration %d/%d s; want a positive duration", num, den)
	}
	f.RecordDuration = float64(num) / float64(den)
	f.Signals = make([]Signal, ns)
	var err error
	if f.Number < 1.9 {
		err = f.parseGDF1Channels(raw[256 : 256*(ns+1)])
	} else {
		err = f.parseGDF2Channels(raw[256 : 256*(ns+1)])
	}
	if err != nil {
		return nil, err
	}
	recordSize := int64(0)
	for i := range f.Signals {
		recordSize += int64(f.Signals[i].SamplesPerRecord * dataTypes[f.Signals[i].Type].size)
	}
	dataEnd := headerBytes + records*recordSize
	if records > (int64(len(raw))-headerBytes)/recordSize || dataEnd > int64(len(raw)) {
		return nil, fmt.Errorf("%d bytes after the header, but it declares %d records of %d bytes: the file is truncated or altered",
			int64(len(raw))-headerBytes, records, recordSize)
	}
	f.NumRecords = int(records)
	f.decode(raw[headerBytes:dataEnd])
	if err := f.parseEvents(raw[dataEnd:]); err != nil {
		return nil, fmt.Errorf("event table: %w", err)
	}
	return f, nil
}

// parseGDF1Channels reads GDF 1's variable header: per channel a label
// (16), transducer (80), unit text (8), physical min and max (float64),
// digital min and max (int64), prefilter text (80), samples per record
// (int32), type (int32) and 32 reserved bytes, column by column.
func (f *File) parseGDF1Channels(h []byte) error {
	col := columns(h, len(f.Signals))
	label, transducer, unit := col(16), col(80), col(8)
	pmin, pmax, dmin, dmax := col(8), col(8), col(8), col(8)
	prefilter, samples, types := col(80), col(4), col(4)
	for i := range f.Signals {
		s := &f.Signals[i]
		s.Label, s.Transducer, s.Unit, s.Prefilter = cstr(label(i)), cstr(transducer(i)), cstr(unit(i)), cstr(prefilter(i))
		s.PhysMin, s.PhysMax = f64(pmin(i)), f64(pmax(i))
		s.DigMin, s.DigMax = float64(int64(le.Uint64(dmin(i)))), float64(int64(le.Uint64(dmax(i))))
		s.Lowpass, s.Highpass, s.Notch = math.NaN(), math.NaN(), math.NaN()
		if err := s.check(i, int32(le.Uint32(samples(i))), int32(le.Uint32(types(i)))); err != nil {
			return err
		}
	}
	return nil
}

// parseGDF2Channels reads GDF 2's variable header: per channel a label
// (16), transducer (80), unit text (6, obsolete), unit code (uint16),
// physical and digital min and max (float64), 68 reserved bytes, low-pass,
// high-pass and notch (float32), samples per record (int32), type (int32),
// position (3 float32) and 20 bytes of impedance, column by column.
func (f *File) parseGDF2Channels(h []byte) error {
	col := columns(h, len(f.Signals))
	label, transducer, unitText, unitCode := col(16), col(80), col(6), col(2)
	pmin, pmax, dmin, dmax := col(8), col(8), col(8), col(8)
	_, lowpass, highpass, notch := col(68), col(4), col(4), col(4)
	samples, types := col(4), col(4)
	for i := range f.Signals {
		s := &f.Signals[i]
		s.Label, s.Transducer = cstr(label(i)), cstr(transducer(i))
		s.UnitCode = int(le.Uint16(unitCode(i)))
		if s.Unit = unitName(s.UnitCode); s.Unit == "?" {
			s.Unit = cstr(unitText(i))
		}
		s.PhysMin, s.PhysMax, s.DigMin, s.DigMax = f64(pmin(i)), f64(pmax(i)), f64(dmin(i)), f64(dmax(i))
		s.Lowpass, s.Highpass, s.Notch = f32(lowpass(i)), f32(highpass(i)), f32(notch(i))
		if err := s.check(i, int32(le.Uint32(samples(i))), int32(le.Uint32(types(i)))); err != nil {
			return err
		}
	}
	return nil
}

// columns reads a column-wise variable header of ns channels: each call
// col(width) takes the next column, a field of width bytes per channel,
// and returns channel i's field.
func columns(h []byte, ns int) func(width int) func(i int) []byte {
	off := 0
	return func(width int) func(i int) []byte {
		base := off
		off += ns * width
		return func(i int) []byte { return h[base+i*width : base+(i+1)*width] }
	}
}

// check validates a channel's sample count, type and scaling, and sets them.
func (s *Signal) check(i int, samples, typ int32) error {
	_, known := dataTypes[int(typ)]
	switch {
	case samples < 1 || samples > 1<<24:
		return fmt.Errorf("channel %d (%s): %d samples per record; want 1 to %d", i+1, s.Label, samples, 1<<24)
	case !known:
		return fmt.Errorf("channel %d (%s): data type %d is not one GDF defines for samples (int8…uint64 1–8, float32 16, float64 17, int24 279, uint24 535)", i+1, s.Label, typ)
	case !finite(s.PhysMin, s.PhysMax, s.DigMin, s.DigMax):
		return fmt.Errorf("channel %d (%s): scaling %g..%g (physical) from %g..%g (digital) is not finite", i+1, s.Label, s.PhysMin, s.PhysMax, s.DigMin, s.DigMax)
	case s.DigMax == s.DigMin:
		return fmt.Errorf("channel %d (%s): digital minimum equals maximum (%g), so its values cannot be scaled", i+1, s.Label, s.DigMin)
	case s.PhysMax == s.PhysMin:
		return fmt.Errorf("channel %d (%s): physical minimum equals maximum (%g), so its values cannot be scaled", i+1, s.Label, s.PhysMin)
	}
	s.SamplesPerRecord, s.Type = int(samples), int(typ)
	return nil
}

// decode fills every channel's Data from the data records.
func (f *File) decode(data []byte) {
	for i := range f.Signals {
		f.Signals[i].Data = make([]float64, 0, f.NumRecords*f.Signals[i].SamplesPerRecord)
	}
	pos := 0
	for range f.NumRecords {
		for i := range f.Signals {
			s := &f.Signals[i]
			dt := dataTypes[s.Type]
			scale := (s.PhysMax - s.PhysMin) / (s.DigMax - s.DigMin)
			for range s.SamplesPerRecord {
				s.Data = append(s.Data, (dt.decode(data[pos:])-s.DigMin)*scale+s.PhysMin)
				pos += dt.size
			}
		}
	}
}

// parseEvents reads the event table that follows the data, if any: a mode
// byte (1 or 3); in GDF 1 (and 2 before 1.94) the event rate (3 bytes) and
// the event count (uint32), in GDF 2 the count (3 bytes) and the rate
// (float32); then the positions (uint32, from 1) and types (uint16), and
// in mode 3 the channels (uint16) and durations (uint32).
func (f *File) parseEvents(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	if len(b) < 8 {
		return fmt.Errorf("%d bytes, shorter than its 8-byte header", len(b))
	}
	f.EventMode = int(b[0])
	if f.EventMode != 1 && f.EventMode != 3 {
		return fmt.Errorf("mode %d; GDF defines modes 1 and 3", f.EventMode)
	}
	u24 := uint32(b[1]) | uint32(b[2])<<8 | uint32(b[3])<<16
	var n int
	if f.Number < 1.94 {
		f.EventRate, n = float64(u24), int(le.Uint32(b[4:]))
	} else {
		n, f.EventRate = int(u24), float64(math.Float32frombits(le.Uint32(b[4:])))
	}
	if !(f.EventRate >= 0) || math.IsInf(f.EventRate, 0) {
		return fmt.Errorf("event rate %g Hz; want a positive rate, or 0 for the recording's", f.EventRate)
	}
	per := 6
	if f.EventMode == 3 {
		per = 12
	}
	if n < 0 || int64(n)*int64(per) > int64(len(b)-8) {
		return fmt.Errorf("%d events of %d bytes do not fit in its %d bytes: the file is truncated or altered", n, per, len(b)-8)
	}
	f.Events = make([]Event, n)
	end := float64(f.NumRecords) * f.RecordDuration * f.eventRate()
	body := b[8:]
	for i := range f.Events {
		e := &f.Events[i]
		pos := le.Uint32(body[4*i:])
		e.Type = int(le.Uint16(body[4*n+2*i:]))
		if f.EventMode == 3 {
			e.Channel = int(le.Uint16(body[6*n+2*i:]))
			e.Duration = int(le.Uint32(body[8*n+4*i:]))
		}
		switch {
		case pos == 0:
			return fmt.Errorf("event %d (type %d) is at position 0; positions count from 1", i+1, e.Type)
		case float64(pos-1) > end:
			return fmt.Errorf("event %d (type %d) is at sample %d, beyond the recording's %g samples", i+1, e.Type, pos-1, end)
		case e.Channel > len(f.Signals):
			return fmt.Errorf("event %d (type %d) names channel %d of %d", i+1, e.Type, e.Channel, len(f.Signals))
		}
		e.Position = int(pos - 1)
	}
	return nil
}

// unitName is a GDF 2 physical dimension code in words: the volt codes
// (4256 with a decimal prefix in the low 5 bits), 512 dimensionless ("-"),
// 0 unknown (""), and "?" for the rest, which the channel's text then names.
func unitName(code int) string {
	prefixes := map[int]string{0: "", 18: "m", 19: "u", 20: "n", 21: "p", 3: "k"}
	switch {
	case code == 0:
		return ""
	case code == 512:
		return "-"
	case code&^31 == 4256:
		if p, ok := prefixes[code&31]; ok {
			return p + "V"
		}
	}
	return "?"
}

// gdf1Time decodes GDF 1's start time "YYYYMMDDhhmmsscc" (cc: hundredths).
func gdf1Time(s string) time.Time {
	if len(s) < 14 {
		return time.Time{}
	}
	t, err := time.Parse("20060102150405", s[:14])
	if err != nil {
		return time.Time{}
	}
	var cc int
	if len(s) >= 16 {
		fmt.Sscanf(s[14:16], "%d", &cc)
	}
	return t.Add(time.Duration(cc) * 10 * time.Millisecond)
}

// gdf2Time decodes GDF 2's start time: days since year 0 as a 32.32 fixed
// point number (year 0 has 367 days in the count, as MNE and biosig read
// it), to the millisecond: the format's step is 2⁻³² day, 20 µs, so a
// writer's whole second comes back a few µs early without the rounding.
func gdf2Time(v uint64) time.Time {
	days := int(v>>32) - 367
	if v == 0 || days < 0 || days > 1e6 {
		return time.Time{}
	}
	ms := math.Round(float64(v&(1<<32-1)) / (1 << 32) * 86400e3)
	return time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days).Add(time.Duration(ms) * time.Millisecond)
}

func cstr(b []byte) string { return strings.TrimSpace(strings.TrimRight(string(b), "\x00")) }

func f64(b []byte) float64 { return math.Float64frombits(le.Uint64(b)) }

func f32(b []byte) float64 { return float64(math.Float32frombits(le.Uint32(b))) }

func finite(v ...float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}
