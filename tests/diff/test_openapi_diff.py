"""`contractgen diff` on OpenAPI: each change judged by who reads or writes the data, with a rule and a place."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from generator.cli import app
from generator.diagnostics import DiagnosticSink
from generator.diff.model import Change, Level
from generator.diff.openapi import RULES, diff_openapi

SPECS = Path(__file__).resolve().parents[2] / "specs"
runner = CliRunner()

BASE_TEXT = """\
openapi: 3.0.3
info:
  title: Pets
  version: 1.0.0
servers:
  - url: https://api.example.com/v1
paths:
  /pets:
    get:
      operationId: listPets
      summary: List pets
      parameters:
        - name: limit
          in: query
          schema: {type: integer, format: int32, minimum: 1, maximum: 100, default: 20}
        - name: status
          in: query
          schema: {type: string, enum: [available, sold]}
      responses:
        '200':
          description: Pets
          headers:
            X-Total:
              required: true
              schema: {type: integer}
          content:
            application/json:
              schema:
                type: array
                items: {$ref: '#/components/schemas/Pet'}
        default:
          description: Error
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Error'}
    post:
      operationId: createPet
      security:
        - oauth: [read]
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewPet'}
      responses:
        '201':
          description: Created
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
  /pets/{petId}:
    parameters:
      - name: petId
        in: path
        required: true
        schema: {type: string}
    get:
      operationId: getPet
      responses:
        '200':
          description: A pet
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
        '404':
          description: Not found
    delete:
      operationId: deletePet
      responses:
        '204':
          description: Deleted
components:
  securitySchemes:
    apiKey: {type: apiKey, in: header, name: X-API-Key}
    oauth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://auth.example.com/token
          scopes: {read: Read pets, write: Change pets}
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: integer, format: int64, readOnly: true}
        name: {type: string, maxLength: 50}
        tag: {type: string}
        status: {$ref: '#/components/schemas/Status'}
        owner: {$ref: '#/components/schemas/Person'}
        tags:
          type: array
          items: {type: string}
    NewPet:
      type: object
      required: [name]
      properties:
        name: {type: string, minLength: 1, maxLength: 50}
        tag: {type: string}
        status: {$ref: '#/components/schemas/Status'}
        labels:
          type: array
          minItems: 0
          maxItems: 10
          items: {type: string}
        extra:
          type: object
          maxProperties: 5
          additionalProperties: {type: string}
    Person:
      type: object
      required: [name]
      properties:
        name: {type: string}
        pets:
          type: array
          items: {$ref: '#/components/schemas/Pet'}
    Status:
      type: string
      enum: [available, pending, sold]
    Error:
      type: object
      required: [code]
      properties:
        code: {type: integer}
        message: {type: string}
"""
BASE: dict[str, Any] = yaml.safe_load(BASE_TEXT)

Edit = Callable[[dict[str, Any]], object]


def dig(document: Any, *keys: str | int) -> Any:
    for key in keys:
        document = document[key]
    return document


def put(document: dict[str, Any], *keys_and_value: Any) -> None:
    *keys, last, value = keys_and_value
    dig(document, *keys)[last] = copy.deepcopy(value)  # the constants below are shared by cases


def drop(document: dict[str, Any], *keys: str | int) -> None:
    *parents, last = keys
    del dig(document, *parents)[last]


def schema(name: str) -> tuple[str, str, str]:
    return ("components", "schemas", name)


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


PUT_PET = {
    "operationId": "replacePet",
    "requestBody": {"required": True, "content": {"application/json": {"schema": ref("Pet")}}},
    "responses": {"204": {"description": "Replaced"}},
}


JSON_OBJECT = {"application/json": {"schema": {"type": "object"}}}
PERSON = "#/components/schemas/Person"
NEW_PET = "#/components/schemas/NewPet"
REQUEST_CHOICE = {
    "oneOf": [ref("NewPet"), ref("Error")],
    "discriminator": {"propertyName": "kind", "mapping": {"pet": NEW_PET, "error": "#/components/schemas/Error"}},
}
MAPPING = {"pet": "#/components/schemas/Pet"}
CHOICE = {"oneOf": [ref("Pet"), ref("Person")], "discriminator": {"propertyName": "type", "mapping": MAPPING}}
WEBHOOKS = {
    "petAdopted": {
        "post": {
            "requestBody": {"content": {"application/json": {"schema": ref("Pet")}}},
            "responses": {"200": {"description": "Received"}},
        }
    }
}
CALLBACKS = {
    "onAdopted": {"{$request.body#/callbackUrl}": {"post": {"responses": {"200": {"description": "Received"}}}}}
}


@dataclass(frozen=True)
class Case:
    new_edit: Edit
    expected: frozenset[tuple[Level, str]]
    old_edit: Edit | None = None
    message: str | None = None
    """Text one of the changes' messages must contain."""


def case(
    name: str,
    new_edit: Edit,
    *expected: tuple[Level, str],
    old_edit: Edit | None = None,
    message: str | None = None,
) -> Any:
    rules = frozenset((level, f"openapi.{rule}") for level, rule in expected)
    return pytest.param(Case(new_edit, rules, old_edit, message), id=name)


BREAKING, DANGEROUS, SAFE = Level.BREAKING, Level.DANGEROUS, Level.SAFE
PETS_GET = ("paths", "/pets", "get")
PETS_POST = ("paths", "/pets", "post")
PET_ITEM = ("paths", "/pets/{petId}")
LIMIT = (*PETS_GET, "parameters", 0)
STATUS = (*PETS_GET, "parameters", 1)
PET_PROPERTY = (*schema("Pet"), "properties")
NEW_PET_PROPERTY = (*schema("NewPet"), "properties")
ERROR_CODE = (*schema("Error"), "properties", "code")

