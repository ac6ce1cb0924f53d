// The ticket page: when the ticket is called, beep (if the citizen turned sound on:
// browsers allow sound only after a tap) and vibrate. live.js updates #state.
(function () {
  "use strict";
  var state = document.getElementById("state");
  var button = document.getElementById("sound");
  var audio = null;
  var last = state ? state.textContent : "";
  document.body.dataset.ticketState = last;
  function beep() {
    if (!audio) { return; }
    var t = audio.currentTime;
    [0, 0.35, 0.7].forEach(function (d) {
      var o = audio.createOscillator(), g = audio.createGain();
      o.frequency.value = 880; g.gain.value = 0.25;
      o.connect(g); g.connect(audio.destination);
      o.start(t + d); o.stop(t + d + 0.2);
    });
  }
  if (button) {
    button.addEventListener("click", function () {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (Ctx && !audio) { audio = new Ctx(); }
      button.setAttribute("aria-pressed", "true");
      beep();
    });
  }
  if (!state || !window.MutationObserver) { return; }
  new MutationObserver(function () {
    var now = state.textContent;
    document.body.dataset.ticketState = now;
    if (now === "called" && last !== "called") {
      beep();
      if (navigator.vibrate) { navigator.vibrate([400, 150, 400, 150, 400]); }
      document.body.dataset.alerted = "yes";
    }
    last = now;
  }).observe(state, { childList: true, characterData: true, subtree: true });
})();
