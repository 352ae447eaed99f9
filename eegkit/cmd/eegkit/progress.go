package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/eegkit/eegkit/eegkit/train"
)

// progress shows training progress: a redrawn bar on a terminal (at most 79
// columns), and a line every few epochs otherwise (logs, CI, notebooks).
type progress struct {
	w        io.Writer
	cfg      train.TrainConfig
	first    time.Time // when the first epoch seen ended
	seen     int       // epochs seen (fewer than e.Epoch after a resume)
	terminal bool
	every    int
	drawn    bool
	now      func() time.Time
}

func newProgress(w io.Writer, cfg train.TrainConfig) *progress {
	p := &progress{w: w, cfg: cfg, every: max(1, cfg.Epochs/20), now: time.Now}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.terminal = true
		}
	}
	return p
}

// eta estimates the time left after epoch e: the wall time per epoch since
// the first one seen (which also compiles the graphs, so it is left out once
// there is another), checkpoints and evaluations included.
func (p *progress) eta(e train.EpochStats) time.Duration {
	perEpoch := e.Seconds
	if p.seen > 1 {
		perEpoch = p.now().Sub(p.first).Seconds() / float64(p.seen-1)
	}
	return time.Duration(perEpoch * float64(p.cfg.Epochs-e.Epoch) * float64(time.Second)).Round(time.Second)
}

func (p *progress) update(e train.EpochStats) {
	if p == nil {
		return
	}
	p.seen++
	if p.seen == 1 {
		p.first = p.now()
	}
	val := ""
	if p.cfg.ValFraction > 0 {
		val = fmt.Sprintf(" val %.1f%%", 100*e.ValAcc)
	}
	eta := p.eta(e)
	if p.terminal {
		const width = 10
		filled := width * e.Epoch / p.cfg.Epochs
		// The model is named on the line above ("training eegnet/elu …").
		line := fmt.Sprintf("[%s%s] %d/%d loss %.3f train %.1f%%%s test %.1f%% ETA %s",
			strings.Repeat("#", filled), strings.Repeat(".", width-filled),
			e.Epoch, p.cfg.Epochs, e.TrainLoss, 100*e.TrainAcc, val, 100*e.TestAcc, eta)
		if len(line) > 79 {
			line = line[:79]
		}
		fmt.Fprintf(p.w, "\r%s\033[K", line)
		p.drawn = true
		if e.Epoch == p.cfg.Epochs {
			p.done() // what follows starts on a line of its own
		}
		return
	}
	if e.Epoch%p.every == 0 || e.Epoch == p.cfg.Epochs || p.seen == 1 {
		name := p.cfg.Model
		if p.cfg.Activation != "" { // "" where the model fixes its nonlinearity
			name += "/" + p.cfg.Activation
		}
		fmt.Fprintf(p.w, "%s epoch %d/%d loss %.4f train %.1f%%%s test %.1f%% %.2fs/epoch ETA %s\n",
			name, e.Epoch, p.cfg.Epochs, e.TrainLoss, 100*e.TrainAcc, val, 100*e.TestAcc, e.Seconds, eta)
	}
}

func (p *progress) done() {
	if p != nil && p.terminal && p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}
