// Package notebook holds the little that eegkit's GoNB notebooks need beyond
// the eegkit package: inline figures that are also saved as files, live
// training progress, Markdown output, and environment overrides
// (EEGKIT_EPOCHS, EEGKIT_RUNS, EEGKIT_DATA) that the tests and the Docker
// image use. Outside a notebook everything prints to standard output instead.
package notebook

import (
	"bytes"
	"fmt"
	"html"
	"os"
	"strconv"
	"strings"

	"github.com/eegkit/eegkit/eegkit"
	"github.com/janpfeifer/gonb/gonbui"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// Epochs returns n, or the value of $EEGKIT_EPOCHS when it is set to a
// positive number (the tests set it to run every notebook in minutes).
func Epochs(n int) int {
	if v, err := strconv.Atoi(os.Getenv("EEGKIT_EPOCHS")); err == nil && v > 0 {
		return v
	}
	return n
}

// RunsDir returns dir, or $EEGKIT_RUNS when it is set: where trained models
// are saved and looked up for reuse.
func RunsDir(dir string) string {
	if v := os.Getenv("EEGKIT_RUNS"); v != "" {
		return v
	}
	return dir
}

// DataDir returns dir, or $EEGKIT_DATA when it is set: where the lab's four files are.
func DataDir(dir string) string {
	if v := os.Getenv("EEGKIT_DATA"); v != "" {
		return v
	}
	return dir
}

// Markdown shows Markdown text.
func Markdown(md string) {
	if gonbui.IsNotebook {
		gonbui.DisplayMarkdown(md)
		gonbui.Sync() // shown before the cell's program can exit
		return
	}
	fmt.Println(md)
}

// Show saves p as base.png and base.svg and shows it inline.
func Show(p *plot.Plot, base string) error {
	paths, err := eegkit.SavePlot(p, base)
	if err != nil {
		return err
	}
	if gonbui.IsNotebook {
		w, err := p.WriterTo(8*vg.Inch, 5*vg.Inch, "svg")
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if _, err := w.WriteTo(&buf); err != nil {
			return err
		}
		gonbui.DisplaySVG(buf.String())
		gonbui.Sync()
	}
	fmt.Printf("saved %s\n", strings.Join(paths, ", "))
	return nil
}

// Progress returns an epoch callback for eegkit.Train that shows one line,
// updated in place, with the epoch, loss, accuracies and time left.
func Progress(cfg eegkit.TrainConfig) func(eegkit.EpochStats) {
	id := "" // the line is created at the first epoch, so a reused run shows nothing
	total := 0.0
	return func(e eegkit.EpochStats) {
		total += e.Seconds
		left := total / float64(e.Epoch) * float64(cfg.Epochs-e.Epoch)
		line := fmt.Sprintf("%s/%s epoch %d/%d · loss %.4f · train %.1f%% · test %.1f%% · %.1fs/epoch · %s left",
			cfg.Model, cfg.Activation, e.Epoch, cfg.Epochs, e.TrainLoss, 100*e.TrainAcc, 100*e.TestAcc, e.Seconds, fmtDuration(left))
		if gonbui.IsNotebook {
			if id == "" {
				id = "progress-" + gonbui.UniqueID()
			}
			gonbui.UpdateHTML(id, "<pre>"+html.EscapeString(line)+"</pre>")
			if e.Epoch == cfg.Epochs {
				gonbui.Sync()
			}
			return
		}
		if e.Epoch == cfg.Epochs || e.Epoch%max(1, cfg.Epochs/10) == 0 {
			fmt.Println(line)
		}
	}
}

func fmtDuration(s float64) string {
	switch {
	case s < 60:
		return fmt.Sprintf("%.0fs", s)
	case s < 3600:
		return fmt.Sprintf("%.0fm%02.0fs", s/60, float64(int(s)%60))
	}
	return fmt.Sprintf("%.0fh%02.0fm", s/3600, float64(int(s)%3600)/60)
}

// FigureDir creates and returns the directory where a notebook saves its figures.
func FigureDir(dir string) string {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(os.Stderr, "cannot create %s: %v\n", dir, err)
	}
	return dir
}

// Must returns v, or stops the cell with err's message (no stack trace).
func Must[T any](v T, err error) T {
	Check(err)
	return v
}

// MustTwo returns a and b, or stops the cell with err's message.
func MustTwo[A, B any](a A, b B, err error) (A, B) {
	Check(err)
	return a, b
}

// Check stops the cell with err's message if err is not nil.
func Check(err error) {
	if err != nil {
		gonbui.Sync()
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}
