package gdf

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestConformanceWithMNE reads the files of scripts/gdf_fixtures.py, built
// per the specification (GDF 1.25 int16 with an event table of mode 1; GDF
// 2.20 float32 with NaN samples, µV and mV channels, records of 2/5 s and
// an event table of mode 3; GDF 2.10 int32 with 22 channels and a digital
// range from 0), and compares them with what MNE 1.13 reads: the same
// channel names and rate, every sample within float precision (NaN where
// MNE has NaN), and the same events at the same onsets with their type code
// as description. MNE gives an event no shorter than one sample, so a
// duration of 0 is compared as one sample.
func TestConformanceWithMNE(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]json.RawMessage
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	volts := map[string]float64{"uV": 1e-6, "mV": 1e-3, "V": 1}
	for _, name := range []string{"gdf1_int16.gdf", "gdf2_float32.gdf", "gdf2_int32.gdf"} {
		t.Run(name, func(t *testing.T) {
			var exp struct {
				Channels    []string     `json:"channels"`
				Sfreq       float64      `json:"sfreq"`
				Volts       [][]*float64 `json:"volts"`
				Annotations []struct {
					Onset       float64 `json:"onset"`
					Duration    float64 `json:"duration"`
					Description string  `json:"description"`
				} `json:"annotations"`
			}
			if err := json.Unmarshal(want[name], &exp); err != nil {
				t.Fatal(err)
			}
			f, err := Read(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Signals) != len(exp.Channels) || f.Rate() != exp.Sfreq {
				t.Fatalf("%d channels at %g Hz, MNE reads %d at %g Hz", len(f.Signals), f.Rate(), len(exp.Channels), exp.Sfreq)
			}
			worst := 0.0
			for i, s := range f.Signals {
				if s.Label != exp.Channels[i] {
					t.Errorf("channel %d is %q, MNE reads %q", i, s.Label, exp.Channels[i])
				}
				scale, ok := volts[s.Unit]
				if !ok {
					t.Fatalf("channel %s has unit %q", s.Label, s.Unit)
				}
				if len(s.Data) != len(exp.Volts[i]) {
					t.Fatalf("channel %s: %d samples, MNE reads %d", s.Label, len(s.Data), len(exp.Volts[i]))
				}
				for j, v := range s.Data {
					w := exp.Volts[i][j]
					if (w == nil) != math.IsNaN(v) {
						t.Fatalf("channel %s sample %d: %g, MNE reads %v", s.Label, j, v, w)
					}
					if w != nil {
						worst = max(worst, math.Abs(v*scale-*w)/max(math.Abs(*w), 1e-6))
					}
				}
			}
			if worst > 1e-12 {
				t.Errorf("samples differ from MNE's by up to %.3g relative", worst)
			}
			if len(f.Events) != len(exp.Annotations) {
				t.Fatalf("%d events, MNE reads %d", len(f.Events), len(exp.Annotations))
			}
			for i, ev := range f.Events {
				a := exp.Annotations[i]
				dur := f.Seconds(Event{Duration: max(ev.Duration, 1)})
				if strconv.Itoa(ev.Type) != a.Description || math.Abs(f.Onset(ev)-a.Onset) > 1e-6 || math.Abs(dur-a.Duration) > 1e-6 {
					t.Errorf("event %d: type %d at %g s for %g s, MNE reads %q at %g s for %g s", i, ev.Type, f.Onset(ev), dur, a.Description, a.Onset, a.Duration)
				}
			}
			t.Logf("%s (%s): %d channels, %d events, samples within %.2g relative of MNE's", name, f.Version, len(f.Signals), len(f.Events), worst)
		})
	}
}

