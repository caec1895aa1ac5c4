"""The verification stamp carried in a printed document's PDF keywords.

    hospitaldesk;kind=contract;id={record_id};number={number};hash={content_hash};lang=vi;log={seq}:{sha256}

`lang` is the language the document was printed in, so a check can rebuild the same
pages and compare their text (older stamps without it are read as Vietnamese). `log` is the
audit log's last entry when it was printed (absent on older stamps).

It lets HospitalDesk recognise one of its own PDFs later and check it against the
record it was printed from. Values are percent-escaped only where they would break
the format (';', '=', '%'), so the stamp stays readable in any PDF viewer.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

PREFIX = "hospitaldesk"


@dataclass(frozen=True)
class DocumentStamp:
    kind: str  # "contract" | "amendment"
    record_id: str
    number: str
    content_hash: str
    language: str = "vi"
    audit: str = ""  # "685:8b41…": the audit log's head when printed (number and SHA-256), to check the log against


def _quote(value: str) -> str:
    return value.replace("%", "%25").replace(";", "%3B").replace("=", "%3D")


def stamp_keywords(stamp: DocumentStamp) -> str:
    fields = (("kind", stamp.kind), ("id", stamp.record_id), ("number", stamp.number), ("hash", stamp.content_hash),
              ("lang", stamp.language), *((("log", stamp.audit),) if stamp.audit else ()))
    return ";".join([PREFIX, *(f"{key}={_quote(value)}" for key, value in fields)])


def parse_keywords(keywords: str) -> DocumentStamp | None:
    """The stamp inside a keywords string (other keywords around it are ignored); None when absent."""
    start = keywords.find(PREFIX + ";kind=")
    if start < 0:
        return None
    values: dict[str, str] = {}
    for part in keywords[start:].split(";")[1:]:
        key, sep, value = part.partition("=")
        if not sep or key in values:
            break  # the stamp ended (a viewer may append its own keywords after it)
        values[key] = unquote(value.strip())
    if not values.get("kind"):
        return None
    return DocumentStamp(values["kind"], values.get("id", ""), values.get("number", ""), values.get("hash", ""),
                         values.get("lang", "vi") or "vi", values.get("log", ""))
