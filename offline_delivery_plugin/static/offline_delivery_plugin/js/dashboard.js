/*
 * The course's "Offline delivery & proctoring" tab: sets and changes the exams' invigilator passwords through the
 * REST API. The password leaves the field on submit and is never shown again. Plain JavaScript.
 */
(function () {
  'use strict';

  var root = document.getElementById('offline-delivery-dashboard');
  if (!root) { return; }
  var gettext = window.gettext || function (text) { return text; };

  function csrfToken() {
    var field = root.querySelector('input[name=csrfmiddlewaretoken]');
    return field ? field.value : '';
  }

  Array.prototype.forEach.call(root.querySelectorAll('.password-form'), function (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var field = form.querySelector('input[name=password]');
      var result = form.querySelector('.password-result');
      var password = field.value;
      field.value = '';
      result.textContent = gettext('Saving…');
      fetch(form.dataset.url, {
        method: 'POST', credentials: 'same-origin',
        headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrfToken()},
        body: JSON.stringify({password: password})
      }).then(function (response) {
        if (response.ok) {
          result.textContent = gettext('The new invigilator password is set. Candidates who start from now on ' +
                                       'get it; give it to the invigilators.');
          form.querySelector('.password-state').textContent = gettext('Set just now by you.');
          return;
        }
        return response.json().then(function (data) { result.textContent = data.detail || String(response.status); });
      }).catch(function () { result.textContent = gettext('Not saved: no connection. Try again.'); });
    });
  });
}());