CASES = [
    # paths and operations
    case("path-removed", lambda d: drop(d, *PET_ITEM), (BREAKING, "path-removed")),
    case(
        "path-added",
        lambda d: put(d, "paths", "/owners", {"get": {"responses": {"200": {"description": "Owners"}}}}),
        (SAFE, "path-added"),
    ),
    case("operation-removed", lambda d: drop(d, *PET_ITEM, "delete"), (BREAKING, "operation-removed")),
    case(
        "deprecated-operation-removed",
        lambda d: drop(d, *PET_ITEM, "delete"),
        (DANGEROUS, "deprecated-operation-removed"),
        old_edit=lambda d: put(d, *PET_ITEM, "delete", "deprecated", True),
    ),
    case(
        "operation-added",
        lambda d: put(d, *PET_ITEM, "put", PUT_PET),
        (SAFE, "operation-added"),
        message="PUT /pets/{petId}: operation added",
    ),
    case(
        "path-parameter-renamed-is-not-a-new-path",
        lambda d: (
            put(d, "paths", "/pets/{id}", d["paths"].pop("/pets/{petId}")),
            put(d, "paths", "/pets/{id}", "parameters", 0, "name", "id"),
        ),
        (DANGEROUS, "path-parameter-renamed"),
    ),
    case(
        "operation-id-changed",
        lambda d: put(d, *PETS_GET, "operationId", "findPets"),
        (DANGEROUS, "operation-id-changed"),
    ),
    case("summary-changed", lambda d: put(d, *PETS_GET, "summary", "All pets"), (SAFE, "description-changed")),
    case("operation-deprecated", lambda d: put(d, *PETS_GET, "deprecated", True), (SAFE, "operation-deprecated")),
    # parameters
    case(
        "required-parameter-added",
        lambda d: dig(d, *PETS_GET, "parameters").append(
            {"name": "owner", "in": "query", "required": True, "schema": {"type": "string"}}
        ),
        (BREAKING, "request-required-parameter-added"),
    ),
    case(
        "optional-parameter-added",
        lambda d: dig(d, *PETS_GET, "parameters").append(
            {"name": "X-Trace", "in": "header", "schema": {"type": "string"}}
        ),
        (SAFE, "request-parameter-added"),
    ),
    case(
        "parameter-became-required",
        lambda d: put(d, *LIMIT, "required", True),
        (BREAKING, "request-parameter-became-required"),
    ),
    case(
        "parameter-removed", lambda d: dig(d, *PETS_GET, "parameters").pop(1), (DANGEROUS, "request-parameter-removed")
    ),
    case(
        "parameter-moved-from-query-to-header",
        lambda d: put(d, *LIMIT, "in", "header"),
        (BREAKING, "request-parameter-location-changed"),
    ),
    case(
        "parameter-type-changed",
        lambda d: put(d, *LIMIT, "schema", {"type": "string"}),
        (BREAKING, "request-type-changed"),
        message="GET /pets: query parameter limit: type changed from integer to string",
    ),
    case(
        "parameter-maximum-decreased",
        lambda d: put(d, *LIMIT, "schema", "maximum", 50),
        (BREAKING, "request-maximum-decreased"),
        message="GET /pets: query parameter limit: maximum decreased from 100 to 50",
    ),
    case(
        "parameter-maximum-made-exclusive",
        lambda d: put(d, *LIMIT, "schema", "exclusiveMaximum", True),
        (BREAKING, "request-maximum-decreased"),
    ),
    case(
        "parameter-maximum-increased",
        lambda d: put(d, *LIMIT, "schema", "maximum", 500),
        (SAFE, "request-constraint-widened"),
    ),
    case(
        "parameter-format-widened",
        lambda d: put(d, *LIMIT, "schema", "format", "int64"),
        (SAFE, "request-constraint-widened"),
    ),
    case(
        "parameter-format-narrowed",
        lambda d: put(d, *LIMIT, "schema", "format", "int32"),
        (BREAKING, "request-format-changed"),
        old_edit=lambda d: put(d, *LIMIT, "schema", "format", "int64"),
    ),
    case(
        "parameter-integer-becomes-number",
        lambda d: put(d, *LIMIT, "schema", "type", "number"),
        (SAFE, "request-type-widened"),
        old_edit=lambda d: drop(d, *LIMIT, "schema", "format"),
        message="type changed from integer to number",
    ),
    case(
        "parameter-default-changed",
        lambda d: put(d, *LIMIT, "schema", "default", 10),
        (DANGEROUS, "request-default-changed"),
    ),
    case(
        "parameter-enum-value-removed",
        lambda d: put(d, *STATUS, "schema", "enum", ["available"]),
        (BREAKING, "request-enum-value-removed"),
    ),
    case(
        "list-parameter-serialisation-changed",
        lambda d: put(d, *STATUS, "explode", False),
        (BREAKING, "request-parameter-style-changed"),
        old_edit=lambda d: put(d, *STATUS, "schema", {"type": "array", "items": {"type": "string"}}),
        message="serialisation changed from style=form, explode=true to style=form, explode=false",
    ),
    case("explode-on-a-single-value-is-no-change", lambda d: put(d, *STATUS, "explode", False)),
    case(
        "schema-description-is-not-reported-per-operation",
        lambda d: put(d, *PET_PROPERTY, "name", "description", "What the pet answers to."),
    ),
    case(
        "explicit-default-style-is-no-change",
        lambda d: (put(d, *STATUS, "style", "form"), put(d, *STATUS, "explode", True)),
    ),
    case("parameter-deprecated", lambda d: put(d, *STATUS, "deprecated", True), (SAFE, "request-parameter-deprecated")),
    # request bodies
    case(
        "request-body-became-required",
        lambda d: put(d, *PETS_POST, "requestBody", "required", True),
        (BREAKING, "request-body-became-required"),
        old_edit=lambda d: put(d, *PETS_POST, "requestBody", "required", False),
    ),
    case("request-body-removed", lambda d: drop(d, *PETS_POST, "requestBody"), (DANGEROUS, "request-body-removed")),
    case(
        "request-media-type-removed",
        lambda d: drop(d, *PETS_POST, "requestBody", "content", "application/x-www-form-urlencoded"),
        (BREAKING, "request-media-type-removed"),
        old_edit=lambda d: put(
            d, *PETS_POST, "requestBody", "content", "application/x-www-form-urlencoded", {"schema": ref("NewPet")}
        ),
    ),
    case(
        "request-required-property-added",
        lambda d: (
            put(d, *schema("NewPet"), "properties", "age", {"type": "integer"}),
            dig(d, *schema("NewPet"), "required").append("age"),
        ),
        (BREAKING, "request-required-property-added"),
        message="POST /pets: body.age: required property added",
    ),
    case(
        "request-property-became-required",
        lambda d: dig(d, *schema("NewPet"), "required").append("tag"),
        (BREAKING, "request-property-became-required"),
    ),
    case(
        "request-optional-property-added",
        lambda d: put(d, *schema("NewPet"), "properties", "nickname", {"type": "string"}),
        (SAFE, "request-property-added"),
    ),
    case(
        "request-property-removed-is-ignored",
        lambda d: drop(d, *schema("NewPet"), "properties", "tag"),
        (DANGEROUS, "request-property-removed"),
    ),
    case(
        "request-property-removed-from-a-closed-object",
        lambda d: drop(d, *schema("NewPet"), "properties", "tag"),
        (BREAKING, "request-property-forbidden"),
        old_edit=lambda d: put(d, *schema("NewPet"), "additionalProperties", False),
    ),
    case(
        "request-object-closed",
        lambda d: put(d, *schema("NewPet"), "additionalProperties", False),
        (BREAKING, "request-additional-properties-narrowed"),
    ),
    case(
        "request-max-length-decreased",
        lambda d: put(d, *schema("NewPet"), "properties", "name", "maxLength", 20),
        (BREAKING, "request-max-length-decreased"),
        message="POST /pets: body.name: maxLength decreased from 50 to 20",
    ),
    case(
        "request-min-length-increased",
        lambda d: put(d, *schema("NewPet"), "properties", "name", "minLength", 3),
        (BREAKING, "request-min-length-increased"),
    ),
    case(
        "request-pattern-added",
        lambda d: put(d, *schema("NewPet"), "properties", "name", "pattern", "^[a-z]+$"),
        (BREAKING, "request-pattern-changed"),
    ),
    case(
        "request-enum-introduced",
        lambda d: put(d, *schema("NewPet"), "properties", "tag", "enum", ["dog", "cat"]),
        (BREAKING, "request-enum-added"),
    ),
    case(
        "request-nullable-removed",
        lambda d: drop(d, *schema("NewPet"), "properties", "tag", "nullable"),
        (BREAKING, "request-nullable-removed"),
        old_edit=lambda d: put(d, *schema("NewPet"), "properties", "tag", "nullable", True),
    ),
    case(
        "request-type-list-loses-null-in-3-1",
        lambda d: (put(d, "openapi", "3.1.0"), put(d, *schema("NewPet"), "properties", "tag", "type", "string")),
        (BREAKING, "request-nullable-removed"),
        old_edit=lambda d: (
            put(d, "openapi", "3.1.0"),
            put(d, *schema("NewPet"), "properties", "tag", "type", ["string", "null"]),
        ),
    ),
    case(
        "allof-restructured-is-no-change",
        lambda d: put(
            d,
            *schema("NewPet"),
            {
                "allOf": [
                    {
                        "type": "object",
                        "required": ["name"],
                        "properties": copy.deepcopy(dig(BASE, *schema("NewPet"), "properties")),
                    },
                    {"description": "A pet to create."},
                ]
            },
        ),
    ),
    # both directions: one schema used in requests and responses
    case(
        "shared-enum-value-removed",
        lambda d: put(d, *schema("Status"), "enum", ["available", "sold"]),
        (BREAKING, "request-enum-value-removed"),
        (SAFE, "response-enum-value-removed"),
    ),
    case(
        "shared-enum-value-added",
        lambda d: put(d, *schema("Status"), "enum", ["available", "pending", "sold", "adopted"]),
        (SAFE, "request-enum-value-added"),
        (DANGEROUS, "response-enum-value-added"),
    ),
    # responses
    case(
        "response-required-property-removed",
        lambda d: (drop(d, *schema("Pet"), "properties", "name"), put(d, *schema("Pet"), "required", ["id"])),
        (BREAKING, "response-required-property-removed"),
        message="GET /pets: response 200 body[].name: required property removed",
    ),
    case(
        "response-optional-property-removed",
        lambda d: drop(d, *schema("Pet"), "properties", "tag"),
        (DANGEROUS, "response-optional-property-removed"),
    ),
    case(
        "response-property-became-optional",
        lambda d: put(d, *schema("Pet"), "required", ["id"]),
        (BREAKING, "response-property-became-optional"),
    ),
    case(
        "response-property-added",
        lambda d: put(d, *schema("Pet"), "properties", "age", {"type": "integer"}),
        (SAFE, "response-property-added"),
    ),
    case(
        "response-nullable-added",
        lambda d: put(d, *schema("Pet"), "properties", "tag", "nullable", True),
        (BREAKING, "response-nullable-added"),
    ),
    case(
        "response-nullable-anyof-in-3-1",
        lambda d: (
            put(d, "openapi", "3.1.0"),
            put(d, *schema("Pet"), "properties", "tag", {"anyOf": [{"type": "string"}, {"type": "null"}]}),
        ),
        (BREAKING, "response-nullable-added"),
        old_edit=lambda d: put(d, "openapi", "3.1.0"),
    ),
    case(
        "response-type-changed",
        lambda d: put(d, *schema("Pet"), "properties", "id", {"type": "string", "readOnly": True}),
        (BREAKING, "response-type-changed"),
    ),
    case(
        "response-array-items-changed-deep-in-a-cycle",
        lambda d: put(d, *schema("Pet"), "properties", "tags", "items", "type", "integer"),
        (BREAKING, "response-type-changed"),
        message="GET /pets: response 200 body[].tags[]: type changed from string to integer",
    ),
    case(
        "response-max-length-increased",
        lambda d: put(d, *schema("Pet"), "properties", "name", "maxLength", 100),
        (DANGEROUS, "response-max-length-increased"),
    ),
    case(
        "response-object-opened",
        lambda d: drop(d, *schema("Pet"), "additionalProperties"),
        (DANGEROUS, "response-additional-properties-allowed"),
        old_edit=lambda d: put(d, *schema("Pet"), "additionalProperties", False),
    ),
    case(
        "response-success-status-removed",
        lambda d: put(d, *PET_ITEM, "get", "responses", {"404": {"description": "Not found"}}),
        (BREAKING, "response-success-status-removed"),
    ),
    case(
        "response-error-status-added",
        lambda d: put(d, *PETS_POST, "responses", "422", {"description": "Invalid"}),
        (SAFE, "response-status-added"),
    ),
    case(
        "response-success-status-added",
        lambda d: put(d, *PETS_POST, "responses", "202", {"description": "Accepted"}),
        (DANGEROUS, "response-success-status-added"),
    ),
    case(
        "response-media-type-replaced",
        lambda d: put(d, *PET_ITEM, "get", "responses", "200", "content", {"application/xml": {"schema": ref("Pet")}}),
        (BREAKING, "response-media-type-removed"),
        (SAFE, "response-media-type-added"),
    ),
    case(
        "response-required-header-removed",
        lambda d: drop(d, *PETS_GET, "responses", "200", "headers"),
        (BREAKING, "response-required-header-removed"),
    ),
    case(
        "response-alternative-added",
        lambda d: dig(d, *PET_ITEM, "get", "responses", "200", "content", "application/json", "schema", "oneOf").append(
            ref("Error")
        ),
        (DANGEROUS, "response-alternative-added"),
        old_edit=lambda d: put(
            d,
            *PET_ITEM,
            "get",
            "responses",
            "200",
            "content",
            "application/json",
            "schema",
            {"oneOf": [ref("Pet"), ref("Person"), {"type": "string"}]},
        ),
    ),
    case(
        "read-only-property-is-not-part-of-a-request",
        lambda d: (
            put(d, *PET_ITEM, "put", PUT_PET),
            put(d, *schema("Pet"), "properties", "createdAt", {"type": "string", "readOnly": True}),
            dig(d, *schema("Pet"), "required").append("createdAt"),
        ),
        (SAFE, "response-property-added"),
        old_edit=lambda d: put(d, *PET_ITEM, "put", PUT_PET),
    ),
    # security
    case(
        "security-added-to-an-operation",
        lambda d: put(d, *PETS_GET, "security", [{"apiKey": []}]),
        (BREAKING, "security-added"),
    ),
    case(
        "global-security-added-reaches-inheriting-operations",
        lambda d: put(d, "security", [{"apiKey": []}]),
        (BREAKING, "security-added"),
        message="DELETE /pets/{petId}: now requires authentication (apiKey)",
    ),
    case(
        "security-scope-added",
        lambda d: put(d, *PETS_POST, "security", [{"oauth": ["read", "write"]}]),
        (BREAKING, "security-scope-added"),
    ),
    case(
        "security-alternative-added",
        lambda d: dig(d, *PETS_POST, "security").append({"apiKey": []}),
        (SAFE, "security-alternative-added"),
    ),
    case(
        "security-scheme-removed",
        lambda d: drop(d, "components", "securitySchemes", "apiKey"),
        (BREAKING, "security-scheme-removed"),
    ),
    case(
        "security-scheme-changed",
        lambda d: put(d, "components", "securitySchemes", "apiKey", "name", "X-Key"),
        (BREAKING, "security-scheme-changed"),
    ),
    # servers and components
    case(
        "server-base-path-changed",
        lambda d: put(d, "servers", [{"url": "https://api.example.com/v2"}]),
        (DANGEROUS, "server-url-changed"),
    ),
    case(
        "schema-added-to-components",
        lambda d: put(d, *schema("Owner"), {"type": "object"}),
        (SAFE, "schema-added"),
    ),
    case(
        "unused-schema-removed-from-components",
        lambda d: drop(d, *schema("Spare")),
        (SAFE, "schema-removed"),
        old_edit=lambda d: put(d, *schema("Spare"), {"type": "string"}),
    ),
    case(
        "example-changed",
        lambda d: put(d, *PETS_POST, "requestBody", "content", "application/json", "example", {"name": "Tom"}),
        (SAFE, "example-changed"),
        old_edit=lambda d: put(d, *PETS_POST, "requestBody", "content", "application/json", "example", {"name": "Rex"}),
    ),
    case(
        "parameter-description-changed",
        lambda d: put(d, *LIMIT, "description", "Page size"),
        (SAFE, "description-changed"),
        message="GET /pets: query parameter limit description changed",
    ),
    case(
        "parameter-became-optional",
        lambda d: drop(d, *LIMIT, "required"),
        (SAFE, "request-parameter-became-optional"),
        old_edit=lambda d: put(d, *LIMIT, "required", True),
    ),
    case(
        "parameter-multiple-of-introduced",
        lambda d: put(d, *LIMIT, "schema", "multipleOf", 5),
        (BREAKING, "request-multiple-of-changed"),
    ),
    case(
        "parameter-multiple-of-relaxed",
        lambda d: put(d, *LIMIT, "schema", "multipleOf", 5),
        (SAFE, "request-constraint-widened"),
        old_edit=lambda d: put(d, *LIMIT, "schema", "multipleOf", 10),
    ),
    case(
        "request-body-added-required",
        lambda d: put(d, *PET_ITEM, "delete", "requestBody", {"required": True, "content": JSON_OBJECT}),
        (BREAKING, "request-body-added-required"),
    ),
    case(
        "request-body-added-optional",
        lambda d: put(d, *PET_ITEM, "delete", "requestBody", {"content": JSON_OBJECT}),
        (SAFE, "request-body-added"),
    ),
    case(
        "request-media-type-added",
        lambda d: put(d, *PETS_POST, "requestBody", "content", "application/xml", {"schema": ref("NewPet")}),
        (SAFE, "request-media-type-added"),
    ),
    case(
        "request-plain-value-becomes-a-choice",
        lambda d: put(d, *schema("NewPet"), "properties", "tag", {"oneOf": [{"type": "string"}, {"type": "integer"}]}),
        (SAFE, "request-alternative-added"),
    ),
    case(
        "request-choice-loses-an-alternative",
        lambda d: put(d, *schema("NewPet"), "properties", "tag", {"type": "string"}),
        (BREAKING, "request-alternative-removed"),
        old_edit=lambda d: put(
            d, *schema("NewPet"), "properties", "tag", {"oneOf": [{"type": "string"}, {"type": "integer"}]}
        ),
    ),
    case(
        "request-map-values-narrowed",
        lambda d: put(d, *schema("NewPet"), "additionalProperties", "maxLength", 5),
        (BREAKING, "request-max-length-decreased"),
        old_edit=lambda d: put(d, *schema("NewPet"), "additionalProperties", {"type": "string", "maxLength": 10}),
        message="POST /pets: body.*: maxLength decreased from 10 to 5",
    ),
    case(
        "shared-enum-removed",
        lambda d: drop(d, *schema("Status"), "enum"),
        (SAFE, "request-constraint-widened"),
        (DANGEROUS, "response-enum-removed"),
    ),
    case(
        "response-format-removed",
        lambda d: drop(d, *schema("Pet"), "properties", "id", "format"),
        (BREAKING, "response-format-changed"),
    ),
    case(
        "response-pattern-changed",
        lambda d: put(d, *schema("Pet"), "properties", "name", "pattern", "^[A-Za-z ]+$"),
        (DANGEROUS, "response-pattern-changed"),
        old_edit=lambda d: put(d, *schema("Pet"), "properties", "name", "pattern", "^[A-Za-z]+$"),
    ),
    case(
        "response-unique-items-removed",
        lambda d: drop(d, *schema("Pet"), "properties", "tags", "uniqueItems"),
        (DANGEROUS, "response-unique-items-removed"),
        old_edit=lambda d: put(d, *schema("Pet"), "properties", "tags", "uniqueItems", True),
    ),
    case(
        "response-unique-items-added",
        lambda d: put(d, *schema("Pet"), "properties", "tags", "uniqueItems", True),
        (SAFE, "response-constraint-narrowed"),
    ),
    case(
        "response-number-becomes-integer",
        lambda d: put(d, *schema("Pet"), "properties", "tags", "items", "type", "integer"),
        (SAFE, "response-type-narrowed"),
        old_edit=lambda d: put(d, *schema("Pet"), "properties", "tags", "items", "type", "number"),
    ),
    case(
        "response-property-deprecated",
        lambda d: put(d, *schema("Pet"), "properties", "tag", "deprecated", True),
        (SAFE, "property-deprecated"),
    ),
    case(
        "response-error-status-removed",
        lambda d: drop(d, *PET_ITEM, "get", "responses", "404"),
        (DANGEROUS, "response-status-removed"),
    ),
    case(
        "response-header-added",
        lambda d: put(d, *PETS_GET, "responses", "200", "headers", "X-Next", {"schema": {"type": "string"}}),
        (SAFE, "response-header-added"),
    ),
    case(
        "response-header-became-optional",
        lambda d: drop(d, *PETS_GET, "responses", "200", "headers", "X-Total", "required"),
        (BREAKING, "response-header-became-optional"),
    ),
    case(
        "response-discriminator-changed",
        lambda d: put(d, *PET_ITEM, "get", "responses", "200", "content", "application/json", "schema", CHOICE),
        (SAFE, "response-discriminator-value-removed"),
        (BREAKING, "discriminator-property-changed"),
        old_edit=lambda d: put(
            d,
            *PET_ITEM,
            "get",
            "responses",
            "200",
            "content",
            "application/json",
            "schema",
            {**CHOICE, "discriminator": {"propertyName": "kind", "mapping": {**MAPPING, "person": PERSON}}},
        ),
    ),
    case(
        "security-removed",
        lambda d: put(d, *PETS_POST, "security", []),
        (SAFE, "security-removed"),
    ),
    case(
        "security-scheme-swapped",
        lambda d: put(d, *PETS_POST, "security", [{"apiKey": []}]),
        (BREAKING, "security-requirement-changed"),
        (SAFE, "security-alternative-added"),
    ),
    case(
        "operation-tags-changed",
        lambda d: put(d, *PETS_GET, "tags", ["pets"]),
        (SAFE, "operation-tags-changed"),
    ),
    case(
        "server-added",
        lambda d: dig(d, "servers").append({"url": "https://eu.api.example.com/v1"}),
        (SAFE, "server-added"),
    ),
    case(
        "server-removed",
        lambda d: dig(d, "servers").pop(),
        (DANGEROUS, "server-removed"),
        old_edit=lambda d: dig(d, "servers").append({"url": "https://eu.api.example.com/v1"}),
    ),
    case(
        "webhook-payload-changed",
        lambda d: put(d, "webhooks", "petAdopted", "post", "requestBody", "content", JSON_OBJECT),
        (DANGEROUS, "webhook-changed"),
        old_edit=lambda d: (put(d, "openapi", "3.1.0"), put(d, "webhooks", WEBHOOKS)),
    ),
    case(
        "webhook-removed",
        lambda d: drop(d, "webhooks", "petAdopted"),
        (DANGEROUS, "webhook-removed"),
        old_edit=lambda d: (put(d, "openapi", "3.1.0"), put(d, "webhooks", WEBHOOKS)),
    ),
    case(
        "callback-changed",
        lambda d: put(d, *PETS_POST, "callbacks", "onAdopted", "{$request.body#/callbackUrl}", "post", "summary", "Hi"),
        (DANGEROUS, "callback-changed"),
        old_edit=lambda d: put(d, *PETS_POST, "callbacks", copy.deepcopy(CALLBACKS)),
    ),
    case(
        "callback-added",
        lambda d: put(d, *PETS_POST, "callbacks", copy.deepcopy(CALLBACKS)),
        (SAFE, "callback-added"),
    ),
    case(
        "deprecated-path-removed",
        lambda d: drop(d, *PET_ITEM),
        (DANGEROUS, "deprecated-path-removed"),
        old_edit=lambda d: (
            put(d, *PET_ITEM, "get", "deprecated", True),
            put(d, *PET_ITEM, "delete", "deprecated", True),
        ),
    ),
    case(
        "request-body-became-optional",
        lambda d: put(d, *PETS_POST, "requestBody", "required", False),
        (SAFE, "request-body-became-optional"),
    ),
    case(
        "request-minimum-increased",
        lambda d: put(d, *LIMIT, "schema", "minimum", 5),
        (BREAKING, "request-minimum-increased"),
    ),
    case(
        "request-max-items-decreased",
        lambda d: put(d, *NEW_PET_PROPERTY, "labels", "maxItems", 5),
        (BREAKING, "request-max-items-decreased"),
        message="POST /pets: body.labels: maxItems decreased from 10 to 5",
    ),
    case(
        "request-min-items-increased",
        lambda d: put(d, *NEW_PET_PROPERTY, "labels", "minItems", 1),
        (BREAKING, "request-min-items-increased"),
    ),
    case(
        "request-unique-items-added",
        lambda d: put(d, *NEW_PET_PROPERTY, "labels", "uniqueItems", True),
        (BREAKING, "request-unique-items-added"),
    ),
    case(
        "request-max-properties-decreased",
        lambda d: put(d, *NEW_PET_PROPERTY, "extra", "maxProperties", 3),
        (BREAKING, "request-max-properties-decreased"),
    ),
    case(
        "request-min-properties-increased",
        lambda d: put(d, *NEW_PET_PROPERTY, "extra", "minProperties", 1),
        (BREAKING, "request-min-properties-increased"),
    ),
    case(
        "request-nullable-added",
        lambda d: put(d, *NEW_PET_PROPERTY, "tag", "nullable", True),
        (SAFE, "request-nullable-added"),
    ),
    case(
        "request-property-became-optional",
        lambda d: put(d, *schema("NewPet"), "required", ["name"]),
        (SAFE, "request-property-became-optional"),
        old_edit=lambda d: put(d, *schema("NewPet"), "required", ["name", "tag"]),
    ),
    case(
        "request-discriminator-value-removed",
        lambda d: drop(
            d, *PETS_POST, "requestBody", "content", "application/json", "schema", "discriminator", "mapping", "error"
        ),
        (BREAKING, "request-discriminator-value-removed"),
        old_edit=lambda d: put(d, *PETS_POST, "requestBody", "content", "application/json", "schema", REQUEST_CHOICE),
    ),
    case(
        "request-discriminator-value-added",
        lambda d: put(
            d,
            *PETS_POST,
            "requestBody",
            "content",
            "application/json",
            "schema",
            "discriminator",
            "mapping",
            "puppy",
            NEW_PET,
        ),
        (SAFE, "request-discriminator-value-added"),
        old_edit=lambda d: put(d, *PETS_POST, "requestBody", "content", "application/json", "schema", REQUEST_CHOICE),
    ),
    case(
        "response-discriminator-value-added",
        lambda d: put(
            d,
            *PET_ITEM,
            "get",
            "responses",
            "200",
            "content",
            "application/json",
            "schema",
            "discriminator",
            "mapping",
            "person",
            PERSON,
        ),
        (DANGEROUS, "response-discriminator-value-added"),
        old_edit=lambda d: put(
            d, *PET_ITEM, "get", "responses", "200", "content", "application/json", "schema", CHOICE
        ),
    ),
    case(
        "response-alternative-removed",
        lambda d: dig(d, *PET_ITEM, "get", "responses", "200", "content", "application/json", "schema", "oneOf").pop(),
        (SAFE, "response-alternative-removed"),
        old_edit=lambda d: put(
            d,
            *PET_ITEM,
            "get",
            "responses",
            "200",
            "content",
            "application/json",
            "schema",
            {"oneOf": [ref("Pet"), ref("Person"), {"type": "string"}]},
        ),
    ),
    case(
        "response-optional-header-removed",
        lambda d: drop(d, *PETS_GET, "responses", "200", "headers", "X-Next"),
        (DANGEROUS, "response-header-removed"),
        old_edit=lambda d: put(d, *PETS_GET, "responses", "200", "headers", "X-Next", {"schema": {"type": "string"}}),
    ),
    case(
        "response-max-items-increased",
        lambda d: put(d, *PET_PROPERTY, "tags", "maxItems", 10),
        (DANGEROUS, "response-max-items-increased"),
        old_edit=lambda d: put(d, *PET_PROPERTY, "tags", "maxItems", 5),
    ),
    case(
        "response-min-items-decreased",
        lambda d: put(d, *PET_PROPERTY, "tags", "minItems", 0),
        (DANGEROUS, "response-min-items-decreased"),
        old_edit=lambda d: put(d, *PET_PROPERTY, "tags", "minItems", 1),
    ),
    case(
        "response-min-length-decreased",
        lambda d: put(d, *PET_PROPERTY, "name", "minLength", 1),
        (DANGEROUS, "response-min-length-decreased"),
        old_edit=lambda d: put(d, *PET_PROPERTY, "name", "minLength", 2),
    ),
    case(
        "response-max-properties-increased",
        lambda d: put(d, *schema("Pet"), "maxProperties", 20),
        (DANGEROUS, "response-max-properties-increased"),
        old_edit=lambda d: put(d, *schema("Pet"), "maxProperties", 10),
    ),
    case(
        "response-min-properties-decreased",
        lambda d: put(d, *schema("Pet"), "minProperties", 1),
        (DANGEROUS, "response-min-properties-decreased"),
        old_edit=lambda d: put(d, *schema("Pet"), "minProperties", 2),
    ),
    case(
        "response-maximum-increased",
        lambda d: put(d, *ERROR_CODE, "maximum", 999),
        (DANGEROUS, "response-maximum-increased"),
        old_edit=lambda d: put(d, *ERROR_CODE, "maximum", 599),
        message="GET /pets: response default body.code: maximum increased from 599 to 999",
    ),
    case(
        "response-minimum-decreased",
        lambda d: put(d, *ERROR_CODE, "minimum", 100),
        (DANGEROUS, "response-minimum-decreased"),
        old_edit=lambda d: put(d, *ERROR_CODE, "minimum", 400),
    ),
    case(
        "response-multiple-of-loosened",
        lambda d: put(d, *ERROR_CODE, "multipleOf", 5),
        (DANGEROUS, "response-multiple-of-changed"),
        old_edit=lambda d: put(d, *ERROR_CODE, "multipleOf", 10),
    ),
    case(
        "response-nullable-removed",
        lambda d: drop(d, *PET_PROPERTY, "tag", "nullable"),
        (SAFE, "response-nullable-removed"),
        old_edit=lambda d: put(d, *PET_PROPERTY, "tag", "nullable", True),
    ),
    case(
        "response-property-became-required",
        lambda d: dig(d, *schema("Pet"), "required").append("tag"),
        (SAFE, "response-property-became-required"),
    ),
    case(
        "security-scheme-added",
        lambda d: put(d, "components", "securitySchemes", "basic", {"type": "http", "scheme": "basic"}),
        (SAFE, "security-scheme-added"),
    ),
    case(
        "webhook-added",
        lambda d: (put(d, "openapi", "3.1.0"), put(d, "webhooks", WEBHOOKS)),
        (SAFE, "webhook-added"),
        old_edit=lambda d: put(d, "openapi", "3.1.0"),
    ),
    case(
        "callback-removed",
        lambda d: drop(d, *PETS_POST, "callbacks"),
        (DANGEROUS, "callback-removed"),
        old_edit=lambda d: put(d, *PETS_POST, "callbacks", CALLBACKS),
    ),
]


