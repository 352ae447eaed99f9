package lab

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/eegkit/eegkit/eegkit/dsp"
	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/experiments"
	"github.com/eegkit/eegkit/eegkit/metrics"
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/plot"
	"github.com/eegkit/eegkit/eegkit/safefile"
	"github.com/eegkit/eegkit/eegkit/train"
)

// Runs are the six runs of the lab by model key ("eegnet", "deepconvnet") and activation.
type Runs map[string]map[nn.Activation]*train.Run

// Accuracies returns the final test accuracy by model name and activation label, as Table1 takes them.
func (lr Runs) Accuracies() map[string]map[string]float64 {
	acc := map[string]map[string]float64{}
	for model, runs := range lr {
		name := lr.ModelName(model)
		for act, r := range runs {
			if acc[name] == nil {
				acc[name] = map[string]float64{}
			}
			acc[name][act.Label()] = r.Final().TestAcc
		}
	}
	return acc
}

// Best returns the run with the highest final test accuracy.
func (lr Runs) Best() (model string, act nn.Activation, run *train.Run) {
	for _, m := range Models() {
		for _, a := range nn.Activations() {
			if r := lr[m][a]; r != nil && (run == nil || r.Final().TestAcc > run.Final().TestAcc) {
				model, act, run = m, a, r
			}
		}
	}
	return
}

// RunnerUp returns the run with the second-highest final test accuracy.
func (lr Runs) RunnerUp() (model string, act nn.Activation, run *train.Run) {
	_, _, best := lr.Best()
	for _, m := range Models() {
		for _, a := range nn.Activations() {
			if r := lr[m][a]; r != nil && r != best && (run == nil || r.Final().TestAcc > run.Final().TestAcc) {
				model, act, run = m, a, r
			}
		}
	}
	return
}

// BestVsRunnerUp tests whether the best run is better than the runner-up
// on test, the test set both were scored on (McNemar's exact test on their
// paired predictions): the lab's question, with the statistics it deserves.
func (lr Runs) BestVsRunnerUp(test *eeg.Dataset) (experiments.Comparison, error) {
	bm, ba, best := lr.Best()
	rm, ra, runner := lr.RunnerUp()
	if best == nil || runner == nil {
		return experiments.Comparison{}, fmt.Errorf("comparing the best run with the runner-up needs two runs, have %d", len(lr.Accuracies()))
	}
	c, err := experiments.CompareOn(best, runner, test)
	c.A, c.B = lr.ModelName(bm)+"/"+ba.Label(), lr.ModelName(rm)+"/"+ra.Label()
	return c, err
}

