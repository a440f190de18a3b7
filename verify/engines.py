"""The built-in engines, registered by name when this module is imported.

``reference`` is the breadth-first reference explorer, the semantic oracle; it
stays registered under that name whatever the default engine becomes.
``bmc`` is bounded model checking of safety properties with z3
(``verify.symbolic.bmc``); it needs a depth bound.
"""

from __future__ import annotations

from verify.engine import register
from verify.explicit.reference import ReferenceEngine
from verify.symbolic.bmc import BmcEngine
from verify.symbolic.chc import ChcEngine
from verify.symbolic.induction import InductionEngine

register(ReferenceEngine())
register(BmcEngine())
register(InductionEngine())
register(ChcEngine())
