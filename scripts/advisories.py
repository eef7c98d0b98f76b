#!/usr/bin/env python3
"""The advisory verdict of scripts/audit: what cargo-deny found in the graph, plus the crates it
cannot see, and one summary line.

cargo-deny matches advisories against registry crates only. A crate copied into the repository
and used through `[patch.crates-io]` (vendor/lambda_runtime) is a path dependency to it and is
skipped, although it is the upstream release it was copied from. This script reads each such
patch's manifest (its crates.io `name` and `version`), checks that vendor/README.md names the same
release, and matches that release against the database's advisories for the crate
(`crates/<name>/*.md`) with Cargo's version-requirement rules, as RustSec does: a version is
affected unless a `patched` or `unaffected` requirement matches it; withdrawn advisories do not
count.

Every advisory found, in the graph or in a vendored crate, is either handled (its id is in
deny.toml's `[advisories] ignore`, each entry with a `reason`) or unhandled; any unhandled one
fails the audit. Prints each finding and then

    advisories: N found / U unhandled, database DATE

  advisories.py --root DIR --db DIR --date DATE --deny-json FILE   the verdict (exit 1: unhandled)
  advisories.py --self-test                                          the matcher against fixtures
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python before 3.11
    sys.exit("advisories.py needs Python 3.11 or later (tomllib)")

# ---------------------------------------------------------------------------------------------
# Versions and requirements (Cargo's rules: https://doc.rust-lang.org/cargo/reference/resolver.html)

VERSION = re.compile(r"^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")
COMPARATOR = re.compile(r"^(=|>=|<=|>|<|~|\^)?\s*(\S+)$")


class BadRequirement(ValueError):
    pass


def pre_key(pre: str | None) -> tuple:
    """Sort key of a pre-release tag: a release sorts after every pre-release of it."""
    if pre is None:
        return (1,)
    parts = []
    for ident in pre.split("."):
        parts.append((0, int(ident), "") if ident.isdigit() else (1, 0, ident))
    return (0, tuple(parts))


class Version:
    def __init__(self, text: str):
        m = VERSION.match(text.strip())
        if not m or m.group(2) is None or m.group(3) is None:
            raise BadRequirement(f"not a full version: {text!r}")
        self.major, self.minor, self.patch = int(m.group(1)), int(m.group(2)), int(m.group(3))
        self.pre = m.group(4)
        self.text = text.strip()

    def key(self) -> tuple:
        return (self.major, self.minor, self.patch, pre_key(self.pre))

    def __str__(self) -> str:
        return self.text


def bound(major: int, minor: int, patch: int) -> tuple:
    """The sort key of `major.minor.patch-0`, below every release and pre-release of it."""
    return (major, minor, patch, (0, ((0, 0, ""),)))


def comparator(text: str) -> tuple[list[tuple[str, tuple]], tuple[int, int, int] | None]:
    """One comparator as (op, key) bounds, and the release it names when it has a pre-release."""
    m = COMPARATOR.match(text.strip())
    if not m:
        raise BadRequirement(f"not a comparator: {text!r}")
    op, ver = m.group(1) or "^", m.group(2)
    if ver in ("*", "x", "X"):
        return [], None
    ver = re.sub(r"\.[*xX](?=$|\.)", "", ver)
    v = VERSION.match(ver)
    if not v:
        raise BadRequirement(f"not a version: {text!r}")
    major = int(v.group(1))
    minor = int(v.group(2)) if v.group(2) is not None else None
    patch = int(v.group(3)) if v.group(3) is not None else None
    pre = v.group(4)
    if pre is not None and patch is None:
        raise BadRequirement(f"a pre-release needs a full version: {text!r}")
    exact = (major, minor or 0, patch or 0, pre_key(pre))
    names = (major, minor, patch) if pre is not None else None

    def next_minor():
        return bound(major, (minor or 0) + 1, 0)

    def next_major():
        return bound(major + 1, 0, 0)

    if op == "=":
        if patch is not None:
            return [(">=", exact), ("<=", exact)], names
        return [(">=", bound(major, minor or 0, 0)), ("<", next_minor() if minor is not None else next_major())], names
    if op == ">=":
        return [(">=", exact if patch is not None else bound(major, minor or 0, 0))], names
    if op == ">":
        if patch is not None:
            return [(">", exact)], names
        return [(">=", next_minor() if minor is not None else next_major())], names
    if op == "<":
        return [("<", exact if patch is not None else bound(major, minor or 0, 0))], names
    if op == "<=":
        if patch is not None:
            return [("<=", exact)], names
        return [("<", next_minor() if minor is not None else next_major())], names
    if op == "~":
        upper = next_major() if minor is None else next_minor()
        return [(">=", exact), ("<", upper)], names
    # Caret: the leftmost non-zero part may not change.
    if major > 0 or minor is None:
        upper = next_major()
    elif minor > 0 or patch is None:
        upper = next_minor()
    else:
        upper = bound(0, 0, patch + 1)
    return [(">=", exact), ("<", upper)], names


class Requirement:
    def __init__(self, text: str):
        self.text = text
        parts = [p for p in text.split(",") if p.strip()]
        if not parts:
            raise BadRequirement(f"an empty requirement: {text!r}")
        self.bounds: list[tuple[str, tuple]] = []
        self.pre_releases: set[tuple] = set()
        for part in parts:
            bounds, names = comparator(part)
            self.bounds += bounds
            if names is not None:
                self.pre_releases.add(names)

    def matches(self, version: Version) -> bool:
        # A pre-release matches only a requirement that names a pre-release of the same release.
        if version.pre is not None and (version.major, version.minor, version.patch) not in self.pre_releases:
            return False
        key = version.key()
        for op, b in self.bounds:
            ok = {">=": key >= b, ">": key > b, "<": key < b, "<=": key <= b}[op]
            if not ok:
                return False
        return True


# ---------------------------------------------------------------------------------------------
# Advisories

def front_matter(path: Path) -> dict:
    """The TOML block at the top of an advisory file (```toml ... ```)."""
    text = path.read_text(encoding="utf-8")
    m = re.match(r"\s*```toml\n(.*?)\n```", text, re.S)
    if not m:
        raise BadRequirement(f"{path}: no ```toml front matter")
    return tomllib.loads(m.group(1))


def affects(meta: dict, version: Version) -> bool:
    if meta.get("advisory", {}).get("withdrawn"):
        return False
    versions = meta.get("versions", {})
    safe = [Requirement(r) for r in versions.get("patched", []) + versions.get("unaffected", [])]
    return not any(r.matches(version) for r in safe)


def parse_all(db: Path) -> int:
    """Reads every crate advisory and every requirement in it: a requirement this matcher cannot
    read fails the audit instead of being skipped."""
    n = 0
    for path in sorted((db / "crates").glob("*/*.md")):
        try:
            meta = front_matter(path)
            versions = meta.get("versions", {})
            for r in versions.get("patched", []) + versions.get("unaffected", []):
                Requirement(r)
        except (BadRequirement, tomllib.TOMLDecodeError) as e:
            raise SystemExit(f"advisories: cannot read {path}: {e}")
        n += 1
    return n


def vendored(root: Path) -> list[tuple[str, Version, Path]]:
    """(crate name, version, directory) of every `[patch.crates-io]` entry with a `path`."""
    manifest = tomllib.loads((root / "Cargo.toml").read_text(encoding="utf-8"))
    out = []
    for key, spec in manifest.get("patch", {}).get("crates-io", {}).items():
        if not isinstance(spec, dict) or "path" not in spec:
            continue
        directory = root / spec["path"]
        package = tomllib.loads((directory / "Cargo.toml").read_text(encoding="utf-8"))["package"]
        name, version = package["name"], Version(package["version"])
        if name != key:
            raise SystemExit(f"advisories: [patch.crates-io] {key} points at {directory}, which is crate {name}")
        readme = directory.parent / "README.md"
        stated = re.findall(rf"\b{re.escape(name)}`?\s+v?(\d+\.\d+\.\d+)", readme.read_text(encoding="utf-8")) if readme.exists() else []
        if str(version) not in stated or any(v != str(version) for v in stated):
            raise SystemExit(f"advisories: {readme} must name the upstream release {name} {version} "
                             f"that {directory / 'Cargo.toml'} declares (it names {sorted(set(stated)) or 'none'})")
        out.append((name, version, directory))
    return out


def handled_ids(root: Path) -> dict[str, str]:
    """deny.toml's `[advisories] ignore`: id -> reason. Every entry needs a reason."""
    deny = tomllib.loads((root / "deny.toml").read_text(encoding="utf-8"))
    out = {}
    for entry in deny.get("advisories", {}).get("ignore", []):
        if not isinstance(entry, dict) or not entry.get("id") or not str(entry.get("reason", "")).strip():
            raise SystemExit(f"advisories: deny.toml ignore entry {entry!r} needs an id and a reason")
        out[entry["id"]] = entry["reason"]
    return out


