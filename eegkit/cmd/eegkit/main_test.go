package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eegkit/eegkit/eegkit/datasets"
	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/experiments"
	"github.com/eegkit/eegkit/eegkit/internal/synthtest"
	"github.com/eegkit/eegkit/eegkit/models"
	"github.com/eegkit/eegkit/eegkit/nn"
	"github.com/eegkit/eegkit/eegkit/train"
)

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestCLI drives every command the way a user does, including bad input.
func TestCLI(t *testing.T) {
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	model := filepath.Join(tmp, "model")
	preds := filepath.Join(tmp, "pred.npz")
	mmidb := filepath.Join("..", "..", "..", "data", "eegmmidb")
	sweepGrid := []string{"--model", "eegnet", "--act", "relu,elu", "--batch", "64", "--epochs", "1", "--val", "0.2", "--baseline", "--data", data}
	cases := []struct {
		name     string
		args     []string
		code     int
		contains string // in stdout (code 0) or stderr
	}{
		{"no command", nil, 2, "Usage: eegkit <command>"},
		{"help", []string{"--help"}, 0, "Commands:"},
		{"unknown command", []string{"fit"}, 2, `unknown command "fit"`},
		{"summary eegnet", []string{"summary", "--model", "eegnet", "--act", "relu"}, 0, "Total trainable parameters: 17874"},
		{"summary deepconvnet", []string{"summary", "--model", "deepconvnet"}, 0, "Total trainable parameters: 150977"},
		{"summary preset", []string{"summary", "--model", "eegnet", "--act", "leakyrelu"}, 0, "preset: batch 12, lr 0.0004, 300 epochs (the lab)"},
		{"train on EEGMMIDB's motor strip at 160 Hz", []string{"train", "--model", "eegnetv4", "--epochs", "1", "--data", mmidb, "--channels", "motor", "--rate", "160",
			"--out", filepath.Join(tmp, "mm")}, 0, "17 channels; 1 s before to 5 s after each cue, 160 Hz"},
		{"eval at another shape", []string{"eval", "--model-dir", filepath.Join(tmp, "mm"), "--data", mmidb}, 1, "takes trials of 17 channels × 960 samples but the data's are 2 channels (C3, C4) × 750 samples at 125 Hz"},
		{"eval at its shape", []string{"eval", "--model-dir", filepath.Join(tmp, "mm"), "--data", mmidb, "--channels", "motor", "--rate", "160"}, 0, "on 14 trials"},
		{"bad channel list", []string{"eval", "--model-dir", filepath.Join(tmp, "mm"), "--data", mmidb, "--channels", "C3,,C4"}, 2, "has an empty name"},
		{"rate for the lab's files", []string{"baseline", "--data", data, "--rate", "160"}, 1, "channels and rate can be chosen for EEGMMIDB only"},
		{"summary bad model", []string{"summary", "--model", "lenet"}, 2, `unknown model "lenet"`},
		{"summary stray arg", []string{"summary", "eegnet"}, 2, `unexpected argument "eegnet"`},
		{"train help", []string{"train", "--help"}, 0, ""},
		{"gen-data", []string{"gen-data", "--out", data, "--seed", "1"}, 0, "wrote synthetic"},
		{"gen-data refuses to overwrite", []string{"gen-data", "--out", data}, 1, "use --force"},
		{"gen-data odd trials", []string{"gen-data", "--out", filepath.Join(tmp, "odd"), "--trials", "7"}, 2, "want an even number, at least 8"},
		{"info", []string{"info", filepath.Join("..", "..", "edf", "testdata", "pyedflib.bdf")}, 0, `event "769": 1`},
		{"info of an npz", []string{"info", filepath.Join(data, "S4b_test.npz")}, 1, "is not a readable EDF file"},
		{"info without a file", []string{"info"}, 2, "give one recording"},
		{"train without out", []string{"train", "--data", data}, 2, "--out is required"},
		{"train bad lr", []string{"train", "--lr", "-1", "--out", model, "--data", data}, 2, "learning rate must be in (0, 10]"},
		{"train bad act", []string{"train", "--act", "tanh", "--out", model}, 2, `unknown activation "tanh"`},
		{"train missing data", []string{"train", "--epochs", "1", "--data", filepath.Join(tmp, "none"), "--out", model}, 1, "does not exist"},
		{"train", []string{"train", "--model", "eegnet", "--act", "relu", "--epochs", "2", "--batch", "64", "--data", data, "--out", model}, 0, "test accuracy"},
		{"eval", []string{"eval", "--model-dir", model, "--data", data}, 0, "confusion"},
		{"eval missing model", []string{"eval", "--model-dir", filepath.Join(tmp, "none"), "--data", data}, 1, "run.json is missing"},
		{"predict", []string{"predict", "--model-dir", model, "--input", filepath.Join(data, "S4b_test.npz"), "--out", preds}, 0, "540 trials"},
		{"predict with weights", []string{"predict", "--model", "eegnet", "--act", "relu", "--weights", filepath.Join(model, "model.npz"),
			"--input", filepath.Join(data, "X11b_test.npz"), "--out", preds}, 0, "540 trials"},
		{"predict wrong model for weights", []string{"predict", "--model", "deepconvnet", "--act", "relu", "--weights", filepath.Join(model, "model.npz"),
			"--input", filepath.Join(data, "X11b_test.npz"), "--out", preds}, 1, "weights for DeepConvNet"},
		{"bench", []string{"bench", "--model", "eegnet", "--epochs", "1", "--latency-runs", "3"}, 0, `"train_epoch_s":`},
		{"bench bad batch", []string{"bench", "--batch", "1"}, 2, "--batch and --trials must be at least 2"},
		{"bench bad trials", []string{"bench", "--trials", "1"}, 2, "--batch and --trials must be at least 2"},
		{"train seeds", []string{"train", "--model", "eegnet", "--act", "relu", "--epochs", "1", "--batch", "64", "--seeds", "2", "--val", "0.2",
			"--data", data, "--out", filepath.Join(tmp, "seeds")}, 0, "| 1 | eegnet | relu | 64 | 0.001 | 0 | lab | 1 | 2 | val 0.2, val_loss |"},
		{"compare", []string{"compare", filepath.Join(tmp, "seeds"), model, "--data", data}, 0, "McNemar's exact test on 1080 paired test trials"},
		{"compare a run with itself", []string{"compare", filepath.Join(tmp, "seeds"), filepath.Join(tmp, "seeds"), "--data", data}, 1, "are the same run"},
		{"compare one run", []string{"compare", model, "--data", data}, 2, "compare takes two runs"},
		{"compare unknown run", []string{"compare", model, "nosuchrun", "--data", data, "--dir", tmp}, 1, "nosuchrun is not a directory, nor a run of"},
		{"train cropped", []string{"train", "--model", "shallowfbcspnet", "--epochs", "1", "--crop", "500", "--crop-stride", "125", "--data", data, "--out", filepath.Join(tmp, "crops")}, 0, "on 1080 trials"},
		{"eval cropped", []string{"eval", "--model-dir", filepath.Join(tmp, "crops"), "--data", data}, 0, "on 1080 trials"},
		{"train crop too long", []string{"train", "--epochs", "1", "--crop", "750", "--data", data, "--out", filepath.Join(tmp, "crops2")}, 1, "need trials longer than that"},
		{"train bad seeds", []string{"train", "--seeds", "0", "--out", model, "--data", data}, 2, "--seeds must be at least 1"},
		{"train select without val", []string{"train", "--select", "val_acc", "--out", model, "--data", data}, 2, "needs a validation split"},
		{"train bad schedule", []string{"train", "--schedule", "linear", "--out", model, "--data", data}, 2, "unknown learning-rate schedule"},
		{"train sgd", []string{"train", "--model", "eegnet", "--act", "elu", "--epochs", "2", "--batch", "64", "--optimizer", "sgd", "--lr", "0.01", "--momentum", "0.9",
			"--nesterov", "--warmup", "1", "--schedule", "cosine", "--clip", "1", "--label-smoothing", "0.1", "--data", data, "--out", filepath.Join(tmp, "sgd")},
			0, "sgd momentum 0.9 nesterov warm-up 1 clip 1 label smoothing 0.1 cosine schedule"},
		{"train deep4net with its preset", []string{"train", "--model", "deep4net", "--epochs", "1", "--data", data, "--out", filepath.Join(tmp, "deep4")},
			0, "weight decay 0.0005 adamw cosine schedule"},
		{"train bad optimizer", []string{"train", "--optimizer", "rmsprop", "--out", model, "--data", data}, 2, `unknown optimizer "rmsprop" (want adam, adamw, sgd)`},
		{"train momentum with adam", []string{"train", "--momentum", "0.9", "--out", model, "--data", data}, 2, "set the optimizer to sgd"},
		{"train warm-up too long", []string{"train", "--epochs", "3", "--warmup", "3", "--out", model, "--data", data}, 2, "warm-up must be 0 to 2 epochs"},
		{"train bad label smoothing", []string{"train", "--label-smoothing", "much", "--out", model, "--data", data}, 2, "--label-smoothing"},
		{"sweep of optimizers", []string{"sweep", "--model", "eegnet", "--act", "elu", "--epochs", "1", "--batch", "64", "--lr", "1e-2", "--optimizer", "adam,sgd",
			"--momentum", "0.9", "--label-smoothing", "0,0.1", "--data", data, "--out", filepath.Join(tmp, "optimizers")}, 0, "| sgd momentum 0.9, label smoothing 0.1 |"},
		{"sweep", append([]string{"sweep", "--out", filepath.Join(tmp, "sweep")}, sweepGrid...), 0, "| – | tangent space (OAS covariances, 8–30 Hz, 0–6 s) + logistic regression (C = 1) |"},
		{"sweep shard 0", append([]string{"sweep", "--shard", "0/2", "--out", filepath.Join(tmp, "shards")}, sweepGrid...), 0, "sweep: shard 0/2 (--shard): 1 of 2 points"},
		{"sweep report of one shard", []string{"sweep", "report", filepath.Join(tmp, "shards")}, 1, "1 of 2 points missing, 0 of them failed"},
		{"sweep shard 1 of another grid", []string{"sweep", "--shard", "1/2", "--lr", "0.002", "--data", data, "--out", filepath.Join(tmp, "shards")}, 1, "holds the plan of another sweep"},
		{"sweep shard 1", append([]string{"sweep", "--shard", "1/2", "--out", filepath.Join(tmp, "shards")}, sweepGrid...), 0, "eegkit sweep report " + filepath.Join(tmp, "shards")},
		{"sweep report", []string{"sweep", "report", filepath.Join(tmp, "shards")}, 0, "| – | tangent space (OAS covariances, 8–30 Hz, 0–6 s) + logistic regression (C = 1) |"},
		{"sweep report no sweep", []string{"sweep", "report", tmp}, 1, "is not a sweep directory of this eegkit"},
		{"sweep report no dir", []string{"sweep", "report"}, 2, "give one sweep directory"},
		{"sweep bad shard", []string{"sweep", "--shard", "2/2", "--out", filepath.Join(tmp, "shards")}, 2, "want 0 <= K < N"},
		{"sweep shards without an index", []string{"sweep", "--shards", "2", "--out", filepath.Join(tmp, "shards")}, 2, "--shards needs JOB_COMPLETION_INDEX"},
		{"baseline mdm", []string{"baseline", "--method", "mdm", "--data", data}, 0, "baseline: MDM (Riemannian, OAS covariances, 8–30 Hz, 0–6 s)"},
		{"baseline tslr", []string{"baseline", "--method", "tslr", "--estimator", "lwf", "--data", data}, 0, "baseline: tangent space (LWF covariances, 8–30 Hz, 0–6 s) + logistic regression (C = 1)"},
		{"baseline mdm on 17 channels", []string{"baseline", "--method", "mdm", "--data", mmidb, "--channels", "motor"}, 0, "on 14 trials"},
		{"baseline csp on 17 channels", []string{"baseline", "--method", "csp", "--data", mmidb, "--channels", "motor"}, 1, "or a Riemannian method (mdm, tslr)"},
		{"baseline mdm two bands", []string{"baseline", "--method", "mdm", "--bands", "8-13,13-30", "--data", data}, 2, "band-passes the trials to one band"},
		{"sweep bad list", []string{"sweep", "--lr", "1e-3,x", "--out", filepath.Join(tmp, "sweep")}, 2, `--lr: "x" is not valid`},
		{"sweep bad workers", []string{"sweep", "--workers", "-1", "--out", filepath.Join(tmp, "sweep")}, 2, "--workers must be >= 0"},
		{"export", []string{"export", "--model-dir", model, "--out", filepath.Join(tmp, "model.onnx")}, 0, `input "input" float32 [N, 1, 2, 750], output "logits" [N, 2]`},
		{"export over a file", []string{"export", "--model-dir", model, "--out", filepath.Join(tmp, "model.onnx")}, 1, "is already a file; choose another --out, or replace it with --force"},
		{"export with weights", []string{"export", "--model", "eegnet", "--act", "relu", "--weights", filepath.Join(model, "model.npz"), "--out", filepath.Join(tmp, "w.onnx")}, 0, "EEGNet in evaluation mode"},
		{"export not onnx", []string{"export", "--model-dir", model, "--out", filepath.Join(tmp, "model.bin")}, 2, "name the file .onnx"},
		{"train bad mlflow", []string{"train", "--mlflow", "file:///tmp/mlruns", "--data", data, "--out", filepath.Join(tmp, "mlf")}, 2, "want the http(s) address of a tracking server"},
		{"predict bad input", []string{"predict", "--model-dir", model, "--input", filepath.Join(model, "run.json"), "--out", preds}, 1, "not a readable .npz"},
		// What the fault probe found: data lost or replaced without a word.
		{"predict over its input", []string{"predict", "--model-dir", model, "--input", filepath.Join(data, "S4b_test.npz"), "--out", filepath.Join(data, "S4b_test.npz")}, 1, "is the --input file"},
		{"predict over a data file", []string{"predict", "--model-dir", model, "--input", filepath.Join(data, "X11b_test.npz"), "--out", filepath.Join(data, "S4b_test.npz")}, 1, "does not hold predictions"},
		{"predict into the model", []string{"predict", "--model-dir", model, "--input", filepath.Join(data, "X11b_test.npz"), "--out", filepath.Join(model, "model.npz"), "--force"}, 1, "inside the model directory"},
		{"predict over the weights", []string{"predict", "--model", "eegnet", "--act", "relu", "--weights", filepath.Join(model, "model.npz"),
			"--input", filepath.Join(data, "X11b_test.npz"), "--out", filepath.Join(model, "model.npz"), "--force"}, 1, "is the --weights file"},
		{"train the same run again", []string{"train", "--model", "eegnet", "--act", "relu", "--epochs", "2", "--batch", "64", "--data", data, "--out", model}, 0, "already holds this run"},
		{"train another run into it", []string{"train", "--model", "eegnet", "--act", "relu", "--epochs", "1", "--lr", "0.002", "--data", data, "--out", model}, 1, "holds a finished run of another configuration"},
		{"train into an unwritable place", []string{"train", "--epochs", "1", "--data", data, "--out", filepath.Join(data, "S4b_test.npz", "run")}, 1, "cannot create the output directory"},
		{"train sweep repeats", []string{"sweep", "--model", "eegnet", "--act", "relu,ReLU", "--batch", "64,64", "--epochs", "1",
			"--data", data, "--out", filepath.Join(tmp, "sweep2")}, 0, "sweep: 1 points"},
		// What the third hostile-input probe found: wrong answers, lost results, wrong reasons.
		{"train other seeds", []string{"train", "--model", "eegnet", "--act", "relu", "--epochs", "1", "--batch", "64", "--seeds", "2", "--seed", "5", "--val", "0.2",
			"--data", data, "--out", filepath.Join(tmp, "seeds5")}, 0, "over seeds [5 6]"},
		{"compare seeds that share none", []string{"compare", filepath.Join(tmp, "seeds"), filepath.Join(tmp, "seeds5"), "--data", data}, 1, "share no seed, so there is no paired test over seeds"},
		{"shard 0/0", append([]string{"sweep", "--shard", "0/0", "--out", filepath.Join(tmp, "shards00")}, sweepGrid...), 2, "want 0 <= K < N with N >= 1"},
		{"export another model than the run's", []string{"export", "--model-dir", model, "--model", "deepconvnet", "--out", filepath.Join(tmp, "dc.onnx")}, 2, "--model deepconvnet disagrees with --model-dir"},
		{"predict another activation than the run's", []string{"predict", "--model-dir", model, "--act", "elu", "--input", filepath.Join(data, "S4b_test.npz"), "--out", preds}, 2, "--act elu disagrees with --model-dir"},
		{"predict with the run's own model and activation", []string{"predict", "--model-dir", model, "--model", "EEGNet", "--act", "relu", "--input", filepath.Join(data, "S4b_test.npz"), "--out", preds}, 0, "540 trials"},
		{"train gamma without the step schedule", []string{"train", "--gamma", "0.5", "--out", filepath.Join(tmp, "g"), "--data", data}, 2, "--gamma needs --schedule step"},
		{"train step-every with cosine", []string{"train", "--schedule", "cosine", "--step-every", "3", "--out", filepath.Join(tmp, "g"), "--data", data}, 2, "--step-every needs --schedule step"},
		{"baseline logvar with an estimator", []string{"baseline", "--method", "logvar", "--estimator", "lwf", "--data", data}, 2, "uses no covariance estimator"},
		{"baseline csp into a folder", []string{"baseline", "--method", "csp", "--data", data, "--out", filepath.Join(tmp, "bl")}, 0, "wrote"},
		{"baseline mdm into the csp's folder", []string{"baseline", "--method", "mdm", "--data", data, "--out", filepath.Join(tmp, "bl")}, 1, "holds another baseline"},
		{"baseline csp into its own folder again", []string{"baseline", "--method", "csp", "--data", data, "--out", filepath.Join(tmp, "bl")}, 0, "already holds this baseline on this data: reused"},
		{"baseline at the data's rate", []string{"baseline", "--method", "mdm", "--bands", "8-70", "--data", mmidb, "--rate", "160"}, 0, "8–70 Hz"},
		{"train infinite noise", []string{"train", "--augment", "noise:inf", "--out", filepath.Join(tmp, "g"), "--data", data}, 2, "and finite"},
		{"predict whole trials with a cropped model", []string{"predict", "--model-dir", filepath.Join(tmp, "crops"), "--input", filepath.Join(data, "S4b_test.npz"),
			"--out", filepath.Join(tmp, "crops.npz")}, 0, "540 trials"},
		{"a file as --data", []string{"baseline", "--data", filepath.Join(data, "S4b_train.npz")}, 1, "is a file, not a data directory: give the directory that holds it"},
		{"sweep report with an extra argument", []string{"sweep", "report", filepath.Join(tmp, "shards"), "extra"}, 2, `unexpected argument "extra"`},
		{"runs list of a missing store", []string{"runs", "list", "--dir", filepath.Join(tmp, "nosuchstore")}, 1, "is not a directory, so it holds no run store"},
		{"train with 0 for the presets", []string{"train", "--model", "eegnet", "--act", "relu", "--epochs", "1", "--batch", "0", "--lr", "0", "--data", data,
			"--out", filepath.Join(tmp, "zero")}, 0, "test accuracy"},
	}
	for _, tc := range cases {
		code, stdout, stderr := runCLI(tc.args...)
		where := stdout
		if tc.code != 0 {
			where = stderr
			if strings.Count(strings.TrimSpace(stderr), "\n") > 0 && tc.code == 1 {
				t.Errorf("%s: error is not one line:\n%s", tc.name, stderr)
			}
		}
		if code != tc.code || !strings.Contains(where, tc.contains) {
			t.Errorf("%s: exit %d (want %d)\nstdout: %s\nstderr: %s\nwant %q", tc.name, code, tc.code, stdout, stderr, tc.contains)
		}
	}
	for _, f := range []string{"model.npz", "run.json", "history.csv", "history.json"} {
		if _, err := os.Stat(filepath.Join(model, f)); err != nil {
			t.Errorf("train did not write %s", f)
		}
	}
	for _, f := range []string{"seeds/seeds.md", "seeds/seed-2/model.npz", "sweep/sweep.csv", "sweep/results.md", "sweep/heatmap.png", "sweep/heatmap.svg"} {
		if _, err := os.Stat(filepath.Join(tmp, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	// The shards' merged report is the single-machine sweep's, point for point.
	local, _ := os.ReadFile(filepath.Join(tmp, "sweep", "results.md"))
	merged, _ := os.ReadFile(filepath.Join(tmp, "shards", "results.md"))
	if len(local) == 0 || string(local) != string(merged) {
		t.Errorf("the merged report differs from the local sweep's:\n%s\n---\n%s", merged, local)
	}
	if _, err := datasets.LoadData(data); err != nil {
		t.Errorf("predict damaged the data: %v", err)
	}
	if code, _, stderr := runCLI("train", "--model", "eegnet", "--act", "relu", "--epochs", "1", "--lr", "0.002", "--data", data, "--out", model, "--replace"); code != 0 {
		t.Errorf("train --replace: exit %d: %s", code, stderr)
	}
	out, err := eeg.ReadPredictions(preds)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Pred) != 540 || len(out.Logits) != 540 {
		t.Errorf("predictions: %d preds, %d logits", len(out.Pred), len(out.Logits))
	}
}

// TestLabCommand runs the lab for one epoch on a small dataset and checks its table and figures.
func TestLabCommand(t *testing.T) {
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	if err := datasets.GenerateLab(data, 4); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(tmp, "lab")
	code, stdout, stderr := runCLI("lab", "--epochs", "1", "--data", data, "--out", out)
	if code != 0 {
		t.Fatalf("lab: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"| EEGNet |", "| DeepConvNet |", "best: ", "McNemar's exact test on 1080 paired test trials", "figure9_eegnet.png", "figure10_deepconvnet.svg", "synthetic"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("lab output lacks %q:\n%s", want, stdout)
		}
	}
	if runs, err := experiments.OpenStore(out).List(); err != nil || len(runs) != 6 {
		t.Errorf("the lab's store holds %d runs (%v), want 6", len(runs), err)
	}
	for _, f := range []string{"table1.md", "figure9_eegnet.png", "figure9_eegnet.svg", "figure10_deepconvnet.png", "figure10_deepconvnet.svg", "lab.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("lab did not write %s", f)
		}
	}
	// A second run reuses the six finished runs instead of training again.
	code, stdout, _ = runCLI("lab", "--epochs", "1", "--data", data, "--out", out)
	if code != 0 || strings.Count(stdout, "reusing") != 6 {
		t.Errorf("second lab run: exit %d, output:\n%s", code, stdout)
	}
	// The store's runs: listed, shown, removed.
	code, stdout, stderr = runCLI("runs", "list", "--dir", out)
	if code != 0 || strings.Count(stdout, " finished ") != 6 || !strings.Contains(stdout, "eegnet-elu-b12-lr0.0005-e1-s1") {
		t.Fatalf("runs list: exit %d\n%s%s", code, stdout, stderr)
	}
	runs, _ := experiments.OpenStore(out).List()
	id := runs[0].ID
	if code, stdout, _ = runCLI("runs", "show", id[:6], "--dir", out); code != 0 || !strings.Contains(stdout, "status: finished") || !strings.Contains(stdout, "confusion") {
		t.Errorf("runs show: exit %d\n%s", code, stdout)
	}
	if code, stdout, _ = runCLI("runs", "rm", id, "--dir", out); code != 0 || !strings.Contains(stdout, "removed") {
		t.Errorf("runs rm: exit %d\n%s", code, stdout)
	}
	if code, _, stderr = runCLI("runs", "show", id, "--dir", out); code != 1 || !strings.Contains(stderr, "holds no run") {
		t.Errorf("runs show of a removed run: exit %d %s", code, stderr)
	}
	if code, _, stderr = runCLI("runs", "drop", "--dir", out); code != 2 {
		t.Errorf("runs drop: exit %d %s", code, stderr)
	}
}

// TestEvalSaysIncomplete: an interrupted run holds its last finished
// epoch's model, and eval says so.
func TestEvalSaysIncomplete(t *testing.T) {
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	if err := datasets.GenerateLab(data, 3); err != nil {
		t.Fatal(err)
	}
	ld, err := datasets.LoadData(data)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cfg := train.TrainConfig{Model: "eegnet", Activation: "relu", Epochs: 3, Batch: 64, LR: 1e-3, Seed: 1}
	run, err := train.Fit(ctx, cfg, ld, train.FitOptions{Progress: func(train.EpochStats) { cancel() }})
	if err != context.Canceled {
		t.Fatal(err)
	}
	dir := filepath.Join(tmp, "run")
	if err := run.Save(dir); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI("eval", "--model-dir", dir, "--data", data)
	if code != 0 || !strings.Contains(stdout, "incomplete: its training was interrupted after 1 of 3 epochs") {
		t.Errorf("eval: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestProgress: the ETA comes from the wall time per epoch after the first
// (which compiles the graphs: 119 s left used to show as 2m59s), and the
// terminal bar fits 80 columns.
func TestProgress(t *testing.T) {
	var b bytes.Buffer
	cfg := train.TrainConfig{Model: "deepconvnet", Activation: "leakyrelu", Epochs: 300, ValFraction: 0.2}
	p := newProgress(&b, cfg)
	clock := time.Unix(0, 0)
	p.now = func() time.Time { return clock }
	p.terminal = true
	p.update(train.EpochStats{Epoch: 1, Seconds: 9, TrainLoss: 0.69, TrainAcc: 0.5, ValAcc: 0.5, TestAcc: 0.5})
	for e := 2; e <= 181; e++ {
		clock = clock.Add(time.Second)
		p.update(train.EpochStats{Epoch: e, Seconds: 0.8, TrainLoss: 0.123456, TrainAcc: 0.999, ValAcc: 0.853, TestAcc: 0.8333})
	}
	if got := p.eta(train.EpochStats{Epoch: 181}); got != 119*time.Second {
		t.Errorf("ETA %v after 180 epochs of 1 s, 119 to go; want 1m59s", got)
	}
	last := b.String()[strings.LastIndex(b.String(), "\r")+1:]
	last = strings.TrimSuffix(last, "\033[K")
	if len(last) > 79 || !strings.Contains(last, "181/300") || !strings.Contains(last, "ETA 1m59s") {
		t.Errorf("bar %q (%d columns)", last, len(last))
	}
}

// TestZooCommands: braindecode's models by name on the command line, a
// braindecode state_dict straight into predict, and --act refused where the
// architecture fixes its nonlinearity.
func TestZooCommands(t *testing.T) {
	fixtures := filepath.Join("..", "..", "train", "testdata", "parity")
	out := filepath.Join(t.TempDir(), "preds.npz")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"summary", []string{"summary", "--model", "shallowfbcspnet"}, 0, "Total trainable parameters: 7842"},
		{"summary v4 relu", []string{"summary", "--model", "eegnetv4", "--act", "relu"}, 0, "EEGNetV4 (activation ReLU)"},
		{"act refused", []string{"summary", "--model", "shallowfbcspnet", "--act", "elu"}, 2, "shallowfbcspnet's nonlinearity is fixed"},
		{"predict braindecode weights", []string{"predict", "--model", "shallowfbcspnet", "--weights", filepath.Join(fixtures, "shallowfbcspnet_state_dict.npz"),
			"--input", filepath.Join(fixtures, "shallowfbcspnet_input.npz"), "--out", out}, 0, "6 trials"},
		{"predict v4 weights into shallow", []string{"predict", "--model", "shallowfbcspnet", "--weights", filepath.Join(fixtures, "eegnetv4_state_dict.npz"),
			"--input", filepath.Join(fixtures, "shallowfbcspnet_input.npz"), "--out", out, "--force"}, 1, "ShallowFBCSPNet"},
	} {
		code, stdout, stderr := runCLI(tc.args...)
		if code != tc.code || !strings.Contains(stdout+stderr, tc.want) {
			t.Errorf("%s: exit %d, want %d with %q:\n%s%s", tc.name, code, tc.code, tc.want, stdout, stderr)
		}
		if strings.Count(strings.TrimSpace(stderr), "\n") > 0 && tc.code != 0 {
			t.Errorf("%s: the error is not one line:\n%s", tc.name, stderr)
		}
	}
}

// TestBatchPartsFromEnv: EEGKIT_PARTS sets the batch parts of the device
// the commands train on, and a value that is not a positive number is
// refused before any command runs.
func TestBatchPartsFromEnv(t *testing.T) {
	for _, tc := range []struct {
		value string
		code  int
		parts int
	}{{"2", 0, 2}, {"", 0, 0}, {"0", 2, 0}, {"four", 2, 0}, {"-1", 2, 0}} {
		t.Run(tc.value, func(t *testing.T) {
			t.Setenv("EEGKIT_PARTS", tc.value)
			code, _, stderr := runCLI("summary", "--model", "eegnet")
			if code != tc.code {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tc.code, stderr)
			}
			if tc.code != 0 {
				if !strings.Contains(stderr, "EEGKIT_PARTS") {
					t.Errorf("the error does not name the variable: %q", stderr)
				}
				return
			}
			if dev, err := device(); err != nil || dev.Parts != tc.parts {
				t.Errorf("the device has %d parts, want %d (%v)", dev.Parts, tc.parts, err)
			}
		})
	}
}

// TestHelpListsTheRegistry: the model registry is the one source of the
// command line's model lists: every registered model appears in `models`
// (with its parameter count for the lab's input) and in the help of every
// command that takes --model.
func TestHelpListsTheRegistry(t *testing.T) {
	code, stdout, stderr := runCLI("models")
	if code != 0 {
		t.Fatalf("models: exit %d %s", code, stderr)
	}
	for _, e := range models.Entries() {
		m, err := models.New(e.Name, nn.NoActivation)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(stdout, e.Name) || !strings.Contains(stdout, fmt.Sprint(m.NumParams())) || !strings.Contains(stdout, e.Doc) {
			t.Errorf("models does not list %s with %d parameters and %q:\n%s", e.Name, m.NumParams(), e.Doc, stdout)
		}
		for _, cmd := range []string{"train", "summary", "bench", "sweep", "predict", "export"} {
			if _, help, _ := runCLI(cmd, "--help"); !strings.Contains(help, e.Name) {
				t.Errorf("%s --help does not name %s", cmd, e.Name)
			}
		}
	}
}

// TestBaselineOutNotAFile: a baseline.json in --out that is not a regular
// file (a FIFO would block its read) is refused with a one-line error.
func TestBaselineOutNotAFile(t *testing.T) {
	out := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(out, "baseline.json"), 0o644); err != nil {
		t.Fatal(err)
	}
	data := synthtest.Dir(t)
	code, _, stderr := runCLI("baseline", "--method", "csp", "--data", data, "--out", out)
	if code != 1 || !strings.Contains(stderr, "is a FIFO (named pipe)") || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
		t.Errorf("a FIFO as baseline.json: exit %d, %q", code, stderr)
	}
}

