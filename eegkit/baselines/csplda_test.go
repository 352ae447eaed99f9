package baselines

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/datasets"
	"github.com/eegkit/eegkit/eegkit/eeg"
)

// bandData makes trials where class 1 has more 10 Hz power on C3 and class 0
// on C4, on top of white noise, for subjects "A" and "B" (B at half the amplitude).
func bandData(n int, seed uint64) *eeg.Dataset {
	rng := rand.New(rand.NewPCG(seed, 1))
	ds := &eeg.Dataset{Shape: datasets.LabShape(), Subjects: []string{"A", "B"}}
	for i := range n {
		y := int32(i % 2)
		s := (i / 2) % 2
		scale := 1.0 - 0.5*float64(s)
		phase := rng.Float64() * 2 * math.Pi
		for ch := range datasets.LabShape().NChans() {
			amp := 1.0
			if (ch == 0) == (y == 1) {
				amp = 2.5
			}
			for t := range datasets.LabShape().Times {
				v := amp*math.Sin(2*math.Pi*10*float64(t)/datasets.LabShape().Rate+phase) + rng.NormFloat64()
				ds.X = append(ds.X, float32(scale*v))
			}
		}
		ds.Y = append(ds.Y, y)
		ds.Subject = append(ds.Subject, s)
	}
	return ds
}

func TestBaselineSeparatesBandPower(t *testing.T) {
	train, test := bandData(80, 1), bandData(40, 2)
	for _, method := range []string{LogVar, CSP} {
		t.Run(method, func(t *testing.T) {
			res, err := Run(Config{Method: method}, &eeg.Data{Train: train, Test: test})
			if err != nil {
				t.Fatal(err)
			}
			if res.Test.Accuracy < 0.95 || res.Test.AUC < 0.98 {
				t.Errorf("test accuracy %.3f AUC %.3f on separable band power", res.Test.Accuracy, res.Test.AUC)
			}
			// The signal is in the mu band: a baseline restricted to 20–30 Hz is at chance.
			off, err := Run(Config{Method: method, Bands: [][2]float64{{20, 30}}}, &eeg.Data{Train: train, Test: test})
			if err != nil {
				t.Fatal(err)
			}
			if off.Test.Accuracy > 0.75 {
				t.Errorf("20–30 Hz: test accuracy %.3f; the filter lets the 10 Hz signal through", off.Test.Accuracy)
			}
		})
	}
}

// TestBandCovarianceParseval checks the FFT band power against the time-domain
// variance of a pure sinusoid inside the band (amplitude a: variance a²/2).
func TestBandCovarianceParseval(t *testing.T) {
	ds := &eeg.Dataset{Shape: datasets.LabShape(), Subjects: []string{"A"}, Y: []int32{0}, Subject: []int{0}}
	for ch := range datasets.LabShape().NChans() {
		a := float64(ch + 1)
		for i := range datasets.LabShape().Times {
			ds.X = append(ds.X, float32(a*math.Cos(2*math.Pi*10*float64(i)/datasets.LabShape().Rate)))
		}
	}
	cov := bandCovariances(Config{Bands: [][2]float64{{8, 13}, {13, 30}}, To: 6}, ds)[0]
	if math.Abs(cov[0][0][0]-0.5) > 1e-4 || math.Abs(cov[0][1][1]-2) > 1e-4 || math.Abs(cov[0][0][1]-1) > 1e-4 {
		t.Errorf("mu band covariance %v, want [[0.5 1] [1 2]]", cov[0])
	}
	if cov[1][0][0] > 1e-6 {
		t.Errorf("beta band power %g of a 10 Hz signal", cov[1][0][0])
	}
}

func TestBaselineErrors(t *testing.T) {
	cases := []struct {
		cfg  Config
		want string
	}{
		{Config{Method: "svm"}, "unknown baseline method"},
		{Config{Bands: [][2]float64{{13, 8}}}, "band 13–8 Hz"},
		{Config{Bands: [][2]float64{{40, 70}}}, "Nyquist"},
		{Config{From: 5, To: 5.2}, "window"},
		{Config{To: 9}, "window"},
		{Config{Shrinkage: 2}, "shrinkage"},
	}
	for _, tc := range cases {
		if err := tc.cfg.ValidateFor(&eeg.Dataset{Shape: datasets.LabShape()}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.cfg, err, tc.want)
		}
	}
	one := bandData(8, 1)
	one.Y = []int32{0, 0, 0, 0, 0, 0, 0, 1}
	if _, err := Fit(Config{}, one); err == nil || !strings.Contains(err.Error(), "needs at least 2 of each") {
		t.Errorf("one trial of a class: %v", err)
	}
	bl, err := Fit(Config{}, bandData(40, 1))
	if err != nil {
		t.Fatal(err)
	}
	other := bandData(4, 2)
	other.Subjects = []string{"C", "D"}
	if _, err := bl.Evaluate(other); err == nil || !strings.Contains(err.Error(), "not fitted on") {
		t.Errorf("unknown subject: %v", err)
	}
}
