package experiments

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/metrics"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/plot"
	"github.com/eegkit/eegkit/eegkit/safefile"
	"github.com/eegkit/eegkit/eegkit/train"
)

// SweepPoint is one finished point of a hyperparameter grid.
type SweepPoint struct {
	Config   train.TrainConfig
	TrainAcc float64 // last epoch
	ValAcc   float64 // of the kept model on the validation split (NaN under the lab protocol)
	TestAcc  float64 // of the kept model (the last epoch under the lab protocol)
	// Test holds every registered metric (metrics.All) of the kept model
	// on the test set, by name; NaN for a metric the CSV it was read from
	// did not have.
	Test      map[string]float64
	BestEpoch int     // the epoch whose model was kept
	BestTest  float64 // best test accuracy over the epochs (shown for comparison only: choosing by it is optimistic)
	Trials    int     // test trials (0 when the CSV it was read from did not say): the n of the accuracy's interval
	Seconds   float64 // training time
	Data      string  // the data, in words (eeg.Data.Source)
	DataID    string  // the data's content hash (eeg.Data.ID): what a rerun compares
	Completed time.Time
}

// sweepColumns are a sweep CSV's columns before and after the test
// metrics, which are one column each, by name, in metrics.All's order
// (accuracy is test_acc).
var (
	sweepColumns = []string{"model", "activation", "batch", "lr", "weight_decay", "dropout", "epochs", "seed", "val_fraction", "train_acc", "val_acc"}
	sweepTail    = []string{"best_epoch", "best_test_acc", "seconds", "data", "data_id", "completed", "config"}
)

// sweepHeader is the CSV header of this eegkit, with its registered metrics.
func sweepHeader() []string {
	h := slices.Clone(sweepColumns)
	for _, m := range metrics.All() {
		h = append(h, metricColumn(m.Name))
	}
	return append(append(h, "test_trials"), sweepTail...)
}

// metricColumn is a test metric's CSV column.
func metricColumn(name string) string {
	if name == metrics.Accuracy {
		return "test_acc"
	}
	return name
}

// Grid is a hyperparameter grid: every combination of its lists. An empty
// list leaves that hyperparameter as Base has it, except that batch and
// learning rate default to the preset of each model and activation.
type Grid struct {
	Base         train.TrainConfig // epochs, seed, validation protocol, schedule, Adam's constants
	Models       []string
	Activations  []string
	Batches      []int
	LRs          []float64
	WeightDecays []float64
	Dropouts     []float64 // a negative value means the lab's dropout
	Epochs       []int
	Seeds        []uint64
	Augments     []string // augmentations in package augment's canonical form; "" for none
	// Optimizers name train's optimizers ("" or "adam", "adamw", "sgd");
	// Base's momentum and Nesterov's apply to the sgd points of a list
	// with others.
	Optimizers      []string
	LabelSmoothings []float64
}

