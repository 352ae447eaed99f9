package bench

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"gonum.org/v1/gonum/floats"

	"github.com/eegkit/eegkit/eegkit/datasets"
	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/train"
)

// BenchResult is what Benchmark measures.
type BenchResult struct {
	Model      string  `json:"model"`
	Act        string  `json:"act"`
	Batch      int     `json:"batch"`
	Trials     int     `json:"trials"`        // the trials of the workload (BenchTrials unless asked)
	TrainEpoch float64 `json:"train_epoch_s"` // one epoch over the trials: shuffled batches, forward, backward, Adam
	Eval       float64 `json:"eval_s"`        // evaluation of the trials
	LatencyMS  float64 `json:"latency_ms"`    // median single-trial inference (batch of 1, eval mode)
	PeakRSSMB  float64 `json:"peak_rss_mb"`   // peak resident memory of the process
	Backend    string  `json:"backend"`
	// The model's arithmetic per trial in millions of multiply-adds
	// (nn.Model.Costs: PyTorch's computation), and the rates it makes:
	// 2 floating-point operations per multiply-add, over the timed work.
	ForwardMMACs  float64 `json:"forward_mmacs_per_trial"`
	BackwardMMACs float64 `json:"backward_mmacs_per_trial"`
	TrainGFLOPS   float64 `json:"train_gflops"`
	EvalGFLOPS    float64 `json:"eval_gflops"`
	// PeakGFLOPS is the machine's float32 peak (see PeakGFLOPS).
	PeakGFLOPS float64 `json:"peak_gflops"`
}

// PeakGFLOPS is the machine's float32 peak in GFLOP/s: fused multiply-adds
// timed on every CPU at once for 0.1 s (see fmaGFLOPS), so that the
// number is what these cores do (two 512-bit FMA pipes on recent Intel
// Xeons, two 256-bit ones on Zen 4 whatever the vector width). Where that
// cannot run it is estimated from /proc/cpuinfo (see cpuinfoPeak), and it
// is 0 where neither is possible.
func PeakGFLOPS() float64 {
	n := runtime.NumCPU()
	per := make([]float64, n)
	var wg sync.WaitGroup
	for i := range per {
		wg.Go(func() { per[i] = fmaGFLOPS(100 * time.Millisecond) })
	}
	wg.Wait()
	if sum := floats.Sum(per); sum > 0 {
		return sum
	}
	return cpuinfoPeak()
}

// cpuinfoPeak estimates the float32 peak from /proc/cpuinfo:
// logical CPUs × the highest "cpu MHz" × FLOPs per cycle, 32 with AVX2 and
// FMA (two 256-bit fused multiply-add pipes per core, as most x86 cores
// since Haswell have) or 8 otherwise. It is 0 where /proc/cpuinfo says
// nothing (not Linux).
func cpuinfoPeak() float64 {
	raw, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return 0
	}
	mhz, perCycle := 0.0, 8.0
	for _, line := range strings.Split(string(raw), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "cpu MHz":
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				mhz = max(mhz, f)
			}
		case "flags":
			fl := " " + v + " "
			if strings.Contains(fl, " avx2 ") && strings.Contains(fl, " fma ") {
				perCycle = 32
			}
		}
	}
	return float64(runtime.NumCPU()) * mhz / 1000 * perCycle
}

// BenchTrials is the number of trials of the lab's training and test sets.
const BenchTrials = 1080

// Benchmark times, after a warm-up, a training epoch over trials trials
// (BenchTrials, the lab's, if 0), their evaluation and single-trial
// inference (the median of latencyRuns) of a model on random data shaped
// like the lab's. Times are averaged over epochs runs. Fewer trials time a
// large model in minutes (EEGInceptionMI's epoch of 1080 trials takes about
// five on two cores).
func Benchmark(dev train.Device, model string, act nn.Activation, batch, epochs, latencyRuns, trials int) (BenchResult, error) {
	if trials == 0 {
		trials = BenchTrials
	}
	if batch < 2 || epochs < 1 || latencyRuns < 1 || trials < 2 {
		return BenchResult{}, fmt.Errorf("benchmark: batch and trials must be >= 2, epochs and latency runs >= 1 (got %d, %d, %d, %d)", batch, trials, epochs, latencyRuns)
	}
	m, err := models.New(model, act)
	if err != nil {
		return BenchResult{}, err
	}
	net, err := train.NewNet(m, nn.InitWeights(m, 1), 1, dev)
	if err != nil {
		return BenchResult{}, err
	}
	rng := rand.New(rand.NewPCG(1, 1))
	ds := &eeg.Dataset{Shape: datasets.LabShape(), X: make([]float32, trials*datasets.LabShape().TrialSize()), Y: make([]int32, trials), Subject: make([]int, trials), Subjects: []string{"random"}}
	for i := range ds.X {
		ds.X[i] = float32(5 * rng.NormFloat64())
	}
	for i := range ds.Y {
		ds.Y[i] = int32(rng.IntN(2))
	}
	cfg := train.TrainConfig{Model: m.Key(), Activation: act.Name(), Epochs: epochs, Batch: batch, LR: 1e-3, Seed: 1}
	net.Keep(ds.X, ds.Y) // as Fit keeps its data (on an accelerator)
	epoch := func() error {
		perm := rng.Perm(trials)
		for s := 0; s < trials; s += batch {
			idx := perm[s:min(s+batch, trials)]
			if len(idx) < 2 {
				continue
			}
			if _, err := net.TrainStep(ds.X, ds.Y, idx, cfg, cfg.LR); err != nil {
				return err
			}
		}
		return nil
	}
	costs, err := m.Costs()
	if err != nil {
		return BenchResult{}, err
	}
	fwd, bwd := nn.TotalCost(costs)
	res := BenchResult{Model: m.Key(), Act: act.Name(), Batch: batch, Trials: trials, Backend: net.BackendName(),
		ForwardMMACs: float64(fwd) / 1e6, BackwardMMACs: float64(bwd) / 1e6, PeakGFLOPS: PeakGFLOPS()}
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
	res.TrainGFLOPS = 2 * float64(fwd+bwd) * float64(trials) / res.TrainEpoch / 1e9
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
	res.EvalGFLOPS = 2 * float64(fwd) * float64(trials) / res.Eval / 1e9
	one := ds.Trial(0)
	if _, err := net.Logits(one, 1); err != nil {
		return res, err
	}
	lat := make([]float64, latencyRuns)
	for i := range lat {
		t0 := time.Now()
		if _, err := net.Logits(ds.Trial(i%trials), 1); err != nil {
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
