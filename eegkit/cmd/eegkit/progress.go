package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/eegkit/eegkit/eegkit"
)

// progress shows training progress: a redrawn bar on a terminal, and a line
// every few epochs otherwise (logs, CI, notebooks).
type progress struct {
	w        io.Writer
	cfg      eegkit.TrainConfig
	seconds  float64 // sum of the durations of the epochs seen
	seen     int     // epochs seen (fewer than e.Epoch after a resume)
	terminal bool
	every    int
	drawn    bool
}

func newProgress(w io.Writer, cfg eegkit.TrainConfig) *progress {
	p := &progress{w: w, cfg: cfg, every: max(1, cfg.Epochs/20)}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.terminal = true
		}
	}
	return p
}

func (p *progress) update(e eegkit.EpochStats) {
	if p == nil {
		return
	}
	p.seconds += e.Seconds
	p.seen++
	perEpoch := p.seconds / float64(p.seen)
	eta := time.Duration(perEpoch * float64(p.cfg.Epochs-e.Epoch) * float64(time.Second)).Round(time.Second)
	val := ""
	if p.cfg.ValFraction > 0 {
		val = fmt.Sprintf(" val %.1f%%", 100*e.ValAcc)
	}
	line := fmt.Sprintf("%s/%s epoch %d/%d loss %.4f train %.1f%%%s test %.1f%% %.2fs/epoch ETA %s",
		p.cfg.Model, p.cfg.Activation, e.Epoch, p.cfg.Epochs, e.TrainLoss, 100*e.TrainAcc, val, 100*e.TestAcc, e.Seconds, eta)
	if p.terminal {
		const width = 20
		filled := width * e.Epoch / p.cfg.Epochs
		fmt.Fprintf(p.w, "\r[%s%s] %s\033[K", strings.Repeat("#", filled), strings.Repeat(".", width-filled), line)
		p.drawn = true
		return
	}
	if e.Epoch%p.every == 0 || e.Epoch == p.cfg.Epochs || p.seen == 1 {
		fmt.Fprintln(p.w, line)
	}
}

func (p *progress) done() {
	if p != nil && p.terminal && p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}
