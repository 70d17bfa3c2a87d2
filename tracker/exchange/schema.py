"""JSON Schemas of the progress and review files, generated from the pydantic models.

``python -m tracker.exchange.schema`` rewrites ``resources/schema/``; a test fails when the
shipped files differ from what the models generate. Pure; any thread.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from tracker.exchange.models import ProgressFile, ReviewFile

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMAS: dict[str, tuple[type[BaseModel], str]] = {
    "progress.schema.json": (ProgressFile, "MLOps Career Tracker progress file"),
    "review.schema.json": (ReviewFile, "MLOps Career Tracker review file")}


def generate_schemas() -> dict[str, dict[str, Any]]:
    out = {}
    for name, (model, title) in SCHEMAS.items():
        schema = model.model_json_schema(mode="validation")
        out[name] = {"$schema": DIALECT, **schema, "title": title}
    return out


def schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schemas(folder: str | Path) -> list[Path]:
    from tracker.atomicio import write_text

    written = []
    for name, schema in generate_schemas().items():
        path = Path(folder) / name
        write_text(path, schema_text(schema))
        written.append(path)
    return written


if __name__ == "__main__":
    from tracker.paths import resources_dir

    for p in write_schemas(resources_dir() / "schema"):
        print(p)
