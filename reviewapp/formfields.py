"""Number fields that refuse what a database column cannot hold, with a form error, not a 500.

WTForms' IntegerField accepts any number of digits, and NumberRange then crashes on a huge one
(OverflowError in math.isnan); a PostgreSQL integer column refuses anything beyond ±2³¹
("integer out of range"). FloatField accepts "inf" and "nan", which no weight may be.
The refusal happens in `pre_validate`, so a DataRequired in the chain cannot replace the
message with "This field is required."
"""

import math

from wtforms import FloatField, IntegerField
from wtforms.validators import StopValidation

INT_LIMIT = 2**31  # PostgreSQL integer
TOO_LARGE = "Not a valid integer value: the number is too large."
NOT_FINITE = "Not a valid float value: enter a finite number."


class BoundedIntegerField(IntegerField):
    """An integer strictly between −2³¹ and 2³¹; anything else is refused with TOO_LARGE."""

    _out_of_range = False

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self._out_of_range = self.data is not None and not -INT_LIMIT < self.data < INT_LIMIT
        if self._out_of_range:
            self.data = None

    def pre_validate(self, form):
        if self._out_of_range:
            raise StopValidation(TOO_LARGE)


class FiniteFloatField(FloatField):
    """A finite number: "inf", "-inf", "nan" and "1e309" are refused with NOT_FINITE."""

    _not_finite = False

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self._not_finite = self.data is not None and not math.isfinite(self.data)
        if self._not_finite:
            self.data = None

    def pre_validate(self, form):
        if self._not_finite:
            raise StopValidation(NOT_FINITE)
