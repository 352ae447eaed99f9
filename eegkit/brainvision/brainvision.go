// Package brainvision reads recordings in the BrainVision Core Data Format
// (Brain Products), the other format EEG laboratories export most: a text
// header (.vhdr) that names the binary data file (.eeg) and the marker file
// (.vmrk). It reads binary data of 16-bit or 32-bit integers or 32-bit
// floats, multiplexed (sample by sample) or vectorized (channel by channel),
// scales them by each channel's resolution, and reads the markers, as MNE's
// read_raw_brainvision does. Damaged or hostile files are refused with a
// one-line error that names the file and the fault. It uses the standard
// library only.
package brainvision

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/eegkit/eegkit/eegkit/safefile"
)

// File is a BrainVision recording.
type File struct {
	Rate     float64 // Hz
	Channels []Channel
	Markers  []Marker // in the marker file's order
}

// Channel is one channel: its name, reference and unit as the header gives
// them, and its samples in that unit (the stored values times Resolution).
type Channel struct {
	Name, Reference, Unit string
	Resolution            float64
	Data                  []float64
}

// Marker is an entry of the marker file: its type ("Stimulus") and
// description ("S  1"), its onset and duration in seconds from the first
// sample, and the channel it belongs to (0: all). "New Segment" markers
// mark where the recording (re)starts.
type Marker struct {
	Type, Description string
	Onset, Duration   float64
	Channel           int
}

// Text is the marker as MNE names an annotation: "Stimulus/S  1".
func (m Marker) Text() string { return m.Type + "/" + m.Description }

// Volts is the factor that turns a value in unit into volts: µV (or uV, or
// the spec's default, no unit) 1e-6, mV 1e-3, nV 1e-9, V 1; ok is false for
// another unit.
func Volts(unit string) (scale float64, ok bool) {
	switch strings.TrimSpace(unit) {
	case "µV", "μV", "uV", "":
		return 1e-6, true
	case "mV":
		return 1e-3, true
	case "nV":
		return 1e-9, true
	case "V":
		return 1, true
	}
	return 0, false
}

// Read reads the recording whose header is vhdrPath; the data and marker
// files are the ones it names, in its folder.
func Read(vhdrPath string) (*File, error) {
	vhdr, err := safefile.ReadRegular(vhdrPath, "a BrainVision header")
	if err != nil {
		return nil, err
	}
	h, err := parseINI(vhdr)
	if err != nil {
		return nil, fmt.Errorf("%s is not a readable BrainVision header: %w", vhdrPath, err)
	}
	dir := filepath.Dir(vhdrPath)
	read := func(key, what string) ([]byte, error) {
		name := h.get("Common Infos", key)
		if name == "" {
			return nil, fmt.Errorf("%s names no %s (%s= in [Common Infos])", vhdrPath, what, key)
		}
		return safefile.ReadRegular(filepath.Join(dir, filepath.Base(name)), "a BrainVision "+what)
	}
	eeg, err := read("DataFile", "data file")
	if err != nil {
		return nil, err
	}
	var vmrk []byte
	if h.get("Common Infos", "MarkerFile") != "" {
		if vmrk, err = read("MarkerFile", "marker file"); err != nil {
			return nil, err
		}
	}
	f, err := parse(h, vmrk, eeg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", vhdrPath, err)
	}
	return f, nil
}

// maxChannels bounds the channel count read from a header.
const maxChannels = 4096

// Parse decodes a recording from its header, marker file (nil: no markers)
// and binary data file held in memory.
func Parse(vhdr, vmrk, eeg []byte) (*File, error) {
	h, err := parseINI(vhdr)
	if err != nil {
		return nil, err
	}
	return parse(h, vmrk, eeg)
}