// Configs expands the grid, validating every point: the models ×
// activations with their presets, then each list in the order of the
// fields, the later ones varying fastest.
func (g Grid) Configs() ([]train.TrainConfig, error) {
	models, acts := g.Models, g.Activations
	if len(models) == 0 {
		models = []string{g.Base.Model}
	}
	if len(acts) == 0 {
		acts = []string{g.Base.Activation}
	}
	var out []train.TrainConfig
	for _, model := range models {
		for _, an := range acts {
			act, err := nn.ParseActivation(an)
			if err != nil {
				return nil, err
			}
			preset, err := train.Preset(model, act)
			if err != nil {
				return nil, err
			}
			c := g.Base
			c.Model, c.Activation, c.Batch, c.LR = preset.Model, preset.Activation, preset.Batch, preset.LR
			if c.Epochs == 0 {
				c.Epochs = preset.Epochs
			}
			out = append(out, c)
		}
	}
	out = expand(out, len(g.Batches), func(c *train.TrainConfig, i int) { c.Batch = g.Batches[i] })
	out = expand(out, len(g.LRs), func(c *train.TrainConfig, i int) { c.LR = g.LRs[i] })
	out = expand(out, len(g.WeightDecays), func(c *train.TrainConfig, i int) { c.WeightDecay = g.WeightDecays[i] })
	out = expand(out, len(g.Dropouts), func(c *train.TrainConfig, i int) {
		c.Dropout = nil
		if d := g.Dropouts[i]; d >= 0 {
			c.Dropout = &d
		}
	})
	out = expand(out, len(g.Epochs), func(c *train.TrainConfig, i int) { c.Epochs = g.Epochs[i] })
	out = expand(out, len(g.Seeds), func(c *train.TrainConfig, i int) { c.Seed = g.Seeds[i] })
	out = expand(out, len(g.Augments), func(c *train.TrainConfig, i int) { c.Augment = g.Augments[i] })
	mixed := len(g.Optimizers) > 1 && slices.Contains(g.Optimizers, train.OptimizerSGD)
	out = expand(out, len(g.Optimizers), func(c *train.TrainConfig, i int) {
		c.Optimizer = g.Optimizers[i]
		if c.Optimizer == train.OptimizerAdam {
			c.Optimizer = "" // the default, so that its runs keep their ids
		}
		if mixed && c.Optimizer != train.OptimizerSGD {
			c.Momentum, c.Nesterov = 0, false
		}
	})
	out = expand(out, len(g.LabelSmoothings), func(c *train.TrainConfig, i int) { c.LabelSmoothing = g.LabelSmoothings[i] })
	for _, c := range out {
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("grid point %s: %w", c, err)
		}
	}
	return dedupConfigs(out), nil
}

// expand replaces each configuration by n copies, set(c, i) applied to the
// i-th; n = 0 keeps the configurations as they are.
func expand(cs []train.TrainConfig, n int, set func(c *train.TrainConfig, i int)) []train.TrainConfig {
	if n == 0 {
		return cs
	}
	out := make([]train.TrainConfig, 0, len(cs)*n)
	for _, c := range cs {
		for i := range n {
			d := c
			set(&d, i)
			out = append(out, d)
		}
	}
	return out
}

// dedupConfigs drops repeated points (the same configuration after names
// are normalised, e.g. --act relu,ReLU or --batch 32,32), keeping the first.
func dedupConfigs(cs []train.TrainConfig) []train.TrainConfig {
	seen := map[string]bool{}
	out := cs[:0]
	for _, c := range cs {
		if k := configKey(c); !seen[k] {
			seen[k] = true
			out = append(out, c)
		}
	}
	return out
}

// configKey identifies a configuration: two are the same point when their
// keys are equal (its JSON, every field).
func configKey(c train.TrainConfig) string {
	k, _ := json.Marshal(c)
	return string(k)
}

// SweepOptions say how a sweep runs.
type SweepOptions struct {
	CSV string // every finished point is appended here at once; points already in it are not trained again
	// Points, if set, is a directory that gets one result file per point
	// (see WritePoint), written atomically, so that the shards of a sweep
	// share it on a shared filesystem without appending to one file; points
	// already in it are not trained again. With Points, a point that fails
	// is recorded there (see PointFailure) and the others still train.
	// CSV may be empty when Points is set.
	Points string
	// Shard, if not the whole grid, trains only the shard's points.
	Shard Shard
	// RunsDir, if set, keeps each point's model under RunsDir/<n>/ with a
	// checkpoint every CheckpointEvery epochs, so an interrupted point resumes.
	RunsDir         string
	CheckpointEvery int
	// Workers is how many points train at the same time (0: two when the
	// machine has at least two cores; a few percent more throughput than one
	// at a time on 2 cores, where one training already keeps both busy).
	Workers  int
	Progress func(train.TrainConfig, train.EpochStats)
	// Device is where the points train (the zero Device: the pure-Go backend).
	Device train.Device
	// Log, if not nil, is told what the sweep repaired (a torn last CSV row).
	Log func(string)
}

