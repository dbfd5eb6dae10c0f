"""The SQL compiler: a plan's root field -> one statement per dialect, JSON built in the database.

>>> from federation.planner.sql import compile_root, explain_sql
>>> compiled = compile_root(root_field, "sqlite")  # doctest: +SKIP
>>> compiled.sql, compiled.params  # doctest: +SKIP
"""

from federation.planner.sql.compiler import compile_root
from federation.planner.sql.dialects import DIALECTS
from federation.planner.sql.statement import CompiledStatement, explain_sql

__all__ = ["DIALECTS", "CompiledStatement", "compile_root", "explain_sql"]
