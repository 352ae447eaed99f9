package augment

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/npz"
	"gonum.org/v1/gonum/dsp/fourier"
)

type fixture map[string]*npz.Array

func loadFixture(t *testing.T) fixture {
	t.Helper()
	z, err := npz.Open(filepath.Join("testdata", "braindecode.npz"))
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	f := fixture{}
	for _, k := range z.Keys() {
		if f[k], err = z.Array(k); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f fixture) f32(k string) []float32 {
	out := make([]float32, len(f[k].Data))
	for i, v := range f[k].Data {
		out[i] = float32(v)
	}
	return out
}

func (f fixture) batch(k string) *Batch {
	a := f[k]
	y := make([]int32, a.Shape[0])
	for i, v := range f["y"].Data {
		y[i] = int32(v)
	}
	return &Batch{X: f.f32(k), Y: y, N: a.Shape[0], C: a.Shape[1], T: a.Shape[2], K: 2}
}

func maxDiff(a, b []float32) float64 {
	d := 0.0
	for i := range a {
		d = math.Max(d, math.Abs(float64(a[i])-float64(b[i])))
	}
	return d
}

// TestParityWithBraindecode: the deterministic operations, given
// braindecode's random draws, give braindecode's outputs within 1e-5.
func TestParityWithBraindecode(t *testing.T) {
	f := loadFixture(t)
	all := func(p float64) *rand.Rand { return rand.New(rand.NewPCG(1, 1)) }
	for _, tc := range []struct {
		name  string
		input string
		apply func(b *Batch)
	}{
		{"time_reverse", "x", func(b *Batch) { TimeReverse{P: 1}.Transform(b, all(1)) }},
		{"sign_flip", "x", func(b *Batch) { SignFlip{P: 1}.Transform(b, all(1)) }},
		{"ft_surrogate", "x", func(b *Batch) {
			u := f["u"].Data
			for i := range b.N {
				ftSurrogate(b.Trial(i), b.C, b.T, u[i*63:(i+1)*63], 1, 0.8)
			}
		}},
		{"ft_surrogate_odd", "x_odd", func(b *Batch) {
			u := f["u_odd"].Data
			for i := range b.N {
				ftSurrogate(b.Trial(i), b.C, b.T, u[i*3*63:(i+1)*3*63], 3, 1)
			}
		}},
		{"smooth_time_mask", "x", func(b *Batch) {
			for i := range b.N {
				smoothTimeMask(b.Trial(i), b.C, b.T, f["mask_start"].Data[i], 30)
			}
		}},
		{"channels_symmetry", "x", func(b *Batch) {
			perm := symmetricPermutation([]string{"C3", "Cz", "C4"})
			for i, v := range f["symmetry_perm"].Data {
				if perm[i] != int(v) {
					t.Errorf("symmetric permutation %v, braindecode's %v", perm, f["symmetry_perm"].Data)
				}
			}
			ChannelsSymmetry{P: 1, Perm: perm}.Transform(b, all(1))
		}},
		{"mixup_x", "x", func(b *Batch) {
			var lam []float64
			var perm []int
			for i := range b.N {
				lam, perm = append(lam, f["lam"].Data[i]), append(perm, int(f["idx_perm"].Data[i]))
			}
			mixup(b, lam, perm)
			for i := range b.N { // the soft targets weigh y_a by λ and y_b by 1 − λ
				yb := int(f["mixup_y_b"].Data[i])
				want := [2]float64{}
				want[b.Y[i]] += lam[i]
				want[yb] += 1 - lam[i]
				for k := range 2 {
					if math.Abs(float64(b.Targets[i*2+k])-want[k]) > 1e-6 {
						t.Errorf("mixup targets of trial %d: %v, want %v", i, b.Targets[i*2:i*2+2], want)
					}
				}
			}
		}},
		{"frequency_shift", "x", func(b *Batch) {
			for i := range b.N {
				frequencyShift(b.Trial(i), b.C, b.T, float64(float32(f["delta_freq"].Data[i])), 125)
			}
		}},
		{"channels_dropout", "x", func(b *Batch) {
			for i := range b.N {
				channelsDropout(b.Trial(i), b.T, f["dropout_u"].Data[i*3:(i+1)*3], 0.4)
			}
		}},
		{"amplitude_scale", "x", func(b *Batch) {
			for i := range b.N {
				x := b.Trial(i)
				for ch := range b.C {
					for j := range b.T {
						x[ch*b.T+j] *= float32(f["scale_s"].Data[i*3+ch])
					}
				}
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := f.batch(tc.input)
			tc.apply(b)
			d := maxDiff(b.X, f.f32(tc.name))
			if d > 1e-5 {
				t.Errorf("differs from braindecode by %.2g", d)
			}
			t.Logf("max abs diff %.2g", d)
		})
	}
}

// TestProperties checks what the random transforms must keep or change.
func TestProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	mk := func(n, c, tt int) *Batch {
		b := &Batch{N: n, C: c, T: tt, K: 2}
		for i := range n {
			b.Y = append(b.Y, int32(i%2))
		}
		for range n * c * tt {
			b.X = append(b.X, float32(rng.NormFloat64()))
		}
		return b
	}
	spectrum := func(x []float32) []float64 {
		fft := fourier.NewFFT(len(x))
		buf := make([]float64, len(x))
		for i, v := range x {
			buf[i] = float64(v)
		}
		var out []float64
		for _, c := range fft.Coefficients(nil, buf) {
			out = append(out, math.Hypot(real(c), imag(c)))
		}
		return out
	}
	t.Run("FTSurrogate keeps every frequency's magnitude", func(t *testing.T) {
		b := mk(4, 2, 250)
		before := append([]float32(nil), b.X...)
		FTSurrogate{P: 1, Magnitude: 1, ChannelIndep: true}.Transform(b, rng)
		worst := 0.0
		for r := range 8 {
			a, z := spectrum(before[r*250:(r+1)*250]), spectrum(b.X[r*250:(r+1)*250])
			for k := range a {
				worst = math.Max(worst, math.Abs(a[k]-z[k]))
			}
		}
		if worst > 1e-4 || maxDiff(before, b.X) < 0.1 {
			t.Errorf("magnitudes differ by %g; the signal changed by %g", worst, maxDiff(before, b.X))
		}
	})
	t.Run("GaussianNoise has its standard deviation", func(t *testing.T) {
		b := mk(50, 2, 200)
		before := append([]float32(nil), b.X...)
		GaussianNoise{P: 1, Std: 0.3}.Transform(b, rng)
		s2 := 0.0
		for i := range b.X {
			d := float64(b.X[i] - before[i])
			s2 += d * d
		}
		if sd := math.Sqrt(s2 / float64(len(b.X))); math.Abs(sd-0.3) > 0.01 {
			t.Errorf("noise std %g, want 0.3", sd)
		}
	})
	t.Run("Mirror flips every label and swaps C3 and C4", func(t *testing.T) {
		b := mk(10, 3, 50)
		before := append([]float32(nil), b.X...)
		m := Mirror{P: 1, Perm: symmetricPermutation([]string{"C3", "Cz", "C4"})}
		m.Transform(b, rng)
		for i, y := range b.Y {
			if y != int32(1-i%2) {
				t.Fatalf("trial %d: label %d", i, y)
			}
			x, o := b.Trial(i), before[i*150:(i+1)*150]
			if maxDiff(x[:50], o[100:]) != 0 || maxDiff(x[50:100], o[50:100]) != 0 || maxDiff(x[100:], o[:50]) != 0 {
				t.Fatalf("trial %d: channels not swapped", i)
			}
		}
	})
	t.Run("probability 0 changes nothing, probability p about p of the trials", func(t *testing.T) {
		b := mk(1000, 1, 4)
		before := append([]float32(nil), b.X...)
		SignFlip{P: 0}.Transform(b, rng)
		if maxDiff(before, b.X) != 0 {
			t.Fatal("p = 0 changed the batch")
		}
		SignFlip{P: 0.3}.Transform(b, rng)
		flipped := 0
		for i := range b.N {
			if b.X[i*4] == -before[i*4] && b.X[i*4] != 0 {
				flipped++
			}
		}
		if flipped < 250 || flipped > 350 {
			t.Errorf("p = 0.3 flipped %d of 1000 trials", flipped)
		}
	})
	t.Run("BandstopFilter removes its band", func(t *testing.T) {
		b := mk(1, 1, 1000)
		bs := BandstopFilter{P: 1, Bandwidth: 4, Rate: 100}
		// The same stream as the transform's: the trial's draw, then the band's centre.
		r1 := rand.New(rand.NewPCG(9, 9))
		r1.Float64()
		f0 := 3 + r1.Float64()*(50-1-2-3)
		bs.Transform(b, rand.New(rand.NewPCG(9, 9)))
		sp := spectrum(b.X)
		for k, m := range sp {
			if f := float64(k) * 100 / 1000; math.Abs(f-f0) <= 2 && m > 1e-3 {
				t.Errorf("%.1f Hz (band %.1f ± 2) keeps magnitude %g", f, f0, m)
			}
		}
	})
	t.Run("TimeShift moves the trial", func(t *testing.T) {
		b := &Batch{X: []float32{1, 2, 3, 4, 5}, Y: []int32{0}, N: 1, C: 1, T: 5}
		TimeShift{P: 1, Max: 2}.Transform(b, rand.New(rand.NewPCG(3, 3)))
		nz := 0
		for _, v := range b.X {
			if v != 0 {
				nz++
			}
		}
		if nz < 3 {
			t.Errorf("shifted by more than 2: %v", b.X)
		}
	})
}

// TestParse: the grammar, its canonical names and its errors.
func TestParse(t *testing.T) {
	lab := Info{Rate: 125, Times: 750, Channels: []string{"C3", "C4"}, Classes: []string{"left hand", "right hand"}}
	for _, tc := range []struct {
		spec, name string
	}{
		{"timeshift:0.2s,noise:0.1,mirror:0.5", "timeshift:25:0.5,noise:0.1:0.5,mirror:0.5"},
		{"TimeReverse, signflip:1", "timereverse:0.5,signflip:1"},
		{"smoothtimemask:0.8s:0.3,bandstop:2,freqshift", "smoothtimemask:100:0.3,bandstop:2:0.5,freqshift:2:0.5"},
		{"scale:0.8-1.25,chandropout,chanshuffle:0.5:1", "scale:0.8-1.25:0.5,chandropout:0.2:0.5,chanshuffle:0.5:1"},
		{"ftsurrogate:0.5,symmetry,mixup:0.4:per-sample", "ftsurrogate:0.5,symmetry:0.5,mixup:0.4:per-sample"},
	} {
		p, err := Parse(tc.spec, lab)
		if err != nil || p.Name() != tc.name {
			t.Errorf("Parse(%q) = %q, %v; want %q", tc.spec, p.Name(), err, tc.name)
			continue
		}
		if again, err := Parse(p.Name(), lab); err != nil || again.Name() != p.Name() {
			t.Errorf("the canonical name %q parses to %q, %v", p.Name(), again.Name(), err)
		}
	}
	if p, err := Parse("", lab); p != nil || err != nil {
		t.Errorf("empty spec: %v, %v", p, err)
	}
	for _, tc := range []struct {
		spec string
		info Info
		want string
	}{
		{"flip", lab, `unknown transform "flip"`},
		{"noise:x", lab, `standard deviation "x" must be a number`},
		{"noise:0.1:2", lab, "probability \"2\" must be a number in [0, 1]"},
		{"timeshift:10s", lab, "less than the trial's 750 samples"},
		{"mirror", Info{Rate: 160, Times: 960, Channels: []string{"Fc1", "Cz"}, Classes: lab.Classes}, "have no left/right pair"},
		{"mirror", Info{Rate: 125, Times: 750, Channels: lab.Channels, Classes: []string{"a", "b", "c"}}, "use symmetry to swap channels and keep labels"},
		{"scale:2-1", lab, "must be LO-HI"},
		{"signflip:0.5:0.5", lab, "takes only a probability"},
		{"noise:inf", lab, `standard deviation "inf" must be a number >= 0, and finite`},
		{"noise:+Inf:0.5", lab, "and finite"},
		{"mixup:inf", lab, `alpha "inf" must be a number >= 0, and finite`},
		{"scale:0.5-inf", lab, "both finite"},
	} {
		if _, err := Parse(tc.spec, tc.info); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q): %v, want an error saying %q", tc.spec, err, tc.want)
		}
	}
}

