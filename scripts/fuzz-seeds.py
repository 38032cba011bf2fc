#!/usr/bin/env python3
"""Writes seed inputs for the fuzz targets (see scripts/fuzz) into DIR/<target>/, made
from the evaluation conformance vectors so that they follow the model as it changes."""

import json
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parent.parent
out = pathlib.Path(sys.argv[1])
vectors = json.loads((root / "core/tests/vectors/evaluation.json").read_text())
snapshot = vectors["snapshot"]
segments = snapshot.get("segments", [])


def write(target: str, name: str, data: bytes) -> None:
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def compact(value) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


# snapshot: the whole conformance snapshot, and each flag alone with the segments.
write("snapshot", "all.json", compact(snapshot))
for i, flag in enumerate(snapshot["flags"]):
    one = {"environment": "e", "version": 1, "flags": [flag], "segments": segments}
    write("snapshot", f"flag-{i:03}.json", compact(one))

# sdk_stream: a chunk size byte, then a stream: retry hint, snapshot, changes on top of
# the target's base snapshot (version 3), keep-alive comments, deletions.
base_flag = {
    "key": "a", "kind": "boolean", "salt": "s",
    "variants": [{"key": "on", "value": True}, {"key": "off", "value": False}],
    "config": {"enabled": False, "off_variant": "off", "default": {"variant": "on"}},
}


def event(kind: str, data, id_=None) -> bytes:
    lines = []
    if id_ is not None:
        lines.append(f"id: {id_}")
    lines.append(f"event: {kind}")
    lines.append("data: " + json.dumps(data, separators=(",", ":")))
    return ("\n".join(lines) + "\n\n").encode()


changes = [
    event("flag", base_flag, 4),
    b": keep-alive\n\n",
    event("segment", {"key": "beta", "included": ["u2"], "rules": []}, 5),
    event("flag", snapshot["flags"][0], 6),
    event("flag_deleted", {"key": "b"}, 7),
    event("segment_deleted", {"key": "beta"}, 8),
]
write("sdk_stream", "changes", b"\x07retry: 2000\n\n" + b"".join(changes))
write("sdk_stream", "changes-crlf", b"\x00" + b"".join(changes).replace(b"\n", b"\r\n"))
small = dict(snapshot, version=10, flags=snapshot["flags"][:5])
write("sdk_stream", "snapshot", b"\x20" + event("snapshot", small, 10) + event("flag", base_flag, 11))
write("sdk_stream", "unparsed", b"\x03" + event("flag", {"key": "c", "kind": "boolean", "variants": 7}, 4))

# ofrep_request: OpenFeature contexts.
contexts = [
    {"context": {"targetingKey": "user-1", "country": "DE", "age": 42, "beta": True}},
    {"context": {"targetingKey": "u", "user": {"plan": "pro", "org": {"id": "o1"}}, "groups": ["a", "b"]}},
    {"context": {}},
    {"context": {"targetingKey": None, "list": [1, "x"], "n": None}},
    # serde_json's raw-value token, which the two OFREP readers must read alike.
    {"context": {"$serde_json::private::RawValue": "{\"targetingKey\": \"u1\"}"}},
    {"x": {"$serde_json::private::RawValue": "[1]"}, "context": {"a": 1}},
]
for i, c in enumerate(contexts):
    write("ofrep_request", f"context-{i}.json", compact(c))
for i, case in enumerate(vectors["cases"][:40]):
    ctx = dict(case["context"].get("attributes", {}))
    if case["context"].get("key") is not None:
        ctx["targetingKey"] = case["context"]["key"]
    write("ofrep_request", f"case-{i:03}.json", compact({"context": ctx}))
