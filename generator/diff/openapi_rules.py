"""The rules of `contractgen diff` for OpenAPI, with their levels, and how a change is built.

Rule ids are `openapi.<kebab-case>`. Data rules come in pairs by who writes the data
(`Direction`): `openapi.request-…` for what clients send, `openapi.response-…` for what servers
return, because narrowing breaks the one and widening the other.
"""

from __future__ import annotations

import enum

from generator.diagnostics import Location
from generator.diff.model import Change, Level

_BREAKING, _DANGEROUS, _SAFE = Level.BREAKING, Level.DANGEROUS, Level.SAFE

RULES: dict[str, Level] = {
    # paths and operations
    "openapi.path-removed": _BREAKING,
    "openapi.path-added": _SAFE,
    "openapi.deprecated-path-removed": _DANGEROUS,
    "openapi.operation-removed": _BREAKING,
    "openapi.operation-added": _SAFE,
    "openapi.deprecated-operation-removed": _DANGEROUS,
    "openapi.operation-id-changed": _DANGEROUS,
    "openapi.operation-deprecated": _SAFE,
    "openapi.operation-tags-changed": _SAFE,
    "openapi.description-changed": _SAFE,
    "openapi.example-changed": _SAFE,
    # parameters
    "openapi.request-required-parameter-added": _BREAKING,
    "openapi.request-parameter-became-required": _BREAKING,
    "openapi.request-parameter-location-changed": _BREAKING,
    "openapi.request-parameter-style-changed": _BREAKING,
    "openapi.request-parameter-removed": _DANGEROUS,
    "openapi.path-parameter-renamed": _DANGEROUS,
    "openapi.request-parameter-added": _SAFE,
    "openapi.request-parameter-became-optional": _SAFE,
    "openapi.request-parameter-deprecated": _SAFE,
    # request bodies
    "openapi.request-body-added-required": _BREAKING,
    "openapi.request-body-became-required": _BREAKING,
    "openapi.request-media-type-removed": _BREAKING,
    "openapi.request-body-removed": _DANGEROUS,
    "openapi.request-body-added": _SAFE,
    "openapi.request-body-became-optional": _SAFE,
    "openapi.request-media-type-added": _SAFE,
    # request data (bodies and parameter values)
    "openapi.request-required-property-added": _BREAKING,
    "openapi.request-property-became-required": _BREAKING,
    "openapi.request-property-forbidden": _BREAKING,
    "openapi.request-type-changed": _BREAKING,
    "openapi.request-format-changed": _BREAKING,
    "openapi.request-nullable-removed": _BREAKING,
    "openapi.request-enum-added": _BREAKING,
    "openapi.request-enum-value-removed": _BREAKING,
    "openapi.request-max-length-decreased": _BREAKING,
    "openapi.request-min-length-increased": _BREAKING,
    "openapi.request-maximum-decreased": _BREAKING,
    "openapi.request-minimum-increased": _BREAKING,
    "openapi.request-max-items-decreased": _BREAKING,
    "openapi.request-min-items-increased": _BREAKING,
    "openapi.request-max-properties-decreased": _BREAKING,
    "openapi.request-min-properties-increased": _BREAKING,
    "openapi.request-pattern-changed": _BREAKING,
    "openapi.request-multiple-of-changed": _BREAKING,
    "openapi.request-unique-items-added": _BREAKING,
    "openapi.request-additional-properties-narrowed": _BREAKING,
    "openapi.request-alternative-removed": _BREAKING,
    "openapi.request-discriminator-value-removed": _BREAKING,
    "openapi.request-property-removed": _DANGEROUS,
    "openapi.request-default-changed": _DANGEROUS,
    "openapi.request-property-added": _SAFE,
    "openapi.request-property-became-optional": _SAFE,
    "openapi.request-type-widened": _SAFE,
    "openapi.request-nullable-added": _SAFE,
    "openapi.request-enum-value-added": _SAFE,
    "openapi.request-constraint-widened": _SAFE,
    "openapi.request-alternative-added": _SAFE,
    "openapi.request-discriminator-value-added": _SAFE,
    # responses
    "openapi.response-success-status-removed": _BREAKING,
    "openapi.response-media-type-removed": _BREAKING,
    "openapi.response-required-header-removed": _BREAKING,
    "openapi.response-header-became-optional": _BREAKING,
    "openapi.response-status-removed": _DANGEROUS,
    "openapi.response-success-status-added": _DANGEROUS,
    "openapi.response-header-removed": _DANGEROUS,
    "openapi.response-status-added": _SAFE,
    "openapi.response-media-type-added": _SAFE,
    "openapi.response-header-added": _SAFE,
    # response data (bodies and headers)
    "openapi.response-required-property-removed": _BREAKING,
    "openapi.response-property-became-optional": _BREAKING,
    "openapi.response-nullable-added": _BREAKING,
    "openapi.response-type-changed": _BREAKING,
    "openapi.response-format-changed": _BREAKING,
    "openapi.response-optional-property-removed": _DANGEROUS,
    "openapi.response-enum-value-added": _DANGEROUS,
    "openapi.response-enum-removed": _DANGEROUS,
    "openapi.response-max-length-increased": _DANGEROUS,
    "openapi.response-min-length-decreased": _DANGEROUS,
    "openapi.response-maximum-increased": _DANGEROUS,
    "openapi.response-minimum-decreased": _DANGEROUS,
    "openapi.response-max-items-increased": _DANGEROUS,
    "openapi.response-min-items-decreased": _DANGEROUS,
    "openapi.response-max-properties-increased": _DANGEROUS,
    "openapi.response-min-properties-decreased": _DANGEROUS,
    "openapi.response-pattern-changed": _DANGEROUS,
    "openapi.response-multiple-of-changed": _DANGEROUS,
    "openapi.response-unique-items-removed": _DANGEROUS,
    "openapi.response-additional-properties-allowed": _DANGEROUS,
    "openapi.response-alternative-added": _DANGEROUS,
    "openapi.response-discriminator-value-added": _DANGEROUS,
    "openapi.response-property-added": _SAFE,
    "openapi.response-property-became-required": _SAFE,
    "openapi.response-nullable-removed": _SAFE,
    "openapi.response-type-narrowed": _SAFE,
    "openapi.response-enum-value-removed": _SAFE,
    "openapi.response-constraint-narrowed": _SAFE,
    "openapi.response-alternative-removed": _SAFE,
    "openapi.response-discriminator-value-removed": _SAFE,
    # both directions
    "openapi.discriminator-property-changed": _BREAKING,
    "openapi.property-deprecated": _SAFE,
    # security
    "openapi.security-added": _BREAKING,
    "openapi.security-scope-added": _BREAKING,
    "openapi.security-requirement-changed": _BREAKING,
    "openapi.security-scheme-removed": _BREAKING,
    "openapi.security-scheme-changed": _BREAKING,
    "openapi.security-removed": _SAFE,
    "openapi.security-alternative-added": _SAFE,
    "openapi.security-scheme-added": _SAFE,
    # servers, components, webhooks and callbacks
    "openapi.server-url-changed": _DANGEROUS,
    "openapi.server-removed": _DANGEROUS,
    "openapi.server-added": _SAFE,
    "openapi.schema-added": _SAFE,
    "openapi.schema-removed": _SAFE,
    "openapi.webhook-removed": _DANGEROUS,
    "openapi.webhook-changed": _DANGEROUS,
    "openapi.webhook-added": _SAFE,
    "openapi.callback-removed": _DANGEROUS,
    "openapi.callback-changed": _DANGEROUS,
    "openapi.callback-added": _SAFE,
}
"""Every rule the OpenAPI comparison reports, with its level."""


class Direction(enum.Enum):
    """Who writes the data: the client (a request) or the server (a response)."""

    REQUEST = "request"
    RESPONSE = "response"


def change(rule: str, message: str, location: Location) -> Change:
    """A change of `rule`, at the level `RULES` gives it."""
    return Change(RULES[rule], rule, message, location)
