/*
 * Decisions on learners' requests: the clicked button says approve or deny; the row then says what happened.
 */
import {post} from '../shared/http.js';
import {gettext, interpolate} from '../shared/i18n.js';

/** Every request's decision form in ``root``. */
export function setUpRequestDecisions(root) {
  var requests = root.querySelector('.requests');
  Array.prototype.forEach.call(root.querySelectorAll('.request-decision'), function (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var approve = event.submitter ? event.submitter.value === 'true' : true;
      var result = form.querySelector('.decision-result');
      var body = {approve: approve, note: form.querySelector('[name=note]').value};
      var minutes = form.querySelector('[name=minutes]');
      var multiplier = form.querySelector('[name=multiplier]');
      var text = form.querySelector('[name=allowance_text]');
      var confirmBox = form.querySelector('[name=confirm_clearing]');
      if (minutes && minutes.value) { body.minutes = Number(minutes.value); }
      if (multiplier && multiplier.value) { body.multiplier = Number(multiplier.value); }
      if (text) { body.allowance_text = text.value; }
      if (confirmBox) { body.confirm_clearing = confirmBox.checked; }
      var url = requests.dataset.decisionUrl.replace(/\/0\/decision\/$/, '/' + form.dataset.requestId + '/decision/');
      result.textContent = gettext('Saving…');
      post(url, body, root).then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) { result.textContent = data.detail || String(response.status); return; }
          var said = data.status === 'approved' ? gettext('Approved.') : gettext('Denied.');
          if (data.granted) { said += ' ' + data.granted; }
          if (data.allowed_time) {
            said += ' ' + interpolate(gettext('The learner\'s time is now %(time)s.'), {time: data.allowed_time}, true);
          }
          result.textContent = said;
          Array.prototype.forEach.call(form.querySelectorAll('input, textarea, button'), function (field) {
            field.disabled = true;
          });
        });
      }).catch(function () { result.textContent = gettext('Not saved: no connection. Try again.'); });
    });
  });
}