func TestHeaderFields(t *testing.T) {
	f, err := Read(filepath.Join("testdata", "gdf2_float32.gdf"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Number != 2.2 || f.RecordDuration != 0.4 || f.NumRecords != 5 || f.EventMode != 3 || f.EventRate != 125 {
		t.Errorf("version %g, records %d of %g s, event mode %d at %g Hz; want 2.2, 5 of 0.4 s, mode 3 at 125 Hz",
			f.Number, f.NumRecords, f.RecordDuration, f.EventMode, f.EventRate)
	}
	if got := f.Start.Format("2006-01-02 15:04:05"); got != "2026-12-04 10:00:00" {
		t.Errorf("start %s, want 2026-12-04 10:00:00", got)
	}
	if s := f.Signal("c4-c4'"); s == nil || s.Unit != "mV" || s.UnitCode != 4274 || s.Type != 16 || s.Lowpass != 100 || s.Highpass != 0.5 || s.Notch != 50 {
		t.Errorf("C4 channel %+v; want mV (4274), float32, filters 0.5–100 Hz, notch 50", s)
	}
	if ev := f.Events[2]; ev.Type != 769 || ev.Channel != 1 || ev.Duration != 150 || EventName(ev.Type) != "left hand" {
		t.Errorf("third event %+v (%s); want left hand (769) on channel 1 for 150 samples", ev, EventName(ev.Type))
	}
	g, err := Read(filepath.Join("testdata", "gdf1_int16.gdf"))
	if err != nil {
		t.Fatal(err)
	}
	if got := g.Start.Format("2006-01-02 15:04:05.00"); got != "2026-12-04 10:00:00.50" || g.Signals[0].Prefilter != "HP:0.5Hz LP:100Hz" || g.EventRate != 250 {
		t.Errorf("GDF 1: start %s, prefilter %q, event rate %g", got, g.Signals[0].Prefilter, g.EventRate)
	}
}

func TestEventNames(t *testing.T) {
	for code, want := range map[int]string{768: "trial start", 769: "left hand", 770: "right hand", 771: "feet", 772: "tongue",
		783: "unknown cue", 1023: "rejected trial", 32766: "new run", 0x8000 | 769: "end of left hand", 0x123: "0x0123"} {
		if got := EventName(code); got != want {
			t.Errorf("EventName(%d) = %q, want %q", code, got, want)
		}
	}
}

// TestRefusesDamage checks each fault a damaged or hostile file can have
// gets a one-line error that names it.
func TestRefusesDamage(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "gdf2_float32.gdf"))
	if err != nil {
		t.Fatal(err)
	}
	g1, err := os.ReadFile(filepath.Join("testdata", "gdf1_int16.gdf"))
	if err != nil {
		t.Fatal(err)
	}
	ns := 2
	edit := func(src []byte, fn func(b []byte)) []byte {
		b := append([]byte(nil), src...)
		fn(b)
		return b
	}
	// GDF 2's variable header is column-wise: 104 bytes of names and
	// units per channel, then physical min, max, digital min, max.
	pmin := 256 + (16+80+6+2)*ns
	dmin, dmax := pmin+2*8*ns, pmin+3*8*ns
	types := 256 + (16+80+6+2+32+68+12)*ns + 4*ns
	dataEnd := 256*(ns+1) + 5*2*50*4
	cases := map[string]struct {
		raw  []byte
		want string
	}{
		"short":        {good[:100], "shorter than the 256-byte fixed header"},
		"not gdf":      {edit(good, func(b []byte) { copy(b, "EDF 1.00") }), "want \"GDF 1.xx\""},
		"version 3":    {edit(good, func(b []byte) { copy(b, "GDF 3.00") }), "want \"GDF 1.xx\""},
		"100000 chans": {edit(g1, func(b []byte) { le.PutUint32(b[252:], 100000) }), "100000 channels"},
		"no channels":  {edit(good, func(b []byte) { le.PutUint16(b[252:], 0) }), "0 channels"},
		"truncated":    {good[:len(good)-200], "truncated or altered"},
		"records lie":  {edit(good, func(b []byte) { le.PutUint64(b[236:], 1<<40) }), "truncated or altered"},
		"neg records":  {edit(good, func(b []byte) { le.PutUint64(b[236:], math.MaxUint64) }), "-1 data records"},
		"duration 0":   {edit(good, func(b []byte) { le.PutUint32(b[244:], 0) }), "record duration 0/5"},
		"type 18":      {edit(good, func(b []byte) { le.PutUint32(b[types:], 18) }), "data type 18"},
		"NaN scale":    {edit(good, func(b []byte) { le.PutUint64(b[pmin:], math.Float64bits(math.NaN())) }), "not finite"},
		"flat dig":     {edit(good, func(b []byte) { copy(b[dmin:dmin+8], b[dmax:dmax+8]) }), "digital minimum equals maximum"},
		"event beyond": {edit(good, func(b []byte) { le.PutUint32(b[dataEnd+8:], 100000) }), "beyond the recording"},
		"event at 0":   {edit(good, func(b []byte) { le.PutUint32(b[dataEnd+8:], 0) }), "positions count from 1"},
		"event mode":   {edit(good, func(b []byte) { b[dataEnd] = 7 }), "mode 7"},
		"many events":  {edit(good, func(b []byte) { b[dataEnd+3] = 0xff }), "do not fit"},
		"cut events":   {good[:dataEnd+5], "shorter than its 8-byte header"},
		"header size":  {edit(good, func(b []byte) { le.PutUint16(b[184:], 1) }), "too small for 2 channels"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(c.raw)
			if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %v; want one line with %q", err, c.want)
			}
		})
	}
}