// Sweep trains every configuration that opt.CSV does not already hold (same
// configuration and data), appending each finished point to the CSV at once,
// so an interrupted sweep resumes. Every point is deterministic whatever the
// order and the number of workers. It returns the points of configs, sorted
// by validation accuracy (then by train accuracy), best first.
func Sweep(ctx context.Context, configs []train.TrainConfig, data *eeg.Data, opt SweepOptions) ([]SweepPoint, error) {
	if len(configs) == 0 {
		return nil, errors.New("sweep: the grid is empty")
	}
	if opt.CSV == "" && opt.Points == "" {
		return nil, errors.New("sweep: no CSV file or points directory for the results")
	}
	if err := opt.Shard.Check(); err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = min(2, runtime.NumCPU())
	}
	configs = opt.Shard.Select(dedupConfigs(bindAll(configs, data)))
	// One sweep at a time writes the CSV; one process at a time runs a shard.
	lockDir := filepath.Dir(opt.CSV)
	if opt.CSV == "" {
		lockDir = filepath.Join(opt.Points, ".shards", strings.Replace(opt.Shard.String(), "/", "-of-", 1))
	}
	lock, err := train.LockDir(lockDir)
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()
	var done []SweepPoint
	if opt.CSV != "" {
		if torn, err := repairSweepCSV(opt.CSV); err != nil {
			return nil, err
		} else if torn != "" && opt.Log != nil {
			opt.Log(fmt.Sprintf("%s: dropped a torn last row (%q), written when a write was cut short; its point is trained again", opt.CSV, torn))
		}
		var header []string
		if done, header, err = readSweep(opt.CSV); err != nil {
			return nil, err
		}
		if err := upgradeSweepCSV(opt.CSV, header, done); err != nil {
			return nil, err
		}
	}
	if opt.Points != "" {
		if err := os.MkdirAll(opt.Points, 0o755); err != nil {
			return nil, fmt.Errorf("sweep: cannot create %s: %w", opt.Points, safefile.Cause(err))
		}
		if err := safefile.RemoveOrphanTemps(opt.Points); err != nil {
			return nil, err
		}
		files, _, err := ReadPoints(opt.Points)
		if err != nil {
			return nil, err
		}
		done = append(done, files...)
	}
	var (
		failed int
		out    []SweepPoint
		todo   []int
	)
	for i, cfg := range configs {
		if err := cfg.Validate(); err != nil {
			return nil, fmt.Errorf("sweep point %s: %w", cfg, err)
		}
		if p, ok := findPoint(done, cfg, data.ID()); ok {
			out = append(out, p)
		} else {
			todo = append(todo, i)
		}
	}
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
		next     = make(chan int)
	)
	for range min(workers, max(len(todo), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				cfg := configs[i]
				fo := train.FitOptions{Device: opt.Device}
				if opt.Progress != nil {
					fo.Progress = func(e train.EpochStats) {
						mu.Lock()
						defer mu.Unlock()
						opt.Progress(cfg, e)
					}
				}
				start := time.Now()
				run, err := sweepPoint(ctx, cfg, data, opt, fo)
				mu.Lock()
				if err == nil {
					p := NewSweepPoint(run, time.Since(start))
					if opt.Points != "" {
						err = WritePoint(opt.Points, p)
					}
					if err == nil && opt.CSV != "" {
						err = appendSweep(opt.CSV, p)
					}
					out = append(out, p)
				} else if opt.Points != "" && ctx.Err() == nil {
					// Recorded for the report; the shard's other points still train.
					failed++
					if werr := writeFailure(opt.Points, cfg, data.ID(), err); werr != nil {
						err = errors.Join(err, werr)
					} else {
						if opt.Log != nil {
							opt.Log(fmt.Sprintf("point %s failed (recorded in %s; run the sweep again to retry it): %v", cfg, opt.Points, err))
						}
						err = nil
					}
				}
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("sweep point %s: %w", cfg, err)
				}
				mu.Unlock()
			}
		}()
	}
	for _, i := range todo {
		mu.Lock()
		failed := firstErr != nil
		mu.Unlock()
		if failed {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	SortPoints(out)
	if firstErr == nil && failed > 0 {
		firstErr = fmt.Errorf("sweep: %d of %d points failed (recorded in %s as *%s); run the sweep again to retry them", failed, len(configs), opt.Points, failedExt)
	}
	return out, firstErr
}

// sweepPoint trains one point, in its own locked run directory under
// opt.RunsDir when set (reusing it when it finished already).
func sweepPoint(ctx context.Context, cfg train.TrainConfig, data *eeg.Data, opt SweepOptions, fo train.FitOptions) (*train.Run, error) {
	if opt.RunsDir == "" {
		return train.Fit(ctx, cfg, data, fo)
	}
	fo.CheckpointEvery = opt.CheckpointEvery
	run, _, err := TrainInDir(ctx, cfg, data, PointRunDir(opt.RunsDir, cfg, data), false, fo)
	return run, err
}

// PointRunDir is the run directory under runsDir in which Sweep trains the
// point cfg on data.
func PointRunDir(runsDir string, cfg train.TrainConfig, data *eeg.Data) string {
	return filepath.Join(runsDir, pointDir(bind(cfg, data), data.ID()))
}

// bindAll returns a copy of configs, each bound to data (see bind).
func bindAll(configs []train.TrainConfig, data *eeg.Data) []train.TrainConfig {
	out := make([]train.TrainConfig, len(configs))
	for i, c := range configs {
		out[i] = bind(c, data)
	}
	return out
}

// pointDir names a point's run directory after its configuration, as its
// run records it, and its data: the CRC-32 of the configuration's identity
// key (train.TrainConfig.IdentityKey) and the data's id.
func pointDir(c train.TrainConfig, dataID string) string {
	raw := c.IdentityKey()
	name := c.Model
	if c.Activation != "" { // "" where the model fixes its nonlinearity
		name += "_" + c.Activation
	}
	return fmt.Sprintf("%s_b%d_lr%g_s%d_%08x", name, c.Batch, c.LR, c.Seed, crc32.ChecksumIEEE(append(raw, dataID...)))
}

// repairSweepCSV drops a torn last row: one not ended by a newline, as a
// write cut short by a full disk or a kill leaves it (appendSweep ends every
// row with one and syncs). It returns the dropped text.
func repairSweepCSV(path string) (string, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) || (err == nil && (len(raw) == 0 || raw[len(raw)-1] == '\n')) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	keep := bytes.LastIndexByte(raw, '\n') + 1
	if err := os.Truncate(path, int64(keep)); err != nil {
		return "", fmt.Errorf("%s: cannot drop its torn last row: %w", path, safefile.Cause(err))
	}
	return string(raw[keep:]), nil
}

