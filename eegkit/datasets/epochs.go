package datasets

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/preprocess"
	"github.com/eegkit/eegkit/eegkit/recording"
)

// EventClass says which events start a trial of a class: an event whose
// description ("769", "T1", "Stimulus/S  1") equals Event, or whose name
// ("left hand") equals it in any case.
type EventClass struct {
	Event, Class string
}

// ParseEventClasses reads "769=left,770=right" (or "T1=left,T2=right"):
// event=class pairs separated by commas. Classes are numbered in the order
// they first appear; several events may share a class.
func ParseEventClasses(spec string) ([]EventClass, error) {
	var out []EventClass
	for _, pair := range strings.Split(spec, ",") {
		ev, class, ok := strings.Cut(pair, "=")
		ev, class = strings.TrimSpace(ev), strings.TrimSpace(class)
		if !ok || ev == "" || class == "" {
			return nil, fmt.Errorf("events %q: %q is not event=class; write e.g. 769=left,770=right", spec, pair)
		}
		for _, e := range out {
			if e.Event == ev {
				return nil, fmt.Errorf("events %q: event %s is given twice", spec, ev)
			}
		}
		out = append(out, EventClass{ev, class})
	}
	return out, nil
}

// EpochOptions say how trials are cut from recordings.
type EpochOptions struct {
	Events []EventClass // the events that start trials, and their classes
	// TMin and TMax bound the window around each event's onset, in
	// seconds: its samples are those from round(TMin·rate) to
	// round(TMax·rate) after the event's sample round(onset·rate), both
	// included, as MNE's Epochs takes them (rounding half to even, as
	// numpy does); with DropLast the last is left out, so a window of 2 s
	// at 250 Hz has 500 samples (braindecode's windows).
	TMin, TMax float64
	DropLast   bool
	// Channels are the channels to keep, by name in any case, in this
	// order; nil keeps every channel in a voltage unit at the
	// recording's highest rate (so a BDF's Status channel is left out).
	Channels []string
	// Reject names the events that mark a trial rejected (nil: GDF's
	// 1023; empty: none). A trial is dropped when one belongs to it: when
	// its trial's start (the last TrialStart event at or before its cue,
	// default GDF's 768) is the reject event's too, as Competition IV
	// marks a rejected trial at its start; for a cue before any trial
	// start, when one lies within its window.
	Reject     []string
	TrialStart string
	// Preprocess runs over each recording's chosen channels, in µV, before
	// trials are cut, as braindecode's motor-imagery tutorials preprocess
	// (it may resample: the windows are then cut at the new rate).
	Preprocess *preprocess.Pipeline
}

// Source is one recording to cut trials from, with whom and when it was
// recorded.
type Source struct {
	Rec                   *recording.Recording
	Subject, Session, Run string
}

// Epoched are trials cut from recordings, with where each came from.
type Epoched struct {
	*eeg.Dataset
	Run      []string  // per trial (its Session is the Dataset's)
	Onset    []float64 // per trial: its event's onset in its recording, s
	Rejected int       // trials dropped as marked rejected
	Outside  int       // trials dropped because their window leaves the recording
}

func (o EpochOptions) withDefaults() EpochOptions {
	if o.Reject == nil {
		o.Reject = []string{"1023"}
	}
	if o.TrialStart == "" {
		o.TrialStart = "768"
	}
	return o
}

// Window is where the window from TMin to TMax starts at rate, in samples
// from the event's sample (first), and how many samples it has (n).
func (o EpochOptions) Window(rate float64) (first, n int) {
	first = int(math.RoundToEven(o.TMin * rate))
	n = int(math.RoundToEven(o.TMax*rate)) - first + 1
	if o.DropLast {
		n--
	}
	return first, n
}

// Epochs cuts trials from recordings: for every event of opt.Events, the
// window from TMin to TMax around its onset, in µV, of the chosen channels;
// trials marked rejected, and windows that leave their recording, are
// dropped and counted. Every recording must have the chosen channels at one
// rate, the same in all of them. NaN samples (a GDF's missing data) are
// kept; the loaders replace them as the lab does.
func Epochs(sources []Source, opt EpochOptions) (*Epoched, error) {
	opt = opt.withDefaults()
	switch {
	case len(sources) == 0:
		return nil, fmt.Errorf("no recordings to cut trials from")
	case len(opt.Events) == 0:
		return nil, fmt.Errorf("no events to cut trials at: give event=class pairs (769=left,770=right)")
	case !(opt.TMax > opt.TMin) || math.IsInf(opt.TMin, 0) || math.IsInf(opt.TMax, 0):
		return nil, fmt.Errorf("window %g to %g s is empty; tmax must be after tmin", opt.TMin, opt.TMax)
	}
	out := &Epoched{Dataset: &eeg.Dataset{}}
	for _, e := range opt.Events {
		if !slices.Contains(out.ClassNames, e.Class) {
			out.ClassNames = append(out.ClassNames, e.Class)
		}
	}
	for _, src := range sources {
		if err := out.add(src, opt); err != nil {
			return nil, fmt.Errorf("%s: %w", src.Rec.Path, err)
		}
	}
	if out.Len() == 0 {
		return nil, fmt.Errorf("no trials: none of the recordings has events %s inside them (%d rejected, %d outside the recording)",
			eventList(opt.Events), out.Rejected, out.Outside)
	}
	return out, out.Check()
}

func eventList(evs []EventClass) string {
	names := make([]string, len(evs))
	for i, e := range evs {
		names[i] = e.Event
	}
	return strings.Join(names, ", ")
}

