"""Rubric operations. They flush and audit; the caller commits."""

from reviewapp import audit
from reviewapp.extensions import db
from reviewapp.positions.models import Position
from reviewapp.rubrics.models import Criterion, Rubric


class RubricError(ValueError):
    """A rubric definition that cannot be used, with a message for the chair."""


def current_rubric(position: Position) -> Rubric | None:
    return db.session.execute(
        db.select(Rubric)
        .filter_by(position_id=position.id)
        .order_by(Rubric.version.desc())
        .limit(1)
    ).scalar_one_or_none()


def validate_criteria(criteria: list[dict]) -> list[dict]:
    """Check a list of criterion definitions ({name, weight, min, max, description, levels,
    required}) and return them normalised; raise RubricError naming the first problem."""
    if not criteria:
        raise RubricError("A rubric needs at least one criterion.")
    seen, clean = set(), []
    for number, item in enumerate(criteria, start=1):
        name = str(item.get("name") or "").strip()
        if not name:
            raise RubricError(f"Criterion {number} has no name.")
        if name.casefold() in seen:
            raise RubricError(f"Two criteria are named {name!r}.")
        seen.add(name.casefold())
        try:
            weight = float(item.get("weight", 1))
            low, high = int(item.get("min", 1)), int(item.get("max", 5))
        except (TypeError, ValueError) as error:
            raise RubricError(
                f"Criterion {name!r}: weight, min and max must be numbers."
            ) from error
        if not weight > 0 or weight != weight or weight == float("inf"):
            raise RubricError(f"Criterion {name!r}: the weight must be a positive number.")
        if low >= high:
            raise RubricError(f"Criterion {name!r}: min must be below max.")
        levels = {str(k): str(v).strip() for k, v in (item.get("levels") or {}).items()}
        stray = [k for k in levels if not (k.lstrip("-").isdigit() and low <= int(k) <= high)]
        if stray:
            raise RubricError(f"Criterion {name!r}: level {stray[0]} is outside {low}–{high}.")
        clean.append(
            {
                "name": name[:120],
                "weight": weight,
                "min": low,
                "max": high,
                "description": str(item.get("description") or "").strip(),
                "levels": levels,
                "required": bool(item.get("required", True)),
            }
        )
    return clean


def create_rubric_version(position: Position, criteria: list[dict], *, actor) -> Rubric:
    """Store the criteria as the position's next rubric version."""
    clean = validate_criteria(criteria)
    previous = current_rubric(position)
    rubric = Rubric(
        position_id=position.id,
        version=(previous.version + 1) if previous else 1,
        created_by_id=getattr(actor, "id", None),
    )
    for order, item in enumerate(clean):
        rubric.criteria.append(
            Criterion(
                name=item["name"],
                weight=item["weight"],
                scale_min=item["min"],
                scale_max=item["max"],
                description=item["description"],
                levels=item["levels"],
                is_required=item["required"],
                order=order,
            )
        )
    db.session.add(rubric)
    db.session.flush()
    audit.record(
        "rubric.create",
        rubric,
        actor=actor,
        position=position,
        summary=f"version {rubric.version}",
        new={"criteria": clean},
    )
    return rubric
