package baselines

import (
	"fmt"
	"math"
	"math/cmplx"
	"slices"
	"strings"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/metrics"
	"github.com/eegkit/eegkit/eegkit/riemann"
	"gonum.org/v1/gonum/dsp/fourier"
	"gonum.org/v1/gonum/mat"
)

// The classical baseline's feature methods.
const (
	LogVar = "logvar" // log-variance of C3 and C4 in each band
	CSP    = "csp"    // log-variance of the CSP components of each band
	MDM    = "mdm"    // minimum distance to the class means of the trial covariances (Riemannian)
	TSLR   = "tslr"   // tangent space of the trial covariances + logistic regression (Riemannian)
)

// Methods lists the baseline methods.
func Methods() []string { return []string{LogVar, CSP, MDM, TSLR} }

// Config configures the classical baseline EEG researchers compare
// deep models against: band power (log-variance of the band-passed signal)
// of C3 and C4, or of their common spatial patterns (CSP), classified by
// linear discriminant analysis (LDA). One model is fitted per subject, as is
// usual for these methods.
type Config struct {
	Method    string       `json:"method"`    // BaselineLogVar (default) or BaselineCSP
	Bands     [][2]float64 `json:"bands"`     // Hz; default mu 8–13 and beta 13–30
	From      float64      `json:"from_s"`    // start of the analysed window, seconds into the trial
	To        float64      `json:"to_s"`      // its end; From = To = 0 means the whole trial, 0–6 s
	Shrinkage float64      `json:"shrinkage"` // LDA covariance shrinkage towards a scaled identity, in [0, 1]
	// The Riemannian methods (MDM, TSLR): the trial covariance estimator
	// (riemann.SCM, LWF or OAS; default OAS, as MOABB's pipelines) and the
	// regularisation of the logistic regression (default C = 1, scikit-learn's).
	Estimator string  `json:"estimator,omitempty"`
	C         float64 `json:"c,omitempty"`
}

// DefaultBands are the mu and beta bands.
func DefaultBands() [][2]float64 { return [][2]float64{{8, 13}, {13, 30}} }

// DefaultRiemannBand is the band the Riemannian methods filter to by
// default: mu and beta together, as MOABB's motor-imagery pipelines do.
var DefaultRiemannBand = [2]float64{8, 30}

func (c Config) riemannian() bool { return c.Method == MDM || c.Method == TSLR }

// window is the analysed window of ds's trials: its first sample and its
// length in samples.
func (c Config) window(ds *eeg.Dataset) (from, n int) {
	rate := ds.Rate
	from = int(math.Round(c.From * rate))
	return from, min(int(math.Round(c.To*rate)), ds.Times) - from
}

// Takes reports whether the method fits data of ds's shape: the Riemannian
// methods any channels and classes, log-variance and CSP two channels and
// two classes.
func (c Config) Takes(ds *eeg.Dataset) bool {
	return c.riemannian() || (ds.NChans() == 2 && len(ds.ClassNames) == 2)
}

func (c Config) withDefaults() Config { return c.withDefaultsFor(0) }

// For is the configuration with its defaults for ds's trials, as a fit
// records it (Model.Config, Result.Config).
func (c Config) For(ds *eeg.Dataset) Config {
	return c.withDefaultsFor(float64(ds.Times) / ds.Rate)
}

// withDefaultsFor fills in the defaults for trials of dur seconds (0: of
// a length not known yet, whose window stays unset).
func (c Config) withDefaultsFor(dur float64) Config {
	if c.Method == "" {
		c.Method = LogVar
	}
	if len(c.Bands) == 0 {
		c.Bands = DefaultBands()
		if c.riemannian() {
			c.Bands = [][2]float64{DefaultRiemannBand}
		}
	}
	if c.riemannian() && c.Estimator == "" {
		c.Estimator = riemann.OAS
	}
	if c.Method == TSLR && c.C == 0 {
		c.C = 1
	}
	if c.From == 0 && c.To == 0 {
		c.To = dur
	}
	return c
}

// ValidateFor says what is wrong with a configuration for ds's trials
// (their duration and sampling rate).
func (c Config) ValidateFor(ds *eeg.Dataset) error {
	return c.validateFor(float64(ds.Times)/ds.Rate, ds.Rate)
}

