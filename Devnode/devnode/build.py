"""Compile the Vyper contracts of Devnode/contracts.

The sources use two tiny preprocessor directives, resolved here before Vyper sees them:
  `#@include FILE`            pastes Devnode/contracts/FILE
  `#@if FLAG` / `#@else` / `#@endif`   keeps one branch (flags: LEGACY_ASK for the 4-field AskCreated build)
Outputs are cached by source hash in .devnode/vyper-cache at the project root.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

CONTRACTS_DIR = Path(__file__).resolve().parent.parent / "contracts"
PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
CACHE_DIR = PROJECT_ROOT / ".devnode" / "vyper-cache"

# (artifact name, source file, flags)
ARTIFACTS = {
    "ERC20": ("ERC20.vy", ()),
    "MockVerifier": ("MockVerifier.vy", ()),
    "AttestationVerifier": ("AttestationVerifier.vy", ()),
    "EntityKeyRegistry": ("EntityKeyRegistry.vy", ()),
    "GeneratorRegistry": ("GeneratorRegistry.vy", ()),
    "ProofMarketplace": ("ProofMarketplace.vy", ()),
    "ProofMarketplaceLegacy": ("ProofMarketplace.vy", ("LEGACY_ASK",)),
    "LogEmitter": ("LogEmitter.vy", ()),
}

_lock = threading.Lock()
_memo: dict[str, dict] = {}


def preprocess(name: str, flags: tuple[str, ...] = (), _depth: int = 0) -> str:
    if _depth > 4:
        raise ValueError(f"include nesting too deep at {name}")
    text = (CONTRACTS_DIR / name).read_text()
    out: list[str] = []
    stack: list[bool] = []  # each entry: is the current branch active
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#@if "):
            stack.append(stripped.split()[1] in flags)
            continue
        if stripped == "#@else":
            stack[-1] = not stack[-1]
            continue
        if stripped == "#@endif":
            stack.pop()
            continue
        if not all(stack):
            continue
        if stripped.startswith("#@include "):
            out.append(preprocess(stripped.split()[1], flags, _depth + 1))
            continue
        out.append(line)
    if stack:
        raise ValueError(f"unterminated #@if in {name}")
    return "\n".join(out) + "\n"


def compile_artifact(artifact: str) -> dict:
    """Return {"abi": [...], "bytecode": "0x…", "source": str} for one artifact name."""
    with _lock:
        if artifact in _memo:
            return _memo[artifact]
        source_file, flags = ARTIFACTS[artifact]
        source = preprocess(source_file, flags)
        import vyper

        key = hashlib.sha256((vyper.__version__ + "\0" + source).encode()).hexdigest()[:24]
        cache_file = CACHE_DIR / f"{artifact}-{key}.json"
        if cache_file.exists():
            result = json.loads(cache_file.read_text())
        else:
            try:
                out = vyper.compile_code(source, output_formats=["abi", "bytecode"])
            except Exception as exc:  # attach the preprocessed source position
                raise RuntimeError(f"compiling {artifact} ({source_file}): {exc}") from exc
            result = {"abi": out["abi"], "bytecode": out["bytecode"]}
            CACHE_DIR.mkdir(parents=True, exist_ok=True)
            tmp = cache_file.with_suffix(f".tmp{os.getpid()}")
            tmp.write_text(json.dumps(result))
            tmp.replace(cache_file)
        result = dict(result, source=source)
        _memo[artifact] = result
        return result


def compile_all() -> dict[str, dict]:
    return {name: compile_artifact(name) for name in ARTIFACTS}


if __name__ == "__main__":
    import sys
    for name in sys.argv[1:] or ARTIFACTS:
        art = compile_artifact(name)
        print(name, (len(art["bytecode"]) - 2) // 2, "bytes")
