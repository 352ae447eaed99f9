package eegkit

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSweepGridAppendsAndResumes(t *testing.T) {
	ld := loadSynth(t)
	small := &LabData{Train: subset(ld.Train, 64), Test: subset(ld.Test, 32), Source: ld.Source}
	base := TrainConfig{Model: "eegnet", Activation: "relu", Epochs: 1, Batch: 32, LR: 1e-3, Seed: 1}
	csvPath := filepath.Join(t.TempDir(), "sweep.csv")
	trained := 0
	progress := func(cfg TrainConfig, e EpochStats) { trained++ }
	points, err := SweepGrid(context.Background(), base, []int{16, 32}, []float64{1e-3}, small, csvPath, 2, progress)
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 2 || trained != 2 {
		t.Fatalf("%d points, %d epochs trained", len(points), trained)
	}
	if points[0].TestAcc < points[1].TestAcc {
		t.Error("points are not sorted by test accuracy")
	}
	raw, _ := os.ReadFile(csvPath)
	if lines := strings.Split(strings.TrimSpace(string(raw)), "\n"); len(lines) != 3 {
		t.Fatalf("sweep.csv:\n%s", raw)
	}
	// A re-run with one new learning rate trains only the new points.
	trained = 0
	points, err = SweepGrid(context.Background(), base, []int{16, 32}, []float64{1e-3, 3e-3}, small, csvPath, 1, progress)
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 4 || trained != 2 {
		t.Errorf("re-run: %d points, %d new trainings (want 4, 2)", len(points), trained)
	}
	back, err := ReadSweep(csvPath)
	if err != nil || len(back) != 4 {
		t.Fatalf("ReadSweep: %d points, %v", len(back), err)
	}
	// Points trained two at a time equal points trained alone.
	alone, err := SweepGrid(context.Background(), base, []int{16}, []float64{1e-3}, small, filepath.Join(t.TempDir(), "alone.csv"), 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range points {
		if p.Config.Batch == 16 && p.Config.LR == 1e-3 && (p.TestAcc != alone[0].TestAcc || p.TrainAcc != alone[0].TrainAcc) {
			t.Errorf("parallel point %+v differs from the same point trained alone %+v", p, alone[0])
		}
	}
	table := SweepTable(points)
	if !strings.Contains(table, "| 1 | eegnet | relu |") {
		t.Errorf("table:\n%s", table)
	}
	if _, err := SweepHeatmap("t", points, []int{16, 32}, []float64{1e-3, 3e-3}); err != nil {
		t.Error(err)
	}
	if _, err := SweepGrid(context.Background(), base, []int{1}, []float64{1e-3}, small, csvPath, 0, nil); err == nil {
		t.Error("batch size 1 accepted")
	}
	if err := os.WriteFile(csvPath, []byte("model,activation\nx,y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadSweep(csvPath); err == nil {
		t.Error("malformed CSV accepted")
	}
}
