"""`manage.py persona_corpus`: write the realistic persona files (simulator/personas/realistic*.yaml) from the
phrasing tables beside them (simulator/persona_corpus.py)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from simulator.persona_corpus import corpus_write


class Command(BaseCommand):
    help = "Build the realistic persona corpus from the phrasing tables."

    def handle(self, *args, **options) -> None:
        for name, count in corpus_write().items():
            self.stdout.write(f"{name}: {count} personas")
