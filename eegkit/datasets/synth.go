package datasets

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/npz"
	"github.com/eegkit/eegkit/eegkit/safefile"
)

// SyntheticGenerator names the generative model below; it changes when the model does.
const SyntheticGenerator = "eegkit-synth-v1"

// SubjectModel is the generative model of one synthetic subject. See
// GenerateLab for how the pieces combine.
type SubjectModel struct {
	Name      string
	Std       float64 // target per-trial standard deviation, µV
	LowFrac   float64 // share of power in the slow (< 4 Hz) component
	MuFrac    float64 // share of power in the mu rhythm
	BetaFrac  float64 // share of power in the beta rhythm
	MuHz      float64 // mu peak frequency
	BetaHz    float64 // beta peak frequency
	Corr      float64 // correlation of C3 and C4 (shared sources)
	ERD       float64 // mean depth of contralateral mu/beta desynchronisation during imagery (0..1)
	ERDSpread float64 // trial-to-trial standard deviation of that depth
	Miss      float64 // probability that a trial shows no imagery effect at all
	Clip      float64 // amplifier range, µV (0 = none)
	NaNTrials float64 // fraction of trials with a run of missing samples
	// Mix is how much of the other hemisphere each channel picks up
	// (C3 += Mix[0]·C4, C4 += Mix[1]·C3: volume conduction and where the
	// electrodes sit), Lateral the depth of desynchronisation over C3 and
	// over C4 relative to ERD (0 means 1), and SessionMix the standard
	// deviation by which each later session changes both (the electrodes
	// placed anew, the strategy changed; Lateral by a log-normal factor).
	// The lab's two subjects have none of these.
	Mix        [2]float64
	SessionMix float64
	Lateral    [2]float64
}

// labSubjectModels are the two synthetic subjects, calibrated on the first
// 87 trials of the genuine files (../shared/data/bci3b): S4b per-trial std
// 8.4 µV, 60 % of the power below 4 Hz, a quarter in 8–13 Hz, mu at 9.5 Hz,
// C3–C4 correlation 0.66, clipped at ±50 µV, NaN runs in about 13 % of
// trials; X11b 4.3 µV, 45 % below 4 Hz, mu at 11 Hz, more beta, correlation 0.72.
func labSubjectModels() []SubjectModel {
	return []SubjectModel{
		{Name: "S4b", Std: 8.4, LowFrac: 0.66, MuFrac: 0.25, BetaFrac: 0.015, MuHz: 9.5, BetaHz: 21, Corr: 0.66,
			ERD: 0.45, ERDSpread: 0.25, Miss: 0.12, Clip: 50, NaNTrials: 0.13},
		{Name: "X11b", Std: 4.35, LowFrac: 0.5, MuFrac: 0.26, BetaFrac: 0.05, MuHz: 11, BetaHz: 23, Corr: 0.72,
			ERD: 0.35, ERDSpread: 0.25, Miss: 0.18},
	}
}

// Timing of a synthetic trial (6 s at 125 Hz): the cue comes at CueSeconds;
// desynchronisation builds up over the next second and lasts to the end.
const (
	CueSeconds       = 1.0
	ERDRiseSeconds   = 1.0
	LabTrialsPerFile = 540 // trials per subject and session in the lab's files
	sessionFreqStep  = 0.3 // Hz the rhythms move between the training and test sessions
)

// GenerateLab writes the lab's four files (S4b/X11b × train/test .npz, the
// genuine files' format: signal (540, 750, 2) float64 and label (540,)
// float64 in {1, 2}) and a SYNTHETIC.json manifest into dir. The same seed
// gives byte-identical files.
//
// Each channel (C3, C4) is a sum of unit-variance sources scaled to the
// subject's power shares: a slow component (two first-order autoregressive
// processes, most power below 4 Hz), mu and beta rhythms (narrow-band
// second-order resonators), and broadband 1/f-like activity. Each source is
// partly shared between the channels, which sets their correlation. Imagery
// of the left hand desynchronises mu and beta over C4 (right hemisphere),
// imagery of the right hand over C3, with a depth that varies from trial to
// trial, a small synchronisation over the other side, and some trials with no
// effect at all. Each trial's amplitude varies (log-normal, 20 %). The test
// session differs from the training session: the rhythms shift in frequency,
// gains change by ±10 % and the imagery effect is 15 % weaker. S4b's
// amplifier clips at ±50 µV and about 13 % of its trials have one run of 1 to
// 134 missing (NaN) samples.
func GenerateLab(dir string, seed uint64) error {
	return GenerateLabTrials(dir, seed, LabTrialsPerFile)
}