// NewSweepPoint summarises a finished run that took the given time.
func NewSweepPoint(run *train.Run, took time.Duration) SweepPoint {
	p := SweepPoint{Config: run.Config, TrainAcc: run.Final().TrainAcc, ValAcc: math.NaN(), TestAcc: run.Test.Accuracy,
		Test: map[string]float64{}, Trials: run.Test.Trials, BestEpoch: run.BestEpoch, Seconds: took.Seconds(), Data: run.Data, DataID: run.DataID,
		Completed: time.Now().UTC()}
	if run.Val != nil {
		p.ValAcc = run.Val.Accuracy
	}
	for _, m := range metrics.All() {
		p.Test[m.Name] = run.Test.Value(m.Name)
	}
	for _, e := range run.History {
		p.BestTest = max(p.BestTest, e.TestAcc)
	}
	return p
}

// SortPoints orders points by validation accuracy, best first (points
// without a validation split by final train accuracy, after those with
// one); the test set never decides.
func SortPoints(points []SweepPoint) {
	sort.SliceStable(points, func(i, j int) bool {
		a, b := points[i], points[j]
		av, bv := !math.IsNaN(a.ValAcc), !math.IsNaN(b.ValAcc)
		switch {
		case av && bv:
			return a.ValAcc > b.ValAcc
		case av != bv:
			return av
		}
		return a.TrainAcc > b.TrainAcc
	})
}

