#!/usr/bin/env python3
"""Regenerates the conformance vectors in this folder.

The expectations here are written from docs/evaluation.md, not from the Rust engine:
operator outcomes and flag logic are stated by hand per case, and rollout buckets come
from the pure-Python MurmurHash3 below (cross-checked against the `mmh3` package when it
is installed). The Rust test `core/tests/vectors.rs` then checks the engine against them.

Run: python3 core/tests/vectors/generate.py   (writes bucketing.json and evaluation.json)
"""

import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
MASK = 0xFFFFFFFF
C1, C2 = 0xCC9E2D51, 0x1B873593


def rotl(x, r):
    return ((x << r) | (x >> (32 - r))) & MASK


def rotr(x, r):
    return ((x >> r) | (x << (32 - r))) & MASK


def mix_k(k):
    return (rotl((k * C1) & MASK, 15) * C2) & MASK


def fmix(h):
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & MASK
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & MASK
    return h ^ (h >> 16)


def murmur3_32(data: bytes, seed: int = 0) -> int:
    h = seed
    n = len(data) // 4
    for i in range(n):
        h ^= mix_k(int.from_bytes(data[4 * i:4 * i + 4], "little"))
        h = (rotl(h, 13) * 5 + 0xE6546B64) & MASK
    tail = data[4 * n:]
    if tail:
        h ^= mix_k(int.from_bytes(tail, "little"))
    return fmix(h ^ (len(data) & MASK))


def bucket_of(salt: str, value: str) -> int:
    return (murmur3_32((salt + ":" + value).encode("utf-8")) * 100000) >> 32


# --- inverting MurmurHash3, to find values whose hash is a chosen number -------------

def inv(a):
    return pow(a, -1, 1 << 32)


def unfmix(h):
    h ^= h >> 16
    h = (h * inv(0xC2B2AE35)) & MASK
    h ^= (h >> 13) ^ (h >> 26)
    h = (h * inv(0x85EBCA6B)) & MASK
    return h ^ (h >> 16)


def unmix_k(k):
    return (rotr((k * inv(C2)) & MASK, 15) * inv(C1)) & MASK