// Discussion writes the lab report's discussion from the runs: every number
// in it is computed from their histories.
func (lr Runs) Discussion() string {
	var sb strings.Builder
	mean := func(model string) float64 {
		s, n := 0.0, 0
		for _, r := range lr[model] {
			s += r.Final().TestAcc
			n++
		}
		return s / float64(max(n, 1))
	}
	_, ba, br := lr.Best()
	if br == nil {
		return "No runs to discuss.\n"
	}
	fmt.Fprintf(&sb, "- **Best run**: %s with %s, %.2f%% test accuracy after %d epochs (batch %d, learning rate %g).\n",
		br.Net.Model.Name, ba.Label(), 100*br.Final().TestAcc, len(br.History), br.Config.Batch, br.Config.LR)
	e, d := mean("eegnet"), mean("deepconvnet")
	fmt.Fprintf(&sb, "- **EEGNet vs DeepConvNet**: averaged over the three activations, EEGNet reaches %.2f%% and DeepConvNet %.2f%% (%+.2f points), "+
		"with %d vs %d parameters.\n", 100*e, 100*d, 100*(e-d), models.EEGNet(nn.ReLU).NumParams(), models.DeepConvNet(nn.ReLU).NumParams())
	for _, model := range Models() {
		runs := lr[model]
		if len(runs) == 0 {
			continue
		}
		acts := append([]nn.Activation(nil), nn.Activations()...)
		sort.SliceStable(acts, func(i, j int) bool { return runs[acts[i]].Final().TestAcc > runs[acts[j]].Final().TestAcc })
		spread := runs[acts[0]].Final().TestAcc - runs[acts[len(acts)-1]].Final().TestAcc
		name := runs[acts[0]].Net.Model.Name
		fmt.Fprintf(&sb, "- **Activations in %s**: %s %.2f%%, %s %.2f%%, %s %.2f%%: a spread of %.2f points.\n", name,
			acts[0].Label(), 100*runs[acts[0]].Final().TestAcc, acts[1].Label(), 100*runs[acts[1]].Final().TestAcc,
			acts[2].Label(), 100*runs[acts[2]].Final().TestAcc, 100*spread)
	}
	gapModel, gapAct, gap := "", nn.Activation(0), -1.0
	for _, model := range Models() {
		for act, r := range lr[model] {
			if g := r.Final().TrainAcc - r.Final().TestAcc; g > gap {
				gapModel, gapAct, gap = r.Net.Model.Name, act, g
			}
		}
	}
	fmt.Fprintf(&sb, "- **Overfitting**: final train accuracy exceeds test accuracy most for %s with %s, by %.2f points.\n",
		gapModel, gapAct.Label(), 100*gap)
	peak, peakEpoch := 0.0, 0
	for _, e := range br.History {
		if e.TestAcc > peak {
			peak, peakEpoch = e.TestAcc, e.Epoch
		}
	}
	if optimism := peak - br.Final().TestAcc; optimism > 0 {
		fmt.Fprintf(&sb, "- **Choosing the epoch on the test set** would report %.2f%% for the best run (epoch %d) instead of %.2f%% at the last epoch: "+
			"%.2f points of optimism, which is why this report, like the lab, uses the last epoch.\n", 100*peak, peakEpoch, 100*br.Final().TestAcc, 100*optimism)
	} else {
		fmt.Fprintf(&sb, "- **Choosing the epoch on the test set** would change nothing here: the best run's last epoch (%.2f%%) is also its best on the test set. "+
			"In general it would be optimistic, which is why this report, like the lab, uses the last epoch.\n", 100*br.Final().TestAcc)
	}
	sb.WriteString("- **One split of two subjects** ranks these runs, not decoders: `eegkit benchmark` (notebook 07) scores each " +
		"configuration per subject within and across sessions and subjects, and tests the differences across subjects as MOABB does.\n")
	return sb.String()
}

// ConfigTable lists which run each cell of Table 1 shows, with its
// hyperparameters and its id in the run store, as Markdown.
func (lr Runs) ConfigTable() string {
	var sb strings.Builder
	sb.WriteString("| model | activation | batch | lr | weight decay | epochs | seed | protocol | test acc | run id |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for _, model := range Models() {
		for _, act := range nn.Activations() {
			r := lr[model][act]
			if r == nil {
				continue
			}
			c := r.Config
			fmt.Fprintf(&sb, "| %s | %s | %d | %g | %g | %d | %d | %s | %s | `%s` |\n", lr.ModelName(model), act.Label(), c.Batch, c.LR,
				c.WeightDecay, len(r.History), c.Seed, strings.SplitN(r.Protocol, ":", 2)[0], experiments.AccuracyCell(r.Final().TestAcc, r.Test.Trials), experiments.RunID(c, r.DataID))
		}
	}
	return sb.String()
}

// ModelName is the display name of a model key ("EEGNet" for "eegnet").
func (lr Runs) ModelName(model string) string {
	m, err := models.New(model, nn.NoActivation)
	if err != nil {
		return model
	}
	return m.Name
}

// AccuracyFigure draws the lab's accuracy-per-epoch figure (Figure 9 or 10)
// of one model's runs, with a caption naming the data and each run's id in
// the store, so a figure always says what it shows.
func (lr Runs) AccuracyFigure(model string) (*plot.Figure, error) {
	f, err := plot.AccuracyFigure(lr.ModelName(model), lr.Histories(model))
	if err != nil {
		return nil, err
	}
	var sources, ids []string
	for _, act := range nn.Activations() {
		if r := lr[model][act]; r != nil {
			sources = append(sources, r.Data)
			ids = append(ids, act.Name()+" "+experiments.RunID(r.Config, r.DataID))
		}
	}
	f.Caption = plot.DataCaption(sources) + " · runs: " + strings.Join(ids, ", ")
	return f, nil
}

// Histories returns the per-epoch history of each activation's run of a model.
func (lr Runs) Histories(model string) map[nn.Activation][]train.EpochStats {
	out := map[nn.Activation][]train.EpochStats{}
	for act, r := range lr[model] {
		out[act] = r.History
	}
	return out
}

