"""The .hdsync container: round trips, and one test per way a received file is refused."""
from __future__ import annotations

import hashlib
import io
import json
import os
import struct
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hospitaldesk.services.sync import container, envelope
from hospitaldesk.services.sync.bundle_encoding import b64
from hospitaldesk.services.sync.container import (
    FORMAT, FORMAT_VERSION, BundleError, OpenedBundle, encode_records, open_bundle, write_bundle,
)
from hospitaldesk.services.sync.envelope import ENCRYPTED_MAGIC

NAME = unicodedata.normalize("NFC", "Nguyễn Thị Hồng Đào")
SITE_NAME = "Bệnh viện Đa khoa tỉnh Sóc Trăng"
STAFF = [
    {"id": 1, "full_name": NAME, "ward": "Khoa Nội", "notes": None},
    {"id": 2, "full_name": "Trần Văn Ân", "ward": "Khoa Ngoại", "tags": ["điều dưỡng", "ICU"], "score": 8.5},
]
WARDS = [{"id": 10, "name": "Hồi sức tích cực"}]
SCAN = b"%PDF-1.7 scan of the signed contract " + bytes(range(256)) * 40
SCAN_SHA = hashlib.sha256(SCAN).hexdigest()


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def recipient_key() -> X25519PrivateKey:
    return X25519PrivateKey.generate()


def caller_manifest() -> dict[str, Any]:
    """What a caller passes: its own fields, a source without the signing key, no members."""
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "bundle_id": "b-0001",
            "source": {"site_id": "site-a", "name": SITE_NAME}, "tables": {"staff": 2, "wards": 1},
            "note": "Bàn giao kỹ thuật"}


def standard_members() -> list[tuple[str, Any]]:
    return [("tables/staff.jsonl", encode_records(STAFF)), ("tables/wards.jsonl", encode_records(WARDS)),
            (f"files/{SCAN_SHA}", iter([SCAN[:1000], SCAN[1000:]]))]


def write(path: Path, key: Ed25519PrivateKey, members: list[tuple[str, Any]] | None = None,
          **options: Any) -> container.WrittenBundle:
    return write_bundle(path, caller_manifest(), standard_members() if members is None else members, key, **options)


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def jsonl(records: list[dict[str, Any]]) -> bytes:
    return b"".join(canonical(r) + b"\n" for r in records)


def craft(path: Path, key: Ed25519PrivateKey, entries: list[tuple[str, bytes]], *,
          members: dict[str, Any] | None = None, extra: Sequence[tuple[str, bytes]] = (),
          sign_with: Ed25519PrivateKey | None = None, compression: int = zipfile.ZIP_DEFLATED,
          **fields: Any) -> dict[str, Any]:
    """A bundle built by hand, signed like the writer signs; `extra` entries are added unlisted."""
    manifest: dict[str, Any] = {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "source": {"site_id": "site-a", "signing_key": b64(key.public_key().public_bytes_raw())},
        "members": members if members is not None else {
            name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)} for name, data in entries},
    }
    manifest.update(fields)
    data = canonical(manifest)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns about the duplicate names some tests want
        with zipfile.ZipFile(path, "w", compression=compression) as zf:
            for name, content in [*entries, *extra]:
                zf.writestr(name, content)
            zf.writestr("manifest.json", data)
            zf.writestr("manifest.sig", (sign_with or key).sign(data))
    return manifest


def refused(path: Path, reason: str, *names: str, **options: Any) -> BundleError:
    """open_bundle refuses `path` for `reason`, with a message naming the file and each of `names`."""
    with pytest.raises(BundleError) as caught:
        open_bundle(path, **options)
    error = caught.value
    assert error.reason == reason, error.message
    assert error.message.strip() and error.message == str(error)
    for name in (path.name, *names):
        assert name in error.message, error.message
    return error