def write(path: Path, document: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def sides(tmp_path: Path, old_edit: Edit | None, new_edit: Edit | None) -> tuple[Path, Path]:
    old, new = copy.deepcopy(BASE), copy.deepcopy(BASE)
    if old_edit is not None:
        old_edit(old)
        old_edit(new)
    if new_edit is not None:
        new_edit(new)
    return write(tmp_path / "old" / "api.yaml", old), write(tmp_path / "new" / "api.yaml", new)


def diff(old: Path, new: Path) -> list[Change]:
    sink = DiagnosticSink()
    changes = diff_openapi(old, new, sink)
    assert not sink.has_errors, [str(item) for item in sink.items]
    return changes


@pytest.mark.parametrize("change_case", CASES)
def test_each_change_has_its_rule_and_level(tmp_path: Path, change_case: Case) -> None:
    old, new = sides(tmp_path, change_case.old_edit, change_case.new_edit)
    changes = diff(old, new)
    assert {(change.level, change.rule) for change in changes} == change_case.expected, [str(c) for c in changes]
    if change_case.message is not None:
        assert any(change_case.message in change.message for change in changes), [c.message for c in changes]
    for change in changes:
        assert change.location is not None and change.location.line is not None, change


def test_the_table_exercises_every_rule_at_its_level() -> None:
    assert len(CASES) >= 35
    covered = {(level, rule) for param in CASES for level, rule in param.values[0].expected}
    assert covered == {(level, rule) for rule, level in RULES.items()}


def test_every_rule_is_namespaced_kebab_case() -> None:
    for rule in RULES:
        assert re.fullmatch(r"openapi\.[a-z0-9]+(-[a-z0-9]+)*", rule), rule


def test_global_security_is_reported_for_each_inheriting_operation(tmp_path: Path) -> None:
    old, new = sides(tmp_path, None, lambda d: put(d, "security", [{"apiKey": []}]))
    operations = sorted(change.message.split(":")[0] for change in diff(old, new))
    assert operations == ["DELETE /pets/{petId}", "GET /pets", "GET /pets/{petId}"]  # POST has its own


@pytest.mark.parametrize(
    "contract",
    [*sorted(SPECS.glob("*.yaml")), SPECS / "multifile" / "openapi.yaml"],
    ids=lambda path: path.relative_to(SPECS).as_posix(),
)
def test_a_contract_diffed_with_itself_has_no_changes(contract: Path) -> None:
    assert diff(contract, contract) == []


def rename_refs(node: Any, old: str, new: str) -> Any:
    if isinstance(node, dict):
        return {
            key: new if key == "$ref" and value == old else rename_refs(value, old, new) for key, value in node.items()
        }
    if isinstance(node, list):
        return [rename_refs(item, old, new) for item in node]
    return node


def test_a_schema_renamed_in_components_is_no_change(tmp_path: Path) -> None:
    def rename(document: dict[str, Any]) -> None:
        renamed = rename_refs(document, "#/components/schemas/Pet", "#/components/schemas/Animal")
        schemas = renamed["components"]["schemas"]
        renamed["components"]["schemas"] = {("Animal" if name == "Pet" else name): s for name, s in schemas.items()}
        document.clear()
        document.update(renamed)

    old, new = sides(tmp_path, None, rename)
    assert "Animal" in new.read_text()
    assert diff(old, new) == []


def test_a_schema_moved_to_another_file_is_no_change(tmp_path: Path) -> None:
    old, _ = sides(tmp_path, None, None)
    moved = rename_refs(copy.deepcopy(BASE), "#/components/schemas/Status", "./common/status.yaml")
    moved = rename_refs(moved, "#/components/schemas/Person", "./common/people.yaml#/Person")
    del moved["components"]["schemas"]["Status"]
    del moved["components"]["schemas"]["Person"]
    new = write(tmp_path / "moved" / "api.yaml", moved)
    write(new.parent / "common" / "status.yaml", BASE["components"]["schemas"]["Status"])
    person = rename_refs(
        BASE["components"]["schemas"]["Person"], "#/components/schemas/Pet", "../api.yaml#/components/schemas/Pet"
    )
    write(new.parent / "common" / "people.yaml", {"Person": person})
    assert diff(old, new) == []


def line_of(text: str, needle: str, after: str = "") -> int:
    """1-based line of the first `needle` after the first `after`."""
    start = text.index(after)
    return text[: text.index(needle, start)].count("\n") + 1


def test_a_change_is_located_in_new_and_a_removal_in_old(tmp_path: Path) -> None:
    def edit(document: dict[str, Any]) -> None:
        put(document, *schema("NewPet"), "properties", "name", "maxLength", 20)
        drop(document, *PET_ITEM, "delete")

    old, new = sides(tmp_path, None, edit)
    changes = {change.rule: change for change in diff(old, new)}
    narrowed = changes["openapi.request-max-length-decreased"].location
    assert narrowed is not None
    assert narrowed.file == str(new)
    assert narrowed.line == line_of(new.read_text(), "maxLength", after="NewPet:")
    assert narrowed.pointer == "/components/schemas/NewPet/properties/name/maxLength"
    removed = changes["openapi.operation-removed"].location
    assert removed is not None
    assert removed.file == str(old)
    assert removed.line == line_of(old.read_text(), "delete:")
    assert removed.pointer == "/paths/~1pets~1{petId}/delete"


def test_a_change_in_a_referenced_file_is_located_in_that_file(tmp_path: Path) -> None:
    def split(directory: Path, max_length: int) -> Path:
        document = rename_refs(copy.deepcopy(BASE), "#/components/schemas/NewPet", "./new-pet.yaml")
        del document["components"]["schemas"]["NewPet"]
        new_pet = copy.deepcopy(BASE["components"]["schemas"]["NewPet"])
        new_pet["properties"]["name"]["maxLength"] = max_length
        new_pet = rename_refs(new_pet, "#/components/schemas/Status", "./api.yaml#/components/schemas/Status")
        write(directory / "new-pet.yaml", new_pet)
        return write(directory / "api.yaml", document)

    changes = diff(split(tmp_path / "old", 50), split(tmp_path / "new", 20))
    assert [change.rule for change in changes] == ["openapi.request-max-length-decreased"]
    location = changes[0].location
    assert location is not None and location.file.endswith("new-pet.yaml")
    assert location.line == line_of((tmp_path / "new" / "new-pet.yaml").read_text(), "maxLength")


def test_an_unreadable_side_reports_errors_and_no_changes(tmp_path: Path) -> None:
    old, new = sides(tmp_path, None, None)
    new.write_text("openapi: 3.0.3\ninfo: [\n", encoding="utf-8")
    sink = DiagnosticSink()
    assert diff_openapi(old, new, sink) == []
    assert sink.has_errors


# --- the command line ---------------------------------------------------------------------


def run_diff(*arguments: str) -> Any:
    return runner.invoke(app, ["diff", *arguments])


def test_cli_exits_1_on_a_breaking_change(tmp_path: Path) -> None:
    old, new = sides(tmp_path, None, lambda d: drop(d, *PET_ITEM))
    result = run_diff(str(old), str(new))
    assert result.exit_code == 1, result.output
    assert "breaking[openapi.path-removed]" in result.output


def test_cli_fail_on_never_exits_0(tmp_path: Path) -> None:
    old, new = sides(tmp_path, None, lambda d: drop(d, *PET_ITEM))
    result = run_diff(str(old), str(new), "--fail-on", "never")
    assert result.exit_code == 0, result.output


def test_cli_fail_on_dangerous_fails_on_a_dangerous_change_only(tmp_path: Path) -> None:
    old, new = sides(tmp_path, None, lambda d: put(d, *PETS_GET, "operationId", "findPets"))
    assert run_diff(str(old), str(new)).exit_code == 0
    result = run_diff(str(old), str(new), "--fail-on", "dangerous")
    assert result.exit_code == 1, result.output
    assert "dangerous[openapi.operation-id-changed]" in result.output


def test_cli_json_lists_changes_with_rules(tmp_path: Path) -> None:
    old, new = sides(tmp_path, None, lambda d: put(d, *schema("NewPet"), "properties", "nickname", {"type": "string"}))
    result = run_diff(str(old), str(new), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["protocol"] == "openapi"
    assert [change["rule"] for change in report["changes"]] == ["openapi.request-property-added"]
    assert report["changes"][0]["file"] == str(new)


def test_cli_compares_with_a_git_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    environment = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

    def git(*arguments: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *arguments],
            cwd=tmp_path,
            env=environment,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    contract = write(tmp_path / "api.yaml", copy.deepcopy(BASE))
    git("add", "api.yaml")
    git("commit", "-q", "-m", "old contract")
    changed = copy.deepcopy(BASE)
    drop(changed, *PET_ITEM, "delete")
    write(contract, changed)
    result = run_diff("git:HEAD:api.yaml", "api.yaml", "--json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert [(change["rule"], change["file"]) for change in report["changes"]] == [
        ("openapi.operation-removed", "git:HEAD:api.yaml")
    ]
