"""The sync bundle file (.hdsync): how it is written, and every check made before it is read.

Sites exchange bundles by USB stick, e-mail or chat apps, so a bundle carries personal data
and may be damaged, cut short, altered or built to harm the reader. This module knows only
the container; what the manifest says besides the fields below, and whether its signer is
trusted, is the caller's business. No database, no tkinter.

A bundle is a zip (deflate) holding exactly these members, and nothing else:

- ``manifest.json``: canonical JSON (sorted keys, no spaces, UTF-8) of the manifest:
  ``format`` ("hospitaldesk-sync"), ``format_version`` (1), ``source`` ({"site_id",
  "signing_key": base64 of the raw Ed25519 public key, ...}), ``members`` ({name:
  {"sha256", "size"}}, computed by the writer) and whatever else the caller put there.
- ``manifest.sig``: the raw 64-byte Ed25519 signature of exactly the manifest.json bytes.
- ``tables/<name>.jsonl``: one JSON object per line, UTF-8, "\\n" separated.
- ``files/<sha256>``: an attached file, named by the lowercase hex SHA-256 of its content.
  Stored without compression: scans are already compressed, and a blank page stored as a
  bitmap would otherwise look like a zip bomb to the reader.

The signature covers the manifest, the manifest covers every member's hash and size, so a
reader that checks all three knows every byte is as the signer wrote it. The key is taken
from the manifest itself: the signature proves integrity, not who the sender is.

A bundle for one recipient is then encrypted as a whole, after signing: see envelope.py. Plain
bundles start with b"PK\\x03\\x04".

Reading never extracts anything to disk, and every check is made before `open_bundle` returns.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from hospitaldesk.i18n import _, format_number
from hospitaldesk.services.sync import envelope
from hospitaldesk.services.sync.bundle_encoding import b64, canonical, unb64
from hospitaldesk.services.sync.bundle_errors import BundleError, not_bundle, shown, size_text, truncated

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

FORMAT = "hospitaldesk-sync"
FORMAT_VERSION = 1

# Limits for reading (and writing: a bundle the other site would refuse fails at export instead).
# Module-level so tests can make them small.
MAX_MEMBERS = 5_000
MAX_TOTAL_SIZE = 2 * 1024**3  # uncompressed bytes, all members
MAX_RATIO = 200  # uncompressed / compressed per member (JSON lines compress ~10x)
RATIO_MIN_SIZE = 1024**2  # small members may compress absurdly well without harm
MAX_MANIFEST_SIZE = 4 * 1024**2
MAX_LINE = 16 * 1024**2

COMPRESS_LEVEL = 5

ZIP_MAGIC = b"PK\x03\x04"

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
_TABLE = re.compile(r"[a-z][a-z0-9_]{0,63}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_MEMBER = re.compile(r"tables/[a-z][a-z0-9_]{0,63}\.jsonl|files/[0-9a-f]{64}")
_SIGNATURE_SIZE = 64
_READ_CHUNK = 1024**2
_FIXED_DATE = (1980, 1, 1, 0, 0, 0)  # no clock in the zip: the manifest says when it was made
_LOCAL_HEADER_SIZE = 30

# What zipfile and zlib raise on hostile input: none of them may escape as a traceback.
_ZIP_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, struct.error,
    RuntimeError, zlib.error, IndexError, KeyError, OverflowError,
)


@dataclass(frozen=True)
class WrittenBundle:
    path: Path
    sha256: str  # of the whole output file, encrypted or not
    size: int
    manifest: dict[str, Any]  # as written, with `members`


class _Listed(NamedTuple):
    sha256: str
    size: int


# --- writing ------------------------------------------------------------------------------------------


def write_bundle(path: Path, manifest: dict[str, Any], members: Iterable[tuple[str, Iterable[bytes]]],
                 signing_key: Ed25519PrivateKey, *, recipient: tuple[str, X25519PublicKey] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> WrittenBundle:
    """Write a signed bundle to `path`, encrypted to `recipient` (its fingerprint, its key) if given.

    Members are (name, chunks) and are streamed: no member is ever held whole in memory. The file
    appears under its name only when complete; a failure or `cancelled()` leaves nothing behind."""
    base = _base_manifest(manifest, signing_key)

    def check_cancelled() -> None:
        if cancelled is not None and cancelled():
            raise BundleError("cancelled", _("The export was cancelled. No file was written."))

    part = path.with_name(path.name + ".part")
    try:
        with part.open("wb") as out:
            if recipient is None:
                written = _write_zip(out, base, members, signing_key, check_cancelled)
            else:
                # The plain zip only ever exists in an anonymous temporary file.
                with tempfile.TemporaryFile() as plain:
                    written = _write_zip(plain, base, members, signing_key, check_cancelled)
                    plain.seek(0)
                    envelope.encrypt(plain, out, recipient, check_cancelled)
            out.flush()
            os.fsync(out.fileno())
        digest, size = _file_digest(part)
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return WrittenBundle(path=path, sha256=digest, size=size, manifest=written)


def encode_records(records: Iterable[Mapping[str, Any]], *, batch_size: int = 256 * 1024) -> Iterator[bytes]:
    """The lines of a tables/<name>.jsonl member for `records`, in chunks of about `batch_size` bytes."""
    batch: list[bytes] = []
    pending = 0
    for record in records:
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8") + b"\n"
        batch.append(line)
        pending += len(line)
        if pending >= batch_size:
            yield b"".join(batch)
            batch, pending = [], 0
    if batch:
        yield b"".join(batch)


def _base_manifest(manifest: dict[str, Any], signing_key: Ed25519PrivateKey) -> dict[str, Any]:
    """A copy of the caller's manifest with the container's own fields set (and checked)."""
    if not isinstance(manifest, dict):
        raise ValueError("the manifest must be a dict")
    if "members" in manifest:
        raise ValueError("the manifest's `members` are computed by write_bundle")
    for field, value in (("format", FORMAT), ("format_version", FORMAT_VERSION)):
        if manifest.get(field, value) != value:
            raise ValueError(f"manifest[{field!r}] must be {value!r}")
    source = manifest.get("source")
    if not isinstance(source, dict) or not isinstance(source.get("site_id"), str) or not source["site_id"]:
        raise ValueError("manifest['source'] must be a dict with a non-empty 'site_id'")
    key_text = b64(signing_key.public_key().public_bytes_raw())
    if source.get("signing_key", key_text) != key_text:
        raise ValueError("manifest['source']['signing_key'] is not the public half of signing_key")
    base = {**manifest, "format": FORMAT, "format_version": FORMAT_VERSION, "source": {**source, "signing_key": key_text}}
    canonical(base)  # not JSON: fail now, before any file exists
    return base


def _write_zip(out: IO[bytes], manifest: dict[str, Any], members: Iterable[tuple[str, Iterable[bytes]]],
               signing_key: Ed25519PrivateKey, check_cancelled: Callable[[], None]) -> dict[str, Any]:
    """Write the signed zip to `out`; return the manifest as written."""
    listed: dict[str, dict[str, Any]] = {}
    total = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as zf:
        for name, chunks in members:
            _check_new_member(name, listed)
            if len(listed) + 3 > MAX_MEMBERS:  # this one, the manifest and its signature
                raise BundleError("too_big", _(
                    "The export has too many parts for one file (more than {limit}). "
                    "Export fewer records or attached files at a time.").format(limit=format_number(MAX_MEMBERS)))
            check_cancelled()
            sha256, size = _write_member(zf, name, chunks, total, check_cancelled)
            total += size
            if name.startswith("files/") and name != f"files/{sha256}":
                raise ValueError(f"the content of {name} does not have that SHA-256")
            listed[name] = {"sha256": sha256, "size": size}
        data = canonical({**manifest, "members": listed})
        if len(data) > MAX_MANIFEST_SIZE:
            raise BundleError("too_big", _(
                "The export's list of contents is too large ({size}, at most {limit}). "
                "Export fewer records or attached files at a time.").format(size=size_text(len(data)), limit=size_text(MAX_MANIFEST_SIZE)))
        _check_total(total + len(data) + _SIGNATURE_SIZE)
        zf.writestr(_new_info(MANIFEST), data)
        zf.writestr(_new_info(SIGNATURE), signing_key.sign(data))
    written: dict[str, Any] = json.loads(data)
    return written


def _check_new_member(name: str, listed: Mapping[str, object]) -> None:
    if not isinstance(name, str) or not _MEMBER.fullmatch(name):
        raise ValueError(f"not a bundle member name: {name!r}")
    if name in listed:
        raise ValueError(f"member {name!r} given twice")


def _write_member(zf: zipfile.ZipFile, name: str, chunks: Iterable[bytes], total_before: int,
                  check_cancelled: Callable[[], None]) -> tuple[str, int]:
    """Stream one member into the zip while hashing it; return (sha256, size)."""
    info = _new_info(name)
    digest = hashlib.sha256()
    size = 0
    # force_zip64: the size is unknown when the member starts, and may pass 2 GiB.
    with zf.open(info, "w", force_zip64=True) as dest:
        for chunk in chunks:
            check_cancelled()
            size += len(chunk)
            _check_total(total_before + size)
            digest.update(chunk)
            dest.write(chunk)
    if _too_compressed(info):
        raise BundleError("too_big", _(
            "The part {member} of the export is so repetitive that the receiving site would refuse it "
            "as possibly harmful. Please report this problem.").format(member=name))
    return digest.hexdigest(), size


def _check_total(total: int) -> None:
    if total > MAX_TOTAL_SIZE:
        raise BundleError("too_big", _(
            "The export is too large for one file (more than {limit}). "
            "Export fewer records or attached files at a time.").format(limit=size_text(MAX_TOTAL_SIZE)))


def _new_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_FIXED_DATE)
    info.compress_type = zipfile.ZIP_STORED if name.startswith("files/") else zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


# --- reading ------------------------------------------------------------------------------------------


class OpenedBundle:
    """A bundle that passed every check. Records and files are streamed from it on demand.

    The zip stays open on the received file (or its decrypted spooled copy) until `close()`.
    Each member is checked again against the manifest as it is read, in case the file on disk
    changed since `open_bundle`: callers should apply records in a transaction they can roll back."""

    def __init__(self, *, zf: zipfile.ZipFile, handle: IO[bytes], label: str, manifest: dict[str, Any],
                 sha256: str, encrypted_for: str | None, source_public_key: Ed25519PublicKey,
                 infos: dict[str, zipfile.ZipInfo], listed: dict[str, _Listed]) -> None:
        self.manifest = manifest
        self.sha256 = sha256
        self.encrypted_for = encrypted_for
        self.source_public_key = source_public_key
        self._zf = zf
        self._handle = handle
        self._label = label
        self._infos = infos
        self._listed = listed
        self._closed = False

    def __enter__(self) -> OpenedBundle:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._closed = True
        self._zf.close()
        self._handle.close()

    def tables(self) -> list[str]:
        return sorted(name[len("tables/"):-len(".jsonl")] for name in self._infos if name.startswith("tables/"))

    def records(self, table: str) -> Iterator[dict[str, Any]]:
        """The records of `table`, one at a time; nothing if the bundle has no such table."""
        if not isinstance(table, str) or not _TABLE.fullmatch(table):
            raise ValueError(f"not a table name: {table!r}")
        self._check_open()
        name = f"tables/{table}.jsonl"
        info = self._infos.get(name)
        if info is None:
            return iter(())
        return self._stream_records(table, info, self._listed[name])

    def has_file(self, sha256: str) -> bool:
        return _file_member(sha256) in self._infos

    def open_file(self, sha256: str) -> IO[bytes]:
        """A stream of the attached file; reading it to the end checks it against the manifest."""
        self._check_open()
        name = _file_member(sha256)
        info = self._infos.get(name)
        if info is None:
            raise BundleError("missing_member", _(
                "The attached file {member} is not in the file {file}. "
                "Ask the sending site to export it again.").format(member=name, file=self._label))
        try:
            inner = self._zf.open(info)
        except _ZIP_ERRORS:
            raise _tampered(self._label, name) from None
        return io.BufferedReader(_CheckedReader(inner, self._listed[name], name, self._label), buffer_size=_READ_CHUNK)

    def _check_open(self) -> None:
        if self._closed:  # or zipfile's ValueError would read as a damaged file
            raise ValueError("the bundle is closed")

    def _stream_records(self, table: str, info: zipfile.ZipInfo, listed: _Listed) -> Iterator[dict[str, Any]]:
        name = info.orig_filename
        digest = hashlib.sha256()
        size = 0
        line_number = 0
        self._check_open()  # again: a generator's body only runs when it is first read
        try:
            stream = self._zf.open(info)
        except _ZIP_ERRORS:
            raise _tampered(self._label, name) from None
        with stream:
            while line := self._read_line(stream, name):
                line_number += 1
                size += len(line)
                if size > listed.size:
                    raise _tampered(self._label, name)
                digest.update(line)
                try:
                    if len(line) > MAX_LINE and not line.endswith(b"\n"):
                        raise BundleError("too_big", _(
                            "Line {line} of the table {table} in the file {file} is too long (more than {limit}). "
                            "Ask the sending site to export it again; if this happens again, please report it.").format(
                            line=format_number(line_number), table=table, file=self._label, limit=size_text(MAX_LINE)))
                    record = _parse_record(line, table, line_number, self._label)
                except BundleError:
                    # A line that cannot be read may have been changed after signing (the file changed on disk
                    # since it was opened): the rest of the member tells, and a change is named as one.
                    if not self._rest_matches(stream, name, digest, size, listed):
                        raise _tampered(self._label, name) from None
                    raise
                yield record
        if size != listed.size or digest.hexdigest() != listed.sha256:
            raise _tampered(self._label, name)

    def _rest_matches(self, stream: IO[bytes], name: str, digest: Any, size: int, listed: _Listed) -> bool:
        """Whether the member, read on to its end, is the one the manifest lists."""
        while block := self._read_block(stream, name):
            size += len(block)
            if size > listed.size:
                return False
            digest.update(block)
        return size == listed.size and digest.hexdigest() == listed.sha256

    def _read_block(self, stream: IO[bytes], name: str) -> bytes:
        try:
            return stream.read(_READ_CHUNK)
        except _ZIP_ERRORS:
            raise _tampered(self._label, name) from None

    def _read_line(self, stream: IO[bytes], name: str) -> bytes:
        try:
            return stream.readline(MAX_LINE + 1)
        except _ZIP_ERRORS:
            raise _tampered(self._label, name) from None


class _CheckedReader(io.RawIOBase):
    """An attached file as read from the zip, hashed on the way: reaching its end checks it."""

    def __init__(self, inner: IO[bytes], listed: _Listed, name: str, label: str) -> None:
        super().__init__()
        self._inner = inner
        self._listed = listed
        self._name = name
        self._label = label
        self._digest = hashlib.sha256()
        self._size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        try:
            data = self._inner.read(len(view))
        except _ZIP_ERRORS:
            raise _tampered(self._label, self._name) from None
        self._size += len(data)
        if self._size > self._listed.size:
            raise _tampered(self._label, self._name)
        self._digest.update(data)
        view[:len(data)] = data
        if not data and len(view) and (self._size != self._listed.size or self._digest.hexdigest() != self._listed.sha256):
            raise _tampered(self._label, self._name)
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._inner.close()
        super().close()


def open_bundle(path: Path, *, decryption_key: X25519PrivateKey | None = None) -> OpenedBundle:
    """Open and check the bundle at `path` completely (see the module docstring) or raise BundleError.

    Nothing is written to disk by name and nothing is extracted."""
    label = path.name
    try:
        handle = path.open("rb")
    except OSError:
        raise BundleError("not_bundle", _(
            "The file {file} cannot be opened. Check that it still exists and that no other program is using it.").format(
            file=label)) from None
    source: IO[bytes] = handle
    try:
        if envelope.is_envelope(handle):
            spool, digest, recipient = envelope.decrypt(handle, label, decryption_key,
                                                        max_size=_max_zip_size(), size_limit=MAX_TOTAL_SIZE)
            handle.close()
            source, encrypted_for = spool, recipient
        elif handle.peek(len(ZIP_MAGIC)).startswith(ZIP_MAGIC):
            digest = _stream_digest(handle)
            handle.seek(0)
            encrypted_for = None
        else:
            raise not_bundle(label)
        return _open_zip(source, label, digest, encrypted_for)
    except BaseException:
        handle.close()
        source.close()
        raise


def _open_zip(source: IO[bytes], label: str, digest: str, encrypted_for: str | None) -> OpenedBundle:
    try:
        zf = zipfile.ZipFile(source)
    except _ZIP_ERRORS:
        if encrypted_for is None:  # it starts like a zip: cut short, it lost its table of contents, at the end
            raise truncated(label) from None
        raise not_bundle(label) from None  # decrypted whole, so not cut short: the sender wrote no zip
    try:
        _refuse_newer_format(zf, label)
        infos = _check_entries(zf, label)
        manifest, public_key = _check_manifest(zf, infos, label)
        listed = _check_members(zf, infos, manifest, label)
        return OpenedBundle(zf=zf, handle=source, label=label, manifest=manifest, sha256=digest,
                            encrypted_for=encrypted_for, source_public_key=public_key, infos=infos, listed=listed)
    except BaseException:
        zf.close()
        raise


def _refuse_newer_format(zf: zipfile.ZipFile, label: str) -> None:
    """A newer format may add members this version does not know: say "install the newer version"
    before calling them unsafe. The manifest is only peeked at here; it is checked in full later."""
    found = [info for info in zf.infolist() if info.orig_filename == MANIFEST]
    if len(found) != 1 or found[0].file_size > MAX_MANIFEST_SIZE or found[0].flag_bits & 0x1 \
            or found[0].compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return
    try:
        with zf.open(found[0]) as stream:
            manifest = json.loads(stream.read(MAX_MANIFEST_SIZE).decode("utf-8"))
    except _ZIP_ERRORS:  # RecursionError (deep JSON) is a RuntimeError
        return
    if isinstance(manifest, dict) and manifest.get("format") == FORMAT:
        _check_version(manifest, label)


def _check_version(manifest: dict[str, Any], label: str) -> None:
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise not_bundle(label)
    if version > FORMAT_VERSION:
        raise BundleError("newer_format", _(
            "The file {file} was made by a newer version of HospitalDesk (sync format {version}; this version "
            "reads up to {supported}). Install the newer HospitalDesk on this computer, then open the file again.").format(
            file=label, version=version, supported=FORMAT_VERSION))


def _check_entries(zf: zipfile.ZipFile, label: str) -> dict[str, zipfile.ZipInfo]:
    """Names, count, layout and declared sizes of the zip's members, before reading any of them."""
    entries = zf.infolist()
    if len(entries) > MAX_MEMBERS:
        raise BundleError("too_big", _(
            "The file {file} has too many parts ({count}; HospitalDesk writes at most {limit}). "
            "It was not made by HospitalDesk or was altered: do not use it, and tell the sending site.").format(
            file=label, count=format_number(len(entries)), limit=format_number(MAX_MEMBERS)))
    for info in entries:
        # orig_filename: zipfile cuts names at a NUL byte and, on Windows, turns "\" into "/".
        if info.orig_filename != info.filename or not _is_member_name(info.orig_filename):
            raise BundleError("unsafe_name", _(
                "The file {file} contains a part with a forbidden name ({member}). It was not made by HospitalDesk "
                "and may be harmful: do not use it, and tell the sending site.").format(
                file=label, member=shown(info.orig_filename)))
    infos: dict[str, zipfile.ZipInfo] = {}
    for info in entries:
        if info.orig_filename in infos:
            raise BundleError("duplicate_member", _(
                "The file {file} contains the part {member} twice. It was altered after it was exported: "
                "ask the sending site to export it again.").format(file=label, member=info.orig_filename))
        infos[info.orig_filename] = info
    for info in entries:
        if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise not_bundle(label)  # zip passwords and other compressions: not written by HospitalDesk
    _check_layout(entries, getattr(zf, "start_dir", None), label)
    _check_declared_sizes(entries, label)
    return infos


