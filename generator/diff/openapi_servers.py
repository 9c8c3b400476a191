"""Server URLs of a document, path item or operation: a client using a documented base URL that
disappears breaks (DANGEROUS); a new one is SAFE."""

from __future__ import annotations

from generator.diff.openapi_comparison import Comparison
from generator.diff.openapi_node import Node
from generator.readers.yaml_positions import join_pointer


def compare_servers(comparison: Comparison, old: Node | None, new: Node | None, scope: str) -> None:
    """`servers` lists matched by URL; a removed URL and an added one are paired as a changed URL."""
    old_urls, new_urls = _server_urls(old), _server_urls(new)
    removed = [url for url in old_urls if url not in new_urls]
    added = [url for url in new_urls if url not in old_urls]
    for old_url, new_url in zip(removed, added, strict=False):
        comparison.report(
            "openapi.server-url-changed",
            f"{scope}server URL changed from {old_url} to {new_url}; clients using the old base URL break",
            comparison.new,
            new_urls[new_url],
        )
    for url in removed[len(added) :]:
        comparison.report("openapi.server-removed", f"{scope}server {url} removed", comparison.old, old_urls[url])
    for url in added[len(removed) :]:
        comparison.report("openapi.server-added", f"{scope}server {url} added", comparison.new, new_urls[url])


def _server_urls(servers: Node | None) -> dict[str, str]:
    """Server URL (without a trailing slash) → pointer of its Server Object."""
    urls: dict[str, str] = {}
    if servers is None or not isinstance(servers.value, list):
        return urls
    for index, server in enumerate(servers.value):
        if isinstance(server, dict) and isinstance(server.get("url"), str):
            urls.setdefault(server["url"].rstrip("/") or "/", join_pointer(servers.pointer, index))
    return urls