// validateFor says what is wrong with a configuration for trials of dur
// seconds at rate Hz. A setting the method does not use (a covariance
// estimator or C for log-variance or CSP, LDA's shrinkage for the
// Riemannian methods, C for MDM) is refused rather than ignored.
func (c Config) validateFor(dur, rate float64) error {
	given := c
	c = c.withDefaultsFor(dur)
	switch {
	case !slices.Contains(Methods(), c.Method):
		return fmt.Errorf("unknown baseline method %q (want %s)", c.Method, strings.Join(Methods(), ", "))
	case given.Estimator != "" && !c.riemannian():
		return fmt.Errorf("the %s baseline uses no covariance estimator (%s is for mdm and tslr): drop it, or choose mdm or tslr", c.Method, given.Estimator)
	case given.C != 0 && c.Method != TSLR:
		return fmt.Errorf("C (%g) is the logistic regression's, tslr's only; the %s baseline has none", given.C, c.Method)
	case given.Shrinkage != 0 && c.riemannian():
		return fmt.Errorf("shrinkage (%g) is LDA's, for logvar and csp; the %s baseline uses no LDA", given.Shrinkage, c.Method)
	case c.riemannian() && len(c.Bands) != 1:
		return fmt.Errorf("the %s baseline band-passes the trials to one band (default 8–30 Hz), got %d bands", c.Method, len(c.Bands))
	case c.riemannian() && c.Estimator != riemann.SCM && c.Estimator != riemann.LWF && c.Estimator != riemann.OAS:
		return fmt.Errorf("unknown covariance estimator %q (want %s, %s or %s)", c.Estimator, riemann.SCM, riemann.LWF, riemann.OAS)
	case math.IsNaN(c.C) || c.C < 0:
		return fmt.Errorf("the logistic regression's C must be > 0, got %g", c.C)
	case !(c.From >= 0 && c.To <= dur && c.To-c.From >= 0.5):
		return fmt.Errorf("baseline window %g–%g s must lie in 0–%g s and last at least 0.5 s", c.From, c.To, dur)
	case !(c.Shrinkage >= 0 && c.Shrinkage <= 1):
		return fmt.Errorf("LDA shrinkage must be in [0, 1], got %g", c.Shrinkage)
	}
	for _, b := range c.Bands {
		if !(b[0] > 0 && b[1] > b[0] && b[1] <= rate/2) {
			return fmt.Errorf("band %g–%g Hz must satisfy 0 < low < high <= %g Hz (Nyquist)", b[0], b[1], rate/2)
		}
	}
	return nil
}

// String names the baseline, e.g. "log-variance (8–13, 13–30 Hz) + LDA".
func (c Config) String() string {
	c = c.withDefaults()
	bands := make([]string, len(c.Bands))
	for i, b := range c.Bands {
		bands[i] = fmt.Sprintf("%g–%g", b[0], b[1])
	}
	window := "whole trials"
	if c.From != 0 || c.To != 0 {
		window = fmt.Sprintf("%g–%g s", c.From, c.To)
	}
	switch c.Method {
	case MDM:
		return fmt.Sprintf("MDM (Riemannian, %s covariances, %s Hz, %s)", strings.ToUpper(c.Estimator), bands[0], window)
	case TSLR:
		return fmt.Sprintf("tangent space (%s covariances, %s Hz, %s) + logistic regression (C = %g)", strings.ToUpper(c.Estimator), bands[0], window, c.C)
	}
	name := "log-variance of C3, C4"
	if c.Method == CSP {
		name = "CSP log-variance"
	}
	return fmt.Sprintf("%s (%s Hz, %s) + LDA", name, strings.Join(bands, ", "), window)
}

// Model is a fitted classical baseline: per subject, optional CSP
// filters and an LDA.
type Model struct {
	Config   Config
	subjects map[string]*subjectBaseline
	riemann  map[string]*subjectRiemann // the Riemannian methods' per-subject models
	shape    eeg.Shape                  // the trials it was fitted on
}

