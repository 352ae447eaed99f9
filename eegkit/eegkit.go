// Package eegkit is the front door to eegkit: the few calls a notebook
// needs — load the data, build the lab's models or one of one's own, train
// into a run store, report and plot — each delegating to the package that
// holds it (eeg, datasets, recording, preprocess, dsp, nn, models, train,
// metrics, baselines, experiments, benchmark, plot, lab). Programs that need more import those packages.
package eegkit

import (
	"context"
	"errors"
	"fmt"

	"github.com/eegkit/eegkit/eegkit/augment"
	"github.com/eegkit/eegkit/eegkit/benchmark"
	"github.com/eegkit/eegkit/eegkit/datasets"
	"github.com/eegkit/eegkit/eegkit/dsp"
	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/experiments"
	"github.com/eegkit/eegkit/eegkit/lab"
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/onnx"
	"github.com/eegkit/eegkit/eegkit/plot"
	"github.com/eegkit/eegkit/eegkit/preprocess"
	"github.com/eegkit/eegkit/eegkit/recording"
	"github.com/eegkit/eegkit/eegkit/train"
)

// Data, models, layers and runs, as their packages define them.
type (
	Dataset       = eeg.Dataset          // trials, labels, subjects
	Data          = eeg.Data             // a train and test pair
	Model         = nn.Model             // a network as data
	Block         = nn.Block             // a named list of layers
	Layer         = nn.Layer             // what a model is made of
	Activation    = nn.Activation        // ReLU, LeakyReLU, ELU
	Conv2d        = nn.Conv2d            // a 2-D convolution
	Pool2d        = nn.Pool2d            // average or max pooling
	Linear        = nn.Linear            // the classifier
	Dropout       = nn.Dropout           // dropout
	Squared       = nn.Squared           // x²
	SafeLog       = nn.SafeLog           // log(max(x, eps))
	Named         = nn.Named             // a layer under a state_dict name of its own
	Sequential    = nn.Sequential        // layers in order, inside a layer
	Concat        = nn.Concat            // parallel branches joined on the channels
	Residual      = nn.Residual          // x + f(x), with an optional projection
	EEGNetOptions = models.EEGNetOptions // EEGNet's architecture keywords
	TrainConfig   = train.TrainConfig    // what a run trains
	EpochStats    = train.EpochStats     // one epoch of a run's history
	Run           = train.Run            // a trained run
	Figure        = plot.Figure          // a figure
	Spectra       = dsp.Spectra          // power spectra per class and channel
	LabRuns       = lab.Runs             // the lab's runs by model and activation
)

// The lab's activations.
const (
	ReLU         = nn.ReLU
	LeakyReLU    = nn.LeakyReLU
	ELU          = nn.ELU
	NoActivation = nn.NoActivation // the model's own nonlinearity
)

// Activations are the lab's three, in its tables' order.
func Activations() []Activation { return nn.Activations() }

// ModelNames are the lab's two models.
func ModelNames() []string { return lab.Models() }

// LabInput is the lab's per-trial input, 1 × 2 channels × 750 samples.
var LabInput = models.LabInput

// LoadData loads the data in dir: the lab's files or EEGMMIDB (datasets.LoadData).
func LoadData(dir string) (*eeg.Data, error) { return datasets.LoadData(dir) }

// LoadPreprocessed is LoadData with preprocessing, steps separated by
// commas ("bandpass:4-38,ems"; preprocess.Usage lists them): over EEGMMIDB's
// and a competition's recordings before cutting, over each trial of the
// lab's and trials files. The data's Source says how it was preprocessed.
func LoadPreprocessed(dir, spec string) (*eeg.Data, error) {
	p, err := preprocess.ParsePipeline(spec)
	if err != nil {
		return nil, err
	}
	return datasets.LoadDataWith(dir, datasets.MMIDBOptions{Preprocess: p})
}

// GenerateSubjects writes synthetic subjects that differ as real ones do,
// of several sessions, as trials files that LoadData reads
// (datasets.GenerateSubjects).
func GenerateSubjects(dir string, seed uint64, subjects, sessions, trials int) error {
	return datasets.GenerateSubjects(dir, seed, subjects, sessions, trials)
}

// BenchmarkReport is a benchmark's scores per subject, the tests across
// subjects and the verdict (benchmark.Report).
type BenchmarkReport = benchmark.Report

