"""What the language-model policies share: a `ScriptedPolicy` beside them that keeps the call's state and whose
face they show the session (its lines, tools, state, outcome, the times on offer), and the events only the
script answers — a key pressed, silence, a machine's beep, a hang-up — each remembered for the model."""

from __future__ import annotations

from agent.dialogue.actions import Lines, Tools
from agent.dialogue.policy import ScriptedPolicy


class BesideTheScript:
    scripted: ScriptedPolicy

    lines: Lines = property(lambda self: self.scripted.lines)
    tools: Tools = property(lambda self: self.scripted.tools)
    state: str = property(lambda self: self.scripted.state)
    openings = property(lambda self: self.scripted.openings)  # its own words vary; its safety lines are scripted
    outcome: str = property(lambda self: self.scripted.outcome)
    voicemail_message: str = property(lambda self: self.scripted.voicemail_message)
    offered: list = property(lambda self: self.scripted.offered)
    last_understood = property(lambda self: self.scripted.last_understood)

    def pressed(self, key: str) -> list:
        """A key the callee pressed: the script's rules answer it (a key needs no interpreting)."""
        self._remember_callee(f"(pressed {key})")
        return self._after_the_script(self.scripted.pressed(key))

    def silence(self) -> list:
        return self._after_the_script(self.scripted.silence())

    def machine(self) -> list:
        return self._after_the_script(self.scripted.machine())

    def hung_up(self) -> bool:
        return self.scripted.hung_up()

    def _remember_callee(self, text: str) -> None:
        raise NotImplementedError

    def _after_the_script(self, actions: list) -> list:
        """The script's actions, remembered for the model."""
        raise NotImplementedError
