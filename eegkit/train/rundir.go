package train

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/eegkit/eegkit/eegkit/safefile"
)

// A run directory holds one run: its weights, run.json, history files, a
// checkpoint while it trains, SHA256SUMS over the saved files, and a lock
// file while a process writes to it.
const (
	LockFile = ".lock"      // held (flock) by the process writing the directory; holds its pid
	SumsFile = "SHA256SUMS" // sha256sum-format checksums of the saved run's files
)

// savedFiles are the files SHA256SUMS covers, in the order Save writes them.
var savedFiles = []string{WeightsFile, RunFile, HistoryJSONFile, HistoryCSVFile}

// DirLock is an exclusive lock on a directory (see LockDir).
type DirLock struct{ f *os.File }

// LockDir takes dir's lock file for this process, creating dir, or says
// which process holds it. The lock is an flock(2) on dir/.lock, released by
// the kernel when the process ends (kill -9 included), so a stale lock
// never blocks; the file holds the owner's pid for the message. Taking it
// also proves dir is writable, before any training starts.
func LockDir(dir string) (*DirLock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create the output directory %s: %w", dir, safefile.Cause(err))
	}
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("the output directory %s is not writable (%w); choose another", dir, safefile.Cause(err))
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		raw, _ := os.ReadFile(path)
		f.Close()
		owner := strings.TrimSpace(string(raw))
		if _, perr := strconv.Atoi(owner); perr != nil {
			owner = "unknown"
		}
		return nil, fmt.Errorf("%s is in use by another eegkit process (pid %s); wait for it to finish, or use another output directory", dir, owner)
	}
	if err := f.Truncate(0); err == nil {
		_, err = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("the output directory %s is not writable (%w); choose another", dir, safefile.Cause(err))
	}
	return &DirLock{f: f}, nil
}

