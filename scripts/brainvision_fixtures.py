#!/usr/bin/env python3
"""Writes BrainVision conformance fixtures for eegkit/brainvision (small, committed) and what MNE reads.

  f32.vhdr/.vmrk/.eeg   pybv's writer: 3 channels at 250 Hz, IEEE float32, multiplexed, µV, with stimulus
                        markers and one of a duration.
  i16.vhdr/.vmrk/.eeg   pybv's writer: int16 with a resolution of 0.1 µV.
  vec.vhdr/.vmrk/.eeg   int32, vectorized (channel after channel), per the format's specification, one
                        channel in mV and a marker on a channel, written byte by byte.
  expected.json         MNE 1.13's reading of each: the sampling rate, every channel's samples in volts, and
                        the annotations (onset in seconds from the first sample, duration, description).

  /work/refvenv/bin/python scripts/brainvision_fixtures.py   (pip install mne==1.13.0 pybv)
"""
import json
import os

import mne
import numpy as np
import pybv

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "eegkit", "brainvision", "testdata")


def vectorized(base):
    rate, n = 200.0, 300
    rng = np.random.default_rng(5)
    data = rng.integers(-2000, 2000, (2, n)).astype("<i4")
    with open(os.path.join(OUT, base + ".eeg"), "wb") as f:
        f.write(data.tobytes())  # channel 1's samples, then channel 2's
    vhdr = f"""Brain Vision Data Exchange Header File Version 1.0
; written per the specification by scripts/brainvision_fixtures.py

[Common Infos]
Codepage=UTF-8
DataFile={base}.eeg
MarkerFile={base}.vmrk
DataFormat=BINARY
DataOrientation=VECTORIZED
NumberOfChannels=2
SamplingInterval={1e6 / rate:g}

[Binary Infos]
BinaryFormat=INT_32

[Channel Infos]
Ch1=Cz,,0.5,µV
Ch2=EOG,,0.001,mV
"""
    vmrk = f"""Brain Vision Data Exchange Marker File Version 1.0

[Common Infos]
Codepage=UTF-8
DataFile={base}.eeg

[Marker Infos]
Mk1=New Segment,,1,1,0
Mk2=Stimulus,S  7,51,1,0
Mk3=Response,R  2,151,20,2
"""
    open(os.path.join(OUT, base + ".vhdr"), "w", encoding="utf-8").write(vhdr)
    open(os.path.join(OUT, base + ".vmrk"), "w", encoding="utf-8").write(vmrk)


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(2)
    data = np.round(rng.normal(0, 20, (3, 500)), 1) * 1e-6  # volts, 2 s at 250 Hz
    events = np.array([[125, 1], [250, 2], [375, 1]])
    pybv.write_brainvision(data=data, sfreq=250.0, ch_names=["C3", "Cz", "C4"], fname_base="f32", folder_out=OUT,
                           events=events, resolution=0.1, unit="µV", fmt="binary_float32", overwrite=True)
    pybv.write_brainvision(data=data, sfreq=250.0, ch_names=["C3", "Cz", "C4"], fname_base="i16", folder_out=OUT,
                           events=events, resolution=0.1, unit="µV", fmt="binary_int16", overwrite=True)
    vectorized("vec")
    want = {"generator": f"mne {mne.__version__}, pybv {pybv.__version__}"}
    for base in ("f32", "i16", "vec"):
        raw = mne.io.read_raw_brainvision(os.path.join(OUT, base + ".vhdr"), preload=True, verbose="error")
        want[base] = {
            "rate": raw.info["sfreq"],
            "channels": {ch: [float(v) for v in raw.get_data(picks=[ch])[0]] for ch in raw.ch_names},
            "annotations": [{"onset": round(float(o), 9), "duration": round(float(d), 9), "description": str(t)}
                            for o, d, t in zip(raw.annotations.onset, raw.annotations.duration, raw.annotations.description)],
        }
        print(base, want[base]["rate"], list(want[base]["channels"]), want[base]["annotations"])
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(want, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