// CheckTrialsPerFile says what is wrong with n trials per file of
// synthetic data, if anything: the classes alternate, so n is even, and at
// least 8.
func CheckTrialsPerFile(n int) error {
	if n < 8 || n%2 != 0 {
		return fmt.Errorf("%d trials per file of synthetic data; want an even number, at least 8 (the lab has %d)", n, LabTrialsPerFile)
	}
	return nil
}

// GenerateLabTrials is GenerateLab with n trials per subject and session
// instead of the lab's 540 (an even number, at least 8): a small dataset of
// the lab's shape for a quick try or test. Its manifest records n.
func GenerateLabTrials(dir string, seed uint64, n int) error {
	if err := CheckTrialsPerFile(n); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	man := SyntheticManifest{Generator: SyntheticGenerator, Seed: seed, SHA256: map[string]string{}}
	if n != LabTrialsPerFile {
		man.Trials = n
	}
	for si, sm := range labSubjectModels() {
		for split, name := range []string{"train", "test"} {
			rng := rand.New(rand.NewPCG(seed, uint64(1000+10*si+split)))
			signal, labels := sm.session(rng, split, n)
			file := sm.Name + "_" + name + ".npz"
			path := filepath.Join(dir, file)
			err := npz.Write(path, []npz.Entry{
				{Name: "signal", Shape: []int{n, labTimes, labChans}, Data: signal},
				{Name: "label", Shape: []int{n}, Data: labels},
			})
			if err != nil {
				return err
			}
			d, err := digestFile(path)
			if err != nil {
				return err
			}
			man.SHA256[file] = d.sha256
		}
	}
	raw, _ := json.MarshalIndent(man, "", "  ")
	return safefile.WriteFile(filepath.Join(dir, SyntheticManifestFile), append(raw, '\n'))
}