// TestInfoJSON: `eegkit info --json` gives the documented fields: a BDF+
// file's channels at their rates, its annotation and its Status channel's
// triggers as events by onset from the first sample, and an EDF+ file's
// start after its header's time.
func TestInfoJSON(t *testing.T) {
	testdata := filepath.Join("..", "..", "edf", "testdata")
	code, out, stderr := runCLI("info", "--json", filepath.Join(testdata, "pyedflib.bdf"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var info recordingInfo
	if err := json.Unmarshal([]byte(out), &info); err != nil {
		t.Fatal(err)
	}
	if info.Format != "BDF+" || info.Duration != 2 || len(info.Channels) != 2 ||
		info.Channels[0] != (channelInfo{Name: "C3", Unit: "uV", Rate: 256, Samples: 512}) || info.Channels[1].Name != "Status" {
		t.Errorf("info %+v", info)
	}
	want := []eventInfo{{0.25, 0, "start", "start"}, {0.5, 26.0 / 256, "769", "769"}, {1.25, 30.0 / 256, "770", "770"}, {1.5625, 10.0 / 256, "5", "5"}}
	if fmt.Sprint(info.Events) != fmt.Sprint(want) {
		t.Errorf("events %v, want %v", info.Events, want)
	}
	code, out, _ = runCLI("info", "--json", filepath.Join(testdata, "mne_export.edf"))
	if code != 0 || !strings.Contains(out, `"offset_s": 0.4`) || !strings.Contains(out, `"onset": 0.5`) {
		t.Errorf("mne_export.edf: exit %d\n%s", code, out)
	}
	code, out, stderr = runCLI("info", "--json", filepath.Join("..", "..", "brainvision", "testdata", "vec.vhdr"))
	info = recordingInfo{}
	if code != 0 || json.Unmarshal([]byte(out), &info) != nil {
		t.Fatalf("vec.vhdr: exit %d %s", code, stderr)
	}
	want = []eventInfo{{0.25, 0.005, "Stimulus/S  7", "Stimulus/S  7"}, {0.75, 0.1, "Response/R  2", "Response/R  2"}}
	if info.Format != "BrainVision" || info.Duration != 1.5 || len(info.Channels) != 2 || info.Channels[1] != (channelInfo{Name: "EOG", Unit: "mV", Rate: 200, Samples: 300}) ||
		fmt.Sprint(info.Events) != fmt.Sprint(want) {
		t.Errorf("vec.vhdr: %+v", info)
	}
	code, out, stderr = runCLI("info", "--json", filepath.Join("..", "..", "gdf", "testdata", "gdf2_float32.gdf"))
	info = recordingInfo{}
	if code != 0 || json.Unmarshal([]byte(out), &info) != nil {
		t.Fatalf("gdf2_float32.gdf: exit %d %s", code, stderr)
	}
	want = []eventInfo{{0, 0, "768", "trial start"}, {0.496, 1, "781", "feedback onset"}, {0.792, 1.2, "769", "left hand"}, {1.592, 0.32, "783", "unknown cue"}}
	if info.Format != "GDF 2.20" || info.Start != "04.12.26 10.00.00" || info.Duration != 2 || len(info.Channels) != 2 ||
		info.Channels[1] != (channelInfo{Name: "C4-C4'", Unit: "mV", Rate: 125, Samples: 250}) || fmt.Sprint(info.Events) != fmt.Sprint(want) {
		t.Errorf("gdf2_float32.gdf: %+v", info)
	}
	if code, out, _ = runCLI("info", filepath.Join("..", "..", "gdf", "testdata", "gdf2_float32.gdf")); code != 0 || !strings.Contains(out, `event "769" (left hand): 1`) {
		t.Errorf("info on a GDF file: exit %d\n%s", code, out)
	}
}
