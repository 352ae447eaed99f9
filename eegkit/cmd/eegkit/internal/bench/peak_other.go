//go:build !(goexperiment.simd && amd64)

package bench

import "time"

// fmaGFLOPS is 0 where the measurement needs vector code Go does not give
// this build (see peak_amd64.go); PeakGFLOPS then estimates from /proc/cpuinfo.
func fmaGFLOPS(time.Duration) float64 { return 0 }
