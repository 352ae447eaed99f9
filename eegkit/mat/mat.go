// Package mat reads the numeric arrays of MATLAB's level 5 MAT-files (what
// MATLAB's save writes before v7.3, and scipy.io.savemat), as the BCI
// competitions distribute their true labels: real numeric matrices of any
// class, stored plain or zlib-compressed (miCOMPRESSED), little or big
// endian. Cells, structs, sparse, complex and character arrays are skipped
// by name. MATLAB v7.3 files are HDF5 and are refused with a message saying
// so. It uses the standard library only: no Go MAT reader is kept up.
package mat

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/eegkit/eegkit/eegkit/safefile"
)

// Array is a numeric matrix: its dimensions and its values in column-major
// order, as MATLAB stores them, converted to float64.
type Array struct {
	Name string
	Dims []int
	Data []float64
}

// maxInflate bounds what a compressed element may inflate to.
const maxInflate = 1 << 28

// Read reads the numeric arrays of a MAT-file, by name.
func Read(path string) (map[string]*Array, error) {
	raw, err := safefile.ReadRegular(path, "a MAT-file")
	if err != nil {
		return nil, err
	}
	arrays, err := Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s is not a readable MAT-file: %w", path, err)
	}
	return arrays, nil
}

// Parse decodes a level 5 MAT-file held in memory.
func Parse(raw []byte) (map[string]*Array, error) {
	if len(raw) < 128 {
		return nil, fmt.Errorf("%d bytes, shorter than the 128-byte header", len(raw))
	}
	if bytes.HasPrefix(raw, []byte("MATLAB 7.3")) {
		return nil, fmt.Errorf("a MATLAB v7.3 (HDF5) file; save it with save(..., '-v7') or scipy.io.savemat")
	}
	var order binary.ByteOrder
	switch string(raw[126:128]) {
	case "IM":
		order = binary.LittleEndian
	case "MI":
		order = binary.BigEndian
	default:
		return nil, fmt.Errorf("no level 5 MAT-file header (endian indicator %q, want \"IM\" or \"MI\")", raw[126:128])
	}
	out := map[string]*Array{}
	if err := elements(raw[128:], order, out, 0); err != nil {
		return nil, err
	}
	return out, nil
}

// elements reads the top-level data elements of b.
func elements(b []byte, order binary.ByteOrder, out map[string]*Array, depth int) error {
	for len(b) > 0 {
		typ, data, rest, err := element(b, order)
		if err != nil {
			return err
		}
		b = rest
		switch typ {
		case miCOMPRESSED:
			if depth > 0 {
				return fmt.Errorf("a compressed element inside a compressed element")
			}
			zr, err := zlib.NewReader(bytes.NewReader(data))
			if err != nil {
				return fmt.Errorf("a compressed element: %w", err)
			}
			inflated, err := io.ReadAll(io.LimitReader(zr, maxInflate+1))
			if err != nil {
				return fmt.Errorf("a compressed element is damaged: %w", err)
			}
			if len(inflated) > maxInflate {
				return fmt.Errorf("a compressed element inflates beyond %d bytes", maxInflate)
			}
			if err := elements(inflated, order, out, depth+1); err != nil {
				return err
			}
		case miMATRIX:
			a, err := matrix(data, order)
			if err != nil {
				return err
			}
			if a != nil {
				out[a.Name] = a
			}
		}
	}
	return nil
}

// MAT-file data types.
const (
	miINT8       = 1
	miUINT8      = 2
	miINT16      = 3
	miUINT16     = 4
	miINT32      = 5
	miUINT32     = 6
	miSINGLE     = 7
	miDOUBLE     = 9
	miINT64      = 12
	miUINT64     = 13
	miMATRIX     = 14
	miCOMPRESSED = 15
)