// session generates one session's n trials: signal (n, 750, 2) and labels
// 1/2. Session 0 is the model's own; each later one moves the rhythms
// sessionFreqStep further, redraws the gains (±10 %) and weakens the
// imagery effect by 15 % more (the lab's test session is session 1).
func (sm SubjectModel) session(rng *rand.Rand, shift int, n int) (signal, labels []float64) {
	labels = make([]float64, n)
	for i := range labels {
		labels[i] = float64(1 + i%2)
	}
	rng.Shuffle(len(labels), func(i, j int) { labels[i], labels[j] = labels[j], labels[i] })

	mu, beta, gain, erd := sm.MuHz, sm.BetaHz, [2]float64{1, 1}, sm.ERD
	if shift > 0 {
		mu += float64(shift) * sessionFreqStep
		beta -= float64(shift) * sessionFreqStep
		gain = [2]float64{0.9 + 0.2*rng.Float64(), 0.9 + 0.2*rng.Float64()}
		erd *= math.Pow(0.85, float64(shift))
	}
	mix := sm.Mix
	if shift > 0 && sm.SessionMix > 0 {
		mix[0] += sm.SessionMix * rng.NormFloat64() * float64(shift)
		mix[1] += sm.SessionMix * rng.NormFloat64() * float64(shift)
	}
	lateral := [2]float64{1, 1}
	for c, l := range sm.Lateral {
		if l != 0 {
			lateral[c] = l
		}
		if shift > 0 && sm.SessionMix > 0 { // and which hemisphere desynchronises more changes too
			lateral[c] *= math.Exp(sm.SessionMix * rng.NormFloat64() * float64(shift))
		}
	}
	signal = make([]float64, n*labTimes*labChans)
	otherFrac := 1 - sm.LowFrac - sm.MuFrac - sm.BetaFrac
	for i := 0; i < n; i++ {
		trialMu := mu + 0.25*rng.NormFloat64()
		trialBeta := beta + 0.5*rng.NormFloat64()
		slow := sm.sources(rng, func(r *rand.Rand) []float64 {
			a := ar1(r, 0.985, 2*labTimes)
			b := ar1(r, 0.9, 2*labTimes)
			for t := range a {
				a[t] = (a[t] + b[t]) / math.Sqrt2
			}
			return a[labTimes:]
		})
		muSrc := sm.sources(rng, func(r *rand.Rand) []float64 { return resonator(r, trialMu, 0.985, labTimes) })
		betaSrc := sm.sources(rng, func(r *rand.Rand) []float64 { return resonator(r, trialBeta, 0.97, labTimes) })
		broad := sm.sources(rng, func(r *rand.Rand) []float64 { return pinkish(r, labTimes) })

		// Imagery: contralateral desynchronisation (left hand -> C4, right hand -> C3).
		depth := math.Min(0.95, math.Max(0, erd+sm.ERDSpread*rng.NormFloat64()))
		if rng.Float64() < sm.Miss {
			depth = 0
		}
		contra := 1 // C4
		if labels[i] == 2 {
			contra = 0 // C3
		}
		amp := math.Exp(0.2 * rng.NormFloat64())
		for t := 0; t < labTimes; t++ {
			var v [labChans]float64
			for c := 0; c < labChans; c++ {
				sec := float64(t) / labRate
				ramp := math.Min(1, math.Max(0, (sec-CueSeconds)/ERDRiseSeconds))
				mod := 1 + 0.15*depth*ramp // ipsilateral synchronisation
				if c == contra {
					mod = 1 - math.Min(0.95, depth*lateral[c])*ramp
				}
				v[c] = math.Sqrt(sm.LowFrac)*slow[c][t] +
					mod*(math.Sqrt(sm.MuFrac)*muSrc[c][t]+math.Sqrt(sm.BetaFrac)*betaSrc[c][t]) +
					math.Sqrt(otherFrac)*broad[c][t]
			}
			if mix != [2]float64{} {
				v = [labChans]float64{v[0] + mix[0]*v[1], v[1] + mix[1]*v[0]}
			}
			for c := 0; c < labChans; c++ {
				x := v[c] * sm.Std * amp * gain[c]
				if sm.Clip > 0 {
					x = math.Max(-sm.Clip, math.Min(sm.Clip, x))
				}
				signal[(i*labTimes+t)*labChans+c] = x
			}
		}
		if rng.Float64() < sm.NaNTrials {
			n := 1 + rng.IntN(134)
			start := rng.IntN(labTimes - n + 1)
			for t := start; t < start+n; t++ {
				for c := 0; c < labChans; c++ {
					signal[(i*labTimes+t)*labChans+c] = math.NaN()
				}
			}
		}
	}
	return signal, labels
}

// sources draws one unit-variance source per channel, with correlation Corr
// between the channels (a shared source plus an independent one each).
func (sm SubjectModel) sources(rng *rand.Rand, draw func(*rand.Rand) []float64) [2][]float64 {
	shared, a, b := draw(rng), draw(rng), draw(rng)
	w, v := math.Sqrt(sm.Corr), math.Sqrt(1-sm.Corr)
	for t := range shared {
		a[t] = w*shared[t] + v*a[t]
		b[t] = w*shared[t] + v*b[t]
	}
	return [2][]float64{a, b}
}

// ar1 is a unit-variance first-order autoregressive process with coefficient a.
func ar1(rng *rand.Rand, a float64, n int) []float64 {
	out := make([]float64, n)
	scale := math.Sqrt(1 - a*a)
	x := rng.NormFloat64()
	for t := range out {
		x = a*x + scale*rng.NormFloat64()
		out[t] = x
	}
	return out
}

// resonator is a unit-variance narrow-band oscillation at hz (second-order
// autoregressive process with poles at radius r), after a burn-in.
func resonator(rng *rand.Rand, hz, r float64, n int) []float64 {
	a1 := 2 * r * math.Cos(2*math.Pi*hz/labRate)
	a2 := -r * r
	variance := (1 - a2) / ((1 + a2) * ((1-a2)*(1-a2) - a1*a1))
	scale := 1 / math.Sqrt(variance)
	burn := 250
	out := make([]float64, n)
	var x1, x2 float64
	for t := -burn; t < n; t++ {
		x := a1*x1 + a2*x2 + rng.NormFloat64()
		x2, x1 = x1, x
		if t >= 0 {
			out[t] = x * scale
		}
	}
	return out
}

