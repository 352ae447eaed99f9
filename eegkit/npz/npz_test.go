package npz

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// npyBytes is an .npy file of float64 values with the given header dict.
func npyBytes(version byte, dict string, values []float64) []byte {
	var b bytes.Buffer
	b.WriteString("\x93NUMPY")
	b.WriteByte(version)
	b.WriteByte(0)
	if version == 1 {
		binary.Write(&b, binary.LittleEndian, uint16(len(dict)))
	} else {
		binary.Write(&b, binary.LittleEndian, uint32(len(dict)))
	}
	b.WriteString(dict)
	binary.Write(&b, binary.LittleEndian, values)
	return b.Bytes()
}

// zipMember is one member of a hand-made archive: its bytes as stored, and
// what the directory claims of them.
type zipMember struct {
	name       string
	data       []byte // stored bytes (deflated already when method is Deflate)
	method     uint16
	crc        uint32
	size       uint64 // claimed uncompressed size
	compressed uint64
}

func stored(name string, data []byte) zipMember {
	return zipMember{name: name, data: data, method: zip.Store, crc: crc32.ChecksumIEEE(data), size: uint64(len(data)), compressed: uint64(len(data))}
}

func deflated(t *testing.T, name string, data []byte) zipMember {
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	w.Close()
	return zipMember{name: name, data: b.Bytes(), method: zip.Deflate, crc: crc32.ChecksumIEEE(data), size: uint64(len(data)), compressed: uint64(b.Len())}
}

