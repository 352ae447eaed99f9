"""Runs the ONNX exports of eegkit/onnx/internal/onnxcheck in onnxruntime.

For each case (eegkit/internal/fixtures.Cases: the lab's six models, the
zoo's, the general layer cases, a composed network) it checks the model
with onnx.checker, runs it on the parity fixture's trials with
onnxruntime's CPU provider, and compares the logits with eegkit's (within
1e-5 times the largest logit, at least 1: float32 rounding grows with the
logits) and PyTorch's. Usage: python scripts/onnx_check.py DIR
"""
import glob
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort

TOLERANCE = 1e-5  # relative to the largest |logit|, at least 1


def main(directory):
    cases = sorted(glob.glob(os.path.join(directory, "*.onnx")))
    if not cases:
        sys.exit(f"onnx check: no .onnx files in {directory}")
    worst, failed = 0.0, []
    print(f"onnx {onnx.__version__}, onnxruntime {ort.__version__}")
    print(f"{'model':24} {'ops':>4} {'max |ort - eegkit|':>19} {'max |ort - torch|':>18}")
    for path in cases:
        name = os.path.basename(path)[:-5]
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        ref = np.load(os.path.join(directory, name + ".npz"))
        sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        (logits,) = sess.run(["logits"], {"input": ref["x"].astype(np.float32)})
        d_eegkit = float(np.abs(logits - ref["eegkit_logits"]).max())
        d_torch = float(np.abs(logits - ref["torch_logits"]).max())
        scale = max(1.0, float(np.abs(ref["eegkit_logits"]).max()))
        worst = max(worst, d_eegkit / scale)
        print(f"{name:24} {len(model.graph.node):4d} {d_eegkit:19.2e} {d_torch:18.2e}" + (f"  (logits up to {scale:.3g})" if scale > 1 else ""))
        if not d_eegkit <= TOLERANCE * scale:
            failed.append(name)
    if failed:
        sys.exit(f"onnx check: onnxruntime's logits differ from eegkit's by more than {TOLERANCE} of the largest logit for {', '.join(failed)}")
    print(f"onnx check: OK: {len(cases)} models, onnxruntime within {worst:.2g} of eegkit relative to the largest logit (tolerance {TOLERANCE})")


if __name__ == "__main__":
    main(sys.argv[1])
