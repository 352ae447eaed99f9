#!/usr/bin/env python3
"""Writes GDF conformance fixtures for eegkit/gdf (small, committed) and what MNE reads from them.

MNE reads GDF but does not write it, so the files are written here byte by byte per the GDF specification
(Schlögl, GDF v2.x, and its 1.25 predecessor): fixed header, column-wise variable header, data records,
event table.

  gdf1_int16.gdf     GDF 1.25: C3, Cz, C4 as int16 in µV at 250 Hz (two 1-s records), event table mode 1
                     (event rate 250 Hz): trial start 768, cues 769 and 770, a rejected trial 1023, new run 32766.
  gdf2_float32.gdf   GDF 2.20: two bipolar channels as float32 (with NaN samples, as the lab's IIIb files
                     have), one in µV and one in mV (unit codes 4275 and 4274), 125 Hz in records of 0.4 s
                     (duration 2/5), event table mode 3 (channel and duration; event rate 125.0 as float32).
  gdf2_int32.gdf     GDF 2.10 (the impedance byte layout before 2.19): 22 channels of int32 at 250 Hz (records of 1/5 s) with a
                     digital range offset from zero (digital min 0), event table mode 3 with the 2a codes
                     (768, 769–772, 783, 1023, 1072).
  expected.json      MNE 1.13's reading of each: channel names, sfreq, every sample in volts (NaN as null),
                     annotations (onset s from the first sample, duration, description = the type code).

  /work/refvenv/bin/python scripts/gdf_fixtures.py   (pip install mne==1.13.0)
"""
import json
import os
import struct

import mne
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "eegkit", "gdf", "testdata")
TYPES = {"int16": (3, "<i2"), "int32": (5, "<i4"), "float32": (16, "<f4")}


def pad(s, n):
    return s.encode("latin-1").ljust(n, b" ")[:n]


def gdf1(path, labels, units, num, den, per_record, records, dtype, pmin, pmax, dmin, dmax, data, events, ev_rate):
    ns = len(labels)
    code, np_type = TYPES[dtype]
    fixed = (pad("GDF 1.25", 8) + pad("P01 Test_Patient", 80) + pad("Rec 1", 80) + pad("2026120410000050", 16) +
             struct.pack("<q", 256 * (ns + 1)) + bytes(24) + bytes(20) + struct.pack("<q", records) +
             struct.pack("<II", num, den) + struct.pack("<I", ns))
    assert len(fixed) == 256
    var = b"".join(pad(x, 16) for x in labels) + b"".join(pad("AgCl", 80) for _ in labels)
    var += b"".join(pad(u, 8) for u in units)
    var += struct.pack(f"<{ns}d", *pmin) + struct.pack(f"<{ns}d", *pmax)
    var += struct.pack(f"<{ns}q", *dmin) + struct.pack(f"<{ns}q", *dmax)
    var += b"".join(pad("HP:0.5Hz LP:100Hz", 80) for _ in labels)
    var += struct.pack(f"<{ns}i", *([per_record] * ns)) + struct.pack(f"<{ns}i", *([code] * ns)) + bytes(32 * ns)
    assert len(var) == 256 * ns
    body = records_bytes(data, per_record, records, np_type)
    pos, typ = zip(*events)
    table = bytes([1]) + struct.pack("<I", ev_rate)[:3] + struct.pack("<I", len(events))
    table += struct.pack(f"<{len(events)}I", *pos) + struct.pack(f"<{len(events)}H", *typ)
    with open(path, "wb") as fh:
        fh.write(fixed + var + body + table)