type subjectBaseline struct {
	csp [][2][2]float64 // per band, two spatial filters
	w   []float64       // LDA weights
	b   float64         // LDA bias: w·x + b is the log-odds of right hand
}

// Fit fits the baseline on ds, one model per subject.
// The log-variance and CSP features are those of two channels (C3 and C4
// in the lab) and LDA separates two classes: other data is an error for
// them; the Riemannian methods take any channels and classes.
func Fit(cfg Config, ds *eeg.Dataset) (*Model, error) {
	if err := ds.Check(); err != nil {
		return nil, err
	}
	dur := float64(ds.Times) / ds.Rate
	if err := cfg.validateFor(dur, ds.Rate); err != nil {
		return nil, err
	}
	if cfg.riemannian() {
		return fitRiemannian(cfg, ds)
	}
	if !cfg.Takes(ds) {
		return nil, fmt.Errorf("the %s baseline takes 2 channels and 2 classes; the data has %s and %d classes: choose two channels (--channels C3,C4), or a Riemannian method (mdm, tslr)", cfg.withDefaults().Method, ds.Shape, len(ds.ClassNames))
	}
	cfg = cfg.withDefaultsFor(dur)
	bl := &Model{Config: cfg, subjects: map[string]*subjectBaseline{}, shape: ds.Shape}
	covs := bandCovariances(cfg, ds)
	for s, name := range ds.Subjects {
		var idx []int
		var n [2]int
		for i := range ds.Y {
			if subjectOf(ds, i) == s {
				idx = append(idx, i)
				n[ds.Y[i]]++
			}
		}
		if len(idx) == 0 {
			continue
		}
		if n[0] < 2 || n[1] < 2 {
			return nil, fmt.Errorf("baseline: subject %s has %d left and %d right trials; LDA needs at least 2 of each", name, n[0], n[1])
		}
		sb := &subjectBaseline{}
		if cfg.Method == CSP {
			for band := range cfg.Bands {
				f, err := cspFilters(covs, ds.Y, idx, band)
				if err != nil {
					return nil, fmt.Errorf("baseline: subject %s: %w", name, err)
				}
				sb.csp = append(sb.csp, f)
			}
		}
		x := make([][]float64, len(idx))
		y := make([]int32, len(idx))
		for j, i := range idx {
			x[j], y[j] = sb.features(covs[i]), ds.Y[i]
		}
		var err error
		if sb.w, sb.b, err = fitLDA(x, y, cfg.Shrinkage); err != nil {
			return nil, fmt.Errorf("baseline: subject %s: %w", name, err)
		}
		bl.subjects[name] = sb
	}
	return bl, nil
}

func subjectOf(ds *eeg.Dataset, i int) int {
	if ds.Subject == nil {
		return 0
	}
	return ds.Subject[i]
}

// Predict returns the LDA log-odds as logits [0, w·x+b] (so that softmax
// gives LDA's posterior) and the predicted classes.
func (bl *Model) Predict(ds *eeg.Dataset) (logits [][]float32, pred []int32, err error) {
	if !ds.Shape.Equal(bl.shape) {
		return nil, nil, fmt.Errorf("baseline: fitted on trials of %s, asked to predict %s", bl.shape, ds.Shape)
	}
	if bl.riemann != nil {
		return bl.predictRiemannian(ds)
	}
	covs := bandCovariances(bl.Config, ds)
	for i := range ds.Y {
		name := "?"
		if s := subjectOf(ds, i); s < len(ds.Subjects) {
			name = ds.Subjects[s]
		}
		sb := bl.subjects[name]
		if sb == nil {
			return nil, nil, fmt.Errorf("baseline: trial %d is of subject %s, which the baseline was not fitted on", i, name)
		}
		score := sb.b
		for k, v := range sb.features(covs[i]) {
			score += sb.w[k] * v
		}
		logits = append(logits, []float32{0, float32(score)})
		p := int32(0)
		if score > 0 {
			p = 1
		}
		pred = append(pred, p)
	}
	return logits, pred, nil
}

// Evaluate scores the baseline on ds.
func (bl *Model) Evaluate(ds *eeg.Dataset) (metrics.Metrics, error) {
	logits, pred, err := bl.Predict(ds)
	if err != nil {
		return metrics.Metrics{}, err
	}
	return metrics.Score(ds, logits, pred), nil
}

