"""Request bodies and responses of an operation: presence, media types, status codes and headers.

What they carry is compared by `openapi_schemas`, as request data or as response data. A new 2xx
status is DANGEROUS (a client may only expect the old one), a new error status SAFE; a removed
error status is DANGEROUS (typed error handling for it disappears).
"""

from __future__ import annotations

from generator.diff.openapi_comparison import Comparison
from generator.diff.openapi_documentation import compare_examples, compare_text
from generator.diff.openapi_node import Located, Node
from generator.diff.openapi_parameters import parameter_schema
from generator.diff.openapi_paths import Operation
from generator.diff.openapi_rules import Direction
from generator.diff.openapi_side import Side
from generator.readers.yaml_positions import split_pointer


def compare_request_body(comparison: Comparison, old: Operation, new: Operation) -> None:
    label = new.label
    old_site, new_site = old.node.member("requestBody"), new.node.member("requestBody")
    if old_site is None and new_site is None:
        return
    if old_site is None:
        assert new_site is not None
        if comparison.new.resolve(new_site).mapping().get("required") is True:
            rule, text = "openapi.request-body-added-required", f"{label}: required request body added"
        else:
            rule, text = "openapi.request-body-added", f"{label}: optional request body added"
        comparison.report(rule, text, comparison.new, new_site.pointer)
        return
    if new_site is None:
        comparison.report(
            "openapi.request-body-removed",
            f"{label}: request body removed; clients still sending one are ignored or rejected",
            comparison.old,
            old_site.pointer,
        )
        return
    old_body, new_body = comparison.old.resolve(old_site), comparison.new.resolve(new_site)
    old_required = old_body.mapping().get("required") is True
    new_required = new_body.mapping().get("required") is True
    if new_required and not old_required:
        comparison.report(
            "openapi.request-body-became-required",
            f"{label}: request body became required",
            comparison.new,
            new_site.pointer,
        )
    elif old_required and not new_required:
        comparison.report(
            "openapi.request-body-became-optional",
            f"{label}: request body became optional",
            comparison.new,
            new_site.pointer,
        )
    compare_text(comparison, old_body, new_body, f"{label}: request body ", ("description",))
    _compare_content(comparison, label, old_body, new_body, Direction.REQUEST, "")


def compare_responses(comparison: Comparison, old: Operation, new: Operation) -> None:
    label = new.label
    old_responses, new_responses = _responses(old.node), _responses(new.node)
    for status, site in old_responses.items():
        if status in new_responses:
            continue
        rule = "openapi.response-success-status-removed" if _is_success(status) else "openapi.response-status-removed"
        comparison.report(rule, f"{label}: response {status} removed", comparison.old, site.pointer)
    for status, site in new_responses.items():
        if status not in old_responses:
            if _is_success(status):
                rule = "openapi.response-success-status-added"
                text = f"{label}: success response {status} added; clients may expect only the others"
            else:
                rule, text = "openapi.response-status-added", f"{label}: response {status} added"
            comparison.report(rule, text, comparison.new, site.pointer)
            continue
        old_response, new_response = comparison.old.resolve(old_responses[status]), comparison.new.resolve(site)
        compare_text(comparison, old_response, new_response, f"{label}: response {status} ", ("description",))
        _compare_headers(comparison, label, status, old_response, new_response)
        _compare_content(comparison, label, old_response, new_response, Direction.RESPONSE, f"response {status} ")


def _compare_content(
    comparison: Comparison, label: str, old: Node, new: Node, direction: Direction, prefix: str
) -> None:
    """The media types of a request body or response, and the schema of each."""
    old_media, new_media = _media_types(old), _media_types(new)
    kind = direction.value
    for key, media in old_media.items():
        if key not in new_media:
            text = f"{label}: {prefix}{_media_text(media)} removed"
            comparison.report(f"openapi.{kind}-media-type-removed", text, comparison.old, media.pointer)
    for key, media in new_media.items():
        if key not in old_media:
            text = f"{label}: {prefix}{_media_text(media)} added"
            comparison.report(f"openapi.{kind}-media-type-added", text, comparison.new, media.pointer)
            continue
        where = f"{prefix}body" if key == "application/json" else f"{prefix}{key} body"
        compare_examples(comparison, old_media[key], media, f"{label}: {where}")
        old_schema, new_schema = old_media[key].member("schema"), media.member("schema")
        if old_schema is not None and new_schema is not None:
            comparison.walk_schemas(old_schema, new_schema, where, label, direction)


def _compare_headers(comparison: Comparison, label: str, status: str, old: Node, new: Node) -> None:
    old_headers, new_headers = _headers(comparison.old, old), _headers(comparison.new, new)
    for key, header in old_headers.items():
        if key in new_headers:
            continue
        name = split_pointer(header.site)[-1]
        if header.node.mapping().get("required") is True:
            rule, text = "openapi.response-required-header-removed", f"required header {name} removed"
        else:
            rule, text = "openapi.response-header-removed", f"header {name} removed"
        comparison.report(rule, f"{label}: response {status} {text}", comparison.old, header.site)
    for key, header in new_headers.items():
        name = split_pointer(header.site)[-1]
        if key not in old_headers:
            comparison.report(
                "openapi.response-header-added",
                f"{label}: response {status} header {name} added",
                comparison.new,
                header.site,
            )
            continue
        old_header = old_headers[key]
        if old_header.node.mapping().get("required") is True and header.node.mapping().get("required") is not True:
            comparison.report(
                "openapi.response-header-became-optional",
                f"{label}: response {status} header {name} became optional",
                comparison.new,
                header.site,
            )
        old_schema, new_schema = parameter_schema(old_header.node), parameter_schema(header.node)
        if old_schema is not None and new_schema is not None:
            where = f"response {status} header {name}"
            comparison.walk_schemas(old_schema, new_schema, where, label, Direction.RESPONSE)


def _is_success(status: str) -> bool:
    return status.startswith("2")


def _media_types(body: Node) -> dict[str, Node]:
    content = body.member("content")
    if content is None:
        return {}
    return {_media_key(media_type): content.child(media_type) for media_type in content.mapping()}


def _media_text(media: Node) -> str:
    """`media type <as written>`: the key of the Media Type Object, before `_media_key` folds it."""
    return f"media type {split_pointer(media.pointer)[-1]}"


def _media_key(media_type: str) -> str:
    return media_type.split(";")[0].strip().lower()


def _responses(operation: Node) -> dict[str, Node]:
    responses = operation.member("responses")
    if responses is None:
        return {}
    return {
        _status_key(str(status)): responses.child(status)
        for status in responses.mapping()
        if not str(status).startswith("x-")
    }


def _status_key(status: str) -> str:
    """`2xx` and `2XX` are one range (OpenAPI 3.x, Responses Object); `default` stays as written."""
    return "default" if status.lower() == "default" else status.upper()


def _headers(side: Side, response: Node) -> dict[str, Located]:
    headers = response.member("headers")
    if headers is None:
        return {}
    return {
        name.lower(): Located(headers.child(name).pointer, side.resolve(headers.child(name)))
        for name in headers.mapping()
        if name.lower() != "content-type"  # ignored in a Response Object's headers (4.8.17.1)
    }
