"""Declared types and ranges of config values.

The code that reads a value declares what it accepts next to itself (a
class's or function's ``value_ranges``: ``{key: Value}``, or ``{key:
{key: Value}}`` for a nested dict option); the tools check every config
value against it before they build a model (``input_iba.apis.validation``).
"""
import math
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any, Mapping, Optional, Tuple


@dataclass(frozen=True)
class Value:
    """What one config value may be: an ``int`` or a finite number (an int
    is a number; ``bool`` is neither) of at least ``minimum`` (above it when
    ``exclusive``), or one of ``choices``; ``None`` where ``optional``."""
    kind: str  # 'int', 'number' or 'choice'
    minimum: Optional[float] = None
    exclusive: bool = False
    choices: Tuple = ()
    optional: bool = False

    def describe(self) -> str:
        if self.kind == 'choice':
            text = f'one of {", ".join(map(repr, self.choices))}'
        else:
            text = 'an int' if self.kind == 'int' else 'a number'
            if self.minimum is not None:
                text += f' {">" if self.exclusive else ">="} {self.minimum:g}'
        return text + (' (or None)' if self.optional else '')

    def accepts(self, value: Any) -> bool:
        if value is None:
            return self.optional
        if self.kind == 'choice':
            return value in self.choices
        wanted = Integral if self.kind == 'int' else Real
        if isinstance(value, bool) or not isinstance(value, wanted):
            return False
        if not math.isfinite(value):
            return False
        if self.minimum is None:
            return True
        return value > self.minimum if self.exclusive else value >= self.minimum

    def check(self, where: str, value: Any) -> None:
        """Raise a ``ValueError`` naming ``where`` unless ``value`` fits."""
        if not self.accepts(value):
            raise ValueError(f'{where} must be {self.describe()}, got {value!r}.')


def count(minimum: int = 1, optional: bool = False) -> Value:
    """An int of at least ``minimum`` (steps, copies, sizes, epochs)."""
    return Value('int', minimum, optional=optional)


def integer() -> Value:
    """Any int (a seed)."""
    return Value('int')


def positive(optional: bool = False) -> Value:
    """A finite number above 0 (a learning rate, beta)."""
    return Value('number', 0, exclusive=True, optional=optional)


def non_negative() -> Value:
    """A finite number of at least 0 (a smoothing width, a weight)."""
    return Value('number', 0)


def number() -> Value:
    """Any finite number."""
    return Value('number')


def one_of(*choices, optional: bool = False) -> Value:
    return Value('choice', choices=tuple(choices), optional=optional)


@dataclass(frozen=True)
class ConfigSection:
    """The config section that a function or class reads as its keyword
    arguments, declared beside it as its ``config_section``: the section's
    ``name``, the arguments that the tool passes itself (``passed``: no
    config key may set them) and the keys that the tool reads from the
    section itself (``extra``). The tools check the section against it and
    against the reader's ``value_ranges`` before any work."""
    name: str
    passed: Tuple[str, ...] = ()
    extra: Tuple[str, ...] = ()


def check_values(where: str, values: Mapping, ranges: Mapping) -> None:
    """Check the keys of ``values`` that ``ranges`` declares (nested
    mappings for nested dict options); other keys are not looked at."""
    for key, spec in ranges.items():
        if key not in values:
            continue
        value = values[key]
        if isinstance(spec, Mapping):
            if value is not None and not isinstance(value, Mapping):
                raise ValueError(f'{where}.{key} must be a dict, got {value!r}.')
            check_values(f'{where}.{key}', value or {}, spec)
        else:
            spec.check(f'{where}.{key}', value)
