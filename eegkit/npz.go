package eegkit

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"github.com/sbinet/npyio/npz"
)

// npzFile is an open .npz archive (numpy.savez or savez_compressed).
type npzFile struct {
	path string
	f    *os.File
	r    *npz.Reader
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
	r, err := npz.NewReader(f, st.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: not a readable .npz archive (truncated, or not a zip file written by numpy.savez): %v", path, unwrapAll(err))
	}
	return &npzFile{path: path, f: f, r: r}, nil
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
func (z *npzFile) read(key string) (*array, error) {
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
	a := &array{Shape: append([]int(nil), hdr.Descr.Shape...), DType: hdr.Descr.Type}
	var err error
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

// writeNPZ writes an uncompressed .npz archive that numpy.load reads,
// atomically: a partial file never replaces an existing one.
func writeNPZ(path string, entries []npzEntry) (err error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*.npz")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := npz.NewWriter(tmp)
	for _, e := range entries {
		v, err := nestSlice(e.Data, e.Shape)
		if err != nil {
			return fmt.Errorf("writing %s to %s: %w", e.Name, path, err)
		}
		if err := w.Write(e.Name+".npy", v); err != nil {
			return fmt.Errorf("writing %s to %s: %w", e.Name, path, err)
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// nestSlice turns a flat slice and a shape into nested slices (what npyio
// writes with the right shape), or a scalar for an empty shape.
func nestSlice(flat any, shape []int) (any, error) {
	rv := reflect.ValueOf(flat)
	if rv.Kind() != reflect.Slice {
		return nil, fmt.Errorf("want a flat slice, got %T", flat)
	}
	if rv.Len() != shapeSize(shape) {
		return nil, fmt.Errorf("%d values do not fill shape %v", rv.Len(), shape)
	}
	if len(shape) == 0 {
		return rv.Index(0).Interface(), nil
	}
	var build func(off int, dims []int, t reflect.Type) reflect.Value
	build = func(off int, dims []int, t reflect.Type) reflect.Value {
		if len(dims) == 1 {
			return rv.Slice(off, off+dims[0])
		}
		inner := shapeSize(dims[1:])
		out := reflect.MakeSlice(t, dims[0], dims[0])
		for i := 0; i < dims[0]; i++ {
			out.Index(i).Set(build(off+i*inner, dims[1:], t.Elem()))
		}
		return out
	}
	t := rv.Type()
	for range shape[1:] {
		t = reflect.SliceOf(t)
	}
	return build(0, shape, t).Interface(), nil
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
