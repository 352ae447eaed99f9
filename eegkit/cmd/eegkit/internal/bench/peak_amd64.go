//go:build goexperiment.simd && amd64

package bench

import (
	"simd/archsimd"
	"time"
)

// fmaGFLOPS measures one core's float32 throughput of fused multiply-adds
// for about d, on the widest vectors the CPU has (16 lanes with AVX-512, 8
// with AVX2): twelve independent chains, enough to cover the FMA latency on
// two pipes. A core that double-pumps 512-bit vectors through 256-bit pipes
// (Zen 4) measures what it can do, not what its vector width suggests. It is
// 0 without FMA. The two loops differ only in the vector type; they are
// written out because the measurement must be straight-line register code,
// which a generic loop over the vector types does not promise.
func fmaGFLOPS(d time.Duration) float64 {
	const chains, inner = 12, 1 << 12
	switch {
	case archsimd.X86.AVX512():
		m, c := archsimd.BroadcastFloat32x16(0.9999999), archsimd.BroadcastFloat32x16(1e-7)
		var a [chains]archsimd.Float32x16
		for i := range a {
			a[i] = archsimd.BroadcastFloat32x16(float32(i))
		}
		return timeFMA(d, chains*inner*16*2, func() {
			a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11 := a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]
			for range inner {
				a0, a1, a2, a3 = a0.MulAdd(m, c), a1.MulAdd(m, c), a2.MulAdd(m, c), a3.MulAdd(m, c)
				a4, a5, a6, a7 = a4.MulAdd(m, c), a5.MulAdd(m, c), a6.MulAdd(m, c), a7.MulAdd(m, c)
				a8, a9, a10, a11 = a8.MulAdd(m, c), a9.MulAdd(m, c), a10.MulAdd(m, c), a11.MulAdd(m, c)
			}
			a = [chains]archsimd.Float32x16{a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11}
		})
	case archsimd.X86.AVX2() && archsimd.X86.FMA():
		m, c := archsimd.BroadcastFloat32x8(0.9999999), archsimd.BroadcastFloat32x8(1e-7)
		var a [chains]archsimd.Float32x8
		for i := range a {
			a[i] = archsimd.BroadcastFloat32x8(float32(i))
		}
		return timeFMA(d, chains*inner*8*2, func() {
			a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11 := a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]
			for range inner {
				a0, a1, a2, a3 = a0.MulAdd(m, c), a1.MulAdd(m, c), a2.MulAdd(m, c), a3.MulAdd(m, c)
				a4, a5, a6, a7 = a4.MulAdd(m, c), a5.MulAdd(m, c), a6.MulAdd(m, c), a7.MulAdd(m, c)
				a8, a9, a10, a11 = a8.MulAdd(m, c), a9.MulAdd(m, c), a10.MulAdd(m, c), a11.MulAdd(m, c)
			}
			a = [chains]archsimd.Float32x8{a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11}
		})
	}
	return 0
}

// timeFMA runs block (flops floating-point operations) until d has passed
// and returns the best GFLOP/s of a block.
func timeFMA(d time.Duration, flops int, block func()) float64 {
	best := 0.0
	for start := time.Now(); time.Since(start) < d; {
		t0 := time.Now()
		block()
		if s := time.Since(t0).Seconds(); s > 0 {
			best = max(best, float64(flops)/s/1e9)
		}
	}
	return best
}
