package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEpochsCommand cuts trials from EEGMMIDB's runs 4 and 12 of subject 1
// into a NAME_train.npz and NAME_test.npz pair with a band-pass before
// cutting, trains on the folder, and checks what run.json records of the
// data; a GDF file's cues cut by their names (its rejected trial dropped); bad
// requests and an existing file
// are refused with one line.
func TestEpochsCommand(t *testing.T) {
	mmidb := filepath.Join("..", "..", "..", "data", "eegmmidb", "S001")
	dir := t.TempDir()
	for split, run := range map[string]string{"train": "S001R04.edf", "test": "S001R12.edf"} {
		code, out, stderr := runCLI("epochs", filepath.Join(mmidb, run), "--events", "T1=left,T2=right", "--tmin", "0", "--tmax", "4",
			"--drop-last", "--channels", "C3,Cz,C4", "--preprocess", "bandpass:4-38", "--out", filepath.Join(dir, "S001_"+split+".npz"))
		if code != 0 || !strings.Contains(out, "3 channels (C3, Cz, C4) × 640 samples at 160 Hz") {
			t.Fatalf("epochs %s: exit %d\n%s%s", run, code, out, stderr)
		}
	}
	runs := filepath.Join(t.TempDir(), "runs")
	code, out, stderr := runCLI("train", "--data", dir, "--model", "eegnet", "--act", "elu", "--epochs", "1", "--batch", "8", "--out", runs)
	if code != 0 {
		t.Fatalf("train on the trials: exit %d\n%s%s", code, out, stderr)
	}
	raw, err := os.ReadFile(filepath.Join(runs, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	var run struct{ Data string }
	if err := json.Unmarshal(raw, &run); err != nil || !strings.Contains(run.Data, "trials cut by eegkit epochs (S001), preprocessed bandpass:4-38") {
		t.Errorf("run.json data %q (%v)", run.Data, err)
	}
	gdfFile := filepath.Join("..", "..", "gdf", "testdata", "gdf1_int16.gdf")
	out1 := filepath.Join(t.TempDir(), "a.npz")
	if code, out, stderr := runCLI("epochs", gdfFile, "--events", "left hand=left,right hand=right", "--tmax", "0.05", "--out", out1); code != 0 ||
		!strings.Contains(out, "cut 1 trials (1 left, 0 right)") || !strings.Contains(out, "dropped 1 marked rejected") {
		t.Errorf("epochs by event name: exit %d\n%s%s", code, out, stderr)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{gdfFile, "--events", "769=left", "--tmax", "0.05", "--out", out1}, "exists; use --force"},
		{[]string{gdfFile, "--events", "769", "--tmax", "1", "--out", filepath.Join(dir, "x.npz")}, "not event=class"},
		{[]string{gdfFile, "--events", "769=left", "--tmax", "1", "--out", filepath.Join(dir, "x.csv")}, "give the .npz trials file"},
		{[]string{gdfFile, "--events", "769=left", "--tmax", "1", "--preprocess", "bandpass:40", "--out", filepath.Join(dir, "x.npz")}, "--preprocess"},
		{[]string{"--events", "769=left", "--out", filepath.Join(dir, "x.npz")}, "give the recordings"},
		{[]string{dir, "--events", "769=left", "--tmax", "1", "--out", filepath.Join(dir, "y.npz")}, "holds no recording"},
		{[]string{gdfFile, "--events", "769=left", "--tmin", "2", "--tmax", "1", "--out", filepath.Join(dir, "x.npz")}, "tmax must be after tmin"},
	} {
		code, _, stderr := runCLI(append([]string{"epochs"}, c.args...)...)
		if code == 0 || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("epochs %v: exit %d, %q; want one line with %q", c.args, code, stderr, c.want)
		}
	}
}