// Unlock releases the lock.
func (l *DirLock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// RunDir is a run directory opened for training by OpenRunDir: locked
// against other writers, cleaned of the temporary files of killed writes,
// and known to hold nothing but the run being trained.
type RunDir struct {
	Path string
	// Finished is the run the directory already holds when it is exactly
	// the one asked for (same configuration and data) and complete: there is
	// nothing to train. Its Net is nil; LoadRun loads it.
	Finished *Run
	lock     *DirLock
}

// OpenRunDir opens dir to train cfg on the data identified by dataID
// (eeg.Data.ID). A directory holds one run: if it holds a run of another
// configuration or other data, finished or interrupted (or a damaged one),
// OpenRunDir refuses unless replace is true, in which case that run's files
// are deleted. The same configuration on the same data is reused when
// finished (Finished) and resumed from its checkpoint when interrupted.
// Close releases the lock.
func OpenRunDir(dir string, cfg TrainConfig, dataID string, replace bool) (*RunDir, error) {
	lock, err := LockDir(dir)
	if err != nil {
		return nil, err
	}
	d := &RunDir{Path: dir, lock: lock}
	if err := d.open(cfg, dataID, replace); err != nil {
		lock.Unlock()
		return nil, err
	}
	return d, nil
}

func (d *RunDir) open(cfg TrainConfig, dataID string, replace bool) error {
	if err := safefile.RemoveOrphanTemps(d.Path); err != nil {
		return err
	}
	held, other, err := d.holds(cfg, dataID)
	switch {
	case held != nil: // the same configuration on the same data, finished: deterministic training would only repeat it
		d.Finished = held
	case replace && (other != "" || err != nil):
		for _, f := range append(savedFiles, SumsFile, CheckpointFile) {
			if err := os.Remove(filepath.Join(d.Path, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	case err != nil:
		return err
	case other != "":
		return fmt.Errorf("%s holds %s; use another output directory, or ask to replace it (--replace)", d.Path, other)
	}
	return nil // empty, or this run interrupted: Fit resumes from its checkpoint
}

// holds says what the directory holds with respect to cfg on dataID: the
// run itself when finished (held), a description of another run (other), or
// an error for a damaged one. All empty: nothing, or this run interrupted.
func (d *RunDir) holds(cfg TrainConfig, dataID string) (held *Run, other string, err error) {
	want, _ := json.Marshal(cfg)
	raw, rerr := safefile.ReadRegular(filepath.Join(d.Path, RunFile), "a run.json")
	switch {
	case rerr == nil:
		var r Run
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, "a damaged " + RunFile, fmt.Errorf("%s: %s is damaged (%w); ask to replace the run (--replace) to train afresh", d.Path, RunFile, err)
		}
		got, _ := json.Marshal(r.Config)
		state := "a finished run"
		if !r.Complete {
			state = "an interrupted run"
		}
		if !bytes.Equal(got, want) || r.DataID != dataID {
			return nil, fmt.Sprintf("%s of another configuration or other data (%s on %s)", state, r.Config, r.Data), nil
		}
		if !r.Complete || !SaveFinished(d.Path, &r) {
			return nil, "", nil // interrupted, in training or in saving: resume from the checkpoint
		}
		if err := VerifyRunFiles(d.Path); err != nil {
			return nil, "a damaged run", err
		}
		// A kill between the checksums and the checkpoint's removal leaves the checkpoint behind.
		if err := os.Remove(filepath.Join(d.Path, CheckpointFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, "", err
		}
		return &r, "", nil
	case !errors.Is(rerr, os.ErrNotExist) && fileExistsAny(filepath.Join(d.Path, RunFile)):
		return nil, "an unreadable " + RunFile, rerr
	}
	ck, err := ReadCheckpoint(d.Path)
	if err != nil {
		return nil, "a damaged checkpoint", err
	}
	if ck != nil && (!bytes.Equal(ck.Config, want) || ck.DataID != dataID) {
		return nil, fmt.Sprintf("a checkpoint of another run (%s on %s)", ck.Config, ck.Data), nil
	}
	return nil, "", nil
}

// Close releases the directory's lock.
func (d *RunDir) Close() error { return d.lock.Unlock() }

// writeRunSums writes SHA256SUMS for the saved files of the run in dir.
func writeRunSums(dir string) error {
	var b strings.Builder
	for _, f := range savedFiles {
		sum, err := safefile.SHA256(filepath.Join(dir, f))
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s  %s\n", sum, f)
	}
	return safefile.WriteFile(filepath.Join(dir, SumsFile), []byte(b.String()))
}

// VerifyRunFiles checks the saved files of the run in dir against its
// SHA256SUMS (`sha256sum -c SHA256SUMS` checks the same). A run saved before
// eegkit wrote checksums has none and passes.
func VerifyRunFiles(dir string) error {
	raw, err := os.ReadFile(filepath.Join(dir, SumsFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok || len(sum) != 64 || strings.ContainsAny(name, `/\`) {
			return fmt.Errorf("%s: %s is damaged (line %q); retrain the run or restore it from a backup", dir, SumsFile, line)
		}
		got, err := safefile.SHA256(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("%s: %s is listed in %s but cannot be read (%w); the run is incomplete or damaged", dir, name, SumsFile, safefile.Cause(err))
		}
		if got != sum {
			return fmt.Errorf("%s: %s does not match its checksum in %s: the file is damaged or was changed; retrain the run or restore it from a backup", dir, name, SumsFile)
		}
	}
	return nil
}

// SaveFinished reports whether the last Save of run r in dir ran to its
// end: Save removes SHA256SUMS first and writes it last. Runs saved before
// eegkit recorded data identities have no checksums and count as saved.
func SaveFinished(dir string, r *Run) bool {
	return r.DataID == "" || fileExistsAny(filepath.Join(dir, SumsFile))
}

// fileExistsAny reports whether anything (of any type) is at path.
func fileExistsAny(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
