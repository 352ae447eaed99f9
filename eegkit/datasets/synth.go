package datasets

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

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
			signal, labels := sm.session(rng, split == 1, n)
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

// session generates one file's n trials: signal (n, 750, 2) and labels 1/2.
func (sm SubjectModel) session(rng *rand.Rand, test bool, n int) (signal, labels []float64) {
	labels = make([]float64, n)
	for i := range labels {
		labels[i] = float64(1 + i%2)
	}
	rng.Shuffle(len(labels), func(i, j int) { labels[i], labels[j] = labels[j], labels[i] })

	mu, beta, gain, erd := sm.MuHz, sm.BetaHz, [2]float64{1, 1}, sm.ERD
	if test {
		mu += sessionFreqStep
		beta -= sessionFreqStep
		gain = [2]float64{0.9 + 0.2*rng.Float64(), 0.9 + 0.2*rng.Float64()}
		erd *= 0.85
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
		for c := 0; c < labChans; c++ {
			for t := 0; t < labTimes; t++ {
				sec := float64(t) / labRate
				ramp := math.Min(1, math.Max(0, (sec-CueSeconds)/ERDRiseSeconds))
				mod := 1 + 0.15*depth*ramp // ipsilateral synchronisation
				if c == contra {
					mod = 1 - depth*ramp
				}
				v := math.Sqrt(sm.LowFrac)*slow[c][t] +
					mod*(math.Sqrt(sm.MuFrac)*muSrc[c][t]+math.Sqrt(sm.BetaFrac)*betaSrc[c][t]) +
					math.Sqrt(otherFrac)*broad[c][t]
				v *= sm.Std * amp * gain[c]
				if sm.Clip > 0 {
					v = math.Max(-sm.Clip, math.Min(sm.Clip, v))
				}
				signal[(i*labTimes+t)*labChans+c] = v
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