// SweepGrid trains base with every batch size × learning rate (see Sweep,
// with opt: opt.CSV is where each point is appended). It returns the points
// ranked as Sweep ranks them (SortPoints: by validation accuracy, else by
// final train accuracy), best first; the test set never ranks.
func SweepGrid(ctx context.Context, base train.TrainConfig, batches []int, lrs []float64, data *eeg.Data, opt SweepOptions) ([]SweepPoint, error) {
	if len(batches) == 0 || len(lrs) == 0 {
		return nil, fmt.Errorf("sweep: the grid is empty (%d batch sizes, %d learning rates)", len(batches), len(lrs))
	}
	configs, err := Grid{Base: base, Batches: batches, LRs: lrs}.Configs()
	if err != nil {
		return nil, err
	}
	return Sweep(ctx, configs, data, opt)
}

func findPoint(done []SweepPoint, cfg train.TrainConfig, dataID string) (SweepPoint, bool) {
	want := configKey(cfg)
	for _, p := range done {
		if p.DataID == dataID && configKey(p.Config) == want {
			return p, true
		}
	}
	return SweepPoint{}, false
}

// ReadSweep reads the points of a sweep CSV (none if the file does not exist).
func ReadSweep(path string) ([]SweepPoint, error) {
	points, _, err := readSweep(path)
	return points, err
}

// readSweep reads the points of a sweep CSV and its header (nil for a
// missing or empty file).
func readSweep(path string) ([]SweepPoint, []string, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return parseSweep(path, f)
}

// parseSweep reads the points and the header of a sweep CSV named path.
func parseSweep(path string, f io.Reader) ([]SweepPoint, []string, error) {
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(rows) == 0 {
		return nil, nil, nil
	}
	header := rows[0]
	for _, name := range append(append(slices.Clone(sweepColumns), "test_acc"), sweepTail...) {
		if !slices.Contains(header, name) {
			return nil, nil, fmt.Errorf("%s is not a sweep CSV of this eegkit (it has no %s column; header %v); move it away or choose another file", path, name, header)
		}
	}
	col := func(name string) int { return slices.Index(header, name) }
	var out []SweepPoint
	for i, r := range rows[1:] {
		var p SweepPoint
		var errs []error
		num := func(name string) float64 {
			v, err := strconv.ParseFloat(r[col(name)], 64)
			errs = append(errs, err)
			return v
		}
		errs = append(errs, json.Unmarshal([]byte(r[col("config")]), &p.Config))
		p.TrainAcc, p.ValAcc, p.TestAcc = num("train_acc"), num("val_acc"), num("test_acc")
		p.Test = map[string]float64{}
		for _, m := range metrics.All() {
			p.Test[m.Name] = math.NaN()
			if slices.Contains(header, metricColumn(m.Name)) {
				p.Test[m.Name] = num(metricColumn(m.Name))
			}
		}
		if slices.Contains(header, "test_trials") {
			p.Trials = int(num("test_trials"))
		}
		p.BestEpoch, p.BestTest, p.Seconds, p.Data, p.DataID = int(num("best_epoch")), num("best_test_acc"), num("seconds"), r[col("data")], r[col("data_id")]
		var err error
		p.Completed, err = time.Parse(time.RFC3339, r[col("completed")])
		errs = append(errs, err)
		if err := errors.Join(errs...); err != nil {
			return nil, nil, fmt.Errorf("%s line %d: %w", path, i+2, err)
		}
		if err := p.checkRanges(); err != nil {
			return nil, nil, fmt.Errorf("%s line %d is damaged: %w; remove the line (or the point file) to train the point again", path, i+2, err)
		}
		out = append(out, p)
	}
	return out, header, nil
}