func zipBytes(t *testing.T, members ...zipMember) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, m := range members {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: m.name, Method: m.method, CRC32: m.crc,
			CompressedSize64: m.compressed, UncompressedSize64: m.size, Modified: time.Unix(0, 0)})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(m.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const dict23 = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"

var six = []float64{1, 2, 3, 4, 5, 6}

// TestReadNPZRefusesDamage covers what the fault probe found in the .npz
// reader: huge claimed sizes, deflate bombs, bad CRCs, duplicate members and
// header variants numpy writes or accepts.
func TestReadNPZRefusesDamage(t *testing.T) {
	good := npyBytes(1, dict23, six)
	flipped := append([]byte(nil), good...)
	flipped[len(flipped)-3] ^= 0x10
	claim4G := stored("signal.npy", good)
	claim4G.size = 4 << 30
	bomb := zerosBomb(t, 64<<20) // 64 MB of zeros deflate to 64 kB
	lying := deflated(t, "signal.npy", good)
	lying.size = uint64(len(good)) - 8 // the stream inflates to more than the directory says
	cases := []struct {
		name string
		raw  []byte
		want string // "" = reads six values
	}{
		{"plain", zipBytes(t, stored("signal.npy", good)), ""},
		{"deflated", zipBytes(t, deflated(t, "signal.npy", good)), ""},
		{"keys in another order", zipBytes(t, stored("signal.npy", npyBytes(1, "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f8'}", six))), ""},
		{"format version 3", zipBytes(t, stored("signal.npy", npyBytes(3, dict23, six))), ""},
		{"format version 2", zipBytes(t, stored("signal.npy", npyBytes(2, dict23, six))), ""},
		{"big-endian", zipBytes(t, stored("signal.npy", bigEndianNPY())), ""},
		{"stored member claims 4 GB", zipBytes(t, claim4G), "claims 4294967296 uncompressed"},
		{"deflate bomb", zipBytes(t, bomb), "deflate bomb"},
		{"inflates to more than claimed", zipBytes(t, lying), "corrupt"},
		{"bad CRC", zipBytes(t, zipMember{name: "signal.npy", data: flipped, method: zip.Store, crc: crc32.ChecksumIEEE(good), size: uint64(len(good)), compressed: uint64(len(good))}), "CRC-32"},
		{"duplicate member", zipBytes(t, stored("signal.npy", good), stored("signal.npy", good)), "two members named"},
		{"shape larger than data", zipBytes(t, stored("signal.npy", npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 4), }", six))), "holds 117"},
		{"huge shape", zipBytes(t, stored("signal.npy", npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", six))), "more than the"},
		{"version 4", zipBytes(t, stored("signal.npy", npyBytes(4, dict23, six))), "format version 4"},
		{"missing key", zipBytes(t, stored("signal.npy", npyBytes(1, "{'descr': '<f8', 'shape': (2, 3), }", six))), `key "fortran_order" is missing`},
		{"pickled objects", zipBytes(t, stored("signal.npy", npyBytes(1, "{'descr': '|O', 'fortran_order': False, 'shape': (6,), }", six))), "never unpickles"},
		{"structured dtype", zipBytes(t, stored("signal.npy", npyBytes(1, "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (6,), }", six))), "structured dtype"},
		{"Fortran order", zipBytes(t, stored("signal.npy", npyBytes(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", six))), "Fortran order"},
		{"not npy", zipBytes(t, stored("signal.npy", []byte("hello, world, not an array"))), "no NUMPY magic"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			z, err := NewReader("x.npz", bytes.NewReader(c.raw), int64(len(c.raw)))
			var a *Array
			if err == nil {
				a, err = z.Array("signal")
			}
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(a.Data) != 6 || a.Data[5] != 6 || len(a.Shape) != 2 || a.Shape[1] != 3 {
					t.Fatalf("read %v shape %v", a.Data, a.Shape)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got error %v, want one line containing %q", err, c.want)
			}
		})
	}
}

// zerosBomb is a deflated .npy member of n bytes of zeros, made without
// holding them in memory.
func zerosBomb(t *testing.T, n int) zipMember {
	head := npyBytes(1, fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': (%d,), }", n/8), nil)
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	w.Write(head)
	crc := crc32.ChecksumIEEE(head)
	chunk := make([]byte, 1<<20)
	for i := 0; i < n; i += len(chunk) {
		w.Write(chunk)
		crc = crc32.Update(crc, crc32.IEEETable, chunk)
	}
	w.Close()
	return zipMember{name: "signal.npy", data: b.Bytes(), method: zip.Deflate, crc: crc, size: uint64(len(head) + n), compressed: uint64(b.Len())}
}

func bigEndianNPY() []byte {
	var b bytes.Buffer
	dict := "{'descr': '>f8', 'fortran_order': False, 'shape': (2, 3), }"
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(dict)))
	b.WriteString(dict)
	binary.Write(&b, binary.BigEndian, six)
	return b.Bytes()
}

// TestOpenNPZRefusesNonRegularFiles: a FIFO would block open() forever, a
// symlink loop is no missing file.
func TestOpenNPZRefusesNonRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.npz")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop.npz")
	if err := os.Symlink(loop, loop); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(dir, "dangling.npz")
	if err := os.Symlink(filepath.Join(dir, "nowhere"), dangling); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{fifo: "is a FIFO", loop: "loop of symbolic links", dangling: "symbolic link to a file that does not exist", dir: "is a directory"} {
		done := make(chan error, 1)
		go func() { _, err := Open(path); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %v, want %q", filepath.Base(path), err, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: Open blocks", filepath.Base(path))
		}
	}
}

// TestStrings writes a list of strings as numpy's "<Un" (the widest, in
// characters, sets n; shorter ones are padded with zeros) and reads it back,
// characters beyond ASCII included; a numeric array is not strings.
func TestStrings(t *testing.T) {
	path := filepath.Join(t.TempDir(), "names.npz")
	names := []string{"C3", "Cz", "Fp1", "µV", ""}
	if err := Write(path, []Entry{{Name: "channels", Shape: []int{5}, Data: names}, {Name: "rate", Data: []float64{250}}}); err != nil {
		t.Fatal(err)
	}
	z, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	got, err := z.Strings("channels")
	if err != nil || fmt.Sprint(got) != fmt.Sprint(names) {
		t.Fatalf("Strings = %q, %v; want %q", got, err, names)
	}
	if _, err := z.Strings("rate"); err == nil || !strings.Contains(err.Error(), "want strings") {
		t.Errorf("Strings of a float array: %v", err)
	}
	if a, err := z.Array("channels"); err == nil {
		t.Errorf("Array of strings read %v", a.Data)
	}
}
