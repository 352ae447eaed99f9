package eegkit

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/sbinet/npyio/npz"
)

// npzFile is an open .npz archive (numpy.savez or savez_compressed).
type npzFile struct {
	path  string
	f     io.Closer
	r     *npz.Reader
	sizes map[string]uint64 // uncompressed size of each member
}

// openNPZ opens an .npz archive, turning every failure into an error that
// names the file and says what is wrong with it.
func openNPZ(path string) (*npzFile, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: file not found", path)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s: is a directory, not an .npz file", path)
	}
	if st.Size() == 0 {
		f.Close()
		return nil, fmt.Errorf("%s: file is empty (want a numpy .npz archive)", path)
	}
	z, err := readNPZ(path, f, st.Size())
	if err != nil {
		f.Close()
		return nil, err
	}
	z.f = f
	return z, nil
}

// readNPZ opens an .npz archive held in r (size bytes), named path in errors.
func readNPZ(path string, r io.ReaderAt, size int64) (z *npzFile, err error) {
	defer func() { // the npy decoder panics on some malformed headers
		if p := recover(); p != nil {
			z, err = nil, fmt.Errorf("%s: not a readable .npz archive (corrupt: %v)", path, p)
		}
	}()
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable .npz archive (truncated, or not a zip file written by numpy.savez): %v", path, unwrapAll(err))
	}
	sizes := map[string]uint64{}
	for _, f := range zr.File {
		sizes[f.Name] = f.UncompressedSize64
	}
	nr, err := npz.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable .npz archive (truncated, or not a zip file written by numpy.savez): %v", path, unwrapAll(err))
	}
	return &npzFile{path: path, f: io.NopCloser(nil), r: nr, sizes: sizes}, nil
}

func (z *npzFile) Close() error { return z.f.Close() }

// keys lists the arrays in the archive, without the ".npy" suffix, sorted.
func (z *npzFile) keys() []string {
	var ks []string
	for _, k := range z.r.Keys() {
		ks = append(ks, strings.TrimSuffix(k, ".npy"))
	}
	sort.Strings(ks)
	return ks
}

func (z *npzFile) has(key string) bool {
	for _, k := range z.r.Keys() {
		if k == key+".npy" {
			return true
		}
	}
	return false
}

// array is an n-dimensional numeric array read from an .npz archive, converted to float64.
type array struct {
	Shape []int
	DType string // numpy's descr, e.g. "<f8"
	Data  []float64
}

// read reads one array (by key, without ".npy") of any numeric dtype into float64.
func (z *npzFile) read(key string) (a *array, err error) {
	defer func() { // the npy decoder panics on some malformed data
		if p := recover(); p != nil {
			a, err = nil, fmt.Errorf("%s: array %q is corrupt (%v)", z.path, key, p)
		}
	}()
	if !z.has(key) {
		return nil, fmt.Errorf("%s: no array %q in the archive (it has: %s)", z.path, key, strings.Join(z.keys(), ", "))
	}
	name := key + ".npy"
	hdr := z.r.Header(name)
	if hdr == nil {
		return nil, fmt.Errorf("%s: array %q is unreadable (corrupt .npy header)", z.path, key)
	}
	if hdr.Descr.Fortran {
		return nil, fmt.Errorf("%s: array %q is stored in Fortran order; save it with numpy.ascontiguousarray", z.path, key)
	}
	a = &array{Shape: append([]int(nil), hdr.Descr.Shape...), DType: hdr.Descr.Type}
	n := uint64(1)
	for _, d := range a.Shape {
		if d < 0 || (d > 0 && n > z.sizes[name]/uint64(d)) {
			return nil, fmt.Errorf("%s: array %q has shape %v, more values than its %d bytes can hold (corrupt header)", z.path, key, a.Shape, z.sizes[name])
		}
		n *= uint64(d)
	}
	if n > z.sizes[name] {
		return nil, fmt.Errorf("%s: array %q has shape %v, more values than its %d bytes can hold (corrupt header)", z.path, key, a.Shape, z.sizes[name])
	}
	switch strings.TrimLeft(hdr.Descr.Type, "<>|=") {
	case "f8":
		err = z.r.Read(name, &a.Data)
	case "f4":
		a.Data, err = readConverted[float32](z.r, name)
	case "i8":
		a.Data, err = readConverted[int64](z.r, name)
	case "i4":
		a.Data, err = readConverted[int32](z.r, name)
	case "i2":
		a.Data, err = readConverted[int16](z.r, name)
	case "i1":
		a.Data, err = readConverted[int8](z.r, name)
	case "u8":
		a.Data, err = readConverted[uint64](z.r, name)
	case "u4":
		a.Data, err = readConverted[uint32](z.r, name)
	case "u2":
		a.Data, err = readConverted[uint16](z.r, name)
	case "u1":
		a.Data, err = readConverted[uint8](z.r, name)
	default:
		return nil, fmt.Errorf("%s: array %q has dtype %s; want a float or integer array", z.path, key, hdr.Descr.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: array %q could not be read (truncated or corrupt): %v", z.path, key, unwrapAll(err))
	}
	if len(a.Data) != shapeSize(a.Shape) {
		return nil, fmt.Errorf("%s: array %q is truncated: %d of %d values", z.path, key, len(a.Data), shapeSize(a.Shape))
	}
	return a, nil
}

func readConverted[T int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | float32](r *npz.Reader, name string) ([]float64, error) {
	var raw []T
	if err := r.Read(name, &raw); err != nil {
		return nil, err
	}
	out := make([]float64, len(raw))
	for i, v := range raw {
		out[i] = float64(v)
	}
	return out, nil
}

// npzEntry is one array to write: data is a flat slice ([]float32, []float64,
// []int64 or []int32) in C order, or a scalar when shape is empty.
type npzEntry struct {
	Name  string
	Shape []int
	Data  any
}

// writeNPZ writes an uncompressed .npz archive as numpy.savez does (stored
// zip members "<name>.npy", format 1.0 headers), atomically: a partial file
// never replaces an existing one.
func writeNPZ(path string, entries []npzEntry) error {
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
	return writeFileAtomic(path, buf.Bytes())
}

// writeNPY writes one array in NumPy's .npy format 1.0 (C order, little endian).
func writeNPY(w io.Writer, e npzEntry) error {
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
	default:
		return fmt.Errorf("unsupported data type %T", e.Data)
	}
	if n != shapeSize(e.Shape) {
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

func shapeSize(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// unwrapAll returns the innermost error's message, dropping library prefixes.
func unwrapAll(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			break
		}
		err = u
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "unexpected end of data"
	}
	return err.Error()
}

func normalizeName(s string) string {
	return strings.NewReplacer("_", "", "-", "", " ", "").Replace(strings.ToLower(strings.TrimSpace(s)))
}
