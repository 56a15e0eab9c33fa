"""The words of the rituals' notifications: a code and its parameters, written when read."""

from __future__ import annotations
