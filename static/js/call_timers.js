// The Queue page: each call in progress shows how long since it was dialed, counting every second (the live
// block is replaced as calls change; the timers are found afresh each tick).
(function () {
  "use strict";
  function tick() {
    var now = Date.now() / 1000;
    document.querySelectorAll(".timer[data-since]").forEach(function (timer) {
      var seconds = Math.max(0, Math.floor(now - Number(timer.dataset.since)));
      timer.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
    });
  }
  tick();
  setInterval(tick, 1000);
})();
