"""Webhooks and callbacks as the templates of both sides (receiver and sender) need them."""

from __future__ import annotations

from dataclasses import dataclass

from generator.ir.model import BodyKind, Webhook
from generator.ir.names import PythonIdentifier, constant_case
from generator.targets.python_types import spell


@dataclass(frozen=True)
class WebhookView:
    name: PythonIdentifier
    constant: PythonIdentifier
    key: str
    summary: str
    doc: str
    payload_type: str | None


def webhook_view(webhook: Webhook) -> WebhookView:
    """JSON payloads are typed with their model; a webhook without a body takes no payload."""
    body = webhook.body
    payload_type = spell(body.type) if body is not None and body.kind is BodyKind.JSON and body.type else None
    return WebhookView(
        name=webhook.name,
        constant=PythonIdentifier(f"{constant_case(webhook.name)}_PAYLOAD"),
        key=webhook.key,
        summary=webhook.summary,
        doc=webhook.doc + (f"\n\nCallback URL: `{webhook.expression}`." if webhook.expression else ""),
        payload_type=payload_type,
    )