// Benchmark scores pipelines ("eegnet:elu,csp": models with their presets,
// epochs overriding theirs when not 0, and baselines) on each subject of
// data under an evaluation scheme (benchmark.Evaluations: within-session
// with 5 folds, cross-session, cross-subject, competition) in dir, whose
// finished folds it reuses; it writes there the report of every pipeline
// the directory holds and returns the report of those asked for.
func Benchmark(ctx context.Context, data *Data, dataset, evaluation, pipelines string, epochs int, dir string, progress func(done, total int, what string)) (*BenchmarkReport, error) {
	pipes, err := benchmark.ParsePipelines(pipelines)
	if err != nil {
		return nil, err
	}
	pool, err := benchmark.PoolOf(data, dataset)
	if err != nil {
		return nil, err
	}
	plan := benchmark.NewPlan(pool, data, evaluation, pipes, benchmark.Settings{Epochs: epochs, Seed: 1})
	if _, err := benchmark.Run(ctx, dir, pool, pipes, plan, experiments.Shard{}, benchmark.Options{}, progress); err != nil {
		return nil, err
	}
	r, err := benchmark.ReadReport(dir)
	if err != nil {
		return nil, err
	}
	if _, err = r.Write(dir); err != nil {
		return nil, err
	}
	return r.Select(plan.Pipelines)
}

// ReadRecording reads an EDF, EDF+, BDF, BDF+, GDF or BrainVision (.vhdr)
// recording: its channels and its events (recording.Read).
func ReadRecording(path string) (*recording.Recording, error) { return recording.Read(path) }

// ParseActivation reads "relu", "leakyrelu", "elu" or "" (the model's own).
func ParseActivation(s string) (Activation, error) { return nn.ParseActivation(s) }

// NewModel builds a registered model for the lab's input (models.New).
func NewModel(name string, act Activation) (*Model, error) { return models.New(name, act) }

// EEGNetWith builds the lab's EEGNet with other architecture keywords, for
// the lab's input (models.EEGNetWith for other inputs).
func EEGNetWith(o EEGNetOptions) (*Model, error) {
	return models.EEGNetWith(models.LabInput[1], 2, models.LabInput[2], o)
}

// Seq is a Sequential of layers, inside a layer (nn.Seq).
func Seq(layers ...Layer) Sequential { return nn.Seq(layers...) }

// BatchNorm is PyTorch's BatchNorm2d over features channels.
func BatchNorm(features int) nn.BatchNorm2d { return nn.BatchNorm(features) }

// Preset is the lab's hyperparameters for a model and activation (train.Preset).
func Preset(model string, act Activation) (TrainConfig, error) { return train.Preset(model, act) }

// Store is a run store (experiments.Store) with the lab's views of it.
type Store struct{ *experiments.Store }

// OpenStore opens the run store in dir.
func OpenStore(dir string) *Store { return &Store{experiments.OpenStore(dir)} }

// Runs are the finished runs of exactly configs on data (lab.Load). A
// configuration the store has not trained is an error in a notebook's
// terms: the cell that trains it comes first.
func (s *Store) Runs(configs []TrainConfig, data *Data) (LabRuns, error) {
	runs, err := lab.Load(s.Store, configs, data)
	return runs, inNotebookTerms(err)
}

// Load is the store's runs of configs on data, in their order
// (experiments.Store.Load), its error in a notebook's terms as Runs's.
func (s *Store) Load(configs []TrainConfig, data *Data) ([]*Run, error) {
	runs, err := s.Store.Load(configs, data)
	return runs, inNotebookTerms(err)
}

// inNotebookTerms says what a notebook does about a run that is missing.
func inNotebookTerms(err error) error {
	var nt *experiments.NotTrainedError
	switch {
	case errors.As(err, &nt) && nt.Epochs > 0:
		return fmt.Errorf("the training of %s stopped after %d of its %d epochs (in %s): run the training cell above first, to finish it", nt.Config, nt.Epochs, nt.Config.Epochs, nt.Store)
	case errors.As(err, &nt):
		return fmt.Errorf("this notebook has not trained %s yet (in %s): run the training cell above first", nt.Config, nt.Store)
	}
	return err
}

// Train is the store's Train (experiments.Store.Train) on the device the
// environment asks for ($GOMLX_BACKEND, $EEGKIT_PARTS: train.DeviceFromEnv).
func (s *Store) Train(ctx context.Context, cfg TrainConfig, data *Data, progress func(EpochStats)) (run *Run, reused bool, err error) {
	dev, err := train.DeviceFromEnv()
	if err != nil {
		return nil, false, err
	}
	return s.Fit(ctx, cfg, data, train.FitOptions{Progress: progress, Device: dev})
}

// Latest is the newest run of each lab model and activation on dataID (lab.Latest).
func (s *Store) Latest(dataID string) (LabRuns, error) { return lab.Latest(s.Store, dataID) }

// ReportRuns returns the lab's runs on data in dir, training what is missing (lab.ReportRuns).
// They train on the device the environment asks for ($GOMLX_BACKEND,
// $EEGKIT_PARTS: train.DeviceFromEnv).
func ReportRuns(ctx context.Context, data *Data, dir string, epochs int, progress lab.ProgressFunc, logf func(string, ...any)) (LabRuns, error) {
	dev, err := train.DeviceFromEnv()
	if err != nil {
		return nil, err
	}
	return lab.ReportRuns(ctx, data, lab.Options{OutDir: dir, Epochs: epochs, Progress: progress, Log: logf, Device: dev})
}

