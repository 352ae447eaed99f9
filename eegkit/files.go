package eegkit

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// statRegular returns path's file information if it is a regular file (a
// symbolic link to one counts), and otherwise an error that says what it is:
// a FIFO would block open() forever, a device or socket is no data file.
// what names the file expected ("an .npz file").
func statRegular(path, what string) (os.FileInfo, error) {
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

// readRegular reads a whole regular file (see statRegular).
func readRegular(path, what string) ([]byte, error) {
	if _, err := statRegular(path, what); err != nil {
		return nil, err
	}
	return os.ReadFile(path)
}

// tmpPrefix starts the name of every temporary file an atomic write makes.
const tmpPrefix = ".tmp-"

// writeFileAtomic writes data to a temporary file in path's directory,
// flushes it to the disk, renames it over path and flushes the directory, so
// that after a crash path holds either its old or its new content, whole.
func writeFileAtomic(path string, data []byte) error {
	if err := writeAtomic(path, data); err != nil {
		return fmt.Errorf("writing %s: %v", path, unwrapAll(err))
	}
	return nil
}

func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, tmpPrefix+"*")
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

// removeOrphanTemps deletes the temporary files that an atomic write
// interrupted by kill -9 left in dir. Call it only while holding dir's lock
// (see lockDir), so no live writer's file is removed.
func removeOrphanTemps(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tmpPrefix) && e.Type().IsRegular() {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}
