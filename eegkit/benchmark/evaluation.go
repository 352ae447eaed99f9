// Package benchmark asks the field's question — which decoder is best,
// across subjects — the way MOABB asks it: an evaluation scheme says what
// is trained on what and scored on what (within a session by stratified
// k-fold, across sessions, across subjects, or the competition's split),
// every pipeline (a zoo model with its preset, or a classical baseline) is
// scored per subject and session, and the scores are compared across
// subjects with MOABB's tests (stats.CompareSubjects) and combined across
// datasets. Each fold is a point of its own, written when done, so a
// benchmark resumes, and shards over machines, as a sweep does.
package benchmark

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"

	"github.com/eegkit/eegkit/eegkit/eeg"
)

// An evaluation scheme: what trains and what tests.
const (
	WithinSession = "within-session" // stratified k-fold inside each subject's session
	CrossSession  = "cross-session"  // each subject's session tested on a model of its other sessions
	CrossSubject  = "cross-subject"  // each subject tested on a model of all the others
	Competition   = "competition"    // each subject's training files train, its evaluation files test (the lab's split)
)

// Evaluations are the schemes, in order.
func Evaluations() []string { return []string{WithinSession, CrossSession, CrossSubject, Competition} }

// Pool is every trial of a dataset with where it came from: its subject,
// its session, and whether the data put it in its test set.
type Pool struct {
	*eeg.Dataset
	Name   string // the dataset's name in results.csv
	InTest []bool // per trial
}

// PoolOf joins a train and test pair into one pool. Trials without a
// session are in session "train" or "test", as the data split them.
func PoolOf(d *eeg.Data, name string) (*Pool, error) {
	if d.Train == nil || d.Test == nil || !d.Train.Shape.Equal(d.Test.Shape) {
		return nil, fmt.Errorf("the data's training and test trials differ in shape; a benchmark pools them")
	}
	p := &Pool{Dataset: &eeg.Dataset{Shape: d.Train.Shape}, Name: name}
	for _, part := range []struct {
		ds   *eeg.Dataset
		test bool
	}{{d.Train, false}, {d.Test, true}} {
		ds := part.ds
		p.X = append(p.X, ds.X...)
		p.Y = append(p.Y, ds.Y...)
		for i := range ds.Len() {
			subject := "S1"
			if ds.Subject != nil {
				subject = ds.Subjects[ds.Subject[i]]
			}
			k := slices.Index(p.Subjects, subject)
			if k < 0 {
				p.Subjects, k = append(p.Subjects, subject), len(p.Subjects)
			}
			p.Subject = append(p.Subject, k)
			sess := map[bool]string{false: "train", true: "test"}[part.test]
			if ds.Session != nil {
				sess = ds.Session[i]
			}
			p.Session = append(p.Session, sess)
			p.InTest = append(p.InTest, part.test)
		}
	}
	return p, p.Check()
}

// Sessions are the pool's sessions of subject s, in order of appearance.
func (p *Pool) Sessions(s int) []string {
	var out []string
	for i, subj := range p.Subject {
		if subj == s && !slices.Contains(out, p.Session[i]) {
			out = append(out, p.Session[i])
		}
	}
	return out
}

// Test is one scored part of a fold: a subject's session.
type Test struct {
	Subject, Session string
	Trials           []int // into the pool
}

// Fold is one training and what it is scored on.
type Fold struct {
	Subject string // the subject scored; "G1", "G2", … for a group of subjects (cross-subject k-fold)
	Index   int    // the fold's number within its subject and session (within-session), else 0
	Train   []int  // into the pool
	Tests   []Test // one per session of each subject scored
	// Pooled is whether the training trials are of other subjects (cross-subject).
	Pooled bool
}

// Key names the fold in file names: "S01_1_f0".
func (f Fold) Key() string {
	var sessions []string
	for _, t := range f.Tests {
		if !slices.Contains(sessions, t.Session) {
			sessions = append(sessions, t.Session)
		}
	}
	return fmt.Sprintf("%s_%s_f%d", safeName(f.Subject), safeName(strings.Join(sessions, "+")), f.Index)
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '_'
	}, s)
}