def zip_entries(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


def rezip(path: Path, entries: list[tuple[str, bytes]]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, content in entries:
            zf.writestr(name, content)


def patch_central(data: bytes, name: str, *, size: int | None = None, offset: int | None = None) -> bytes:
    """Change the uncompressed size or the header offset the central directory gives for `name`."""
    buffer = bytearray(data)
    position = data.find(b"PK\x01\x02")
    while position != -1:
        (name_length,) = struct.unpack_from("<H", data, position + 28)
        if data[position + 46:position + 46 + name_length] == name.encode():
            if size is not None:
                struct.pack_into("<I", buffer, position + 24, size)
            if offset is not None:
                struct.pack_into("<I", buffer, position + 42, offset)
            return bytes(buffer)
        position = data.find(b"PK\x01\x02", position + 4)
    raise AssertionError(f"{name} not in the central directory")


def data_offset(path: Path, name: str) -> int:
    """Where the (compressed) bytes of member `name` start in the zip at `path`."""
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    raw = path.read_bytes()
    name_length, extra_length = struct.unpack_from("<HH", raw, info.header_offset + 26)
    return info.header_offset + 30 + name_length + extra_length


def split_envelope(data: bytes) -> tuple[bytes, list[bytes]]:
    """(magic + header, [each chunk with its length prefix]) of an encrypted bundle."""
    start = len(ENCRYPTED_MAGIC)
    (header_length,) = struct.unpack(">I", data[start:start + 4])
    position = start + 4 + header_length
    head, chunks = data[:position], []
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        chunks.append(data[position:position + 4 + length])
        position += 4 + length
    return head, chunks


def flip(data: bytes, position: int) -> bytes:
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1:]


def read_everything(opened: OpenedBundle) -> tuple[dict[str, list[dict[str, Any]]], dict[str, bytes]]:
    tables = {table: list(opened.records(table)) for table in opened.tables()}
    files = {}
    for name in opened.manifest["members"]:
        if name.startswith("files/"):
            with opened.open_file(name[len("files/"):]) as stream:
                files[name] = stream.read()
    return tables, files


# --- round trips ----------------------------------------------------------------------------------------


def test_round_trip_plain(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "a.hdsync"
    given_manifest = caller_manifest()
    written = write_bundle(path, given_manifest, standard_members(), key)

    raw = path.read_bytes()
    assert raw.startswith(b"PK\x03\x04")
    assert written.path == path and written.size == len(raw) and written.sha256 == hashlib.sha256(raw).hexdigest()
    assert not (tmp_path / "a.hdsync.part").exists()
    assert given_manifest == caller_manifest()  # the caller's dict is not changed
    with open_bundle(path) as opened:
        assert opened.sha256 == written.sha256 and opened.encrypted_for is None
        assert opened.manifest == written.manifest
        manifest = opened.manifest
        for field in ("bundle_id", "tables", "note", "format", "format_version"):
            assert manifest[field] == given_manifest[field]
        assert manifest["source"]["name"] == SITE_NAME and manifest["source"]["site_id"] == "site-a"
        assert opened.source_public_key.public_bytes_raw() == key.public_key().public_bytes_raw()
        assert manifest["members"]["tables/staff.jsonl"] == {
            "sha256": hashlib.sha256(jsonl_plain(STAFF)).hexdigest(), "size": len(jsonl_plain(STAFF))}
        assert manifest["members"][f"files/{SCAN_SHA}"] == {"sha256": SCAN_SHA, "size": len(SCAN)}
        assert opened.tables() == ["staff", "wards"]
        records = list(opened.records("staff"))
        assert records == STAFF
        assert records[0]["full_name"] == NAME and unicodedata.is_normalized("NFC", records[0]["full_name"])
        assert list(opened.records("wards")) == WARDS
        assert list(opened.records("absent")) == []
        assert opened.has_file(SCAN_SHA) and not opened.has_file("0" * 64)
        with opened.open_file(SCAN_SHA) as stream:
            assert stream.read() == SCAN


def jsonl_plain(records: list[dict[str, Any]]) -> bytes:
    return b"".join(encode_records(records))


def test_written_zip_is_the_documented_format(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "a.hdsync"
    written = write(path, key)
    with zipfile.ZipFile(path) as zf:
        names = sorted(zf.namelist())
        manifest_bytes, signature = zf.read("manifest.json"), zf.read("manifest.sig")
        assert zf.getinfo("tables/staff.jsonl").compress_type == zipfile.ZIP_DEFLATED
    assert names == sorted(["manifest.json", "manifest.sig", "tables/staff.jsonl", "tables/wards.jsonl", f"files/{SCAN_SHA}"])
    assert manifest_bytes == canonical(written.manifest)
    assert len(signature) == 64
    key.public_key().verify(signature, manifest_bytes)


def test_round_trip_encrypted(tmp_path: Path, key: Ed25519PrivateKey, recipient_key: X25519PrivateKey) -> None:
    path = tmp_path / "for-b.hdsync"
    written = write(path, key, recipient=("AAAAA-BBBBB", recipient_key.public_key()))
    raw = path.read_bytes()
    assert raw.startswith(ENCRYPTED_MAGIC) and b"manifest" not in raw and NAME.encode() not in raw
    assert written.sha256 == hashlib.sha256(raw).hexdigest()
    with open_bundle(path, decryption_key=recipient_key) as opened:
        assert opened.encrypted_for == "AAAAA-BBBBB"
        assert opened.sha256 == written.sha256
        assert opened.manifest == written.manifest
        tables, files = read_everything(opened)
    assert tables == {"staff": STAFF, "wards": WARDS}
    assert files == {f"files/{SCAN_SHA}": SCAN}


def test_encrypted_bundle_over_many_chunks(tmp_path: Path, key: Ed25519PrivateKey, recipient_key: X25519PrivateKey,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(envelope, "ENCRYPTION_CHUNK", 4096)
    blob = os.urandom(50_000)
    sha = hashlib.sha256(blob).hexdigest()
    path = tmp_path / "b.hdsync"
    write(path, key, [(f"files/{sha}", iter([blob]))], recipient=("fp", recipient_key.public_key()))
    _head, chunks = split_envelope(path.read_bytes())
    assert len(chunks) > 10
    with open_bundle(path, decryption_key=recipient_key) as opened, opened.open_file(sha) as stream:
        assert stream.read() == blob


def test_zip_that_fills_whole_chunks(
        tmp_path: Path, key: Ed25519PrivateKey, recipient_key: X25519PrivateKey, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = tmp_path / "plain.hdsync"
    write(plain, key)
    size = plain.stat().st_size
    divisor = next(d for d in range(2, size) if size % d == 0)
    monkeypatch.setattr(envelope, "ENCRYPTION_CHUNK", size // divisor)
    # The zip differs only by the signature, which has a fixed size: the same length again.
    path = tmp_path / "enc.hdsync"
    write(path, key, recipient=("fp", recipient_key.public_key()))
    _head, chunks = split_envelope(path.read_bytes())
    # One chunk of look-ahead: the last full chunk carries the final flag, no empty chunk follows.
    assert [len(chunk) for chunk in chunks] == [4 + size // divisor + 16] * divisor
    with open_bundle(path, decryption_key=recipient_key) as opened:
        assert list(opened.records("staff")) == STAFF


def test_large_member_is_streamed(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    count = 200_000

    def rows() -> Iterator[dict[str, Any]]:
        for i in range(count):
            yield {"id": i, "full_name": f"{NAME} {i}", "ward": "Khoa Nội", "seq": i * 7}

    path = tmp_path / "big.hdsync"
    written = write(path, key, [("tables/staff.jsonl", encode_records(rows()))])
    assert written.manifest["members"]["tables/staff.jsonl"]["size"] > 10 * 1024**2
    seen = 0
    with open_bundle(path) as opened:
        for seen, record in enumerate(opened.records("staff"), start=1):
            if seen == 123_457:
                assert record == {"id": 123_456, "full_name": f"{NAME} 123456", "ward": "Khoa Nội", "seq": 123_456 * 7}
    assert seen == count


# --- not a bundle, truncated ------------------------------------------------------------------------------


def test_random_bytes_are_not_a_bundle(tmp_path: Path) -> None:
    path = tmp_path / "random.hdsync"
    path.write_bytes(os.urandom(10_000))
    refused(path, "not_bundle")


def test_text_file_is_not_a_bundle(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Danh sách nhân viên\nNguyễn Văn An\n", encoding="utf-8")
    refused(path, "not_bundle")


def test_empty_file_is_not_a_bundle(tmp_path: Path) -> None:
    path = tmp_path / "empty.hdsync"
    path.write_bytes(b"")
    refused(path, "not_bundle")


def test_missing_file(tmp_path: Path) -> None:
    refused(tmp_path / "nowhere.hdsync", "not_bundle")


def test_other_zip_is_not_a_bundle(tmp_path: Path) -> None:
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", b'{"format": "something-else"}')
        zf.writestr("manifest.sig", b"x" * 64)
    refused(path, "not_bundle")


def test_manifest_missing(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "a.hdsync"
    write(path, key)
    rezip(path, [(n, d) for n, d in zip_entries(path) if n != "manifest.json"])
    refused(path, "not_bundle")


def test_plain_file_cut_at_half(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "a.hdsync"
    write(path, key)
    raw = path.read_bytes()
    path.write_bytes(raw[:len(raw) // 2])
    error = refused(path, "truncated")
    assert "again" in error.message


def test_encrypted_file_cut_at_half(tmp_path: Path, key: Ed25519PrivateKey, recipient_key: X25519PrivateKey) -> None:
    path = tmp_path / "a.hdsync"
    write(path, key, recipient=("fp", recipient_key.public_key()))
    raw = path.read_bytes()
    path.write_bytes(raw[:len(raw) // 2])
    refused(path, "truncated", decryption_key=recipient_key)


def test_encrypted_file_missing_its_last_chunks(tmp_path: Path, key: Ed25519PrivateKey,
                                                recipient_key: X25519PrivateKey, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(envelope, "ENCRYPTION_CHUNK", 1024)
    path = tmp_path / "a.hdsync"
    write(path, key, recipient=("fp", recipient_key.public_key()))
    head, chunks = split_envelope(path.read_bytes())
    path.write_bytes(head + b"".join(chunks[:-1]))  # cut exactly between two chunks
    refused(path, "truncated", decryption_key=recipient_key)


# --- altered after signing ----------------------------------------------------------------------------------


def test_member_changed_after_signing(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "a.hdsync"
    write(path, key)
    entries = zip_entries(path)
    altered = [(n, d.replace("Hồng".encode(), "Hằng".encode()) if n == "tables/staff.jsonl" else d) for n, d in entries]
    assert altered != entries and len(dict(altered)["tables/staff.jsonl"]) == len(dict(entries)["tables/staff.jsonl"])
    rezip(path, altered)  # same manifest, same signature, one line changed (same length)
    refused(path, "tampered", "tables/staff.jsonl")


def test_member_with_another_size_than_signed(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "a.hdsync"
    write(path, key)
    rezip(path, [(n, d + b'{"id":3}\n' if n == "tables/wards.jsonl" else d) for n, d in zip_entries(path)])
    refused(path, "tampered", "tables/wards.jsonl")


def test_attached_file_not_named_by_its_hash(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "a.hdsync"
    craft(path, key, [("files/" + "a" * 64, b"not the file with that hash")])
    refused(path, "tampered", "files/" + "a" * 64)


def test_manifest_altered(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "a.hdsync"
    written = write(path, key)
    forged = canonical({**written.manifest, "tables": {"staff": 999}})
    rezip(path, [(n, forged if n == "manifest.json" else d) for n, d in zip_entries(path)])
    error = refused(path, "bad_signature")
    assert "changed" in error.message


def test_signed_by_another_key_than_the_manifest_names(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "a.hdsync"
    craft(path, key, [("tables/staff.jsonl", jsonl(STAFF))], sign_with=Ed25519PrivateKey.generate())
    refused(path, "bad_signature")


@pytest.mark.parametrize("cut", [slice(0, 40), slice(0, 0)])
def test_signature_of_the_wrong_length(tmp_path: Path, key: Ed25519PrivateKey, cut: slice) -> None:
    path = tmp_path / "a.hdsync"
    write(path, key)
    rezip(path, [(n, d[cut] if n == "manifest.sig" else d) for n, d in zip_entries(path)])
    refused(path, "bad_signature")


def test_signature_with_bytes_appended(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "a.hdsync"
    write(path, key)
    rezip(path, [(n, d + bytes(1000) if n == "manifest.sig" else d) for n, d in zip_entries(path)])
    refused(path, "bad_signature")


# --- names ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("evil", [
    "../evil.jsonl", "/etc/x", "tables/../../x.jsonl", "tables\\x.jsonl", "C:/x", "C:\\x",
    "tables/", "tables/Staff.jsonl", "tables/x.json", "files/" + "A" * 64, "files/abc", "readme.txt",
    "tables/x.jsonl/", "./manifest.json", "tables/x.jsonl\n",
])
def test_unsafe_member_names(tmp_path: Path, key: Ed25519PrivateKey, evil: str) -> None:
    path = tmp_path / "a.hdsync"
    craft(path, key, [("tables/staff.jsonl", jsonl(STAFF))], extra=[(evil, b'{"id": 1}\n')])
    refused(path, "unsafe_name", evil.encode("unicode_escape").decode("ascii"))


def test_duplicate_member(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "a.hdsync"
    craft(path, key, [("tables/staff.jsonl", jsonl(STAFF))], extra=[("tables/staff.jsonl", jsonl(STAFF[:1]))])
    refused(path, "duplicate_member", "tables/staff.jsonl")


def test_unlisted_member(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "a.hdsync"
    craft(path, key, [("tables/staff.jsonl", jsonl(STAFF))], extra=[("tables/wards.jsonl", jsonl(WARDS))])
    refused(path, "unlisted_member", "tables/wards.jsonl")


def test_missing_member(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "a.hdsync"
    write(path, key)
    rezip(path, [(n, d) for n, d in zip_entries(path) if n != "tables/wards.jsonl"])
    refused(path, "missing_member", "tables/wards.jsonl")


def test_other_compression_is_refused(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "a.hdsync"
    craft(path, key, [("tables/staff.jsonl", jsonl(STAFF))], compression=zipfile.ZIP_BZIP2)
    refused(path, "not_bundle")


# --- zip bombs and lying headers --------------------------------------------------------------------------


def test_zip_bomb_by_ratio(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "bomb.hdsync"
    zeros = bytes(50 * 1024**2)
    craft(path, key, [("files/" + hashlib.sha256(zeros).hexdigest(), zeros)])
    assert path.stat().st_size < 1024**2
    refused(path, "too_big", "files/")


def test_zip_bomb_by_total_size(tmp_path: Path, key: Ed25519PrivateKey, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.hdsync"
    write(path, key)
    monkeypatch.setattr(container, "MAX_TOTAL_SIZE", 5_000)
    refused(path, "too_big")


def test_zip_bomb_by_member_count(tmp_path: Path, key: Ed25519PrivateKey, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.hdsync"
    craft(path, key, [(f"tables/t{i}.jsonl", b'{"id":1}\n') for i in range(10)])
    monkeypatch.setattr(container, "MAX_MEMBERS", 8)
    refused(path, "too_big", "8")


def test_oversized_manifest(tmp_path: Path, key: Ed25519PrivateKey, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.hdsync"
    write(path, key)
    monkeypatch.setattr(container, "MAX_MANIFEST_SIZE", 100)
    refused(path, "too_big")


def test_header_lying_about_the_size_reads_no_more_than_it_says(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    # 2.7 MB of lines, declared (in the zip and in the signed manifest) as 100 bytes: the ratio and
    # total checks see only 100 bytes, so the lie has to be caught while reading.
    data = b'{"id":0}\n' * 300_000
    path = tmp_path / "liar.hdsync"
    craft(path, key, [("tables/staff.jsonl", data)],
          members={"tables/staff.jsonl": {"sha256": hashlib.sha256(data[:100]).hexdigest(), "size": 100}})
    path.write_bytes(patch_central(path.read_bytes(), "tables/staff.jsonl", size=100))
    refused(path, "tampered", "tables/staff.jsonl")


def test_overlapping_members(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "a.hdsync"
    craft(path, key, [("tables/aa.jsonl", jsonl(STAFF)), ("tables/bb.jsonl", jsonl(STAFF))])
    with zipfile.ZipFile(path) as zf:
        first = zf.getinfo("tables/aa.jsonl").header_offset
    path.write_bytes(patch_central(path.read_bytes(), "tables/bb.jsonl", offset=first))
    refused(path, "not_bundle")


# --- records ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "what"), [
    (b'{"id": 2, "full_name": "Tr\xe1\xba\xa7n', "broken JSON"),
    (b"[1, 2, 3]", "JSON but not an object"),
    (b'"Nguy\xe1\xbb\x85n"', "a string"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b"", "an empty line"),
    (b'{"score": NaN}', "NaN"),
])
def test_malformed_line_names_table_and_line(tmp_path: Path, key: Ed25519PrivateKey, line: bytes, what: str) -> None:
    path = tmp_path / "a.hdsync"
    craft(path, key, [("tables/staff.jsonl", jsonl(STAFF) + line + b"\n" + jsonl(STAFF[:1]))])
    with open_bundle(path) as opened:
        records = opened.records("staff")
        assert next(records) == STAFF[0] and next(records) == STAFF[1]
        with pytest.raises(BundleError) as caught:
            next(records)
    assert caught.value.reason == "bad_json", what
    assert "3" in caught.value.message and "staff" in caught.value.message and path.name in caught.value.message


def test_line_too_long(tmp_path: Path, key: Ed25519PrivateKey, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.hdsync"
    craft(path, key, [("tables/staff.jsonl", jsonl([{"id": 1}, {"id": 2, "notes": "x" * 500}]))])
    monkeypatch.setattr(container, "MAX_LINE", 100)
    with open_bundle(path) as opened, pytest.raises(BundleError) as caught:
        list(opened.records("staff"))
    assert caught.value.reason == "too_big" and "2" in caught.value.message and "staff" in caught.value.message


def test_last_line_without_newline(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "a.hdsync"
    craft(path, key, [("tables/staff.jsonl", jsonl(STAFF).rstrip(b"\n"))])
    with open_bundle(path) as opened:
        assert list(opened.records("staff")) == STAFF


def test_bad_table_or_file_name_is_a_programming_error(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "a.hdsync"
    write(path, key)
    with open_bundle(path) as opened:
        for bad in ("../staff", "Staff", ""):
            with pytest.raises(ValueError):
                opened.records(bad)
        with pytest.raises(ValueError):
            opened.has_file("../x")
        with pytest.raises(BundleError) as caught:
            opened.open_file("0" * 64)
    assert caught.value.reason == "missing_member" and "0" * 64 in caught.value.message


def test_closed_bundle_is_a_programming_error(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "a.hdsync"
    write(path, key)
    opened = open_bundle(path)
    records = opened.records("staff")
    opened.close()
    with pytest.raises(ValueError):
        opened.records("staff")
    with pytest.raises(ValueError):
        opened.open_file(SCAN_SHA)
    with pytest.raises(ValueError):
        list(records)


def test_member_changed_on_disk_after_opening(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    """Records and files are checked again as they are read: the file may change after open_bundle."""
    path = tmp_path / "a.hdsync"
    # Large members, so that what is changed lies outside the read buffer left by the checks.
    blob = os.urandom(200_000)
    rows = encode_records({"id": i, "token": os.urandom(16).hex()} for i in range(5_000))
    write(path, key, [(f"files/{SCAN_SHA}", iter([SCAN])), (f"files/{hashlib.sha256(blob).hexdigest()}", iter([blob])),
                      ("tables/staff.jsonl", rows)])
    file_at = data_offset(path, f"files/{SCAN_SHA}") + 500
    table_at = data_offset(path, "tables/staff.jsonl") + 100
    with open_bundle(path) as opened:
        with path.open("r+b") as raw:
            for position in (file_at, table_at):
                raw.seek(position)
                byte = raw.read(1)
                raw.seek(position)
                raw.write(bytes([byte[0] ^ 0x55]))
        with pytest.raises(BundleError) as from_file, opened.open_file(SCAN_SHA) as stream:
            stream.read()
        with pytest.raises(BundleError) as from_table:
            list(opened.records("staff"))
    assert from_file.value.reason == "tampered" and SCAN_SHA in from_file.value.message
    assert from_table.value.reason == "tampered" and "tables/staff.jsonl" in from_table.value.message


# --- versions and recipients ----------------------------------------------------------------------------------


def test_newer_format_version(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "a.hdsync"
    craft(path, key, [("tables/staff.jsonl", jsonl(STAFF))], format_version=FORMAT_VERSION + 1)
    error = refused(path, "newer_format", str(FORMAT_VERSION + 1))
    assert "newer" in error.message and "Install" in error.message


def test_newer_format_with_members_this_version_does_not_know(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "a.hdsync"
    craft(path, key, [("tables/staff.jsonl", jsonl(STAFF)), ("photos/1.jpg", b"\xff\xd8")], format_version=FORMAT_VERSION + 1)
    refused(path, "newer_format")


@pytest.mark.parametrize("version", [0, "1", True, None, 1.0])
def test_nonsense_format_version(tmp_path: Path, key: Ed25519PrivateKey, version: object) -> None:
    path = tmp_path / "a.hdsync"
    craft(path, key, [("tables/staff.jsonl", jsonl(STAFF))], format_version=version)
    refused(path, "not_bundle")


def test_encrypted_for_another_site(tmp_path: Path, key: Ed25519PrivateKey, recipient_key: X25519PrivateKey) -> None:
    path = tmp_path / "a.hdsync"
    write(path, key, recipient=("11111-22222-33333", recipient_key.public_key()))
    error = refused(path, "not_for_us", "11111-22222-33333", decryption_key=X25519PrivateKey.generate())
    assert "another site" in error.message


def test_encrypted_but_no_key_given(tmp_path: Path, key: Ed25519PrivateKey, recipient_key: X25519PrivateKey) -> None:
    path = tmp_path / "a.hdsync"
    write(path, key, recipient=("11111-22222-33333", recipient_key.public_key()))
    refused(path, "not_for_us", "11111-22222-33333")


def test_plain_bundle_opens_even_with_a_key(tmp_path: Path, key: Ed25519PrivateKey, recipient_key: X25519PrivateKey) -> None:
    path = tmp_path / "a.hdsync"
    write(path, key)
    with open_bundle(path, decryption_key=recipient_key) as opened:
        assert opened.encrypted_for is None


@pytest.fixture
def chunked(tmp_path: Path, key: Ed25519PrivateKey, recipient_key: X25519PrivateKey,
            monkeypatch: pytest.MonkeyPatch) -> tuple[Path, bytes, list[bytes]]:
    """An encrypted bundle of several small chunks: (path, magic + header, chunks)."""
    monkeypatch.setattr(envelope, "ENCRYPTION_CHUNK", 1024)
    path = tmp_path / "enc.hdsync"
    write(path, key, recipient=("fp", recipient_key.public_key()))
    head, chunks = split_envelope(path.read_bytes())
    assert len(chunks) >= 4
    return path, head, chunks


def test_encrypted_chunk_flipped(chunked: tuple[Path, bytes, list[bytes]], recipient_key: X25519PrivateKey) -> None:
    path, head, chunks = chunked
    chunks[2] = flip(chunks[2], 30)
    path.write_bytes(head + b"".join(chunks))
    refused(path, "tampered", decryption_key=recipient_key)


def test_encrypted_chunks_reordered(chunked: tuple[Path, bytes, list[bytes]], recipient_key: X25519PrivateKey) -> None:
    path, head, chunks = chunked
    chunks[1], chunks[2] = chunks[2], chunks[1]
    path.write_bytes(head + b"".join(chunks))
    refused(path, "tampered", decryption_key=recipient_key)


def test_encrypted_chunk_dropped(chunked: tuple[Path, bytes, list[bytes]], recipient_key: X25519PrivateKey) -> None:
    path, head, chunks = chunked
    del chunks[1]
    path.write_bytes(head + b"".join(chunks))
    refused(path, "tampered", decryption_key=recipient_key)


def test_data_after_the_final_chunk(chunked: tuple[Path, bytes, list[bytes]], recipient_key: X25519PrivateKey) -> None:
    path, head, chunks = chunked
    path.write_bytes(head + b"".join(chunks) + chunks[1])
    refused(path, "tampered", decryption_key=recipient_key)


def test_encrypted_header_damaged(chunked: tuple[Path, bytes, list[bytes]], recipient_key: X25519PrivateKey) -> None:
    path, head, chunks = chunked
    path.write_bytes(head[:20] + b"#" + head[21:] + b"".join(chunks))
    with pytest.raises(BundleError) as caught:
        open_bundle(path, decryption_key=recipient_key)
    assert caught.value.reason in ("not_bundle", "not_for_us")  # the header is authenticated by the first chunk


# --- writing: cancel, failure, limits, programming errors --------------------------------------------------


def slow_member(pieces: int = 50) -> Iterator[bytes]:
    for i in range(pieces):
        yield jsonl([{"id": i, "full_name": NAME}] * 20)


@pytest.mark.parametrize("encrypted", [False, True])
def test_cancelled_write_leaves_nothing(tmp_path: Path, key: Ed25519PrivateKey, recipient_key: X25519PrivateKey,
                                        monkeypatch: pytest.MonkeyPatch, encrypted: bool) -> None:
    monkeypatch.setattr(envelope, "ENCRYPTION_CHUNK", 1024)
    path = tmp_path / "a.hdsync"
    part = tmp_path / "a.hdsync.part"
    calls = [0]

    def cancelled() -> bool:
        calls[0] += 1
        if encrypted:  # cancel once encryption has begun writing the .part file
            return part.exists() and part.stat().st_size > 0
        return calls[0] > 10

    blob = os.urandom(100_000)
    members = [("tables/staff.jsonl", slow_member()), (f"files/{hashlib.sha256(blob).hexdigest()}", iter([blob]))]
    with pytest.raises(BundleError) as caught:
        write(path, key, members, cancelled=cancelled,
              recipient=("fp", recipient_key.public_key()) if encrypted else None)
    assert caught.value.reason == "cancelled" and "cancelled" in caught.value.message
    assert list(tmp_path.iterdir()) == []


def test_write_failure_leaves_no_partial_file(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "a.hdsync"
    path.write_bytes(b"the previous bundle")

    def failing() -> Iterator[bytes]:
        yield b'{"id":1}\n'
        raise OSError("the USB stick was pulled out")

    with pytest.raises(OSError, match="USB"):
        write(path, key, [("tables/staff.jsonl", failing())])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.hdsync"]
    assert path.read_bytes() == b"the previous bundle"


def test_write_to_a_missing_folder(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    with pytest.raises(OSError):
        write(tmp_path / "gone" / "a.hdsync", key)
    assert list(tmp_path.iterdir()) == []


def test_writer_refuses_what_the_reader_would_refuse(tmp_path: Path, key: Ed25519PrivateKey,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(container, "MAX_TOTAL_SIZE", 10_000)
    with pytest.raises(BundleError) as caught:
        write(tmp_path / "a.hdsync", key, [("tables/staff.jsonl", slow_member())])
    assert caught.value.reason == "too_big" and caught.value.message
    monkeypatch.setattr(container, "MAX_TOTAL_SIZE", 10 * 1024**2)
    with pytest.raises(BundleError) as caught:
        write(tmp_path / "a.hdsync", key, [("tables/staff.jsonl", iter([b" " * 5 * 1024**2]))])
    assert caught.value.reason == "too_big" and "tables/staff.jsonl" in caught.value.message
    monkeypatch.setattr(container, "MAX_MEMBERS", 3)
    with pytest.raises(BundleError) as caught:
        write(tmp_path / "a.hdsync", key)
    assert caught.value.reason == "too_big"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("change", ["members_given", "bad_name", "twice", "wrong_hash", "other_format",
                                    "no_site", "other_key", "not_json"])
def test_writer_programming_errors(tmp_path: Path, key: Ed25519PrivateKey, change: str) -> None:
    manifest = caller_manifest()
    members: list[tuple[str, Any]] = [("tables/staff.jsonl", encode_records(STAFF))]
    if change == "members_given":
        manifest["members"] = {}
    elif change == "bad_name":
        members.append(("../evil.jsonl", iter([b"{}\n"])))
    elif change == "twice":
        members.append(("tables/staff.jsonl", iter([b"{}\n"])))
    elif change == "wrong_hash":
        members.append(("files/" + "0" * 64, iter([b"something else"])))
    elif change == "other_format":
        manifest["format_version"] = 7
    elif change == "no_site":
        manifest["source"] = {"name": SITE_NAME}
    elif change == "other_key":
        manifest["source"]["signing_key"] = b64(Ed25519PrivateKey.generate().public_key().public_bytes_raw())
    elif change == "not_json":
        manifest["when"] = object()
    with pytest.raises((ValueError, TypeError)):
        write_bundle(tmp_path / "a.hdsync", manifest, members, key)
    assert list(tmp_path.iterdir()) == []


def test_caller_may_give_its_own_signing_key_in_the_source(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    manifest = caller_manifest()
    manifest["source"]["signing_key"] = b64(key.public_key().public_bytes_raw())
    written = write_bundle(tmp_path / "a.hdsync", manifest, [], key)
    with open_bundle(written.path) as opened:
        assert opened.tables() == [] and opened.manifest["members"] == {}


# --- fuzzing: whatever is damaged, the answer is a BundleError or the original data --------------------------

# No example database: failures are reproduced from the printed seed, nothing is kept in the checkout.
FUZZ = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def fuzz_bundles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("fuzz")
    key, recipient = Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
    plain = write(folder / "plain.hdsync", key)
    encrypted = write(folder / "enc.hdsync", key, recipient=("fp", recipient.public_key()))
    with open_bundle(plain.path) as opened:
        expected = read_everything(opened)
    return {"plain": plain.path.read_bytes(), "encrypted": encrypted.path.read_bytes(), "key": recipient,
            "expected": expected, "manifest": plain.manifest}


@FUZZ
@given(data=st.data())
def test_fuzz_flipped_bytes_in_plain_bundle(tmp_path: Path, fuzz_bundles: dict[str, Any], data: st.DataObject) -> None:
    raw: bytes = fuzz_bundles["plain"]
    positions = data.draw(st.lists(st.integers(0, len(raw) - 1), min_size=1, max_size=3))
    mutated = raw
    for position in positions:
        mutated = mutated[:position] + bytes([data.draw(st.integers(0, 255))]) + mutated[position + 1:]
    path = tmp_path / "fuzz.hdsync"
    path.write_bytes(mutated)
    try:
        with open_bundle(path) as opened:
            assert opened.manifest == fuzz_bundles["manifest"]
            # Only bytes nobody reads (dates, attributes) may change: the data is exactly as signed.
            assert read_everything(opened) == fuzz_bundles["expected"]
    except BundleError as error:
        assert error.reason and error.message


@FUZZ
@given(data=st.data())
def test_fuzz_flipped_byte_in_encrypted_bundle(tmp_path: Path, fuzz_bundles: dict[str, Any], data: st.DataObject) -> None:
    raw: bytes = fuzz_bundles["encrypted"]
    position = data.draw(st.integers(0, len(raw) - 1))
    path = tmp_path / "fuzz.hdsync"
    path.write_bytes(raw[:position] + bytes([raw[position] ^ data.draw(st.integers(1, 255))]) + raw[position + 1:])
    with pytest.raises(BundleError):  # every byte of the envelope is authenticated
        open_bundle(path, decryption_key=fuzz_bundles["key"])


@FUZZ
@given(data=st.data())
def test_fuzz_any_cut_is_refused(tmp_path: Path, fuzz_bundles: dict[str, Any], data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(["plain", "encrypted"]))
    raw: bytes = fuzz_bundles[kind]
    cut = data.draw(st.integers(0, len(raw) - 1))
    path = tmp_path / "fuzz.hdsync"
    path.write_bytes(raw[:cut])
    with pytest.raises(BundleError) as caught:
        open_bundle(path, decryption_key=fuzz_bundles["key"])
    assert caught.value.reason in ("not_bundle", "truncated", "tampered")


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(st.dictionaries(st.text(min_size=1, max_size=8), st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(), st.lists(st.text(max_size=4), max_size=3)), max_size=5), max_size=20))
def test_any_records_round_trip(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    path = tmp_path / "any.hdsync"
    key = Ed25519PrivateKey.generate()
    write_bundle(path, caller_manifest(), [("tables/anything.jsonl", encode_records(records))], key)
    with open_bundle(path) as opened:
        assert list(opened.records("anything")) == records


def test_file_stream_is_a_binary_stream(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "a.hdsync"
    write(path, key)
    with open_bundle(path) as opened, opened.open_file(SCAN_SHA) as stream:
        assert isinstance(stream, io.BufferedIOBase)
        assert stream.read(10) == SCAN[:10]
        rest = b"".join(iter(lambda: stream.read(999), b""))
    assert SCAN[:10] + rest == SCAN