// parse is Parse with the header read.
func parse(h ini, vmrk, eeg []byte) (*File, error) {
	if !strings.HasPrefix(h.first, "Brain Vision Data Exchange Header File") && !strings.HasPrefix(h.first, "BrainVision Data Exchange Header File") {
		return nil, fmt.Errorf("the header starts %q, not \"Brain Vision Data Exchange Header File\"", truncate(h.first))
	}
	if v := h.get("Common Infos", "DataFormat"); v != "BINARY" {
		return nil, fmt.Errorf("DataFormat %q: only BINARY data is read", v)
	}
	orient := h.get("Common Infos", "DataOrientation")
	if orient != "MULTIPLEXED" && orient != "VECTORIZED" {
		return nil, fmt.Errorf("DataOrientation %q; want MULTIPLEXED or VECTORIZED", orient)
	}
	nch, err := strconv.Atoi(h.get("Common Infos", "NumberOfChannels"))
	if err != nil || nch < 1 || nch > maxChannels {
		return nil, fmt.Errorf("NumberOfChannels %q; want 1 to %d", h.get("Common Infos", "NumberOfChannels"), maxChannels)
	}
	interval, err := strconv.ParseFloat(h.get("Common Infos", "SamplingInterval"), 64)
	if err != nil || !(interval > 0) || math.IsInf(interval, 0) {
		return nil, fmt.Errorf("SamplingInterval %q µs; want a positive number", h.get("Common Infos", "SamplingInterval"))
	}
	f := &File{Rate: 1e6 / interval}
	var width int
	var decode func([]byte) float64
	switch bf := h.get("Binary Infos", "BinaryFormat"); bf {
	case "INT_16":
		width, decode = 2, func(b []byte) float64 { return float64(int16(binary.LittleEndian.Uint16(b))) }
	case "UINT_16":
		width, decode = 2, func(b []byte) float64 { return float64(binary.LittleEndian.Uint16(b)) }
	case "INT_32":
		width, decode = 4, func(b []byte) float64 { return float64(int32(binary.LittleEndian.Uint32(b))) }
	case "IEEE_FLOAT_32":
		width, decode = 4, func(b []byte) float64 { return float64(math.Float32frombits(binary.LittleEndian.Uint32(b))) }
	default:
		return nil, fmt.Errorf("BinaryFormat %q; want INT_16, UINT_16, INT_32 or IEEE_FLOAT_32", bf)
	}
	for i := 1; i <= nch; i++ {
		v := h.get("Channel Infos", fmt.Sprintf("Ch%d", i))
		fields := splitFields(v)
		if v == "" || fields[0] == "" {
			return nil, fmt.Errorf("channel %d is not described (Ch%d= in [Channel Infos])", i, i)
		}
		c := Channel{Name: fields[0], Resolution: 1}
		if len(fields) > 1 {
			c.Reference = fields[1]
		}
		if len(fields) > 2 && fields[2] != "" {
			r, err := strconv.ParseFloat(fields[2], 64)
			if err != nil || !(r > 0) || math.IsInf(r, 0) {
				return nil, fmt.Errorf("channel %d (%s): resolution %q; want a positive number", i, c.Name, fields[2])
			}
			c.Resolution = r
		}
		if len(fields) > 3 {
			c.Unit = fields[3]
		}
		if _, ok := Volts(c.Unit); !ok {
			return nil, fmt.Errorf("channel %d (%s): unit %q; want µV, mV, nV or V", i, c.Name, c.Unit)
		}
		f.Channels = append(f.Channels, c)
	}
	frame := nch * width
	if len(eeg)%frame != 0 {
		return nil, fmt.Errorf("the data file's %d bytes are not a whole number of samples of %d channels × %d bytes: it is truncated or another recording's", len(eeg), nch, width)
	}
	n := len(eeg) / frame
	for c := range f.Channels {
		ch := &f.Channels[c]
		ch.Data = make([]float64, n)
		for t := range n {
			off := (t*nch + c) * width // multiplexed
			if orient == "VECTORIZED" {
				off = (c*n + t) * width
			}
			v := decode(eeg[off:]) * ch.Resolution
			if math.IsNaN(v) || math.Abs(v) > math.MaxFloat32 {
				return nil, fmt.Errorf("channel %s sample %d is %g, not a number within float32's range", ch.Name, t, v)
			}
			ch.Data[t] = v
		}
	}
	if vmrk != nil {
		if f.Markers, err = parseMarkers(vmrk, f.Rate, n, nch); err != nil {
			return nil, fmt.Errorf("markers: %w", err)
		}
	}
	return f, nil
}