def _is_member_name(name: str) -> bool:
    return name in (MANIFEST, SIGNATURE) or _MEMBER.fullmatch(name) is not None


def _check_layout(entries: list[zipfile.ZipInfo], start_dir: object, label: str) -> None:
    """Members must not overlap: overlapping entries are how some zip bombs multiply their size."""
    ordered = sorted(entries, key=lambda info: info.header_offset)
    ends = [info.header_offset for info in ordered[1:]] + ([start_dir] if isinstance(start_dir, int) else [None])
    for info, limit in zip(ordered, ends):
        # A lower bound of where the member ends: names are ASCII, extra fields only add to it.
        end = info.header_offset + _LOCAL_HEADER_SIZE + len(info.orig_filename) + info.compress_size
        if info.header_offset < 0 or (limit is not None and end > limit):
            raise BundleError("not_bundle", _(
                "The file {file} is damaged or was built by another program: its parts overlap. "
                "Do not use it; ask the sending site to export it again.").format(file=label))


def _check_declared_sizes(entries: list[zipfile.ZipInfo], label: str) -> None:
    total = sum(info.file_size for info in entries)
    if total > MAX_TOTAL_SIZE:
        raise BundleError("too_big", _(
            "The file {file} would take {size} once unpacked, more than the {limit} a sync file may hold. "
            "Do not use it; ask the sending site to export less at a time.").format(
            file=label, size=size_text(total), limit=size_text(MAX_TOTAL_SIZE)))
    for info in entries:
        if _too_compressed(info):
            raise BundleError("too_big", _(
                "The part {member} of the file {file} unpacks to far more data than its size suggests, "
                "which is how harmful files are built. Do not use it, and tell the sending site.").format(
                member=info.orig_filename, file=label))


