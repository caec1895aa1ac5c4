"""The encrypted envelope of a sync bundle (.hdsync) made for one recipient.

A bundle for one recipient is encrypted as a whole after signing ("sign inside, encrypt
outside"), so nobody but the recipient sees even the manifest::

    b"HDSYNC-ENC\\x01" | u32 header length | header JSON {"recipient", "ephemeral", "salt", "chunk"}
    then chunks of the zip, each: u32 ciphertext length | AES-256-GCM(chunk)

The key is HKDF-SHA256 over the X25519 secret between an ephemeral key and the recipient's
key (info binds both public keys). Chunk nonces are an 11-byte counter and a final flag
(the STREAM construction), and the header is associated data, so reordered, dropped or
appended chunks and a file cut short are all detected. Plain bundles start with b"PK\\x03\\x04".

This module sees the signed zip only as bytes: container.py writes and checks it. An envelope
is decrypted into a spooled temporary file (memory, then an anonymous temporary file), never
to a named file.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import struct
import tempfile
from collections.abc import Callable
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from hospitaldesk.i18n import _
from hospitaldesk.services.sync.bundle_encoding import b64, canonical, unb64
from hospitaldesk.services.sync.bundle_errors import BundleError, not_bundle, shown, size_text, truncated

# Module-level and read at call time, so tests can make them small.
ENCRYPTION_CHUNK = 1024**2
SPOOL_IN_MEMORY = 64 * 1024**2  # a decrypted bundle larger than this spills to an anonymous temp file

ENCRYPTED_MAGIC = b"HDSYNC-ENC\x01"

_TAG_SIZE = 16
_MAX_HEADER = 64 * 1024
_MAX_ENCRYPTION_CHUNK = 16 * 1024**2  # the writer uses 1 MiB; a larger claim is refused to bound memory
_HKDF_INFO = b"hospitaldesk-sync v1"


def encrypt(plain: IO[bytes], out: IO[bytes], recipient: tuple[str, X25519PublicKey],
            check_cancelled: Callable[[], None]) -> None:
    """Stream-encrypt `plain` into `out` for `recipient` (its fingerprint, its key)."""
    label, public = recipient
    ephemeral = X25519PrivateKey.generate()
    ephemeral_raw = ephemeral.public_key().public_bytes_raw()
    salt = os.urandom(16)
    header = canonical({"recipient": label, "ephemeral": b64(ephemeral_raw), "salt": b64(salt), "chunk": ENCRYPTION_CHUNK})
    aead = AESGCM(_derive_key(ephemeral.exchange(public), salt, ephemeral_raw, public.public_bytes_raw()))
    out.write(ENCRYPTED_MAGIC + struct.pack(">I", len(header)) + header)
    counter = 0
    block = _read_up_to(plain, ENCRYPTION_CHUNK)
    while True:
        check_cancelled()
        following = _read_up_to(plain, ENCRYPTION_CHUNK)
        final = not following  # one chunk of look-ahead: the last one carries the final flag
        sealed = aead.encrypt(_nonce(counter, final), block, header)
        out.write(struct.pack(">I", len(sealed)) + sealed)
        if final:
            return
        block = following
        counter += 1


def is_envelope(handle: io.BufferedReader) -> bool:
    """Whether the file in `handle` starts as an envelope; nothing is consumed."""
    return handle.peek(len(ENCRYPTED_MAGIC))[:len(ENCRYPTED_MAGIC)].startswith(ENCRYPTED_MAGIC)


def decrypt(handle: io.BufferedReader, label: str, key: X25519PrivateKey | None, *,
            max_size: int, size_limit: int) -> tuple[IO[bytes], str, str]:
    """Decrypt the envelope in `handle` into a spooled temporary file; return it, the SHA-256 of
    everything read, and the recipient named in the header.

    More than `max_size` decrypted bytes is refused, naming `size_limit` (what a person can act on)."""
    digest = hashlib.sha256()

    def read(size: int) -> bytes:
        data = _read_up_to(handle, size)
        digest.update(data)
        if len(data) < size:
            raise truncated(label)
        return data

    read(len(ENCRYPTED_MAGIC))
    (header_size,) = struct.unpack(">I", read(4))
    if header_size > _MAX_HEADER:
        raise not_bundle(label)
    header = read(header_size)
    recipient, ephemeral_raw, salt, chunk = _parse_header(header, label)
    if key is None:
        raise _not_for_us(label, recipient)
    try:
        shared = key.exchange(X25519PublicKey.from_public_bytes(ephemeral_raw))
    except ValueError:  # a degenerate ephemeral key: no honest writer makes one
        raise not_bundle(label) from None
    aead = AESGCM(_derive_key(shared, salt, ephemeral_raw, key.public_key().public_bytes_raw()))
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
    written = 0

    def write(plain: bytes) -> None:
        nonlocal written
        written += len(plain)
        if written > max_size:  # bounds the temporary disk space a hostile file can take
            raise BundleError("too_big", _(
                "The file {file} would take more than {limit} once unpacked, more than a sync file may hold. "
                "Do not use it; ask the sending site to export less at a time.").format(file=label, limit=size_text(size_limit)))
        spool.write(plain)

    try:
        _decrypt_chunks(handle, read, write, aead, header, chunk, label, recipient)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return spool, digest.hexdigest(), recipient


def _decrypt_chunks(handle: io.BufferedReader, read: Callable[[int], bytes], write: Callable[[bytes], None], aead: AESGCM,
                    header: bytes, chunk: int, label: str, recipient: str) -> None:
    counter = 0
    while True:
        (size,) = struct.unpack(">I", read(4))
        if not _TAG_SIZE <= size <= chunk + _TAG_SIZE:
            raise _tampered(label)
        sealed = read(size)
        at_end = not handle.peek(1)
        write(_open_chunk(aead, counter, at_end, sealed, header, label, recipient))
        if at_end:
            return
        counter += 1


def _open_chunk(aead: AESGCM, counter: int, at_end: bool, sealed: bytes, header: bytes, label: str, recipient: str) -> bytes:
    """Decrypt one chunk; when that fails, say why as precisely as the envelope allows."""
    try:
        return aead.decrypt(_nonce(counter, at_end), sealed, header)
    except InvalidTag:
        pass
    try:
        aead.decrypt(_nonce(counter, not at_end), sealed, header)
        flag_mismatch = True
    except InvalidTag:
        flag_mismatch = False
    if flag_mismatch and at_end:  # the file stops after a chunk that was not the last one
        raise truncated(label)
    if counter == 0 and not flag_mismatch:  # the very first chunk: the key is not ours
        raise _not_for_us(label, recipient)
    raise _tampered(label)


def _parse_header(header: bytes, label: str) -> tuple[str, bytes, bytes, int]:
    try:
        fields = json.loads(header.decode("utf-8"))
        recipient, chunk = fields["recipient"], fields["chunk"]
        ephemeral, salt = unb64(fields["ephemeral"]), unb64(fields["salt"])
    except (ValueError, TypeError, KeyError, RecursionError):
        raise not_bundle(label) from None
    if not isinstance(recipient, str) or len(ephemeral) != 32 or len(salt) != 16:
        raise not_bundle(label)
    if not isinstance(chunk, int) or isinstance(chunk, bool) or not 1 <= chunk <= _MAX_ENCRYPTION_CHUNK:
        raise not_bundle(label)
    return recipient, ephemeral, salt, chunk


def _derive_key(shared: bytes, salt: bytes, ephemeral_raw: bytes, recipient_raw: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_HKDF_INFO + ephemeral_raw + recipient_raw)
    return hkdf.derive(shared)


def _nonce(counter: int, final: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


def _read_up_to(stream: IO[bytes], size: int) -> bytes:
    """`size` bytes, fewer only at the end of the stream."""
    parts: list[bytes] = []
    wanted = size
    while wanted > 0:
        data = stream.read(wanted)
        if not data:
            break
        parts.append(data)
        wanted -= len(data)
    return b"".join(parts)


def _tampered(label: str) -> BundleError:
    return BundleError("tampered", _(
        "The file {file} was damaged or changed after it was encrypted. "
        "Do not use it; ask the sending site to export it again.").format(file=label))


def _not_for_us(label: str, recipient: str) -> BundleError:
    return BundleError("not_for_us", _(
        "The file {file} was encrypted for another site ({recipient}), so this site cannot open it. If it was meant "
        "for this site, ask the sending site to export it again for this site.").format(file=label, recipient=shown(recipient)))
