"""Bounded reads: regular files only, never blocking on a FIFO, never reading a device
to its end, size caps; YAML that would expand past its limits is refused unbuilt."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from irtui.boundary.reading import NotRegularFile, TooLarge, YamlTooComplex, read_regular, read_tail, safe_yaml

pytestmark = pytest.mark.timeout(30)  # a FIFO opened the ordinary way would block here forever


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "flag"
    os.mkfifo(path)
    return path


def test_a_fifo_is_refused_without_blocking(fifo: Path) -> None:
    with pytest.raises(NotRegularFile) as caught:
        read_regular(fifo, 1024, what="kill-switch flag")
    assert caught.value.strerror == "the kill-switch flag path is a FIFO (named pipe), not a regular file"
    with pytest.raises(NotRegularFile):
        read_tail(fifo, 1024)


def test_a_device_and_a_directory_are_refused(tmp_path: Path) -> None:
    with pytest.raises(NotRegularFile) as device:
        read_regular("/dev/zero", 1 << 20, cut=True)
    assert "a character device" in device.value.strerror
    with pytest.raises(NotRegularFile) as folder:
        read_regular(tmp_path, 1024, what="incident log")
    assert folder.value.strerror == "the incident log path is a directory, not a regular file"
    assert isinstance(folder.value, OSError)


def test_size_caps_cut_or_refuse(tmp_path: Path) -> None:
    path = tmp_path / "big"
    path.write_bytes(b"x" * 5000 + b"END")
    assert read_regular(path, 100, cut=True) == b"x" * 100
    with pytest.raises(TooLarge, match="larger than"):
        read_regular(path, 100, what="configuration")
    assert read_regular(path, 5003) == b"x" * 5000 + b"END"
    assert read_tail(path, 3) == b"END"
    assert read_tail(path, 10**9) == path.read_bytes()


def test_an_alias_bomb_is_refused_before_it_is_built() -> None:
    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        bomb.append(f"{level}: &{level} [{','.join(['*' + previous] * 9)}]")
    with pytest.raises(YamlTooComplex, match="aliases"):
        safe_yaml("\n".join(bomb))


def test_deep_and_recursive_yaml_is_refused() -> None:
    with pytest.raises(YamlTooComplex, match="nested"):
        safe_yaml("[" * 200_000)
    with pytest.raises(YamlTooComplex, match="nested"):
        safe_yaml("- &a [*a]")
    with pytest.raises(YamlTooComplex, match="nested"):
        safe_yaml("x:\n" + "".join("  " * depth + "- \n" for depth in range(1, 100)))


def test_ordinary_yaml_and_json_load() -> None:
    assert safe_yaml("reason: drawdown\nat: 2026-01-27T15:00:00Z")["reason"] == "drawdown"
    assert safe_yaml('{"a": [1, 2, {"b": null}]}') == {"a": [1, 2, {"b": None}]}
    assert safe_yaml("") is None


def test_a_long_document_is_refused_as_soon_as_it_passes_the_node_limit() -> None:
    # A megabyte of `key: value` lines is 400,000 nodes: composing them all took seconds
    # (longer than a probe's deadline) before the limit was checked. The limit stops the
    # composer itself: the syntax error past it is never even reached.
    text = "".join(f"k{i}: v\n" for i in range(50_000)) + "broken: [never closed\n"
    with pytest.raises(YamlTooComplex, match="more than 10,000 values"):
        safe_yaml(text)
    with pytest.raises(YamlTooComplex):
        safe_yaml("- x\n" * 50_000 + "- [\n", max_nodes=100)
    assert safe_yaml("".join(f"k{i}: v\n" for i in range(100))) == {f"k{i}": "v" for i in range(100)}