// TestRegistry: a transform of one's own, registered, is what Parse builds
// for its name; a taken or malformed name panics at registration; the
// package documentation's grammar lists every registered transform.
func TestRegistry(t *testing.T) {
	lab := Info{Rate: 125, Times: 750, Channels: []string{"C3", "C4"}, Classes: []string{"left", "right"}}
	Register(Entry{Name: "quiet", Parse: func(a Args) (Transform, error) {
		std, err := a.Num(0, "standard deviation", 0.01, 0, 1)
		if err != nil {
			return nil, err
		}
		p, err := a.PAfter()
		return GaussianNoise{P: p, Std: std}, err
	}})
	defer func() { registry = registry[:len(registry)-1] }()
	p, err := Parse("quiet:0.02:0.3", lab)
	if err != nil || len(p) != 1 || p[0] != (GaussianNoise{P: 0.3, Std: 0.02}) {
		t.Fatalf("Parse of a registered transform: %v, %v", p, err)
	}
	if _, err := Parse("quiet:2", lab); err == nil || !strings.Contains(err.Error(), `standard deviation "2" must be a number in [0, 1]`) {
		t.Errorf("its own argument check: %v", err)
	}
	for _, bad := range []Entry{{Name: "noise", Parse: registry[0].Parse}, {Name: "a:b", Parse: registry[0].Parse}, {Name: "nothing"}} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.HasPrefix(fmt.Sprint(r), "augment.Register") {
					t.Errorf("Register(%q): panic %v", bad.Name, r)
				}
			}()
			Register(bad)
			registry = registry[:len(registry)-1]
		}()
	}
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range Names() {
		if name != "quiet" && !strings.Contains(string(doc), "//\t"+name) {
			t.Errorf("the package documentation's grammar does not list %s", name)
		}
	}
}
