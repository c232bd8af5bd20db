"""The agent's CPU speech stack, one module per part: audio helpers, voice activity and endpointing, the
recogniser (pocketsphinx with per-state grammars), the synthesiser (Piper), and the tone detector that
hears an answering machine's beep. Each sits behind a small interface so a GPU model can replace it."""