def gdf2(path, version, labels, unit_codes, num, den, per_record, records, dtype, pmin, pmax, dmin, dmax, data,
         events, ev_rate):
    ns = len(labels)
    code, np_type = TYPES[dtype]
    # start 2026-12-04 10:00:00 as days since year 0 (32.32 fixed point; year 0 counts 367 days, as biosig)
    seconds = int((np.datetime64("2026-12-04T10:00:00") - np.datetime64("0001-01-01T00:00:00")) / np.timedelta64(1, "s"))
    start = ((seconds // 86400 + 367) << 32) + (seconds % 86400) * 2**32 // 86400
    fixed = (pad(version, 8) + pad("P02 Test_Patient", 66) + bytes(10) + bytes([0, 70, 180, 1 | 1 << 2]) +
             pad("Rec 2", 64) + bytes(16) + struct.pack("<Q", start) + struct.pack("<Q", 0) +
             struct.pack("<H", ns + 1) + bytes(6) + bytes(8) + bytes(6) + struct.pack("<3H", 0, 0, 0) +
             struct.pack("<3f", 0, 0, 0) + struct.pack("<3f", 0, 0, 0) + struct.pack("<q", records) +
             struct.pack("<II", num, den) + struct.pack("<H", ns) + bytes(2))
    assert len(fixed) == 256
    var = b"".join(pad(x, 16) for x in labels) + b"".join(pad("", 80) for _ in labels) + bytes(6 * ns)
    var += struct.pack(f"<{ns}H", *unit_codes)
    for v in (pmin, pmax, dmin, dmax):
        var += struct.pack(f"<{ns}d", *v)
    var += bytes(68 * ns) + struct.pack(f"<{ns}f", *([100.0] * ns)) + struct.pack(f"<{ns}f", *([0.5] * ns))
    var += struct.pack(f"<{ns}f", *([50.0] * ns))
    var += struct.pack(f"<{ns}i", *([per_record] * ns)) + struct.pack(f"<{ns}i", *([code] * ns))
    var += bytes(12 * ns) + bytes(20 * ns)
    assert len(var) == 256 * ns
    body = records_bytes(data, per_record, records, np_type)
    pos, typ, chn, dur = zip(*events)
    n = len(events)
    table = bytes([3]) + struct.pack("<I", n)[:3] + struct.pack("<f", ev_rate)
    table += struct.pack(f"<{n}I", *pos) + struct.pack(f"<{n}H", *typ) + struct.pack(f"<{n}H", *chn)
    table += struct.pack(f"<{n}I", *dur)
    with open(path, "wb") as fh:
        fh.write(fixed + var + body + table)


def records_bytes(data, per_record, records, np_type):
    """Record r holds samples [r·per_record, (r+1)·per_record) of channel 0, then of channel 1, …"""
    out = b""
    for r in range(records):
        for ch in data:
            out += np.asarray(ch[r * per_record:(r + 1) * per_record], dtype=np_type).tobytes()
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(25)

    d1 = rng.integers(-2000, 2000, (3, 500))
    gdf1(os.path.join(OUT, "gdf1_int16.gdf"), ["C3", "Cz", "C4"], ["uV"] * 3, 1, 1, 250, 2, "int16",
         [-100.0] * 3, [100.0] * 3, [-32768] * 3, [32767] * 3, d1,
         [(1, 32766), (11, 768), (61, 769), (261, 768), (311, 770), (311, 1023)], 250)

    d2 = rng.normal(0, 20, (2, 250)).astype(np.float32)
    d2[0, 100:104] = np.nan
    d2[1, 249] = np.nan
    gdf2(os.path.join(OUT, "gdf2_float32.gdf"), "GDF 2.20", ["C3-C3'", "C4-C4'"], [4275, 4274], 2, 5, 50, 5,
         "float32", [-500.0, -0.5], [500.0, 0.5], [-500.0, -0.5], [500.0, 0.5], d2,
         [(1, 768, 0, 0), (63, 781, 0, 125), (100, 769, 1, 150), (200, 783, 0, 40)], 125.0)

    labels = [f"EEG-{i}" for i in range(22)]
    d3 = rng.integers(0, 60000, (22, 100))
    gdf2(os.path.join(OUT, "gdf2_int32.gdf"), "GDF 2.10", labels, [4275] * 22, 1, 5, 50, 2, "int32",
         [-100.0] * 22, [100.0] * 22, [0.0] * 22, [65535.0] * 22, d3,
         [(1, 768, 0, 100), (3, 1072, 0, 30), (20, 769, 0, 31), (40, 770, 0, 31), (60, 771, 0, 31),
          (80, 772, 0, 13), (90, 783, 0, 1), (90, 1023, 0, 1)], 250.0)

    want = {"generator": f"mne {mne.__version__}"}
    for name in ("gdf1_int16.gdf", "gdf2_float32.gdf", "gdf2_int32.gdf"):
        raw = mne.io.read_raw_gdf(os.path.join(OUT, name), preload=True, verbose="error")
        data = raw.get_data()
        want[name] = {
            "channels": raw.ch_names,
            "sfreq": float(raw.info["sfreq"]),
            "volts": [[None if np.isnan(v) else float(v) for v in ch] for ch in data],
            "annotations": [{"onset": round(float(o), 9), "duration": round(float(d), 9), "description": str(t)}
                            for o, d, t in zip(raw.annotations.onset, raw.annotations.duration,
                                               raw.annotations.description)],
        }
        print(name, raw.ch_names[:3], raw.info["sfreq"], data.shape, want[name]["annotations"])
    with open(os.path.join(OUT, "expected.json"), "w") as fh:
        json.dump(want, fh, separators=(",", ":"))
        fh.write("\n")


if __name__ == "__main__":
    main()