// element splits one data element off b: its type, its data, what follows
// (padded to 8 bytes, except in the small element format of 4 data bytes).
func element(b []byte, order binary.ByteOrder) (typ uint32, data, rest []byte, err error) {
	if len(b) < 8 {
		return 0, nil, nil, fmt.Errorf("%d bytes left, too few for an element's 8-byte tag: the file is truncated", len(b))
	}
	first := order.Uint32(b)
	if small := first >> 16; small != 0 {
		if small > 4 {
			return 0, nil, nil, fmt.Errorf("a small element of %d bytes (at most 4)", small)
		}
		return first & 0xffff, b[4 : 4+small], b[8:], nil
	}
	n := uint64(order.Uint32(b[4:]))
	if n > uint64(len(b)-8) {
		return 0, nil, nil, fmt.Errorf("an element of %d bytes, but %d are left: the file is truncated", n, len(b)-8)
	}
	end := 8 + n
	if first != miCOMPRESSED {
		end = min((end+7)&^7, uint64(len(b)))
	}
	return first, b[8 : 8+n], b[end:], nil
}

// matrix decodes a miMATRIX element's array flags, dimensions, name and
// real part; it returns nil for arrays that are not real numeric matrices.
func matrix(b []byte, order binary.ByteOrder) (*Array, error) {
	var parts [4][]byte
	var types [4]uint32
	for i := range parts {
		var err error
		if types[i], parts[i], b, err = element(b, order); err != nil {
			return nil, fmt.Errorf("a matrix: %w", err)
		}
		if i == 0 && len(parts[0]) >= 4 {
			class := order.Uint32(parts[0]) & 0xff
			complexFlag := order.Uint32(parts[0])&0x800 != 0
			if class < 6 || class > 15 || complexFlag { // cells, structs, objects, chars, sparse; complex
				return nil, nil
			}
		}
	}
	if types[1] != miINT32 || len(parts[1])%4 != 0 || len(parts[1]) == 0 {
		return nil, fmt.Errorf("a matrix's dimensions are not int32")
	}
	a := &Array{Name: string(parts[2])}
	total := 1
	for i := 0; i < len(parts[1]); i += 4 {
		d := int(int32(order.Uint32(parts[1][i:])))
		if d < 0 || d > 1<<30 || total > math.MaxInt32/max(d, 1) {
			return nil, fmt.Errorf("matrix %q has dimension %d", a.Name, d)
		}
		a.Dims = append(a.Dims, d)
		total *= d
	}
	size, decode := decoder(types[3], order)
	if size == 0 {
		return nil, fmt.Errorf("matrix %q stores its values as type %d, not a numeric type", a.Name, types[3])
	}
	if len(parts[3]) != total*size {
		return nil, fmt.Errorf("matrix %q of %v holds %d bytes, want %d", a.Name, a.Dims, len(parts[3]), total*size)
	}
	a.Data = make([]float64, total)
	for i := range a.Data {
		a.Data[i] = decode(parts[3][i*size:])
	}
	if strings.TrimSpace(a.Name) == "" {
		return nil, fmt.Errorf("a matrix without a name")
	}
	return a, nil
}

// decoder is a numeric data type's size and how one value is read.
func decoder(typ uint32, order binary.ByteOrder) (int, func([]byte) float64) {
	switch typ {
	case miINT8:
		return 1, func(b []byte) float64 { return float64(int8(b[0])) }
	case miUINT8:
		return 1, func(b []byte) float64 { return float64(b[0]) }
	case miINT16:
		return 2, func(b []byte) float64 { return float64(int16(order.Uint16(b))) }
	case miUINT16:
		return 2, func(b []byte) float64 { return float64(order.Uint16(b)) }
	case miINT32:
		return 4, func(b []byte) float64 { return float64(int32(order.Uint32(b))) }
	case miUINT32:
		return 4, func(b []byte) float64 { return float64(order.Uint32(b)) }
	case miSINGLE:
		return 4, func(b []byte) float64 { return float64(math.Float32frombits(order.Uint32(b))) }
	case miDOUBLE:
		return 8, func(b []byte) float64 { return math.Float64frombits(order.Uint64(b)) }
	case miINT64:
		return 8, func(b []byte) float64 { return float64(int64(order.Uint64(b))) }
	case miUINT64:
		return 8, func(b []byte) float64 { return float64(order.Uint64(b)) }
	}
	return 0, nil
}
