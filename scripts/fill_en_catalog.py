"""The English catalog translates each msgid to itself (msgids are English), so it is never 'incomplete'."""
from __future__ import annotations

import sys

from babel.messages.pofile import read_po, write_po


def main(path: str) -> None:
    with open(path, "rb") as fh:
        catalog = read_po(fh)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not any(message.string):
                message.string = (message.id[0], message.id[1])
        elif not message.string:
            message.string = message.id
    with open(path, "wb") as fh:
        write_po(fh, catalog, sort_output=True, omit_header=False)


if __name__ == "__main__":
    main(sys.argv[1])
