// Package npz reads and writes NumPy's .npz archives (numpy.savez) and
// their .npy members, refusing damaged or hostile files with a message that
// names the file and says what is wrong: sizes are checked against the bytes
// really there before anything is allocated, deflated members may inflate
// at most 100:1, each member's CRC-32 is checked, duplicate names are
// refused. Arrays of any numeric dtype are read as float64. It uses the
// standard library only.
package npz

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/eegkit/eegkit/eegkit/safefile"
)

// The reader is written on archive/zip rather than npyio's npz.Reader because
// a hostile or damaged file must be refused, not decoded: npyio stops reading a
// member before its end (so the zip CRC-32 is never checked), reads the first
// of duplicate member names where numpy reads the last, trusts the zip
// directory's sizes when it allocates, and panics on valid headers whose keys
// come in another order or that use format version 3. The npy header grammar
// it parses is in npy.go.

// maxArrayBytes bounds one array's decoded size; the lab's largest file
// holds 13 MB.
const maxArrayBytes = 1 << 30

// maxDeflateRatio bounds how much a compressed member may inflate. EEG
// signals compress 1.2–5×; a member claiming more than this is a deflate
// bomb (its compressed bytes are checked as they are read, too).
const maxDeflateRatio = 100

// File is an open .npz archive (numpy.savez or savez_compressed).
type File struct {
	path    string
	f       io.Closer
	members map[string]*zip.File // by key, without ".npy"
}

