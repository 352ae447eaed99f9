// Command onnxcheck exports every model of the parity fixtures (the lab's
// six, the zoo's and the general layer cases, with the fixtures' weights)
// as ONNX into a directory, next to the fixture's trials, eegkit's eval
// logits and PyTorch's, for scripts/onnx_check.py to run in onnxruntime:
//
//	go run ./eegkit/onnx/internal/onnxcheck -out DIR
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/eegkit/eegkit/eegkit/internal/fixtures"
	"github.com/eegkit/eegkit/eegkit/npz"
	"github.com/eegkit/eegkit/eegkit/onnx"
	"github.com/eegkit/eegkit/eegkit/safefile"
	"github.com/eegkit/eegkit/eegkit/train"
)

func main() {
	out := flag.String("out", "", "directory for <case>.onnx and <case>.npz (required)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "onnxcheck: -out DIR is required")
		os.Exit(2)
	}
	for _, name := range fixtures.Cases {
		if err := export(name, *out); err != nil {
			fmt.Fprintf(os.Stderr, "onnxcheck: %s: %v\n", name, err)
			os.Exit(1)
		}
		fmt.Println("onnxcheck: exported", name)
	}
}

func export(name, dir string) error {
	fx, err := fixtures.Load(name)
	if err != nil {
		return err
	}
	m, err := fixtures.Model(name)
	if err != nil {
		return err
	}
	raw, err := onnx.Marshal(m, fx.Init)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := safefile.WriteFile(filepath.Join(dir, name+".onnx"), raw); err != nil {
		return err
	}
	net, err := train.NewNet(m, fx.Init, 1, train.Device{})
	if err != nil {
		return err
	}
	logits, err := net.Logits(fx.X, fx.NumTrial)
	if err != nil {
		return err
	}
	var flat []float32
	for _, r := range logits {
		flat = append(flat, r...)
	}
	in := m.Input
	return npz.Write(filepath.Join(dir, name+".npz"), []npz.Entry{
		{Name: "x", Shape: []int{fx.NumTrial, in[0], in[1], in[2]}, Data: fx.X},
		{Name: "eegkit_logits", Shape: []int{fx.NumTrial, len(logits[0])}, Data: flat},
		{Name: "torch_logits", Shape: []int{fx.NumTrial, len(logits[0])}, Data: fx.Eval},
	})
}
