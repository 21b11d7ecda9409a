"""Ready-made rubrics a chair can start from (plain data, same shape as the YAML/JSON files)."""

FIVE_LEVELS = {
    "5": "Exceptional: among the very best I have seen",
    "4": "Strong: clearly above the bar",
    "3": "Good: meets the bar",
    "2": "Weak: below the bar",
    "1": "Poor: serious concerns",
}

TEMPLATES: dict[str, dict] = {
    "faculty": {
        "title": "Faculty search",
        "criteria": [
            {
                "name": "Research",
                "weight": 3,
                "min": 1,
                "max": 5,
                "levels": FIVE_LEVELS,
                "description": "Originality, depth and trajectory of the research programme.",
            },
            {
                "name": "Publications",
                "weight": 2,
                "min": 1,
                "max": 5,
                "levels": FIVE_LEVELS,
                "description": "Quality and venues of the publications, for the career stage.",
            },
            {
                "name": "Teaching",
                "weight": 2,
                "min": 1,
                "max": 5,
                "levels": FIVE_LEVELS,
                "description": "Teaching experience, statement and ability to cover our courses.",
            },
            {
                "name": "Service/Fit",
                "weight": 1,
                "min": 1,
                "max": 5,
                "levels": FIVE_LEVELS,
                "description": "Fit with the department's needs; service and mentoring.",
            },
            {
                "name": "Letters",
                "weight": 1,
                "min": 1,
                "max": 5,
                "levels": FIVE_LEVELS,
                "required": False,
                "description": "Strength of the reference letters (leave empty if none yet).",
            },
        ],
    },
    "fellowship": {
        "title": "Fellowship",
        "criteria": [
            {
                "name": "Proposal",
                "weight": 3,
                "min": 0,
                "max": 10,
                "description": "Quality, feasibility and ambition of the research proposal.",
            },
            {
                "name": "Track record",
                "weight": 2,
                "min": 0,
                "max": 10,
                "description": "Achievements relative to career stage and opportunity.",
            },
            {
                "name": "Potential",
                "weight": 2,
                "min": 0,
                "max": 10,
                "description": "Potential to become a leader in the field.",
            },
            {
                "name": "Fit",
                "weight": 1,
                "min": 0,
                "max": 10,
                "description": "Fit with the fellowship programme and host.",
            },
        ],
    },
}
