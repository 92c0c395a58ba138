"""The parts of the tree format the incident log keeps too: node ids and escalation
contacts. Apart from the tree models, so reading the log does not build those."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from irtui.trees.node_id import NODE_ID

__all__ = ["NODE_ID", "Contact"]


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    who: str = Field(description="Who to call: a team, a person's role, or IBKR support")
    phone: str | None = Field(None, description="A phone number, as it should be dialled")
    url: str | None = Field(None, description="A page to open or a ticket queue")
    when: str | None = Field(None, description="When to call them")
