package preprocess

import (
	"fmt"
	"math"
)

// EMSOptions are braindecode's exponential_moving_standardize parameters.
type EMSOptions struct {
	FactorNew float64 // α, the weight of the newest sample; braindecode's MI tutorials use 1e-3
	// InitBlock standardises the first InitBlock samples with their own
	// mean and standard deviation instead (0: none); the tutorials use 1000.
	InitBlock int
	Eps       float64 // the smallest standard deviation divided by; braindecode's default 1e-4
}

// EMSDefaults are the values braindecode's motor-imagery tutorials pass:
// factor_new 1e-3, init_block_size 1000, eps 1e-4.
func EMSDefaults() EMSOptions { return EMSOptions{FactorNew: 1e-3, InitBlock: 1000, Eps: 1e-4} }

func (o EMSOptions) check() error {
	if !(o.FactorNew > 0 && o.FactorNew <= 1) || o.InitBlock < 0 || !(o.Eps >= 0) {
		return fmt.Errorf("exponential moving standardisation: factor_new %g (want 0 < α ≤ 1), init block %d, eps %g", o.FactorNew, o.InitBlock, o.Eps)
	}
	return nil
}

// ExpMovingStandardize is braindecode's exponential_moving_standardize of
// one channel:
//
//	m_t = Σ_{i≤t} (1−α)^i x_{t−i} / Σ_{i≤t} (1−α)^i
//	v_t = Σ_{i≤t} (1−α)^i (x_{t−i} − m_{t−i})² / Σ_{i≤t} (1−α)^i
//	x'_t = (x_t − m_t) / max(√v_t, eps)
//
// computed as braindecode computes it, by the recursions N_t = x_t +
// (1−α)·N_{t−1} and D_t = 1 + (1−α)·D_{t−1}; the first InitBlock samples
// are standardised by their own mean and (population) standard deviation.
func ExpMovingStandardize(x []float64, o EMSOptions) ([]float64, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	mean := ewm(x, o.FactorNew)
	out := make([]float64, len(x))
	sq := make([]float64, len(x))
	for i, v := range x {
		out[i] = v - mean[i]
		sq[i] = out[i] * out[i]
	}
	variance := ewm(sq, o.FactorNew)
	for i := range out {
		out[i] /= max(o.Eps, math.Sqrt(variance[i]))
	}
	if b := min(o.InitBlock, len(x)); b > 0 {
		m, sd := meanStd(x[:b])
		for i := range b {
			out[i] = (x[i] - m) / max(o.Eps, sd)
		}
	}
	return out, nil
}

// ExpMovingDemean is braindecode's exponential_moving_demean of one
// channel: x_t − m_t, the first InitBlock samples less their own mean.
func ExpMovingDemean(x []float64, o EMSOptions) ([]float64, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	mean := ewm(x, o.FactorNew)
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = v - mean[i]
	}
	if b := min(o.InitBlock, len(x)); b > 0 {
		m, _ := meanStd(x[:b])
		for i := range b {
			out[i] = x[i] - m
		}
	}
	return out, nil
}

// ewm is the exponentially weighted mean N_t / D_t.
func ewm(x []float64, alpha float64) []float64 {
	out := make([]float64, len(x))
	n, d := 0.0, 0.0
	for i, v := range x {
		n = v + (1-alpha)*n
		d = 1 + (1-alpha)*d
		out[i] = n / d
	}
	return out
}

// meanStd is numpy's mean and std (population, ddof 0).
func meanStd(x []float64) (mean, sd float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		sd += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(sd / float64(len(x)))
}