// pickChannels picks the recording's channels opt asks for.
func pickChannels(r *recording.Recording, want []string) ([]*recording.Channel, error) {
	var picked []*recording.Channel
	if len(want) == 0 {
		rate := 0.0
		for _, c := range r.Channels {
			if _, ok := recording.Microvolts(c.Unit); ok {
				rate = max(rate, c.Rate)
			}
		}
		for i := range r.Channels {
			if _, ok := recording.Microvolts(r.Channels[i].Unit); ok && r.Channels[i].Rate == rate {
				picked = append(picked, &r.Channels[i])
			}
		}
		if len(picked) == 0 {
			return nil, fmt.Errorf("no channel is in a voltage unit (V, mV, µV, nV); name the channels to cut")
		}
		return picked, nil
	}
	for _, name := range want {
		c := r.Channel(name)
		if c == nil {
			return nil, fmt.Errorf("no channel %s (it has %s)", name, strings.Join(r.ChannelNames(), ", "))
		}
		if _, ok := recording.Microvolts(c.Unit); !ok {
			return nil, fmt.Errorf("channel %s is in %q, not a voltage unit (V, mV, µV, nV) eegkit can scale to µV", c.Name, c.Unit)
		}
		if len(picked) > 0 && c.Rate != picked[0].Rate {
			return nil, fmt.Errorf("channels %s (%g Hz) and %s (%g Hz) differ in rate; choose channels of one rate", picked[0].Name, picked[0].Rate, c.Name, c.Rate)
		}
		picked = append(picked, c)
	}
	return picked, nil
}

// add cuts one recording's trials.
func (out *Epoched) add(src Source, opt EpochOptions) error {
	chans, err := pickChannels(src.Rec, opt.Channels)
	if err != nil {
		return err
	}
	sig := &preprocess.Signals{Rate: chans[0].Rate}
	for _, c := range chans {
		scale, _ := recording.Microvolts(c.Unit)
		uv := make([]float64, len(c.Data))
		nans := 0
		for i, v := range c.Data {
			uv[i] = v * scale
			if math.IsNaN(v) {
				nans++
			}
		}
		if nans > 0 && opt.Preprocess != nil {
			return fmt.Errorf("channel %s has %d missing (NaN) samples, which filtering would spread over the recording; cut it without --preprocess", c.Name, nans)
		}
		sig.Names, sig.Data = append(sig.Names, c.Name), append(sig.Data, uv)
	}
	if err := opt.Preprocess.Apply(sig); err != nil {
		return err
	}
	rate, names := sig.Rate, sig.Names
	first, n := opt.Window(rate)
	if n < 1 {
		return fmt.Errorf("window %g to %g s holds no sample at %g Hz", opt.TMin, opt.TMax, rate)
	}
	if out.ChannelNames == nil {
		out.ChannelNames, out.Rate, out.Times = names, rate, n
	} else if !slices.EqualFunc(out.ChannelNames, names, strings.EqualFold) || out.Rate != rate {
		return fmt.Errorf("channels %s at %g Hz, but earlier recordings have %s at %g Hz; cut recordings of one montage together",
			strings.Join(names, ","), rate, strings.Join(out.ChannelNames, ","), out.Rate)
	}
	subject := slices.Index(out.Subjects, src.Subject)
	if subject < 0 {
		out.Subjects, subject = append(out.Subjects, src.Subject), len(out.Subjects)
	}
	class := func(e recording.Event) int {
		for _, ec := range opt.Events {
			if e.Description == ec.Event || strings.EqualFold(e.Name, ec.Event) {
				return slices.Index(out.ClassNames, ec.Class)
			}
		}
		return -1
	}
	evs := src.Rec.Events
	var starts []float64 // onsets of the trial starts, in order
	for _, e := range evs {
		if e.Description == opt.TrialStart {
			starts = append(starts, e.Onset)
		}
	}
	trialOf := func(onset float64) int { // 0 before the first trial start
		i, _ := slices.BinarySearch(starts, onset+1e-9)
		return i
	}
	for _, e := range evs {
		k := class(e)
		if k < 0 {
			continue
		}
		at := int(math.RoundToEven(e.Onset*rate)) + first
		if at < 0 || at+n > len(sig.Data[0]) {
			out.Outside++
			continue
		}
		if rejected(evs, opt.Reject, trialOf, e.Onset, float64(at)/rate, float64(at+n)/rate) {
			out.Rejected++
			continue
		}
		for _, ch := range sig.Data {
			for _, v := range ch[at : at+n] {
				out.X = append(out.X, float32(v))
			}
		}
		out.Y = append(out.Y, int32(k))
		out.Subject = append(out.Subject, subject)
		out.Session = append(out.Session, src.Session)
		out.Run = append(out.Run, src.Run)
		out.Onset = append(out.Onset, e.Onset)
	}
	return nil
}

// rejected reports whether a reject event belongs to the trial of the cue
// at onset: one in the same trial, or, before any trial start, one in the
// window [from, to).
func rejected(evs []recording.Event, reject []string, trialOf func(float64) int, onset, from, to float64) bool {
	trial := trialOf(onset)
	for _, e := range evs {
		if !slices.Contains(reject, e.Description) {
			continue
		}
		if trial > 0 && trialOf(e.Onset) == trial || trial == 0 && e.Onset >= from-1e-9 && e.Onset < to {
			return true
		}
	}
	return false
}
