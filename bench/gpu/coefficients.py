"""Coefficients of stlkit scheme and plan JSON (the one parser of bench/gpu): integers, exact
rationals as strings ("-1/2", " 3 "), or floats (taken as their exact binary value). Complex
coefficients are not supported here."""
from fractions import Fraction


def exact(x):
    """The coefficient as a Fraction, exactly."""
    if isinstance(x, bool):
        raise ValueError(f"coefficient {x!r} is not a number")
    if isinstance(x, (int, float)):
        return Fraction(x)
    if isinstance(x, str):
        return Fraction(x.strip())
    raise ValueError(f"coefficient {x!r} is not real (complex schemes are not supported here)")


def real(x):
    """The coefficient as a Python float (a float is returned as it is)."""
    return x if isinstance(x, float) else float(exact(x))