// features are the log-variances of a trial: per band, of C3 and C4, or of
// the two CSP components.
func (sb *subjectBaseline) features(cov [][2][2]float64) []float64 {
	var out []float64
	for band, c := range cov {
		if sb.csp == nil {
			out = append(out, math.Log(c[0][0]+1e-12), math.Log(c[1][1]+1e-12))
			continue
		}
		for _, w := range sb.csp[band] {
			v := w[0]*w[0]*c[0][0] + 2*w[0]*w[1]*c[0][1] + w[1]*w[1]*c[1][1]
			out = append(out, math.Log(v+1e-12))
		}
	}
	return out
}

// bandCovariances returns, per trial and band, the 2×2 covariance of C3 and
// C4 band-passed with an ideal (FFT) filter over the configured window:
// by Parseval, the sum over the band's frequency bins of the cross-spectrum.
func bandCovariances(cfg Config, ds *eeg.Dataset) [][][2][2]float64 {
	rate, times := ds.Rate, ds.Times
	from, n := cfg.window(ds)
	fft := fourier.NewFFT(n)
	buf := make([]float64, n)
	spec := [2][]complex128{make([]complex128, n/2+1), make([]complex128, n/2+1)}
	out := make([][][2][2]float64, ds.Len())
	for i := range ds.Y {
		trial := ds.Trial(i)
		for ch := range 2 {
			for t := range n {
				buf[t] = float64(trial[ch*times+from+t])
			}
			fft.Coefficients(spec[ch], buf)
		}
		out[i] = make([][2][2]float64, len(cfg.Bands))
		for b, band := range cfg.Bands {
			var c [2][2]float64
			for k := range spec[0] {
				f := float64(k) * rate / float64(n)
				if f < band[0] || f >= band[1] {
					continue
				}
				w := 2.0
				if k == 0 || 2*k == n {
					w = 1
				}
				for p := range 2 {
					for q := range 2 {
						c[p][q] += w * real(spec[p][k]*cmplx.Conj(spec[q][k]))
					}
				}
			}
			for p := range 2 {
				for q := range 2 {
					c[p][q] /= float64(n) * float64(n)
				}
			}
			out[i][b] = c
		}
	}
	return out
}

// cspFilters returns the two common spatial patterns of a band: the
// generalized eigenvectors of (C_left, C_left + C_right) from the
// trace-normalised class-mean covariances of trials idx.
func cspFilters(covs [][][2][2]float64, y []int32, idx []int, band int) ([2][2]float64, error) {
	var cls [2]*mat.SymDense
	var n [2]float64
	for c := range cls {
		cls[c] = mat.NewSymDense(2, nil)
	}
	for _, i := range idx {
		c := covs[i][band]
		tr := c[0][0] + c[1][1]
		if tr <= 0 {
			continue
		}
		m := cls[y[i]]
		m.SetSym(0, 0, m.At(0, 0)+c[0][0]/tr)
		m.SetSym(0, 1, m.At(0, 1)+c[0][1]/tr)
		m.SetSym(1, 1, m.At(1, 1)+c[1][1]/tr)
		n[y[i]]++
	}
	for c := range cls {
		if n[c] == 0 {
			return [2][2]float64{}, fmt.Errorf("CSP: no trial of class %d with signal in the band", c)
		}
		cls[c].ScaleSym(1/n[c], cls[c])
	}
	var composite mat.SymDense
	composite.AddSym(cls[0], cls[1])
	// Whitening P = composite^(-1/2), then the eigenvectors of P·C_left·P.
	var es mat.EigenSym
	if !es.Factorize(&composite, true) {
		return [2][2]float64{}, fmt.Errorf("CSP: the composite covariance cannot be factorised")
	}
	vals := es.Values(nil)
	if vals[0] <= 0 {
		return [2][2]float64{}, fmt.Errorf("CSP: the composite covariance is singular (C3 and C4 carry the same signal)")
	}
	var vecs mat.Dense
	es.VectorsTo(&vecs)
	inv := mat.NewDiagDense(2, []float64{1 / math.Sqrt(vals[0]), 1 / math.Sqrt(vals[1])})
	var p, tmp mat.Dense
	tmp.Mul(&vecs, inv)
	p.Mul(&tmp, vecs.T())
	var s mat.Dense
	tmp.Mul(&p, cls[0])
	s.Mul(&tmp, &p)
	sym := mat.NewSymDense(2, []float64{s.At(0, 0), s.At(0, 1), s.At(0, 1), s.At(1, 1)})
	var es2 mat.EigenSym
	if !es2.Factorize(sym, true) {
		return [2][2]float64{}, fmt.Errorf("CSP: the whitened covariance cannot be factorised")
	}
	var u, w mat.Dense
	es2.VectorsTo(&u)
	w.Mul(&p, &u) // columns are the spatial filters
	return [2][2]float64{{w.At(0, 0), w.At(1, 0)}, {w.At(0, 1), w.At(1, 1)}}, nil
}