// Data says which data the runs were trained on (they must agree).
func (lr Runs) Data() string {
	seen := map[string]bool{}
	var list []string
	for _, runs := range lr {
		for _, r := range runs {
			if !seen[r.Data] {
				seen[r.Data] = true
				list = append(list, r.Data)
			}
		}
	}
	sort.Strings(list)
	return strings.Join(list, "; ")
}

// ensure makes sure the run store opt.OutDir (see Store) holds the six
// preset runs (with opt.Epochs) on data: finished runs are reused,
// interrupted ones resumed, missing ones trained. opt.Progress, if not nil,
// makes an epoch callback for each training; opt.Log, if not nil, gets the
// plan and one line per run.
func ensure(ctx context.Context, data *eeg.Data, opt Options) (Runs, error) {
	var configs []train.TrainConfig
	for _, model := range Models() {
		for _, act := range nn.Activations() {
			cfg, err := train.Preset(model, act)
			if err != nil {
				return nil, err
			}
			if opt.Epochs > 0 {
				cfg.Epochs = opt.Epochs
			}
			configs = append(configs, cfg)
		}
	}
	return AddRuns(ctx, experiments.OpenStore(opt.OutDir), data, Runs{}, configs, opt)
}

// ReportRuns returns what a report of the store opt.OutDir shows for data:
// the newest finished run of each model and activation on that data,
// whatever its hyperparameters (a run a notebook tweaked counts), training
// the lab's preset (with opt.Epochs) only where there is none. It logs the
// plan before training anything. Runs on other data are never mixed in.
func ReportRuns(ctx context.Context, data *eeg.Data, opt Options) (Runs, error) {
	store := experiments.OpenStore(opt.OutDir)
	have, err := Latest(store, data.ID())
	if err != nil {
		return nil, err
	}
	var missing []train.TrainConfig
	for _, model := range Models() {
		for _, act := range nn.Activations() {
			if have[model][act] != nil {
				continue
			}
			cfg, err := train.Preset(model, act)
			if err != nil {
				return nil, err
			}
			if opt.Epochs > 0 {
				cfg.Epochs = opt.Epochs
			}
			missing = append(missing, cfg)
		}
	}
	return AddRuns(ctx, store, data, have, missing, opt)
}

// ProgressFunc makes the epoch callback of run k of n runs trained one after
// another (k counts from 1), so a display can say "run 2 of 6".
type ProgressFunc func(cfg train.TrainConfig, k, n int) func(train.EpochStats)

// AddRuns adds the runs of configs, trained on opt.Device or reused from
// store, to have, telling opt.Progress and opt.Log.
func AddRuns(ctx context.Context, store *experiments.Store, data *eeg.Data, have Runs, configs []train.TrainConfig, opt Options) (Runs, error) {
	logf, progress := opt.logf(), opt.Progress
	var todo []train.TrainConfig
	for _, cfg := range configs {
		if st, err := os.Stat(filepath.Join(store.RunDir(cfg, data), train.SumsFile)); err != nil || st == nil {
			todo = append(todo, cfg)
		}
	}
	if len(todo) > 0 {
		plan := TrainingPlan(todo, store)
		reused := len(configs) - len(todo)
		for _, m := range have {
			reused += len(m)
		}
		if reused > 0 {
			plan += fmt.Sprintf("; reusing %d finished run(s)", reused)
		}
		logf("%s", plan)
	}
	k := 0 // counts the runs that train (reused ones show no progress)
	for _, cfg := range configs {
		var pf func(train.EpochStats)
		if slices.Contains(todo, cfg) {
			k++
			if progress != nil {
				pf = progress(cfg, k, len(todo))
			}
		}
		run, reused, err := store.Fit(ctx, cfg, data, train.FitOptions{Progress: pf, Device: opt.Device})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", cfg, err)
		}
		dir := store.RunDir(cfg, data)
		if reused {
			logf("%s: reusing the finished run in %s", cfg, dir)
		} else {
			logf("run %d of %d, %s: test accuracy %s, saved to %s", k, len(todo), cfg, metrics.Percent(run.Final().TestAcc), dir)
		}
		act, _ := nn.ParseActivation(cfg.Activation)
		if have[cfg.Model] == nil {
			have[cfg.Model] = map[nn.Activation]*train.Run{}
		}
		have[cfg.Model][act] = run
	}
	return have, nil
}

