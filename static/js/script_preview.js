// The Scripts page's play buttons: fetch the line's WAV, play it in the page's one <audio> element, and show
// the server's message instead when the line cannot be spoken (an unusable voice).
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-preview]");
  if (!button) return;
  const audio = document.getElementById("script-preview");
  const status = document.getElementById("script-preview-status");
  button.disabled = true;
  status.textContent = "Preparing the audio…";
  try {
    const response = await fetch(button.dataset.preview, { credentials: "same-origin" });
    if (!response.ok) {
      status.textContent = (await response.text()) || `The preview failed (${response.status}).`;
      return;
    }
    if (audio.dataset.objectUrl) URL.revokeObjectURL(audio.dataset.objectUrl);
    audio.dataset.objectUrl = URL.createObjectURL(await response.blob());
    audio.dataset.line = button.closest("tr")?.dataset.line || "";
    audio.preload = "auto";
    audio.src = audio.dataset.objectUrl;
    status.textContent = "";
    await audio.play().catch(() => {});  // a browser that may not autoplay still has the controls
  } catch (error) {
    status.textContent = "The preview could not be loaded.";
  } finally {
    button.disabled = false;
  }
});