// pinkish is unit-variance broadband activity with a falling spectrum: a sum
// of first-order autoregressive processes at several time scales plus white noise.
func pinkish(rng *rand.Rand, n int) []float64 {
	coefs := []float64{0.8, 0.5, 0}
	out := make([]float64, n)
	for _, a := range coefs {
		x := ar1(rng, a, n)
		for t := range out {
			out[t] += x[t] / math.Sqrt(float64(len(coefs)))
		}
	}
	return out
}

// SubjectModels draws n synthetic subjects that differ as real ones do:
// their amplitude, spectrum (mu between 8.5 and 12.5 Hz), channel
// correlation, how much each channel picks up of the other hemisphere
// (which moves between sessions, as electrodes are placed anew), which
// hemisphere desynchronises more, and how strongly imagery desynchronises
// their rhythms —
// every fourth subject (the 4th, 8th, …) barely at all, as the field's
// "BCI-illiterate" subjects, so its scores stay near chance. The same seed
// gives the same subjects.
func SubjectModels(seed uint64, n int) []SubjectModel {
	rng := rand.New(rand.NewPCG(seed, 0x7375626a)) // "subj"
	u := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
	out := make([]SubjectModel, n)
	for i := range out {
		out[i] = SubjectModel{Name: fmt.Sprintf("S%02d", i+1), Std: u(4, 10), LowFrac: u(0.45, 0.62), MuFrac: u(0.18, 0.3),
			BetaFrac: u(0.01, 0.06), MuHz: u(8.5, 12.5), BetaHz: u(18, 25), Corr: u(0.6, 0.8),
			ERD: u(0.3, 0.6), ERDSpread: 0.25, Miss: u(0.08, 0.25),
			Mix: [2]float64{u(-0.4, 0.8), u(-0.4, 0.8)}, SessionMix: 0.6, Lateral: [2]float64{u(0.4, 1.6), u(0.4, 1.6)}}
		if i%4 == 3 {
			out[i].ERD, out[i].Miss = u(0.02, 0.08), 0.5
		}
	}
	return out
}

// GenerateSubjects writes subjects synthetic subjects (SubjectModels) of
// sessions sessions each, trials trials per session, as trials files in
// dir: per subject NAME_train.npz with its first sessions and NAME_test.npz
// with its last, each trial's session recorded ("1", "2", …), so that
// every command reads dir as data and every evaluation finds its subjects
// and sessions. The same seed gives the same files.
func GenerateSubjects(dir string, seed uint64, subjects, sessions, trials int) error {
	if err := CheckTrialsPerFile(trials); err != nil {
		return err
	}
	if subjects < 1 || subjects > 200 || sessions < 2 || sessions > 20 {
		return fmt.Errorf("%d subjects of %d sessions; want 1 to 200 subjects of 2 to 20 sessions", subjects, sessions)
	}
	for si, sm := range SubjectModels(seed, subjects) {
		for split, sessRange := range [][2]int{{0, sessions - 1}, {sessions - 1, sessions}} {
			ep := &Epoched{Dataset: &eeg.Dataset{Shape: LabShape(), Subjects: []string{sm.Name}}}
			for sess := sessRange[0]; sess < sessRange[1]; sess++ {
				rng := rand.New(rand.NewPCG(seed, uint64(100000+100*si+sess)))
				signal, labels := sm.session(rng, sess, trials)
				for i, l := range labels {
					for c := range labChans {
						for t := range labTimes {
							ep.X = append(ep.X, float32(signal[(i*labTimes+t)*labChans+c]))
						}
					}
					ep.Y = append(ep.Y, int32(l)-1)
					ep.Subject = append(ep.Subject, 0)
					ep.Session = append(ep.Session, fmt.Sprint(sess+1))
					ep.Run = append(ep.Run, fmt.Sprint(sess+1))
					ep.Onset = append(ep.Onset, float64(i)*8)
				}
			}
			path := filepath.Join(dir, sm.Name+"_"+[]string{"train", "test"}[split]+".npz")
			source := fmt.Sprintf("eegkit synthetic subjects (%s, seed %d, %d subjects × %d sessions × %d trials)", SyntheticGenerator, seed, subjects, sessions, trials)
			if err := WriteTrials(path, ep, TrialsInfo{Source: source}); err != nil {
				return err
			}
		}
	}
	return nil
}
