"""mini-omni (gpt-omni/mini-omni, MIT): Qwen2-0.5B that hears Whisper features and answers in text and in SNAC
audio codes at once. Our own port — the model in litgpt's parameter layout (so the released `lit_model.pth`
loads strictly), the loader of the released folder, the token layout and the streaming loop — on plain torch,
with upstream's flaws fixed: no hard-coded CUDA, a KV cache per call (not one per model), the last frames
flushed, logits only where they are read. `../shared/notes/mini-omni.md` has the facts it rests on."""
