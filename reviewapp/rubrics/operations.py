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


STRUCTURAL = ("weight", "min", "max")


def reviews_on(rubric: Rubric) -> int:
    from reviewapp.reviews.models import Review

    return db.session.scalar(db.select(db.func.count(Review.id)).filter_by(rubric_id=rubric.id))


def _match(current: list[Criterion], clean: list[dict]) -> list[Criterion | None]:
    """For each new item, the current criterion it edits: by id, then by name, then (when only
    labels changed) by position; None for an added criterion."""
    by_id = {c.id: c for c in current}
    by_name = {c.name.casefold(): c for c in current}
    matched: list[Criterion | None] = []
    used: set[int] = set()
    for item in clean:
        found = by_id.get(item.get("id")) or by_name.get(item["name"].casefold())
        if found is not None and found.id in used:
            found = None
        matched.append(found)
        if found is not None:
            used.add(found.id)
    left = [c for c in current if c.id not in used]
    holes = [i for i, m in enumerate(matched) if m is None]
    if left and len(left) == len(holes):
        for i, criterion in zip(holes, left, strict=True):
            matched[i] = criterion
    return matched


def _as_item(criterion: Criterion) -> dict:
    return {"weight": criterion.weight, "min": criterion.scale_min, "max": criterion.scale_max}


def is_structural_change(current: Rubric, criteria: list[dict]) -> bool:
    clean = [
        dict(item, id=raw.get("id"))
        for item, raw in zip(validate_criteria(criteria), criteria, strict=True)
    ]
    matched = _match(list(current.criteria), clean)
    if len(clean) != len(current.criteria) or any(m is None for m in matched):
        return True
    return any(
        _as_item(m)[key] != item[key]
        for m, item in zip(matched, clean, strict=True)
        for key in STRUCTURAL
    )


def save_rubric(position: Position, criteria: list[dict], *, actor) -> tuple[Rubric, str]:
    """Apply an edited definition. Labels, descriptions, level texts, required and order change
    in place; a change of scale or weight, or an added/removed criterion, creates a new version
    once reviews exist on the current one (their scores keep their meaning). Returns the rubric
    and what happened: created, new version, updated or unchanged."""
    current = current_rubric(position)
    if current is None:
        return create_rubric_version(position, criteria, actor=actor), "created"
    clean = validate_criteria(criteria)
    for item, raw in zip(clean, criteria, strict=True):
        item["id"] = raw.get("id")
    structural = is_structural_change(current, criteria)
    if structural and reviews_on(current):
        return create_rubric_version(position, criteria, actor=actor), "new version"
    old = {"criteria": [dict(_as_item(c), name=c.name) for c in current.criteria]}
    matched = _match(list(current.criteria), clean)
    changed = False
    keep = {m.id for m in matched if m is not None}
    for criterion in list(current.criteria):
        if criterion.id not in keep:
            current.criteria.remove(criterion)
            changed = True
    # Park the names first so a swap of two names does not trip the unique constraint.
    for m, item in zip(matched, clean, strict=True):
        if m is not None and m.name != item["name"]:
            m.name = f"~renaming~{m.id}"
    db.session.flush()
    for order, (m, item) in enumerate(zip(matched, clean, strict=True)):
        criterion = m or Criterion()
        values = {
            "name": item["name"], "description": item["description"], "weight": item["weight"],
            "scale_min": item["min"], "scale_max": item["max"], "levels": item["levels"],
            "is_required": item["required"], "order": order,
        }  # fmt: skip
        for key, value in values.items():
            if getattr(criterion, key) != value:
                setattr(criterion, key, value)
                changed = True
        if m is None:
            current.criteria.append(criterion)
    if not changed:
        return current, "unchanged"
    current.criteria.sort(key=lambda c: c.order)
    db.session.flush()
    audit.record(
        "rubric.update",
        current,
        actor=actor,
        position=position,
        summary=f"version {current.version} edited in place",
        old=old,
        new={"criteria": [{k: v for k, v in i.items() if k != "id"} for i in clean]},
    )
    return current, "updated"
