package train

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
)

// BenchResult is what Benchmark measures.
type BenchResult struct {
	Model      string  `json:"model"`
	Act        string  `json:"act"`
	Batch      int     `json:"batch"`
	TrainEpoch float64 `json:"train_epoch_s"` // one epoch over 1080 trials: shuffled batches, forward, backward, Adam
	Eval       float64 `json:"eval_s"`        // evaluation of 1080 trials
	LatencyMS  float64 `json:"latency_ms"`    // median single-trial inference (batch of 1, eval mode)
	PeakRSSMB  float64 `json:"peak_rss_mb"`   // peak resident memory of the process
	Backend    string  `json:"backend"`
}

// BenchTrials is the number of trials of the lab's training and test sets.
const BenchTrials = 1080

// Benchmark times, after a warm-up, a training epoch, an evaluation of 1080
// trials and single-trial inference (the median of latencyRuns) of a model
// on random data shaped like the lab's. Times are averaged over epochs runs.
func Benchmark(model string, act nn.Activation, batch, epochs, latencyRuns int) (BenchResult, error) {
	if batch < 2 || epochs < 1 || latencyRuns < 1 {
		return BenchResult{}, fmt.Errorf("benchmark: batch must be >= 2, epochs and latency runs >= 1 (got %d, %d, %d)", batch, epochs, latencyRuns)
	}
	m, err := models.New(model, act)
	if err != nil {
		return BenchResult{}, err
	}
	backend, err := nn.Backend()
	if err != nil {
		return BenchResult{}, err
	}
	net, err := NewNet(m, nn.InitWeights(m, 1), 1)
	if err != nil {
		return BenchResult{}, err
	}
	rng := rand.New(rand.NewPCG(1, 1))
	ds := &eeg.Dataset{X: make([]float32, BenchTrials*eeg.LabTrialSize), Y: make([]int32, BenchTrials), Subject: make([]int, BenchTrials), Subjects: []string{"random"}}
	for i := range ds.X {
		ds.X[i] = float32(5 * rng.NormFloat64())
	}
	for i := range ds.Y {
		ds.Y[i] = int32(rng.IntN(2))
	}
	cfg := TrainConfig{Model: m.Key(), Activation: act.Name(), Epochs: epochs, Batch: batch, LR: 1e-3, Seed: 1}
	epoch := func() error {
		perm := rng.Perm(BenchTrials)
		for s := 0; s < BenchTrials; s += batch {
			idx := perm[s:min(s+batch, BenchTrials)]
			if len(idx) < 2 {
				continue
			}
			if _, err := net.TrainStep(ds.X, ds.Y, idx, cfg, cfg.LR); err != nil {
				return err
			}
		}
		return nil
	}
	res := BenchResult{Model: m.Key(), Act: act.Name(), Batch: batch, Backend: backend.Name()}
	if err := epoch(); err != nil { // warm-up: compiles both batch shapes
		return res, err
	}
	start := time.Now()
	for range epochs {
		if err := epoch(); err != nil {
			return res, err
		}
	}
	res.TrainEpoch = time.Since(start).Seconds() / float64(epochs)
	if _, err := net.Evaluate(ds); err != nil {
		return res, err
	}
	start = time.Now()
	for range epochs {
		if _, err := net.Evaluate(ds); err != nil {
			return res, err
		}
	}
	res.Eval = time.Since(start).Seconds() / float64(epochs)
	one := ds.Trial(0)
	if _, err := net.Logits(one, 1); err != nil {
		return res, err
	}
	lat := make([]float64, latencyRuns)
	for i := range lat {
		t0 := time.Now()
		if _, err := net.Logits(ds.Trial(i%BenchTrials), 1); err != nil {
			return res, err
		}
		lat[i] = time.Since(t0).Seconds() * 1000
	}
	sort.Float64s(lat)
	res.LatencyMS = lat[len(lat)/2]
	res.PeakRSSMB = peakRSSMB()
	runtime.KeepAlive(one)
	return res, nil
}

// peakRSSMB reads the process's peak resident set size (VmHWM) on Linux; 0 elsewhere.
func peakRSSMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err == nil {
				return kb / 1024
			}
		}
	}
	return 0
}
