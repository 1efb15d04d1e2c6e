"""The roster's own rule: one platform account never maintains both an assigning unit and
another unit (it could then assign, record and verify the same task)."""

from __future__ import annotations

from collections.abc import Mapping

from duban.model import Unit
from duban.problems import Problem
from duban.source import Location
from duban.text import Text


def handle(account: str) -> str:
    """An account as the platform compares it: without ``@``, case-insensitive."""
    return account.lstrip("@").lower()


def dual_roles(units: Mapping[str, Unit]) -> dict[str, tuple[list[str], list[str]]]:
    """Each account that maintains an assigning unit and another unit: (its assigning units,
    its other units)."""
    roles: dict[str, tuple[list[str], list[str]]] = {}
    for code, unit in units.items():
        for account in unit.maintainers:
            assigning, others = roles.setdefault(handle(str(account)), ([], []))
            (assigning if unit.kind == "assigning" else others).append(code)
    return {a: r for a, r in roles.items() if r[0] and r[1]}


def roster_problems(units: Mapping[str, Unit]) -> list[Problem]:
    """One problem at each line where such an account maintains a unit that is not
    assigning."""
    dual = dual_roles(units)
    problems = []
    for code, unit in units.items():
        if unit.kind == "assigning":
            continue
        for k, account in enumerate(unit.maintainers):
            roles = dual.get(handle(str(account)))
            if roles is None:
                continue
            where = unit.maintainers_at[k] if k < len(unit.maintainers_at) else unit.where
            assigning = "、".join(roles[0])
            problems.append(
                Problem(
                    "roster-dual-role",
                    where,
                    Text(
                        f"账号 {account} 既是交办单位 {assigning} 的维护人，又是 {code} 的维护人；"
                        f"同一账号不能既交办、核实又承办，请从其中一个单位的 maintainers 中删去",
                        f"account {account} maintains the assigning unit {assigning} and also "
                        f"{code}; one account may not do both, remove it from one of them",
                    ),
                    field=f"$.units[{list(units).index(code)}].maintainers[{k}]",
                )
            )
    return problems


def roster_location(units: Mapping[str, Unit], account: str) -> Location | None:
    """Where ``account`` is first written in the roster (None when it is not)."""
    for unit in units.values():
        for k, name in enumerate(unit.maintainers):
            if handle(str(name)) == handle(account) and k < len(unit.maintainers_at):
                return unit.maintainers_at[k]
    return None


def dual_role_refusal(
    path: str, units: Mapping[str, Unit], actor: str | None, who: str
) -> list[Problem]:
    """A change by an actor who maintains an assigning unit and another unit (per the base
    roster ``units``) is refused, at ``path``."""
    if not actor or handle(actor) not in dual_roles(units):
        return []
    line = roster_location(units, actor)
    text = Text(
        f"提交人 {who} 在基准分支的 units.yaml（{line}）中既维护交办单位又维护其他单位；"
        " 请先把该账号从其中一个单位删去",
        f"{who} maintains an assigning unit and another unit in units.yaml on the base "
        f"branch ({line}); remove the account from one of them first",
    )
    return [Problem("actor-dual-role", Location(path, 1, 1), text)]