def vendored_findings(db: Path, crates: list[tuple[str, Version, Path]]) -> list[dict]:
    found = []
    for name, version, directory in crates:
        for path in sorted((db / "crates" / name).glob("*.md")):
            meta = front_matter(path)
            if affects(meta, version):
                adv = meta["advisory"]
                found.append({"id": adv["id"], "crate": f"{name} {version} (vendored: {directory.name})",
                              "kind": adv.get("informational", "vulnerability"), "title": title_of(path)})
    return found


def title_of(path: Path) -> str:
    m = re.search(r"^# (.+)$", path.read_text(encoding="utf-8"), re.M)
    return m.group(1).strip() if m else ""


ADVISORY_CODES = {"vulnerability", "notice", "unmaintained", "unsound"}


def deny_findings(lines: list[str]) -> tuple[list[dict], list[str]]:
    """cargo-deny's JSON diagnostics: the advisories it matched, and its other errors."""
    found, errors = [], []
    for line in lines:
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        if event.get("type") != "diagnostic":
            continue
        fields = event.get("fields", {})
        code, severity = fields.get("code"), fields.get("severity")
        if code in ADVISORY_CODES:
            adv = fields.get("advisory") or {}
            crate = " ".join(next((lab.get("span", "") for lab in fields.get("labels", [])), "").split()[:2])
            found.append({"id": adv.get("id") or note_id(fields), "crate": crate.strip(), "kind": code,
                          "title": fields.get("message", "")})
        elif code == "yanked" and severity == "error":
            crate = next((lab.get("span", "") for lab in fields.get("labels", [])), "")
            errors.append(f"yanked crate {crate.strip()}")
        elif severity == "error" and code not in ("advisory-ignored",):
            errors.append(f"{code}: {fields.get('message', '')}")
    return found, errors


