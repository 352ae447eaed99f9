package safefile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestStatRegular: each kind of path that is not a regular file gets its own message.
func TestStatRegular(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.npz")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop")
	if err := os.Symlink(loop, loop); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(dir, "dangling")
	if err := os.Symlink(filepath.Join(dir, "nowhere"), dangling); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{file, ""},
		{filepath.Join(dir, "missing"), "file not found"},
		{dir, "is a directory, not a data file"},
		{fifo, "is a FIFO (named pipe)"},
		{loop, "is a loop of symbolic links"},
		{dangling, "is a symbolic link to a file that does not exist"},
	} {
		_, err := StatRegular(tc.path, "a data file")
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want %q", filepath.Base(tc.path), err, tc.want)
		}
	}
}

// TestWriteFileAndOrphans: WriteFile replaces a file whole and leaves no
// temporary file; RemoveOrphanTemps removes what an interrupted write left,
// and nothing else.
func TestWriteFileAndOrphans(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.json")
	for _, content := range []string{"first", "second"} {
		if err := WriteFile(path, []byte(content)); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(path); string(got) != content {
			t.Errorf("content %q, want %q", got, content)
		}
	}
	orphan := filepath.Join(dir, TempPrefix+"123")
	if err := os.WriteFile(orphan, []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := RemoveOrphanTemps(dir); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "run.json" {
		t.Errorf("left %v, want only run.json", entries)
	}
	if err := WriteFile(filepath.Join(dir, "no", "such", "dir", "f"), nil); err == nil || !strings.Contains(err.Error(), "writing ") {
		t.Errorf("write into a missing directory: %v", err)
	}
}

func TestCause(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("zip: %w", fmt.Errorf("reading: %w", io.ErrUnexpectedEOF)), "unexpected end of data"},
		{fmt.Errorf("open: %w", errors.New("permission denied")), "permission denied"},
	} {
		got := Cause(tc.err)
		if got.Error() != tc.want || !errors.Is(got, errors.Unwrap(tc.err)) {
			t.Errorf("Cause(%v) = %q (wrapping %v), want %q wrapping the chain", tc.err, got, errors.Unwrap(got), tc.want)
		}
	}
}
