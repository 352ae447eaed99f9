package experiments_test

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/datasets"
	"github.com/eegkit/eegkit/eegkit/experiments"
	"github.com/eegkit/eegkit/eegkit/metrics"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/train"
)

// TestUserMetric registers a metric in one place and finds it in the
// sweep CSV, the results table and the run comparison; a sweep CSV of an
// older header is upgraded in place, its rows kept, when the sweep goes on.
func TestUserMetric(t *testing.T) {
	metrics.Register(metrics.Metric{Name: "right_recall", Title: "right recall", Percent: true, Report: true,
		Compute: func(p metrics.Predictions) float64 {
			row := p.Confusion[1]
			return float64(row[1]) / float64(row[0]+row[1])
		}})
	data, err := datasets.LoadLab(filepath.Join("..", "datasets", "testdata", "lab"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := train.Preset("eegnetv4", nn.NoActivation)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Epochs = 1
	csvPath := filepath.Join(t.TempDir(), "sweep.csv")
	configs := []train.TrainConfig{cfg}
	points, err := experiments.Sweep(context.Background(), configs, data, experiments.SweepOptions{CSV: csvPath, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := points[0].Test["right_recall"]
	if math.IsNaN(want) || want < 0 || want > 1 {
		t.Fatalf("right_recall %v", want)
	}
	header := readHeader(t, csvPath)
	if !slices.Contains(header, "right_recall") || !slices.Contains(header, "balanced_accuracy") {
		t.Errorf("CSV header %v lacks the registered metrics", header)
	}
	read, err := experiments.ReadSweep(csvPath)
	if err != nil || read[0].Test["right_recall"] != want {
		t.Fatalf("read back %v, %v", read, err)
	}
	table := experiments.ResultsTable(experiments.GroupSeeds(points))
	if !strings.Contains(strings.Split(table, "\n")[0], "| right recall |") {
		t.Errorf("results table header: %s", strings.Split(table, "\n")[0])
	}
	// An older sweep CSV, without the new columns: its point is reused, its
	// missing metric is NaN, and the file is rewritten with the new header
	// before a new point is added.
	raw, _ := os.ReadFile(csvPath)
	lines := strings.SplitN(string(raw), "\n", 2)
	old := removeColumns(t, string(raw), "right_recall", "balanced_accuracy")
	if err := os.WriteFile(csvPath, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	second := cfg
	second.Seed = 2
	points, err = experiments.Sweep(context.Background(), []train.TrainConfig{cfg, second}, data, experiments.SweepOptions{CSV: csvPath, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if h := readHeader(t, csvPath); strings.Join(h, ",") != lines[0] {
		t.Errorf("upgraded header %v, want %s", h, lines[0])
	}
	read, err = experiments.ReadSweep(csvPath)
	if err != nil || len(read) != 2 || !math.IsNaN(read[0].Test["right_recall"]) || math.IsNaN(read[1].Test["right_recall"]) {
		t.Fatalf("after the upgrade: %d points, %v", len(read), err)
	}
}

func readHeader(t *testing.T, path string) []string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, err := csv.NewReader(f).Read()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// removeColumns drops named columns from a CSV text.
func removeColumns(t *testing.T, text string, names ...string) string {
	rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var drop []int
	for _, n := range names {
		drop = append(drop, slices.Index(rows[0], n))
	}
	var sb strings.Builder
	w := csv.NewWriter(&sb)
	for _, r := range rows {
		var keep []string
		for i, v := range r {
			if !slices.Contains(drop, i) {
				keep = append(keep, v)
			}
		}
		w.Write(keep)
	}
	w.Flush()
	return sb.String()
}
