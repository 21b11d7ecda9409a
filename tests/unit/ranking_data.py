"""Shared ranking test data: a single 0–10 criterion, as the criteria frame describes it."""

import pandas as pd

OVERALL = pd.DataFrame(
    {
        "criterion_id": [1],
        "rubric_id": [1],
        "name": ["Overall"],
        "weight": [1.0],
        "scale_min": [0],
        "scale_max": [10],
        "position": [1],
        "description": ["How good overall"],
    }
)