def note_id(fields: dict) -> str:
    for note in fields.get("notes", []):
        if note.startswith("ID: "):
            return note[4:].strip()
    return "?"


def verdict(args) -> int:
    root, db = Path(args.root), Path(args.db)
    count = parse_all(db)
    handled = handled_ids(root)
    crates = vendored(root)
    lines = Path(args.deny_json).read_text(encoding="utf-8", errors="replace").splitlines()
    found, errors = deny_findings(lines)
    found += vendored_findings(db, crates)
    print(f"    read {count} crate advisories; vendored crates matched by name and version: "
          + (", ".join(f"{n} {v}" for n, v, _ in crates) or "none"))
    unhandled = 0
    for f in found:
        reason = handled.get(f["id"])
        if reason is None:
            unhandled += 1
        state = f"handled: {reason}" if reason else "UNHANDLED"
        print(f"    {f['id']} {f['kind']} in {f['crate']}: {f['title']} ({state})")
    for e in errors:
        print(f"    error: {e}")
    print(f"advisories: {len(found)} found / {unhandled} unhandled, database {args.date}")
    return 1 if unhandled or errors else 0


# ---------------------------------------------------------------------------------------------
# Self-test

def self_test() -> int:
    cases = [
        (">= 1.5.1", "1.5.0", False), (">= 1.5.1", "1.5.1", True), (">=1.5", "1.5.0", True),
        ("< 1.5.0", "1.4.9", True), ("< 1.5.0", "1.5.0", False), ("< 1.5", "1.4.99", True),
        ("^1.4.2", "1.9.0", True), ("^1.4.2", "2.0.0", False), ("^0.4.2", "0.4.9", True),
        ("^0.4.2", "0.5.0", False), ("^0.0.3", "0.0.4", False), ("1.5.0", "1.6.0", True),
        ("1.5", "1.5.7", True), ("0.9", "0.10.0", False), ("=1.5.0", "1.5.0", True),
        ("=1.5.0", "1.5.1", False), ("~1.5.2", "1.5.9", True), ("~1.5.2", "1.6.0", False),
        (">1.4", "1.4.9", False), (">1.4", "1.5.0", True), ("<= 1.5", "1.5.9", True),
        ("<= 1.5", "1.6.0", False), (">= 1.2.0, < 1.5.0", "1.5.0", False),
        (">= 1.2.0, < 1.5.0", "1.3.0", True), ("< 1.5.0-alpha.2", "1.5.0-alpha.1", True),
        (">= 1.5.0", "1.5.0-rc.1", False), ("< 1.5.0", "1.4.0-rc.1", False), ("*", "3.1.4", True),
    ]
    failed = 0
    for req, ver, want in cases:
        got = Requirement(req).matches(Version(ver))
        if got != want:
            failed += 1
            print(f"not ok - {ver!r} against {req!r}: {got}, expected {want}")
    for bad in ["", "abc", "1.2.3.4", "1.2-alpha"]:
        try:
            Requirement(bad)
            failed += 1
            print(f"not ok - {bad!r} was accepted as a requirement")
        except BadRequirement:
            pass
    # A database with lambda_runtime advisories around 1.5.0: found exactly the affecting ones.
    with tempfile.TemporaryDirectory() as tmp:
        crate = Path(tmp) / "crates" / "lambda_runtime"
        crate.mkdir(parents=True)
        fixtures = {
            "RUSTSEC-9999-0001": ('patched = [">= 1.5.1"]', ""),  # affects 1.5.0
            "RUSTSEC-9999-0002": ('patched = [">= 1.5.0"]', ""),  # fixed in 1.5.0
            "RUSTSEC-9999-0003": ('patched = []\nunaffected = ["< 1.0.0"]', ""),  # every 1.x
            "RUSTSEC-9999-0004": ('patched = [">= 1.6.0"]', 'withdrawn = "2026-01-01"'),
            "RUSTSEC-9999-0005": ('patched = ["~1.4.3", ">= 1.5.2"]', ""),  # 1.4.3+ and 1.5.2+ fixed, 1.5.0 not
        }
        for id_, (versions, extra) in fixtures.items():
            (crate / f"{id_}.md").write_text(
                f'```toml\n[advisory]\nid = "{id_}"\npackage = "lambda_runtime"\ndate = "2026-01-01"\n{extra}\n\n'
                f"[versions]\n{versions}\n```\n\n# Fixture {id_}\n", encoding="utf-8")
        found = vendored_findings(Path(tmp), [("lambda_runtime", Version("1.5.0"), Path("vendor/lambda_runtime"))])
        ids = sorted(f["id"] for f in found)
        want = ["RUSTSEC-9999-0001", "RUSTSEC-9999-0003", "RUSTSEC-9999-0005"]
        if ids != want:
            failed += 1
            print(f"not ok - vendored lambda_runtime 1.5.0 matched {ids}, expected {want}")
    print(f"# advisories.py self-test: {len(cases) + 5} checks, {failed} failed")
    return 1 if failed else 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--self-test", action="store_true")
    p.add_argument("--root")
    p.add_argument("--db")
    p.add_argument("--date")
    p.add_argument("--deny-json")
    args = p.parse_args()
    if args.self_test:
        return self_test()
    if not (args.root and args.db and args.date and args.deny_json):
        p.error("--root, --db, --date and --deny-json are required")
    return verdict(args)


if __name__ == "__main__":
    sys.exit(main())
