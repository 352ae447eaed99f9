package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/eegkit/eegkit/eegkit/onnx"
)

// cmdExport is `eegkit export`: a trained model as an ONNX graph.
func cmdExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("export", "(--model-dir DIR | --model M --act A --weights W.npz) --out model.onnx [--force]", stdout, stderr)
	nf := newNetFlags(fs)
	out := fs.String("out", "", "the ONNX file to write (required; an existing file is replaced only with --force)")
	force := fs.Bool("force", false, "replace an existing --out file")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{errors.New("--out is required")}
	}
	if !strings.HasSuffix(strings.ToLower(*out), ".onnx") {
		return usageError{fmt.Errorf("--out %s: name the file .onnx", *out)}
	}
	if st, err := os.Stat(*out); err == nil && !*force {
		what := "a file"
		if st.IsDir() {
			what = "a directory"
		}
		return fmt.Errorf("%s is already %s; choose another --out, or replace it with --force", *out, what)
	}
	net, err := nf.load("")
	if err != nil {
		return err
	}
	sd, err := net.StateDict()
	if err != nil {
		return err
	}
	size, err := onnx.WriteFile(*out, net.Model, sd)
	if err != nil {
		return err
	}
	in := net.Model.Input
	fmt.Fprintf(stdout, "wrote %s: %s in evaluation mode, ONNX opset %d; input %q float32 [N, %d, %d, %d], output %q [N, %d] (%d bytes)\n",
		*out, net.Model.Name, onnx.Opset, onnx.Input, in[0], in[1], in[2], onnx.Output, net.Model.Classes(), size)
	if net.Crops != nil && net.Crops.Len > 0 {
		fmt.Fprintf(stdout, "a cropped model: it takes windows of %d samples; as eegkit predict does, average the logits of each trial's windows (every %d samples)\n", in[2], net.Crops.Stride)
	}
	return nil
}
