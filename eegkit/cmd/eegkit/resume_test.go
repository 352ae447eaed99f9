package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eegkit/eegkit/eegkit/datasets"
	"github.com/eegkit/eegkit/eegkit/train"
)

// cliArgsEnv makes the test binary act as the eegkit command (for tests
// that must kill a real process).
const cliArgsEnv = "EEGKIT_TEST_CLI_ARGS"

func TestMain(m *testing.M) {
	if raw := os.Getenv(cliArgsEnv); raw != "" {
		var args []string
		if err := json.Unmarshal([]byte(raw), &args); err != nil {
			panic(err)
		}
		os.Exit(run(context.Background(), args, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestTrainResumesAfterKill9 kills `eegkit train` with SIGKILL after its
// first checkpoint, runs the same command again, and checks that the run
// resumes and ends with the same weights, byte for byte, as an
// uninterrupted run.
func TestTrainResumesAfterKill9(t *testing.T) {
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	if err := datasets.GenerateLab(data, 2); err != nil {
		t.Fatal(err)
	}
	args := func(out string) []string {
		return []string{"train", "--model", "eegnet", "--act", "elu", "--epochs", "3", "--batch", "64", "--val", "0.2",
			"--checkpoint-every", "1", "--data", data, "--out", out}
	}
	ref := filepath.Join(tmp, "ref")
	if code, stdout, stderr := runCLI(args(ref)...); code != 0 {
		t.Fatalf("uninterrupted run: exit %d\n%s%s", code, stdout, stderr)
	}
	killed := filepath.Join(tmp, "killed")
	raw, _ := json.Marshal(args(killed))
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), cliArgsEnv+"="+string(raw))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if _, err := os.Stat(filepath.Join(killed, train.CheckpointFile)); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no checkpoint after 2 minutes:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if _, err := os.Stat(filepath.Join(killed, train.RunFile)); err == nil {
		t.Fatal("the process finished before it was killed; the test proves nothing")
	}
	code, stdout, stderr := runCLI(args(killed)...)
	if code != 0 || !strings.Contains(stdout, "resumed from the checkpoint after epoch") {
		t.Fatalf("rerun: exit %d\n%s%s", code, stdout, stderr)
	}
	a, _ := os.ReadFile(filepath.Join(ref, train.WeightsFile))
	b, _ := os.ReadFile(filepath.Join(killed, train.WeightsFile))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Error("the resumed run's weights differ from the uninterrupted run's")
	}
}
