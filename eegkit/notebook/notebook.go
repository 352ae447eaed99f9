// Package notebook holds the little that eegkit's GoNB notebooks need beyond
// the eegkit package: inline figures that are also saved as files, live
// training progress, Markdown output, and environment overrides
// (EEGKIT_EPOCHS, EEGKIT_RUNS, EEGKIT_DATA) that the tests and the Docker
// image use. Outside a notebook everything prints to standard output instead.
package notebook

import (
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"html"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/eegkit/eegkit/eegkit/plot"
	"github.com/eegkit/eegkit/eegkit/train"
	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/protocol"
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

// Show saves f as base.png and base.svg and shows it inline as one MIME
// bundle: image/png at 2× pixel density (shown in untrusted notebooks, on
// GitHub and nbviewer) and image/svg+xml (for a vector copy), not SVG inside
// HTML, which JupyterLab strips from an untrusted notebook.
func Show(f *plot.Figure, base string) error {
	paths, err := f.Save(base)
	if err != nil {
		return err
	}
	if gonbui.IsNotebook {
		png, err := f.Render("png")
		if err != nil {
			return err
		}
		svg, err := f.Render("svg")
		if err != nil {
			return err
		}
		w, h := int(plot.FigureWidth.Points()*96/72), int(plot.FigureHeight.Points()*96/72) // CSS pixels
		registerGob.Do(func() { gob.Register(map[string]any{}) })                           // GoNB sends the nested metadata map with gob
		gonbui.SendData(&protocol.DisplayData{
			Data: map[protocol.MIMEType]any{
				protocol.MIMEImagePNG:  png,
				protocol.MIMEImageSVG:  string(svg),
				protocol.MIMETextPlain: "Figure: " + f.Title.Text,
			},
			Metadata: map[string]any{string(protocol.MIMEImagePNG): map[string]any{"width": w, "height": h}},
		})
		gonbui.Sync()
	}
	fmt.Printf("saved %s\n", savedFiles(paths))
	return nil
}

// savedFiles names files relative to the notebook, those of one stem as
// stem.{png,svg}, so that the line stays shorter than a cell's width.
func savedFiles(paths []string) string {
	rel := make([]string, len(paths))
	exts := make([]string, len(paths))
	for i, p := range paths {
		rel[i] = relative(p)
		exts[i] = strings.TrimPrefix(filepath.Ext(rel[i]), ".")
	}
	stem := strings.TrimSuffix(rel[0], filepath.Ext(rel[0]))
	for _, r := range rel {
		if strings.TrimSuffix(r, filepath.Ext(r)) != stem {
			return strings.Join(rel, ", ")
		}
	}
	if len(exts) == 1 {
		return rel[0]
	}
	return stem + ".{" + strings.Join(exts, ",") + "}"
}

var registerGob sync.Once

// relative is an absolute path relative to the working directory (the
// notebook's) when that is shorter, "../runs/lab/…" for the run store, so
// that outputs stay short and committed ones carry no absolute paths of the
// machine they ran on.
func relative(path string) string {
	wd, err := os.Getwd()
	if err != nil || !filepath.IsAbs(path) {
		return path
	}
	if rel, err := filepath.Rel(wd, path); err == nil && len(rel) < len(path) {
		return rel
	}
	return path
}

// Progress returns the epoch callback of run k of n (k counts from 1; pass
// 1, 1 for a single run) for eegkit.Store.Train and eegkit.ReportRuns: in a
// notebook, a progress bar updated in place, "run 2 of 6 · eegnet/relu ·
// epoch 21/300" over it and the loss, accuracies and time left under it;
// outside one, a line every tenth of the run.
func Progress(cfg train.TrainConfig, k, n int) func(train.EpochStats) {
	id := "" // the bar is created at the first epoch, so a reused run shows nothing
	var first time.Time
	seen := 0
	return func(e train.EpochStats) {
		// Time left from the wall time per epoch after the first one seen
		// (which also compiles the graphs).
		seen++
		left := e.Seconds * float64(cfg.Epochs-e.Epoch)
		if seen == 1 {
			first = time.Now()
		} else {
			left = time.Since(first).Seconds() / float64(seen-1) * float64(cfg.Epochs-e.Epoch)
		}
		name := cfg.Model
		if cfg.Activation != "" { // "" where the model fixes its nonlinearity
			name += "/" + cfg.Activation
		}
		head := fmt.Sprintf("run %d of %d · %s · epoch %d/%d", k, n, name, e.Epoch, cfg.Epochs)
		stats := fmt.Sprintf("loss %.4f · train %.1f%% · test %.1f%% · %.1fs/epoch · %s left",
			e.TrainLoss, 100*e.TrainAcc, 100*e.TestAcc, e.Seconds, fmtDuration(left))
		if gonbui.IsNotebook {
			if id == "" {
				id = "progress-" + gonbui.UniqueID()
			}
			gonbui.UpdateHTML(id, progressHTML(head, stats, e.Epoch, cfg.Epochs))
			if e.Epoch == cfg.Epochs {
				gonbui.Sync()
			}
			return
		}
		if e.Epoch == cfg.Epochs || e.Epoch%max(1, cfg.Epochs/10) == 0 {
			fmt.Println(head + " · " + stats)
		}
	}
}

// progressHTML is a progress bar (an HTML <progress> element, which JupyterLab
// keeps in an untrusted notebook too) between a heading and a line of figures.
func progressHTML(head, stats string, done, total int) string {
	return fmt.Sprintf(`<div style="font-family:monospace;font-size:13px;line-height:1.5">%s<br>`+
		`<progress value="%d" max="%d" style="width:32em;max-width:100%%"></progress> %d%%<br>%s</div>`,
		html.EscapeString(head), done, total, 100*done/max(1, total), html.EscapeString(stats))
}

// fmtDuration renders s seconds as "59s", "1m59s" or "1h05m" (whole units:
// 119 s is 1m59s, not the 2m59s that rounding the minutes gave).
func fmtDuration(s float64) string {
	n := int(math.Round(s))
	switch {
	case n < 60:
		return fmt.Sprintf("%ds", n)
	case n < 3600:
		return fmt.Sprintf("%dm%02ds", n/60, n%60)
	}
	return fmt.Sprintf("%dh%02dm", n/3600, n%3600/60)
}

// Context is cancelled when the cell is interrupted (Kernel → Interrupt:
// GoNB sends SIGINT to the cell's program), so that training stops after
// the current batch and saves the epochs that finished; running the cell
// again resumes from there.
func Context() context.Context {
	ctx, _ := signal.NotifyContext(context.Background(), os.Interrupt)
	return ctx
}

// Logf shows one line of a training plan or log, with the absolute paths
// among args relative to the notebook. In a notebook the line is HTML text,
// which JupyterLab wraps between words: its plain-text output breaks a line
// longer than the cell anywhere, mid-word.
func Logf(format string, args ...any) {
	args = append([]any(nil), args...)
	for i, a := range args {
		if s, ok := a.(string); ok {
			args[i] = relative(s)
		}
	}
	line := fmt.Sprintf(format, args...)
	if !gonbui.IsNotebook {
		fmt.Println(line)
		return
	}
	gonbui.DisplayHTML(`<div class="eegkit-log" style="font-family: monospace; white-space: pre-wrap">` + html.EscapeString(line) + `</div>`)
	gonbui.Sync()
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
// An interrupted training (Kernel → Interrupt) says that its finished epochs
// are saved and how to resume.
func Check(err error) {
	if err == nil {
		return
	}
	gonbui.Sync()
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(os.Stderr, "interrupted: the finished epochs are saved; run the cell again to resume from there")
	} else {
		fmt.Fprintln(os.Stderr, "error:", err)
	}
	os.Exit(1)
}