def state_after_blocks(data: bytes) -> int:
    assert len(data) % 4 == 0
    h = 0
    for i in range(len(data) // 4):
        h ^= mix_k(int.from_bytes(data[4 * i:4 * i + 4], "little"))
        h = (rotl(h, 13) * 5 + 0xE6546B64) & MASK
    return h


def value_with_hash(salt: str, target: int, rng: random.Random) -> str:
    """A printable ASCII value v with murmur3(salt ":" v) == target."""
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    while True:
        prefix = "".join(rng.choice(alphabet) for _ in range(6))
        head = (salt + ":" + prefix).encode()
        pad = (-len(head)) % 4
        prefix += "x" * pad
        head = (salt + ":" + prefix).encode()
        total = len(head) + 4
        h_last = unfmix(target) ^ total
        h_prev = state_after_blocks(head)
        k = unmix_k(rotr(((h_last - 0xE6546B64) * inv(5)) & MASK, 13) ^ h_prev)
        last = k.to_bytes(4, "little")
        if all(0x20 <= b < 0x7F for b in last):
            value = prefix + last.decode()
            assert murmur3_32((salt + ":" + value).encode()) == target
            return value


def bucketing_vectors():
    rng = random.Random(20261127)
    cases = []
    for salt, target in [
        ("edge", 0),
        ("edge", 1),
        ("edge", 0x7FFFFFFF),
        ("edge", 0x80000000),
        ("edge", 0xFFFFFFFF),
        ("k3j9x", 0),
        ("k3j9x", 0xFFFFFFFF),
    ]:
        cases.append((salt, value_with_hash(salt, target, rng)))
    plain = [
        ("a", ""),
        ("a", "b"),
        ("salt", "user"),
        ("salt", "user-1"),
        ("salt", "user-12"),
        ("salt", "user-123"),
        ("salt", "user-1234"),
        ("8f14e45f", "alice@example.com"),
        ("8f14e45f", "bob@example.com"),
        ("8f14e45f", "42"),
        ("8f14e45f", "-7"),
        ("new-checkout", "über"),
        ("new-checkout", "日本語のユーザー"),
        ("new-checkout", "🚀🚀"),
        ("new-checkout", "naïve café"),
        ("new-checkout", "Ωmega"),
        ("new-checkout", "a:b:c"),
        ("sälz", "user-1"),
        ("with space", "value with space"),
        ("x", "x" * 100),
        ("x", "é" * 33),
    ]
    cases.extend(plain)
    for i in range(40):
        cases.append(("rollout-%d" % (i % 4), "user-%05d" % (i * 7919)))
    out = []
    for salt, value in cases:
        h = murmur3_32((salt + ":" + value).encode("utf-8"))
        out.append({"salt": salt, "value": value, "hash": h, "bucket": (h * 100000) >> 32})
    try:
        import mmh3  # an independent implementation, when installed

        for c in out:
            assert mmh3.hash((c["salt"] + ":" + c["value"]).encode(), 0, signed=False) == c["hash"]
    except ImportError:
        pass
    return out


# --- evaluation vectors ---------------------------------------------------------------

BOOL_VARIANTS = [{"key": "on", "value": True}, {"key": "off", "value": False}]
MISSING = object()


def bool_flag(key, rules=(), default=None, enabled=True, targets=(), prerequisites=(), off="off"):
    return {
        "key": key,
        "kind": "boolean",
        "salt": "salt-" + key,
        "variants": BOOL_VARIANTS,
        "config": {
            "enabled": enabled,
            "off_variant": off,
            "targets": list(targets),
            "rules": list(rules),
            "default": default or {"variant": "off"},
            "prerequisites": list(prerequisites),
            "version": 1,
        },
    }


def rule(rid, conditions, serve=None):
    return {"id": rid, "conditions": conditions, "serve": serve or {"variant": "on"}}


def cond(attribute, op, values, negate=False):
    return {"attribute": attribute, "op": op, "values": values, "negate": negate}


def ctx(key="user-1", **attributes):
    c = {"attributes": {k: v for k, v in attributes.items() if v is not MISSING}}
    if key is not None:
        c["key"] = key
    return c


def ok(variant, value, reason, rule_index=None, rule_id=None, prerequisite=None):
    e = {"value": value, "variant": variant, "reason": reason}
    if rule_index is not None:
        e["rule_index"] = rule_index
        e["rule_id"] = rule_id
    if prerequisite is not None:
        e["prerequisite"] = prerequisite
    return e


def err(code):
    return {"reason": "ERROR", "error_code": code}


# Operator table: (op, values, [(attribute value, outcome)]); outcome is "match",
# "no_match", "missing" or "mismatch" before negate. Missing and mismatched attributes
# make the condition false whatever negate says (docs/evaluation.md, "Conditions").
OPERATORS = [
    ("in", ["DE", "FR"], [("DE", "match"), ("US", "no_match"), ("de", "no_match"), (MISSING, "missing"),
                          (5, "mismatch"), (True, "mismatch"), (["US", "FR"], "match"), (["US"], "no_match"),
                          ([], "no_match")]),
    ("in", [1, 2.5], [(1, "match"), (2.5, "match"), (3, "no_match"), ("1", "mismatch"), (["1"], "mismatch")]),
    ("in", [True], [(True, "match"), (False, "no_match"), ("true", "mismatch")]),
    ("in", ["a", 1], [("a", "match"), (1, "match"), (2, "no_match"), (False, "mismatch")]),
    ("contains", ["@acme.com"], [("bob@acme.com", "match"), ("bob@other.com", "no_match"), (3, "mismatch"),
                                 (["x@acme.com", "y"], "match"), (MISSING, "missing")]),
    ("starts_with", ["beta-"], [("beta-1", "match"), ("alpha", "no_match"), ("", "no_match"),
                                (False, "mismatch")]),
    ("ends_with", [".de", ".at"], [("shop.at", "match"), ("shop.com", "no_match"), ([".de"], "match")]),
    ("matches", ["^user-[0-9]+$"], [("user-42", "match"), ("user-x", "no_match"), ("xuser-1", "no_match"),
                                    (42, "mismatch")]),
    ("matches", ["acme"], [("my-acme-co", "match"), ("ACME", "no_match")]),
    ("lt", [10], [(9, "match"), (10, "no_match"), (11, "no_match"), (-1.5, "match"), ("9", "mismatch"),
                  (MISSING, "missing")]),
    ("lte", [10], [(10, "match"), (10.5, "no_match"), ([], "mismatch")]),
    ("gt", [0.5], [(1, "match"), (0.5, "no_match"), (0, "no_match")]),
    ("gte", [100], [(100, "match"), (99.99, "no_match"), (True, "mismatch")]),
    ("semver_eq", ["2.0.0"], [("2.0.0", "match"), ("2.0.0+build.1", "match"), ("2.0.1", "no_match"),
                              ("2.0", "mismatch"), ("v2.0.0", "mismatch"), (2, "mismatch")]),
    ("semver_lt", ["2.0.0"], [("1.9.9", "match"), ("2.0.0-rc.1", "match"), ("2.0.0", "no_match"),
                              ("10.0.0", "no_match")]),
    ("semver_lte", ["2.0.0"], [("2.0.0", "match"), ("2.0.1", "no_match"), (MISSING, "missing")]),
    ("semver_gt", ["1.2.3-beta.2"], [("1.2.3-beta.11", "match"), ("1.2.3", "match"), ("1.2.3-beta.1", "no_match"),
                                     ("1.2.3-alpha", "no_match")]),
    ("semver_gte", ["2.0.0"], [("2.0.0", "match"), ("2.10.0", "match"), ("1.99.99", "no_match"),
                               ("junk", "mismatch")]),
    ("before", ["2026-01-01T00:00:00Z"], [("2025-12-31T23:59:59Z", "match"), ("2026-01-01T00:00:00Z", "no_match"),
                                          ("2026-01-01T01:00:00+02:00", "match"), (1767225599, "match"),
                                          ("yesterday", "mismatch"), (True, "mismatch")]),
    ("after", ["2026-01-01T00:00:00Z"], [("2026-01-01T00:00:00.001Z", "match"), ("2025-06-01T00:00:00Z", "no_match"),
                                         (1767225600, "no_match"), (1767225601, "match"), (MISSING, "missing")]),
]


def operator_cases(snapshot_flags, cases):
    n = 0
    for op, values, rows in OPERATORS:
        n += 1
        for negate in (False, True):
            key = "op-%02d-%s%s" % (n, op.replace("_", "-"), "-not" if negate else "")
            snapshot_flags.append(bool_flag(key, rules=[rule("r", [cond("a", op, values, negate)])]))
            for attr, outcome in rows:
                holds = {"match": not negate, "no_match": negate}.get(outcome, False)
                expected = ok("on", True, "TARGETING_MATCH", 0, "r") if holds else ok("off", False, "DEFAULT")
                cases.append({
                    "name": "%s %s %s with a = %s (%s)" % ("not" if negate else "", op, json.dumps(values),
                                                           "missing" if attr is MISSING else json.dumps(attr),
                                                           outcome),
                    "flag": key,
                    "context": ctx(a=attr),
                    "expected": expected,
                })
    # exists: absence is an ordinary "no match", so negate applies.
    for negate in (False, True):
        key = "op-exists%s" % ("-not" if negate else "")
        snapshot_flags.append(bool_flag(key, rules=[rule("r", [cond("a", "exists", [], negate)])]))
        for attr in ["x", 0, False, [], MISSING]:
            holds = (attr is not MISSING) != negate
            cases.append({
                "name": "%sexists with a = %s" % ("not " if negate else "", "missing" if attr is MISSING else json.dumps(attr)),
                "flag": key,
                "context": ctx(a=attr),
                "expected": ok("on", True, "TARGETING_MATCH", 0, "r") if holds else ok("off", False, "DEFAULT"),
            })
    # the `key` attribute is the context key
    for negate in (False, True):
        key = "op-key-in%s" % ("-not" if negate else "")
        snapshot_flags.append(bool_flag(key, rules=[rule("r", [cond("key", "in", ["user-1"], negate)])]))
        for k, outcome in [("user-1", "match"), ("user-2", "no_match"), (None, "missing")]:
            holds = {"match": not negate, "no_match": negate}.get(outcome, False)
            cases.append({
                "name": "%skey in [user-1] with key %s" % ("not " if negate else "", k),
                "flag": key,
                "context": ctx(key=k),
                "expected": ok("on", True, "TARGETING_MATCH", 0, "r") if holds else ok("off", False, "DEFAULT"),
            })


def segment_cases(flags, segments, cases):
    segments.append({
        "key": "beta",
        "included": ["u-inc", "u-both"],
        "excluded": ["u-exc", "u-both"],
        "rules": [{"conditions": [cond("email", "ends_with", ["@acme.com"])]},
                  {"conditions": [cond("plan", "in", ["enterprise"]), cond("seats", "gte", [100])]}],
    })
    segments.append({"key": "staff", "included": ["u-staff"]})
    segments.append({"key": "empty"})
    for negate in (False, True):
        key = "seg-beta%s" % ("-not" if negate else "")
        flags.append(bool_flag(key, rules=[rule("r", [cond("", "in_segment", ["beta"], negate)])]))
        rows = [
            (ctx("u-inc"), True, "included key"),
            (ctx("u-exc", email="x@acme.com"), False, "excluded key beats rules"),
            (ctx("u-both"), True, "included beats excluded"),
            (ctx("u-other", email="x@acme.com"), True, "first segment rule"),
            (ctx("u-other", plan="enterprise", seats=150), True, "second segment rule, both conditions"),
            (ctx("u-other", plan="enterprise", seats=10), False, "second segment rule, one condition fails"),
            (ctx("u-other", plan="enterprise"), False, "second segment rule, attribute missing"),
            (ctx("u-other"), False, "no rule matches"),
            (ctx(None, email="x@acme.com"), True, "anonymous context matched by rule"),
        ]
        for c, member, why in rows:
            holds = member != negate
            cases.append({
                "name": "%sin_segment beta: %s" % ("not " if negate else "", why),
                "flag": key,
                "context": c,
                "expected": ok("on", True, "TARGETING_MATCH", 0, "r") if holds else ok("off", False, "DEFAULT"),
            })
    flags.append(bool_flag("seg-any", rules=[rule("r", [cond("", "in_segment", ["staff", "beta"])])]))
    flags.append(bool_flag("seg-empty", rules=[rule("r", [cond("", "in_segment", ["empty"])])]))
    for c, holds, why in [(ctx("u-staff"), True, "in the first listed segment"),
                          (ctx("u-inc"), True, "in the second listed segment"),
                          (ctx("u-nobody"), False, "in neither")]:
        cases.append({"name": "in_segment [staff, beta]: " + why, "flag": "seg-any", "context": c,
                      "expected": ok("on", True, "TARGETING_MATCH", 0, "r") if holds else ok("off", False, "DEFAULT")})
    for k in ["u-inc", None]:
        cases.append({"name": "an empty segment contains nobody (key %s)" % k, "flag": "seg-empty",
                      "context": ctx(k), "expected": ok("off", False, "DEFAULT")})


def rollout_variant(salt, value, weights):
    b = bucket_of(salt, value)
    end = 0
    for w in weights:
        end += w["weight"]
        if w["weight"] > 0 and b < end:
            return w["variant"]
    raise AssertionError("weights do not cover the bucket")


def logic_cases(flags, cases):
    def add(name, flag, context, expected, kind=None):
        c = {"name": name, "flag": flag, "context": context, "expected": expected}
        if kind:
            c["expect_kind"] = kind
        cases.append(c)

    match0 = ok("on", True, "TARGETING_MATCH", 0, "r")
    # disabled
    flags.append(bool_flag("disabled", enabled=False, default={"variant": "on"},
                           targets=[{"variant": "on", "keys": ["user-1"]}],
                           rules=[rule("r", [])]))
    flags.append(bool_flag("disabled-off-on", enabled=False, off="on"))
    add("a disabled flag serves its off variant, even to a targeted key", "disabled", ctx("user-1"),
        ok("off", False, "DISABLED"))
    add("a disabled flag serves its off variant to anonymous contexts", "disabled", ctx(None),
        ok("off", False, "DISABLED"))
    add("the off variant may be any variant", "disabled-off-on", ctx("x"), ok("on", True, "DISABLED"))

    # individual targets come before rules
    flags.append(bool_flag("targets", targets=[{"variant": "on", "keys": ["alice", "bob"]},
                                               {"variant": "off", "keys": ["carol"]}],
                           rules=[rule("everyone-on", [])], default={"variant": "off"}))
    add("a targeted key gets its variant", "targets", ctx("alice"), ok("on", True, "TARGETING_MATCH"))
    add("a key targeted to off gets off before any rule", "targets", ctx("carol"), ok("off", False, "TARGETING_MATCH"))
    add("an untargeted key falls through to rules", "targets", ctx("dave"),
        ok("on", True, "TARGETING_MATCH", 0, "everyone-on"))
    add("an anonymous context skips targets", "targets", ctx(None),
        ok("on", True, "TARGETING_MATCH", 0, "everyone-on"))
    add("target keys are case-sensitive", "targets", ctx("Alice"), ok("on", True, "TARGETING_MATCH", 0, "everyone-on"))

    # rule order and conjunction
    flags.append(bool_flag("rules", rules=[
        rule("de", [cond("country", "in", ["DE"])], {"variant": "on"}),
        rule("beta-users", [cond("beta", "in", [True]), cond("age", "gte", [18])], {"variant": "off"}),
        rule("de-again", [cond("country", "in", ["DE"])], {"variant": "off"}),
    ], default={"variant": "off"}))
    add("the first matching rule wins", "rules", ctx(country="DE", beta=True, age=30),
        ok("on", True, "TARGETING_MATCH", 0, "de"))
    add("a later rule matches when earlier ones do not", "rules", ctx(country="FR", beta=True, age=30),
        ok("off", False, "TARGETING_MATCH", 1, "beta-users"))
    add("all conditions of a rule must hold", "rules", ctx(country="FR", beta=True, age=12),
        ok("off", False, "DEFAULT"))
    add("no rule matches: default", "rules", ctx(country="FR"), ok("off", False, "DEFAULT"))
    flags.append(bool_flag("empty-rule", rules=[rule("r", [])]))
    add("a rule without conditions matches everyone", "empty-rule", ctx(None), match0)

    # defaults
    flags.append(bool_flag("default-on", default={"variant": "on"}))
    add("the default variant is served with DEFAULT", "default-on", ctx("u"), ok("on", True, "DEFAULT"))
    add("the default variant needs no key", "default-on", ctx(None), ok("on", True, "DEFAULT"))

    # prerequisites
    flags.append(bool_flag("base", default={"variant": "on"}))
    flags.append(bool_flag("base-off", enabled=False, off="on", default={"variant": "on"}))
    flags.append(bool_flag("base-de", rules=[rule("de", [cond("country", "in", ["DE"])])]))
    flags.append(bool_flag("needs-base", default={"variant": "on"},
                           prerequisites=[{"flag": "base", "variant": "on"}]))
    flags.append(bool_flag("needs-base-off", default={"variant": "on"},
                           prerequisites=[{"flag": "base-off", "variant": "on"}]))
    flags.append(bool_flag("needs-base-de", default={"variant": "on"},
                           prerequisites=[{"flag": "base-de", "variant": "on"}]))
    flags.append(bool_flag("needs-needs-base-de", default={"variant": "on"},
                           prerequisites=[{"flag": "needs-base-de", "variant": "on"}]))
    flags.append(bool_flag("needs-two", default={"variant": "on"},
                           prerequisites=[{"flag": "base", "variant": "on"}, {"flag": "base-de", "variant": "on"}]))
    flags.append(bool_flag("needs-off-variant", default={"variant": "on"},
                           prerequisites=[{"flag": "base-de", "variant": "off"}]))
    add("a met prerequisite lets the flag evaluate", "needs-base", ctx("u"), ok("on", True, "DEFAULT"))
    add("a disabled prerequisite fails even when its off variant is the required one", "needs-base-off",
        ctx("u"), ok("off", False, "PREREQUISITE_FAILED", prerequisite="base-off"))
    add("a prerequisite that serves the required variant by rule", "needs-base-de", ctx("u", country="DE"),
        ok("on", True, "DEFAULT"))
    add("a prerequisite that serves another variant fails", "needs-base-de", ctx("u", country="FR"),
        ok("off", False, "PREREQUISITE_FAILED", prerequisite="base-de"))
    add("prerequisites chain: met", "needs-needs-base-de", ctx("u", country="DE"), ok("on", True, "DEFAULT"))
    add("prerequisites chain: a prerequisite whose own prerequisite failed fails", "needs-needs-base-de",
        ctx("u", country="FR"), ok("off", False, "PREREQUISITE_FAILED", prerequisite="needs-base-de"))
    add("every prerequisite must hold (both met)", "needs-two", ctx("u", country="DE"), ok("on", True, "DEFAULT"))
    add("every prerequisite must hold; the first failing one is reported", "needs-two", ctx("u", country="FR"),
        ok("off", False, "PREREQUISITE_FAILED", prerequisite="base-de"))
    add("a prerequisite may require the off variant (served by default)", "needs-off-variant",
        ctx("u", country="FR"), ok("on", True, "DEFAULT"))
    add("a prerequisite requiring off fails when on is served", "needs-off-variant", ctx("u", country="DE"),
        ok("off", False, "PREREQUISITE_FAILED", prerequisite="base-de"))

    # kinds
    flags.append({"key": "banner-text", "kind": "string", "salt": "s1",
                  "variants": [{"key": "short", "value": "Hi"}, {"key": "long", "value": "Hello there"}],
                  "config": {"enabled": True, "off_variant": "short",
                             "rules": [rule("vip", [cond("tier", "in", ["gold"])], {"variant": "long"})],
                             "default": {"variant": "short"}}})
    flags.append({"key": "max-items", "kind": "number", "salt": "s2",
                  "variants": [{"key": "low", "value": 10}, {"key": "high", "value": 2.5e3}],
                  "config": {"enabled": True, "off_variant": "low", "default": {"variant": "high"}}})
    flags.append({"key": "theme", "kind": "json", "salt": "s3",
                  "variants": [{"key": "dark", "value": {"bg": "#000", "fg": [1, 2, 3]}},
                               {"key": "none", "value": None}],
                  "config": {"enabled": True, "off_variant": "none", "default": {"variant": "dark"}}})
    add("string flag by rule", "banner-text", ctx("u", tier="gold"),
        ok("long", "Hello there", "TARGETING_MATCH", 0, "vip"))
    add("string flag default", "banner-text", ctx("u"), ok("short", "Hi", "DEFAULT"))
    add("number flag", "max-items", ctx("u"), ok("high", 2500.0, "DEFAULT"))
    add("json flag", "theme", ctx("u"), ok("dark", {"bg": "#000", "fg": [1, 2, 3]}, "DEFAULT"))
    add("asking a string flag for a boolean is a type mismatch", "banner-text", ctx("u"), err("TYPE_MISMATCH"),
        "boolean")
    add("asking a boolean flag for a number is a type mismatch", "default-on", ctx("u"), err("TYPE_MISMATCH"),
        "number")
    add("asking with the right kind evaluates", "max-items", ctx("u"), ok("high", 2500.0, "DEFAULT"), "number")
    add("json accepts any kind", "banner-text", ctx("u"), ok("short", "Hi", "DEFAULT"), "json")
    add("an unknown flag is FLAG_NOT_FOUND", "no-such-flag", ctx("u"), err("FLAG_NOT_FOUND"))
    add("flag keys are case-sensitive", "Default-On", ctx("u"), err("FLAG_NOT_FOUND"))

    # rollouts
    w5050 = [{"variant": "on", "weight": 50000}, {"variant": "off", "weight": 50000}]
    flags.append(bool_flag("split", default={"rollout": {"weights": w5050}}))
    for i in range(24):
        key = "user-%d" % (i * 37)
        v = rollout_variant("salt-split", key, w5050)
        add("50/50 default rollout, %s" % key, "split", ctx(key), ok(v, v == "on", "SPLIT"))
    add("a rollout on the key needs a key", "split", ctx(None), err("TARGETING_KEY_MISSING"))

    w3 = [{"variant": "a", "weight": 33333}, {"variant": "b", "weight": 0}, {"variant": "c", "weight": 66667}]
    flags.append({"key": "three-way", "kind": "string", "salt": "tw",
                  "variants": [{"key": "a", "value": "A"}, {"key": "b", "value": "B"}, {"key": "c", "value": "C"}],
                  "config": {"enabled": True, "off_variant": "a", "default": {"rollout": {"weights": w3}}}})
    for i in range(12):
        key = "k%d" % i
        v = rollout_variant("tw", key, w3)
        assert v != "b"
        add("rollout with a zero weight in the middle, %s" % key, "three-way", ctx(key),
            ok(v, v.upper(), "SPLIT"))

    w10 = [{"variant": "on", "weight": 10000}, {"variant": "off", "weight": 90000}]
    flags.append(bool_flag("rule-rollout", rules=[rule("beta", [cond("beta", "in", [True])],
                                                       {"rollout": {"weights": w10}})]))
    for i in range(12):
        key = "member-%d" % i
        v = rollout_variant("salt-rule-rollout", key, w10)
        add("10%% rollout inside a rule, %s" % key, "rule-rollout", ctx(key, beta=True),
            ok(v, v == "on", "TARGETING_MATCH", 0, "beta"))
    add("rule rollout not reached without the rule", "rule-rollout", ctx("member-0"), ok("off", False, "DEFAULT"))

    full = [{"variant": "on", "weight": 100000}]
    flags.append(bool_flag("all-in", default={"rollout": {"weights": full}}))
    for key in ["a", "zz"]:
        add("a 100%% rollout serves its variant to %s" % key, "all-in", ctx(key), ok("on", True, "SPLIT"))

    # A layout naming each variant twice: `on` covers [0, 20000) and [50000, 60000).
    wl = [{"variant": "on", "weight": 20000}, {"variant": "off", "weight": 30000},
          {"variant": "on", "weight": 10000}, {"variant": "off", "weight": 40000}]
    flags.append(bool_flag("layout", default={"rollout": {"weights": wl}}))
    rng = random.Random(4242)
    for b in [0, 19999, 20000, 49999, 50000, 59999, 60000, 99999]:
        h = -(-(b << 32) // 100000)  # the least hash in bucket b
        key = value_with_hash("salt-layout", h, rng)
        assert bucket_of("salt-layout", key) == b
        v = rollout_variant("salt-layout", key, wl)
        add("a variant may have several ranges: bucket %d" % b, "layout", ctx(key), ok(v, v == "on", "SPLIT"))

    wc = [{"variant": "on", "weight": 25000}, {"variant": "off", "weight": 75000}]
    flags.append(bool_flag("by-company", default={"rollout": {"bucket_by": "company", "weights": wc}}))
    for i in range(10):
        company = "company-%d" % i
        v = rollout_variant("salt-by-company", company, wc)
        add("bucket by company %s (same for every user)" % company, "by-company", ctx("u-%d" % i, company=company),
            ok(v, v == "on", "SPLIT"))
    for n in [42, -7, 0]:
        v = rollout_variant("salt-by-company", str(n), wc)
        add("bucket by an integer attribute %d hashes its decimal form" % n, "by-company", ctx("u", company=n),
            ok(v, v == "on", "SPLIT"))
    for attr, why in [(MISSING, "missing"), (True, "a boolean"), (1.5, "a fraction"), (["x"], "a list")]:
        v = rollout_variant("salt-by-company", "fallback-user", wc)
        add("bucket_by attribute %s falls back to the context key" % why, "by-company",
            ctx("fallback-user", company=attr), ok(v, v == "on", "SPLIT"))
    add("bucket_by missing and no key: TARGETING_KEY_MISSING", "by-company", ctx(None), err("TARGETING_KEY_MISSING"))
    v = rollout_variant("salt-by-company", "acme", wc)
    add("bucket_by present needs no key", "by-company", ctx(None, company="acme"), ok(v, v == "on", "SPLIT"))


def evaluation_vectors():
    flags, segments, cases = [], [], []
    operator_cases(flags, cases)
    segment_cases(flags, segments, cases)
    logic_cases(flags, cases)
    snapshot = {"environment": "conformance", "version": 7, "flags": flags, "segments": segments}
    return {
        "spec_version": 2,
        "description": "Evaluation conformance cases; see docs/evaluation.md. Each case evaluates "
                       "`flag` in `snapshot` for `context` (optionally asking for `expect_kind`) and "
                       "must produce `expected` exactly.",
        "snapshot": snapshot,
        "cases": cases,
    }


def main():
    with open(os.path.join(HERE, "bucketing.json"), "w", encoding="utf-8") as f:
        json.dump(bucketing_vectors(), f, ensure_ascii=False, indent=1)
        f.write("\n")
    ev = evaluation_vectors()
    with open(os.path.join(HERE, "evaluation.json"), "w", encoding="utf-8") as f:
        json.dump(ev, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("bucketing: %d cases, evaluation: %d cases" % (len(bucketing_vectors()), len(ev["cases"])))


if __name__ == "__main__":
    main()