def _too_compressed(info: zipfile.ZipInfo) -> bool:
    return info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1)


def _check_manifest(zf: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], label: str) -> tuple[dict[str, Any], Ed25519PublicKey]:
    """The manifest, its format and version, then its signature by the key it names."""
    if MANIFEST not in infos or SIGNATURE not in infos:
        raise not_bundle(label)
    if infos[MANIFEST].file_size > MAX_MANIFEST_SIZE:
        raise BundleError("too_big", _(
            "The list of contents of the file {file} is larger than {limit}. It was not made by HospitalDesk: "
            "do not use it, and tell the sending site.").format(file=label, limit=size_text(MAX_MANIFEST_SIZE)))
    data = _read_small(zf, infos[MANIFEST], MAX_MANIFEST_SIZE, label)
    try:
        manifest = json.loads(data.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise not_bundle(label) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise not_bundle(label)
    _check_version(manifest, label)
    if infos[SIGNATURE].file_size != _SIGNATURE_SIZE:
        raise _bad_signature(label)
    signature = _read_small(zf, infos[SIGNATURE], _SIGNATURE_SIZE, label)
    public_key = _signing_key(manifest, label)
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        raise _bad_signature(label) from None
    return manifest, public_key


def _signing_key(manifest: dict[str, Any], label: str) -> Ed25519PublicKey:
    source = manifest.get("source")
    text = source.get("signing_key") if isinstance(source, dict) else None
    if not isinstance(source, dict) or not isinstance(source.get("site_id"), str) or not isinstance(text, str):
        raise not_bundle(label)
    try:
        return Ed25519PublicKey.from_public_bytes(unb64(text))
    except ValueError:
        raise not_bundle(label) from None


def _read_small(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, label: str) -> bytes:
    """A member read whole, never more than `limit` bytes whatever its header says."""
    try:
        with zf.open(info) as stream:
            data = stream.read(limit + 1)
    except _ZIP_ERRORS:
        raise _tampered(label, info.orig_filename) from None
    if len(data) > limit:
        raise _tampered(label, info.orig_filename)
    return data


def _check_members(zf: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], manifest: dict[str, Any],
                   label: str) -> dict[str, _Listed]:
    """Every member listed, every listed member present, and each one's bytes as signed."""
    listed = _listed_members(manifest, label)
    for name in infos:
        if name not in (MANIFEST, SIGNATURE) and name not in listed:
            raise BundleError("unlisted_member", _(
                "The file {file} contains a part ({member}) that the sending site did not sign: it was altered "
                "after it was exported. Do not use it; ask the sending site to export it again.").format(
                file=label, member=name))
    for name in listed:
        if name not in infos:
            raise BundleError("missing_member", _(
                "The part {member} is missing from the file {file}. Ask the sending site to export it again.").format(
                member=name, file=label))
    for name, entry in listed.items():
        if infos[name].file_size != entry.size or (name.startswith("files/") and name != f"files/{entry.sha256}"):
            raise _tampered(label, name)
    for name, entry in listed.items():
        _verify_member(zf, infos[name], entry, label)
    return listed


