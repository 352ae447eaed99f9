package dsp_test

import (
	"math"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/datasets"
	"github.com/eegkit/eegkit/eegkit/dsp"
	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/internal/synthtest"
	"github.com/eegkit/eegkit/eegkit/lab"
)

// TestClassSpectraFindsTheRhythm builds trials with a 10 Hz rhythm whose
// amplitude depends on class and channel, and checks the spectra.
func TestClassSpectraFindsTheRhythm(t *testing.T) {
	n := 20
	ds := &eeg.Dataset{Shape: datasets.LabShape(), X: make([]float32, n*datasets.LabShape().TrialSize()), Y: make([]int32, n), Subject: make([]int, n), Subjects: []string{"A"}}
	for i := range n {
		ds.Y[i] = int32(i % 2)
		for ch := range datasets.LabShape().NChans() {
			amp := 4.0
			if (ds.Y[i] == 1 && ch == 0) || (ds.Y[i] == 0 && ch == 1) {
				amp = 2 // contralateral desynchronisation
			}
			for s := range datasets.LabShape().Times {
				ds.X[i*datasets.LabShape().TrialSize()+ch*datasets.LabShape().Times+s] = float32(amp * math.Sin(2*math.Pi*10*float64(s)/datasets.LabShape().Rate+float64(i)))
			}
		}
	}
	sp, err := dsp.ClassSpectra(ds, "A", 1)
	if err != nil {
		t.Fatal(err)
	}
	peak := 0
	for k := range sp.Freqs {
		if sp.Power[0][0][k] > sp.Power[0][0][peak] {
			peak = k
		}
	}
	if sp.Freqs[peak] != 10 {
		t.Errorf("peak at %v Hz, want 10", sp.Freqs[peak])
	}
	lat := sp.Lateralization()
	// power ratio (2/4)² = 0.25: right vs left is -75 % over C3 and +300 % over C4
	if math.Abs(lat[0]+0.75) > 0.01 || math.Abs(lat[1]-3) > 0.05 {
		t.Errorf("lateralization %v, want [-0.75, 3]", lat)
	}
	if sp.Count != [2]int{10, 10} {
		t.Errorf("counts %v", sp.Count)
	}
	if _, err := dsp.ClassSpectra(ds, "A", 5.5); err == nil {
		t.Error("a window shorter than 2 s was accepted")
	}
	if _, err := dsp.ClassSpectra(ds, "B", 1); err == nil {
		t.Error("an unknown subject was accepted")
	}
	if r := lab.SpectraReport("A", sp); !strings.Contains(r, "-75.0% over C3") {
		t.Errorf("report: %s", r)
	}
}

func TestSyntheticImageryIsContralateral(t *testing.T) {
	ld := synthtest.Load(t)
	for _, s := range datasets.LabSubjects() {
		sp, err := dsp.ClassSpectra(ld.Train, s, 2)
		if err != nil {
			t.Fatal(err)
		}
		lat := sp.Lateralization()
		if lat[0] > -0.1 || lat[1] < 0.1 {
			t.Errorf("%s: mu power right vs left %+.2f over C3, %+.2f over C4; want less over C3 and more over C4", s, lat[0], lat[1])
		}
	}
}
