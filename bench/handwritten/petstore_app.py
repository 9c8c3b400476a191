"""A hand-written FastAPI app serving petstore.yaml's GET endpoints, as a team would write it.

The baseline of `bench/fastapi_throughput.py`: the same paths, parameters, constraints and answers
as the generated service's mock, with pydantic models and FastAPI's own validation, the way the
FastAPI documentation writes an app. No contractgen code is used here.
"""

from __future__ import annotations

import enum
from typing import Annotated

from fastapi import FastAPI, Header, HTTPException, Path, Query
from pydantic import BaseModel


class PetStatus(str, enum.Enum):
    available = "available"
    pending = "pending"
    sold = "sold"


class Pet(BaseModel):
    id: int
    name: str
    tag: str | None = None
    status: PetStatus


PETS = [
    Pet(id=1, name="Rex", tag="dog", status=PetStatus.available),
    Pet(id=2, name="Tom", tag="cat", status=PetStatus.sold),
]

app = FastAPI(title="Pet Store", version="1.0.0")


@app.get("/pets", response_model=list[Pet])
async def list_pets(
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
    x_request_id: Annotated[str | None, Header(max_length=64)] = None,
) -> list[Pet]:
    return PETS[offset : offset + limit]


@app.get("/pets/{petId}", response_model=Pet)
async def get_pet(pet_id: Annotated[int, Path(alias="petId", ge=1)]) -> Pet:
    for pet in PETS:
        if pet.id == pet_id:
            return pet
    raise HTTPException(404, detail={"code": 404, "message": f"pet {pet_id} not found"})


@app.get("/store/inventory", response_model=dict[str, int])
async def get_inventory() -> dict[str, int]:
    return {"available": 12, "pending": 3, "sold": 7}


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}
