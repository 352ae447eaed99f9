package riemann

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/eegkit/eegkit/eegkit/npz"
	"gonum.org/v1/gonum/mat"
)

// fixture is one problem of testdata (scripts/riemann_fixtures.py).
type fixture map[string]*npz.Array

func loadFixture(t *testing.T, name string) fixture {
	t.Helper()
	z, err := npz.Open(filepath.Join("testdata", name+".npz"))
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	f := fixture{}
	for _, k := range z.Keys() {
		a, err := z.Array(k)
		if err != nil {
			t.Fatal(err)
		}
		f[k] = a
	}
	return f
}

// trials are the fixture's trials of a split as row-major C×T slices.
func (f fixture) trials(split string) (x [][]float64, chans int) {
	a := f["x_"+split]
	n, c, tt := a.Shape[0], a.Shape[1], a.Shape[2]
	for i := range n {
		x = append(x, a.Data[i*c*tt:(i+1)*c*tt])
	}
	return x, c
}

// matrices are the fixture's stacked C×C matrices called key.
func (f fixture) matrices(key string) []*mat.SymDense {
	a := f[key]
	c := a.Shape[len(a.Shape)-1]
	var out []*mat.SymDense
	for i := 0; i < len(a.Data); i += c * c {
		out = append(out, mat.NewSymDense(c, append([]float64(nil), a.Data[i:i+c*c]...)))
	}
	return out
}

func (f fixture) labels(key string) []int32 {
	var out []int32
	for _, v := range f[key].Data {
		out = append(out, int32(v))
	}
	return out
}

func maxDiff(a, b *mat.SymDense) float64 {
	d := 0.0
	n := a.SymmetricDim()
	for i := range n {
		for j := range n {
			d = math.Max(d, math.Abs(a.At(i, j)-b.At(i, j)))
		}
	}
	return d
}

// TestParityWithPyriemann compares covariances, the Riemannian mean,
// tangent vectors and MDM with pyriemann 0.12's on the same trials.
func TestParityWithPyriemann(t *testing.T) {
	for _, name := range []string{"two_class", "three_class"} {
		t.Run(name, func(t *testing.T) {
			f := loadFixture(t, name)
			covs := map[string][]*mat.SymDense{}
			for _, split := range []string{"train", "test"} {
				x, c := f.trials(split)
				for _, est := range []string{SCM, LWF, OAS} {
					want := f.matrices(fmt.Sprintf("cov_%s_%s", est, split))
					worst := 0.0
					for i, trial := range x {
						got, err := Covariance(trial, c, est)
						if err != nil {
							t.Fatal(err)
						}
						worst = math.Max(worst, maxDiff(got, want[i]))
					}
					if worst > 1e-12 {
						t.Errorf("%s %s covariances differ from pyriemann's by %.2g", split, est, worst)
					}
					t.Logf("%s %s covariances: max abs diff %.2g", split, est, worst)
				}
				covs[split] = f.matrices("cov_oas_" + split) // pyriemann's, so the rest is compared on the same matrices
			}
			mean, err := Mean(covs["train"])
			if err != nil {
				t.Fatal(err)
			}
			if d := maxDiff(mean, f.matrices("mean_train")[0]); d > 1e-6 {
				t.Errorf("Riemannian mean differs by %.2g", d)
			} else {
				t.Logf("Riemannian mean: max abs diff %.2g", d)
			}
			ref, err := InvSqrtm(mean)
			if err != nil {
				t.Fatal(err)
			}
			for _, split := range []string{"train", "test"} {
				want := f["tangent_"+split]
				dim := want.Shape[1]
				worst := 0.0
				for i, c := range covs[split] {
					v, err := TangentVector(ref, c)
					if err != nil {
						t.Fatal(err)
					}
					for j, x := range v {
						worst = math.Max(worst, math.Abs(x-want.Data[i*dim+j]))
					}
				}
				if worst > 1e-6 {
					t.Errorf("%s tangent vectors differ by %.2g", split, worst)
				}
				t.Logf("%s tangent vectors: max abs diff %.2g", split, worst)
			}
			k := len(f.matrices("mdm_means"))
			mdm, err := FitMDM(covs["train"], f.labels("y_train"), k)
			if err != nil {
				t.Fatal(err)
			}
			for c, m := range f.matrices("mdm_means") {
				if d := maxDiff(mdm.Means[c], m); d > 1e-6 {
					t.Errorf("MDM mean of class %d differs by %.2g", c, d)
				}
			}
			want := f.labels("mdm_pred")
			for i, c := range covs["test"] {
				p, err := mdm.Predict(c)
				if err != nil {
					t.Fatal(err)
				}
				if p != want[i] {
					t.Errorf("MDM predicts trial %d as %d, pyriemann as %d", i, p, want[i])
				}
			}
		})
	}
}

// TestSPDFunctions checks the matrix functions against identities.
func TestSPDFunctions(t *testing.T) {
	c := mat.NewSymDense(3, []float64{4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2})
	s, _ := Sqrtm(c)
	var ss mat.Dense
	ss.Mul(s, s)
	is, _ := InvSqrtm(c)
	l, _ := Logm(c)
	e, _ := Expm(l)
	var one mat.Dense
	one.Mul(s, is)
	for i := range 3 {
		for j := range 3 {
			id := 0.0
			if i == j {
				id = 1
			}
			if math.Abs(ss.At(i, j)-c.At(i, j)) > 1e-12 || math.Abs(e.At(i, j)-c.At(i, j)) > 1e-12 || math.Abs(one.At(i, j)-id) > 1e-12 {
				t.Fatalf("(%d, %d): √C² %v, exp(log C) %v, √C·C^-½ %v; C %v", i, j, ss.At(i, j), e.At(i, j), one.At(i, j), c.At(i, j))
			}
		}
	}
	if d, _ := Distance(c, c); math.Abs(d) > 1e-12 {
		t.Errorf("δ(C, C) = %v", d)
	}
	// δ(I, 2I) = √n·log 2; affine invariance: δ(ACAᵀ, ABAᵀ) = δ(C, B).
	i3 := mat.NewSymDense(3, []float64{1, 0, 0, 0, 1, 0, 0, 0, 1})
	two := mat.NewSymDense(3, []float64{2, 0, 0, 0, 2, 0, 0, 0, 2})
	if d, _ := Distance(i3, two); math.Abs(d-math.Sqrt(3)*math.Ln2) > 1e-12 {
		t.Errorf("δ(I, 2I) = %v", d)
	}
	if _, err := Logm(mat.NewSymDense(2, []float64{1, 2, 2, 1})); err == nil {
		t.Error("log of an indefinite matrix")
	}
	if _, err := Covariance([]float64{1, 2, 3}, 2, OAS); err == nil {
		t.Error("3 values taken as a trial of 2 channels")
	}
	if _, err := Covariance([]float64{1, 2, 3, 4}, 2, "mcd"); err == nil {
		t.Error("an unknown estimator")
	}
}