// TrainingPlan says what training configs will take: "training 2 run(s) ×
// 300 epochs (eegnet/relu, deepconvnet/elu), about 25 min on this machine". The time per epoch of each model
// comes from the runs the store already holds (the median epoch of its
// newest run of that model and batch size); without one it says so.
func TrainingPlan(configs []train.TrainConfig, store *experiments.Store) string {
	epochs := map[int]bool{}
	total, known := 0.0, 0
	stored, _ := store.List()
	for _, cfg := range configs {
		epochs[cfg.Epochs] = true
		for _, r := range stored {
			if r.Config.Model == cfg.Model && r.Config.Batch == cfg.Batch && r.Status == experiments.StatusFinished {
				if run, err := readRunJSON(r.Dir); err == nil && len(run.History) > 0 {
					total += medianEpochSeconds(run.History) * float64(cfg.Epochs)
					known++
					break
				}
			}
		}
	}
	var ep []string
	for e := range epochs {
		ep = append(ep, strconv.Itoa(e))
	}
	sort.Strings(ep)
	names := make([]string, len(configs))
	for i, cfg := range configs {
		names[i] = cfg.Model
		if cfg.Activation != "" {
			names[i] += "/" + cfg.Activation
		}
	}
	plan := fmt.Sprintf("training %d run(s) × %s epochs (%s)", len(configs), strings.Join(ep, "/"), strings.Join(names, ", "))
	switch {
	case known == len(configs):
		plan += fmt.Sprintf(", about %s on this machine (from the epoch times of the runs already trained)", fmtMinutes(total))
	case known > 0:
		plan += fmt.Sprintf("; %d of them about %s on this machine, the others of unknown time (no run of that model and batch size yet)", known, fmtMinutes(total))
	default:
		plan += "; the time left shows after the first epoch"
	}
	return plan
}

func medianEpochSeconds(h []train.EpochStats) float64 {
	s := make([]float64, len(h))
	for i, e := range h {
		s[i] = e.Seconds
	}
	sort.Float64s(s)
	return s[len(s)/2]
}

func fmtMinutes(s float64) string {
	if s < 90 {
		return fmt.Sprintf("%.0f s", s)
	}
	return fmt.Sprintf("%.0f min", s/60)
}

// readRunJSON reads run.json of dir without loading the model.
func readRunJSON(dir string) (*train.Run, error) {
	raw, err := safefile.ReadRegular(filepath.Join(dir, train.RunFile), "a run.json")
	if err != nil {
		return nil, err
	}
	r := &train.Run{}
	return r, json.Unmarshal(raw, r)
}

// RunSummary is a one-paragraph Markdown account of a run.
func RunSummary(r *train.Run, reused bool, dir string) string {
	how := "trained and saved in"
	if reused {
		how = "reused from"
	}
	if len(r.ResumedAt) > 0 {
		how = fmt.Sprintf("resumed after epoch %s and saved in", strings.Trim(strings.Join(strings.Fields(fmt.Sprint(r.ResumedAt)), ", "), "[]"))
	}
	f := r.Final()
	subs := r.Test.Subjects()
	for i, s := range subs {
		subs[i] = fmt.Sprintf("%s %.2f%%", s, 100*r.Test.PerSubject[s])
	}
	per := ""
	if len(subs) > 0 {
		per = " (" + strings.Join(subs, ", ") + ")"
	}
	return fmt.Sprintf("**%s**: %s `%s`; after %d epochs train accuracy %.2f%%, test accuracy %.2f%%%s.",
		r.Config, how, dir, len(r.History), 100*f.TrainAcc, 100*f.TestAcc, per)
}

// HyperparameterTable lists a run's hyperparameters and results as Markdown.
func HyperparameterTable(r *train.Run) string {
	b1, b2, eps := r.Config.Adam()
	dropout := "the lab's (0.25 in EEGNet, 0.5 in DeepConvNet)"
	if r.Config.Dropout != nil {
		dropout = fmt.Sprintf("%g", *r.Config.Dropout)
	}
	rows := [][2]string{
		{"model", r.Net.Model.Name},
		{"activation", r.Net.Model.Act.Label()},
		{"parameters", fmt.Sprint(r.Net.Model.NumParams())},
		{"epochs", fmt.Sprint(r.Config.Epochs)},
		{"batch size", fmt.Sprint(r.Config.Batch)},
		{"optimizer", fmt.Sprintf("Adam (lr %g, betas %g/%g, eps %g, weight decay %g)", r.Config.LR, b1, b2, eps, r.Config.WeightDecay)},
		{"loss", "cross-entropy"},
		{"dropout", dropout},
		{"seed", fmt.Sprint(r.Config.Seed)},
		{"final train accuracy", fmt.Sprintf("%.2f%%", 100*r.Final().TrainAcc)},
		{"final test accuracy (95 % Wilson interval)", experiments.AccuracyCell(r.Final().TestAcc, r.Test.Trials)},
	}
	s := "| hyperparameter | value |\n|---|---|\n"
	for _, row := range rows {
		s += "| " + row[0] + " | " + row[1] + " |\n"
	}
	return s
}

