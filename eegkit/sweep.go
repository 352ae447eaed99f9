package eegkit

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"time"

	"gonum.org/v1/plot"
)

// SweepPoint is one finished point of a hyperparameter grid.
type SweepPoint struct {
	Config    TrainConfig
	TrainAcc  float64 // last epoch
	TestAcc   float64 // last epoch
	BestTest  float64 // best test accuracy over the epochs (shown for comparison only: choosing by it is optimistic)
	Seconds   float64 // training time
	Data      string
	Completed time.Time
}

var sweepHeader = []string{"model", "activation", "batch", "lr", "epochs", "seed", "weight_decay", "train_acc", "test_acc", "best_test_acc", "seconds", "data", "completed"}

// SweepGrid trains base with every batch size × learning rate, appending each
// finished point to csvPath at once. Points already in csvPath (same model,
// activation, batch, lr, epochs, seed, weight decay and data) are not trained
// again, so an interrupted sweep resumes. Up to workers points train at the
// same time (0: two when the machine has at least two cores, which is faster
// than one at a time because a single training does not keep two cores busy);
// every point is deterministic whatever the order. It returns every point of
// the grid, sorted by final test accuracy, best first.
func SweepGrid(ctx context.Context, base TrainConfig, batches []int, lrs []float64, data *LabData, csvPath string, workers int, progress func(TrainConfig, EpochStats)) ([]SweepPoint, error) {
	if len(batches) == 0 || len(lrs) == 0 {
		return nil, fmt.Errorf("sweep: the grid is empty (%d batch sizes, %d learning rates)", len(batches), len(lrs))
	}
	if workers <= 0 {
		workers = min(2, runtime.NumCPU())
	}
	done, err := ReadSweep(csvPath)
	if err != nil {
		return nil, err
	}
	var (
		out  []SweepPoint
		todo []TrainConfig
	)
	for _, b := range batches {
		for _, lr := range lrs {
			cfg := base
			cfg.Batch, cfg.LR = b, lr
			if err := cfg.Validate(); err != nil {
				return nil, fmt.Errorf("sweep point batch %d lr %g: %w", b, lr, err)
			}
			if p, ok := findPoint(done, cfg, data.Source); ok {
				out = append(out, p)
			} else {
				todo = append(todo, cfg)
			}
		}
	}
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
		next     = make(chan TrainConfig)
	)
	for range min(workers, max(len(todo), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for cfg := range next {
				var pf func(EpochStats)
				if progress != nil {
					pf = func(e EpochStats) {
						mu.Lock()
						defer mu.Unlock()
						progress(cfg, e)
					}
				}
				start := time.Now()
				run, err := Train(ctx, cfg, data, pf)
				mu.Lock()
				if err == nil {
					p := SweepPoint{Config: cfg, TrainAcc: run.Final().TrainAcc, TestAcc: run.Final().TestAcc,
						Seconds: time.Since(start).Seconds(), Data: data.Source, Completed: time.Now().UTC()}
					for _, e := range run.History {
						p.BestTest = max(p.BestTest, e.TestAcc)
					}
					err = appendSweep(csvPath, p)
					out = append(out, p)
				}
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	for _, cfg := range todo {
		mu.Lock()
		failed := firstErr != nil
		mu.Unlock()
		if failed {
			break
		}
		next <- cfg
	}
	close(next)
	wg.Wait()
	sort.SliceStable(out, func(i, j int) bool { return out[i].TestAcc > out[j].TestAcc })
	return out, firstErr
}

func findPoint(done []SweepPoint, cfg TrainConfig, data string) (SweepPoint, bool) {
	for _, p := range done {
		c := p.Config
		if c.Model == cfg.Model && c.Activation == cfg.Activation && c.Batch == cfg.Batch && c.LR == cfg.LR &&
			c.Epochs == cfg.Epochs && c.Seed == cfg.Seed && c.WeightDecay == cfg.WeightDecay && p.Data == data {
			return p, true
		}
	}
	return SweepPoint{}, false
}

// ReadSweep reads the points of a sweep CSV (none if the file does not exist).
func ReadSweep(path string) ([]SweepPoint, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []SweepPoint
	for i, r := range rows {
		if i == 0 {
			continue
		}
		if len(r) != len(sweepHeader) {
			return nil, fmt.Errorf("%s line %d: %d fields, want %d", path, i+1, len(r), len(sweepHeader))
		}
		var p SweepPoint
		var errs []error
		num := func(s string) float64 {
			v, err := strconv.ParseFloat(s, 64)
			errs = append(errs, err)
			return v
		}
		p.Config = TrainConfig{Model: r[0], Activation: r[1], Batch: int(num(r[2])), LR: num(r[3]), Epochs: int(num(r[4])),
			Seed: uint64(num(r[5])), WeightDecay: num(r[6])}
		p.TrainAcc, p.TestAcc, p.BestTest, p.Seconds, p.Data = num(r[7]), num(r[8]), num(r[9]), num(r[10]), r[11]
		p.Completed, err = time.Parse(time.RFC3339, r[12])
		errs = append(errs, err)
		if err := errors.Join(errs...); err != nil {
			return nil, fmt.Errorf("%s line %d: %v", path, i+1, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// appendSweep appends one point to the CSV (writing the header first if the file is new) and syncs it.
func appendSweep(path string, p SweepPoint) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	w := csv.NewWriter(f)
	if st.Size() == 0 {
		_ = w.Write(sweepHeader)
	}
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	c := p.Config
	_ = w.Write([]string{c.Model, c.Activation, strconv.Itoa(c.Batch), g(c.LR), strconv.Itoa(c.Epochs),
		strconv.FormatUint(c.Seed, 10), g(c.WeightDecay), g(p.TrainAcc), g(p.TestAcc), g(p.BestTest), g(p.Seconds), p.Data,
		p.Completed.Format(time.RFC3339)})
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// SweepTable renders sweep points as a Markdown table, in the given order.
func SweepTable(points []SweepPoint) string {
	s := "| rank | model | activation | batch | lr | epochs | train acc | test acc (last epoch) | best test acc (any epoch) |\n|---|---|---|---|---|---|---|---|---|\n"
	for i, p := range points {
		c := p.Config
		s += fmt.Sprintf("| %d | %s | %s | %d | %g | %d | %.2f%% | %.2f%% | %.2f%% |\n", i+1, c.Model, c.Activation, c.Batch, c.LR, c.Epochs,
			100*p.TrainAcc, 100*p.TestAcc, 100*p.BestTest)
	}
	return s
}

// SweepHeatmap draws the final test accuracy of a batch × lr grid.
func SweepHeatmap(title string, points []SweepPoint, batches []int, lrs []float64) (*plot.Plot, error) {
	rows := make([]string, len(batches))
	cols := make([]string, len(lrs))
	values := make([][]float64, len(batches))
	for i, b := range batches {
		rows[i] = strconv.Itoa(b)
		values[i] = make([]float64, len(lrs))
		for j, lr := range lrs {
			cols[j] = strconv.FormatFloat(lr, 'g', -1, 64)
			values[i][j] = math.NaN()
			for _, p := range points {
				if p.Config.Batch == b && p.Config.LR == lr {
					values[i][j] = p.TestAcc
				}
			}
		}
	}
	return HeatmapFigure(title, "batch size", "learning rate", rows, cols, values)
}
