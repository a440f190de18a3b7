"""Symbolic engines: the IR encoded as SMT formulas (z3), checked by a solver.

``values`` gives every IR value a finite symbolic shape, ``encode_expr`` and
``encode_stmt`` translate expressions and statements, ``encode`` a whole
system (initial states, the step relation, deadlock and model-error
conditions), ``solver`` is the one module that talks to z3's solvers, and
``bmc`` is the bounded model checking engine registered as ``bmc``.
"""
