package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/eegkit/eegkit/eegkit/experiments"
	"github.com/eegkit/eegkit/eegkit/train"
)

// cmdCompare is `eegkit compare RUN_A RUN_B`: McNemar's exact test on the
// two models' predictions of the same test trials, and a paired t-test over
// seeds when both are directories of seeds (train --seeds).
func cmdCompare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("compare", "RUN_A RUN_B [--data DIR] [--dir runs/lab]", stdout, stderr)
	dataDir := newDataFlags(fs)
	storeDir := fs.String("dir", defaultStore, "the run store in which RUN_A and RUN_B are looked up when they are not directories")
	refs, err := parseOperands(fs, args)
	if err != nil {
		return err
	}
	if len(refs) != 2 {
		return usageError{fmt.Errorf("compare takes two runs (model directories, directories of seeds, or ids from eegkit runs list), got %d", len(refs))}
	}
	data, err := dataDir.load()
	if err != nil {
		return err
	}
	var sides [2]side
	for i, ref := range refs {
		if sides[i], err = loadSide(ref, *storeDir); err != nil {
			return err
		}
	}
	if slices.Equal(sides[0].dirs, sides[1].dirs) {
		return fmt.Errorf("%s and %s are the same run (%s): there is nothing to compare; name two different runs", refs[0], refs[1], strings.Join(sides[0].dirs, ", "))
	}
	for i, ref := range refs {
		for _, r := range sides[i].runs {
			if r.DataID != data.ID() {
				return fmt.Errorf("%s was trained and tested on other data (%s) than %s (%s): compare runs on the data they were tested on (--data)", ref, r.Data, dataDir, data.Source)
			}
		}
	}
	fmt.Fprintf(stdout, "data: %s (%s), test set of %d trials\n", data.Source, dataDir, data.Test.Len())
	bySeed := func(rs []*train.Run) map[uint64]*train.Run {
		m := map[uint64]*train.Run{}
		for _, r := range rs {
			m[r.Config.Seed] = r
		}
		return m
	}
	a, b := bySeed(sides[0].runs), bySeed(sides[1].runs)
	var seeds []uint64
	for s := range a {
		if b[s] != nil {
			seeds = append(seeds, s)
		}
	}
	sort.Slice(seeds, func(i, j int) bool { return seeds[i] < seeds[j] })
	if len(seeds) == 0 {
		if sides[0].seedDir || sides[1].seedDir {
			return fmt.Errorf("%s (seeds %s) and %s (seeds %s) share no seed, so there is no paired test over seeds: train the other's seeds into one of them (train --seeds N --seed S), or compare two single runs", refs[0], sides[0].seeds(), refs[1], sides[1].seeds())
		}
		// two single runs of different seeds: their predictions of the same trials are still paired
		a, b = map[uint64]*train.Run{0: sides[0].runs[0]}, map[uint64]*train.Run{0: sides[1].runs[0]}
		seeds = []uint64{0}
	}
	label := func(r *train.Run, ref string) string {
		return fmt.Sprintf("%s [%s]", experiments.RunLabel(r), filepath.Base(ref))
	}
	var pa, pb []experiments.SweepPoint
	for _, s := range seeds {
		c, err := experiments.CompareOn(a[s], b[s], data.Test)
		if err != nil {
			return err
		}
		c.A, c.B = label(a[s], refs[0]), label(b[s], refs[1])
		if len(seeds) > 1 {
			fmt.Fprintf(stdout, "seed %d: ", s)
		}
		fmt.Fprintln(stdout, c.Verdict())
		pa, pb = append(pa, experiments.NewSweepPoint(a[s], 0)), append(pb, experiments.NewSweepPoint(b[s], 0))
	}
	if len(seeds) > 1 {
		c, err := experiments.CompareSeeds(label(a[seeds[0]], refs[0]), label(b[seeds[0]], refs[1]), pa, pb)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, c.Verdict())
	}
	return nil
}

// side is one side of a comparison: its runs, their directories (absolute,
// links resolved, sorted), and whether they came from a directory of seeds.
type side struct {
	runs    []*train.Run
	dirs    []string
	seedDir bool
}

// seeds lists the side's seeds, for messages.
func (s side) seeds() string {
	var out []string
	for _, r := range s.runs {
		out = append(out, strconv.FormatUint(r.Config.Seed, 10))
	}
	return strings.Join(out, ", ")
}

// add loads the run in dir.
func (s *side) add(dir string) error {
	dev, err := device()
	if err != nil {
		return err
	}
	r, err := train.LoadRunOn(dir, dev)
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(dir)
	if err == nil {
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			abs = real
		}
	}
	s.runs, s.dirs = append(s.runs, r), append(s.dirs, abs)
	return nil
}

// loadSide loads what ref names: a model directory, a directory of seed-N
// model directories, or a run of the store in storeDir.
func loadSide(ref, storeDir string) (side, error) {
	var s side
	if st, err := os.Stat(ref); err == nil && st.IsDir() {
		if _, err := os.Stat(filepath.Join(ref, train.RunFile)); err == nil {
			return s, s.add(ref)
		}
		dirs, _ := filepath.Glob(filepath.Join(ref, "seed-*"))
		s.seedDir = true
		for _, d := range dirs {
			if _, err := strconv.ParseUint(strings.TrimPrefix(filepath.Base(d), "seed-"), 10, 64); err != nil {
				continue
			}
			if err := s.add(d); err != nil {
				return s, err
			}
		}
		if len(s.runs) == 0 {
			return s, fmt.Errorf("%s holds neither a saved model (%s) nor seed-N model directories (eegkit train --seeds)", ref, train.RunFile)
		}
		sort.Strings(s.dirs)
		return s, nil
	}
	sr, err := experiments.OpenStore(storeDir).Find(ref)
	if err != nil {
		return s, fmt.Errorf("%s is not a directory, nor a run of %s: %w", ref, storeDir, err)
	}
	if sr.Status != experiments.StatusFinished {
		return s, errors.New(ref + " is " + sr.Status + ": finish its training before comparing it")
	}
	return s, s.add(sr.Dir)
}
