"""The site's ``schemas/``: every JSON Schema of duban, published side by side at
``<site_url>schemas/NAME.schema.json`` with that address as its ``$id``.

So another ledger's repository, which has no ``schemas/`` folder of its own, points the first
line of each file at the site (``# yaml-language-server:
$schema=https://<site>/schemas/task.schema.json``) and any JSON Schema tool reads them by URL.
The files in the repository carry no ``$id``: their base is where they are read from, and
their ``$ref``s between files are relative (``units.schema.json#/$defs/code``), so they
resolve beside the file in an editor offline, in duban's own validator
(:data:`duban.load.schema.BASE`) and here, where the sibling is published too. A ledger
without a usable ``site_url`` (missing, not ``http(s)``, with an account in it) gets its
copies without ``$id``: a reader then takes the address it fetched them from, which is the
same thing.
"""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

from duban.load.schema import load_schema, schema_names
from duban.render.text import safe_url

FOLDER = "schemas"


def schemas_base(site_url: str) -> str:
    """``<site_url>schemas/`` (a site under a sub-path keeps it: ``https://host/duban/`` →
    ``https://host/duban/schemas/``); "" when ``site_url`` is no usable address. A query or a
    fragment of ``site_url`` is dropped: an ``$id`` has neither."""
    url = safe_url(site_url.strip())
    parts = urllib.parse.urlsplit(url)
    if not url or not parts.hostname or parts.username is not None:
        return ""
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, f"{path}{FOLDER}/", "", ""))


def schema_url(site_url: str, name: str) -> str:
    """Where schema ``name`` (``task``) is published on the site; "" when unknown."""
    base = schemas_base(site_url)
    return f"{base}{name}.schema.json" if base else ""


def published(name: str, site_url: str) -> dict[str, object]:
    """Schema ``name`` as the site publishes it: ``$schema``, then its ``$id`` (its URL),
    then the rest unchanged."""
    schema = load_schema(name)
    url = schema_url(site_url, name)
    head: dict[str, object] = {"$schema": schema["$schema"], **({"$id": url} if url else {})}
    return {**head, **{k: v for k, v in schema.items() if k not in ("$schema", "$id")}}


def write_schemas(dest: Path, site_url: str) -> None:
    """Every schema into ``dest`` (the site's ``schemas/``), each with its URL as ``$id``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in schema_names():
        text = json.dumps(published(name, site_url), ensure_ascii=False, indent=2) + "\n"
        (dest / f"{name}.schema.json").write_text(text, encoding="utf-8")


__all__ = ["FOLDER", "published", "schema_url", "schemas_base", "write_schemas"]