// RunSummary says in Markdown what a run is and how it went (lab.RunSummary).
func RunSummary(r *Run, reused bool, dir string) string { return lab.RunSummary(r, reused, dir) }

// HyperparameterTable lists a run's hyperparameters (lab.HyperparameterTable).
func HyperparameterTable(r *Run) string { return lab.HyperparameterTable(r) }

// DataReport describes the data: source, trials, classes, NaNs (lab.DataReport).
func DataReport(d *Data) string { return lab.DataReport(d) }

// SpectraReport describes a subject's spectra and mu-band lateralisation (lab.SpectraReport).
func SpectraReport(subject string, s *Spectra) string { return lab.SpectraReport(subject, s) }

// Table1 is the lab's Table 1 and its best model (lab.Table1).
func Table1(acc map[string]map[string]float64) (table, best string) { return lab.Table1(acc) }

// ClassSpectra averages power spectra per class and channel (dsp.ClassSpectra).
func ClassSpectra(ds *Dataset, subject string, fromSeconds float64) (*Spectra, error) {
	return dsp.ClassSpectra(ds, subject, fromSeconds)
}

// TrialFigure draws a left-hand and a right-hand trial (plot.TrialFigure).
func TrialFigure(ds *Dataset, left, right int) (*Figure, error) {
	return plot.TrialFigure(ds, left, right)
}

// SpectrumFigure draws spectra (plot.SpectrumFigure).
func SpectrumFigure(title string, s *Spectra) (*Figure, error) { return plot.SpectrumFigure(title, s) }

// CompareRuns is a Markdown table comparing runs (experiments.CompareRuns).
func CompareRuns(runs []*Run) string { return experiments.CompareRuns(runs) }

// Augmentation is a pipeline of data augmentations (augment.Pipeline);
// its Name is what TrainConfig.Augment takes.
type Augmentation = augment.Pipeline

// Augment builds the augmentation spec describes for the trials of ds, in
// package augment's grammar ("timeshift:0.2s,noise:0.1,mirror:0.5"); set
// cfg.Augment to its Name() and Fit applies it to every training batch.
func Augment(spec string, ds *eeg.Dataset) (Augmentation, error) {
	return augment.Parse(spec, augment.InfoOf(ds))
}

// Comparison is McNemar's exact test on two runs' predictions of the same
// test trials (experiments.Comparison); its Verdict says which is better.
type Comparison = experiments.Comparison

// Compare predicts ds with both runs and tests whether their accuracies
// differ by more than chance (experiments.CompareOn).
func Compare(a, b *Run, ds *eeg.Dataset) (Comparison, error) { return experiments.CompareOn(a, b, ds) }

// CompareFigure draws runs' accuracy per epoch (experiments.CompareFigure).
func CompareFigure(title string, runs []*Run) (*Figure, error) {
	return experiments.CompareFigure(title, runs)
}

// IntervalFigure draws runs' test accuracies with their 95 % Wilson
// intervals (experiments.IntervalFigure).
func IntervalFigure(title string, runs []*Run) (*Figure, error) {
	return experiments.IntervalFigure(title, runs)
}

// ModelEntries are the registered models: their names, what they are,
// whether they need the sampling rate, and their presets (models.Entries).
func ModelEntries() []models.Entry { return models.Entries() }

// ExportONNX writes a trained run's model as an ONNX graph in evaluation
// mode (package onnx), for onnxruntime.
func ExportONNX(r *Run, path string) error {
	sd, err := r.Net.StateDict()
	if err != nil {
		return err
	}
	_, err = onnx.WriteFile(path, r.Net.Model, sd)
	return err
}

// SweepGrid trains batch × learning-rate points, resumably
// (experiments.SweepGrid), on the device the environment asks for
// (train.DeviceFromEnv).
func SweepGrid(ctx context.Context, base TrainConfig, batches []int, lrs []float64, data *Data, csvPath string, workers int, progress func(TrainConfig, EpochStats)) ([]experiments.SweepPoint, error) {
	dev, err := train.DeviceFromEnv()
	if err != nil {
		return nil, err
	}
	return experiments.SweepGrid(ctx, base, batches, lrs, data, experiments.SweepOptions{CSV: csvPath, Workers: workers, Progress: progress, Device: dev})
}

// SweepTable ranks a sweep's points (experiments.SweepTable).
func SweepTable(points []experiments.SweepPoint) string { return experiments.SweepTable(points) }

// SweepHeatmap draws a sweep as a heat map (experiments.SweepHeatmap).
func SweepHeatmap(title string, points []experiments.SweepPoint, batches []int, lrs []float64) (*Figure, error) {
	return experiments.SweepHeatmap(title, points, batches, lrs)
}
