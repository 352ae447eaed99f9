package baselines

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/npz"
	"github.com/eegkit/eegkit/eegkit/riemann"
	"gonum.org/v1/gonum/mat"
)

// TestTSLRParityWithPyriemann: tangent space at the Riemannian mean +
// logistic regression (C = 1) on pyriemann's OAS covariances predicts the
// test trials as make_pipeline(TangentSpace(), LogisticRegression()) does.
func TestTSLRParityWithPyriemann(t *testing.T) {
	for _, name := range []string{"two_class", "three_class"} {
		t.Run(name, func(t *testing.T) {
			z, err := npz.Open(filepath.Join("..", "riemann", "testdata", name+".npz"))
			if err != nil {
				t.Fatal(err)
			}
			defer z.Close()
			get := func(k string) *npz.Array {
				a, err := z.Array(k)
				if err != nil {
					t.Fatal(err)
				}
				return a
			}
			mats := func(k string) []*mat.SymDense {
				a := get(k)
				c := a.Shape[2]
				var out []*mat.SymDense
				for i := 0; i < len(a.Data); i += c * c {
					out = append(out, mat.NewSymDense(c, append([]float64(nil), a.Data[i:i+c*c]...)))
				}
				return out
			}
			labels := func(k string) []int32 {
				var out []int32
				for _, v := range get(k).Data {
					out = append(out, int32(v))
				}
				return out
			}
			train, ytr := mats("cov_oas_train"), labels("y_train")
			mean, err := riemann.Mean(train)
			if err != nil {
				t.Fatal(err)
			}
			ref, _ := riemann.InvSqrtm(mean)
			vec := func(cs []*mat.SymDense) [][]float64 {
				var out [][]float64
				for _, c := range cs {
					v, err := riemann.TangentVector(ref, c)
					if err != nil {
						t.Fatal(err)
					}
					out = append(out, v)
				}
				return out
			}
			k := int(get("mdm_means").Shape[0])
			lr, err := fitLogReg(vec(train), ytr, k, 1)
			if err != nil {
				t.Fatal(err)
			}
			for _, set := range []struct{ covs, pred string }{
				{"cov_oas_test", "tslr_pred"},
				{"cov_oas_more", "tslr_pred_more"},
				{"cov_oas_more", "tslr_pred_more_converged"},
			} {
				want, agree := labels(set.pred), 0
				for i, v := range vec(mats(set.covs)) {
					if p, _ := lr.predict(v); p == want[i] {
						agree++
					}
				}
				if frac := float64(agree) / float64(len(want)); frac < 0.99 {
					t.Errorf("TS+LR agrees with pyriemann + scikit-learn (%s) on %d of %d trials", set.pred, agree, len(want))
				}
				t.Logf("TS+LR agrees with pyriemann + scikit-learn (%s) on %d of %d trials", set.pred, agree, len(want))
			}
		})
	}
}

// covData is a K-class problem of c channels whose classes differ in their
// spatial covariance (a class-specific mixing of white noise), two subjects.
func covData(n, c, k int, seed uint64) *eeg.Dataset {
	rng := rand.New(rand.NewPCG(seed, 2))
	mix := make([][]float64, k)
	for cl := range mix {
		mix[cl] = make([]float64, c*c)
		for i := range c {
			mix[cl][i*c+i] = 1
		}
		mix[cl][(cl%c)*c+(cl+1)%c] = 1.5 // class cl leaks channel cl+1 into channel cl
	}
	ds := &eeg.Dataset{Subjects: []string{"A", "B"}, Shape: eeg.Shape{Times: 250, Rate: 125}}
	for i := range c {
		ds.ChannelNames = append(ds.ChannelNames, "E"+string(rune('1'+i)))
	}
	for cl := range k {
		ds.ClassNames = append(ds.ClassNames, "class "+string(rune('a'+cl)))
	}
	src := make([]float64, c*250)
	for i := range n {
		y := i % k
		for j := range src {
			src[j] = rng.NormFloat64()
		}
		for ch := range c {
			for t := range 250 {
				v := 0.0
				for j := range c {
					v += mix[y][ch*c+j] * src[j*250+t]
				}
				ds.X = append(ds.X, float32(v))
			}
		}
		ds.Y, ds.Subject = append(ds.Y, int32(y)), append(ds.Subject, (i/k)%2)
	}
	return ds
}

// TestRiemannianBaselines: MDM and TS+LR separate classes that differ in
// their spatial covariance, for 3 classes of 4 channels, where the
// log-variance and CSP baselines refuse the data.
func TestRiemannianBaselines(t *testing.T) {
	data := &eeg.Data{Train: covData(120, 4, 3, 1), Test: covData(90, 4, 3, 2), Source: "covariance test data"}
	for _, tc := range []struct {
		cfg  Config
		name string
		min  float64
	}{
		{Config{Method: MDM, Bands: [][2]float64{{1, 60}}}, "MDM (Riemannian, OAS covariances, 1–60 Hz, 0–2 s)", 0.8},
		{Config{Method: TSLR, Bands: [][2]float64{{1, 60}}, Estimator: riemann.LWF}, "tangent space (LWF covariances, 1–60 Hz, 0–2 s) + logistic regression (C = 1)", 0.8},
		{Config{Method: TSLR}, "tangent space (OAS covariances, 8–30 Hz, 0–2 s) + logistic regression (C = 1)", 0.6},
	} {
		t.Run(tc.cfg.Method, func(t *testing.T) {
			res, err := Run(tc.cfg, data)
			if err != nil {
				t.Fatal(err)
			}
			if res.Name != tc.name || res.Test.Accuracy < tc.min || len(res.Test.Confusion) != 3 || math.IsNaN(res.Test.AUC) {
				t.Errorf("%s: test accuracy %.3f (want ≥ %g), AUC %v", res.Name, res.Test.Accuracy, tc.min, res.Test.AUC)
			}
		})
	}
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Method: CSP}, "takes 2 channels and 2 classes"},
		{Config{Method: MDM, Bands: DefaultBands()}, "band-passes the trials to one band"},
		{Config{Method: TSLR, Estimator: "mcd"}, `unknown covariance estimator "mcd"`},
		{Config{Method: "svm"}, "want logvar, csp, mdm, tslr"},
	} {
		if _, err := Run(tc.cfg, data); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want an error saying %q", tc.cfg, err, tc.want)
		}
	}
}
