#!/usr/bin/env python3
"""Reference outputs for eegkit/preprocess, from MNE 1.13, scipy and braindecode 1.8.1 on one signal.

x is 1500 samples at 250 Hz (6 s) of a random walk plus 10, 22 and 50 Hz sines, in µV. reference.npz holds x
and, under each name, the reference's output for it:

  fir_bandpass_4_38   mne.filter.filter_data(x, 250, 4, 38)            (FIR, MNE's defaults)
  fir_highpass_1      mne.filter.filter_data(x, 250, 1, None)
  fir_lowpass_40      mne.filter.filter_data(x, 250, None, 40)
  fir_notch_50        mne.filter.notch_filter(x, 250, 50)
  fir_short_8_30      mne.filter.filter_data(x[:200], 250, 8, 30)     (a signal shorter than the filter)
  h_bandpass_4_38     mne.filter.create_filter(x, 250, 4, 38)         (the taps)
  butter4_bandpass_4_38  scipy.signal.sosfiltfilt(butter(4, [4, 38], "bandpass", output="sos", fs=250), x)
  butter4_highpass_0.5   the same for butter(4, 0.5, "highpass")
  butter5_lowpass_40     the same for butter(5, 40, "lowpass")
  resample_125 / resample_160 / resample_97.3   mne.filter.resample(x, up=new/250, npad="auto"), as Raw.resample
  ems   braindecode.preprocessing.exponential_moving_standardize(x, factor_new=1e-3, init_block_size=1000)
  emd   braindecode.preprocessing.exponential_moving_demean(x, factor_new=1e-3, init_block_size=1000)
  ems_noinit   exponential_moving_standardize(x, factor_new=0.01)

  /work/refvenv/bin/python scripts/preprocess_fixtures.py   (pip install mne==1.13.0 braindecode==1.8.1 scipy)
"""
import os

import mne
import numpy as np
from braindecode.preprocessing import exponential_moving_demean, exponential_moving_standardize
from scipy import signal

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "eegkit", "preprocess", "testdata", "reference.npz")


def main():
    rate = 250.0
    rng = np.random.default_rng(25)
    t = np.arange(1500) / rate
    x = np.cumsum(rng.normal(0, 2, t.size)) + 10 * np.sin(2 * np.pi * 10 * t) + 5 * np.sin(2 * np.pi * 22 * t)
    x += 8 * np.sin(2 * np.pi * 50 * t)
    q = dict(verbose="error")
    out = {"x": x}
    out["fir_bandpass_4_38"] = mne.filter.filter_data(x, rate, 4, 38, **q)
    out["fir_highpass_1"] = mne.filter.filter_data(x, rate, 1, None, **q)
    out["fir_lowpass_40"] = mne.filter.filter_data(x, rate, None, 40, **q)
    out["fir_notch_50"] = mne.filter.notch_filter(x, rate, 50, **q)
    out["fir_short_8_30"] = mne.filter.filter_data(x[:200], rate, 8, 30, **q)
    out["h_bandpass_4_38"] = mne.filter.create_filter(x, rate, 4, 38, **q)
    for name, (order, wn, btype) in {"butter4_bandpass_4_38": (4, [4, 38], "bandpass"),
                                     "butter4_highpass_0.5": (4, 0.5, "highpass"),
                                     "butter5_lowpass_40": (5, 40, "lowpass")}.items():
        out[name] = signal.sosfiltfilt(signal.butter(order, wn, btype, output="sos", fs=rate), x)
    for new in (125.0, 160.0, 97.3):
        out[f"resample_{new:g}"] = mne.filter.resample(x, up=new / rate, npad="auto", **q)
    out["ems"] = exponential_moving_standardize(x[None], factor_new=1e-3, init_block_size=1000)[0]
    out["emd"] = exponential_moving_demean(x[None], factor_new=1e-3, init_block_size=1000)[0]
    out["ems_noinit"] = exponential_moving_standardize(x[None], factor_new=0.01)[0]
    np.savez(OUT, **out)
    print({k: v.shape for k, v in out.items()})


if __name__ == "__main__":
    main()
