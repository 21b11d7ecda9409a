"""Rubrics as YAML or JSON text: the same shape as `rubrics/templates.py`. Pure."""

import json

import yaml

from reviewapp.rubrics.operations import RubricError

MAX_RUBRIC_BYTES = 256 * 1024


def parse_rubric(text: str, filename: str = "") -> list[dict]:
    """The list of criterion dicts in a YAML or JSON document ({criteria: [...]} or a list)."""
    if len(text.encode("utf-8", "replace")) > MAX_RUBRIC_BYTES:
        raise RubricError("The rubric file is too large.")
    try:
        data = json.loads(text) if filename.lower().endswith(".json") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as error:
        raise RubricError(f"The rubric file could not be read: {error}") from error
    if isinstance(data, dict):
        data = data.get("criteria")
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise RubricError("The rubric file needs a list of criteria (under 'criteria').")
    for item in data:
        levels = item.get("levels")
        if levels is not None and not isinstance(levels, dict):
            raise RubricError(f"Criterion {item.get('name')!r}: levels must map a value to a text.")
    return data


def rubric_data(rubric) -> dict:
    return {
        "criteria": [
            {
                "name": c.name,
                "description": c.description,
                "weight": int(c.weight) if float(c.weight).is_integer() else c.weight,
                "min": c.scale_min,
                "max": c.scale_max,
                "required": c.is_required,
                **({"levels": {int(k): v for k, v in c.levels.items()}} if c.levels else {}),
            }
            for c in rubric.criteria
        ]
    }


def dump_rubric(rubric, *, as_json: bool = False) -> str:
    data = rubric_data(rubric)
    if as_json:
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
