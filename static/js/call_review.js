// The call page: a turn's time plays the recording from there, and the turn being played is marked.
(function () {
  "use strict";
  function ready() {
    var audio = document.querySelector(".recording audio");
    var turns = Array.prototype.slice.call(document.querySelectorAll("#transcript li[data-start-ms]"));
    if (!audio || !turns.length) return;
    document.getElementById("transcript").addEventListener("click", function (event) {
      var button = event.target.closest("[data-seek-ms]");
      if (!button) return;
      audio.currentTime = Number(button.dataset.seekMs) / 1000;
      audio.play().catch(function () {});
    });
    audio.addEventListener("timeupdate", function () {
      var now = audio.currentTime * 1000, playing = null;
      turns.forEach(function (turn) { if (Number(turn.dataset.startMs) <= now) playing = turn; });
      turns.forEach(function (turn) { turn.classList.toggle("playing", turn === playing); });
    });
    document.documentElement.dataset.reviewReady = "yes";
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