def _listed_members(manifest: dict[str, Any], label: str) -> dict[str, _Listed]:
    members = manifest.get("members")
    if not isinstance(members, dict):
        raise not_bundle(label)
    listed: dict[str, _Listed] = {}
    for name, entry in members.items():
        if not _MEMBER.fullmatch(name) or not isinstance(entry, dict):
            raise not_bundle(label)
        sha256, size = entry.get("sha256"), entry.get("size")
        if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
            raise not_bundle(label)
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise not_bundle(label)
        listed[name] = _Listed(sha256, size)
    return listed


def _verify_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, entry: _Listed, label: str) -> None:
    """Stream one member, counting every byte: headers are not trusted to say how much comes out."""
    digest = hashlib.sha256()
    size = 0
    try:
        with zf.open(info) as stream:
            while block := stream.read(_READ_CHUNK):
                size += len(block)
                if size > entry.size:
                    raise _tampered(label, info.orig_filename)
                digest.update(block)
    except _ZIP_ERRORS:
        raise _tampered(label, info.orig_filename) from None
    if size != entry.size or digest.hexdigest() != entry.sha256:
        raise _tampered(label, info.orig_filename)


def _parse_record(line: bytes, table: str, line_number: int, label: str) -> dict[str, Any]:
    try:
        value = json.loads(line.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise BundleError("bad_json", _(
            "Line {line} of the table {table} in the file {file} cannot be read (it is not valid data). "
            "Ask the sending site to export it again.").format(line=format_number(line_number), table=table, file=label)) from None
    if not isinstance(value, dict):
        raise BundleError("bad_json", _(
            "Line {line} of the table {table} in the file {file} is not a record. "
            "Ask the sending site to export it again.").format(line=format_number(line_number), table=table, file=label))
    return value


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _max_zip_size() -> int:
    """The largest zip that can hold MAX_TOTAL_SIZE of members: stored data plus headers, generously."""
    return MAX_TOTAL_SIZE + MAX_TOTAL_SIZE // 64 + MAX_MEMBERS * 1024 + 64 * 1024


# --- small helpers ---------------------------------------------------------------------------------------


def _file_member(sha256: str) -> str:
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise ValueError(f"not a lowercase hex SHA-256: {sha256!r}")
    return f"files/{sha256}"


def _stream_digest(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while block := stream.read(_READ_CHUNK):
        digest.update(block)
    return digest.hexdigest()


def _file_digest(path: Path) -> tuple[str, int]:
    with path.open("rb") as handle:
        digest = _stream_digest(handle)
        return digest, handle.tell()


def _bad_signature(label: str) -> BundleError:
    return BundleError("bad_signature", _(
        "The signature of the file {file} does not match its contents: the file was changed after the sending "
        "site signed it. Do not use it; ask the sending site to export it again.").format(file=label))


def _tampered(label: str, member: str) -> BundleError:
    return BundleError("tampered", _(
        "The part {member} of the file {file} is not what the sending site signed: the file was damaged or changed "
        "after it was exported. Do not use it; ask the sending site to export it again.").format(member=member, file=label))
