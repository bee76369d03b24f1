/* The sandbox's exam page: start and end an attempt through edx-proctoring's REST API, show the time left. */
(function () {
  'use strict';
  var API = '/api/edx_proctoring/v1/proctored_exam/attempt';
  function send(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'X-CSRFToken': window.SandboxRuntime.csrfToken()},
      body: JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok) { return response.text().then(function (text) { throw new Error(text || response.status); }); }
      return response.json();
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll('.start-exam'), function (start) {
    start.addEventListener('click', function () {
      start.disabled = true;
      send('POST', API, {exam_id: start.dataset.examId, start_clock: 'true', attempt_proctored: start.dataset.proctored})
        .then(function () { window.location.reload(); })
        .catch(function (error) {
          start.disabled = false;
          var detail = error.message;
          try { detail = JSON.parse(detail).detail || detail; } catch (ignored) { /* plain text */ }
          document.getElementById('start-error').textContent = 'The exam could not be started: ' + detail;
        });
    });
  });
  var end = document.getElementById('end-exam');
  if (end) {
    end.addEventListener('click', function () {
      if (!window.confirm('End your exam now? You cannot change your answers afterwards.')) { return; }
      send('PUT', API + '/' + end.dataset.attemptId, {action: 'submit'}).then(function () { window.location.reload(); });
    });
  }
  var timeLeft = document.getElementById('time-left');
  if (timeLeft) {
    var deadline = Date.now() + Number(timeLeft.dataset.seconds) * 1000;
    var tick = function () {
      var seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      var hours = Math.floor(seconds / 3600), minutes = Math.floor(seconds % 3600 / 60), rest = seconds % 60;
      timeLeft.textContent = hours + ':' + String(minutes).padStart(2, '0') + ':' + String(rest).padStart(2, '0');
    };
    tick();
    window.setInterval(tick, 1000);
  }
})();