// checkRanges says which of a point's values read from a CSV is outside
// its range: accuracies (NaN where none was measured) in [0, 1], a
// non-negative best epoch, trial count and training time.
func (p SweepPoint) checkRanges() error {
	for _, v := range []struct {
		name string
		x    float64
	}{{"train_acc", p.TrainAcc}, {"val_acc", p.ValAcc}, {"test_acc", p.TestAcc}, {"best_test_acc", p.BestTest}} {
		if !math.IsNaN(v.x) && (v.x < 0 || v.x > 1) {
			return fmt.Errorf("%s is %g, outside [0, 1]", v.name, v.x)
		}
	}
	if p.BestEpoch < 0 || p.Trials < 0 || p.Seconds < 0 || math.IsNaN(p.Seconds) {
		return fmt.Errorf("best_epoch %d, test_trials %d or seconds %g is negative", p.BestEpoch, p.Trials, p.Seconds)
	}
	return nil
}

// upgradeSweepCSV rewrites a sweep CSV written with other metrics (by an
// older eegkit, or before a metric was registered) with this eegkit's
// header, atomically, so that new rows line up with the old; a metric an old
// row lacks is NaN.
// header is the file's (nil for a missing or empty file) and done its points.
func upgradeSweepCSV(path string, header []string, done []SweepPoint) error {
	if header == nil || slices.Equal(header, sweepHeader()) {
		return nil
	}
	tmp := path + ".upgrade"
	os.Remove(tmp)
	for _, p := range done {
		if err := appendSweep(tmp, p); err != nil {
			os.Remove(tmp)
			return err
		}
	}
	if len(done) == 0 {
		return os.Remove(path)
	}
	return os.Rename(tmp, path)
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
		_ = w.Write(sweepHeader())
	}
	_ = w.Write(sweepRow(p))
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

// sweepCSV is a whole sweep CSV of points, header first.
func sweepCSV(points []SweepPoint) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(sweepHeader())
	for _, p := range points {
		_ = w.Write(sweepRow(p))
	}
	w.Flush()
	return b.Bytes()
}

// sweepRow is a point's CSV row, in sweepHeader's columns.
func sweepRow(p SweepPoint) []string {
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	c := p.Config
	dropout := "lab"
	if c.Dropout != nil {
		dropout = g(*c.Dropout)
	}
	cfg, _ := json.Marshal(c)
	row := []string{c.Model, c.Activation, strconv.Itoa(c.Batch), g(c.LR), g(c.WeightDecay), dropout, strconv.Itoa(c.Epochs),
		strconv.FormatUint(c.Seed, 10), g(c.ValFraction), g(p.TrainAcc), g(p.ValAcc)}
	for _, m := range metrics.All() {
		v, ok := p.Test[m.Name]
		if !ok {
			v = math.NaN()
		}
		row = append(row, g(v))
	}
	return append(row, strconv.Itoa(p.Trials), strconv.Itoa(p.BestEpoch), g(p.BestTest), g(p.Seconds), p.Data, p.DataID, p.Completed.Format(time.RFC3339), string(cfg))
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

// SweepHeatmap draws the final test accuracy of a batch × lr grid, both
// axes ascending (as ResultsHeatmap orders them).
func SweepHeatmap(title string, points []SweepPoint, batches []int, lrs []float64) (*plot.Figure, error) {
	batches, lrs = slices.Sorted(slices.Values(batches)), slices.Sorted(slices.Values(lrs))
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
	f, err := plot.HeatmapFigure(title, "batch size", "learning rate", rows, cols, values)
	if err != nil {
		return nil, err
	}
	sources := make([]string, len(points))
	for i, p := range points {
		sources[i] = p.Data
	}
	f.Caption = plot.DataCaption(sources)
	return f, nil
}
