#!/usr/bin/env python3
"""What MNE 1.13's Epochs cuts from recordings eegkit reads, for eegkit/datasets' epochs parity test.

For each case: events from the recording's annotations (mne.events_from_annotations, which places an event at
round(onset·sfreq) from the first sample), then mne.Epochs(tmin, tmax, baseline=None) on the chosen channels, in µV.
The trials are stored as every 7th sample (and the last), to keep the file small.

  S001R04.edf  EEGMMIDB subject 1 run 4 (data/eegmmidb, committed): T1/T2 at 160 Hz, C3, Cz, C4, 0 to 4 s.
  mne_export.edf  eegkit/edf's fixture whose first sample comes 0.4 s after its header's time: T0/T1, -0.1 to 0.2 s.
  gdf2_int32.gdf  eegkit/gdf's fixture: GDF codes 769–772 on 22 channels at 250 Hz, 0 to 0.05 s (0.05·250 = 12.5
                  rounds to 12, half to even).
  gdf2_float32.gdf  eegkit/gdf's fixture with NaN samples and a mV channel: 769 and 781, -0.2 to 0.3 s.

  /work/refvenv/bin/python scripts/epochs_fixtures.py   (pip install mne==1.13.0)
"""
import json
import os

import mne
import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "eegkit", "datasets", "testdata", "epochs_mne.json")
STEP = 7

CASES = [
    ("S001R04.edf", "data/eegmmidb/S001/S001R04.edf", {"T1": 1, "T2": 2}, 0.0, 4.0, ["C3..", "Cz..", "C4.."]),
    ("mne_export.edf", "eegkit/edf/testdata/mne_export.edf", {"T0": 1, "T1": 2}, -0.1, 0.2, None),
    ("gdf2_int32.gdf", "eegkit/gdf/testdata/gdf2_int32.gdf", {"769": 1, "770": 2, "771": 3, "772": 4}, 0.0, 0.05, None),
    ("gdf2_float32.gdf", "eegkit/gdf/testdata/gdf2_float32.gdf", {"769": 1, "781": 2}, -0.2, 0.3, None),
]


def main():
    want = {"generator": f"mne {mne.__version__}", "step": STEP}
    for name, path, event_id, tmin, tmax, picks in CASES:
        path = os.path.join(ROOT, path)
        raw = (mne.io.read_raw_gdf if path.endswith(".gdf") else mne.io.read_raw_edf)(path, preload=True, verbose="error")
        events, ids = mne.events_from_annotations(raw, event_id=event_id, verbose="error")
        epochs = mne.Epochs(raw, events, event_id=event_id, tmin=tmin, tmax=tmax, baseline=None, picks=picks,
                            preload=True, verbose="error")
        data = epochs.get_data() * 1e6  # µV
        idx = sorted(set(range(0, data.shape[2], STEP)) | {data.shape[2] - 1})
        want[name] = {
            "tmin": tmin, "tmax": tmax, "samples": data.shape[2], "event_samples": [int(e) for e in epochs.events[:, 0]],
            "labels": [int(e) for e in epochs.events[:, 2]], "index": idx,
            "trials": [[[None if np.isnan(v) else float(v) for v in ch[idx]] for ch in tr] for tr in data],
        }
        print(name, data.shape, want[name]["event_samples"])
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as fh:
        json.dump(want, fh, separators=(",", ":"))
        fh.write("\n")


if __name__ == "__main__":
    main()
