// Package safefile reads and writes files so that nothing is lost and
// nothing blocks: a path is checked to be a regular file before it is
// opened (a FIFO would block open() forever; a device or socket is no data
// file), and a write goes to a temporary file that is flushed, renamed over
// the target and its directory flushed, so that after a crash the target
// holds its old or its new content, whole. It uses the standard library only.
package safefile

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// StatRegular returns path's file information if it is a regular file (a
// symbolic link to one counts), and otherwise an error that says what it is:
// a FIFO would block open() forever, a device or socket is no data file.
// what names the file expected ("an .npz file").
func StatRegular(path, what string) (os.FileInfo, error) {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if _, lerr := os.Lstat(path); lerr == nil {
			return nil, fmt.Errorf("%s: is a symbolic link to a file that does not exist", path)
		}
		return nil, fmt.Errorf("%s: file not found", path)
	case errors.Is(err, syscall.ELOOP):
		return nil, fmt.Errorf("%s: is a loop of symbolic links, not %s", path, what)
	case err != nil:
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	switch m := st.Mode(); {
	case m.IsRegular():
		return st, nil
	case m.IsDir():
		return nil, fmt.Errorf("%s: is a directory, not %s", path, what)
	case m&fs.ModeNamedPipe != 0:
		return nil, fmt.Errorf("%s: is a FIFO (named pipe), not %s; eegkit reads only regular files", path, what)
	case m&fs.ModeSocket != 0:
		return nil, fmt.Errorf("%s: is a socket, not %s; eegkit reads only regular files", path, what)
	case m&fs.ModeDevice != 0:
		return nil, fmt.Errorf("%s: is a device, not %s; eegkit reads only regular files", path, what)
	}
	return nil, fmt.Errorf("%s: is not a regular file (%v), not %s", path, st.Mode().Type(), what)
}

// ReadRegular reads a whole regular file (see StatRegular).
func ReadRegular(path, what string) ([]byte, error) {
	if _, err := StatRegular(path, what); err != nil {
		return nil, err
	}
	return os.ReadFile(path)
}

// TempPrefix starts the name of every temporary file an atomic write makes.
const TempPrefix = ".tmp-"

// WriteFile writes data to a temporary file in path's directory,
// flushes it to the disk, renames it over path and flushes the directory, so
// that after a crash path holds either its old or its new content, whole.
func WriteFile(path string, data []byte) error {
	if err := writeAtomic(path, data); err != nil {
		return fmt.Errorf("writing %s: %w", path, Cause(err))
	}
	return nil
}

func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, TempPrefix+"*")
	if err != nil {
		return err
	}
	fail := func(err error) error {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return syncDir(dir)
}

// syncDir flushes a directory's entries (a rename in it) to the disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) { // some filesystems cannot sync a directory
		return err
	}
	return nil
}

// RemoveOrphanTemps deletes the temporary files that an atomic write
// interrupted by kill -9 left in dir. Call it only while holding dir's lock
// (as eegkit's run directories are locked), so no live writer's file is removed.
func RemoveOrphanTemps(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), TempPrefix) && e.Type().IsRegular() {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

// Cause is err told by its innermost error's message, without the prefixes
// of the libraries that wrapped it (an unexpected end of file reads
// "unexpected end of data"), for messages that name the file themselves;
// errors.Is and errors.As still see err's whole chain.
func Cause(err error) error {
	inner := err
	for {
		u := errors.Unwrap(inner)
		if u == nil {
			break
		}
		inner = u
	}
	msg := inner.Error()
	if errors.Is(inner, io.ErrUnexpectedEOF) || errors.Is(inner, io.EOF) {
		msg = "unexpected end of data"
	}
	return cause{msg, err}
}

// cause is an error with another message than its chain's.
type cause struct {
	msg string
	err error
}

func (c cause) Error() string { return c.msg }
func (c cause) Unwrap() error { return c.err }

// SHA256 is the hex sha256 of the regular file at path (see StatRegular).
func SHA256(path string) (string, error) {
	if _, err := StatRegular(path, "a file to checksum"); err != nil {
		return "", err
	}
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
