"""ABI/*.json against the Vyper build and against the spec's topic0 / selector values."""
import re
from pathlib import Path

import pytest
from eth_utils import keccak

from devnode import abi_spec
from devnode.abi_spec import load_abi, parse, selector, signature, topic0
from devnode.build import compile_artifact

SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec" / "kalypso-contracts.md"  # ../shared beside the project

PAIRS = [
    ("GeneratorRegistry", "GeneratorRegistry.json"),
    ("ProofMarketplace", "ProofMarketplace.json"),
    ("ProofMarketplaceLegacy", "ProofMarketplace.json"),
    ("EntityKeyRegistry", "EntityKeyRegistry.json"),
    ("ERC20", "ERC20.json"),
]
# In the JSON ABI but not in a given Vyper build (documented in Devnode/README.md).
ABI_ONLY_FUNCTIONS = {
    "ProofMarketplace": {"createAsk((uint256,uint256,uint256,uint256,uint256,address,bytes),uint8,bytes,bytes)"},
    "ProofMarketplaceLegacy": {"createAsk((uint256,uint256,uint256,uint256,uint256,address,bytes),uint8,bytes,bytes,bytes)"},
}
ABI_ONLY_EVENTS = {"Upgraded(address)", "EnclaveKeyWhitelisted(bytes,bytes32)", "EnclaveKeyRevoked(bytes)",
                   "AskCreated(uint256,bool,bytes,bytes)", "AskCreated(uint256,bool,bytes,bytes,bytes)"}


def spec_text() -> str:
    if not SPEC.exists():
        pytest.skip(f"spec not found at {SPEC}")
    return SPEC.read_text()


def test_abi_files_are_generated_from_abi_spec():
    for name, text in abi_spec.render().items():
        assert (abi_spec.ABI_DIR / name).read_text() == text, f"ABI/{name} is stale: run python -m devnode abi"


@pytest.mark.parametrize("artifact,abi_file", PAIRS)
def test_vyper_build_matches_abi_file(artifact, abi_file):
    built = compile_artifact(artifact)["abi"]
    spec = load_abi(abi_file)
    b_fn = {signature(e): e for e in built if e["type"] == "function"}
    s_fn = {signature(e): e for e in spec if e["type"] == "function"}
    assert set(b_fn) - set(s_fn) == set(), "functions of the Vyper build missing from the ABI file"
    assert set(s_fn) - set(b_fn) == ABI_ONLY_FUNCTIONS.get(artifact, set())
    for sig, e in b_fn.items():
        outs = [abi_spec.canonical_type(p) for p in e["outputs"]]
        want = [abi_spec.canonical_type(p) for p in s_fn[sig]["outputs"]]
        assert outs == want, f"{sig}: outputs {outs} != {want}"
        view_b = e["stateMutability"] in ("view", "pure")
        view_s = s_fn[sig]["stateMutability"] in ("view", "pure")
        assert view_b == view_s, f"{sig}: mutability {e['stateMutability']} vs {s_fn[sig]['stateMutability']}"
    b_ev = {signature(e): [p["indexed"] for p in e["inputs"]] for e in built if e["type"] == "event"}
    s_ev = {signature(e): [p["indexed"] for p in e["inputs"]] for e in spec if e["type"] == "event"}
    for sig, flags in b_ev.items():
        assert sig in s_ev, f"event {sig} of the Vyper build missing from ABI/{abi_file}"
        assert flags == s_ev[sig], f"event {sig}: indexed flags {flags} != {s_ev[sig]}"
    missing = set(s_ev) - set(b_ev) - ABI_ONLY_EVENTS
    assert missing == set(), f"events in ABI/{abi_file} that the build never declares: {missing}"


def test_both_ask_created_variants_are_built():
    cur = {signature(e) for e in compile_artifact("ProofMarketplace")["abi"] if e["type"] == "event"}
    leg = {signature(e) for e in compile_artifact("ProofMarketplaceLegacy")["abi"] if e["type"] == "event"}
    assert "AskCreated(uint256,bool,bytes,bytes,bytes)" in cur
    assert "AskCreated(uint256,bool,bytes,bytes)" in leg


def _all_abi_entries():
    out = []
    for f in abi_spec.FILES:
        out += load_abi(f)
    return out


def test_spec_event_topics_equal_keccak_of_abi_signatures():
    text = spec_text().split("## 8.")[0]
    rows = re.findall(r"\|\s*`([A-Za-z]+\([^`]*\))`[^|\n]*\|\s*`(0x[0-9a-f]{64})`", text)
    assert len(rows) >= 40
    abi_topics = {topic0(e) for e in _all_abi_entries() if e["type"] == "event"}
    for decl, t0 in rows:
        entry = parse("event " + decl.replace("SecretType ", "uint8 "))  # enums are uint8 (spec §4.3)
        assert topic0(entry) == t0, f"{decl}: keccak gives {topic0(entry)}, spec says {t0}"
        if signature(entry) not in ("Initialized(uint8)",):
            assert t0 in abi_topics, f"{decl} is not in the ABI files"
    # §11.2 table: name(types) | topic0
    full = spec_text()
    section = full[full.index("### 11.2"):full.index("### 11.3")]
    for sig, t0 in re.findall(r"\|\s*`(\w+\([\w,]*\))`[^|\n]*\|\s*`(0x[0-9a-f]{64})`", section):
        assert "0x" + keccak(text=sig).hex() == t0


def test_spec_function_selectors_equal_keccak_of_abi_signatures():
    text = spec_text().split("## 8.")[0]
    found = []
    for line in text.splitlines():
        cells = line.split("|")
        if len(cells) < 4:
            continue
        names = re.findall(r"`(\w+\([^`]*\))`", cells[1])
        sels = re.findall(r"`(0x[0-9a-f]{8})`", cells[2])
        if names and len(names) == len(sels):
            found += list(zip(names, sels))
    found += re.findall(r"`(\w+\([^`]*\))` \(`(0x[0-9a-f]{8})`", text)
    abi_sigs = {signature(e) for e in _all_abi_entries() if e["type"] == "function"}
    checked = 0
    for decl, sel in found:
        decl = re.sub(r"\s+(nonReentrant|view|returns.*)$", "", decl)
        entry = parse("function " + decl.replace("SecretType ", "uint8 "))
        assert selector(entry) == sel, f"{decl}: keccak gives {selector(entry)}, spec says {sel}"
        if entry["name"] not in ("verify",):  # AttestationVerifier, not one of our four ABI files
            assert signature(entry) in abi_sigs, f"{signature(entry)} (spec {sel}) is not in the ABI files"
        checked += 1
    assert checked >= 45


def test_spec_error_selectors_equal_keccak_and_are_in_the_abi_files():
    text = spec_text()
    section = text[text.index("### 11.1"):text.index("### 11.2")]
    rows = re.findall(r"(0x[0-9a-f]{8}) (\w+\([\w,]*\))", section)
    assert len(rows) >= 60
    abi_errors = {signature(e) for e in _all_abi_entries() if e["type"] == "error"}
    for sel, sig in rows:
        assert "0x" + keccak(text=sig)[:4].hex() == sel, sig
        if sig not in ("Error(string)", "Panic(uint256)"):
            assert sig in abi_errors, f"{sig} missing from the ABI files"