// Folds are the trainings a scheme asks for on the pool: within-session,
// k stratified folds of each subject's session (each class's trials
// shuffled with seed and dealt round the folds, so every fold keeps the
// class proportions, as MOABB's StratifiedKFold(5, shuffle=True)); cross-session, per subject with two
// sessions or more, each session tested on its other sessions; cross-subject,
// each subject tested (each of its sessions) on all other subjects;
// competition, per subject, its training trials tested on by its test
// trials.
func Folds(p *Pool, scheme string, k int, seed uint64) ([]Fold, error) {
	var out []Fold
	bySubject := func(s int, keep func(i int) bool) []int {
		var idx []int
		for i, subj := range p.Subject {
			if subj == s && keep(i) {
				idx = append(idx, i)
			}
		}
		return idx
	}
	switch scheme {
	case WithinSession:
		if k < 2 {
			return nil, fmt.Errorf("within-session needs at least 2 folds, got %d", k)
		}
		for s, name := range p.Subjects {
			for _, sess := range p.Sessions(s) {
				idx := bySubject(s, func(i int) bool { return p.Session[i] == sess })
				folds, err := stratifiedFolds(idx, p.Y, k, seed)
				if err != nil {
					return nil, fmt.Errorf("subject %s session %s: %w", name, sess, err)
				}
				for f, test := range folds {
					train := slices.DeleteFunc(slices.Clone(idx), func(i int) bool { return slices.Contains(test, i) })
					out = append(out, Fold{Subject: name, Index: f, Train: train, Tests: []Test{{name, sess, test}}})
				}
			}
		}
	case CrossSession:
		for s, name := range p.Subjects {
			sessions := p.Sessions(s)
			if len(sessions) < 2 {
				continue
			}
			for _, sess := range sessions {
				out = append(out, Fold{Subject: name,
					Train: bySubject(s, func(i int) bool { return p.Session[i] != sess }),
					Tests: []Test{{name, sess, bySubject(s, func(i int) bool { return p.Session[i] == sess })}}})
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("cross-session needs subjects with two sessions or more; every subject of %s has one", p.Name)
		}
	case CrossSubject:
		if len(p.Subjects) < 2 {
			return nil, fmt.Errorf("cross-subject needs two subjects or more; %s has %d", p.Name, len(p.Subjects))
		}
		groups := make([][]int, len(p.Subjects)) // leave one subject out
		names := slices.Clone(p.Subjects)
		if k >= 2 && k < len(p.Subjects) {
			order := rand.New(rand.NewPCG(seed, 0x67727570)).Perm(len(p.Subjects)) // "grup"
			groups, names = make([][]int, k), make([]string, k)
			for i, s := range order {
				groups[i%k] = append(groups[i%k], s)
			}
			for g := range groups {
				slices.Sort(groups[g])
				names[g] = fmt.Sprintf("G%d", g+1)
			}
		} else {
			for s := range groups {
				groups[s] = []int{s}
			}
		}
		for g, members := range groups {
			f := Fold{Subject: names[g], Pooled: true}
			for i, subj := range p.Subject {
				if !slices.Contains(members, subj) {
					f.Train = append(f.Train, i)
				}
			}
			for _, s := range members {
				for _, sess := range p.Sessions(s) {
					f.Tests = append(f.Tests, Test{p.Subjects[s], sess, bySubject(s, func(i int) bool { return p.Session[i] == sess })})
				}
			}
			out = append(out, f)
		}
	case Competition:
		for s, name := range p.Subjects {
			train := bySubject(s, func(i int) bool { return !p.InTest[i] })
			test := bySubject(s, func(i int) bool { return p.InTest[i] })
			if len(train) == 0 || len(test) == 0 {
				return nil, fmt.Errorf("subject %s has %d training and %d test trials; the competition scheme needs both", name, len(train), len(test))
			}
			out = append(out, Fold{Subject: name, Train: train, Tests: []Test{{name, p.Session[test[0]], test}}})
		}
	default:
		return nil, fmt.Errorf("unknown evaluation %q; want one of %s", scheme, strings.Join(Evaluations(), ", "))
	}
	return out, nil
}

// stratifiedFolds splits idx into k folds of the same class proportions:
// each class's trials, shuffled, dealt round the folds from the first.
func stratifiedFolds(idx []int, y []int32, k int, seed uint64) ([][]int, error) {
	byClass := map[int32][]int{}
	for _, i := range idx {
		byClass[y[i]] = append(byClass[y[i]], i)
	}
	classes := make([]int32, 0, len(byClass))
	for c := range byClass {
		classes = append(classes, c)
	}
	slices.Sort(classes)
	folds := make([][]int, k)
	rng := rand.New(rand.NewPCG(seed, 0x666f6c64)) // "fold"
	next := 0
	for _, c := range classes {
		g := byClass[c]
		if len(g) < k {
			return nil, fmt.Errorf("class %d has %d trials, fewer than the %d folds", c, len(g), k)
		}
		rng.Shuffle(len(g), func(a, b int) { g[a], g[b] = g[b], g[a] })
		for _, i := range g {
			folds[next%k] = append(folds[next%k], i)
			next++
		}
	}
	for _, f := range folds {
		sort.Ints(f)
	}
	return folds, nil
}