// TestEncodeRoundTrip writes a recording of every data type GDF defines
// for samples, at three rates, and reads it back: the same labels, units,
// rates, start and events, and every sample within half a digital step
// (exact for the float types).
func TestEncodeRoundTrip(t *testing.T) {
	types := []int{1, 2, 3, 4, 5, 6, 7, 8, 16, 17, 279, 535}
	f := &File{NumRecords: 3, RecordDuration: 0.5, Start: time.Date(2026, 12, 4, 10, 30, 15, 250e6, time.UTC), EventRate: 250}
	for i, typ := range types {
		per := []int{125, 25, 5}[i%3]
		ranges := map[int][2]float64{1: {-128, 127}, 2: {0, 255}, 4: {0, 65535}, 6: {0, 1 << 20}, 8: {0, 1 << 20}, 535: {0, 1<<24 - 1}}
		r, ok := ranges[typ]
		if !ok {
			r = [2]float64{-32768, 32767}
		}
		dmin, dmax := r[0], r[1]
		s := Signal{Label: "ch" + strconv.Itoa(typ), Unit: []string{"uV", "mV", "V", "-"}[i%4], PhysMin: -100, PhysMax: 100,
			DigMin: dmin, DigMax: dmax, SamplesPerRecord: per, Type: typ}
		for j := range 3 * per {
			s.Data = append(s.Data, 90*math.Sin(float64(j*(i+1))/7))
		}
		f.Signals = append(f.Signals, s)
	}
	f.Events = []Event{{Position: 10, Type: 769, Duration: 250}, {Position: 300, Type: 770, Channel: 2, Duration: 5}}
	raw, err := Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	g, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !g.Start.Equal(f.Start) || g.RecordDuration != 0.5 || g.NumRecords != 3 || len(g.Events) != 2 || g.Events[1] != f.Events[1] || g.Onset(g.Events[1]) != 1.2 {
		t.Fatalf("read back start %v, %d records of %g s, events %+v", g.Start, g.NumRecords, g.RecordDuration, g.Events)
	}
	for i, s := range g.Signals {
		want := &f.Signals[i]
		if s.Label != want.Label || s.Unit != want.Unit || g.SampleRate(&s) != f.SampleRate(want) || len(s.Data) != len(want.Data) {
			t.Fatalf("signal %d: %s in %s at %g Hz, %d samples; wrote %s in %s at %g Hz", i, s.Label, s.Unit, g.SampleRate(&s), len(s.Data), want.Label, want.Unit, f.SampleRate(want))
		}
		step := (s.PhysMax - s.PhysMin) / (s.DigMax - s.DigMin)
		tol := step / 2 * (1 + 1e-9)
		if s.Type == 16 {
			tol = 1e-5
		} else if s.Type == 17 {
			tol = 1e-12
		}
		for j, v := range s.Data {
			if math.Abs(v-want.Data[j]) > tol {
				t.Fatalf("%s (%s) sample %d: %g, wrote %g (step %g)", s.Label, dataTypes[s.Type].name, j, v, want.Data[j], step)
			}
		}
	}
}
