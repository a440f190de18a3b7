"""The built-in engines, registered by name when this module is imported.

``reference`` is the breadth-first reference explorer, the semantic oracle; it
stays registered under that name whatever the default engine becomes.
"""

from __future__ import annotations

from verify.engine import register
from verify.explicit.reference import ReferenceEngine

register(ReferenceEngine())