// fitLDA fits two-class linear discriminant analysis with a pooled,
// optionally shrunk covariance; w·x + b is the log-odds of class 1 under
// LDA's Gaussian model with the training set's class priors.
func fitLDA(x [][]float64, y []int32, shrinkage float64) ([]float64, float64, error) {
	d := len(x[0])
	var mean [2][]float64
	var n [2]float64
	for c := range mean {
		mean[c] = make([]float64, d)
	}
	for i, v := range x {
		n[y[i]]++
		for k := range d {
			mean[y[i]][k] += v[k]
		}
	}
	for c := range mean {
		for k := range d {
			mean[c][k] /= n[c]
		}
	}
	cov := mat.NewSymDense(d, nil)
	for i, v := range x {
		m := mean[y[i]]
		for p := range d {
			for q := p; q < d; q++ {
				cov.SetSym(p, q, cov.At(p, q)+(v[p]-m[p])*(v[q]-m[q]))
			}
		}
	}
	cov.ScaleSym(1/(n[0]+n[1]-2), cov)
	tr := 0.0
	for k := range d {
		tr += cov.At(k, k)
	}
	for p := range d {
		for q := p; q < d; q++ {
			v := (1 - shrinkage) * cov.At(p, q)
			if p == q {
				v += shrinkage*tr/float64(d) + 1e-10*tr/float64(d)
			}
			cov.SetSym(p, q, v)
		}
	}
	diff := mat.NewVecDense(d, nil)
	sum := mat.NewVecDense(d, nil)
	for k := range d {
		diff.SetVec(k, mean[1][k]-mean[0][k])
		sum.SetVec(k, mean[1][k]+mean[0][k])
	}
	var chol mat.Cholesky
	if !chol.Factorize(cov) {
		return nil, 0, fmt.Errorf("LDA: the feature covariance is singular; add shrinkage")
	}
	var w mat.VecDense
	if err := chol.SolveVecTo(&w, diff); err != nil {
		return nil, 0, fmt.Errorf("LDA: %w", err)
	}
	b := -0.5*mat.Dot(&w, sum) + math.Log(n[1]/n[0])
	return w.RawVector().Data, b, nil
}

// Result is a fitted baseline with its scores.
type Result struct {
	Config   Config          `json:"config"`
	Name     string          `json:"name"`
	Data     string          `json:"data"`
	DataID   string          `json:"data_id,omitempty"` // the data's content hash (eeg.Data.ID)
	Train    metrics.Metrics `json:"train"`
	Test     metrics.Metrics `json:"test"`
	Baseline *Model          `json:"-"`
}

// Run fits the baseline on the training set and scores it on both sets.
func Run(cfg Config, data *eeg.Data) (*Result, error) {
	bl, err := Fit(cfg, data.Train)
	if err != nil {
		return nil, err
	}
	res := &Result{Config: bl.Config, Name: bl.Config.String(), Data: data.Source, DataID: data.ID(), Baseline: bl}
	if res.Train, err = bl.Evaluate(data.Train); err != nil {
		return nil, err
	}
	if res.Test, err = bl.Evaluate(data.Test); err != nil {
		return nil, err
	}
	return res, nil
}
