"""The GPU speech stack (`AGENT_SPEECH=gpu`): Whisper's ears through transformers, batched across calls, and
mini-omni's speech-to-speech. Nothing here imports Django, so `bench/gpu_voice.py` runs on a bare GPU host;
torch and transformers come from requirements-gpu.txt and are imported only when this stack is chosen."""
