"""How well each reviewer's expertise fits each candidate: TF-IDF cosine similarity.

Pure: texts in, a NumPy matrix out. Rows are candidates, columns reviewers, values in [0, 1];
a missing or empty text gives a row (or column) of zeros, so the solver then balances only.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from reviewapp.textutil import fold

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

MAX_FEATURES = 50_000
WORD_PATTERN = r"(?u)\b[^\W\d_][^\W_]+\b"  # two or more characters, starting with a letter
# The commonest function words of the other languages CVs arrive in (de, fr, es, it, pt, nl).
_OTHER_STOP_WORDS = """
der die das und oder ein eine einer eines den dem des mit von zu zur zum im in ist sind auf fur
bei als auch nicht wie aus nach uber unter durch wird werden wurde le la les un une des du et ou
avec pour dans sur par au aux ce cette est sont pas qui que el los las del y con para por en es
una uno lo il gli di da che non per nel della delle dei e o os as do dos da das em um uma no na
het een van en op te voor met zijn niet dat
"""


@cache
def stop_words() -> list[str]:
    """English (scikit-learn's list) and the other languages' function words."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return sorted(ENGLISH_STOP_WORDS | set(_OTHER_STOP_WORDS.split()))


def _vectorizer() -> TfidfVectorizer:
    # scikit-learn is imported here, not at module level: it costs over a second at start-up
    # and only the automatic assignment needs it.
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        preprocessor=fold,
        stop_words=stop_words(),
        sublinear_tf=True,
        max_features=MAX_FEATURES,
        token_pattern=WORD_PATTERN,
        dtype=np.float64,
    )


def affinity_matrix(reviewer_texts: list[str], candidate_texts: list[str]) -> np.ndarray:
    """Cosine similarity of TF-IDF vectors, shape (n_candidates, n_reviewers), values in [0, 1]."""
    n_rev, n_cand = len(reviewer_texts), len(candidate_texts)
    reviewer_texts = [t or "" for t in reviewer_texts]
    candidate_texts = [t or "" for t in candidate_texts]
    if not any(t.strip() for t in reviewer_texts) or not any(t.strip() for t in candidate_texts):
        return np.zeros((n_cand, n_rev))
    try:
        matrix = _vectorizer().fit_transform(reviewer_texts + candidate_texts)
    except ValueError:  # nothing but stop words
        return np.zeros((n_cand, n_rev))
    reviewers, candidates = matrix[:n_rev], matrix[n_rev:]
    # Rows are L2-normalised by the vectorizer, so the dot product is the cosine.
    similarity = (candidates @ reviewers.T).toarray()
    return np.clip(similarity, 0.0, 1.0)
