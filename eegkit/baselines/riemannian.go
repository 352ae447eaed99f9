package baselines

import (
	"fmt"

	"github.com/eegkit/eegkit/eegkit/eeg"
	"github.com/eegkit/eegkit/eegkit/riemann"
	"gonum.org/v1/gonum/dsp/fourier"
	"gonum.org/v1/gonum/mat"
)

// subjectRiemann is one subject's Riemannian model: MDM's class means, or
// the tangent space's reference (M^{-1/2}) and a logistic regression.
type subjectRiemann struct {
	mdm     *riemann.MDM
	refIsqr *mat.SymDense
	lr      *logReg
}

// fitRiemannian fits MDM or tangent space + logistic regression per
// subject on the covariances of the band-passed trials (cfg validated).
func fitRiemannian(cfg Config, ds *eeg.Dataset) (*Model, error) {
	cfg = cfg.withDefaultsFor(float64(ds.Times) / ds.Rate)
	covs, err := trialCovariances(cfg, ds)
	if err != nil {
		return nil, err
	}
	k := len(ds.ClassNames)
	bl := &Model{Config: cfg, riemann: map[string]*subjectRiemann{}, shape: ds.Shape}
	for s, name := range ds.Subjects {
		var cs []*mat.SymDense
		var y []int32
		for i := range ds.Y {
			if subjectOf(ds, i) == s {
				cs, y = append(cs, covs[i]), append(y, ds.Y[i])
			}
		}
		if len(cs) == 0 {
			continue
		}
		sr := &subjectRiemann{}
		switch cfg.Method {
		case MDM:
			if sr.mdm, err = riemann.FitMDM(cs, y, k); err != nil {
				return nil, fmt.Errorf("baseline: subject %s: %w", name, err)
			}
		case TSLR:
			mean, err := riemann.Mean(cs)
			if err != nil {
				return nil, fmt.Errorf("baseline: subject %s: %w", name, err)
			}
			if sr.refIsqr, err = riemann.InvSqrtm(mean); err != nil {
				return nil, err
			}
			x := make([][]float64, len(cs))
			for i, c := range cs {
				if x[i], err = riemann.TangentVector(sr.refIsqr, c); err != nil {
					return nil, err
				}
			}
			if sr.lr, err = fitLogReg(x, y, k, cfg.C); err != nil {
				return nil, fmt.Errorf("baseline: subject %s: %w", name, err)
			}
		}
		bl.riemann[name] = sr
	}
	return bl, nil
}

// predictRiemannian classifies every trial with its subject's model. The
// logits are MDM's negative distances (the nearest mean scores highest) or
// the logistic regression's scores ([0, log-odds] for two classes).
func (bl *Model) predictRiemannian(ds *eeg.Dataset) (logits [][]float32, pred []int32, err error) {
	covs, err := trialCovariances(bl.Config, ds)
	if err != nil {
		return nil, nil, err
	}
	for i, c := range covs {
		name := "?"
		if s := subjectOf(ds, i); s < len(ds.Subjects) {
			name = ds.Subjects[s]
		}
		sr := bl.riemann[name]
		if sr == nil {
			return nil, nil, fmt.Errorf("baseline: trial %d is of subject %s, which the baseline was not fitted on", i, name)
		}
		var scores []float64
		var p int32
		if sr.mdm != nil {
			d, err := sr.mdm.Distances(c)
			if err != nil {
				return nil, nil, err
			}
			for k, v := range d {
				scores = append(scores, -v)
				if v < d[p] {
					p = int32(k)
				}
			}
		} else {
			v, err := riemann.TangentVector(sr.refIsqr, c)
			if err != nil {
				return nil, nil, err
			}
			p, scores = sr.lr.predict(v)
			if len(scores) == 1 {
				scores = []float64{0, scores[0]}
			}
		}
		l := make([]float32, len(scores))
		for k, v := range scores {
			l[k] = float32(v)
		}
		logits, pred = append(logits, l), append(pred, p)
	}
	return logits, pred, nil
}

// trialCovariances are the covariances of every trial of ds over the
// configured window, band-passed to the configured band by an ideal FFT
// filter (the bins outside the band set to zero; the same filter as the
// log-variance baseline's).
func trialCovariances(cfg Config, ds *eeg.Dataset) ([]*mat.SymDense, error) {
	rate, times, chans := ds.Rate, ds.Times, ds.NChans()
	from, n := cfg.window(ds)
	band := cfg.Bands[0]
	fft := fourier.NewFFT(n)
	buf := make([]float64, n)
	coef := make([]complex128, n/2+1)
	out := make([]*mat.SymDense, ds.Len())
	x := make([]float64, chans*n)
	for i := range ds.Y {
		trial := ds.Trial(i)
		for ch := range chans {
			for t := range n {
				buf[t] = float64(trial[ch*times+from+t])
			}
			fft.Coefficients(coef, buf)
			for k := range coef {
				if f := float64(k) * rate / float64(n); f < band[0] || f >= band[1] {
					coef[k] = 0
				}
			}
			fft.Sequence(x[ch*n:(ch+1)*n], coef)
			for t := range n {
				x[ch*n+t] /= float64(n) // gonum's inverse transform is unnormalised
			}
		}
		c, err := riemann.Covariance(x, chans, cfg.Estimator)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}