// parseMarkers reads the [Marker Infos] of a marker file: "Mk<n>=<type>,
// <description>,<position>,<size>,<channel>[,<date>]", positions counted
// from 1.
func parseMarkers(vmrk []byte, rate float64, samples, channels int) ([]Marker, error) {
	m, err := parseINI(vmrk)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(m.first, "Brain Vision Data Exchange Marker File") && !strings.HasPrefix(m.first, "BrainVision Data Exchange Marker File") {
		return nil, fmt.Errorf("the marker file starts %q, not \"Brain Vision Data Exchange Marker File\"", truncate(m.first))
	}
	var out []Marker
	for i := 1; ; i++ {
		v, ok := m.lookup("Marker Infos", fmt.Sprintf("Mk%d", i))
		if !ok {
			break
		}
		fields := splitFields(v)
		if len(fields) < 5 {
			return nil, fmt.Errorf("Mk%d=%q: want type,description,position,size,channel", i, truncate(v))
		}
		pos, err1 := strconv.Atoi(fields[2])
		size, err2 := strconv.Atoi(fields[3])
		ch, err3 := strconv.Atoi(fields[4])
		switch {
		case err1 != nil || pos < 1 || pos > samples+1:
			return nil, fmt.Errorf("Mk%d: position %q is not a sample of the recording's 1 to %d", i, fields[2], samples)
		case err2 != nil || size < 0:
			return nil, fmt.Errorf("Mk%d: size %q is not a number of samples", i, fields[3])
		case err3 != nil || ch < 0 || ch > channels:
			return nil, fmt.Errorf("Mk%d: channel %q is not 0 (all) or one of the %d channels", i, fields[4], channels)
		}
		out = append(out, Marker{Type: fields[0], Description: fields[1], Onset: float64(pos-1) / rate, Duration: float64(size) / rate, Channel: ch})
	}
	return out, nil
}

// ini is a BrainVision header or marker file: its first line and its
// sections' keys and values.
type ini struct {
	first    string
	sections map[string]map[string]string
}

func (h ini) lookup(section, key string) (string, bool) {
	v, ok := h.sections[section][key]
	return v, ok
}

func (h ini) get(section, key string) string { v, _ := h.lookup(section, key); return v }

// maxINI bounds the size of a header or marker file.
const maxINI = 64 << 20

// parseINI reads the text of a header or marker file: "[Section]" lines,
// "key=value" lines, ";" comments. Text that is not UTF-8 is Latin-1
// (Codepage=ANSI, where µ is 0xB5).
func parseINI(raw []byte) (ini, error) {
	if len(raw) > maxINI {
		return ini{}, fmt.Errorf("%d bytes, more than a header or marker file holds", len(raw))
	}
	if !utf8.Valid(raw) {
		runes := make([]rune, len(raw))
		for i, b := range raw {
			runes[i] = rune(b)
		}
		raw = []byte(string(runes))
	}
	h := ini{sections: map[string]map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\ufeff"))))
	sc.Buffer(make([]byte, 0, 64<<10), maxINI)
	section, lineNo := "", 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		lineNo++
		if lineNo == 1 {
			h.first = line
			continue
		}
		switch {
		case line == "" || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = line[1 : len(line)-1]
			if h.sections[section] == nil {
				h.sections[section] = map[string]string{}
			}
		case section == "Comment": // free text
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || section == "" {
				return ini{}, fmt.Errorf("line %d %q is neither a [section], a key=value nor a ; comment", lineNo, truncate(line))
			}
			h.sections[section][strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return h, sc.Err()
}

// splitFields splits a comma-separated entry, "\1" standing for a comma
// inside a field.
func splitFields(v string) []string {
	fields := strings.Split(v, ",")
	for i := range fields {
		fields[i] = strings.ReplaceAll(fields[i], `\1`, ",")
	}
	return fields
}

func truncate(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
