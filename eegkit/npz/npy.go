package npz

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// npyHeader is what an .npy header says of its array.
type npyHeader struct {
	descr   string // numpy's dtype string, e.g. "<f8"
	fortran bool
	shape   []int
}

// maxNPYHeader bounds an .npy header; numpy itself refuses headers over 10 kB
// unless asked to allow them.
const maxNPYHeader = 1 << 16

// readNPYHeader reads an .npy header in any of the format versions 1.0, 2.0
// and 3.0 and returns it with the number of bytes it took (magic, version,
// length field and header text). The header is a Python dict literal
// {'descr': …, 'fortran_order': …, 'shape': (…)}, its keys in any order.
func readNPYHeader(r io.Reader) (npyHeader, int, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return npyHeader{}, 0, errors.New("is not an .npy array (too short)")
	}
	if string(pre[:6]) != "\x93NUMPY" {
		return npyHeader{}, 0, errors.New("is not an .npy array (no NUMPY magic)")
	}
	var n, lenBytes int
	switch pre[6] {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return npyHeader{}, 0, errors.New("has a truncated .npy header")
		}
		n, lenBytes = int(binary.LittleEndian.Uint16(b[:])), 2
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return npyHeader{}, 0, errors.New("has a truncated .npy header")
		}
		n, lenBytes = int(binary.LittleEndian.Uint32(b[:])), 4
	default:
		return npyHeader{}, 0, fmt.Errorf("uses .npy format version %d.%d; eegkit reads 1.0, 2.0 and 3.0", pre[6], pre[7])
	}
	if n > maxNPYHeader {
		return npyHeader{}, 0, fmt.Errorf("has an .npy header of %d bytes (corrupt?)", n)
	}
	text := make([]byte, n)
	if _, err := io.ReadFull(r, text); err != nil {
		return npyHeader{}, 0, errors.New("has a truncated .npy header")
	}
	h, err := parseNPYDict(string(text))
	if err != nil {
		return npyHeader{}, 0, fmt.Errorf("has an unreadable .npy header (%v): %q", err, strings.TrimSpace(string(text)))
	}
	return h, 8 + lenBytes + n, nil
}

// parseNPYDict parses the header's dict literal: string keys, and values that
// are strings, True/False or tuples of integers.
func parseNPYDict(s string) (npyHeader, error) {
	p := &pyLexer{s: s}
	var h npyHeader
	seen := map[string]bool{}
	if !p.eat('{') {
		return h, errors.New("no dict")
	}
	for !p.eat('}') {
		key, ok := p.str()
		if !ok {
			return h, errors.New("a key is not a string")
		}
		if seen[key] {
			return h, fmt.Errorf("key %q twice", key)
		}
		seen[key] = true
		if !p.eat(':') {
			return h, errors.New("no ':' after a key")
		}
		switch key {
		case "descr":
			v, ok := p.str()
			if !ok {
				return h, errors.New("descr is not a string (a structured dtype?)")
			}
			h.descr = v
		case "fortran_order":
			switch w := p.word(); w {
			case "True", "False":
				h.fortran = w == "True"
			default:
				return h, errors.New("fortran_order is not True or False")
			}
		case "shape":
			shape, err := p.intTuple()
			if err != nil {
				return h, err
			}
			h.shape = shape
		default:
			return h, fmt.Errorf("unknown key %q", key)
		}
		if !p.eat(',') {
			if !p.eat('}') {
				return h, errors.New("no ',' or '}' after a value")
			}
			break
		}
	}
	if rest := strings.TrimSpace(p.s[p.i:]); rest != "" {
		return h, errors.New("text after the dict")
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, fmt.Errorf("key %q is missing", k)
		}
	}
	return h, nil
}

// pyLexer reads the few Python literals an .npy header uses.
type pyLexer struct {
	s string
	i int
}

func (p *pyLexer) skip() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *pyLexer) eat(c byte) bool {
	p.skip()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *pyLexer) str() (string, bool) {
	p.skip()
	if p.i >= len(p.s) || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return "", false
	}
	q := p.s[p.i]
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", false
	}
	v := p.s[p.i+1 : p.i+1+end]
	p.i += end + 2
	return v, true
}

func (p *pyLexer) word() string {
	p.skip()
	j := p.i
	for j < len(p.s) && (p.s[j] >= 'a' && p.s[j] <= 'z' || p.s[j] >= 'A' && p.s[j] <= 'Z' || p.s[j] >= '0' && p.s[j] <= '9' || p.s[j] == '-' || p.s[j] == '+') {
		j++
	}
	w := p.s[p.i:j]
	p.i = j
	return w
}

func (p *pyLexer) intTuple() ([]int, error) {
	if !p.eat('(') {
		return nil, errors.New("shape is not a tuple")
	}
	shape := []int{}
	for !p.eat(')') {
		w := strings.TrimSuffix(p.word(), "L")
		d, err := strconv.Atoi(w)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("shape has a dimension %q that is not a size", w)
		}
		shape = append(shape, d)
		if !p.eat(',') {
			if !p.eat(')') {
				return nil, errors.New("shape tuple is not closed")
			}
			break
		}
	}
	return shape, nil
}

// npyDType is a numeric dtype eegkit reads, with its decoder to float64.
type npyDType struct {
	size   int
	decode func(raw []byte, n int) []float64
}

// parseDType maps numpy's descr (byte order, kind, size) to a decoder.
func parseDType(descr string) (npyDType, error) {
	if len(descr) < 2 {
		return npyDType{}, fmt.Errorf("has dtype %s; want a float or integer array", descr)
	}
	var order binary.ByteOrder = binary.LittleEndian
	kind := descr
	switch descr[0] {
	case '<', '|', '=':
		kind = descr[1:]
	case '>':
		order, kind = binary.BigEndian, descr[1:]
	}
	dec := func(size int, f func(b []byte) float64) npyDType {
		return npyDType{size, func(raw []byte, n int) []float64 {
			out := make([]float64, n)
			for i := range out {
				out[i] = f(raw[i*size : (i+1)*size])
			}
			return out
		}}
	}
	switch kind {
	case "f8":
		return dec(8, func(b []byte) float64 { return math.Float64frombits(order.Uint64(b)) }), nil
	case "f4":
		return dec(4, func(b []byte) float64 { return float64(math.Float32frombits(order.Uint32(b))) }), nil
	case "i8":
		return dec(8, func(b []byte) float64 { return float64(int64(order.Uint64(b))) }), nil
	case "i4":
		return dec(4, func(b []byte) float64 { return float64(int32(order.Uint32(b))) }), nil
	case "i2":
		return dec(2, func(b []byte) float64 { return float64(int16(order.Uint16(b))) }), nil
	case "i1":
		return dec(1, func(b []byte) float64 { return float64(int8(b[0])) }), nil
	case "u8":
		return dec(8, func(b []byte) float64 { return float64(order.Uint64(b)) }), nil
	case "u4":
		return dec(4, func(b []byte) float64 { return float64(order.Uint32(b)) }), nil
	case "u2":
		return dec(2, func(b []byte) float64 { return float64(order.Uint16(b)) }), nil
	case "u1", "b1":
		if kind == "b1" {
			return npyDType{}, fmt.Errorf("has dtype %s (bool); want a float or integer array", descr)
		}
		return dec(1, func(b []byte) float64 { return float64(b[0]) }), nil
	case "O":
		return npyDType{}, fmt.Errorf("holds Python objects (dtype %s, pickled); eegkit never unpickles: save a numeric array", descr)
	}
	return npyDType{}, fmt.Errorf("has dtype %s; want a float or integer array", descr)
}
