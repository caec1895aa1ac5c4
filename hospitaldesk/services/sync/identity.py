"""This site's keys for sync, its fingerprint, and the peers it trusts.

Each installation has two key pairs, made at init (or on first need in an older database) and kept
in the database's sync_secret table (so a backup carries them; never in the audit log): Ed25519 signs the bundles it sends, X25519 lets other sites encrypt
bundles to it. The fingerprint, a SHA-256 of both public keys written as six groups of five
digits, is what two administrators read to each other over the phone before trusting a file.
"""
from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from hospitaldesk import text
from hospitaldesk.db import audit, stamping
from hospitaldesk.db.connection import atomic
from hospitaldesk.db.models import SyncPeer, SyncSecret
from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import _
from hospitaldesk.services import authority, site

SIGNING_KEY = "sync_signing_key"
ENCRYPTION_KEY = "sync_encryption_key"
IDENTITY_FORMAT = "hospitaldesk-identity"
IDENTITY_MAX_BYTES = 64 * 1024


class IdentityError(HospitalDeskError):
    """An identity file that cannot be read or trusted."""


@dataclass(frozen=True)
class Identity:
    """A site as other sites see it: what an identity file and a bundle's manifest carry."""

    site_id: str
    name: str
    signing_key: str  # base64, raw Ed25519 public key
    encryption_key: str  # base64, raw X25519 public key

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.signing_key, self.encryption_key)

    def as_dict(self) -> dict[str, str]:
        return {"site_id": self.site_id, "name": self.name, "signing_key": self.signing_key,
                "encryption_key": self.encryption_key, "fingerprint": self.fingerprint}

    def signing_public_key(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(_unb64(self.signing_key))

    def encryption_public_key(self) -> X25519PublicKey:
        return X25519PublicKey.from_public_bytes(_unb64(self.encryption_key))


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(value: str) -> bytes:
    return base64.b64decode(value.encode("ascii"), validate=True)


def fingerprint(signing_key: str, encryption_key: str) -> str:
    """30 digits in groups of five (about 100 bits): easy to read aloud and compare."""
    digest = hashlib.sha256(_unb64(signing_key) + _unb64(encryption_key)).digest()
    digits = f"{int.from_bytes(digest[:16], 'big') % 10**30:030d}"
    return " ".join(digits[i:i + 5] for i in range(0, 30, 5))


def _raw_private(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def _raw_public(key: Ed25519PublicKey | X25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _secret(key: str) -> str | None:
    row = SyncSecret.get_or_none(SyncSecret.key == key)
    return None if row is None else str(row.value)


def ensure_keys() -> None:
    """Make this site's key pairs if it has none yet (at init, or the first sync of an older database)."""
    if _secret(SIGNING_KEY) and _secret(ENCRYPTION_KEY):
        return
    with atomic("automatic"):
        made: dict[str, Ed25519PrivateKey | X25519PrivateKey] = {
            SIGNING_KEY: Ed25519PrivateKey.generate(), ENCRYPTION_KEY: X25519PrivateKey.generate()}
        for key, private in made.items():
            if not _secret(key):
                SyncSecret.insert(key=key, value=_b64(_raw_private(private))).execute()


def signing_key() -> Ed25519PrivateKey:
    ensure_keys()
    return Ed25519PrivateKey.from_private_bytes(_unb64(_secret(SIGNING_KEY) or ""))


def encryption_key() -> X25519PrivateKey:
    ensure_keys()
    return X25519PrivateKey.from_private_bytes(_unb64(_secret(ENCRYPTION_KEY) or ""))


def own_identity() -> Identity:
    return Identity(
        site_id=str(stamping.local_site_id()),
        name=site.site_name() or "",
        signing_key=_b64(_raw_public(signing_key().public_key())),
        encryption_key=_b64(_raw_public(encryption_key().public_key())),
    )


def write_identity_file(path: Path) -> Identity:
    """The public identity to give a peer (no secret in it)."""
    me = own_identity()
    body = {"format": IDENTITY_FORMAT, **me.as_dict()}
    path.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return me


def identity_from_dict(data: Any, source: str) -> Identity:
    """Check an identity (from a file or a bundle's manifest) is well formed; `source` names it in messages."""
    problem = _("{source} is not a HospitalDesk site identity. Ask the other site for the file made by 'Save our identity…'.").format(source=source)
    if not isinstance(data, dict):
        raise IdentityError(problem)
    fields = ("site_id", "name", "signing_key", "encryption_key")
    if not all(isinstance(data.get(f), str) and data.get(f) for f in fields):
        raise IdentityError(problem)
    try:
        found = Identity(site_id=str(data["site_id"]), name=text.clean_line(data["name"]),
                         signing_key=data["signing_key"], encryption_key=data["encryption_key"])
        found.signing_public_key()
        found.encryption_public_key()
    except (ValueError, TypeError):
        raise IdentityError(problem) from None
    if data.get("fingerprint") not in (None, found.fingerprint):
        raise IdentityError(_("{source} has been altered: its fingerprint does not match its keys. Ask the other site for a new copy.").format(source=source))
    return found


def read_identity_file(path: Path) -> Identity:
    try:
        if path.stat().st_size > IDENTITY_MAX_BYTES:
            raise IdentityError(_("{source} is too large to be a site identity.").format(source=path.name))
        data = json.loads(path.read_text(encoding="utf-8"))
    except IdentityError:
        raise
    except (OSError, UnicodeDecodeError, ValueError):
        raise IdentityError(_("{source} cannot be read as a site identity. Ask the other site for the file made by 'Save our identity…'.").format(source=path.name)) from None
    if isinstance(data, dict) and data.get("format") != IDENTITY_FORMAT:
        data = None
    return identity_from_dict(data, path.name)


def peers() -> list[SyncPeer]:
    return list(SyncPeer.select().order_by(SyncPeer.name))


def peer(site_id: str) -> SyncPeer | None:
    return SyncPeer.get_or_none(SyncPeer.site_id == site_id)


def find_peer(key: str) -> SyncPeer:
    """A trusted peer by site id, or by name (accents and case ignored) when one name matches."""
    found = peer(key)
    if found is not None:
        return found
    wanted = text.fold(key)
    matches = [p for p in peers() if text.fold(p.name) == wanted or p.site_id.startswith(key.strip().lower())]
    if len(matches) == 1:
        return matches[0]
    raise IdentityError(_("No trusted site is called '{name}'. Trusted sites: {names}.").format(
        name=key, names=", ".join(p.name for p in peers()) or _("none yet")))


def trust(identity: Identity) -> SyncPeer:
    """Accept bundles signed by this site from now on. A site already trusted under other keys is
    refused: keys do not change, so that is either a reinstalled PC or someone else's file."""
    authority.require("trust")
    if identity.site_id == str(stamping.local_site_id()):
        raise IdentityError(_("This is this site's own identity; give it to the other site instead."))
    known = peer(identity.site_id)
    if known is not None:
        if (known.signing_key, known.encryption_key) != (identity.signing_key, identity.encryption_key):
            raise IdentityError(_(
                "'{name}' is already trusted with other keys (fingerprint {old}). If that site was "
                "reinstalled, remove it from the trusted sites first, after checking the new "
                "fingerprint {new} with them by phone.").format(name=known.name, old=known.fingerprint, new=identity.fingerprint))
        return known
    user = authority.current_user()
    with atomic():
        created = SyncPeer.create(site_id=identity.site_id, name=identity.name, signing_key=identity.signing_key,
                                  encryption_key=identity.encryption_key, fingerprint=identity.fingerprint,
                                  trusted_by=user.username if user else "")
        audit.record("trust", "sync_peer", identity.site_id, details={"name": identity.name, "fingerprint": identity.fingerprint})
    return created


def forget_peer(site_id: str) -> None:
    authority.require("trust")
    known = peer(site_id)
    if known is None:
        return
    with atomic():
        audit.record("untrust", "sync_peer", site_id, details={"name": known.name, "fingerprint": known.fingerprint})
        SyncPeer.delete().where(SyncPeer.site_id == site_id).execute()


def peer_identity(known: SyncPeer) -> Identity:
    return Identity(site_id=known.site_id, name=known.name, signing_key=known.signing_key, encryption_key=known.encryption_key)
