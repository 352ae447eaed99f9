package gdf

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"time"
)

// Encode writes f as a GDF 2.20 file: its signals with their labels, units
// (by code when Unit names a volt unit, "uV"), scaling, types and rates,
// and its events in an event table of mode 3 at EventRate (the recording's
// rate when 0). Every signal must hold NumRecords·SamplesPerRecord samples;
// integer types store the physical values rounded to their digital step.
// It is what the tests and the synthetic competition data write with.
func Encode(f *File) ([]byte, error) {
	ns := len(f.Signals)
	if ns < 1 || ns > maxSignals || f.NumRecords < 0 || !(f.RecordDuration > 0) {
		return nil, fmt.Errorf("gdf: %d signals, %d records of %g s; want 1 to %d signals and a positive duration", ns, f.NumRecords, f.RecordDuration, maxSignals)
	}
	num, den := rational(f.RecordDuration)
	var b bytes.Buffer
	w := func(v any) { binary.Write(&b, le, v) }
	pad := func(s string, n int) { b.WriteString((s + string(make([]byte, n)))[:n]) }
	pad("GDF 2.20", 8)
	pad(f.Patient, 66)
	b.Write(make([]byte, 10+4))
	pad(f.Recording, 64)
	b.Write(make([]byte, 16))
	w(encodeTime(f.Start))
	b.Write(make([]byte, 8))
	w(uint16(ns + 1))
	b.Write(make([]byte, 6+8+6+6+12+12))
	w(int64(f.NumRecords))
	w([2]uint32{num, den})
	w(uint16(ns))
	b.Write(make([]byte, 2))
	each := func(fn func(s *Signal)) {
		for i := range f.Signals {
			fn(&f.Signals[i])
		}
	}
	each(func(s *Signal) { pad(s.Label, 16) })
	each(func(s *Signal) { pad(s.Transducer, 80) })
	each(func(s *Signal) { pad(s.Unit, 6) })
	each(func(s *Signal) { w(uint16(unitCode(s.Unit))) })
	each(func(s *Signal) { w(s.PhysMin) })
	each(func(s *Signal) { w(s.PhysMax) })
	each(func(s *Signal) { w(s.DigMin) })
	each(func(s *Signal) { w(s.DigMax) })
	b.Write(make([]byte, 68*ns))
	each(func(s *Signal) { w(float32(s.Lowpass)) })
	each(func(s *Signal) { w(float32(s.Highpass)) })
	each(func(s *Signal) { w(float32(s.Notch)) })
	each(func(s *Signal) { w(int32(s.SamplesPerRecord)) })
	each(func(s *Signal) { w(int32(s.Type)) })
	b.Write(make([]byte, 32*ns))
	for i := range f.Signals {
		s := &f.Signals[i]
		if _, ok := dataTypes[s.Type]; !ok || len(s.Data) != f.NumRecords*s.SamplesPerRecord || s.DigMax == s.DigMin {
			return nil, fmt.Errorf("gdf: signal %s: type %d, %d samples for %d records of %d, digital range %g..%g", s.Label, s.Type, len(s.Data), f.NumRecords, s.SamplesPerRecord, s.DigMin, s.DigMax)
		}
	}
	for r := range f.NumRecords {
		for i := range f.Signals {
			s := &f.Signals[i]
			scale := (s.PhysMax - s.PhysMin) / (s.DigMax - s.DigMin)
			for _, x := range s.Data[r*s.SamplesPerRecord : (r+1)*s.SamplesPerRecord] {
				encodeValue(&b, s.Type, (x-s.PhysMin)/scale+s.DigMin)
			}
		}
	}
	if len(f.Events) > 0 {
		n := len(f.Events)
		if n >= 1<<24 {
			return nil, fmt.Errorf("gdf: %d events; GDF 2 holds fewer than %d", n, 1<<24)
		}
		b.Write([]byte{3, byte(n), byte(n >> 8), byte(n >> 16)})
		w(float32(f.EventRate))
		for _, e := range f.Events {
			w(uint32(e.Position + 1))
		}
		for _, e := range f.Events {
			w(uint16(e.Type))
		}
		for _, e := range f.Events {
			w(uint16(e.Channel))
		}
		for _, e := range f.Events {
			w(uint32(e.Duration))
		}
	}
	return b.Bytes(), nil
}

// encodeValue appends digital value d in GDF type typ.
func encodeValue(b *bytes.Buffer, typ int, d float64) {
	if typ != 16 && typ != 17 {
		d = math.Round(d)
	}
	var v [8]byte
	switch typ {
	case 1, 2:
		b.WriteByte(byte(int64(d)))
	case 3, 4:
		le.PutUint16(v[:], uint16(int64(d)))
		b.Write(v[:2])
	case 5, 6:
		le.PutUint32(v[:], uint32(int64(d)))
		b.Write(v[:4])
	case 7:
		le.PutUint64(v[:], uint64(int64(d)))
		b.Write(v[:])
	case 8:
		le.PutUint64(v[:], uint64(d))
		b.Write(v[:])
	case 16:
		le.PutUint32(v[:], math.Float32bits(float32(d)))
		b.Write(v[:4])
	case 17:
		le.PutUint64(v[:], math.Float64bits(d))
		b.Write(v[:])
	case 255 + 24, 511 + 24:
		u := uint32(int64(d))
		b.Write([]byte{byte(u), byte(u >> 8), byte(u >> 16)})
	}
}

// unitCode is the GDF 2 code of a unit unitName names ("uV" is 4275), or 0.
func unitCode(unit string) int {
	for code := 4256; code < 4256+32; code++ {
		if unitName(code) == unit {
			return code
		}
	}
	if unit == "-" {
		return 512
	}
	return 0
}

// rational is a record duration as GDF's numerator and denominator.
func rational(d float64) (uint32, uint32) {
	for den := uint32(1); den <= 1000000; den *= 10 {
		if n := d * float64(den); n == math.Round(n) && n < math.MaxUint32 {
			return uint32(n), den
		}
	}
	return uint32(math.Round(d * 1e6)), 1000000
}

// encodeTime is t as GDF 2's start time; 0 for the zero time.
func encodeTime(t time.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	days := uint64((day.Unix()-time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).Unix())/86400) + 367
	return days<<32 + uint64(float64(t.Sub(day))/float64(24*time.Hour)*(1<<32))
}
