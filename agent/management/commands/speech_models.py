"""`manage.py speech_models manifest mini-omni`: the parameter names and shapes that the loader accepts from the
released `lit_model.pth`, as JSON `{name: [dims]}`, from the full-size model built on the meta device (no
weights, nothing downloaded), so anyone can check the port against the release."""

import json

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Speech models of the GPU stack: `manifest mini-omni` prints the names and shapes its loader accepts."

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["manifest"])
        parser.add_argument("model", choices=["mini-omni"])

    def handle(self, *args, **options) -> None:
        try:
            import torch

            from agent.speech.gpu.mini_omni.loader import manifest
            from agent.speech.gpu.mini_omni.model import MiniOmni, MiniOmniConfig
        except ImportError as error:
            raise CommandError(f"The GPU stack's packages are not installed (requirements-gpu.txt): {error}") from error
        with torch.device("meta"):
            model = MiniOmni(MiniOmniConfig())
        self.stdout.write(json.dumps(manifest(model), indent=1))
