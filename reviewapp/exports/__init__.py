"""Exports: DataFrames in, bytes out (.xlsx decision pack, ranking CSV). No Flask here."""

from reviewapp.exports.csvfile import ranking_csv
from reviewapp.exports.safe import clean_text, csv_text, is_formula_like
from reviewapp.exports.workbook import DecisionPack, build_workbook

__all__ = [
    "DecisionPack",
    "build_workbook",
    "clean_text",
    "csv_text",
    "is_formula_like",
    "ranking_csv",
]