// DataReport describes loaded lab data as Markdown: which data it is, trial
// and class counts per subject and split, and the missing values replaced.
func DataReport(ld *eeg.Data) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "**Data**: %s, read from `%s`.\n\n", ld.Source, ld.Dir)
	sb.WriteString("| split | subject | trials | left hand | right hand | trials with NaN |\n|---|---|---|---|---|---|\n")
	for _, sp := range []struct {
		name string
		ds   *eeg.Dataset
	}{{"train", ld.Train}, {"test", ld.Test}} {
		counts, nans := sp.ds.Counts(), sp.ds.NaNTrials()
		for _, s := range sp.ds.Subjects {
			c := counts[s]
			fmt.Fprintf(&sb, "| %s | %s | %d | %d | %d | %d |\n", sp.name, s, c[0]+c[1], c[0], c[1], nans[s])
		}
	}
	fmt.Fprintf(&sb, "\nMissing values: %d NaN values in the training set and %d in the test set, replaced (as the lab does) by the "+
		"nanmean of the whole set: %.4f µV and %.4f µV.\n", ld.TrainNaNs, ld.TestNaNs, ld.TrainNaNMean, ld.TestNaNMean)
	return sb.String()
}

// SpectraReport summarises the mu-band difference between the classes as Markdown.
func SpectraReport(subject string, s *dsp.Spectra) string {
	lat := s.Lateralization()
	return fmt.Sprintf("Subject %s (%d left, %d right trials, from %.1f s): mu-band (8–13 Hz) power for right-hand vs left-hand imagery "+
		"is %+.1f%% over C3 and %+.1f%% over C4. Imagery weakens mu over the opposite hemisphere, so right-hand trials have less mu "+
		"over C3 (left hemisphere) and left-hand trials less over C4.", subject, s.Count[0], s.Count[1], s.From, 100*lat[0], 100*lat[1])
}

// Latest returns, for each of the lab's models and activation, the newest
// finished run on the data identified by dataID: what the lab's report of
// the store shows. Runs on other data are never mixed in, nor runs of other
// models or of a lab model with a tweaked architecture (TrainConfig.Arch).
func Latest(s *experiments.Store, dataID string) (Runs, error) {
	runs, err := s.List()
	if err != nil {
		return nil, err
	}
	out := Runs{}
	for _, r := range runs { // newest first
		if r.Status != experiments.StatusFinished || r.DataID != dataID || r.Config.Arch != nil || !slices.Contains(Models(), r.Config.Model) {
			continue // the lab's report: its two models, as the lab builds them (not a tweaked architecture)
		}
		act, err := nn.ParseActivation(r.Config.Activation)
		if err != nil {
			continue
		}
		if out[r.Config.Model] == nil {
			out[r.Config.Model] = map[nn.Activation]*train.Run{}
		}
		if out[r.Config.Model][act] != nil {
			continue
		}
		run, err := train.LoadRun(r.Dir)
		if err != nil {
			return nil, err
		}
		out[r.Config.Model][act] = run
	}
	return out, nil
}

// Load returns the finished runs in s of exactly configs on data (each must
// be in the store).
func Load(s *experiments.Store, configs []train.TrainConfig, data *eeg.Data) (Runs, error) {
	runs, err := s.Load(configs, data)
	if err != nil {
		return nil, err
	}
	out := Runs{}
	for _, run := range runs {
		act, err := nn.ParseActivation(run.Config.Activation)
		if err != nil {
			return nil, err
		}
		if out[run.Config.Model] == nil {
			out[run.Config.Model] = map[nn.Activation]*train.Run{}
		}
		out[run.Config.Model][act] = run
	}
	return out, nil
}