// Open opens an .npz archive, turning every failure into an error that
// names the file and says what is wrong with it.
func Open(path string) (*File, error) {
	st, err := safefile.StatRegular(path, "an .npz file")
	if err != nil {
		return nil, err
	}
	if st.Size() == 0 {
		return nil, fmt.Errorf("%s: file is empty (want a numpy .npz archive)", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	z, err := NewReader(path, f, st.Size())
	if err != nil {
		f.Close()
		return nil, err
	}
	z.f = f
	return z, nil
}

// NewReader opens an .npz archive held in r (size bytes), named path in errors.
func NewReader(path string, r io.ReaderAt, size int64) (*File, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable .npz archive (truncated, or not a zip file written by numpy.savez): %w", path, safefile.Cause(err))
	}
	z := &File{path: path, f: io.NopCloser(nil), members: map[string]*zip.File{}}
	for _, m := range zr.File {
		key := strings.TrimSuffix(m.Name, ".npy")
		if _, dup := z.members[key]; dup {
			return nil, fmt.Errorf("%s: the archive holds two members named %q; numpy would read the last and this reader refuses to guess: save the file again", path, m.Name)
		}
		z.members[key] = m
	}
	return z, nil
}

// Close closes the archive's file.
func (z *File) Close() error { return z.f.Close() }

// Keys lists the arrays in the archive, without the ".npy" suffix, sorted.
func (z *File) Keys() []string {
	ks := make([]string, 0, len(z.members))
	for k := range z.members {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Has reports whether the archive holds an array named key.
func (z *File) Has(key string) bool {
	_, ok := z.members[key]
	return ok
}

// Array is an n-dimensional numeric array read from an .npz archive, converted to float64.
type Array struct {
	Shape []int
	DType string // numpy's descr, e.g. "<f8"
	Data  []float64
}

// Array reads one array (by key, without ".npy") of any numeric dtype into
// float64. Every size is checked against the bytes really there before
// anything is allocated, and the member's CRC-32 is checked at its end.
func (z *File) Array(key string) (*Array, error) {
	var dt npyDType
	hdr, raw, err := z.member(key, func(descr string) (size int, err error) {
		dt, err = parseDType(descr)
		return dt.size, err
	})
	if err != nil {
		return nil, err
	}
	return &Array{Shape: hdr.shape, DType: hdr.descr, Data: dt.decode(raw, len(raw)/dt.size)}, nil
}

// Strings reads a one-dimensional array of strings (numpy's unicode dtype
// "<Un", as numpy.savez writes a list of str), each without its padding.
func (z *File) Strings(key string) ([]string, error) {
	width := 0
	hdr, raw, err := z.member(key, func(descr string) (int, error) {
		n, err := strconv.Atoi(strings.TrimPrefix(descr, "<U"))
		if !strings.HasPrefix(descr, "<U") || err != nil || n < 1 || n > 1<<16 {
			return 0, fmt.Errorf("has dtype %s; want strings (<U…)", descr)
		}
		width = n
		return 4 * n, nil
	})
	if err != nil {
		return nil, err
	}
	if len(hdr.shape) != 1 {
		return nil, fmt.Errorf("%s: array %q has shape %v; want a list of strings", z.path, key, hdr.shape)
	}
	out := make([]string, hdr.shape[0])
	for i := range out {
		rs := make([]rune, 0, width)
		for j := range width {
			r := rune(binary.LittleEndian.Uint32(raw[4*(i*width+j):]))
			if r == 0 {
				break
			}
			if !utf8.ValidRune(r) {
				return nil, fmt.Errorf("%s: array %q: string %d holds %#x, not a character", z.path, key, i, r)
			}
			rs = append(rs, r)
		}
		out[i] = string(rs)
	}
	return out, nil
}

// member reads one member's header and raw values, their element size
// given by elemSize from the header's dtype.
func (z *File) member(key string, elemSize func(descr string) (int, error)) (npyHeader, []byte, error) {
	m, ok := z.members[key]
	if !ok {
		return npyHeader{}, nil, fmt.Errorf("%s: no array %q in the archive (it has: %s)", z.path, key, strings.Join(z.Keys(), ", "))
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%s: array %q "+format, append([]any{z.path, key}, args...)...)
	}
	switch m.Method {
	case zip.Store:
		if m.UncompressedSize64 != m.CompressedSize64 {
			return npyHeader{}, nil, fail("is corrupt: a stored member of %d bytes claims %d uncompressed", m.CompressedSize64, m.UncompressedSize64)
		}
	case zip.Deflate:
		if m.UncompressedSize64 > maxDeflateRatio*m.CompressedSize64+4096 {
			return npyHeader{}, nil, fail("claims %d bytes from %d compressed (more than %d:1): refusing a possible deflate bomb", m.UncompressedSize64, m.CompressedSize64, maxDeflateRatio)
		}
	default:
		return npyHeader{}, nil, fail("uses zip compression method %d; numpy writes stored or deflated members", m.Method)
	}
	rc, err := m.Open()
	if err != nil {
		return npyHeader{}, nil, fail("could not be opened (%w)", safefile.Cause(err))
	}
	defer rc.Close()
	// The bound on the inflated stream holds whatever the directory claims.
	src := &limitedReader{r: rc, n: int64(min(m.UncompressedSize64, maxArrayBytes+1<<20))}
	hdr, hdrLen, err := readNPYHeader(src)
	if err != nil {
		return npyHeader{}, nil, fail("%v", err)
	}
	if hdr.fortran {
		return npyHeader{}, nil, fail("is stored in Fortran order; save it with numpy.ascontiguousarray")
	}
	size, err := elemSize(hdr.descr)
	if err != nil {
		return npyHeader{}, nil, fail("%v", err)
	}
	n, ok := shapeValues(hdr.shape)
	if !ok || n > maxArrayBytes/uint64(size) {
		return npyHeader{}, nil, fail("has shape %v, more than the %d bytes eegkit reads in one array (corrupt header?)", hdr.shape, maxArrayBytes)
	}
	if want := uint64(hdrLen) + n*uint64(size); want != m.UncompressedSize64 {
		return npyHeader{}, nil, fail("is corrupt: shape %v of %s needs %d bytes with its header, the archive holds %d", hdr.shape, hdr.descr, want, m.UncompressedSize64)
	}
	raw := make([]byte, n*uint64(size))
	if _, err := io.ReadFull(src, raw); err != nil {
		return npyHeader{}, nil, fail("could not be read (truncated or corrupt): %w", safefile.Cause(err))
	}
	// Reading to the end makes archive/zip compare the CRC-32 and the size.
	if _, err := io.Copy(io.Discard, src); err != nil {
		if errors.Is(err, zip.ErrChecksum) {
			return npyHeader{}, nil, fail("fails its CRC-32 check: the file is damaged")
		}
		return npyHeader{}, nil, fail("could not be read (truncated or corrupt): %w", safefile.Cause(err))
	}
	if src.over {
		return npyHeader{}, nil, fail("is corrupt: it holds more bytes than the archive says")
	}
	return hdr, raw, nil
}

// limitedReader reads at most n bytes from r and notes whether r had more.
type limitedReader struct {
	r    io.Reader
	n    int64
	over bool
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		var one [1]byte
		k, err := l.r.Read(one[:]) // at the member's end, archive/zip checks its CRC-32 here
		if k > 0 {
			l.over = true
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, err
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	k, err := l.r.Read(p)
	l.n -= int64(k)
	return k, err
}

// shapeValues is the number of values of shape; ok is false on a negative
// dimension or an overflow.
func shapeValues(shape []int) (n uint64, ok bool) {
	n = 1
	for _, d := range shape {
		if d < 0 {
			return 0, false
		}
		if d > 0 && n > math.MaxUint64/uint64(d) {
			return 0, false
		}
		n *= uint64(d)
	}
	return n, true
}

// Entry is one array to write: data is a flat slice ([]float32, []float64,
// []int64, []int32, or []string, written as numpy's "<Un") in C order, or
// a scalar when shape is empty.
type Entry struct {
	Name  string
	Shape []int
	Data  any
}

// Write writes an uncompressed .npz archive as numpy.savez does (stored
// zip members "<name>.npy", format 1.0 headers), atomically: a partial file
// never replaces an existing one.
func Write(path string, entries []Entry) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.Name + ".npy", Method: zip.Store})
		if err != nil {
			return err
		}
		if err := writeNPY(w, e); err != nil {
			return fmt.Errorf("writing %s to %s: %w", e.Name, path, err)
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return safefile.WriteFile(path, buf.Bytes())
}

// writeNPY writes one array in NumPy's .npy format 1.0 (C order, little endian).
func writeNPY(w io.Writer, e Entry) error {
	var descr string
	var n int
	switch d := e.Data.(type) {
	case []float32:
		descr, n = "<f4", len(d)
	case []float64:
		descr, n = "<f8", len(d)
	case []int64:
		descr, n = "<i8", len(d)
	case []int32:
		descr, n = "<i4", len(d)
	case []string:
		width := 1
		for _, v := range d {
			width = max(width, utf8.RuneCountInString(v))
		}
		descr, n = "<U"+strconv.Itoa(width), len(d)
		utf32 := make([]uint32, width*len(d))
		for i, v := range d {
			for j, r := range []rune(v) {
				utf32[i*width+j] = uint32(r)
			}
		}
		e.Data = utf32
	default:
		return fmt.Errorf("unsupported data type %T", e.Data)
	}
	if want, ok := shapeValues(e.Shape); !ok || uint64(n) != want {
		return fmt.Errorf("%d values do not fill shape %v", n, e.Shape)
	}
	dims := make([]string, len(e.Shape))
	for i, d := range e.Shape {
		dims[i] = strconv.Itoa(d)
	}
	shape := strings.Join(dims, ", ")
	if len(dims) == 1 {
		shape += ","
	}
	header := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, shape)
	// magic (6) + version (2) + header length (2) + header + padding + newline: a multiple of 64.
	total := 10 + len(header) + 1
	header += strings.Repeat(" ", (64-total%64)%64) + "\n"
	prefix := append([]byte("\x93NUMPY\x01\x00"), byte(len(header)), byte(len(header)>>8))
	if _, err := w.Write(append(prefix, header...)); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	if err := binary.Write(bw, binary.LittleEndian, e.Data); err != nil {
		return err
	}
	return bw.Flush()
}
