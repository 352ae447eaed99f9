#!/usr/bin/env python3
"""Writes EDF+ conformance fixtures for eegkit/edf (small, committed) and what MNE reads from them.

  mne_export.edf       MNE's exporter (mne.export.export_raw, through edfio): an EDF+C recording whose
                       first sample comes 0.4 s after the header's start time (the first record's
                       time-keeping TAL says +0.4), C3 and C4 at 160 Hz in µV, two annotations.
  pyedflib.edf         pyedflib's writer: signals of different rates (C3 160 Hz in µV, Resp 20 Hz in mV)
                       and three annotations, one of them without a duration.
  pyedflib.bdf         pyedflib's BDF+ writer: 24-bit C3 at 256 Hz in µV and BioSemi's Status channel whose
                       trigger codes (769, 770, and 5 with a status flag above the trigger bits) mne.find_events
                       reports, and an annotation.
  annotations_only.edf an EDF+ file of an annotation signal only, record duration 0 (EDF+ allows it),
                       written byte by byte per the specification.
  expected.json        MNE 1.13's reading of each: annotations (onset in seconds from the first sample,
                       duration, description) and every signal's samples in volts, at its own rate (from
                       MNE where the file has one rate, from pyedflib's reader where it has several, since
                       MNE resamples every channel to the highest rate).

  /work/refvenv/bin/python scripts/edf_fixtures.py   (pip install mne==1.13.0 pyedflib edfio)
"""
import datetime
import json
import os

import mne
import numpy as np
import pyedflib

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "eegkit", "edf", "testdata")


def mne_export(path):
    info = mne.create_info(["C3", "C4"], 160.0, "eeg")
    rng = np.random.default_rng(1)
    raw = mne.io.RawArray(np.round(rng.normal(0, 20, (2, 480)), 2) * 1e-6, info, verbose="error")
    raw.set_meas_date(datetime.datetime(2026, 12, 4, 10, 0, 0, 400000, tzinfo=datetime.timezone.utc))
    raw.set_annotations(mne.Annotations([0.5, 1.25], [0, 0.5], ["T0", "T1"], orig_time=raw.info["meas_date"]))
    mne.export.export_raw(path, raw, fmt="edf", overwrite=True, verbose="error")


def pyedflib_file(path):
    rng = np.random.default_rng(7)
    c3 = np.round(rng.normal(0, 20, 160 * 3), 3)  # µV
    resp = np.round(np.sin(np.arange(20 * 3) / 5.0) * 0.5, 4)  # mV
    w = pyedflib.EdfWriter(path, 2, file_type=pyedflib.FILETYPE_EDFPLUS)
    w.setSignalHeaders([
        {"label": "C3", "dimension": "uV", "sample_frequency": 160, "physical_max": 200, "physical_min": -200,
         "digital_max": 32767, "digital_min": -32768, "transducer": "AgAgCl electrode", "prefilter": "HP:0.1Hz"},
        {"label": "Resp", "dimension": "mV", "sample_frequency": 20, "physical_max": 1, "physical_min": -1,
         "digital_max": 32767, "digital_min": -32768, "transducer": "", "prefilter": ""},
    ])
    w.setStartdatetime(datetime.datetime(2026, 12, 4, 10, 0, 0))
    w.writeSamples([c3, resp])
    for onset, dur, text in [(0.5, 0, "T0"), (1.25, 0.5, "T1"), (2.0, -1, "T2")]:
        w.writeAnnotation(onset, dur, text)
    w.close()


def pyedflib_bdf(path):
    rate, n = 256, 256 * 2
    rng = np.random.default_rng(3)
    c3 = np.round(rng.normal(0, 30, n), 2)  # µV
    status = np.zeros(n)
    for start, length, code in [(128, 26, 769), (320, 30, 770), (400, 10, (1 << 20) | 5)]:
        status[start:start + length] = code
    w = pyedflib.EdfWriter(path, 2, file_type=pyedflib.FILETYPE_BDFPLUS)
    w.setSignalHeaders([
        {"label": "C3", "dimension": "uV", "sample_frequency": rate, "physical_max": 262143, "physical_min": -262144,
         "digital_max": 8388607, "digital_min": -8388608, "transducer": "Active Electrode", "prefilter": ""},
        {"label": "Status", "dimension": "Boolean", "sample_frequency": rate, "physical_max": 8388607,
         "physical_min": -8388608, "digital_max": 8388607, "digital_min": -8388608, "transducer": "Triggers and Status",
         "prefilter": ""},
    ])
    w.setStartdatetime(datetime.datetime(2026, 12, 4, 10, 0, 0))
    w.writeSamples([c3, status])
    w.writeAnnotation(0.25, 0, "start")
    w.close()


