package bench

import (
	"runtime"
	"testing"
	"time"
)

// TestPeakGFLOPS: the measured peak of one core is positive and below what
// any x86 core can do (two 512-bit FMA pipes at 6 GHz: 384 GFLOP/s), and
// the machine's peak adds up its CPUs (a loaded machine gives less, so
// only the bounds are checked); where the measurement cannot run
// (not amd64, or no FMA) the /proc/cpuinfo estimate stands in.
func TestPeakGFLOPS(t *testing.T) {
	one := fmaGFLOPS(20 * time.Millisecond)
	if one == 0 {
		if cpuinfoPeak() != PeakGFLOPS() {
			t.Errorf("without a measurement the peak is %g, not the estimate %g", PeakGFLOPS(), cpuinfoPeak())
		}
		t.Skip("no FMA measurement in this build")
	}
	if one < 1 || one > 384 {
		t.Fatalf("one core measured %g GFLOP/s", one)
	}
	if all := PeakGFLOPS(); all < one/2 || all > 384*float64(runtime.NumCPU()) {
		t.Errorf("the machine's peak is %g GFLOP/s for %d CPUs of %g each", all, runtime.NumCPU(), one)
	}
	t.Logf("one core %.0f GFLOP/s, the machine %.0f (the /proc/cpuinfo estimate: %.0f)", one, PeakGFLOPS(), cpuinfoPeak())
}