def annotations_only(path):
    """EDF+C with one 'EDF Annotations' signal, 1 record of duration 0 (the spec's annotation-only file)."""
    tals = b"+0\x14\x14\x00" + b"+1.5\x150.25\x14start\x14\x00" + b"+3\x14stop\x14\x00"
    n = 32  # samples (2 bytes each) of the annotation signal per record
    rec = tals.ljust(2 * n, b"\x00")
    ns = 1

    def f(s, width):
        return s.encode("ascii").ljust(width)[:width]

    hdr = (f("0", 8) + f("X X X X", 80) + f("Startdate 04-DEC-2026 X X X", 80) + f("04.12.26", 8) + f("10.00.00", 8) +
           f(str(256 * (ns + 1)), 8) + f("EDF+C", 44) + f("1", 8) + f("0", 8) + f(str(ns), 4))
    hdr += (f("EDF Annotations", 16) + f("", 80) + f("", 8) + f("-1", 8) + f("1", 8) + f("-32768", 8) + f("32767", 8) +
            f("", 80) + f(str(n), 8) + f("", 32))
    assert len(hdr) == 256 * (ns + 1)
    with open(path, "wb") as fh:
        fh.write(hdr + rec)


def annotations(a):
    return [{"onset": round(float(o), 9), "duration": round(float(d), 9), "description": str(t)}
            for o, d, t in zip(a.onset, a.duration, a.description)]


def main():
    os.makedirs(OUT, exist_ok=True)
    want = {"generator": f"mne {mne.__version__}, pyedflib {pyedflib.__version__}"}
    for name, write in [("mne_export.edf", mne_export), ("pyedflib.edf", pyedflib_file)]:
        path = os.path.join(OUT, name)
        write(path)
        raw = mne.io.read_raw_edf(path, preload=True, verbose="error")
        signals = {}
        with pyedflib.EdfReader(path) as r:
            rates = [r.getSampleFrequency(i) for i in range(r.signals_in_file)]
            for i, label in enumerate(r.getSignalLabels()):
                if len(set(rates)) == 1:  # MNE's own reading
                    volts, rate = raw.get_data(picks=[label])[0], raw.info["sfreq"]
                else:  # several rates: MNE resamples them, pyedflib reads each at its own
                    scale = {"uV": 1e-6, "mV": 1e-3}[r.getPhysicalDimension(i)]
                    volts, rate = r.readSignal(i) * scale, rates[i]
                signals[label] = {"rate": float(rate), "volts": [float(v) for v in volts]}
        want[name] = {"annotations": annotations(raw.annotations), "signals": signals}
    bdf = os.path.join(OUT, "pyedflib.bdf")
    pyedflib_bdf(bdf)
    raw = mne.io.read_raw_bdf(bdf, preload=True, verbose="error")
    events = mne.find_events(raw, stim_channel="Status", verbose="error")
    want["pyedflib.bdf"] = {
        "annotations": annotations(raw.annotations),
        "signals": {"C3": {"rate": float(raw.info["sfreq"]), "volts": [float(v) for v in raw.get_data(picks=["C3"])[0]]}},
        "triggers": [{"sample": int(e[0]), "code": int(e[2])} for e in events],
    }
    only = os.path.join(OUT, "annotations_only.edf")
    annotations_only(only)
    want["annotations_only.edf"] = {"annotations": annotations(mne.read_annotations(only)), "signals": {}}
    with open(os.path.join(OUT, "expected.json"), "w") as fh:
        json.dump(want, fh, indent=1)
        fh.write("\n")
    print("pyedflib.bdf triggers", want["pyedflib.bdf"]["triggers"])
    for name in ("mne_export.edf", "pyedflib.edf", "pyedflib.bdf", "annotations_only.edf"):
        print(name, want[name]["annotations"], {k: v["rate"] for k, v in want[name]["signals"].items()})


if __name__ == "__main__":
    main()
